#include "Check.h"

#include <algorithm>

#include "Growth.h"
#include "nourish/family.hpp"

namespace nutrition {

using nlohmann::json;

namespace {
bool inEu(const std::string& country) {
    static const char* kEu[] = {"AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
                                "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"};
    return std::find(std::begin(kEu), std::end(kEu), country) != std::end(kEu);
}
}  // namespace

// The practice's reference, and why it is that one.
std::pair<std::string, std::string> practiceReference(nourish::Host host) {
    std::string chosen = host.setting("nutrition.reference");
    if (!chosen.empty() && findTargets(chosen)) return {chosen, "chosen for the practice"};
    if (!chosen.empty())
        throw std::invalid_argument("the setting nutrition.reference: '" + chosen +
                                    "' is not one of uk, us, eu; set it again with nourish-cli nutrition reference");
    std::string country = host.setting("practice.country");
    if (country == "US" || country == "CA") return {"us", "the practice's country is " + country};
    if (inEu(country)) return {"eu", "the practice's country is " + country};
    if (country == "GB") return {"uk", "the practice's country is GB"};
    return {"uk", country.empty() ? "no country is set for the practice" : "no reference is chosen for " + country};
}

// A food of a running plan is out of the diet in these states (nourish.host.plans/1).
bool outOfTheDiet(const std::string& status) {
    // Everything but back in: a food under challenge is still mostly out of the
    // diet (the Elimination diets plugin counts it as avoided too).
    for (const char* s : {"tolerated", "reintroduced", "back-in-diet"})
        if (status == s) return false;
    return !status.empty();
}

// The target a practitioner compares an intake with: the reference intake
// (RNI, RDA, PRI), else the adequate or safe intake; never an average requirement.
std::optional<Target> mainTarget(const TargetSet& set, const std::string& nutrient, int months) {
    std::optional<Target> best;
    int bestRank = 99;
    for (const Target& t : set.at(months)) {
        if (t.nutrient != nutrient || t.unit.find("/kg") != std::string::npos) continue;
        int rank = (t.kind == "RNI" || t.kind == "RDA" || t.kind == "PRI") ? 0 : (t.kind == "AI" || t.kind == "safe intake") ? 1 : 9;
        if (rank < bestRank) best = t, bestRank = rank;
    }
    if (bestRank == 9) return std::nullopt;
    return best;
}

json checkDocument(nourish::Host host, int64_t clientId, const TargetSet& set, const std::string& why) {
    json c = json::parse(host.client(clientId));
    std::string today = nourish::family::today(), name = c.value("given_name", "") + " " + c.value("family_name", "");
    int months = completedMonths(c.value("date_of_birth", ""), today);
    json plans = json::parse(host.clientPlans(clientId));
    const AtRiskTable& table = atRiskTable();
    json removed = json::array(), attention = json::array();
    for (const json& plan : plans.value("plans", json::array())) {
        if (!plan.value("active", false) || !plan.contains("schedule")) continue;
        std::string since = plan.value("avoiding_since", plan.value("started", today)), by = plan.value("followed_by", "child");
        // NICE CG57 (2007), 1.4: more than eight weeks without a dietitian's review since the foods went out.
        bool reviewed = false;
        for (const json& d : plan.value("dietitian_reviews", json::array()))
            reviewed |= d.is_string() && d.get<std::string>() >= since && d.get<std::string>() <= today;
        std::vector<std::string> unreviewed;
        int days = daysBetween(since, today);
        for (const json& f : plan["schedule"].value("foods", json::array())) {
            if (!outOfTheDiet(f.value("status", ""))) continue;
            json entry{{"food", f.value("food", "")}, {"label", f.value("label", f.value("food", ""))}, {"since", since},
                       {"days", days}, {"followed_by", by}, {"plan", plan.value("protocol_title", "")},
                       {"at_risk", json::array()}};
            const AtRisk* risk = table.find(entry["food"]);
            if (by == "child" && risk) {
                auto add = [&](const std::string& nutrient, const std::string& source, const std::string& reason) {
                    json n{{"nutrient", nutrient}, {"name", nutrientName(nutrient)}, {"source", table.citation(source)}};
                    if (!reason.empty()) n["why"] = reason;
                    if (auto t = mainTarget(set, nutrient, months)) {
                        n["target"] = {{"value", t->value}, {"unit", t->unit}, {"kind", t->kind}, {"text", amountText(*t)},
                                       {"source", set.citation(*t)}};
                        if (t->high) n["target"]["value_high"] = *t->high;
                    }
                    entry["at_risk"].push_back(n);
                };
                for (const std::string& n : risk->nutrients) add(n, risk->source, "");
                for (const auto& x : risk->extra) add(x.nutrient, x.source, x.why);
                entry["also"] = risk->also;
            }
            if (risk && days > 56 && !reviewed) unreviewed.push_back(entry["label"]);
            removed.push_back(entry);
        }
        if (!unreviewed.empty()) {
            std::string foods = joinWithAnd(unreviewed);
            attention.push_back({{"kind", "dietitian-review"},
                                 {"text", foods + (unreviewed.size() == 1 ? " has" : " have") + " been out of the diet for " +
                                              std::to_string(days) + " days (since " + since +
                                              ") with no dietitian's review recorded: more than 8 weeks needs one"},
                                 {"cite", "NICE CG57 (2007), 1.4"}, {"source", "NICE CG57 (2007), section 1.4 (a cow's-milk-free diet for longer than 8 weeks "
                                            "needs specialist dietary advice; applied here to every food removed, as the "
                                            "Elimination diets plugin does)"}});
        }
    }
    // How to replace what the child (not only a breastfeeding mother) has out of her diet.
    std::vector<std::string> childRemoved;
    for (const json& r : removed)
        if (r["followed_by"] == "child") childRemoved.push_back(canonicalFood(r["food"]));
    json replacements = json::array();
    const ReplacementTable& replace = replacementTable();
    for (const Replacement* r : replace.forChild(childRemoved, months, set.region))
        replacements.push_back({{"id", r->id}, {"kind", r->kind}, {"short", r->brief}, {"text", r->practitioner},
                                {"family", r->family}, {"source", replace.citation(r->source)},
                                {"cited_as", replace.sources[r->source].value("short", r->source)}});
    json advice = json::array();
    for (const Advice* x : set.adviceAt(months))
        advice.push_back({{"id", x->id}, {"text", x->text}, {"source", set.citation(*x)}});
    json doc{{"client_id", clientId}, {"name", name}, {"age_months", months}, {"reference", set.id},
             {"reference_title", set.title}, {"why", why}, {"removed", removed}, {"attention", attention},
             {"replacements", replacements}, {"advice", advice}};
    if (plans.contains("problems")) doc["problems"] = plans["problems"];
    return doc;
}

}  // namespace nutrition
