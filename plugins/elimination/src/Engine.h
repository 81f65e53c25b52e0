// The elimination engine: protocols read from their JSON documents, a
// client's plan, and the schedule computed from both. Pure functions of their
// inputs (no store, no wx), so that every rule can be pinned by a test.
#pragma once

#include <nlohmann/json.hpp>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace elim {

// A calendar day: days since 1970-01-01.
using Day = int;

// Throws BadInput unless text is a real YYYY-MM-DD date.
Day parseDay(const std::string& text, const std::string& field = "date");
std::string isoDay(Day day);
// "Mon 3 Mar 2025"; "3 Mar" when short.
std::string displayDay(Day day, bool withYear = true);
Day addMonths(Day day, int months);  // the same day of the month, clamped at its end
Day today();
// Whole months from birth to day (negative before birth).
int ageInMonths(Day birth, Day day);

// Bad input from the practitioner, a family or a file: one line, naming the
// field or the thing and the problem. Nothing is stored.
struct BadInput : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct FoodDef {
    std::string id;
    std::string label;
    std::vector<std::string> hiddenSources;
};

struct StepDef {  // a ladder step, or the whole of an escalation challenge
    std::string title;
    std::string portion;
    std::vector<std::string> examples;
    std::vector<double> doses;  // multiples of the portion
    int daysPerDose = 1;
};

struct ChallengeDef {
    std::string food;
    bool ladder = false;
    std::vector<StepDef> steps;  // one for an escalation
};

struct Rule {
    std::string action;  // continue, stop, step_back
    int waitDays = 0;
    int retryAfterMonths = 0;  // 0: no retry
    std::string advice;
};

struct PhaseDef {
    std::string kind;  // baseline, elimination, reintroduction, maintenance
    std::string title;
    std::string familyText;
    int defaultDays = 0;
    int minDays = 0;
    int maxDays = 3650;
};

struct Protocol {
    std::string id;
    int version = 0;
    std::string title;
    std::string summary;
    std::string plugin;  // the plugin that offers it
    std::vector<std::string> audience;
    std::optional<int> minAgeMonths;
    std::vector<PhaseDef> phases;
    std::vector<FoodDef> foods;
    std::vector<ChallengeDef> challenges;  // in the default reintroduction order
    int observationDays = 0;
    int washoutDays = 0;
    Rule mild, reaction;
    std::vector<std::string> references;
    std::string licence;
    nlohmann::json document;

    // The document as the host accepted it (schema and consistency checked there).
    static Protocol fromJson(const nlohmann::json& document);
    const FoodDef* food(const std::string& id) const;
    const ChallengeDef* challenge(const std::string& food) const;
    const PhaseDef* phase(const std::string& kind) const;
    // The foods in reintroduction order (challenged ones first, in order).
    std::vector<std::string> defaultOrder() const;
};

struct Outcome {
    std::string food;
    int step = 0;  // ladder step (0-based); 0 for an escalation
    Day date = 0;
    std::string result;  // tolerated, mild, reaction
    std::string symptoms;
    std::optional<int> delayHours;
    std::string note;
};

struct Pause {
    Day from = 0;
    std::optional<Day> resumed;  // the first day back on the plan; empty while paused
    std::string reason;
};

// A client's plan: the protocol assigned, and every change since.
struct Plan {
    Day start = 0;
    std::vector<std::string> foods;       // eliminated, in the order they come back
    std::set<std::string> skipped;        // still avoided, not challenged
    std::map<std::string, int> phaseDays; // phase kind -> days, where changed
    std::vector<Pause> pauses;
    std::vector<Outcome> outcomes;        // in the order recorded
};

enum class BlockState { Planned, Current, AwaitingDecision, Tolerated, Reacted };
const char* toString(BlockState state);

// One challenge (escalation) or ladder step as scheduled.
struct Block {
    std::string food;
    int step = 0;
    int steps = 1;  // of the food's challenge
    bool ladder = false;
    std::string title;
    std::string portion;
    std::vector<double> doses;
    int daysPerDose = 1;
    int attempt = 1;
    Day start = 0;
    Day lastDose = 0;  // last day a dose is given
    Day end = 0;       // last day of the observation window (or of the outcome)
    BlockState state = BlockState::Planned;
    std::optional<Outcome> outcome;       // the deciding one
    std::vector<Outcome> notes;           // mild symptoms recorded while continuing
    std::optional<Day> retryAfter;

    int length() const { return end - start + 1; }
    // The dose given on a day of the block (0 outside the dosing days).
    double doseOn(Day day) const;
};

struct PhaseSpan {
    std::string kind;
    std::string title;
    Day start = 0;
    Day end = 0;  // inclusive; start > end for an empty phase
};

enum class FoodState { Avoiding, Scheduled, Challenging, AwaitingDecision, Tolerated, Reintroduced, Reacted, Skipped };
const char* toString(FoodState state);

struct FoodStatus {
    std::string food;
    std::string label;
    FoodState state = FoodState::Avoiding;
    std::string text;  // "challenging (day 2 of 6)", "reacted (retry after 3 Jun 2025)"
    std::optional<Day> next;        // next challenge day
    std::optional<Day> retryAfter;
};

struct Schedule {
    std::vector<PhaseSpan> phases;
    std::vector<Block> blocks;  // in the order they happen
    std::vector<FoodStatus> foods;
    Day reintroductionEnd = 0;
    Day end = 0;  // last day of the plan
    bool paused = false;  // an open pause: dates assume the plan resumes tomorrow
    std::string currentPhase;

    const PhaseSpan* phase(const std::string& kind) const;
    const PhaseSpan* phaseOn(Day day) const;
    // The block whose days include `day`, if any.
    const Block* blockOn(Day day) const;
    const FoodStatus* food(const std::string& id) const;
    nlohmann::json toJson(const Protocol& protocol) const;
};

// Every day of the plan from its start: phases, each challenge's days and
// doses, washouts, pauses and the decisions recorded. Outcomes must be valid
// for the plan (see checkOutcome).
Schedule computeSchedule(const Protocol& protocol, const Plan& plan, Day today);

// Throws BadInput unless the outcome can be recorded on this plan today: the
// food is in the plan and its challenge has started by outcome.date, the date
// is not in the future, and the challenge is still undecided. Sets
// outcome.step to the step of that open challenge (a ladder's current step).
void checkOutcome(const Protocol& protocol, const Plan& plan, Outcome& outcome, Day today);

// A day of the diary, as far as the engine reads it.
struct DiaryDay {
    Day day = 0;
    std::optional<double> itch;   // 0-10
    std::optional<double> sleep;  // 0-10
    bool vomiting = false;
    bool reflux = false;
    std::optional<int> stool;  // 1-7
};

struct Suggestion {
    std::string kind;  // outcome, advice
    std::string food;
    int step = 0;
    std::string outcome;  // tolerated, mild, reaction
    std::string reason;
    std::string source;  // "engine" or the plugin id of the protocol's hook
};

// What the engine proposes from the diary once a challenge's observation
// window has passed: symptoms in the window against the days before it.
std::vector<Suggestion> suggestOutcomes(const Protocol& protocol, const Schedule& schedule,
                                        const std::vector<DiaryDay>& diary, Day today);

}  // namespace elim
