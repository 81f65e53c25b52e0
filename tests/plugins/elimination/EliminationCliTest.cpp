// The elimination plugin through nourish-cli, with the real store and the
// real plugins: protocols (ours and a third party's), plans, outcomes, the
// diary and POEM, and every bad input refused with nothing stored.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "Engine.h"
#include "nourish/core/Store.h"
#include "support/Process.h"
#include "support/TempDir.h"

using nlohmann::json;
using nourish::test::ProcessResult;
using nourish::test::runProcess;

namespace {

const char* kCommon = "org.nourish.elimination.common-triggers";
const char* kTrial = "org.nourish.elimination.milk-trial";
const char* kMilk = "org.nourish.elimination.milk-ladder";
const char* kEgg = "org.nourish.elimination.egg-ladder";
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
        env.push_back("NOURISH_PLUGIN_PATH=" + std::string(NOURISH_TEST_PLUGIN_ROOT) + "/protocols" + extraPlugins);
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
    // The lines that say what was wrong (the third party's refused test documents log lines of their own).
    static int errorLines(const std::string& text) {
        int n = 0;
        for (size_t at = text.find("error: "); at != std::string::npos; at = text.find("error: ", at + 1))
            n += at == 0 || text[at - 1] == '\n';
        return n;
    }
    // A completed intake with these reactions to food.
    void submitIntake(const std::string& client, const json& reactions) {
        json answers = {{"feeding_type", "solids"}, {"solids_started", true}, {"eczema_onset_months", 4},
                        {"eczema_areas", {"face"}},   {"stool_scale", "bristol"},  {"asthma", false},
                        {"adrenaline", false},        {"food_reactions", reactions}, {"goals", "calm skin"}};
        auto r = cli({"intake", "submit", client, "org.nourish.intake.infant-eczema", "--answers", file(answers, "intake.json")});
        ASSERT_EQ(r.exitCode, 0) << r.error;
    }
    nourish::test::TempDir dir;
    std::string extraPlugins;  // ":<folder>..." after the third party's protocols
};

}  // namespace

TEST_F(EliminationCliTest, ProtocolsFromEveryPluginAreListed_ABrokenOneIsRefusedWithItsPath) {
    auto r = cli({"protocol", "list", "--json"});
    ASSERT_EQ(r.exitCode, 0) << r.error;
    std::vector<std::string> ids;
    for (const json& p : json::parse(r.output)) ids.push_back(p["id"]);
    EXPECT_EQ(ids, (std::vector<std::string>{kCommon, kTrial, kMilk, kEgg, "org.example.test.two-food",
                                             "org.example.test.bad-hook"}));
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
    EXPECT_EQ(s["challenges"].size(), 0u) << "a diagnostic elimination dates no challenge before its review";
    ASSERT_EQ(s["foods"].size(), 2u);
    EXPECT_EQ(s["foods"][0]["food"], "egg") << "the protocol's order, not the order typed";
    EXPECT_EQ(s["foods"][0]["status"], "review-due");

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
    // Peanut is offered, never removed unless chosen.
    EXPECT_EQ(schedule()["foods"].size(), 2u);
}

TEST_F(EliminationCliTest, TriageBeforeAHomeChallenge_RefusesAnImmediateHistory_NamingTheIntakeAnswer) {
    submitIntake("1", {{{"food", "egg"}, {"onset", "minutes"}, {"signs", {"hives", "swelling"}}}});
    auto r = cli({"protocol", "assign", "1", kEgg, "--start", daysAgo(0)});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.error.find("error: triage.immediate: "), std::string::npos) << r.error;
    EXPECT_NE(r.error.find("food reaction 1 (Egg)"), std::string::npos) << "which answer of which intake: " << r.error;
    EXPECT_NE(r.error.find("within minutes, with hives and swelling of the lips, face or eyes"), std::string::npos) << r.error;
    EXPECT_EQ(errorLines(r.error), 1) << r.error;
    EXPECT_EQ(cli({"protocol", "schedule", "1"}).exitCode, 2) << "nothing was stored";

    // `protocol check` lists every rule without storing anything.
    auto check = cli({"protocol", "check", "1", kEgg, "--start", daysAgo(0)});
    EXPECT_EQ(check.exitCode, 2);
    EXPECT_NE(check.output.find("REFUSED  triage.immediate (egg)"), std::string::npos) << check.output;

    // Supervised, it goes ahead, and it is kept on the plan, in its history and the audit log.
    r = cli({"protocol", "assign", "1", kEgg, "--start", daysAgo(0), "--supervised", "egg"});
    ASSERT_EQ(r.exitCode, 0) << r.error;
    json s = schedule();
    bool kept = false;
    for (const json& w : s["warnings"]) kept |= w.get<std::string>().rfind("Gone ahead with (supervised): ", 0) == 0;
    EXPECT_TRUE(kept) << s["warnings"].dump(2);
    auto history = json::parse(cli({"protocol", "history", "1", "--json"}).output);
    ASSERT_EQ(history.size(), 2u);
    EXPECT_EQ(history[1]["change"], "supervised");
    nourish::Store store(dir / "n.db", nourish::Store::Open::ExistingOnly);
    nourish::Statement audit(store.db(), "SELECT count(*) FROM audit_events WHERE action = 'org.nourish.elimination:protocol.override'");
    ASSERT_TRUE(audit.step());
    EXPECT_EQ(audit.int64(0), 1);
}

TEST_F(EliminationCliTest, AnIntakeChangedAfterThePlanBegan_FlagsThePlan_UntilItIsGoneAheadWith) {
    ASSERT_EQ(cli({"protocol", "assign", "1", kEgg, "--start", daysAgo(0)}).exitCode, 0);
    submitIntake("1", {{{"food", "egg"}, {"onset", "within_2_hours"}, {"signs", {"hives"}}, {"anaphylaxis", false}}});
    json s = schedule();
    bool flagged = false;
    for (const json& w : s["warnings"])
        flagged |= w.get<std::string>().find("Not safe as planned: ") == 0 &&
                   w.get<std::string>().find("immediate-type reaction to Egg") != std::string::npos;
    EXPECT_TRUE(flagged) << s["warnings"].dump(2);
    auto wrong = cli({"protocol", "override", "1", "--rule", "age.bsaci-age", "--food", "egg", "--reason", "x"});
    EXPECT_EQ(wrong.exitCode, 2);
    EXPECT_NE(wrong.error.find("it breaks: triage.immediate (egg)"), std::string::npos) << wrong.error;
    auto ok = cli({"protocol", "override", "1", "--rule", "triage.immediate", "--food", "egg", "--supervised"});
    ASSERT_EQ(ok.exitCode, 0) << ok.error;
    s = schedule();
    for (const json& w : s["warnings"]) EXPECT_EQ(w.get<std::string>().find("Not safe as planned"), std::string::npos) << w;
}

TEST_F(EliminationCliTest, AgeRules_NameTheRuleTheAgeAndTheDateItPasses_ThenAReasonGoesAhead) {
    auto r = cli({"protocol", "assign", "2", kMilk, "--start", daysAgo(0), "--avoiding-since", daysAgo(200)});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.error.find("error: age.imap-age: The milk ladder starts at the earliest at 9-12 months of age: Bo would be 5 months old"),
              std::string::npos)
        << r.error;
    EXPECT_NE(r.error.find("the rule passes on "), std::string::npos) << r.error;
    EXPECT_EQ(cli({"protocol", "schedule", "2"}).exitCode, 2) << "nothing was stored";
    // Two foods for a baby of 5 months: refused for its own reason.
    auto infant = cli({"protocol", "assign", "2", kCommon, "--start", daysAgo(0), "--foods", "dairy,soy"});
    EXPECT_EQ(infant.exitCode, 2);
    EXPECT_NE(infant.error.find("error: infant-elimination: Bo is 5 months old"), std::string::npos) << infant.error;
    r = cli({"protocol", "assign", "2", kMilk, "--start", daysAgo(0), "--avoiding-since", daysAgo(200),
             "--override-reason", "paediatrician asked"});
    ASSERT_EQ(r.exitCode, 0) << r.error;
    json s = schedule("2");
    bool kept = false;
    for (const json& w : s["warnings"]) kept |= w.get<std::string>().find("paediatrician asked") != std::string::npos;
    EXPECT_TRUE(kept) << s["warnings"].dump(2);
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
        {{"protocol", "assign", "2", kCommon, "--start", daysAgo(1), "--supervised", "fish"}, "error: supervised: 'fish' is not a food of this plan"},
        {{"protocol", "assign", "9", kCommon, "--start", daysAgo(1)}, "error: client: there is no client with id 9"},
        {{"protocol", "outcome", "1", "nuts", "tolerated"}, "error: food: 'nuts' is not in this plan"},
        {{"protocol", "outcome", "1", "soy", "fine"}, "error: outcome: 'fine' is not one of tolerated, immediate, fpies"},
        {{"protocol", "outcome", "1", "soy", "reaction"}, "error: outcome: say which kind of reaction: immediate"},
        {{"protocol", "outcome", "1", "soy", "delayed-mild", "--delay-hours", "soon"}, "error: --delay-hours: 'soon' is not a whole number"},
        {{"protocol", "outcome", "1", "soy", "tolerated"}, "error: food: the challenge of 'soy' is already decided"},
        {{"protocol", "change", "1", "--phase", "elimination", "--days", "99", "--reason", "x"}, "error: days: 99 is outside 14-42"},
        {{"protocol", "change", "1", "--phase", "baseline", "--days", "3", "--reason", "x"}, "error: phase: the Baseline phase ended on"},
        {{"protocol", "change", "1", "--phase", "elimination", "--days", "30"}, "error: reason: is required"},
        {{"protocol", "skip", "1", "processed", "--reason", "x"}, "error: food: Processed foods (cut down) is avoided"},
        {{"protocol", "resume", "1"}, "error: resume: the plan is not paused"},
        {{"protocol", "pause", "1", "--from", daysAgo(60), "--reason", "ill"}, "is before the plan starts"},
        {{"protocol", "review", "1", "--outcome", "better"}, "error: outcome: 'better' is not one of improved, no-improvement"},
        {{"protocol", "review", "1", "--outcome", "improved", "--date", daysAgo(-1)}, "is in the future"},
        {{"protocol", "review", "1"}, "error: --outcome: is required"},
        {{"protocol", "dietitian-review", "1", "--date", daysAgo(-2)}, "is in the future"},
        {{"protocol", "override", "1", "--rule", "triage.immediate", "--food", "egg", "--reason", "x"},
         "error: rule: the plan does not break triage.immediate for egg"},
        {{"protocol", "override", "1", "--rule", "triage.immediate"}, "error: --reason: is required"},
        {{"protocol", "frobnicate", "1"}, "error: protocol: unknown subcommand 'frobnicate'"},
        {{"protocol", "schedule", "1", "--verbose"}, "error: --verbose: is not an option here"},
    };
    // Everything above acts on a plan whose review is recorded and whose soy challenge is decided.
    ASSERT_EQ(cli({"protocol", "review", "1", "--outcome", "improved", "--date", daysAgo(6)}).exitCode, 0);
    ASSERT_EQ(cli({"protocol", "outcome", "1", "soy", "tolerated", "--date", daysAgo(0)}).exitCode, 0);
    before = schedule();
    size_t events = json::parse(cli({"protocol", "history", "1", "--json"}).output).size();
    for (const Row& row : rows) {
        SCOPED_TRACE(row.args[1] + " " + row.message);
        auto r = cli(row.args);
        EXPECT_EQ(r.exitCode, 2) << r.output;
        EXPECT_NE(r.error.find(row.message), std::string::npos) << r.error;
        EXPECT_EQ(errorLines(r.error), 1) << r.error;
    }
    EXPECT_EQ(schedule(), before);
    EXPECT_EQ(json::parse(cli({"protocol", "history", "1", "--json"}).output).size(), events);
}

TEST_F(EliminationCliTest, TheReview_EndsTheElimination_ImprovedReintroducesOneAtATime_NoneBringsAllBack) {
    // 40 days ago: baseline 7 + elimination 28 ended 6 days ago; nothing moves until the review.
    ASSERT_EQ(cli({"protocol", "assign", "1", kCommon, "--start", daysAgo(40)}).exitCode, 0);
    json s = schedule();
    EXPECT_EQ(s["current_phase"], "review-due");
    EXPECT_EQ(s["review_due_on"], daysAgo(6));
    EXPECT_TRUE(s["challenges"].empty());
    ASSERT_EQ(cli({"protocol", "review", "1", "--outcome", "improved", "--date", daysAgo(3), "--note", "POEM 18 to 9"}).exitCode, 0);
    s = schedule();
    ASSERT_FALSE(s["challenges"].empty());
    EXPECT_EQ(s["challenges"][0]["start"], daysAgo(2)) << "the day after the review";
    EXPECT_EQ(cli({"protocol", "review", "1", "--outcome", "improved"}).exitCode, 2) << "one review";

    ASSERT_EQ(cli({"protocol", "assign", "2", kCommon, "--start", daysAgo(40), "--foods", "dairy", "--override-reason",
                   "x"}).exitCode, 0);
    ASSERT_EQ(cli({"protocol", "review", "2", "--outcome", "no-improvement", "--date", daysAgo(5)}).exitCode, 0);
    s = schedule("2");
    EXPECT_TRUE(s["challenges"].empty());
    EXPECT_EQ(s["foods"][0]["status"], "back-in-diet");
    EXPECT_EQ(s["current_phase"], "finished");
}

TEST_F(EliminationCliTest, ReactionsByType_AnImmediateOneStopsTheFoodAndNeverSchedulesAHomeRetry) {
    ASSERT_EQ(cli({"protocol", "assign", "1", kEgg, "--start", daysAgo(40)}).exitCode, 0);  // step 1 from 12 days ago
    auto r = cli({"protocol", "outcome", "1", "egg", "immediate", "--date", daysAgo(10), "--symptoms", "hives",
                  "--delay-hours", "0"});
    ASSERT_EQ(r.exitCode, 0) << r.error;
    EXPECT_NE(r.output.find("refer for specialist assessment"), std::string::npos) << r.output;
    json s = schedule();
    ASSERT_EQ(s["challenges"].size(), 1u) << "no retry, no next step";
    EXPECT_EQ(s["challenges"][0]["state"], "stopped");
    EXPECT_EQ(s["foods"][0]["status"], "stopped-refer");
    auto again = cli({"protocol", "outcome", "1", "egg", "tolerated", "--date", daysAgo(1)});
    EXPECT_EQ(again.exitCode, 2);
    EXPECT_NE(again.error.find("it is not challenged again on this plan"), std::string::npos) << again.error;
}

TEST_F(EliminationCliTest, OutcomesAreFacts_APauseAfterOne_AndAnOpenPause_KeepThem) {
    // The repro: a plan from 27 Oct, soy reacted on 1 Dec, paused from 2 Dec.
    int startAgo = 40;
    ASSERT_EQ(cli({"protocol", "assign", "1", kCommon, "--start", daysAgo(startAgo), "--foods", "soy,egg"}).exitCode, 0);
    ASSERT_EQ(cli({"protocol", "review", "1", "--outcome", "improved", "--date", daysAgo(6)}).exitCode, 0);
    ASSERT_EQ(cli({"protocol", "outcome", "1", "soy", "delayed-moderate", "--date", daysAgo(2)}).exitCode, 0);
    ASSERT_EQ(cli({"protocol", "pause", "1", "--from", daysAgo(1), "--reason", "holiday"}).exitCode, 0);
    json s = schedule();
    EXPECT_EQ(s["challenges"][0]["state"], "reacted");
    EXPECT_EQ(s["foods"][0]["status"], "reacted") << s["foods"].dump(2);
    EXPECT_EQ(s["challenges"][1]["state"], "paused");
    EXPECT_TRUE(s["challenges"][1]["start"].is_null()) << "no date while paused";
    EXPECT_EQ(s["current_phase"], "paused");
    ASSERT_EQ(cli({"protocol", "resume", "1", "--date", daysAgo(0)}).exitCode, 0);
    s = schedule();
    EXPECT_EQ(s["challenges"][0]["state"], "reacted") << "still, after the resume";
    EXPECT_EQ(s["challenges"][1]["start"], daysAgo(-2)) << "3 days' wait after the reaction, one of them paused";

    // A pause that has not begun is called off by resume.
    ASSERT_EQ(cli({"protocol", "pause", "1", "--from", daysAgo(-10), "--reason", "trip"}).exitCode, 0);
    ASSERT_EQ(cli({"protocol", "resume", "1"}).exitCode, 0);
    s = schedule();
    EXPECT_FALSE(s.contains("paused_from"));
    auto history = json::parse(cli({"protocol", "history", "1", "--json"}).output);
    EXPECT_EQ(history.back()["change"], "pause-cancelled");
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
    // The protocol names its questionnaires: POEM and its own tummy score, each asked for until taken.
    auto advice = [&](const json& sched) {
        std::vector<std::string> out;
        for (const json& sg : sched["suggestions"])
            if (sg["source"] == "engine" && sg["kind"] == "advice") out.push_back(sg["reason"]);
        return out;
    };
    EXPECT_EQ(advice(s), (std::vector<std::string>{"POEM has not been taken yet on this plan",
                                                   "Tummy score has not been taken yet on this plan"}));

    // The hook is told the outcomes and every instrument's scores, not only POEM's.
    ASSERT_EQ(cli({"instrument", "record", "1", "org.example.test.tummy", "--answers",
                   file({{"pain", "yes"}, {"bloating", "no"}}, "t.json"), "--date", daysAgo(1)}).exitCode, 0);
    json poem = {{"itch", "every"}, {"sleep", "5-6"}, {"bleeding", "none"}, {"weeping", "none"},
                 {"cracked", "1-2"}, {"flaking", "none"}, {"dry", "none"}};  // 4 + 3 + 1 = 8
    ASSERT_EQ(cli({"instrument", "record", "1", kPoem, "--answers", file(poem, "p.json"), "--date", daysAgo(3)}).exitCode, 0);
    std::string also;
    json withScores = schedule();
    for (const json& sg : withScores["suggestions"])
        if (sg["reason"].get<std::string>().rfind("two-food hook also saw:", 0) == 0) also = sg["reason"];
    EXPECT_EQ(also, "two-food hook also saw: outcome wheat tolerated; score " + std::string(kPoem) + " 8 (Moderate eczema) on " +
                        daysAgo(3) + "; score org.example.test.tummy 1 (Some) on " + daysAgo(1) + ";");
    EXPECT_EQ(advice(withScores), std::vector<std::string>{}) << "POEM taken 3 days ago is not due; the tummy score has no interval";
}

// A plan keeps the protocol it was started with: with its plugin gone it
// goes on from that copy, and says the protocol is no longer there.
TEST_F(EliminationCliTest, APlanWhoseProtocolsPluginIsGone_GoesOnFromItsCopy_AndSaysSo) {
    ASSERT_EQ(cli({"protocol", "assign", "1", "org.example.test.two-food", "--start", daysAgo(20)}).exitCode, 0);
    ASSERT_EQ(cli({"protocol", "outcome", "1", "wheat", "tolerated", "--date", daysAgo(2)}).exitCode, 0);
    json before = schedule();
    for (const json& w : before["warnings"])
        EXPECT_EQ(w.get<std::string>().find("no longer"), std::string::npos) << w;
    ASSERT_EQ(cli({"plugins", "disable", "org.example.test.protocols"}).exitCode, 0);
    json after = schedule();
    EXPECT_EQ(after["challenges"], before["challenges"]) << "the same schedule, from the plan's own copy";
    bool said = false;
    for (const json& w : after["warnings"])
        said |= w.get<std::string>().find("The protocol Two-food test protocol (org.example.test.two-food) is no longer installed "
                                          "or is turned off: this plan goes on from the copy kept when it was started") == 0;
    EXPECT_TRUE(said) << after["warnings"].dump();
    // Its own questionnaire went with it: said, not offered.
    bool gone = false;
    for (const json& w : after["warnings"])
        gone |= w == "The protocol follows the child with the questionnaire org.example.test.tummy, which no installed "
                     "plugin offers now: it cannot be filled in.";
    EXPECT_TRUE(gone) << after["warnings"].dump();
    auto text = cli({"protocol", "schedule", "1"});
    EXPECT_NE(text.output.find("warning: The protocol Two-food test"), std::string::npos) << text.output;
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

// A plan the breastfeeding mother follows: only with a protocol written for
// her, shown on the schedule with the warning that asks for a dietitian, and
// on the family's summary with her own calcium and vitamin D.
TEST_F(EliminationCliTest, AMotherFollowsThePlanOnlyWhenTheProtocolIsForHer_AndHerCalciumIsOnTheSummary) {
    auto r = cli({"protocol", "assign", "2", kMilk, "--start", daysAgo(1), "--mother", "--override-reason", "test"});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.error.find("mother: Milk ladder (non-IgE cow's milk allergy) is not written for a breastfeeding mother"),
              std::string::npos)
        << r.error;
    EXPECT_EQ(cli({"protocol", "schedule", "2"}).exitCode, 2) << "nothing was stored";
    r = cli({"protocol", "assign", "2", kTrial, "--start", daysAgo(3), "--mother"});
    ASSERT_EQ(r.exitCode, 0) << r.error;
    auto shown = cli({"protocol", "schedule", "2"});
    EXPECT_NE(shown.output.find("followed by the breastfeeding mother"), std::string::npos) << shown.output;
    EXPECT_NE(shown.output.find("her calcium (1,250 mg a day) and vitamin D (10 micrograms a day)"), std::string::npos)
        << shown.output;
    ASSERT_EQ(cli({"report", "pdf", "2", "--out", (dir / "bo.pdf").string()}).exitCode, 0);
    std::string text = runProcess("pdftotext", {(dir / "bo.pdf").string(), "-"}).output;
    for (size_t at = text.find('\n'); at != std::string::npos; at = text.find('\n', at)) text[at] = ' ';
    EXPECT_NE(text.find("For you, while you breastfeed"), std::string::npos) << text;
    EXPECT_NE(text.find("1,250 mg a day"), std::string::npos);
    EXPECT_NE(text.find("10 micrograms (400 units)"), std::string::npos);
}

// nourish.plans/1: another plugin reads the client's plans through the host
// (nourish.host.plans/1) — the running one with the schedule and every food's
// status as the Protocol page has them, the outcomes, and an ended one.
TEST_F(EliminationCliTest, AnotherPluginReadsThePlansThroughTheHost) {
    extraPlugins = ":" + std::string(NOURISH_TEST_PLUGIN_ROOT) + "/plans_good";
    auto elimination = [&] {
        auto r = cli({"plans-of", "1"});
        EXPECT_EQ(r.exitCode, 0) << r.error;
        json all = json::parse(r.output), ours = json::array();
        EXPECT_FALSE(all.contains("problems")) << r.output;
        for (const json& p : all["plans"])
            if (p["plugin"] == "org.nourish.elimination") ours.push_back(p);
        return ours;
    };
    EXPECT_EQ(elimination(), json::array());

    ASSERT_EQ(cli({"protocol", "assign", "1", "org.example.test.two-food", "--start", daysAgo(20)}).exitCode, 0);
    ASSERT_EQ(cli({"protocol", "outcome", "1", "wheat", "tolerated"}).exitCode, 0);
    json plans = elimination();
    ASSERT_EQ(plans.size(), 1u) << plans.dump();
    json plan = plans[0];
    EXPECT_EQ(plan["protocol_id"], "org.example.test.two-food");
    EXPECT_EQ(plan["protocol_title"], "Two-food test protocol");
    EXPECT_EQ(plan["active"], true);
    EXPECT_EQ(plan["started"], daysAgo(20));
    EXPECT_EQ(plan["followed_by"], "child");
    ASSERT_EQ(plan["outcomes"].size(), 1u);
    EXPECT_EQ(plan["outcomes"][0]["food"], "wheat");
    EXPECT_EQ(plan["outcomes"][0]["result"], "tolerated");
    json page = schedule();
    EXPECT_EQ(plan["schedule"]["current_phase"], page["current_phase"]);
    ASSERT_EQ(plan["schedule"]["foods"].size(), page["foods"].size());
    for (size_t i = 0; i < page["foods"].size(); ++i) {
        EXPECT_EQ(plan["schedule"]["foods"][i]["food"], page["foods"][i]["food"]);
        EXPECT_EQ(plan["schedule"]["foods"][i]["status"], page["foods"][i]["status"]);
    }
    EXPECT_EQ(plan["schedule"]["foods"][0]["food"], "wheat");
    EXPECT_NE(plan["schedule"]["foods"][0]["status"], "avoiding") << plan.dump();

    ASSERT_EQ(cli({"protocol", "end", "1", "--reason", "moved abroad"}).exitCode, 0);
    ASSERT_EQ(cli({"protocol", "assign", "1", "org.example.test.two-food", "--start", daysAgo(0)}).exitCode, 0);
    plans = elimination();
    ASSERT_EQ(plans.size(), 2u) << plans.dump();
    EXPECT_EQ(plans[0]["protocol_id"], "org.example.test.two-food");
    EXPECT_EQ(plans[0]["active"], false);
    EXPECT_FALSE(plans[0].contains("schedule")) << "an ended plan has no schedule of today";
    EXPECT_EQ(plans[0]["ended"].get<std::string>().size(), 10u);
    EXPECT_EQ(plans[0]["outcomes"].size(), 1u) << "what was found stays";
    EXPECT_EQ(plans[1]["started"], daysAgo(0));
    EXPECT_EQ(plans[1]["active"], true);
    EXPECT_EQ(plans[1]["outcomes"], json::array());

    auto missing = cli({"plans-of", "99"});
    EXPECT_NE(missing.exitCode, 0);
    EXPECT_NE(missing.error.find("99"), std::string::npos) << missing.error;
}

// A protocol names its own questionnaire: the family's summary (a real PDF)
// charts it with what its score means, and leaves out POEM, which it does not
// name and which was never taken.
TEST_F(EliminationCliTest, TheFamilySummaryChartsTheQuestionnairesTheProtocolNames) {
    ASSERT_EQ(cli({"protocol", "assign", "1", "org.example.test.two-food", "--start", daysAgo(20)}).exitCode, 0);
    ASSERT_EQ(cli({"instrument", "record", "1", "org.example.test.tummy", "--answers",
                   file({{"pain", "yes"}, {"bloating", "yes"}}, "t1.json"), "--date", daysAgo(14)}).exitCode, 0);
    ASSERT_EQ(cli({"instrument", "record", "1", "org.example.test.tummy", "--answers",
                   file({{"pain", "yes"}, {"bloating", "no"}}, "t2.json"), "--date", daysAgo(2)}).exitCode, 0);
    auto pdf = cli({"report", "pdf", "1", "--out", (dir / "summary.pdf").string()});
    ASSERT_EQ(pdf.exitCode, 0) << pdf.error;
    auto text = runProcess("pdftotext", {"-layout", (dir / "summary.pdf").string(), "-"});
    ASSERT_EQ(text.exitCode, 0) << text.error;
    std::string flat;
    for (char ch : text.output) flat += (ch == '\n' || ch == ' ') ? (flat.empty() || flat.back() == ' ' ? '\0' : ' ') : ch;
    std::erase(flat, '\0');
    EXPECT_NE(flat.find("Tummy score"), std::string::npos) << flat;
    EXPECT_NE(flat.find("Each time, you answer 2 questions. The answers make a score from 0 to 2 (called Tummy score). It "
                        "means: 0 none, 1 to 2 some."),
              std::string::npos) << flat;
    EXPECT_NE(flat.find("was 1 (some). It was 2 on"), std::string::npos) << flat;
    EXPECT_EQ(flat.find("How the eczema has been"), std::string::npos) << "POEM was never taken" << flat;
}
