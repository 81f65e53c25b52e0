// The nutrient targets that come with the plugin, against the values their
// sources print, and the checks a target document has to pass.
#include <algorithm>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "Targets.h"

using nlohmann::json;
using nutrition::Target;
using nutrition::TargetSet;

namespace {

// The one target of this nutrient and kind at this age.
std::optional<Target> targetAt(const char* set, const char* nutrient, const char* kind, int months) {
    const TargetSet* s = nutrition::findTargets(set);
    if (!s) return std::nullopt;
    std::optional<Target> found;
    for (const Target& t : s->at(months))
        if (t.nutrient == nutrient && t.kind == kind) {
            EXPECT_FALSE(found) << set << " has two " << nutrient << " " << kind << " at " << months << " months";
            found = t;
        }
    return found;
}

double valueAt(const char* set, const char* nutrient, const char* kind, int months) {
    auto t = targetAt(set, nutrient, kind, months);
    return t ? t->value : -1;
}

std::string refused(const json& doc) {
    try {
        TargetSet::fromJson(doc, "test.json");
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "accepted";
}

json small() {
    return json::parse(R"json({"id": "t", "title": "Test", "region": "UK",
        "sources": [{"id": "s", "title": "A source (2000)"}],
        "targets": [{"nutrient": "calcium", "unit": "mg/day", "kind": "RNI", "from_months": 0, "to_months": 12,
                     "value": 525, "source": "s", "section": "Table 1"}]})json");
}

}  // namespace

// Department of Health 1991 (Report on Health and Social Subjects 41): calcium
// RNI 525 mg from birth to 12 months, 350 mg at 1-3 years, 450 mg at 4-6,
// 550 mg at 7-10.
TEST(Targets, UkCalciumIsTheDepartmentOfHealthRni) {
    for (int m : {0, 3, 6, 9, 11}) EXPECT_EQ(valueAt("uk", "calcium", "RNI", m), 525) << m;
    for (int m : {12, 30, 47}) EXPECT_EQ(valueAt("uk", "calcium", "RNI", m), 350) << m;
    for (int m : {48, 60, 83}) EXPECT_EQ(valueAt("uk", "calcium", "RNI", m), 450) << m;
    for (int m : {84, 100, 131}) EXPECT_EQ(valueAt("uk", "calcium", "RNI", m), 550) << m;
}

// Institute of Medicine 2011: calcium AI 200 mg (0-6 months), 260 mg (7-12
// months), RDA 700 mg (1-3 years), 1,000 mg (4-8 years).
TEST(Targets, UsCalciumIsTheIom2011Value) {
    for (int m : {0, 5}) EXPECT_EQ(valueAt("us", "calcium", "AI", m), 200) << m;
    for (int m : {6, 11}) EXPECT_EQ(valueAt("us", "calcium", "AI", m), 260) << m;
    for (int m : {12, 47}) EXPECT_EQ(valueAt("us", "calcium", "RDA", m), 700) << m;
    for (int m : {48, 107}) EXPECT_EQ(valueAt("us", "calcium", "RDA", m), 1000) << m;
}

// SACN 2016: a safe intake of 8.5-10 µg a day under a year and 10 µg at 1 to
// 4 years, the RNI 10 µg from 4; IOM 2011: 400 IU (10 µg) under a year, 600 IU
// (15 µg) from 1 year.
TEST(Targets, VitaminDAsSacnAndTheIomSetIt) {
    auto infant = targetAt("uk", "vitamin-d", "safe intake", 3);
    ASSERT_TRUE(infant);
    EXPECT_EQ(infant->value, 8.5);
    ASSERT_TRUE(infant->high);
    EXPECT_EQ(*infant->high, 10);
    EXPECT_EQ(nutrition::amountText(*infant), "8.5-10 µg/day");
    EXPECT_EQ(valueAt("uk", "vitamin-d", "safe intake", 24), 10);
    EXPECT_EQ(valueAt("uk", "vitamin-d", "RNI", 60), 10);
    EXPECT_EQ(valueAt("us", "vitamin-d", "AI", 3), 10);
    EXPECT_EQ(valueAt("us", "vitamin-d", "RDA", 12), 15);
    EXPECT_EQ(valueAt("eu", "vitamin-d", "AI", 24), 15);
}

TEST(Targets, EveryValueNamesItsSourceAndSection) {
    ASSERT_EQ(nutrition::builtInTargets().size(), 3u);
    for (const TargetSet& s : nutrition::builtInTargets()) {
        EXPECT_FALSE(s.targets.empty()) << s.id;
        for (const Target& t : s.targets) {
            EXPECT_FALSE(t.section.empty()) << s.id << " " << t.nutrient;
            EXPECT_GT(s.citation(t).size(), t.section.size() + 20) << s.id << " " << t.nutrient;
        }
    }
}

TEST(Targets, ADocumentWithAProblemIsRefusedWithWhereItIs) {
    EXPECT_EQ(refused(small()), "accepted");
    json d = small();
    d["targets"][0]["source"] = "t";
    EXPECT_EQ(refused(d), "test.json: $.targets[0].source: 't' is not one of the sources");
    d = small();
    d["targets"][0]["to_months"] = 0;
    EXPECT_EQ(refused(d), "test.json: $.targets[0].to_months: must come after from_months");
    d = small();
    d["targets"][0]["value"] = 0;
    EXPECT_EQ(refused(d), "test.json: $.targets[0].value: must be a number above 0");
    d = small();
    d["targets"].push_back(d["targets"][0]);
    d["targets"][1]["from_months"] = 11;
    d["targets"][1]["to_months"] = 24;
    EXPECT_EQ(refused(d), "test.json: $.targets[1]: its ages overlap those of $.targets[0] (calcium, RNI)");
    d = small();
    d["targets"][0]["from_months"] = 1.5;
    EXPECT_EQ(refused(d), "test.json: $.targets[0].from_months: must be a whole number of months from 0 to 240");
    d = small();
    d["sources"] = json::array();
    EXPECT_EQ(refused(d), "test.json: $.sources: must list the sources the values come from");
}

TEST(Targets, CompletedMonthsCountByTheCalendar) {
    EXPECT_EQ(nutrition::completedMonths("2026-01-31", "2026-02-28"), 0);
    EXPECT_EQ(nutrition::completedMonths("2026-01-31", "2026-03-01"), 1);
    EXPECT_EQ(nutrition::completedMonths("2024-02-29", "2025-02-28"), 11);
    EXPECT_EQ(nutrition::completedMonths("2024-02-29", "2025-03-01"), 12);
    EXPECT_EQ(nutrition::completedMonths("2026-05-02", "2026-12-02"), 7);
    EXPECT_THROW(nutrition::completedMonths("2026-13-01", "2026-12-02"), std::invalid_argument);
}

// NHS "Vitamins for children": a daily vitamin A, C and D supplement from
// 6 months to 5 years; vitamin D drops for breastfed babies from birth (to 12
// months, as the document bounds it). The advice is for those ages only.
TEST(Targets, AdviceIsForTheAgesItNames) {
    const TargetSet* uk = nutrition::findTargets("uk");
    ASSERT_NE(uk, nullptr);
    auto ids = [&](int months) {
        std::vector<std::string> list;
        for (const nutrition::Advice* a : uk->adviceAt(months)) list.push_back(a->id);
        return list;
    };
    auto has = [&](int months, const std::string& id) {
        auto list = ids(months);
        return std::find(list.begin(), list.end(), id) != list.end();
    };
    EXPECT_FALSE(has(5, "nhs-supplement-6m-5y"));
    EXPECT_TRUE(has(6, "nhs-supplement-6m-5y"));
    EXPECT_TRUE(has(59, "nhs-supplement-6m-5y"));
    EXPECT_FALSE(has(60, "nhs-supplement-6m-5y"));
    EXPECT_TRUE(has(0, "nhs-breastfed-vitd"));
    EXPECT_FALSE(has(12, "nhs-breastfed-vitd"));
    // An advice with no ages given is for every age.
    json d = small();
    d["advice"] = json::array({{{"id", "any"}, {"text", "For everyone."}, {"source", "s"}}});
    TargetSet set = TargetSet::fromJson(d, "test.json");
    EXPECT_EQ(set.adviceAt(0).size(), 1u);
    EXPECT_EQ(set.adviceAt(200).size(), 1u);
}

namespace {
std::vector<std::string> replacementIds(const std::vector<std::string>& removed, int months, const std::string& region = "UK") {
    std::vector<std::string> ids;
    for (const nutrition::Replacement* r : nutrition::replacementTable().forChild(removed, months, region)) ids.push_back(r->id);
    return ids;
}
bool contains(const std::vector<std::string>& list, const std::string& id) {
    return std::find(list.begin(), list.end(), id) != list.end();
}
}  // namespace

// Under 12 months the milk replacement is a prescribed hypoallergenic formula
// (ESPGHAN 2012), not a plant drink; soya formula not under 6 months (ESPGHAN
// 2006); from 12 months a calcium-fortified plant drink (about 120 mg/100 ml)
// and its iodine (Bath 2017); no rice drink under 4½ years (FSA 2009).
TEST(Replacements, MilkIsReplacedAsTheChildsAgeNeeds) {
    auto at3 = replacementIds({"milk"}, 3);
    EXPECT_TRUE(contains(at3, "milk-hypoallergenic-formula"));
    EXPECT_TRUE(contains(at3, "no-soya-formula-under-6m"));
    EXPECT_TRUE(contains(at3, "no-rice-drink"));
    EXPECT_FALSE(contains(at3, "milk-fortified-plant-drink"));
    EXPECT_FALSE(contains(at3, "vitamins-6m-5y"));
    auto at6 = replacementIds({"milk"}, 6);
    EXPECT_FALSE(contains(at6, "no-soya-formula-under-6m"));
    EXPECT_TRUE(contains(at6, "vitamins-6m-5y"));
    auto at11 = replacementIds({"milk"}, 11);
    EXPECT_TRUE(contains(at11, "milk-hypoallergenic-formula"));
    EXPECT_FALSE(contains(at11, "milk-fortified-plant-drink"));
    auto at12 = replacementIds({"milk"}, 12);
    EXPECT_FALSE(contains(at12, "milk-hypoallergenic-formula"));
    EXPECT_TRUE(contains(at12, "milk-fortified-plant-drink"));
    EXPECT_TRUE(contains(at12, "milk-iodine"));
    EXPECT_FALSE(contains(at12, "milk-and-soy-plant-drink")) << "soya is still in the diet";
    EXPECT_TRUE(contains(replacementIds({"milk"}, 53), "no-rice-drink"));
    EXPECT_FALSE(contains(replacementIds({"milk"}, 54), "no-rice-drink")) << "4½ years is 54 months";
    EXPECT_TRUE(contains(replacementIds({"milk", "soy"}, 20), "milk-and-soy-plant-drink"));
    EXPECT_FALSE(contains(replacementIds({"soy"}, 20), "milk-and-soy-plant-drink"));
    // Egg alone: no milk replacement, the UK vitamins only; not the UK's under another reference.
    EXPECT_EQ(replacementIds({"egg"}, 20), std::vector<std::string>{"vitamins-6m-5y"});
    EXPECT_TRUE(replacementIds({"egg"}, 20, "US/Canada").empty());
    EXPECT_TRUE(replacementIds({}, 20).empty()) << "nothing removed, nothing to replace";
    EXPECT_EQ(nutrition::canonicalFood("dairy"), "milk");
    EXPECT_EQ(nutrition::canonicalFood("soya"), "soy");
}

TEST(Replacements, EveryRuleHasItsSourceAndTheFamilysWords) {
    const auto& table = nutrition::replacementTable();
    ASSERT_FALSE(table.rules.empty());
    for (const auto& r : table.rules) {
        EXPECT_TRUE(table.sources.contains(r.source)) << r.id;
        EXPECT_FALSE(table.sources[r.source].value("short", "").empty()) << r.id << ": a short name for the family's page";
        EXPECT_EQ(r.familyText("Zoë").find("{name}"), std::string::npos) << r.id;
    }
    const nutrition::Replacement* formula = nullptr;
    for (const auto& r : table.rules)
        if (r.id == "milk-hypoallergenic-formula") formula = &r;
    ASSERT_NE(formula, nullptr);
    EXPECT_NE(formula->familyText("Zoë").find("prescribed for Zoë"), std::string::npos);
}

TEST(Replacements, ADocumentWithAProblemIsRefusedWithWhereItIs) {
    auto refusedTable = [](const json& d) {
        try {
            nutrition::ReplacementTable::fromJson(d, "replacements.json");
        } catch (const std::invalid_argument& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    json d = json::parse(R"json({"sources": [{"id": "s", "title": "A source"}],
        "rules": [{"id": "a", "foods": ["milk"], "from_months": 12, "kind": "use", "short": "S", "practitioner": "P", "family": "F",
                   "source": "s"}]})json");
    EXPECT_EQ(refusedTable(d), "accepted");
    json bad = d;
    bad["rules"][0]["kind"] = "prefer";
    EXPECT_EQ(refusedTable(bad), "replacements.json: $.rules[0].kind: must be use, avoid or watch, not 'prefer'");
    bad = d;
    bad["rules"][0]["source"] = "t";
    EXPECT_EQ(refusedTable(bad), "replacements.json: $.rules[0].source: 't' is not one of the sources");
    bad = d;
    bad["rules"][0]["to_months"] = 6;
    EXPECT_EQ(refusedTable(bad), "replacements.json: $.rules[0].to_months: must come after from_months");
    bad = d;
    bad["rules"][0].erase("foods");
    EXPECT_EQ(refusedTable(bad), "replacements.json: $.rules[0].foods: must be a list of food ids (empty: any food removed)");
    bad = d;
    bad["rules"][0].erase("family");
    EXPECT_EQ(refusedTable(bad), "replacements.json: $.rules[0].family: must be a text that is not empty");
    bad = d;
    bad["rules"][0].erase("short");
    EXPECT_EQ(refusedTable(bad), "replacements.json: $.rules[0].short: must be a text that is not empty");
    bad = d;
    bad["rules"].push_back(d["rules"][0]);
    EXPECT_EQ(refusedTable(bad), "replacements.json: $.rules[1].id: 'a' is listed twice");
}

TEST(Replacements, FamilyWordsTakeTheChildsNameAndListsReadAsSentences) {
    EXPECT_EQ(nutrition::withName("Give {name} a drop; {name} may like it.", "Zoë"), "Give Zoë a drop; Zoë may like it.");
    EXPECT_EQ(nutrition::joinWithAnd({}), "");
    EXPECT_EQ(nutrition::joinWithAnd({"egg"}), "egg");
    EXPECT_EQ(nutrition::joinWithAnd({"egg", "milk"}), "egg and milk");
    EXPECT_EQ(nutrition::joinWithAnd({"egg", "milk", "soy"}), "egg, milk and soy");
}
