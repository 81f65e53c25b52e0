#pragma once

#include <nlohmann/json.hpp>

#include "Plans.h"

namespace elim {

// The "Your elimination plan" section of the family's plan summary
// (schemas/report-document.schema.json), for one client only.
nlohmann::json renderPlanSection(const Plans& plans, int64_t clientId, Day today);

}  // namespace elim
