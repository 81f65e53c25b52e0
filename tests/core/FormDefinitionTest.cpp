#include <gtest/gtest.h>

#include <fstream>

#include "nourish/core/FormDefinition.h"

using namespace nourish;
using nlohmann::json;

namespace {
json shipped(const std::string& name) {
    std::ifstream in(std::string(NOURISH_SOURCE_DIR) + "/plugins/intake/forms/" + name);
    return json::parse(in);
}

FormDefinition intake() { return FormDefinition::parse(shipped("infant-eczema-intake.json")); }

json goodAnswers() {
    return json::parse(R"({
        "feeding_type": "mixed", "formula_type": "Extensively hydrolysed, since 4 months",
        "solids_started": true, "solids_age_months": 6,
        "eczema_onset_months": 3, "eczema_areas": ["face", "creases"], "itch_now": 7,
        "stool_scale": "infant", "usual_stool": 5,
        "asthma": false, "adrenaline": false,
        "food_reactions": [
            {"food": "milk", "onset": "within_2_hours", "signs": ["hives", "eczema_flare"], "anaphylaxis": false},
            {"food": "other", "other_food": "strawberries", "onset": "later_same_day", "signs": ["other"]}
        ],
        "allergy_tests": [{"food": "milk", "test": "skin_prick", "date": "2025-11-03", "result": "positive"}],
        "goals": "Sleep through the night without scratching"
    })");
}

std::string problemFor(const FormDefinition& form, json answers, bool complete = true) {
    auto problems = form.validateAnswers(answers, complete);
    return problems.empty() ? "" : problems.front();
}

std::string formError(const json& document) {
    try {
        FormDefinition::parse(document);
    } catch (const FormError& e) {
        return e.what();
    }
    return "";
}
}  // namespace

TEST(FormDefinition, ShippedFormsParse) {
    EXPECT_EQ(intake().sections.size(), 8u);
    EXPECT_EQ(FormDefinition::parse(shipped("follow-up.json")).version, 1);
}

TEST(FormDefinition, GoodAnswersPass) {
    EXPECT_EQ(intake().validateAnswers(goodAnswers(), true), std::vector<std::string>{});
}

TEST(FormDefinition, EveryProblemNamesTheField) {
    FormDefinition form = intake();
    json a = goodAnswers();
    a["itch_now"] = 11;
    EXPECT_EQ(problemFor(form, a), "itch_now: 11 is above the maximum 10");
    a = goodAnswers();
    a["feeding_type"] = "cow";
    EXPECT_EQ(problemFor(form, a), "feeding_type: \"cow\" is not one of breast, formula, mixed, solids");
    a = goodAnswers();
    a["eczema_areas"] = json::array({"face", "face"});
    EXPECT_EQ(problemFor(form, a), "eczema_areas: \"face\" is chosen twice");
    a = goodAnswers();
    a["food_reactions"][0]["onset"] = "soon";
    EXPECT_EQ(problemFor(form, a),
              "food_reactions[0].onset: \"soon\" is not one of minutes, within_2_hours, later_same_day, next_day_or_later, unknown");
    a = goodAnswers();
    a["food_reactions"][1].erase("other_food");
    EXPECT_EQ(problemFor(form, a), "food_reactions[1].other_food: is required");
    a = goodAnswers();
    a["usual_stool"] = 8;
    EXPECT_EQ(problemFor(form, a), "usual_stool: 8 is above the maximum 7");
    a = goodAnswers();
    a["allergy_tests"][0]["date"] = "2025-02-30";
    EXPECT_NE(problemFor(form, a).find("allergy_tests[0].date"), std::string::npos) << problemFor(form, a);
    a = goodAnswers();
    a["favourite_colour"] = "blue";
    EXPECT_EQ(problemFor(form, a), "favourite_colour: is not a field of this form");
    a = goodAnswers();
    a["solids_age_months"] = 6.5;
    EXPECT_EQ(problemFor(form, a), "solids_age_months: must be a whole number");
    a = goodAnswers();
    a.erase("goals");
    EXPECT_EQ(problemFor(form, a), "goals: is required");
    EXPECT_EQ(problemFor(form, a, /*complete=*/false), "");
    a = goodAnswers();
    a["feeding_type"] = "breast";  // formula_type is no longer asked
    EXPECT_EQ(problemFor(form, a), "formula_type: is not asked with these answers (it depends on feeding_type)");
    a = goodAnswers();
    a["eczema_onset_months"] = "three";
    EXPECT_EQ(problemFor(form, a), "eczema_onset_months: must be a whole number");
    EXPECT_EQ(problemFor(form, json::array()), "answers: must be a JSON object mapping field ids to values");
}

TEST(FormDefinition, ScaleEdgesAreInclusive) {
    FormDefinition form = intake();
    json a = goodAnswers();
    a["itch_now"] = 0;
    EXPECT_EQ(problemFor(form, a), "");
    a["itch_now"] = 10;
    EXPECT_EQ(problemFor(form, a), "");
    a["itch_now"] = -1;
    EXPECT_EQ(problemFor(form, a), "itch_now: -1 is below the minimum 0");
}

TEST(FormDefinition, SchemaViolationsCarryJsonPath) {
    json doc = shipped("follow-up.json");
    doc["sections"][0]["fields"][0]["type"] = "slider";
    EXPECT_EQ(formError(doc).rfind("$.sections[0].fields[0].type", 0), 0u) << formError(doc);
    doc = shipped("follow-up.json");
    doc["sections"][0]["fields"][0].erase("options");
    EXPECT_EQ(formError(doc).rfind("$.sections[0].fields[0]", 0), 0u) << formError(doc);
}

TEST(FormDefinition, InconsistentFormsAreRefused) {
    json doc = shipped("follow-up.json");
    doc["sections"][0]["fields"][1]["id"] = "skin_change";
    EXPECT_EQ(formError(doc), "$.sections[0].fields[1].id: the field id 'skin_change' is already used at $.sections[0].fields[0]");
    doc = shipped("follow-up.json");
    doc["sections"][0]["fields"][0]["show_if"] = {{"field", "questions"}, {"equals", "x"}};
    EXPECT_EQ(formError(doc), "$.sections[0].fields[0].show_if.field: 'questions' is not a field that comes before this one");
    doc = shipped("follow-up.json");
    doc["sections"][0]["fields"][1]["min"] = 20;
    EXPECT_EQ(formError(doc), "$.sections[0].fields[1]: min (20) is greater than max (10)");
    doc = shipped("follow-up.json");
    doc["sections"][0]["fields"][0]["options"][1]["value"] = "better";
    EXPECT_EQ(formError(doc), "$.sections[0].fields[0].options[1].value: 'better' appears twice");
}

TEST(FormDefinition, TextThatWouldShowOtherThanItIsWritten_IsRefused_HebrewAndArabicAreNot) {
    FormDefinition form = intake();
    json a = goodAnswers();
    a["goals"] = "\u202Eklim woc";
    EXPECT_NE(problemFor(form, a).find("goals: holds U+202E (right-to-left override)"), std::string::npos)
        << problemFor(form, a);
    a["goals"] = "Sleep \u2067well";
    EXPECT_NE(problemFor(form, a).find("never closed"), std::string::npos) << problemFor(form, a);
    for (std::string fine : {"לישון כל הלילה", "النوم طوال الليل", "Sleep \u2067שינה\u2069 well", "Zoë 🌱"}) {
        a["goals"] = fine;
        EXPECT_EQ(problemFor(form, a), "") << fine;
    }
}
