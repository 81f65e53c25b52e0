#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "Measurements.h"

namespace nutrition {

// "Growing well" for the family's plan summary (schemas/report-document.schema.json):
// the child's weight over the reference's median and ±2 SD lines for her sex,
// the latest measurements, and a gentle word when a flag needs talking over.
// No blocks when there is no weight to show.
nlohmann::json growingWell(const GrowthView& view, const std::vector<Reference>& references, const std::string& callName);

}  // namespace nutrition
