#pragma once

#include <nlohmann/json.hpp>

#include "Plans.h"

namespace elim {

// The "Your elimination plan" section of the family's plan summary
// (schemas/report-document.schema.json), for one client only.
// Where the child is today, the next two weeks day by day, each food in one
// place (left out, on its ladder, back, stopped), what to do if the child
// reacts (with the practice's emergency number), the eczema score with what
// it means, and the few words a family may not know.
nlohmann::json renderPlanSection(nourish::Host host, int64_t clientId, Day today);

}  // namespace elim
