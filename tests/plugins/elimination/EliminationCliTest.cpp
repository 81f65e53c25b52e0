// The elimination plugin through nourish-cli, with the real store and the
// real plugins: protocols (ours and a third party's), plans, outcomes, the
// diary and POEM, and every bad input refused with nothing stored.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "Engine.h"
#include "support/Process.h"
#include "support/TempDir.h"

using nlohmann::json;
using nourish::test::ProcessResult;
using nourish::test::runProcess;

namespace {

const char* kCommon = "org.nourish.elimination.common-triggers";
const char* kMilk = "org.nourish.elimination.milk-ladder";
const char* kPoem = "org.nourish.instrument.poem";

class EliminationCliTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto r = cli({"store", "init"});
        ASSERT_EQ(r.exitCode, 0) << r.error;
        // Two children: 3 years old, and 5 months old.
        addClient("Ada", "Stone", elim::isoDay(elim::addMonths(elim::today(), -36)));
        addClient("Bo", "Baby", elim::isoDay(elim::addMonths(elim::today(), -5)));
    }
    void addClient(const std::string& given, const std::string& family, const std::string& dob) {
        auto r = cli({"client", "add", "--given", given, "--family", family, "--dob", dob, "--guardian", "Sam " + family + " <sam@example.org>"});
        ASSERT_EQ(r.exitCode, 0) << r.error;
    }
    ProcessResult cli(std::vector<std::string> args, std::vector<std::string> env = {}) {
        args.insert(args.begin(), {"--store", (dir / "n.db").string()});
        env.push_back("XDG_DATA_HOME=" + (dir / "xdg").string());
        env.push_back("NOURISH_PLUGIN_PATH=" + std::string(NOURISH_TEST_PLUGIN_ROOT) + "/protocols");
        return runProcess(NOURISH_CLI, args, env);
    }
    std::string file(const json& content, const std::string& name) {
        nourish::test::writeFile(dir / name, content.dump());
        return (dir / name).string();
    }
    json schedule(const std::string& client = "1") {
        auto r = cli({"protocol", "schedule", client, "--json"});
        EXPECT_EQ(r.exitCode, 0) << r.error;
        return r.exitCode == 0 ? json::parse(r.output) : json();
    }
    std::string daysAgo(int n) { return elim::isoDay(elim::today() - n); }
    nourish::test::TempDir dir;
};

}  // namespace

TEST_F(EliminationCliTest, ProtocolsFromEveryPluginAreListed_ABrokenOneIsRefusedWithItsPath) {
    auto r = cli({"protocol", "list", "--json"});
    ASSERT_EQ(r.exitCode, 0) << r.error;
    std::vector<std::string> ids;
    for (const json& p : json::parse(r.output)) ids.push_back(p["id"]);
    EXPECT_EQ(ids, (std::vector<std::string>{kCommon, kMilk, "org.nourish.elimination.egg-ladder",
                                             "org.example.test.two-food", "org.example.test.bad-hook"}));
    auto plugins = cli({"plugins", "--json"});
    EXPECT_NE(plugins.output.find("a protocol it offers was refused (org.example.test.protocols): "
                                  "$[1].challenges[1].food: 'peanut' is not one of the foods this protocol removes"),
              std::string::npos)
        << plugins.output;
}

TEST_F(EliminationCliTest, AssignComputesTheScheduleAndKeepsHistory) {
    std::string start = daysAgo(3);
    auto r = cli({"protocol", "assign", "1", kCommon, "--start", start, "--foods", "dairy,egg"});
    ASSERT_EQ(r.exitCode, 0) << r.error;
    json s = schedule();
    EXPECT_EQ(s["start"], start);
    EXPECT_EQ(s["current_phase"], "baseline");
    ASSERT_EQ(s["challenges"].size(), 2u);
    EXPECT_EQ(s["challenges"][0]["food"], "egg") << "the protocol's order, not the order typed";
    EXPECT_EQ(s["challenges"][0]["doses"].size(), 3u);
    EXPECT_EQ(s["foods"][0]["status"], "avoiding");

    auto again = cli({"protocol", "assign", "1", kMilk, "--start", start});
    EXPECT_EQ(again.exitCode, 2);
    EXPECT_NE(again.error.find("already on Common-trigger elimination"), std::string::npos) << again.error;

    ASSERT_EQ(cli({"protocol", "change", "1", "--phase", "elimination", "--days", "21", "--reason", "settled fast"}).exitCode, 0);
    EXPECT_EQ(schedule()["phases"][1]["days"], 21);
    auto history = json::parse(cli({"protocol", "history", "1", "--json"}).output);
    ASSERT_EQ(history.size(), 2u);
    EXPECT_EQ(history[1]["change"], "phase-length");
    EXPECT_EQ(history[1]["reason"], "settled fast");
    EXPECT_EQ(history[1]["detail"]["to_days"], 21);
}

TEST_F(EliminationCliTest, AgeRule_RefusesUnlessThePractitionerGivesAReason) {
    auto r = cli({"protocol", "assign", "2", kMilk, "--start", daysAgo(0)});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.error.find("error: age: Bo will be 5 months old"), std::string::npos) << r.error;
    EXPECT_NE(r.error.find("starts at 9 months"), std::string::npos) << r.error;
    EXPECT_EQ(cli({"protocol", "schedule", "2"}).exitCode, 2) << "nothing was stored";
    r = cli({"protocol", "assign", "2", kMilk, "--start", daysAgo(0), "--override-reason", "paediatrician asked"});
    ASSERT_EQ(r.exitCode, 0) << r.error;
    json s = schedule("2");
    ASSERT_EQ(s["warnings"].size(), 1u);
    EXPECT_NE(s["warnings"][0].get<std::string>().find("paediatrician asked"), std::string::npos);
}

TEST_F(EliminationCliTest, BadInputIsRefusedOnOneLineAndNothingIsStored) {
    ASSERT_EQ(cli({"protocol", "assign", "1", kCommon, "--start", daysAgo(40)}).exitCode, 0);
    json before = schedule();
    struct Row {
        std::vector<std::string> args;
        const char* message;
    };
    std::vector<Row> rows = {
        {{"protocol", "assign", "1", "org.example.nope", "--start", daysAgo(1)}, "error: client: Ada is already on"},
        {{"protocol", "assign", "2", "org.example.nope", "--start", daysAgo(1)}, "error: protocol: there is no protocol 'org.example.nope'"},
        {{"protocol", "assign", "2", kCommon, "--start", "2025-02-29"}, "error: --start: '2025-02-29' is not a date in the calendar"},
        {{"protocol", "assign", "2", kCommon, "--start", daysAgo(1), "--foods", "dairy,nuts"}, "error: foods: 'nuts' is not a food of"},
        {{"protocol", "assign", "9", kCommon, "--start", daysAgo(1)}, "error: client: there is no client with id 9"},
        {{"protocol", "outcome", "1", "nuts", "tolerated"}, "error: food: 'nuts' is not in this plan"},
        {{"protocol", "outcome", "1", "dairy", "tolerated"}, "error: date: the Dairy (cow's milk) challenge starts on"},
        {{"protocol", "outcome", "1", "soy", "tolerated", "--date", daysAgo(-1)}, "is in the future"},
        {{"protocol", "outcome", "1", "soy", "fine"}, "error: outcome: 'fine' is not one of tolerated, mild, reaction"},
        {{"protocol", "outcome", "1", "soy", "reaction", "--delay-hours", "soon"}, "error: --delay-hours: 'soon' is not a whole number"},
        {{"protocol", "change", "1", "--phase", "elimination", "--days", "99", "--reason", "x"}, "error: days: 99 is outside 14-42"},
        {{"protocol", "change", "1", "--phase", "baseline", "--days", "3", "--reason", "x"}, "error: phase: the Baseline phase ended on"},
        {{"protocol", "change", "1", "--phase", "elimination", "--days", "30"}, "error: reason: is required"},
        {{"protocol", "skip", "1", "processed", "--reason", "x"}, "error: food: Processed foods is avoided"},
        {{"protocol", "resume", "1"}, "error: resume: the plan is not paused"},
        {{"protocol", "pause", "1", "--from", daysAgo(60), "--reason", "ill"}, "is before the plan starts"},
        {{"protocol", "frobnicate", "1"}, "error: protocol: unknown subcommand 'frobnicate'"},
        {{"protocol", "schedule", "1", "--verbose"}, "error: --verbose: is not an option here"},
    };
    for (const Row& row : rows) {
        SCOPED_TRACE(row.args[1] + " " + row.message);
        auto r = cli(row.args);
        EXPECT_EQ(r.exitCode, 2) << r.output;
        EXPECT_NE(r.error.find(row.message), std::string::npos) << r.error;
    }
    EXPECT_EQ(schedule(), before);
    EXPECT_EQ(json::parse(cli({"protocol", "history", "1", "--json"}).output).size(), 1u);
}

TEST_F(EliminationCliTest, OutcomesRecomputeTheRest_AndAReactionIsKept) {
    // 40 days ago: baseline 7 + elimination 28, soy from 5 days ago (day 6 of 6 today).
    ASSERT_EQ(cli({"protocol", "assign", "1", kCommon, "--start", daysAgo(40)}).exitCode, 0);
    json s = schedule();
    EXPECT_EQ(s["foods"][0]["text"], "challenging (day 6 of 6)");
    auto r = cli({"protocol", "outcome", "1", "soy", "reaction", "--date", daysAgo(4), "--symptoms", "hives",
                  "--delay-hours", "2"});
    ASSERT_EQ(r.exitCode, 0) << r.error;
    EXPECT_NE(r.output.find("Soy: reacted"), std::string::npos) << r.output;
    s = schedule();
    EXPECT_EQ(s["challenges"][0]["state"], "reacted");
    EXPECT_EQ(s["challenges"][1]["start"], daysAgo(0)) << "stop, wait 3 days, then the next food";
    EXPECT_EQ(s["foods"][0]["status"], "reacted");
    EXPECT_EQ(s["foods"][1]["status"], "challenging");
}

TEST_F(EliminationCliTest, ADiaryValueOutOfRange_IsRefusedAndNothingStored) {
    auto bad = cli({"diary", "add", "1", "--date", daysAgo(1), "--answers", file({{"itch", 11}, {"sleep", 2}}, "a.json")});
    EXPECT_EQ(bad.exitCode, 2);
    EXPECT_NE(bad.error.find("itch: 11 is above the maximum 10"), std::string::npos) << bad.error;
    auto future = cli({"diary", "add", "1", "--date", daysAgo(-2), "--answers", file({{"itch", 1}}, "b.json")});
    EXPECT_EQ(future.exitCode, 2);
    EXPECT_NE(future.error.find("is in the future"), std::string::npos);
    auto unknown = cli({"diary", "add", "1", "--date", daysAgo(1), "--answers", file({{"mood", "ok"}}, "c.json")});
    EXPECT_EQ(unknown.exitCode, 2);
    EXPECT_EQ(json::parse(cli({"diary", "show", "1", "--json"}).output).size(), 0u);

    auto good = cli({"diary", "add", "1", "--date", daysAgo(1), "--answers",
                     file({{"itch", 4}, {"sleep", 2}, {"stool", 4}, {"vomiting", false}, {"notes", "a calm day"}}, "d.json")});
    ASSERT_EQ(good.exitCode, 0) << good.error;
    auto shown = json::parse(cli({"diary", "show", "1", "--json"}).output);
    ASSERT_EQ(shown.size(), 1u);
    EXPECT_EQ(shown[0]["answers"]["notes"], "a calm day");
}

TEST_F(EliminationCliTest, InstrumentsAreListedShownScoredAndRecorded) {
    auto list = json::parse(cli({"instrument", "list", "--json"}).output);
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0]["id"], kPoem);
    EXPECT_NE(list[0]["licence"].get<std::string>().find("non-commercial"), std::string::npos);
    auto shown = json::parse(cli({"instrument", "show", kPoem, "--json"}).output);
    EXPECT_EQ(shown["items"].size(), 7u);
    EXPECT_EQ(shown["loinc"]["total"], "89870-0");

    json answers = {{"itch", "every"}, {"sleep", "5-6"}, {"bleeding", "none"}, {"weeping", "none"},
                    {"cracked", "1-2"}, {"flaking", "none"}, {"dry", "none"}};  // 4 + 3 + 1 = 8
    auto r = cli({"instrument", "score", kPoem, "--answers", file(answers, "p.json"), "--json"});
    ASSERT_EQ(r.exitCode, 0) << r.error;
    auto score = json::parse(r.output);
    EXPECT_EQ(score["total"], 8);
    EXPECT_EQ(score["band"], "Moderate eczema");

    auto bad = cli({"instrument", "score", kPoem, "--answers", file({{"itch", "often"}}, "q.json")});
    EXPECT_EQ(bad.exitCode, 2);
    EXPECT_NE(bad.error.find("itch: \"often\" is not one of"), std::string::npos) << bad.error;
    EXPECT_EQ(cli({"instrument", "score", "org.example.nope", "--answers", file(answers, "p.json")}).exitCode, 2);

    ASSERT_EQ(cli({"instrument", "record", "1", kPoem, "--answers", file(answers, "p.json"), "--date", daysAgo(2)}).exitCode, 0);
    auto history = json::parse(cli({"instrument", "history", "1", kPoem, "--json"}).output);
    ASSERT_EQ(history.size(), 1u);
    EXPECT_EQ(history[0]["total"], 8);

    // The third party's instrument is scored by the same engine.
    auto tummy = cli({"instrument", "score", "org.example.test.tummy", "--answers",
                      file({{"pain", "yes"}, {"bloating", "no"}}, "t.json"), "--json"});
    ASSERT_EQ(tummy.exitCode, 0) << tummy.error;
    EXPECT_EQ(json::parse(tummy.output)["band"], "Some");
}

TEST_F(EliminationCliTest, AThirdPartyProtocolWorksLikeTheBuiltIns_WithItsOwnHook) {
    auto r = cli({"protocol", "assign", "1", "org.example.test.two-food", "--start", daysAgo(20)});
    ASSERT_EQ(r.exitCode, 0) << r.error;
    json s = schedule();
    ASSERT_EQ(s["challenges"].size(), 2u);
    EXPECT_EQ(s["challenges"][0]["food"], "wheat");
    EXPECT_EQ(s["challenges"][0]["start"], daysAgo(6));
    EXPECT_EQ(s["challenges"][0]["end"], daysAgo(2)) << "2 doses x 2 days + 1 day observation";
    ASSERT_EQ(cli({"protocol", "outcome", "1", "wheat", "tolerated", "--date", daysAgo(2)}).exitCode, 0);
    s = schedule();
    EXPECT_EQ(s["challenges"][1]["start"], daysAgo(-1)) << "2 days washout";
    bool hookSpoke = false;
    for (const json& sg : s["suggestions"])
        hookSpoke |= sg["source"] == "org.example.test.protocols" &&
                     sg["reason"].get<std::string>().find("two-food hook for org.example.test.two-food") == 0;
    EXPECT_TRUE(hookSpoke) << s["suggestions"].dump();
}

TEST_F(EliminationCliTest, AHookThatAnswersOutsideTheSchema_IsIgnoredWithAWarning) {
    ASSERT_EQ(cli({"protocol", "assign", "1", "org.example.test.bad-hook", "--start", daysAgo(3)}).exitCode, 0);
    json s = schedule();
    ASSERT_EQ(s["warnings"].size(), 1u) << s.dump();
    std::string warning = s["warnings"][0];
    EXPECT_NE(warning.find("org.example.test.protocols (evaluate org.example.test.bad-hook): invalid at $[0]"),
              std::string::npos)
        << warning;
    for (const json& sg : s["suggestions"]) EXPECT_NE(sg["source"], "org.example.test.protocols");
}

TEST_F(EliminationCliTest, PlanChangesThatCannotBeMade_AreRefusedAndNothingIsStored) {
    // 25 days ago: baseline 7 days, elimination day 18 of 28.
    ASSERT_EQ(cli({"protocol", "assign", "1", kCommon, "--start", daysAgo(25)}).exitCode, 0);
    ASSERT_EQ(cli({"protocol", "pause", "1", "--from", daysAgo(3), "--reason", "a cold"}).exitCode, 0);
    json before = schedule();
    struct Row {
        std::vector<std::string> args;
        const char* message;
    };
    std::vector<Row> rows = {
        {{"protocol", "change", "1", "--phase", "elimination", "--days", "14", "--reason", "x"},
         "error: days: the Elimination phase would end on " },
        {{"protocol", "change", "1", "--phase", "reintroduction", "--days", "14", "--reason", "x"},
         "error: phase: 'reintroduction' is not a phase of Common-trigger elimination whose length can be set"},
        {{"protocol", "pause", "1", "--from", daysAgo(1), "--reason", "again"}, "error: pause: the plan is already paused since "},
        {{"protocol", "resume", "1", "--date", daysAgo(3)}, "is not after the pause began on"},
        {{"protocol", "resume", "1", "--date", daysAgo(-5)}, "is in the future; resume on the day the plan restarts"},
        {{"protocol", "skip", "1", "soy"}, "error: reason: is required"},
        {{"protocol", "skip", "1", "nuts", "--reason", "x"}, "error: food: 'nuts' is not in this plan"},
        {{"protocol", "move", "1", "dairy", "--position", "9", "--reason", "x"}, "error: position: must be 1-5"},
        {{"protocol", "move", "1", "dairy", "--position", "first", "--reason", "x"}, "error: --position: 'first' is not a whole number"},
        {{"protocol", "end", "1"}, "error: reason: is required"},
        {{"protocol", "schedule", "abc"}, "error: client: 'abc' is not a client id"},
        {{"protocol", "schedule", "-3"}, "error: client: '-3' is not a client id"},
        {{"protocol", "schedule", "1x"}, "error: client: '1x' is not a client id"},
        {{"instrument", "record", "1", "org.nourish.instrument.poem", "--answers", file({{"itch", "none"}}, "p.json"),
          "--date", daysAgo(-1)}, "error: date: "},
    };
    for (const Row& row : rows) {
        SCOPED_TRACE(row.args[1] + " " + row.message);
        auto r = cli(row.args);
        EXPECT_EQ(r.exitCode, 2) << r.output;
        EXPECT_NE(r.error.find(row.message), std::string::npos) << r.error;
    }
    EXPECT_EQ(schedule(), before);
    EXPECT_EQ(json::parse(cli({"protocol", "history", "1", "--json"}).output).size(), 2u);
    EXPECT_EQ(json::parse(cli({"instrument", "history", "1", "org.nourish.instrument.poem", "--json"}).output).size(), 0u);

    // Once resumed the plan can be ended, and is then no longer the client's plan.
    ASSERT_EQ(cli({"protocol", "resume", "1", "--date", daysAgo(1)}).exitCode, 0);
    ASSERT_EQ(cli({"protocol", "end", "1", "--reason", "family moved away"}).exitCode, 0);
    EXPECT_EQ(cli({"protocol", "schedule", "1"}).exitCode, 2) << "an ended plan is no longer the client's plan";
}
