#pragma once

// Nutrient targets by age (calcium, vitamin D, iodine, protein, iron, zinc)
// from a reference the practice chooses -- UK, US/Canada or EU -- as data
// documents (plugins/nutrition/targets/*.json), each value with its source
// and the table or section it is from. Without a store or wx.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace nutrition {

struct Target {
    std::string nutrient, unit, kind;  // "calcium", "mg/day", "RNI"
    int fromMonths = 0, toMonths = 0;  // from inclusive, to exclusive, in completed months
    double value = 0;
    std::optional<double> high;        // the top of a range ("8.5-10 µg/day")
    std::string source, section, note;
};

struct Advice {
    std::string id, text, source, condition;
    std::optional<int> fromMonths, toMonths;
};

struct TargetSet {
    std::string id, title, region;
    std::vector<Target> targets;
    std::vector<Advice> advice;
    nlohmann::json sources = nlohmann::json::object();  // id -> {title, year, url}

    // Checks the document and says what is wrong and where ("uk.json:
    // $.targets[3].source: 'dh1992' is not one of the sources"); bands of one
    // nutrient, kind and unit may not overlap.
    static TargetSet fromJson(const nlohmann::json& document, const std::string& file);

    // The targets for a child of this many completed months, in the order of the document.
    std::vector<Target> at(int months) const;
    // The advice for a child of this many completed months (from inclusive,
    // to exclusive, either end open), in the order of the document.
    std::vector<const Advice*> adviceAt(int months) const;
    // "Department of Health (1991). Dietary Reference Values ..., Table ..."
    std::string citation(const Target& t) const;
    std::string citation(const Advice& a) const;
};

// The references that come with the plugin: uk, us, eu.
const std::vector<TargetSet>& builtInTargets();
const TargetSet* findTargets(const std::string& id);

// What removing a food takes out of the diet (targets/at-risk.json): the
// nutrients it supplies that have targets here, the others the source names,
// and the source.
struct AtRisk {
    struct Extra {
        std::string nutrient, source, why;
    };
    std::string food, also, source;
    std::vector<std::string> aliases, nutrients;
    std::vector<Extra> extra;
};
struct AtRiskTable {
    std::vector<AtRisk> foods;
    nlohmann::json sources = nlohmann::json::object();
    static AtRiskTable fromJson(const nlohmann::json& document, const std::string& file);
    // The entry for a food id of a plan ("milk", "dairy", "gluten", ...), or none.
    const AtRisk* find(const std::string& food) const;
    std::string citation(const std::string& sourceId) const;
};
const AtRiskTable& atRiskTable();
// The food id the tables use for a food of a plan: "dairy" -> "milk", "soya" -> "soy".
std::string canonicalFood(const std::string& food);

// How to replace what is removed, by age (targets/replacements.json): what to
// use, what to avoid and what to watch, for the practitioner and in the
// family's words ("{name}" is the child's), each with its source.
struct Replacement {
    std::string id, kind, practitioner, family, source;  // kind: use, avoid, watch
    std::string brief;                 // a few words for a line of the page ("rice drink under 4½ years")
    std::vector<std::string> foods;    // any of them removed (all of them when `all`); none: any food removed
    bool all = false;
    std::vector<std::string> regions;  // of the practice's reference ("UK"); none: everywhere
    int fromMonths = 0;
    std::optional<int> toMonths;       // exclusive; none: no end
    std::string familyText(const std::string& callName) const;
};
struct ReplacementTable {
    std::vector<Replacement> rules;
    nlohmann::json sources = nlohmann::json::object();
    static ReplacementTable fromJson(const nlohmann::json& document, const std::string& file);
    // The rules for a child of this age with these foods (canonical ids) out
    // of the diet, under a reference of this region; none when nothing is removed.
    std::vector<const Replacement*> forChild(const std::vector<std::string>& removed, int months,
                                             const std::string& region) const;
    std::string citation(const std::string& sourceId) const;
};
const ReplacementTable& replacementTable();
// A family text with "{name}" replaced by the child's name.
std::string withName(std::string text, const std::string& callName);
// "egg", "egg and milk", "egg, milk and soy".
std::string joinWithAnd(const std::vector<std::string>& items);

// "calcium" -> "Calcium", "vitamin-d" -> "Vitamin D".
std::string nutrientName(const std::string& nutrient);
// "525 mg/day", "8.5-10 µg/day".
std::string amountText(const Target& t);

// Completed months between a date of birth and a day (YYYY-MM-DD), by the calendar.
int completedMonths(const std::string& born, const std::string& on);

}  // namespace nutrition
