// The engine, pinned by tables: schedules across month ends and leap days,
// reactions by type, facts that survive every change, pauses without an end,
// the review at the end of a diagnostic elimination, and every clinical rule
// at its boundary (the day a child turns 12 months, eight weeks removed, the
// review on the last day of the elimination). The protocols are written here,
// so that what is pinned is the engine, not the shipped content.
#include <gtest/gtest.h>

#include <optional>

#include <algorithm>

#include "Engine.h"

using namespace elim;
using nlohmann::json;

namespace {

Day d(const char* iso) { return parseDay(iso); }

// Baseline 7, elimination 28, four escalations of 3 dose days + 3 watched.
json escalationDoc() {
    auto challenge = [](const char* food) {
        return json{{"food", food}, {"method", "escalation"}, {"setting", "home"}, {"portion", "one portion"},
                    {"doses", {1, 2, 3}}, {"amounts", {"1 tbsp", "2 tbsp", "3 tbsp"}}, {"days_per_dose", 1}};
    };
    return {{"id", "org.test.escalation"},
            {"version", 1},
            {"format", 2},
            {"title", "Escalation test"},
            {"audience", {"child"}},
            {"phases",
             {{{"kind", "baseline"}, {"title", "Baseline"}, {"default_days", 7}, {"min_days", 0}, {"max_days", 14}},
              {{"kind", "elimination"}, {"title", "Elimination"}, {"default_days", 28}, {"min_days", 14}, {"max_days", 42}},
              {{"kind", "reintroduction"}, {"title", "Reintroduction"}},
              {{"kind", "maintenance"}, {"title", "Maintenance"}, {"default_days", 28}}}},
            {"foods",
             {{{"id", "soy"}, {"label", "Soy"}, {"allergen", "soy"}},
              {{"id", "egg"}, {"label", "Egg"}, {"allergen", "egg"}},
              {{"id", "gluten"}, {"label", "Gluten"}, {"allergen", "wheat"}},
              {{"id", "dairy"}, {"label", "Dairy"}, {"allergen", "milk"}},
              {{"id", "processed"}, {"label", "Processed foods"}, {"allergen", "none"}}}},
            {"challenges", {challenge("soy"), challenge("egg"), challenge("gluten"), challenge("dairy")}},
            {"observation_days", 3},
            {"washout_days", 0},
            {"reactions",
             {{"delayed_mild", {{"action", "continue"}}}, {"delayed_moderate", {{"action", "stop"}, {"wait_days", 3}}}}}};
}

// Elimination 28 days, then a 3-step ladder of 8 days a step.
json ladderDoc() {
    auto step = [](const char* title) {
        return json{{"title", title}, {"portion", "1"}, {"doses", {0.25, 0.5, 0.75, 1}},
                    {"amounts", {"a quarter", "a half", "three quarters", "all"}}, {"days_per_dose", 2}};
    };
    return {{"id", "org.test.ladder"},
            {"version", 1},
            {"format", 2},
            {"title", "Ladder test"},
            {"audience", {"child"}},
            {"phases",
             {{{"kind", "elimination"}, {"title", "Milk-free"}, {"default_days", 28}, {"min_days", 14}, {"max_days", 365}},
              {{"kind", "reintroduction"}, {"title", "Ladder"}},
              {{"kind", "maintenance"}, {"title", "Maintenance"}, {"default_days", 28}}}},
            {"foods", {{{"id", "milk"}, {"label", "Milk"}, {"allergen", "milk"}}}},
            {"challenges",
             {{{"food", "milk"}, {"method", "ladder"}, {"setting", "home"}, {"for", "non-ige"},
               {"triage", {{"test_first_if", {"current-eczema"}}, {"warn_if", {"asthma", "multi-system-reaction"}}}},
               {"steps", {step("Biscuit"), step("Muffin"), step("Yoghurt")}}}}},
            {"rules",
             {{{"id", "ladder-age"}, {"kind", "min_age"}, {"months", 12}, {"food", "milk"}, {"text", "From 12 months"},
               {"source", "test"}},
              {{"id", "avoided"}, {"kind", "min_avoided"}, {"months", 6}, {"food", "milk"}, {"text", "6 months avoided"},
               {"source", "test"}},
              {{"id", "since-reaction"}, {"kind", "min_since_reaction"}, {"months", 6}, {"food", "milk"},
               {"text", "6 months after a reaction"}, {"source", "test"}}}},
            {"observation_days", 0},
            {"washout_days", 0},
            {"reactions",
             {{"delayed_mild", {{"action", "hold"}, {"hold_days", 3}, {"advice", "same amount for 3 days"}}},
              {"delayed_moderate", {{"action", "step_back"}, {"wait_days", 3}, {"retry_after_months", 3}}}}}};
}

Protocol escalation() { return Protocol::fromJson(escalationDoc()); }
Protocol ladder() { return Protocol::fromJson(ladderDoc()); }

Outcome outcome(const char* food, int step, const char* date, Reaction r) {
    Outcome o;
    o.food = food;
    o.step = step;
    o.date = d(date);
    o.reaction = r;
    return o;
}

Plan planFor(const Protocol& p, const char* start) {
    Plan plan;
    plan.start = d(start);
    plan.foods = p.defaultOrder();
    return plan;
}

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
        EXPECT_EQ(scheduled(s.blocks[i].start) ? isoDay(s.blocks[i].start) : "-", expected[i].start);
        EXPECT_EQ(scheduled(s.blocks[i].end) ? isoDay(s.blocks[i].end) : "-", expected[i].end);
        EXPECT_EQ(toString(s.blocks[i].state), std::string(toString(expected[i].state)));
    }
}

// A copy: checkPlan's list is often a temporary.
std::optional<Finding> findingOf(const std::vector<Finding>& list, const std::string& rule) {
    for (const Finding& f : list)
        if (f.rule == rule) return f;
    return std::nullopt;
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
                                  {"2024-12-31", 12, "2025-12-31"}, {"2025-03-31", -1, "2025-02-28"}}) {
        SCOPED_TRACE(r.from);
        EXPECT_EQ(isoDay(addMonths(d(r.from), r.months)), r.to);
    }
}

TEST(Days, AgeInWholeMonthsAndAsAFamilySaysIt) {
    EXPECT_EQ(ageInMonths(d("2024-01-31"), d("2024-10-30")), 8);
    EXPECT_EQ(ageInMonths(d("2024-01-31"), d("2024-10-31")), 9);
    EXPECT_EQ(ageInMonths(d("2024-02-29"), d("2025-02-28")), 11);
    EXPECT_EQ(ageText(d("2024-01-15"), d("2024-06-20")), "5 months");
    EXPECT_EQ(ageText(d("2022-01-15"), d("2024-03-20")), "2 years 2 months");
    EXPECT_EQ(familyDay(d("2026-12-01"), d("2026-11-20")), "Tuesday 1 December");
    EXPECT_EQ(familyDay(d("2027-01-05"), d("2026-11-20")), "Tuesday 5 January 2027");
}

TEST(Schedule, Escalations_FromStartDatesAcrossMonthEndsAndLeapDays) {
    Protocol p = escalation();
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
         }) {
        SCOPED_TRACE(r.start);
        Schedule s = computeSchedule(p, planFor(p, r.start), d(r.start));
        ASSERT_EQ(s.phases.size(), 4u);
        EXPECT_EQ(isoDay(s.phases[1].start), r.eliminationStart);
        ASSERT_EQ(s.blocks.size(), 4u);
        EXPECT_EQ(isoDay(s.blocks[0].start), r.firstChallenge);
        for (size_t i = 1; i < s.blocks.size(); ++i) EXPECT_EQ(s.blocks[i].start, s.blocks[i - 1].end + 1);
        for (const Block& b : s.blocks) {
            EXPECT_EQ(b.length(), 6);
            EXPECT_EQ(b.amountOn(b.start), "1 tbsp");
            EXPECT_EQ(b.amountOn(b.start + 2), "3 tbsp");
            EXPECT_EQ(b.amountOn(b.start + 3), "");
        }
        EXPECT_EQ(isoDay(s.blocks.back().end), r.lastChallengeEnd);
        EXPECT_EQ(isoDay(s.end), r.end);
    }
}

TEST(Reactions, DelayedMildContinues_DelayedModerateStops_TheRestMoves) {
    Protocol p = escalation();
    Plan plan = planFor(p, "2024-01-01");  // soy 02-05..02-10
    plan.outcomes = {outcome("soy", 0, "2024-02-11", Reaction::None), outcome("egg", 0, "2024-02-13", Reaction::DelayedMild),
                     outcome("egg", 0, "2024-02-14", Reaction::DelayedModerate)};
    Schedule s = computeSchedule(p, plan, d("2024-02-20"));
    expectBlocks(s, {{"soy", 0, "2024-02-05", "2024-02-11", BlockState::Tolerated},
                     {"egg", 0, "2024-02-12", "2024-02-14", BlockState::Reacted},
                     {"gluten", 0, "2024-02-18", "2024-02-23", BlockState::Current},
                     {"dairy", 0, "2024-02-24", "2024-02-29", BlockState::Planned}});
    EXPECT_EQ(s.blocks[1].notes.size(), 1u) << "the mild symptoms are kept with the challenge";
    EXPECT_EQ(s.food("egg")->state, FoodState::Reacted);
    EXPECT_EQ(s.food("gluten")->text, "challenging (day 3 of 6)");
}

TEST(Reactions, ImmediateOrFpies_StopTheFoodForGood_NoHomeRetry_AndTheChildIsReferred) {
    for (Reaction r : {Reaction::Immediate, Reaction::Fpies}) {
        SCOPED_TRACE(toString(r));
        Protocol p = ladder();
        Plan plan = planFor(p, "2024-11-01");  // steps from 11-29, 12-07
        plan.outcomes = {outcome("milk", 0, "2024-12-06", Reaction::None), outcome("milk", 1, "2024-12-09", r)};
        Schedule s = computeSchedule(p, plan, d("2024-12-09"));
        expectBlocks(s, {{"milk", 0, "2024-11-29", "2024-12-06", BlockState::Tolerated},
                         {"milk", 1, "2024-12-07", "2024-12-09", BlockState::Stopped}});
        EXPECT_FALSE(s.blocks[1].retryAfter) << "never a home retry";
        EXPECT_EQ(s.food("milk")->state, FoodState::Referred);
        EXPECT_NE(s.food("milk")->text.find("refer for specialist assessment"), std::string::npos) << s.food("milk")->text;
        EXPECT_EQ(s.blockOn(d("2024-12-09")), nullptr) << "no dose is shown for the day of the reaction";
        Outcome again = outcome("milk", 0, "2024-12-09", Reaction::None);
        EXPECT_THROW(checkOutcome(p, plan, again, d("2024-12-09")), BadInput);
    }
}

TEST(Reactions, OnALadder_MildHoldsTheAmountThenRepeatsTheStep_ModerateStepsBackWithARetryDate) {
    Protocol p = ladder();
    Plan plan = planFor(p, "2024-11-01");
    plan.outcomes = {outcome("milk", 0, "2024-12-06", Reaction::None), outcome("milk", 1, "2024-12-09", Reaction::DelayedMild)};
    Schedule held = computeSchedule(p, plan, d("2024-12-10"));
    expectBlocks(held, {{"milk", 0, "2024-11-29", "2024-12-06", BlockState::Tolerated},
                        {"milk", 1, "2024-12-07", "2024-12-09", BlockState::Held},
                        {"milk", 1, "2024-12-13", "2024-12-20", BlockState::Planned},
                        {"milk", 2, "2024-12-21", "2024-12-28", BlockState::Planned}});
    EXPECT_EQ(isoDay(*held.blocks[1].holdUntil), "2024-12-12");
    EXPECT_NE(held.food("milk")->text.find("same amount until 12 Dec 2024"), std::string::npos) << held.food("milk")->text;

    plan.outcomes.back().reaction = Reaction::DelayedModerate;
    Schedule back = computeSchedule(p, plan, d("2024-12-10"));
    expectBlocks(back, {{"milk", 0, "2024-11-29", "2024-12-06", BlockState::Tolerated},
                        {"milk", 1, "2024-12-07", "2024-12-09", BlockState::Reacted},
                        {"milk", 1, "2025-03-09", "2025-03-16", BlockState::Planned},
                        {"milk", 2, "2025-03-17", "2025-03-24", BlockState::Planned}});
    EXPECT_EQ(back.food("milk")->text, "reacted on 9 Dec 2024 (retry after 9 Mar 2025); stays at step 1 until then");
}

// Every kind of change, against a plan that holds every kind of outcome:
// none of them may lose or move a recorded fact.
TEST(Facts, SurviveEveryPauseResumePhaseChangeMoveAndSkip) {
    Protocol p = escalation();
    Plan plan = planFor(p, "2026-10-27");  // soy 2026-11-30.., egg, gluten, dairy
    plan.outcomes = {outcome("soy", 0, "2026-12-01", Reaction::DelayedMild),
                     outcome("soy", 0, "2026-12-02", Reaction::DelayedModerate),
                     outcome("egg", 0, "2026-12-10", Reaction::None)};
    Day today = d("2026-12-12");
    Schedule before = computeSchedule(p, plan, today);
    ASSERT_TRUE(before.lostOutcomes.empty());
    ASSERT_EQ(before.blocks[0].state, BlockState::Reacted);
    ASSERT_EQ(before.blocks[1].state, BlockState::Tolerated);

    std::vector<std::pair<std::string, Plan>> changes;
    auto add = [&](std::string name, auto change) {
        Plan after = plan;
        change(after);
        changes.emplace_back(std::move(name), after);
    };
    add("pause the day after the last outcome", [](Plan& x) { x.pauses.push_back({d("2026-12-11"), std::nullopt, "ill"}); });
    add("pause from today, open-ended", [](Plan& x) { x.pauses.push_back({d("2026-12-12"), std::nullopt, "ill"}); });
    add("pause in the future", [](Plan& x) { x.pauses.push_back({d("2026-12-20"), std::nullopt, "holiday"}); });
    add("pause and resume after the egg outcome",
        [](Plan& x) { x.pauses.push_back({d("2026-12-11"), d("2026-12-12"), "ill"}); });
    add("a longer maintenance", [](Plan& x) { x.phaseDays["maintenance"] = 60; });
    add("move dairy before gluten", [](Plan& x) { x.foods = {"soy", "egg", "dairy", "gluten", "processed"}; });
    add("skip gluten", [](Plan& x) { x.skipped.insert("gluten"); });
    for (const auto& [name, after] : changes) {
        SCOPED_TRACE(name);
        Schedule s = computeSchedule(p, after, today);
        EXPECT_TRUE(s.lostOutcomes.empty());
        EXPECT_NO_THROW(checkFactsKept(before, s, after));
        EXPECT_EQ(s.blocks[0].state, BlockState::Reacted);
        EXPECT_EQ(s.blocks[0].notes.size(), 1u);
        EXPECT_EQ(s.blocks[1].state, BlockState::Tolerated);
        EXPECT_EQ(s.food("soy")->state, FoodState::Reacted) << s.food("soy")->text;
    }
    // The repro: assign from 27 Oct, soy reaction on 1 Dec, pause from 2 Dec -> soy stays reacted.
    Plan repro = planFor(p, "2026-10-27");
    repro.outcomes = {outcome("soy", 0, "2026-12-01", Reaction::DelayedModerate)};
    repro.pauses.push_back({d("2026-12-02"), std::nullopt, "holiday"});
    Schedule s = computeSchedule(p, repro, d("2026-12-02"));
    EXPECT_EQ(s.blocks[0].state, BlockState::Reacted);
    EXPECT_EQ(s.food("soy")->state, FoodState::Reacted) << s.food("soy")->text;
    for (const Block& b : s.blocks) {
        if (b.food == "soy") continue;
        EXPECT_EQ(b.state, BlockState::Paused) << b.food;
    }

    // A pause recorded over a challenge already decided is refused by name,
    // as is one that would lose a fact.
    Plan over = plan;
    over.pauses.push_back({d("2026-12-03"), std::nullopt, "recorded late"});
    EXPECT_THROW(checkFactsKept(before, computeSchedule(p, over, today), over), BadInput);
    Plan lost = plan;
    lost.pauses.push_back({d("2026-11-01"), d("2026-12-20"), "a long pause before everything"});
    Schedule moved = computeSchedule(p, lost, today);
    EXPECT_THROW(checkFactsKept(before, moved, lost), BadInput);
}

TEST(Pauses, AnOpenPauseCountsUntilItIsResumed_AFuturePauseCanBeCalledOff) {
    Protocol p = escalation();
    Plan plan = planFor(p, "2024-01-01");
    plan.pauses.push_back({d("2024-01-20"), std::nullopt, "ill"});
    for (Day today : {d("2024-01-22"), d("2024-03-01")}) {  // however long it lasts
        Schedule s = computeSchedule(p, plan, today);
        EXPECT_TRUE(s.paused);
        EXPECT_EQ(s.currentPhase, "paused");
        EXPECT_FALSE(scheduled(s.end));
        for (const Block& b : s.blocks) EXPECT_EQ(b.state, BlockState::Paused);
        EXPECT_EQ(s.food("soy")->state, FoodState::Paused);
        EXPECT_EQ(s.blockOn(today), nullptr);
    }
    plan.pauses.back().resumed = d("2024-03-01");  // 12 elimination days before the pause, 16 after it
    Schedule resumed = computeSchedule(p, plan, d("2024-03-01"));
    EXPECT_FALSE(resumed.paused);
    EXPECT_EQ(isoDay(resumed.phase("elimination")->end), "2024-03-16");
    EXPECT_EQ(isoDay(resumed.blocks[0].start), "2024-03-17");

    Plan future = planFor(p, "2024-01-01");
    future.pauses.push_back({d("2024-02-20"), std::nullopt, "holiday"});
    Schedule ahead = computeSchedule(p, future, d("2024-01-10"));
    EXPECT_FALSE(ahead.paused) << "not begun yet";
    ASSERT_TRUE(ahead.pausedFrom);
    EXPECT_EQ(ahead.blocks[0].state, BlockState::Planned) << "soy (02-05..02-10) ends before the pause";
    EXPECT_EQ(ahead.blocks[2].state, BlockState::Paused) << "gluten would start after it";
}

TEST(Review, TheDiagnosticEliminationWaitsForIt_OnTheLastDayItMayBeRecorded) {
    json doc = escalationDoc();
    doc["phases"][1]["review"] = true;
    Protocol p = Protocol::fromJson(doc);
    Plan plan = planFor(p, "2024-01-01");  // elimination 01-08 .. 02-04
    Schedule during = computeSchedule(p, plan, d("2024-02-04"));
    EXPECT_TRUE(during.blocks.empty()) << "no challenge is dated before the review";
    ASSERT_TRUE(during.reviewDueOn);
    EXPECT_EQ(isoDay(*during.reviewDueOn), "2024-02-04");
    EXPECT_FALSE(during.reviewDue) << "due from the day after the last day";
    EXPECT_EQ(during.food("soy")->state, FoodState::AwaitingReview);
    Schedule after = computeSchedule(p, plan, d("2024-02-05"));
    EXPECT_TRUE(after.reviewDue);
    EXPECT_EQ(after.currentPhase, "review-due");

    Review onLastDay{d("2024-02-04"), "improved", ""};
    EXPECT_NO_THROW(checkReview(p, plan, onLastDay, d("2024-02-04")));
    plan.review = onLastDay;
    Schedule improved = computeSchedule(p, plan, d("2024-02-05"));
    ASSERT_EQ(improved.blocks.size(), 4u);
    EXPECT_EQ(isoDay(improved.blocks[0].start), "2024-02-05");

    plan.review = Review{d("2024-02-10"), "no-improvement", ""};  // reviewed late: avoided until then
    Schedule none = computeSchedule(p, plan, d("2024-02-11"));
    EXPECT_TRUE(none.blocks.empty());
    EXPECT_EQ(none.food("soy")->state, FoodState::BackInDiet);
    EXPECT_EQ(none.currentPhase, "finished");

    Plan early = planFor(p, "2024-01-01");
    EXPECT_THROW(checkReview(p, early, {d("2024-01-05"), "improved", ""}, d("2024-02-05")), BadInput) << "before it began";
    EXPECT_THROW(checkReview(p, early, {d("2024-02-06"), "improved", ""}, d("2024-02-05")), BadInput) << "in the future";
    EXPECT_THROW(checkReview(p, early, {d("2024-02-05"), "better", ""}, d("2024-02-05")), BadInput);
    EXPECT_THROW(checkReview(escalation(), early, {d("2024-02-05"), "improved", ""}, d("2024-02-05")), BadInput)
        << "a protocol without a review";
}

TEST(Triage, AnImmediateHistoryAnaphylaxisOrPositiveTest_RefusesTheHomeChallenge_NamingTheAnswer) {
    Protocol p = escalation();
    Plan plan = planFor(p, "2024-01-01");
    Schedule s = computeSchedule(p, plan, d("2024-01-01"));
    struct Row {
        const char* name;
        json history;
        const char* rule;
    };
    for (const Row& r : std::vector<Row>{
             {"hives within minutes",
              {{"facts", json::array()},
               {"reactions", {{{"allergen", "egg"}, {"label", "Egg"}, {"onset", "minutes"}, {"signs", {"hives"}},
                               {"anaphylaxis", false}, {"source", "Intake of 3 Nov, food_reactions[1] (Egg)"}}}},
               {"tests", json::array()}},
              "triage.immediate"},
             {"swelling, onset not known",
              {{"facts", json::array()},
               {"reactions", {{{"allergen", "egg"}, {"onset", "unknown"}, {"signs", {"swelling"}}, {"anaphylaxis", false},
                               {"source", "Intake of 3 Nov, food_reactions[2] (Egg)"}}}},
               {"tests", json::array()}},
              "triage.immediate"},
             {"anaphylaxis",
              {{"facts", json::array()},
               {"reactions", {{{"allergen", "egg"}, {"onset", "next_day_or_later"}, {"signs", json::array()},
                               {"anaphylaxis", true}, {"source", "Intake of 3 Nov, food_reactions[1] (Egg)"}}}},
               {"tests", json::array()}},
              "triage.anaphylaxis"},
             {"positive skin-prick test",
              {{"facts", json::array()},
               {"reactions", json::array()},
               {"tests", {{{"allergen", "egg"}, {"kind", "skin_prick"}, {"result", "positive"}, {"value", "5 mm"},
                           {"source", "Intake of 3 Nov, allergy_tests[1] (Egg)"}}}}},
              "triage.positive-test"},
         }) {
        SCOPED_TRACE(r.name);
        Child child{"Zoë", d("2021-01-01"), AllergyHistory::fromJson(r.history)};
        auto findings = checkPlan(p, plan, s, child, d("2024-01-01"));
        std::optional<Finding> f = findingOf(findings, r.rule);
        ASSERT_TRUE(f.has_value());
        EXPECT_EQ(f->food, "egg");
        EXPECT_TRUE(f->refuses());
        EXPECT_NE(f->text.find("Intake of 3 Nov"), std::string::npos) << "names the answer: " << f->text;
        EXPECT_EQ(findingOf(findings, "triage.immediate").has_value() && std::string(r.rule) == "triage.positive-test", false);
        // Supervised, it goes ahead, and says so.
        Plan supervised = plan;
        supervised.overrides.push_back({r.rule, "egg", "supervised", "in clinic", "me", "now"});
        auto again = checkPlan(p, supervised, s, child, d("2024-01-01"));
        EXPECT_FALSE(findingOf(again, r.rule)->refuses());
        EXPECT_TRUE(findingOf(again, r.rule)->overridden.has_value());
    }
    // A delayed reaction is no reason to refuse a home challenge; a supervised challenge is not triaged.
    json delayed = {{"facts", json::array()},
                    {"reactions", {{{"allergen", "egg"}, {"onset", "next_day_or_later"}, {"signs", {"eczema_flare"}},
                                    {"anaphylaxis", false}, {"source", "x"}}}},
                    {"tests", json::array()}};
    EXPECT_TRUE(checkPlan(p, plan, s, {"A", d("2021-01-01"), AllergyHistory::fromJson(delayed)}, d("2024-01-01")).empty());
    json doc = escalationDoc();
    doc["challenges"][1]["setting"] = "supervised";
    Protocol inClinic = Protocol::fromJson(doc);
    json hives = {{"facts", json::array()},
                  {"reactions", {{{"allergen", "egg"}, {"onset", "minutes"}, {"signs", {"hives"}}, {"anaphylaxis", false},
                                  {"source", "x"}}}},
                  {"tests", json::array()}};
    EXPECT_TRUE(checkPlan(inClinic, plan, s, {"A", d("2021-01-01"), AllergyHistory::fromJson(hives)}, d("2024-01-01")).empty());
}

TEST(Triage, CurrentEczemaWithoutATestRefusesTheLadder_AsthmaAndMultiSystemReactionsWarn) {
    Protocol p = ladder();
    Plan plan = planFor(p, "2024-11-01");
    plan.avoidingSince = d("2024-01-01");
    Schedule s = computeSchedule(p, plan, d("2024-11-01"));
    json history = {{"facts", {{{"kind", "current_eczema"}, {"answer", true}, {"source", "Intake, eczema_areas"}},
                               {{"kind", "asthma"}, {"answer", true}, {"source", "Intake, asthma"}}}},
                    {"reactions", {{{"allergen", "milk"}, {"onset", "next_day_or_later"}, {"signs", {"eczema_flare", "reflux"}},
                                    {"anaphylaxis", false}, {"source", "Intake, food_reactions[1] (Cow's milk)"}}}},
                    {"tests", json::array()}};
    Child child{"Ollie", d("2023-01-01"), AllergyHistory::fromJson(history)};
    auto findings = checkPlan(p, plan, s, child, d("2024-11-01"));
    ASSERT_TRUE(findingOf(findings, "triage.test-first").has_value());
    EXPECT_TRUE(findingOf(findings, "triage.test-first")->refuses());
    ASSERT_TRUE(findingOf(findings, "triage.asthma").has_value());
    EXPECT_FALSE(findingOf(findings, "triage.asthma")->blocking);
    ASSERT_TRUE(findingOf(findings, "triage.multi-system").has_value()) << "skin and gut";
    history["tests"] = {{{"allergen", "milk"}, {"kind", "specific_ige"}, {"result", "negative"}, {"source", "Intake"}}};
    child.history = AllergyHistory::fromJson(history);
    EXPECT_FALSE(findingOf(checkPlan(p, plan, s, child, d("2024-11-01")), "triage.test-first").has_value())
        << "a negative test lets the home ladder go ahead";
}

TEST(AgeRules, OnTheDayAChildTurns12Months_AndEveryOtherTimingRule_WithTheDateTheyPass) {
    Protocol p = ladder();
    Plan plan = planFor(p, "2024-11-01");  // ladder from 11-29
    plan.avoidingSince = d("2024-01-01");
    Schedule s = computeSchedule(p, plan, d("2024-11-01"));
    Child oneDayShort{"Maya", d("2023-11-30"), {}};  // 12 months on 2024-11-30
    std::optional<Finding> f = findingOf(checkPlan(p, plan, s, oneDayShort, d("2024-11-01")), "age.ladder-age");
    ASSERT_TRUE(f.has_value());
    EXPECT_TRUE(f->refuses());
    EXPECT_EQ(isoDay(*f->passesOn), "2024-11-30");
    EXPECT_NE(f->text.find("Maya would be 11 months old on 29 Nov 2024"), std::string::npos) << f->text;
    EXPECT_NE(f->text.find("passes on 30 Nov 2024"), std::string::npos) << f->text;
    Child onTheDay{"Maya", d("2023-11-29"), {}};
    EXPECT_FALSE(findingOf(checkPlan(p, plan, s, onTheDay, d("2024-11-01")), "age.ladder-age").has_value());

    Plan recent = plan;
    recent.avoidingSince = d("2024-06-01");  // six months on 2024-12-01
    std::optional<Finding> avoided = findingOf(checkPlan(p, recent, s, onTheDay, d("2024-11-01")), "age.avoided");
    ASSERT_TRUE(avoided.has_value());
    EXPECT_EQ(isoDay(*avoided->passesOn), "2024-12-01");

    json reaction = {{"facts", json::array()},
                     {"reactions", {{{"allergen", "milk"}, {"onset", "next_day_or_later"}, {"signs", json::array()},
                                     {"anaphylaxis", false}, {"date", "2024-06-15"}, {"source", "x"}}}},
                     {"tests", {{{"allergen", "milk"}, {"kind", "skin_prick"}, {"result", "negative"}, {"source", "y"}}}}};
    Child reacted{"Maya", d("2023-01-01"), AllergyHistory::fromJson(reaction)};
    std::optional<Finding> since = findingOf(checkPlan(p, plan, s, reacted, d("2024-11-01")), "age.since-reaction");
    ASSERT_TRUE(since.has_value());
    EXPECT_EQ(isoDay(*since->passesOn), "2024-12-15");
}

TEST(InfantElimination, UnderTwelveMonths_TwoFoodsOrEggOrPeanutNeedAReason) {
    Protocol p = escalation();
    struct Row {
        const char* birth;
        std::vector<std::string> foods;
        bool refused;
    };
    for (const Row& r : std::vector<Row>{{"2023-01-02", {"dairy", "soy"}, true},   // 11 months on 2024-01-01
                                         {"2023-01-01", {"dairy", "soy"}, false},  // 12 months that day
                                         {"2023-06-01", {"dairy"}, false},
                                         {"2023-06-01", {"egg"}, true},
                                         {"2023-06-01", {"dairy", "processed"}, false}}) {
        SCOPED_TRACE(std::string(r.birth) + " " + r.foods.front());
        Plan plan = planFor(p, "2024-01-01");
        plan.foods = r.foods;
        Schedule s = computeSchedule(p, plan, d("2024-01-01"));
        std::optional<Finding> f = findingOf(checkPlan(p, plan, s, {"Baby", d(r.birth), {}}, d("2024-01-01")), "infant-elimination");
        EXPECT_EQ(f.has_value() && f->refuses(), r.refused);
    }
}

TEST(DietitianReview, AFoodAvoidedMoreThanEightWeeks_IsFlaggedUntilOneIsRecorded) {
    Protocol p = ladder();
    Plan plan = planFor(p, "2024-01-01");
    Child child{"Ollie", d("2020-01-01"), {}};
    auto flagged = [&](const char* today) {
        Schedule s = computeSchedule(p, plan, d(today));
        return findingOf(checkPlan(p, plan, s, child, d(today)), "dietitian-review").has_value();
    };
    EXPECT_FALSE(flagged("2024-02-26")) << "56 days";
    EXPECT_TRUE(flagged("2024-02-27")) << "57 days";
    plan.dietitianReviews.push_back(d("2024-02-20"));
    EXPECT_FALSE(flagged("2024-02-27"));
}

namespace {
std::vector<DiaryDay> diary(const char* from, const char* to, double itch) {
    std::vector<DiaryDay> days;
    for (Day x = d(from); x <= d(to); ++x) {
        DiaryDay day;
        day.day = x;
        day.itch = itch;
        day.sleep = 1;
        day.stool = 4;
        day.stoolScale = "infant";
        days.push_back(day);
    }
    return days;
}
DiaryDay& on(std::vector<DiaryDay>& days, const char* date) {
    return *std::find_if(days.begin(), days.end(), [&](const DiaryDay& x) { return x.day == d(date); });
}
}  // namespace

TEST(Suggestions, AReactionNeedsTwoRaisedDays_ConfoundedDaysDoNotCount) {
    Protocol p = escalation();
    Plan plan = planFor(p, "2024-01-01");  // soy 02-05..02-10
    Schedule inWindow = computeSchedule(p, plan, d("2024-02-09"));
    EXPECT_TRUE(suggestOutcomes(p, inWindow, diary("2024-01-29", "2024-02-10", 2), d("2024-02-09")).empty());

    Schedule after = computeSchedule(p, plan, d("2024-02-11"));
    auto suggest = [&](std::vector<DiaryDay> days) {
        auto list = suggestOutcomes(p, after, days, d("2024-02-11"));
        EXPECT_EQ(list.size(), 1u);
        return list.empty() ? Suggestion{} : list[0];
    };
    auto days = diary("2024-01-29", "2024-02-10", 2);
    EXPECT_EQ(suggest(days).outcome, "tolerated");
    on(days, "2024-02-07").itch = 8;  // one bad day is not a reaction
    EXPECT_EQ(suggest(days).outcome, "tolerated");
    on(days, "2024-02-08").itch = 4;  // a second raised day (baseline median 2, +2)
    EXPECT_EQ(suggest(days).outcome, "delayed-mild") << suggest(days).reason;
    for (const char* x : {"2024-02-06", "2024-02-09", "2024-02-10"}) on(days, x).itch = 6;
    EXPECT_EQ(suggest(days).outcome, "delayed-moderate") << suggest(days).reason;
    for (const char* x : {"2024-02-06", "2024-02-07", "2024-02-08", "2024-02-09", "2024-02-10"})
        on(days, x).confounders = {"teething"};
    Suggestion teething = suggest(days);
    EXPECT_EQ(teething.outcome, "tolerated");
    EXPECT_NE(teething.reason.find("5 day(s) with illness, teething"), std::string::npos) << teething.reason;

    // Loose stools on the scale in use: infant 5 counts, Bristol 5 does not.
    auto stools = diary("2024-01-29", "2024-02-10", 2);
    for (const char* x : {"2024-02-06", "2024-02-07"}) on(stools, x).stool = 5;
    EXPECT_EQ(suggest(stools).outcome, "delayed-moderate");
    for (DiaryDay& x : stools) x.stoolScale = "bristol";
    EXPECT_EQ(suggest(stools).outcome, "tolerated");

    // Too few diary days: ask, do not guess.
    auto sparse = suggestOutcomes(p, after, {}, d("2024-02-11"));
    ASSERT_EQ(sparse.size(), 1u);
    EXPECT_EQ(sparse[0].kind, "advice");
}

TEST(Suggestions, ImmediateSignsOnAChallengeDay_AreStopAndRefer_NeverTolerated) {
    Protocol p = escalation();
    Plan plan = planFor(p, "2024-01-01");
    auto days = diary("2024-01-29", "2024-02-10", 2);
    on(days, "2024-02-06").immediateSigns = {"hives", "swelling"};
    for (const char* today : {"2024-02-06", "2024-02-11"}) {  // at once, and after the window
        Schedule s = computeSchedule(p, plan, d(today));
        auto list = suggestOutcomes(p, s, days, d(today));
        ASSERT_EQ(list.size(), 1u) << today;
        EXPECT_EQ(list[0].outcome, "immediate");
        EXPECT_NE(list[0].reason.find("refer"), std::string::npos);
    }
    on(days, "2024-02-06").immediateSigns = {"repeated_vomiting", "pale_floppy"};
    Schedule s = computeSchedule(p, plan, d("2024-02-06"));
    EXPECT_EQ(suggestOutcomes(p, s, days, d("2024-02-06"))[0].outcome, "fpies");
}

TEST(Suggestions, AtTheEndOfTheElimination_PoemAgainstTheBaselineSuggestsTheReview) {
    json doc = escalationDoc();
    doc["phases"][1]["review"] = true;
    Protocol p = Protocol::fromJson(doc);
    Plan plan = planFor(p, "2024-01-01");  // elimination 01-08 .. 02-04
    Schedule s = computeSchedule(p, plan, d("2024-02-05"));
    auto days = diary("2024-01-01", "2024-02-04", 3);
    auto review = [&](double start, double end) {
        auto r = suggestReview(p, s, days, {{d("2024-01-07"), start}, {d("2024-02-04"), end}}, d("2024-02-05"));
        EXPECT_TRUE(r.has_value());
        return r ? r->outcome : std::string();
    };
    EXPECT_EQ(review(14, 11), "improved") << "a fall of 3 matters";
    EXPECT_EQ(review(14, 12), "no-improvement");
    EXPECT_EQ(review(14, 16), "no-improvement");
    EXPECT_FALSE(suggestReview(p, computeSchedule(p, plan, d("2024-02-01")), days, {}, d("2024-02-01")))
        << "nothing before the end";
}

TEST(Outcomes, AreCheckedAgainstThePlan) {
    Protocol p = escalation();
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
    EXPECT_EQ(attempt(outcome("soy", 0, "2024-02-06", Reaction::None)), "");
    EXPECT_EQ(attempt(outcome("nuts", 0, "2024-02-06", Reaction::None)), "food: 'nuts' is not in this plan");
    EXPECT_EQ(attempt(outcome("soy", 0, "2024-02-08", Reaction::None)), "date: 2024-02-08 is in the future");
    EXPECT_EQ(attempt(outcome("soy", 0, "2024-02-04", Reaction::None)),
              "date: the Soy challenge starts on 2024-02-05; 2024-02-04 is outside it");
    EXPECT_EQ(attempt(outcome("processed", 0, "2024-02-06", Reaction::None)),
              "food: 'processed' has no challenge in Escalation test");
    plan.outcomes.push_back(outcome("soy", 0, "2024-02-06", Reaction::DelayedModerate));
    EXPECT_EQ(attempt(outcome("soy", 0, "2024-02-07", Reaction::None)), "food: the challenge of 'soy' is already decided");
}

TEST(Outcomes, OnALadderAreForTheStepInProgress) {
    Protocol p = ladder();
    Plan plan = planFor(p, "2024-11-01");
    plan.outcomes.push_back(outcome("milk", 0, "2024-12-06", Reaction::None));
    Outcome o = outcome("milk", 0, "2024-12-09", Reaction::DelayedModerate);
    checkOutcome(p, plan, o, d("2024-12-10"));
    EXPECT_EQ(o.step, 1) << "the outcome is for step 2, whatever step it was given";
}

TEST(Protocols, Format1DocumentsStillRead_TheirRulesUnderTheNewNames) {
    json old = escalationDoc();
    old.erase("format");
    old["reactions"] = {{"mild", {{"action", "continue"}}}, {"reaction", {{"action", "stop"}, {"wait_days", 3}}}};
    old["min_age_months"] = 6;
    for (json& c : old["challenges"]) c.erase("setting"), c.erase("amounts");
    Protocol p = Protocol::fromJson(old);
    EXPECT_EQ(p.format, 1);
    EXPECT_EQ(p.delayedModerate.action, "stop");
    EXPECT_EQ(p.challenges[0].setting, "home") << "unstated: triaged as home";
    ASSERT_EQ(p.rules.size(), 1u);
    EXPECT_EQ(p.rules[0].kind, "min_age");
    Plan plan = planFor(p, "2024-01-01");
    Schedule s = computeSchedule(p, plan, d("2024-01-01"));
    EXPECT_EQ(s.blocks[0].amountOn(s.blocks[0].start), "one portion") << "no amounts: the share of the portion";
}
