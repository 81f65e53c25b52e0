#pragma once

#include "nourish/core/Store.h"

namespace nourish {

// Fills an empty store with a dozen fictional families (children of different
// ages, guardians at example.org) and the practice details of a fictional
// practice. Does nothing if the store already has clients. Returns how many
// clients it added.
int seedDemoCaseload(Store& store);

}  // namespace nourish
