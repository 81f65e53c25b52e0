// The schedule engine, pinned by tables: start dates across month ends and
// leap days, pauses, reactions, ladder step-backs, reorders and skips.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "Engine.h"

using namespace elim;
using nlohmann::json;

namespace {

json readJson(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return json::parse(s.str());
}

Protocol builtIn(const std::string& name) {
    return Protocol::fromJson(readJson(std::string(ELIMINATION_SOURCE_DIR) + "/protocols/" + name + ".json"));
}

Day d(const char* iso) { return parseDay(iso); }

struct Expected {
    std::string food;
    int step;
    const char* start;
    const char* end;
    BlockState state;
};

void expectBlocks(const Schedule& s, const std::vector<Expected>& expected) {
    ASSERT_EQ(s.blocks.size(), expected.size());
    for (size_t i = 0; i < expected.size(); ++i) {
        SCOPED_TRACE("block " + std::to_string(i) + " " + expected[i].food);
        EXPECT_EQ(s.blocks[i].food, expected[i].food);
        EXPECT_EQ(s.blocks[i].step, expected[i].step);
        EXPECT_EQ(isoDay(s.blocks[i].start), expected[i].start);
        EXPECT_EQ(isoDay(s.blocks[i].end), expected[i].end);
        EXPECT_EQ(toString(s.blocks[i].state), std::string(toString(expected[i].state)));
    }
}

Plan planFor(const Protocol& p, const char* start) {
    Plan plan;
    plan.start = d(start);
    plan.foods = p.defaultOrder();
    return plan;
}

}  // namespace

TEST(Days, ParseRejectsWhatIsNotACalendarDate) {
    EXPECT_EQ(isoDay(d("2024-02-29")), "2024-02-29");
    EXPECT_THROW(d("2023-02-29"), BadInput);
    EXPECT_THROW(d("2024-13-01"), BadInput);
    EXPECT_THROW(d("2024-1-01"), BadInput);
    EXPECT_THROW(d("yesterday"), BadInput);
    EXPECT_THROW(d("2024-01-01x"), BadInput);
}

TEST(Days, AddMonthsClampsToTheEndOfTheMonth) {
    struct Row { const char* from; int months; const char* to; };
    for (Row r : std::vector<Row>{{"2024-11-30", 3, "2025-02-28"}, {"2023-11-30", 3, "2024-02-29"},
                                  {"2024-01-31", 1, "2024-02-29"}, {"2024-10-15", 3, "2025-01-15"},
                                  {"2024-12-31", 12, "2025-12-31"}}) {
        SCOPED_TRACE(r.from);
        EXPECT_EQ(isoDay(addMonths(d(r.from), r.months)), r.to);
    }
}

TEST(Days, AgeInWholeMonths) {
    EXPECT_EQ(ageInMonths(d("2024-01-31"), d("2024-10-30")), 8);
    EXPECT_EQ(ageInMonths(d("2024-01-31"), d("2024-10-31")), 9);
    EXPECT_EQ(ageInMonths(d("2024-02-29"), d("2025-02-28")), 11);
}

// The common-trigger protocol: 7 days baseline, 28 elimination, then four
// 3-day challenges each watched for 3 more days.
TEST(Schedule, CommonTriggers_FromStartDatesAcrossMonthEndsAndLeapDays) {
    Protocol p = builtIn("common-triggers");
    struct Row {
        const char* start;
        const char* eliminationStart;
        const char* firstChallenge;
        const char* lastChallengeEnd;
        const char* end;
    };
    for (Row r : std::vector<Row>{
             {"2024-01-01", "2024-01-08", "2024-02-05", "2024-02-28", "2024-03-27"},
             {"2024-02-01", "2024-02-08", "2024-03-07", "2024-03-30", "2024-04-27"},  // through 29 Feb
             {"2023-02-01", "2023-02-08", "2023-03-08", "2023-03-31", "2023-04-28"},  // no leap day
             {"2024-12-20", "2024-12-27", "2025-01-24", "2025-02-16", "2025-03-16"},  // across the year
             {"2024-01-31", "2024-02-07", "2024-03-06", "2024-03-29", "2024-04-26"},
         }) {
        SCOPED_TRACE(r.start);
        Schedule s = computeSchedule(p, planFor(p, r.start), d(r.start));
        ASSERT_EQ(s.phases.size(), 4u);
        EXPECT_EQ(isoDay(s.phases[1].start), r.eliminationStart);
        EXPECT_EQ(s.phases[1].end - s.phases[1].start + 1, 28);
        ASSERT_EQ(s.blocks.size(), 4u);
        EXPECT_EQ(isoDay(s.blocks[0].start), r.firstChallenge);
        for (size_t i = 1; i < s.blocks.size(); ++i) EXPECT_EQ(s.blocks[i].start, s.blocks[i - 1].end + 1);
        for (const Block& b : s.blocks) {
            EXPECT_EQ(b.length(), 6);  // 3 dose days + 3 observation days
            EXPECT_EQ(b.doseOn(b.start), 1);
            EXPECT_EQ(b.doseOn(b.start + 1), 2);
            EXPECT_EQ(b.doseOn(b.start + 2), 3);
            EXPECT_EQ(b.doseOn(b.start + 3), 0);
        }
        EXPECT_EQ(isoDay(s.blocks.back().end), r.lastChallengeEnd);
        EXPECT_EQ(isoDay(s.end), r.end);
    }
}

TEST(Schedule, FoodsOnlyEliminatedNeverChallenged_AreAvoided) {
    Protocol p = builtIn("common-triggers");
    Schedule s = computeSchedule(p, planFor(p, "2024-01-01"), d("2024-01-10"));
    ASSERT_NE(s.food("processed"), nullptr);
    EXPECT_EQ(s.food("processed")->state, FoodState::Skipped);
    EXPECT_EQ(s.food("soy")->state, FoodState::Avoiding);
    EXPECT_EQ(s.currentPhase, "elimination");
}

TEST(Schedule, OutcomesMoveTheRestOfThePlan) {
    Protocol p = builtIn("common-triggers");
    Plan plan = planFor(p, "2024-01-01");
    // soy 02-05..02-10. Tolerated a day late; egg reaction on its day 2 -> stop, wait 3 days.
    plan.outcomes.push_back({"soy", 0, d("2024-02-11"), "tolerated", "", {}, ""});
    plan.outcomes.push_back({"egg", 0, d("2024-02-13"), "mild", "a few spots", {}, ""});  // continue
    plan.outcomes.push_back({"egg", 0, d("2024-02-14"), "reaction", "hives", 2, ""});
    Schedule s = computeSchedule(p, plan, d("2024-02-20"));
    expectBlocks(s, {{"soy", 0, "2024-02-05", "2024-02-11", BlockState::Tolerated},
                     {"egg", 0, "2024-02-12", "2024-02-14", BlockState::Reacted},
                     {"gluten", 0, "2024-02-18", "2024-02-23", BlockState::Current},
                     {"dairy", 0, "2024-02-24", "2024-02-29", BlockState::Planned}});
    EXPECT_EQ(s.blocks[1].notes.size(), 1u) << "the mild symptoms are kept with the challenge";
    EXPECT_EQ(s.food("egg")->state, FoodState::Reacted);
    EXPECT_EQ(s.food("soy")->state, FoodState::Tolerated);
    EXPECT_EQ(s.food("gluten")->text, "challenging (day 3 of 6)");
}

TEST(Schedule, AnUndecidedChallenge_HoldsTheNextOneUntilTheDecision) {
    Protocol p = builtIn("common-triggers");
    Plan plan = planFor(p, "2024-01-01");
    Schedule s = computeSchedule(p, plan, d("2024-02-15"));  // soy ended 02-10, nothing recorded
    EXPECT_EQ(s.blocks[0].state, BlockState::AwaitingDecision);
    EXPECT_EQ(isoDay(s.blocks[1].start), "2024-02-16");
    EXPECT_EQ(s.food("soy")->state, FoodState::AwaitingDecision);
}

TEST(Schedule, PausesMoveEverythingAfterThem) {
    Protocol p = builtIn("common-triggers");
    struct Row {
        const char* from;
        const char* resumed;  // nullptr: still paused
        const char* today;
        const char* firstChallenge;
        const char* soyEnd;
    };
    for (Row r : std::vector<Row>{
             {"2024-01-20", "2024-01-25", "2024-01-26", "2024-02-10", "2024-02-15"},  // 5 days in elimination
             {"2024-02-06", "2024-02-10", "2024-02-10", "2024-02-10", "2024-02-15"},  // inside the soy challenge: restart
             {"2024-02-28", "2024-03-02", "2024-03-02", "2024-02-05", "2024-02-10"},  // after soy: soy unchanged
             {"2024-01-20", nullptr, "2024-01-22", "2024-02-08", "2024-02-13"},       // open: resumes tomorrow
         }) {
        SCOPED_TRACE(r.from);
        Plan plan = planFor(p, "2024-01-01");
        Pause pause{d(r.from), std::nullopt, "ill"};
        if (r.resumed) pause.resumed = d(r.resumed);
        plan.pauses.push_back(pause);
        Schedule s = computeSchedule(p, plan, d(r.today));
        EXPECT_EQ(isoDay(s.blocks[0].start), r.firstChallenge);
        EXPECT_EQ(isoDay(s.blocks[0].end), r.soyEnd);
        EXPECT_EQ(s.paused, r.resumed == nullptr);
        for (const Block& b : s.blocks) {
            Day last = r.resumed ? d(r.resumed) - 1 : d(r.today);
            EXPECT_TRUE(b.end < d(r.from) || b.start > last) << b.title << " overlaps the pause";
        }
    }
}

TEST(Schedule, PhaseLengthChangesAndSkipsAndReorders) {
    Protocol p = builtIn("common-triggers");
    Plan plan = planFor(p, "2024-03-01");
    plan.phaseDays["elimination"] = 42;
    plan.phaseDays["baseline"] = 0;
    plan.skipped.insert("egg");
    plan.foods = {"dairy", "soy", "egg", "gluten", "processed"};
    Schedule s = computeSchedule(p, plan, d("2024-03-01"));
    EXPECT_EQ(s.phases[0].end, s.phases[0].start - 1) << "a baseline of 0 days is empty";
    EXPECT_EQ(isoDay(s.phases[1].start), "2024-03-01");
    EXPECT_EQ(isoDay(s.phases[1].end), "2024-04-11");
    expectBlocks(s, {{"dairy", 0, "2024-04-12", "2024-04-17", BlockState::Planned},
                     {"soy", 0, "2024-04-18", "2024-04-23", BlockState::Planned},
                     {"gluten", 0, "2024-04-24", "2024-04-29", BlockState::Planned}});
    EXPECT_EQ(s.food("egg")->state, FoodState::Skipped);
}

TEST(Schedule, MilkLadder_StepsOfEightDays_AndAReactionStepsBackWithARetryDate) {
    Protocol p = builtIn("milk-ladder");
    Plan plan = planFor(p, "2024-11-01");  // elimination 28 days: ladder from 11-29
    Schedule fresh = computeSchedule(p, plan, d("2024-11-01"));
    ASSERT_EQ(fresh.blocks.size(), 6u);
    EXPECT_EQ(isoDay(fresh.blocks[0].start), "2024-11-29");
    EXPECT_EQ(fresh.blocks[0].doseOn(d("2024-11-29")), 0.25);
    EXPECT_EQ(fresh.blocks[0].doseOn(d("2024-12-01")), 0.5);
    EXPECT_EQ(fresh.blocks[0].doseOn(d("2024-12-06")), 1.0);
    EXPECT_EQ(isoDay(fresh.blocks[5].end), "2025-01-15");  // 6 x 8 days

    plan.outcomes.push_back({"milk", 0, d("2024-12-06"), "tolerated", "", {}, ""});
    plan.outcomes.push_back({"milk", 1, d("2024-12-14"), "tolerated", "", {}, ""});
    plan.outcomes.push_back({"milk", 2, d("2024-12-17"), "reaction", "rash", 6, ""});  // pancake, day 3
    Schedule s = computeSchedule(p, plan, d("2024-12-20"));
    expectBlocks(s, {{"milk", 0, "2024-11-29", "2024-12-06", BlockState::Tolerated},
                     {"milk", 1, "2024-12-07", "2024-12-14", BlockState::Tolerated},
                     {"milk", 2, "2024-12-15", "2024-12-17", BlockState::Reacted},
                     {"milk", 2, "2025-03-17", "2025-03-24", BlockState::Planned},
                     {"milk", 3, "2025-03-25", "2025-04-01", BlockState::Planned},
                     {"milk", 4, "2025-04-02", "2025-04-09", BlockState::Planned},
                     {"milk", 5, "2025-04-10", "2025-04-17", BlockState::Planned}});
    EXPECT_EQ(s.blocks[3].attempt, 2);
    ASSERT_TRUE(s.blocks[2].retryAfter.has_value());
    EXPECT_EQ(isoDay(*s.blocks[2].retryAfter), "2025-03-17");
    const FoodStatus* milk = s.food("milk");
    EXPECT_EQ(milk->state, FoodState::Reacted);
    EXPECT_EQ(milk->text, "reacted on 17 Dec 2024 (retry after 17 Mar 2025); stays at step 2 until then");

    // The retry passes: the ladder carries on from the retried step.
    plan.outcomes.push_back({"milk", 2, d("2025-03-24"), "tolerated", "", {}, ""});
    Schedule later = computeSchedule(p, plan, d("2025-03-26"));
    EXPECT_EQ(later.blocks[3].state, BlockState::Tolerated);
    EXPECT_EQ(later.blocks[4].state, BlockState::Current);
    EXPECT_EQ(later.food("milk")->state, FoodState::Challenging);
}

TEST(Schedule, EggLadder_AllStepsTolerated_IsReintroducedInMaintenance) {
    Protocol p = builtIn("egg-ladder");
    Plan plan = planFor(p, "2024-02-01");
    Schedule s0 = computeSchedule(p, plan, d("2024-02-01"));
    for (const Block& b : s0.blocks) plan.outcomes.push_back({"egg", b.step, b.end, "tolerated", "", {}, ""});
    Schedule s = computeSchedule(p, plan, s0.blocks.back().end + 1);
    EXPECT_EQ(s.blocks.size(), 5u);
    EXPECT_EQ(s.currentPhase, "maintenance");
    EXPECT_EQ(s.food("egg")->state, FoodState::Reintroduced);
}

TEST(Outcomes, AreCheckedAgainstThePlan) {
    Protocol p = builtIn("common-triggers");
    Plan plan = planFor(p, "2024-01-01");
    Day today = d("2024-02-07");  // soy from 02-05
    auto attempt = [&](Outcome o) {
        try {
            checkOutcome(p, plan, o, today);
            return std::string();
        } catch (const BadInput& e) {
            return std::string(e.what());
        }
    };
    EXPECT_EQ(attempt({"soy", 0, d("2024-02-06"), "tolerated", "", {}, ""}), "");
    EXPECT_EQ(attempt({"nuts", 0, d("2024-02-06"), "tolerated", "", {}, ""}), "food: 'nuts' is not in this plan");
    EXPECT_EQ(attempt({"soy", 0, d("2024-02-08"), "tolerated", "", {}, ""}), "date: 2024-02-08 is in the future");
    EXPECT_EQ(attempt({"soy", 0, d("2024-02-04"), "tolerated", "", {}, ""}),
              "date: the Soy challenge starts on 2024-02-05; 2024-02-04 is outside it");
    EXPECT_EQ(attempt({"egg", 0, d("2024-02-06"), "tolerated", "", {}, ""}),
              "date: the Egg challenge starts on 2024-02-11; 2024-02-06 is outside it");
    EXPECT_EQ(attempt({"soy", 0, d("2024-02-06"), "fine", "", {}, ""}),
              "outcome: 'fine' is not one of tolerated, mild, reaction");
    EXPECT_EQ(attempt({"processed", 0, d("2024-02-06"), "tolerated", "", {}, ""}),
              "food: 'processed' has no challenge in Common-trigger elimination");
    plan.outcomes.push_back({"soy", 0, d("2024-02-06"), "reaction", "", {}, ""});
    EXPECT_EQ(attempt({"soy", 0, d("2024-02-07"), "tolerated", "", {}, ""}),
              "food: the challenge of 'soy' is already decided");
}

TEST(Outcomes, OnALadderAreForTheStepInProgress) {
    Protocol p = builtIn("milk-ladder");
    Plan plan = planFor(p, "2024-11-01");  // step 1 from 11-29, step 2 from 12-07
    plan.outcomes.push_back({"milk", 0, d("2024-12-06"), "tolerated", "", {}, ""});
    Outcome o{"milk", 0, d("2024-12-09"), "reaction", "", {}, ""};
    checkOutcome(p, plan, o, d("2024-12-10"));
    EXPECT_EQ(o.step, 1) << "the outcome is for step 2, whatever step it was given";
}

TEST(Suggestions, ComeFromTheDiaryAfterTheObservationWindow) {
    Protocol p = builtIn("common-triggers");
    Plan plan = planFor(p, "2024-01-01");  // soy 02-05..02-10
    auto diaryWith = [](double itchDuring, bool vomiting) {
        std::vector<DiaryDay> days;
        for (Day x = d("2024-01-29"); x <= d("2024-02-10"); ++x) {
            DiaryDay day;
            day.day = x;
            bool during = x >= d("2024-02-05");
            day.itch = during && x == d("2024-02-07") ? itchDuring : 2;
            day.sleep = 1;
            day.vomiting = during && vomiting && x == d("2024-02-06");
            days.push_back(day);
        }
        return days;
    };
    Schedule inWindow = computeSchedule(p, plan, d("2024-02-09"));
    EXPECT_TRUE(suggestOutcomes(p, inWindow, diaryWith(2, false), d("2024-02-09")).empty())
        << "nothing is suggested while the window is open";

    Schedule after = computeSchedule(p, plan, d("2024-02-11"));
    struct Row { double itch; bool vomiting; const char* outcome; };
    for (Row r : std::vector<Row>{{2, false, "tolerated"}, {3, false, "tolerated"}, {4, false, "tolerated"},
                                  {5, false, "reaction"}, {2, true, "reaction"}}) {
        SCOPED_TRACE(r.itch);
        auto list = suggestOutcomes(p, after, diaryWith(r.itch, r.vomiting), d("2024-02-11"));
        ASSERT_EQ(list.size(), 1u);
        EXPECT_EQ(list[0].food, "soy");
        EXPECT_EQ(list[0].outcome, r.outcome) << list[0].reason;
    }
    // Mild symptoms on a protocol that carries on through them: "tolerated", saying so.
    auto mild = suggestOutcomes(p, after, diaryWith(4, false), d("2024-02-11"));
    EXPECT_NE(mild[0].reason.find("mild symptoms only"), std::string::npos) << mild[0].reason;

    // Too few diary days: ask, do not guess.
    auto sparse = suggestOutcomes(p, after, {}, d("2024-02-11"));
    ASSERT_EQ(sparse.size(), 1u);
    EXPECT_EQ(sparse[0].kind, "advice");
    EXPECT_NE(sparse[0].reason.find("0 of 6 days"), std::string::npos) << sparse[0].reason;
}

TEST(Suggestions, MildOnALadderThatStepsBack_IsSuggestedAsMild) {
    json doc = readJson(std::string(ELIMINATION_SOURCE_DIR) + "/protocols/milk-ladder.json");
    doc["reactions"]["mild"] = {{"action", "step_back"}, {"retry_after_months", 1}};
    Protocol p = Protocol::fromJson(doc);
    Plan plan = planFor(p, "2024-01-01");  // step 1: 01-29 .. 02-05
    std::vector<DiaryDay> days;
    for (Day x = d("2024-01-22"); x <= d("2024-02-05"); ++x) {
        DiaryDay day;
        day.day = x;
        day.itch = x == d("2024-02-01") ? 3.5 : 1;
        day.sleep = 1;
        days.push_back(day);
    }
    Schedule s = computeSchedule(p, plan, d("2024-02-06"));
    auto list = suggestOutcomes(p, s, days, d("2024-02-06"));
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0].outcome, "mild");
}
