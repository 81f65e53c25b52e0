#include "AllergyHistory.h"

#include <cstdio>

namespace {

using nlohmann::json;

const char* kInfantIntake = "org.nourish.intake.infant-eczema";

std::string dayText(const std::string& utc) {
    static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    int y = 0, m = 0, d = 0;
    if (std::sscanf(utc.c_str(), "%d-%d-%d", &y, &m, &d) != 3 || m < 1 || m > 12) return utc.substr(0, 10);
    return std::to_string(d) + " " + months[m - 1] + " " + std::to_string(y);
}

std::string titleOf(const json& forms, const std::string& id) {
    for (const json& f : forms)
        if (f.value("id", "") == id) return f.value("title", id);
    return id;
}

// The food as the form's options name it.
std::string optionLabel(const std::string& value) {
    static const std::pair<const char*, const char*> labels[] = {
        {"milk", "Cow's milk"}, {"egg", "Egg"},         {"wheat", "Wheat"},     {"soy", "Soy"},
        {"peanut", "Peanut"},   {"tree_nut", "Tree nuts"}, {"sesame", "Sesame"}, {"fish", "Fish"},
        {"shellfish", "Shellfish"}, {"dairy", "Dairy (cow's milk)"}, {"gluten", "Gluten (wheat, barley, rye)"},
        {"nuts", "Peanut or tree nuts"}};
    for (auto [v, l] : labels)
        if (value == v) return l;
    return value;
}

// Version 1 named foods differently: each becomes the allergens it covers.
std::vector<std::string> allergensOfV1(const std::string& food) {
    if (food == "dairy") return {"milk"};
    if (food == "gluten") return {"wheat"};
    if (food == "nuts") return {"peanut", "tree_nut"};
    if (food == "fish") return {"fish", "shellfish"};
    if (food == "egg" || food == "soy" || food == "other") return {food};
    return {};  // "processed": not an allergen
}

std::string onsetOfV1(const std::string& delay) {
    if (delay == "minutes") return "minutes";
    if (delay == "hours") return "within_2_hours";
    if (delay == "same_day") return "later_same_day";
    if (delay == "days") return "next_day_or_later";
    return "unknown";
}

}  // namespace

json allergyHistoryOf(const std::vector<Response>& responses, const json& forms) {
    json facts = json::array(), reactions = json::array(), tests = json::array();
    for (const Response& r : responses) {
        if (r.formId != kInfantIntake || r.replacedBy) continue;
        const json& a = r.answers;
        std::string where = titleOf(forms, r.formId) + " of " + dayText(r.updatedAt) +
                            (r.status == "draft" ? " (draft)" : "");
        for (auto [field, kind] : {std::pair{"asthma", "asthma"}, {"adrenaline", "adrenaline_prescribed"}})
            if (a.contains(field) && a[field].is_boolean())
                facts.push_back({{"kind", kind}, {"answer", a[field].get<bool>()}, {"source", where + ", " + field}});
        if (a.contains("eczema_areas") && a["eczema_areas"].is_array())
            facts.push_back({{"kind", "current_eczema"},
                             {"answer", !a["eczema_areas"].empty()},
                             {"source", where + ", eczema_areas"}});

        if (a.contains("food_reactions") && a["food_reactions"].is_array()) {
            for (size_t i = 0; i < a["food_reactions"].size(); ++i) {
                const json& item = a["food_reactions"][i];
                std::string food = item.value("food", "");
                if (food.empty()) continue;
                std::string label = food == "other" ? item.value("other_food", "something else") : optionLabel(food);
                std::string onset = item.value("onset", "unknown");
                json signs = item.contains("signs") && item["signs"].is_array() ? item["signs"] : json::array();
                json reaction = {{"allergen", food},
                                 {"label", label},
                                 {"onset", onset},
                                 {"signs", signs},
                                 {"anaphylaxis", item.value("anaphylaxis", false) == true},
                                 {"source", where + ", food reaction " + std::to_string(i + 1) + " (" + label + ")"}};
                if (item.contains("last_date") && item["last_date"].is_string()) reaction["date"] = item["last_date"];
                reactions.push_back(reaction);
            }
        }
        if (a.contains("suspected_foods") && a["suspected_foods"].is_array()) {
            for (size_t i = 0; i < a["suspected_foods"].size(); ++i) {
                const json& item = a["suspected_foods"][i];
                std::string food = item.value("food", "");
                for (const std::string& allergen : allergensOfV1(food)) {
                    std::string label = food == "other" ? item.value("other_food", "something else") : optionLabel(food);
                    reactions.push_back({{"allergen", allergen},
                                         {"label", label},
                                         {"onset", onsetOfV1(item.value("delay", ""))},
                                         {"signs", json::array()},
                                         {"anaphylaxis", false},
                                         {"source", where + ", suspected food " + std::to_string(i + 1) + " (" + label +
                                                        ": " + item.value("reaction", "") + ")"}});
                }
            }
        }
        if (a.contains("allergy_tests") && a["allergy_tests"].is_array()) {
            for (size_t i = 0; i < a["allergy_tests"].size(); ++i) {
                const json& item = a["allergy_tests"][i];
                if (!item.contains("food") || !item.contains("test") || !item.contains("result")) continue;
                json test = {{"allergen", item["food"]},
                             {"kind", item["test"]},
                             {"result", item["result"]},
                             {"source", where + ", allergy test " + std::to_string(i + 1) + " (" +
                                            optionLabel(item.value("food", "")) + ")"}};
                if (item.contains("date") && item["date"].is_string()) test["date"] = item["date"];
                if (item.contains("value") && item["value"].is_string() && !item["value"].get<std::string>().empty())
                    test["value"] = item["value"];
                tests.push_back(test);
            }
        }
    }
    return {{"facts", facts}, {"reactions", reactions}, {"tests", tests}};
}

json upgradeIntakeAnswers(const std::string& formId, int fromVersion, json answers) {
    if (formId != kInfantIntake || fromVersion >= 2 || !answers.is_object()) return answers;
    // Stools: one 1-7 type on the scale in use.
    if (answers.contains("stool_infant")) {
        std::string s = answers.value("stool_infant", "");
        int type = s == "hard" ? 2 : s == "formed" ? 4 : s == "loose" ? 5 : s == "watery" ? 7 : 0;
        if (type) answers["usual_stool"] = type;
        answers.erase("stool_infant");
    }
    if (answers.contains("stool_bristol")) {
        answers["usual_stool"] = answers["stool_bristol"];
        answers.erase("stool_bristol");
    }
    if (answers.contains("stools_per_day") && answers["stools_per_day"].is_number())
        answers["stools_per_day"] = int(answers["stools_per_day"].get<double>() + 0.5);
    // Suspected foods become reactions, with what the family wrote kept word for word.
    if (answers.contains("suspected_foods") && answers["suspected_foods"].is_array()) {
        json reactions = json::array();
        for (const json& item : answers["suspected_foods"]) {
            std::string food = item.value("food", "");
            std::vector<std::string> allergens = allergensOfV1(food);
            if (allergens.empty()) continue;
            json r = {{"food", allergens.front()}, {"onset", onsetOfV1(item.value("delay", ""))}, {"signs", json::array({"other"})}};
            if (food == "other") r["other_food"] = item.value("other_food", "");
            r["details"] = optionLabel(food) + ": " + item.value("reaction", "");
            reactions.push_back(r);
        }
        if (!reactions.empty()) answers["food_reactions"] = reactions;
        answers.erase("suspected_foods");
    }
    return answers;
}
