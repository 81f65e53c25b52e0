#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace nourish {

// A form document that breaks schemas/form.schema.json or is inconsistent;
// the message starts with the JSON path ("$.sections[1].fields[0].show_if: ...").
// Whether an answer counts as not given: null, blank text or an empty list
// (the form window, the validator and the instrument scorer agree on it).
bool isUnanswered(const nlohmann::json& answer);

class FormError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct FormOption {
    std::string value;
    std::string label;
};

struct FormField {
    struct Condition {
        std::string field;
        std::vector<nlohmann::json> values;  // shown when the field's answer is (or contains) one of these
    };

    std::string id;
    std::string type;  // text, multiline, integer, decimal, date, yes_no, single_choice, multiple_choice, scale, repeat
    std::string label;
    std::string help;
    std::string unit;
    bool required = false;
    std::optional<double> min;
    std::optional<double> max;
    std::optional<int> maxLength;
    std::string minLabel;
    std::string maxLabel;
    std::vector<FormOption> options;
    std::vector<FormField> fields;  // of a repeat group
    std::optional<int> minItems;
    std::optional<int> maxItems;
    std::optional<Condition> showIf;

    const FormOption* option(const std::string& value) const;
};

struct FormSection {
    std::string id;
    std::string title;
    std::string help;
    std::vector<FormField> fields;
};

// A declarative form (intake questionnaire, diary entry, instrument, note
// template), and the one validator of answers every part of the product uses.
// Answers are a JSON object: field id -> value; a repeat group is an array of
// such objects; a multiple choice is an array of option values.
class FormDefinition {
public:
    // Checks the schema and the form's own consistency (unique ids, show_if
    // pointing at an earlier field, min <= max, ...). Throws FormError.
    static FormDefinition parse(const nlohmann::json& document);

    std::string id;
    int version = 0;
    std::string title;
    std::string description;
    std::vector<FormSection> sections;
    nlohmann::json document;

    // One problem per entry, each naming the field ("suspected_foods[1].severity:
    // 7 is above the maximum 3"). complete = false (a draft) skips required checks.
    std::vector<std::string> validateAnswers(const nlohmann::json& answers, bool complete) const;

    // Whether a field is asked, given the answers so far (and, inside a repeat
    // group, that item's answers).
    static bool isVisible(const FormField& field, const nlohmann::json& answers,
                          const nlohmann::json* item = nullptr);
    const FormField* field(const std::string& id) const;
};

}  // namespace nourish
