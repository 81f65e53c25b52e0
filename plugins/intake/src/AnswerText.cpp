#include "AnswerText.h"

namespace {

using nlohmann::json;

std::string optionLabel(const json& field, const json& value) {
    for (const json& o : field.value("options", json::array()))
        if (o["value"] == value) return o["label"];
    return value.is_string() ? value.get<std::string>() : value.dump();
}

std::string valueText(const json& field, const json& value) {
    const std::string type = field["type"];
    if (type == "yes_no") return value.get<bool>() ? "Yes" : "No";
    if (type == "single_choice") return optionLabel(field, value);
    if (type == "multiple_choice") {
        std::string text;
        for (const json& v : value) text += (text.empty() ? "" : ", ") + optionLabel(field, v);
        return text;
    }
    if (type == "scale") {
        std::string text = std::to_string(value.get<long long>()) + " of " +
                           std::to_string(static_cast<long long>(field["max"].get<double>()));
        return text;
    }
    if (value.is_string()) return value.get<std::string>();
    if (value.is_number_integer()) return std::to_string(value.get<long long>()) + field.value("unit", "");
    return value.dump() + field.value("unit", "");
}

void describeFields(const json& fields, const json& scope, int depth, std::string& section,
                    std::vector<AnswerLine>& lines) {
    for (const json& field : fields) {
        std::string id = field["id"];
        if (!scope.contains(id) || scope[id].is_null()) continue;
        const json& value = scope[id];
        if (field["type"] == "repeat") {
            int n = 0;
            for (const json& item : value) {
                lines.push_back({section, field["label"].get<std::string>() + " " + std::to_string(++n), "", depth});
                section.clear();
                describeFields(field["fields"], item, depth + 1, section, lines);
            }
            continue;
        }
        lines.push_back({section, field["label"], valueText(field, value), depth});
        section.clear();
    }
}

}  // namespace

std::vector<AnswerLine> describeAnswers(const json& form, const json& answers) {
    std::vector<AnswerLine> lines;
    for (const json& s : form["sections"]) {
        std::string section = s["title"];
        describeFields(s["fields"], answers, 0, section, lines);
    }
    return lines;
}

nlohmann::json intakeFormsOnly(const nlohmann::json& forms) {
    nlohmann::json out = nlohmann::json::array();
    for (const nlohmann::json& f : forms)
        if (f.value("purpose", "intake") == "intake") out.push_back(f);
    return out;
}
