#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "Responses.h"

// What the intake answers say about a child's allergy history, as the
// document of nourish.allergy-history/1 (schemas/allergy-history.schema.json):
// reactions with their onset and signs, anaphylaxis, asthma, a prescribed
// adrenaline auto-injector, current eczema and allergy tests, each with the
// answer it came from. Earlier form versions count too: their "suspected
// foods" become reactions with the onset the family gave.
nlohmann::json allergyHistoryOf(const std::vector<Response>& responses, const nlohmann::json& forms);

// Answers given to an earlier version of the intake form, in the shape of
// the current one, so that the form window can open them for editing.
nlohmann::json upgradeIntakeAnswers(const std::string& formId, int fromVersion, nlohmann::json answers);
