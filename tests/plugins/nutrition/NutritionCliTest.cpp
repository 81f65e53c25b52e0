// Growth through nourish-cli with the real store and the bundled plugins
// (the nutrition plugin and the WHO Child Growth Standards): measurements
// recorded, scored against the references and flagged; every bad input
// refused with nothing stored.
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "Growth.h"
#include "support/Process.h"
#include "support/TempDir.h"

using nlohmann::json;
using nourish::test::ProcessResult;
using nourish::test::runProcess;

namespace {

std::string daysAgo(int days) {
    std::time_t t = std::time(nullptr) - std::time_t(days) * 86400;
    std::tm local{};
    localtime_r(&t, &local);
    char text[16];
    std::strftime(text, sizeof text, "%Y-%m-%d", &local);
    return text;
}

class NutritionCliTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto r = cli({"store", "init"});
        ASSERT_EQ(r.exitCode, 0) << r.error;
    }
    std::string addClient(const std::string& given, const std::string& dob, const std::string& sex) {
        auto r = cli({"client", "add", "--given", given, "--family", "Stone", "--dob", dob, "--sex", sex});
        EXPECT_EQ(r.exitCode, 0) << r.error;
        return std::to_string(++clients_);
    }
    ProcessResult cli(std::vector<std::string> args) {
        args.insert(args.begin(), {"--store", (dir / "n.db").string()});
        return runProcess(NOURISH_CLI, args, {"XDG_DATA_HOME=" + (dir / "xdg").string()});
    }
    json list(const std::string& client) {
        auto r = cli({"growth", "list", client, "--json"});
        EXPECT_EQ(r.exitCode, 0) << r.error;
        return r.exitCode == 0 ? json::parse(r.output) : json();
    }
    std::vector<std::string> flagRules(const std::string& client) {
        std::vector<std::string> rules;
        for (const json& f : list(client)["flags"]) rules.push_back(f["rule"]);
        return rules;
    }
    nourish::test::TempDir dir;
    int clients_ = 0;
};

}  // namespace

TEST_F(NutritionCliTest, MeasurementsAreScoredAgainstTheWhoStandards) {
    auto refs = cli({"growth", "references"});
    ASSERT_EQ(refs.exitCode, 0) << refs.error;
    EXPECT_NE(refs.output.find("who2006.weight-for-age  WHO Child Growth Standards: Weight-for-age"), std::string::npos)
        << refs.output;
    // A boy weighed on the day he was born at WHO's median birth weight.
    std::string born = daysAgo(0);
    std::string boy = addClient("Ollie", born, "male");
    auto added = cli({"growth", "add", boy, "--date", born, "--weight", "3.3464", "--length", "49.8842", "--head",
                      "34.4618", "--method", "clinic", "--by", "Claire"});
    ASSERT_EQ(added.exitCode, 0) << added.error;
    EXPECT_NE(added.output.find("added 3 measurement(s)"), std::string::npos) << added.output;
    json doc = list(boy);
    ASSERT_EQ(doc["measurements"].size(), 3u);
    EXPECT_EQ(doc["measurements"][0]["method"], "clinic");
    EXPECT_EQ(doc["measurements"][0]["measured_by"], "Claire");
    std::map<std::string, double> z;
    for (const json& s : doc["scores"]) z[s["indicator"]] = s["z"];
    ASSERT_EQ(z.size(), 4u) << doc["scores"].dump() << " (weight-, length- and head circumference-for-age, weight-for-length)";
    EXPECT_NEAR(z["weight-for-age"], 0, 1e-6);
    EXPECT_NEAR(z["length-for-age"], 0, 1e-6);
    EXPECT_NEAR(z["head-circumference-for-age"], 0, 1e-6);
    // 3.3464 kg at 49.8842 cm: between WHO's rows at 49.5 cm (L -0.3521, M 3.2276,
    // S 0.08919) and 50 cm (M 3.3278, S 0.0889), M 3.30459 and S 0.088967, so
    // z = ((3.3464 / 3.30459)^-0.3521 - 1) / (-0.3521 × 0.088967) = 0.14099.
    EXPECT_NEAR(z["weight-for-length"], 0.14099, 1e-4);
    EXPECT_TRUE(doc["flags"].empty()) << doc["flags"].dump();
    auto text = cli({"growth", "list", boy});
    EXPECT_NE(text.output.find("weight-for-age z 0.00 (the 50th centile)"), std::string::npos) << text.output;
}

TEST_F(NutritionCliTest, AChildWhoStopsGainingIsFlaggedWithTheRuleAndItsSource) {
    // A girl of 10 months: on the median at 3 months, then losing weight.
    std::string girl = addClient("Freja", daysAgo(300), "female");
    for (auto [ago, kg] : {std::pair{210, "5.85"}, std::pair{120, "7.30"}, std::pair{30, "6.80"}})
        ASSERT_EQ(cli({"growth", "add", girl, "--date", daysAgo(ago), "--weight", kg, "--method", "clinic"}).exitCode, 0);
    json doc = list(girl);
    std::vector<std::string> rules;
    for (const json& f : doc["flags"]) {
        rules.push_back(f["rule"]);
        EXPECT_FALSE(f["source"].get<std::string>().empty());
    }
    EXPECT_EQ(rules, (std::vector<std::string>{"weight-lost", "no-gain-4-weeks", "centile-fall"}));
    auto text = cli({"growth", "list", girl});
    EXPECT_NE(text.output.find("FLAG weight-lost: Weight fell from 7.30 kg"), std::string::npos) << text.output;
    EXPECT_NE(text.output.find("Rule: NICE NG75"), std::string::npos) << text.output;
    // The same weights, for a child whose sex is not recorded: no z-scores, and why.
    std::string other = addClient("Kit", daysAgo(300), "unknown");
    ASSERT_EQ(cli({"growth", "add", other, "--date", daysAgo(30), "--weight", "7.0", "--method", "home"}).exitCode, 0);
    json unscored = list(other);
    EXPECT_TRUE(unscored["scores"].empty());
    EXPECT_EQ(unscored["measurements"][0]["scored"], false);
    EXPECT_NE(unscored["measurements"][0]["not_scored_because"].get<std::string>().find("sex is not recorded"),
              std::string::npos);
    EXPECT_NE(cli({"growth", "list", other}).output.find("record the child's sex"), std::string::npos);
}

// A height taken under 2 years counts as a length 0.7 cm longer, and a length
// from 2 years as a height 0.7 cm shorter (WHO).
TEST_F(NutritionCliTest, LengthUnderTwo_HeightFromTwo) {
    std::string toddler = addClient("Minh", daysAgo(800), "male");
    ASSERT_EQ(cli({"growth", "add", toddler, "--date", daysAgo(0), "--length", "90.0", "--method", "clinic"}).exitCode, 0);
    json doc = list(toddler);
    ASSERT_EQ(doc["scores"].size(), 1u) << doc.dump();
    EXPECT_EQ(doc["scores"][0]["indicator"], "height-for-age");
    EXPECT_NEAR(doc["scores"][0]["value"].get<double>(), 89.3, 1e-9);
    auto text = cli({"growth", "list", toddler});
    EXPECT_NE(text.output.find("length 90.0 cm  (clinic)  height-for-age z "), std::string::npos) << text.output;
}

// Beyond 5 years nothing is scored against a standard for under-fives, and
// the list says so instead of leaving a blank.
TEST_F(NutritionCliTest, AChildOverFive_IsNotScoredAgainstTheUnderFiveStandards) {
    std::string child = addClient("Lea", daysAgo(7 * 365), "female");
    ASSERT_EQ(cli({"growth", "add", child, "--date", daysAgo(0), "--weight", "19.0", "--height", "110", "--method",
                   "clinic"})
                  .exitCode,
              0);
    json doc = list(child);
    EXPECT_TRUE(doc["scores"].empty()) << doc["scores"].dump() << " (weight-for-height is for under-fives)";
    EXPECT_TRUE(doc["flags"].empty());
    EXPECT_NE(doc["measurements"][0]["not_scored_because"].get<std::string>().find("outside the ages"), std::string::npos);
    EXPECT_NE(cli({"growth", "list", child}).output.find("no z-score: outside the ages"), std::string::npos);
}

TEST_F(NutritionCliTest, BadInputIsRefusedWithEveryProblemAndNothingStored) {
    std::string child = addClient("Ada", "2025-06-01", "female");
    struct Case {
        std::vector<std::string> args;
        std::vector<std::string> problems;
    };
    std::vector<Case> cases = {
        {{"--date", "2025-05-31", "--weight", "3.1", "--method", "clinic"}, {"--date: 2025-05-31 is before the child's birth"}},
        {{"--date", "2025-13-01", "--weight", "3.1", "--method", "clinic"}, {"--date: '2025-13-01' is not a date"}},
        {{"--date", "2025-6-1", "--weight", "3.1", "--method", "clinic"}, {"--date: '2025-6-1' is not a date (YYYY-MM-DD)"}},
        {{"--date", "2025-06-01x", "--weight", "3.1", "--method", "clinic"}, {"--date: '2025-06-01x' is not a date"}},
        {{"--date", "2099-01-01", "--weight", "3.1", "--method", "clinic"}, {"--date: 2099-01-01 is in the future"}},
        {{"--weight", "0", "--method", "clinic"}, {"--weight: '0' is not a weight between 0.3 and 150 kg"}},
        {{"--weight", "1e1", "--length", "0x50", "--method", "clinic"},
         {"--weight: '1e1' is not a weight", "--length: '0x50' is not a length"}},
        {{"--weight", "9,5", "--head", "90", "--method", "clinic"},
         {"--weight: '9,5' is not a weight", "--head: '90' is not a head circumference between 20 and 65 cm"}},
        {{"--length", "70", "--height", "70", "--method", "clinic"}, {"--length and --height: one or the other"}},
        {{"--method", "clinic"}, {"nothing to add"}},
        {{"--weight", "8", "--method", "scales"}, {"--method: 'scales' is not one of clinic, home, reported"}},
        {{"--weight", "8"}, {"--method: is required"}},
    };
    for (const Case& c : cases) {
        std::vector<std::string> args{"growth", "add", child};
        args.insert(args.end(), c.args.begin(), c.args.end());
        auto r = cli(args);
        SCOPED_TRACE(r.error);
        EXPECT_EQ(r.exitCode, 2);
        for (const std::string& p : c.problems) EXPECT_NE(r.error.find(p), std::string::npos) << p;
    }
    EXPECT_TRUE(list(child)["measurements"].empty()) << "nothing stored";
    auto missing = cli({"growth", "list", "99"});
    EXPECT_EQ(missing.exitCode, 2) << missing.error;
    EXPECT_EQ(cli({"growth", "add", "99", "--weight", "8", "--method", "clinic"}).exitCode, 2);
}

// Without a growth reference (the WHO plugin turned off) measurements are
// kept and listed, and the list says why they have no z-score.
TEST_F(NutritionCliTest, WithoutAReference_TheListSaysWhyThereAreNoZScores) {
    ASSERT_EQ(cli({"plugins", "disable", "org.nourish.who-growth"}).exitCode, 0);
    EXPECT_NE(cli({"growth", "references"}).output.find("no growth reference is installed"), std::string::npos);
    std::string child = addClient("Noa", daysAgo(200), "female");
    ASSERT_EQ(cli({"growth", "add", child, "--date", daysAgo(0), "--weight", "7.1", "--method", "clinic"}).exitCode, 0);
    json doc = list(child);
    EXPECT_TRUE(doc["scores"].empty());
    EXPECT_EQ(doc["measurements"][0]["not_scored_because"], "no growth reference is installed");
    EXPECT_NE(cli({"growth", "list", child}).output.find("No growth reference is installed"), std::string::npos);
}

// A spoiled copy of the WHO plugin is refused by plugin check, naming the
// document and the JSON path of the problem; a manifest that lists growth
// references without offering the capability is refused as invalid.
TEST_F(NutritionCliTest, ASpoiledGrowthReference_IsRefusedWithItsFileAndPath) {
    namespace fs = std::filesystem;
    fs::path bundled = fs::path(NOURISH_CLI).parent_path().parent_path() / "lib/nourish/plugins/org.nourish.who-growth";
    fs::path copy = dir / "who";
    fs::copy(bundled, copy, fs::copy_options::recursive);
    fs::remove(copy / "org.nourish.who-growth.plugin.sig");
    auto rewrite = [](const fs::path& path, const std::function<void(json&)>& change) {
        std::ifstream in(path);
        json doc = json::parse(in);
        in.close();
        change(doc);
        std::ofstream(path) << doc.dump();
    };
    rewrite(copy / "references/weight-for-age.json", [](json& d) { d["tables"][0]["rows"][1][0] = 0; });
    auto r = cli({"plugin", "check", copy.string()});
    EXPECT_NE(r.exitCode, 0);
    EXPECT_NE(r.output.find("FAIL  a growth reference it offers was refused (org.nourish.who-growth): "
                            "references/weight-for-age.json: $.tables[0].rows[1][0]: the point 0 does not come after 0"),
              std::string::npos)
        << r.output;
    EXPECT_NE(r.output.find("ok    5 growth reference(s) accepted"), std::string::npos) << r.output;
    rewrite(copy / "org.nourish.who-growth.plugin.json", [](json& d) { d["capabilities"] = {"nourish.protocols/1"}; });
    r = cli({"plugin", "check", copy.string()});
    EXPECT_NE(r.exitCode, 0);
    EXPECT_NE((r.output + r.error).find("it lists growth_references but $.capabilities does not have "
                                        "nourish.growth-references/1"),
              std::string::npos)
        << r.output << r.error;
}

// A mistyped weight is corrected and a wrong one removed, each with its
// reason; what it was stays in its history; a change without a reason, of a
// measurement that is not there, or to a bad value, is refused and changes nothing.
TEST_F(NutritionCliTest, CorrectAndRemove_KeepTheReasonAndWhatItWas) {
    std::string child = addClient("Ida", daysAgo(400), "female");
    ASSERT_EQ(cli({"growth", "add", child, "--date", daysAgo(10), "--weight", "12.4", "--method", "clinic"}).exitCode, 0);
    ASSERT_EQ(cli({"growth", "add", child, "--date", daysAgo(5), "--weight", "1.4", "--method", "home"}).exitCode, 0);
    json doc = list(child);
    ASSERT_EQ(doc["measurements"].size(), 2u);
    std::string typo = std::to_string(doc["measurements"][0]["id"].get<int64_t>());
    std::string wrong = std::to_string(doc["measurements"][1]["id"].get<int64_t>());
    EXPECT_NE(cli({"growth", "list", child}).output.find("#" + typo + "  "), std::string::npos) << "the list shows the number";

    struct Refusal {
        std::vector<std::string> args;
        std::string problem;
    };
    for (const Refusal& r : std::vector<Refusal>{
             {{"correct", typo, "--value", "10.4"}, "--reason: is required"},
             {{"correct", typo, "--value", "10.4", "--reason", "  "}, "--reason: say why"},
             {{"correct", typo, "--value", "1e1", "--reason", "typo"}, "--value: '1e1' is not a weight between 0.3 and 150 kg"},
             {{"correct", typo, "--value", "0x10", "--reason", "typo"}, "--value: '0x10' is not a weight"},
             {{"correct", typo, "--date", "2099-01-01", "--reason", "typo"}, "--date: 2099-01-01 is in the future"},
             {{"correct", typo, "--reason", "typo"}, "nothing to correct"},
             {{"correct", typo, "--value", "12.4", "--reason", "typo"}, "nothing to correct: the measurement already says this"},
             {{"correct", "999", "--value", "10.4", "--reason", "typo"}, "there is no measurement 999"},
             {{"remove", wrong}, "--reason: is required"},
             {{"remove", "999", "--reason", "wrong child"}, "there is no measurement 999"},
         }) {
        std::vector<std::string> args{"growth"};
        args.insert(args.end(), r.args.begin(), r.args.end());
        auto result = cli(args);
        EXPECT_EQ(result.exitCode, 2) << r.problem;
        EXPECT_NE(result.error.find(r.problem), std::string::npos) << result.error;
    }
    EXPECT_EQ(list(child)["measurements"], doc["measurements"]) << "nothing changed";
    EXPECT_NE(cli({"growth", "history", typo}).output.find("has not been changed"), std::string::npos);

    auto corrected = cli({"growth", "correct", typo, "--value", "10.4", "--reason", "typed 12.4 for 10.4"});
    ASSERT_EQ(corrected.exitCode, 0) << corrected.error;
    auto removed = cli({"growth", "remove", wrong, "--reason", "the home scales were set to stones"});
    ASSERT_EQ(removed.exitCode, 0) << removed.error;
    json after = list(child);
    ASSERT_EQ(after["measurements"].size(), 1u);
    EXPECT_EQ(after["measurements"][0]["value"], 10.4);
    EXPECT_EQ(after["measurements"][0]["date"], daysAgo(10));

    auto history = cli({"growth", "history", typo, "--json"});
    ASSERT_EQ(history.exitCode, 0) << history.error;
    json h = json::parse(history.output);
    ASSERT_EQ(h.size(), 1u);
    EXPECT_EQ(h[0]["action"], "corrected");
    EXPECT_EQ(h[0]["reason"], "typed 12.4 for 10.4");
    EXPECT_EQ(h[0]["before"]["value"], 12.4);
    EXPECT_EQ(h[0]["after"]["value"], 10.4);
    json gone = json::parse(cli({"growth", "history", wrong, "--json"}).output);
    ASSERT_EQ(gone.size(), 1u);
    EXPECT_EQ(gone[0]["action"], "removed");
    EXPECT_EQ(gone[0]["before"]["value"], 1.4);
    EXPECT_FALSE(gone[0].contains("after"));
    EXPECT_NE(cli({"growth", "history", wrong}).output.find("Reason: the home scales were set to stones"), std::string::npos);
    EXPECT_EQ(cli({"growth", "history", "999"}).exitCode, 2);
}

// The chart as data and as a drawing: WHO's lines for the child's sex (the
// girls' median at 12 months is WHO's 8.9481 kg), her points with their
// z-scores; the drawing is never written over a file without --replace.
TEST_F(NutritionCliTest, TheChartDrawsTheReferenceLinesForTheChildsSexAndHerPoints) {
    std::string girl = addClient("Amara", daysAgo(400), "female");
    for (auto [ago, kg] : {std::pair{390, "3.4"}, std::pair{200, "7.1"}, std::pair{20, "8.9"}})
        ASSERT_EQ(cli({"growth", "add", girl, "--date", daysAgo(ago), "--weight", kg, "--method", "clinic"}).exitCode, 0);
    auto r = cli({"growth", "chart", girl, "--json"});
    ASSERT_EQ(r.exitCode, 0) << r.error;
    json c = json::parse(r.output);
    EXPECT_EQ(c["indicator"], "weight-for-age");
    EXPECT_EQ(c["x_label"], "Age (months)");
    EXPECT_NE(c["source"].get<std::string>().find("World Health Organization, 2006"), std::string::npos) << c["source"];
    std::vector<std::string> labels;
    std::optional<double> medianAt12;
    for (const json& line : c["lines"]) {
        labels.push_back(line["label"]);
        if (line["z"] == 0)
            for (const json& p : line["points"])
                if (p[0] == 12) medianAt12 = p[1];
    }
    EXPECT_EQ(labels, (std::vector<std::string>{"-3 SD", "-2 SD", "Median", "+2 SD", "+3 SD"}));
    ASSERT_TRUE(medianAt12);
    EXPECT_NEAR(*medianAt12, 8.9481, 1e-4);
    ASSERT_EQ(c["points"].size(), 3u);
    for (const json& p : c["points"]) EXPECT_TRUE(p.contains("z")) << p.dump();
    EXPECT_GE(c["x"][1].get<double>(), c["points"][2]["x"].get<double>());

    // Length/height for a child measured only for weight: her sex's lines, no points.
    json stature = json::parse(cli({"growth", "chart", girl, "--indicator", "length-height-for-age", "--json"}).output);
    EXPECT_TRUE(stature["points"].empty());
    EXPECT_FALSE(stature["lines"].empty());

    // A child of 2 and a half: on the weight-for-height chart only what was
    // measured standing, from 2; her infant lengths are not drawn there.
    std::string toddler = addClient("Noa", daysAgo(30 * 31), "female");
    ASSERT_EQ(cli({"growth", "add", toddler, "--date", daysAgo(30 * 31 - 180), "--weight", "7.3", "--length", "65.7",
                   "--method", "clinic"}).exitCode, 0);
    ASSERT_EQ(cli({"growth", "add", toddler, "--date", daysAgo(10), "--weight", "12.9", "--height", "91.0",
                   "--method", "clinic"}).exitCode, 0);
    json wfh = json::parse(cli({"growth", "chart", toddler, "--indicator", "weight-for-length-height", "--json"}).output);
    EXPECT_EQ(wfh["x_label"], "Height (cm)");
    ASSERT_EQ(wfh["points"].size(), 1u) << wfh["points"].dump();
    EXPECT_EQ(wfh["points"][0]["x"], 91.0);
    for (const json& p : wfh["points"]) EXPECT_GE(p["x"].get<double>(), wfh["x"][0].get<double>());

    std::string svg = (dir / "chart.svg").string();
    auto drawn = cli({"growth", "chart", girl, "--out", svg});
    ASSERT_EQ(drawn.exitCode, 0) << drawn.error;
    std::ifstream in(svg);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_NE(text.find("<svg"), std::string::npos);
    EXPECT_NE(text.find(">Median</text>"), std::string::npos);
    EXPECT_NE(text.find("Weight-for-age: Amara Stone"), std::string::npos);
    EXPECT_EQ(std::filesystem::status(svg).permissions() & std::filesystem::perms::others_read, std::filesystem::perms::none);
    auto again = cli({"growth", "chart", girl, "--out", svg});
    EXPECT_NE(again.exitCode, 0) << "never over a file without --replace";
    EXPECT_EQ(cli({"growth", "chart", girl, "--out", svg, "--replace"}).exitCode, 0);
    auto unknown = cli({"growth", "chart", girl, "--indicator", "bmi-for-age", "--json"});
    EXPECT_EQ(unknown.exitCode, 2);
    EXPECT_NE(unknown.error.find("--indicator: 'bmi-for-age' is not one of weight-for-age"), std::string::npos);
    EXPECT_NE(cli({"growth", "chart", girl}).error.find("give --json or --out"), std::string::npos);
}

// The targets for a child's age from the practice's reference, each with its
// source; the reference follows the practice's choice; bad input is refused.
TEST_F(NutritionCliTest, TargetsForAChildsAgeFromThePracticesReference) {
    std::string child = addClient("Zoe", daysAgo(7 * 31), "female");
    auto r = cli({"nutrition", "targets", "--client", child, "--json"});
    ASSERT_EQ(r.exitCode, 0) << r.error;
    json doc = json::parse(r.output);
    EXPECT_EQ(doc["reference"], "uk") << "no country set: the UK's";
    EXPECT_EQ(doc["age_months"], 7);
    std::map<std::string, json> by;
    for (const json& t : doc["targets"]) by[t["nutrient"].get<std::string>() + " " + t["kind"].get<std::string>()] = t;
    ASSERT_TRUE(by.count("calcium RNI"));
    EXPECT_EQ(by["calcium RNI"]["value"], 525);
    EXPECT_NE(by["calcium RNI"]["source"].get<std::string>().find("Department of Health (1991)"), std::string::npos);
    ASSERT_TRUE(by.count("vitamin-d safe intake"));
    EXPECT_EQ(by["vitamin-d safe intake"]["value_high"], 10);
    bool supplement = false;
    for (const json& a : doc["advice"]) supplement |= a["id"] == "nhs-supplement-6m-5y";
    EXPECT_TRUE(supplement) << "from 6 months: the NHS's vitamin supplement";

    ASSERT_EQ(cli({"nutrition", "reference", "us"}).exitCode, 0);
    EXPECT_NE(cli({"nutrition", "reference"}).output.find("us  US and Canada"), std::string::npos);
    json us = json::parse(cli({"nutrition", "targets", "--age-months", "24", "--json"}).output);
    EXPECT_EQ(us["reference"], "us");
    bool rda700 = false;
    for (const json& t : us["targets"]) rda700 |= t["nutrient"] == "calcium" && t["kind"] == "RDA" && t["value"] == 700;
    EXPECT_TRUE(rda700) << us.dump();
    auto text = cli({"nutrition", "targets", "--age-months", "24", "--reference", "uk"});
    EXPECT_NE(text.output.find("Calcium: 350 mg/day (RNI)"), std::string::npos) << text.output;

    for (auto [args, problem] : std::vector<std::pair<std::vector<std::string>, std::string>>{
             {{"targets"}, "give --client CLIENT or --age-months N"},
             {{"targets", "--client", child, "--age-months", "3"}, "give --client CLIENT or --age-months N"},
             {{"targets", "--age-months", "three"}, "--age-months: 'three' is not a whole number"},
             {{"targets", "--age-months", "300"}, "more than 240 months"},
             {{"targets", "--age-months", "3", "--reference", "fr"}, "--reference: 'fr' is not one of uk, us, eu"},
             {{"reference", "nz"}, "reference: 'nz' is not one of uk, us, eu"}}) {
        args.insert(args.begin(), "nutrition");
        auto bad = cli(args);
        EXPECT_EQ(bad.exitCode, 2) << problem;
        EXPECT_NE(bad.error.find(problem), std::string::npos) << bad.error;
    }
    EXPECT_EQ(cli({"nutrition", "targets", "--client", "99"}).exitCode, 2);
}

// The check reads the child's running plan through the host: each food out of
// the diet, since when, what it takes out of the diet with the target for
// the child's age; more than 8 weeks without a dietitian's review needs her
// attention until a review is recorded.
TEST_F(NutritionCliTest, TheCheckNamesWhatEachRemovedFoodTakesOutAndWhenADietitianIsDue) {
    std::string child = addClient("Kit", daysAgo(30 * 31), "female");  // about 30 months
    json none = json::parse(cli({"nutrition", "check", child, "--json"}).output);
    EXPECT_TRUE(none["removed"].empty());
    EXPECT_NE(cli({"nutrition", "check", child}).output.find("No food is out of the diet"), std::string::npos);

    auto assigned = cli({"protocol", "assign", child, "org.nourish.elimination.common-triggers", "--start", daysAgo(70)});
    ASSERT_EQ(assigned.exitCode, 0) << assigned.error;
    auto r = cli({"nutrition", "check", child, "--json"});
    ASSERT_EQ(r.exitCode, 0) << r.error;
    json doc = json::parse(r.output);
    EXPECT_GE(doc["age_months"], 29);
    std::map<std::string, json> removed;
    for (const json& f : doc["removed"]) removed[f["food"]] = f;
    ASSERT_TRUE(removed.count("dairy")) << doc.dump();
    EXPECT_EQ(removed["dairy"]["since"], daysAgo(70));
    std::map<std::string, json> dairy;
    for (const json& n : removed["dairy"]["at_risk"]) dairy[n["nutrient"]] = n;
    ASSERT_TRUE(dairy.count("calcium"));
    EXPECT_EQ(dairy["calcium"]["target"]["value"], 350) << "the UK RNI at 1-3 years";
    EXPECT_NE(dairy["calcium"]["source"].get<std::string>().find("Skypala"), std::string::npos);
    ASSERT_TRUE(dairy.count("iodine"));
    EXPECT_NE(dairy["iodine"]["why"].get<std::string>().find("not fortified with iodine"), std::string::npos);
    EXPECT_FALSE(dairy["iodine"].contains("target")) << "no UK iodine target is in the document yet";
    ASSERT_TRUE(removed.count("gluten"));
    bool iron = false;
    for (const json& n : removed["gluten"]["at_risk"]) iron |= n["nutrient"] == "iron" && n["target"]["value"] == 6.9;
    EXPECT_TRUE(iron) << removed["gluten"].dump();
    ASSERT_EQ(doc["attention"].size(), 1u) << doc["attention"].dump();
    EXPECT_EQ(doc["attention"][0]["kind"], "dietitian-review");
    EXPECT_NE(doc["attention"][0]["text"].get<std::string>().find("Dairy (cow's milk) have been out of the diet for 70 days"),
              std::string::npos)
        << doc["attention"][0]["text"];
    EXPECT_NE(cli({"nutrition", "check", child}).output.find("ATTENTION "), std::string::npos);

    json us = json::parse(cli({"nutrition", "check", child, "--reference", "us", "--json"}).output);
    std::optional<double> usCalcium;
    for (const json& f : us["removed"])
        for (const json& n : f["at_risk"])
            if (f["food"] == "dairy" && n["nutrient"] == "calcium") usCalcium = n["target"]["value"].get<double>();
    EXPECT_EQ(usCalcium, 700.0) << "the IOM RDA at 1-3 years";

    ASSERT_EQ(cli({"protocol", "dietitian-review", child}).exitCode, 0);
    EXPECT_TRUE(json::parse(cli({"nutrition", "check", child, "--json"}).output)["attention"].empty());
    EXPECT_EQ(cli({"nutrition", "check", "99"}).exitCode, 2);
    EXPECT_NE(cli({"nutrition", "check", child, "--reference", "nz"}).error.find("'nz' is not one of uk, us, eu"),
              std::string::npos);
}

// "Growing well" in the family's summary: the child's weights over the WHO
// lines for her sex, the latest measurements, and nothing for a child who has
// not been weighed.
TEST_F(NutritionCliTest, TheFamilySummaryShowsGrowingWellOnlyForAChildWhoWasWeighed) {
    std::string girl = addClient("Amara", daysAgo(200), "female");
    std::string other = addClient("Kit", daysAgo(200), "female");
    for (auto [ago, kg] : {std::pair{190, "3.4"}, std::pair{100, "6.1"}, std::pair{10, "7.2"}})
        ASSERT_EQ(cli({"growth", "add", girl, "--date", daysAgo(ago), "--weight", kg, "--method", "clinic"}).exitCode, 0);
    auto pdfText = [&](const std::string& client) {
        std::string pdf = (dir / ("summary-" + client + ".pdf")).string();
        auto r = cli({"report", "pdf", client, "--out", pdf});
        EXPECT_EQ(r.exitCode, 0) << r.error;
        return runProcess("/usr/bin/pdftotext", {"-layout", pdf, "-"}, {}).output;
    };
    std::string text = pdfText(girl);
    EXPECT_NE(text.find("Growing well"), std::string::npos) << text;
    EXPECT_NE(text.find("drawn on the girls' chart of the WHO Child Growth"), std::string::npos) << text;
    EXPECT_NE(text.find("Middle line (average)"), std::string::npos);
    EXPECT_NE(text.find("7.20 kg"), std::string::npos) << "the latest weight in the table";
    EXPECT_EQ(text.find("has not been rising"), std::string::npos) << "no flag: no worry written";
    EXPECT_EQ(pdfText(other).find("Growing well"), std::string::npos);
    // A weight that fell: a gentle word for the family, no rule or z-score.
    std::string falling = addClient("Freja", daysAgo(300), "female");
    for (auto [ago, kg] : {std::pair{210, "5.85"}, std::pair{120, "7.30"}, std::pair{30, "6.80"}})
        ASSERT_EQ(cli({"growth", "add", falling, "--date", daysAgo(ago), "--weight", kg, "--method", "clinic"}).exitCode, 0);
    std::string worried = pdfText(falling);
    EXPECT_NE(worried.find("weight has not been rising as it did before"), std::string::npos) << worried;
    EXPECT_EQ(worried.find("NICE"), std::string::npos);
    EXPECT_EQ(worried.find("centile"), std::string::npos);
}

// "How to replace what is removed" in the family's summary: for a baby off
// milk, the prescribed formula and no plant drink as the main drink, no rice
// drink, in the family's words with the sources named; nothing for a child
// with nothing removed.
TEST_F(NutritionCliTest, TheFamilySummarySaysHowToReplaceWhatIsRemoved) {
    std::string baby = addClient("Minh", daysAgo(300), "male");  // about 10 months
    std::string other = addClient("Kit", daysAgo(300), "female");
    auto assigned = cli({"protocol", "assign", baby, "org.nourish.elimination.milk-trial", "--start", daysAgo(20)});
    ASSERT_EQ(assigned.exitCode, 0) << assigned.error;
    json doc = json::parse(cli({"nutrition", "check", baby, "--json"}).output);
    std::set<std::string> ids;
    for (const json& r : doc["replacements"]) ids.insert(r["id"]);
    EXPECT_TRUE(ids.count("milk-hypoallergenic-formula")) << doc["replacements"].dump();
    EXPECT_TRUE(ids.count("no-rice-drink"));
    EXPECT_FALSE(ids.count("milk-fortified-plant-drink")) << "not under 12 months";
    EXPECT_NE(cli({"nutrition", "check", baby}).output.find("How to replace what is removed:"), std::string::npos);
    auto pdfText = [&](const std::string& client) {
        std::string pdf = (dir / ("replace-" + client + ".pdf")).string();
        auto r = cli({"report", "pdf", client, "--out", pdf});
        EXPECT_EQ(r.exitCode, 0) << r.error;
        return runProcess("/usr/bin/pdftotext", {pdf, "-"}, {}).output;
    };
    std::string text = pdfText(baby);
    auto flat = [](std::string t) {
        for (char& c : t)
            if (c == '\n') c = ' ';
        return t;
    };
    std::string f = flat(text);
    EXPECT_NE(f.find("How to replace what is removed"), std::string::npos) << text;
    EXPECT_NE(f.find("special formula that was prescribed for Minh"), std::string::npos) << text;
    EXPECT_NE(f.find("Not in place of milk"), std::string::npos) << text;
    EXPECT_NE(f.find("rice drink"), std::string::npos) << text;
    EXPECT_NE(f.find("ESPGHAN 2012"), std::string::npos) << "the sources, by name";
    EXPECT_EQ(f.find("{name}"), std::string::npos);
    EXPECT_EQ(pdfText(other).find("How to replace what is removed"), std::string::npos);
}

