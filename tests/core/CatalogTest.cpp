// Protocols and instruments as the host accepts them: every refusal names
// the JSON path; POEM scored at every band edge by the one engine.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "nourish/core/Catalog.h"
#include "nourish/core/Errors.h"

using namespace nourish;
using nlohmann::json;

namespace {

json readJson(const std::string& relative) {
    std::ifstream in(std::string(NOURISH_SOURCE_DIR) + "/" + relative);
    std::stringstream s;
    s << in.rdbuf();
    return json::parse(s.str());
}

std::string protocolProblem(const json& doc) {
    try {
        ProtocolDefinition::parse(doc);
        return "";
    } catch (const DocumentError& e) {
        return e.what();
    }
}

std::string instrumentProblem(const json& doc) {
    try {
        Instrument::parse(doc);
        return "";
    } catch (const DocumentError& e) {
        return e.what();
    }
}

const char* kPoem = "plugins/elimination/instruments/poem.json";

json poemAnswers(std::vector<int> scores) {
    static const char* values[] = {"none", "1-2", "3-4", "5-6", "every"};
    static const char* items[] = {"itch", "sleep", "bleeding", "weeping", "cracked", "flaking", "dry"};
    json a = json::object();
    for (size_t i = 0; i < scores.size(); ++i)
        if (scores[i] >= 0) a[items[i]] = values[scores[i]];
    return a;
}

}  // namespace

TEST(Protocols, TheBuiltInOnesAreAccepted_EveryDoseMeasurable_EveryHomeChallengeTriaged) {
    for (const char* name : {"common-triggers", "milk-trial", "milk-ladder", "egg-ladder"}) {
        SCOPED_TRACE(name);
        json doc = readJson(std::string("plugins/elimination/protocols/") + name + ".json");
        EXPECT_EQ(protocolProblem(doc), "");
        EXPECT_EQ(doc.value("format", 1), 2) << "the shipped protocols say what a parent measures";
        EXPECT_TRUE(doc.contains("reviewed")) << "and when they were last checked against their sources";
        EXPECT_FALSE(doc.value("references", json::array()).empty());
        // Taking the amount out of any dose, or the setting out of any challenge, is refused.
        for (size_t i = 0; i < doc["challenges"].size(); ++i) {
            json noSetting = doc;
            noSetting["challenges"][i].erase("setting");
            EXPECT_NE(protocolProblem(noSetting).find("needs setting"), std::string::npos) << i;
            json noAmount = doc;
            json& c = noAmount["challenges"][i];
            if (c["method"] == "ladder") c["steps"][0].erase("amounts");
            else c.erase("amounts");
            EXPECT_NE(protocolProblem(noAmount).find("needs amounts"), std::string::npos) << i;
        }
    }
}

TEST(Protocols, BrokenOrInconsistentOnesAreRefusedWithTheirPath) {
    json base = readJson("plugins/elimination/protocols/common-triggers.json");
    struct Row {
        const char* what;
        std::function<void(json&)> change;
        const char* problem;  // the start of the message
    };
    std::vector<Row> rows = {
        {"challenge for a food never eliminated", [](json& d) { d["challenges"][1]["food"] = "sesame"; },
         "$.challenges[1].food: 'sesame' is not one of the foods this protocol removes"},
        {"negative duration", [](json& d) { d["phases"][1]["default_days"] = -3; }, "$.phases[1].default_days"},
        {"ladder with no steps",
         [](json& d) { d["challenges"][0] = {{"food", "soy"}, {"method", "ladder"}, {"steps", json::array()}}; },
         "$.challenges[0].steps: a ladder needs at least one step"},
        {"ladder without steps at all",
         [](json& d) { d["challenges"][0] = {{"food", "soy"}, {"method", "ladder"}}; }, "$.challenges[0]"},
        {"food challenged twice", [](json& d) { d["challenges"][2]["food"] = "soy"; },
         "$.challenges[2].food: 'soy' is already challenged at $.challenges[0]"},
        {"food listed twice", [](json& d) { d["foods"][3]["id"] = "dairy"; },
         "$.foods[3].id: the food 'dairy' is already listed at $.foods[0]"},
        {"phases out of order", [](json& d) { std::swap(d["phases"][0], d["phases"][1]); }, "$.phases[1].kind"},
        {"no elimination phase", [](json& d) { d["phases"].erase(1); }, "$.phases: there is no elimination phase"},
        {"default outside bounds", [](json& d) { d["phases"][1]["default_days"] = 60; },
         "$.phases[1].default_days: 60 is outside 14-42"},
        {"min above max", [](json& d) { d["phases"][1]["min_days"] = 50; }, "$.phases[1]: min_days is greater"},
        {"zero doses", [](json& d) { d["challenges"][0]["doses"] = json::array(); }, "$.challenges[0].doses"},
        {"dose of zero", [](json& d) { d["challenges"][0]["doses"][0] = 0; }, "$.challenges[0].doses[0]"},
        {"unknown audience", [](json& d) { d["audience"][0] = "toddlers"; }, "$.audience[0]"},
        {"step_back without retry", [](json& d) { d["reactions"]["delayed_moderate"] = {{"action", "step_back"}}; },
         "$.reactions.delayed_moderate: 'step_back' needs retry_after_months"},
        {"hold without its days", [](json& d) { d["reactions"]["delayed_mild"] = {{"action", "hold"}}; },
         "$.reactions.delayed_mild: 'hold' needs hold_days"},
        {"both names of the rules", [](json& d) { d["reactions"]["mild"] = {{"action", "continue"}}; },
         "$.reactions: use delayed_mild and delayed_moderate"},
        // Format 2: what a parent measures, where it happens, what the food is.
        {"a dose with no measurable amount", [](json& d) { d["challenges"][0].erase("amounts"); },
         "$.challenges[0]: format 2 needs amounts"},
        {"amounts that do not match the doses", [](json& d) { d["challenges"][0]["amounts"].erase(2); },
         "$.challenges[0].amounts: 2 amounts for 3 doses"},
        {"a home challenge with no setting", [](json& d) { d["challenges"][1].erase("setting"); },
         "$.challenges[1]: format 2 needs setting"},
        {"a food with no allergen", [](json& d) { d["foods"][2].erase("allergen"); }, "$.foods[2]: format 2 needs allergen"},
        {"advice challenged as a food",
         [](json& d) {
             json c = d["challenges"][0];
             c["food"] = "processed";
             d["challenges"].push_back(c);
         },
         "$.challenges[5].food: 'processed' is advice"},
        {"a timing rule for a food not removed",
         [](json& d) { d["rules"] = {{{"id", "x"}, {"kind", "min_age"}, {"months", 12}, {"food", "fish"}, {"text", "t"}, {"source", "s"}}}; },
         "$.rules[0].food: 'fish' is not one of the foods"},
        {"a review on a phase that is not the elimination", [](json& d) { d["phases"][0]["review"] = true; },
         "$.phases[0].review: only the elimination phase ends with a review"},
        {"unknown field", [](json& d) { d["colour"] = "blue"; }, "$"},
        {"bad id", [](json& d) { d["id"] = "Not An Id"; }, "$.id"},
    };
    for (const Row& r : rows) {
        SCOPED_TRACE(r.what);
        json doc = base;
        r.change(doc);
        std::string problem = protocolProblem(doc);
        EXPECT_EQ(problem.rfind(r.problem, 0), 0u) << "got: " << problem;
    }
}

TEST(Instruments, PoemIsScoredAtEveryBandEdge) {
    Instrument poem = Instrument::parse(readJson(kPoem));
    struct Row {
        std::vector<int> scores;
        double total;
        const char* band;
    };
    for (const Row& r : std::vector<Row>{
             {{0, 0, 0, 0, 0, 0, 0}, 0, "Clear or almost clear"},
             {{1, 1, 0, 0, 0, 0, 0}, 2, "Clear or almost clear"},
             {{1, 1, 1, 0, 0, 0, 0}, 3, "Mild eczema"},
             {{1, 1, 1, 1, 1, 1, 1}, 7, "Mild eczema"},
             {{2, 1, 1, 1, 1, 1, 1}, 8, "Moderate eczema"},
             {{4, 4, 4, 4, 0, 0, 0}, 16, "Moderate eczema"},
             {{4, 4, 4, 4, 1, 0, 0}, 17, "Severe eczema"},
             {{4, 4, 4, 4, 4, 4, 0}, 24, "Severe eczema"},
             {{4, 4, 4, 4, 4, 4, 1}, 25, "Very severe eczema"},
             {{4, 4, 4, 4, 4, 4, 4}, 28, "Very severe eczema"},
         }) {
        SCOPED_TRACE(r.total);
        InstrumentScore s = poem.score(poemAnswers(r.scores));
        ASSERT_TRUE(s.total.has_value());
        EXPECT_EQ(*s.total, r.total);
        EXPECT_EQ(s.band, r.band);
        EXPECT_EQ(s.items.size(), 7u);
    }
}

TEST(Instruments, PoemWithOneQuestionUnansweredScoresItZero_WithTwoHasNoTotal) {
    Instrument poem = Instrument::parse(readJson(kPoem));
    InstrumentScore one = poem.score(poemAnswers({4, 4, 4, -1, 4, 4, 4}));
    ASSERT_TRUE(one.total.has_value());
    EXPECT_EQ(*one.total, 24);
    EXPECT_EQ(one.missing, 1);
    EXPECT_FALSE(one.items[3].score.has_value());
    InstrumentScore two = poem.score(poemAnswers({4, 4, 4, -1, -1, 4, 4}));
    EXPECT_FALSE(two.total.has_value());
    EXPECT_EQ(two.band, "");
    EXPECT_TRUE(two.toJson()["total"].is_null());
}

// What the form window takes as not answered (blank text, an empty list) the
// scorer counts as missing too, instead of refusing it.
TEST(Instruments, ABlankAnswerIsUnanswered_AsTheFormSaysIt) {
    Instrument poem = Instrument::parse(readJson(kPoem));
    json answers = poemAnswers({4, 4, 4, -1, 4, 4, 4});
    answers["weeping"] = "  ";
    InstrumentScore s = poem.score(answers);
    EXPECT_EQ(s.missing, 1);
    ASSERT_TRUE(s.total.has_value());
    EXPECT_EQ(*s.total, 24);
    answers["weeping"] = json::array();
    EXPECT_EQ(poem.score(answers).missing, 1);
}

TEST(Instruments, AnswersThatAreNotOnTheScaleNameTheItem) {
    Instrument poem = Instrument::parse(readJson(kPoem));
    try {
        poem.score({{"itch", "often"}});
        FAIL();
    } catch (const ValidationError& e) {
        EXPECT_EQ(std::string(e.what()), "itch: \"often\" is not one of none, 1-2, 3-4, 5-6, every");
    }
    EXPECT_THROW(poem.score({{"wheezing", "none"}}), ValidationError);
    EXPECT_THROW(poem.score(json::array()), ValidationError);
}

TEST(Instruments, BecomeAFormForTheHostsFormWindow) {
    Instrument poem = Instrument::parse(readJson(kPoem));
    json form = poem.toForm();
    EXPECT_EQ(form["id"], poem.id);
    EXPECT_EQ(form["sections"][0]["fields"].size(), 7u);
    EXPECT_EQ(form["sections"][0]["fields"][0]["type"], "single_choice");
    EXPECT_NE(form["description"].get<std::string>().find("University of Nottingham"), std::string::npos)
        << "the licence note travels with the instrument";
}

TEST(Instruments, BandsThatLeaveGapsOrOverlap_AreRefused) {
    json base = readJson(kPoem);
    struct Row {
        const char* what;
        std::function<void(json&)> change;
        const char* problem;
    };
    std::vector<Row> rows = {
        {"gap", [](json& d) { d["bands"][1]["min"] = 4; }, "$.bands[1].min: 4 does not follow"},
        {"overlap", [](json& d) { d["bands"][2]["min"] = 7; }, "$.bands[2].min: 7 does not follow"},
        {"top not covered", [](json& d) { d["bands"][4]["max"] = 27; }, "$.bands[4].max: the highest possible total 28"},
        {"bottom not covered", [](json& d) { d["bands"][0]["min"] = 1; }, "$.bands[0].min: the lowest possible total 0"},
        {"duplicate item", [](json& d) { d["items"][2]["id"] = "itch"; }, "$.items[2].id: 'itch' appears twice"},
        {"duplicate value", [](json& d) { d["scale"][1]["value"] = "none"; }, "$.scale[1].value"},
        {"no licence", [](json& d) { d.erase("licence"); }, "$"},
        {"bad loinc", [](json& d) { d["loinc"]["total"] = "89870"; }, "$.loinc.total"},
        {"too lenient", [](json& d) { d["scoring"]["max_missing"] = 7; }, "$.scoring.max_missing"},
    };
    for (const Row& r : rows) {
        SCOPED_TRACE(r.what);
        json doc = base;
        r.change(doc);
        std::string problem = instrumentProblem(doc);
        EXPECT_EQ(problem.rfind(r.problem, 0), 0u) << "got: " << problem;
    }
}

TEST(Instruments, FractionalScores_BandsOnlyNeedToFollowEachOther) {
    json doc = {{"id", "org.example.half"}, {"version", 1}, {"title", "Half points"}, {"licence", "Test only"},
                {"scale", {{{"value", "no"}, {"label", "No"}, {"score", 0}},
                           {{"value", "some"}, {"label", "Some"}, {"score", 0.5}},
                           {{"value", "yes"}, {"label", "Yes"}, {"score", 1}}}},
                {"items", {{{"id", "a"}, {"text", "A?"}}, {{"id", "b"}, {"text", "B?"}}}},
                {"scoring", {{"method", "sum"}}},
                {"bands", {{{"min", 0}, {"max", 0.9}, {"label", "Low"}}, {{"min", 1}, {"max", 2}, {"label", "High"}}}}};
    EXPECT_EQ(instrumentProblem(doc), "");
    Instrument half = Instrument::parse(doc);
    EXPECT_EQ(half.score({{"a", "some"}, {"b", "no"}}).band, "Low");
    EXPECT_EQ(half.score({{"a", "some"}, {"b", "some"}}).band, "High");
    doc["bands"][1]["min"] = 0.9;
    EXPECT_EQ(instrumentProblem(doc).rfind("$.bands[1].min: 0.9 does not follow", 0), 0u) << instrumentProblem(doc);
}

// ------------------------------------------------------------ note templates --

namespace {
std::string templateProblem(const json& doc) {
    try {
        NoteTemplate::parse(doc);
        return "";
    } catch (const DocumentError& e) {
        return e.what();
    }
}
}  // namespace

TEST(NoteTemplates, TheBuiltInOnesAreAcceptedAndBecomeNoteForms) {
    for (const char* name : {"soap", "initial", "follow-up"}) {
        SCOPED_TRACE(name);
        json doc = readJson(std::string("plugins/notes/templates/") + name + ".json");
        ASSERT_EQ(templateProblem(doc), "");
        NoteTemplate t = NoteTemplate::parse(doc);
        EXPECT_EQ(t.recommendationSection(), "recommendations");
        json form = t.toForm();
        EXPECT_EQ(form["purpose"], "note");
        EXPECT_EQ(form["sections"].size(), doc["sections"].size() - 1) << "the recommendation list is not a form field";
        EXPECT_EQ(form["sections"][0]["fields"][0]["type"], "multiline");
        EXPECT_EQ(form["sections"][0]["fields"][0]["id"], doc["sections"][0]["id"]);
    }
}

TEST(NoteTemplates, BrokenOnesAreRefusedWithTheTemplatesOwnPath) {
    json base = readJson("plugins/notes/templates/soap.json");
    struct Row {
        const char* what;
        std::function<void(json&)> change;
        const char* problem;
    };
    std::vector<Row> rows = {
        {"no sections", [](json& d) { d["sections"] = json::array(); }, "$.sections"},
        {"unknown member", [](json& d) { d["sections"][0]["colour"] = "red"; }, "$.sections[0]"},
        {"section id twice", [](json& d) { d["sections"][2]["id"] = "subjective"; }, "$.sections[2].id: 'subjective' appears twice"},
        {"two recommendation lists", [](json& d) { d["sections"][0]["recommendations"] = true; },
         "$.sections[4].recommendations: a template has at most one recommendation list"},
        {"a list with fields",
         [](json& d) { d["sections"][4]["fields"] = json::array({{{"id", "x"}, {"type", "text"}, {"label", "X"}}}); },
         "$.sections[4].fields: the recommendation list has no other fields"},
        {"a field of an unknown type", [](json& d) { d["sections"][1]["fields"][1]["type"] = "clock"; },
         "$.sections[1].fields[1].type"},
        {"a field taking the list's id", [](json& d) { d["sections"][1]["fields"][0]["id"] = "recommendations"; },
         "$.sections[1].fields[0].id: 'recommendations' is the recommendation list's id"},
        {"a field taking a section's id", [](json& d) { d["sections"][1]["fields"][0]["id"] = "plan"; }, "$.sections[3].id"},
        {"a bad id", [](json& d) { d["id"] = "SOAP"; }, "$.id"},
    };
    for (const Row& row : rows) {
        SCOPED_TRACE(row.what);
        json doc = base;
        row.change(doc);
        std::string problem = templateProblem(doc);
        EXPECT_EQ(problem.rfind(row.problem, 0), 0u) << problem;
    }
}

// --------------------------------------------------------- growth references --

namespace {
std::string referenceProblem(const json& doc) {
    try {
        GrowthReference::parse(doc);
        return "";
    } catch (const DocumentError& e) {
        return e.what();
    }
}

json smallReference() {
    return {{"id", "example.weight-for-age"},
            {"version", 1},
            {"title", "Weight-for-age"},
            {"indicator", "weight-for-age"},
            {"measure", "weight"},
            {"unit", "kg"},
            {"axis", {{"by", "age"}, {"unit", "months"}}},
            {"restricted_beyond_3sd", true},
            {"source", {{"publisher", "Example"}, {"title", "Example tables"}, {"year", 2006}, {"terms", "Free to use."}}},
            {"lines", {{{"z", -2}, {"label", "-2 SD"}}, {{"z", 0}, {"label", "Median"}}}},
            {"tables",
             {{{"sex", "male"}, {"rows", {{0, 0.3487, 3.3464, 0.14602}, {1, 0.2297, 4.4709, 0.13395}}}},
              {{"sex", "female"}, {"rows", {{0, 0.3809, 3.2322, 0.14171}, {1, 0.1714, 4.1873, 0.13724}}}}}}};
}
}  // namespace

TEST(GrowthReferences, AConsistentOneIsAccepted_BrokenOnesAreRefusedWithTheirPath) {
    ASSERT_EQ(referenceProblem(smallReference()), "");
    EXPECT_EQ(GrowthReference::parse(smallReference()).id, "example.weight-for-age");
    struct Row {
        const char* what;
        std::function<void(json&)> change;
        const char* problem;
    };
    std::vector<Row> rows = {
        {"an unknown indicator", [](json& d) { d["indicator"] = "bmi-for-age"; }, "$.indicator"},
        {"the wrong measure", [](json& d) { d["measure"] = "length"; }, "$.measure: weight-for-age describes weight, not length"},
        {"the wrong unit", [](json& d) { d["unit"] = "cm"; }, "$.unit: weight is in kg, not cm"},
        {"the wrong axis", [](json& d) { d["axis"]["by"] = "length"; }, "$.axis.by: weight-for-age is by age, not length"},
        {"age in cm", [](json& d) { d["axis"]["unit"] = "cm"; }, "$.axis.unit: age is in months or days, not cm"},
        {"length in months",
         [](json& d) {
             d["indicator"] = "weight-for-length";
             d["axis"] = {{"by", "length"}, {"unit", "months"}};
         },
         "$.axis.unit: length is in cm, not months"},
        {"a sex twice", [](json& d) { d["tables"][1]["sex"] = "male"; }, "$.tables[1].sex: male has a table already"},
        {"a sex it cannot have", [](json& d) { d["tables"][1]["sex"] = "unknown"; }, "$.tables[1].sex"},
        {"points out of order", [](json& d) { d["tables"][0]["rows"][1][0] = 0; },
         "$.tables[0].rows[1][0]: the point 0 does not come after 0"},
        {"a negative point", [](json& d) { d["tables"][0]["rows"][0][0] = -1; }, "$.tables[0].rows[0][0]: the point -1 is below zero"},
        {"M of zero", [](json& d) { d["tables"][1]["rows"][1][2] = 0; }, "$.tables[1].rows[1][2]: M must be above zero, not 0"},
        {"a negative S", [](json& d) { d["tables"][1]["rows"][0][3] = -0.1; }, "$.tables[1].rows[0][3]: S must be above zero, not -0.1"},
        {"a row of three", [](json& d) { d["tables"][0]["rows"][0] = {0, 1, 2}; }, "$.tables[0].rows[0]"},
        {"two lines at one z", [](json& d) { d["lines"][1]["z"] = -2; }, "$.lines[1].z: another line is already at z -2"},
        {"no terms", [](json& d) { d["source"].erase("terms"); }, "$.source"},
        {"no tables", [](json& d) { d["tables"] = json::array(); }, "$.tables"},
    };
    for (const Row& row : rows) {
        SCOPED_TRACE(row.what);
        json doc = smallReference();
        row.change(doc);
        std::string problem = referenceProblem(doc);
        EXPECT_EQ(problem.rfind(row.problem, 0), 0u) << problem;
    }
}
