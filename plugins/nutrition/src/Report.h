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
// "How to replace what is removed" for the family's plan summary, from a
// nutrition check (checkDocument): what to use, what to watch and what not
// to use instead, in the family's words, and the sources it rests on. No
// blocks when nothing is out of the child's diet.
nlohmann::json replaceWhatIsRemoved(const nlohmann::json& check, const std::string& callName);

nlohmann::json growingWell(const GrowthView& view, const std::vector<Reference>& references, const std::string& callName);

}  // namespace nutrition
