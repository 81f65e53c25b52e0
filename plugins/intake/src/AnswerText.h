#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

// Answers as a person reads them: "label: answer" lines, section by section,
// using the form document they were given against.
struct AnswerLine {
    std::string section;  // set on the first line of each section
    std::string label;
    std::string value;
    int depth = 0;  // 1 inside a repeat group
};

std::vector<AnswerLine> describeAnswers(const nlohmann::json& form, const nlohmann::json& answers);

// The forms of a host form list (nourish.host.forms/1) meant for intake: not
// diaries, instruments or notes, which other pages collect.
nlohmann::json intakeFormsOnly(const nlohmann::json& forms);
