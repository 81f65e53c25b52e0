#pragma once

#include <nlohmann/json.hpp>

#include "Notes.h"

namespace notes {

// "Your last consultation": the date of the last signed note, its
// recommendations grouped for the family, the plan until the next visit and
// the next appointment. Drafts and addenda never reach a family.
nlohmann::json renderLastConsultation(const Notes& notes, int64_t clientId);

}  // namespace notes
