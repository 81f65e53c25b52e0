#pragma once

// The nutrition check of one child: the foods her running plan keeps out of
// the diet and since when, what each takes out of the diet with the target
// for her age, what needs the practitioner's attention, and the reference's
// advice for her age. What the nutrition check command and the Growth page show.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>

#include "Targets.h"
#include "nourish/plugin.hpp"

namespace nutrition {

// The practice's reference and why it is that one ("the practice's country is GB").
std::pair<std::string, std::string> practiceReference(nourish::Host host);

// A food of a running plan is out of the diet unless it is back in
// (tolerated, reintroduced, back-in-diet; nourish.host.plans/1).
bool outOfTheDiet(const std::string& status);

// The target to compare an intake with: the reference intake (RNI, RDA,
// PRI), else the adequate or safe intake; never an average requirement.
std::optional<Target> mainTarget(const TargetSet& set, const std::string& nutrient, int months);

// {"client_id", "name", "age_months", "reference", "reference_title", "why",
//  "removed": [...], "attention": [...], "replacements": [...], "advice": [...]};
// a replacement's "family" text says "{name}" where the child's name goes.
nlohmann::json checkDocument(nourish::Host host, int64_t clientId, const TargetSet& set, const std::string& why);

}  // namespace nutrition
