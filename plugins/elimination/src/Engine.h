// The elimination engine: protocols read from their JSON documents, a
// client's plan, the schedule computed from both, and the clinical checks a
// plan must pass (triage before home challenges, age and timing rules, time
// limits). Pure functions of their inputs (no store, no wx), so that every
// rule can be pinned by a test. Every threshold lives here, once, and is
// written down with its source in docs/clinical-basis.md.
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
// A day that has no date yet: challenges after an open-ended pause wait for
// the plan to resume.
constexpr Day kUnscheduled = 1 << 29;
inline bool scheduled(Day day) { return day < kUnscheduled; }

// Throws BadInput unless text is a real YYYY-MM-DD date.
Day parseDay(const std::string& text, const std::string& field = "date");
std::string isoDay(Day day);
// "3 Mar 2025"; "3 Mar" when short.
std::string displayDay(Day day, bool withYear = true);
// "Tuesday 3 March": the way a family says a date (with the year when it is not this year's).
std::string familyDay(Day day, Day today);
Day addMonths(Day day, int months);  // the same day of the month, clamped at its end
Day today();
// Whole months from birth to day (negative before birth).
int ageInMonths(Day birth, Day day);
// "5 months", "1 year 2 months".
std::string ageText(Day birth, Day day);

// Bad input from the practitioner, a family or a file: one line, naming the
// field or the thing and the problem. Nothing is stored.
struct BadInput : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// ---------------------------------------------------------------- protocol --

struct FoodDef {
    std::string id;
    std::string label;
    std::vector<std::string> hiddenSources;
    std::string allergen;  // milk, egg, wheat, soy, peanut, ... ("" for advice such as processed foods)
    std::string note;      // what the practitioner is told when it is chosen (e.g. gluten before coeliac tests)
    bool byDefault = true; // removed unless the practitioner leaves it out (false: only when chosen)
};

struct StepDef {  // a ladder step, or the whole of an escalation challenge
    std::string title;
    std::string portion;
    std::vector<std::string> examples;
    std::vector<double> doses;          // multiples of the portion
    std::vector<std::string> amounts;   // what a parent measures, one per dose ("30 g (2 level tablespoons)")
    int daysPerDose = 1;
};

struct ChallengeDef {
    std::string food;
    bool ladder = false;
    std::vector<StepDef> steps;  // one for an escalation
    std::string setting = "home";             // home or supervised
    std::string forWhom = "any";              // any, non-ige
    std::vector<std::string> testFirstIf;     // current-eczema, immediate-reaction
    std::vector<std::string> warnIf;          // asthma, multi-system-reaction
};

// What to do after a delayed reaction. Immediate and FPIES-like reactions are
// not the protocol's to decide: the food stops and the child is referred.
struct Rule {
    std::string action;  // continue, hold, stop, step_back
    int holdDays = 0;    // hold: keep the same amount this many days, then the step again
    int waitDays = 0;
    int retryAfterMonths = 0;  // 0: no retry
    std::string advice;
};

// A timing rule a protocol declares for its challenges, enforced by the engine.
struct TimingRule {
    std::string id;
    std::string kind;  // min_age, min_avoided, min_since_reaction
    int months = 0;
    std::string food;  // "" for every challenge
    int fromStep = 0;  // 0-based: the rule holds from this ladder step on
    std::string text;
    std::string source;
};

struct PhaseDef {
    std::string kind;  // baseline, elimination, reintroduction, maintenance
    std::string title;
    std::string familyText;
    int defaultDays = 0;
    int minDays = 0;
    int maxDays = 3650;
    bool review = false;  // a diagnostic elimination: it ends with the practitioner's review
};

// POEM, the eczema score every built-in protocol follows the child with.
const char* kPoemId();

struct Protocol {
    std::string id;
    int version = 0;
    int format = 1;  // 2: every dose measurable, every challenge's setting and allergen stated
    std::string title;
    std::string familyTitle;  // as a family reads it ("" : the title without its bracketed part)
    std::string summary;
    std::string plugin;  // the plugin that offers it
    std::vector<std::string> audience;
    std::vector<PhaseDef> phases;
    std::vector<FoodDef> foods;
    std::vector<ChallengeDef> challenges;  // in the default reintroduction order
    std::vector<TimingRule> rules;
    int observationDays = 0;
    int washoutDays = 0;
    Rule delayedMild, delayedModerate;
    std::string ifReacts;  // the family's "If your child reacts" text; empty: the built-in one
    // The scored questionnaires it follows the child with, by instrument id,
    // in the order offered (unstated in the document: POEM).
    std::vector<std::string> instruments;
    std::vector<std::string> references;
    std::string reviewed;
    std::string licence;
    nlohmann::json document;

    // The document as the host accepted it (schema and consistency checked there).
    static Protocol fromJson(const nlohmann::json& document);
    const FoodDef* food(const std::string& id) const;
    const ChallengeDef* challenge(const std::string& food) const;
    const PhaseDef* phase(const std::string& kind) const;
    // The foods in reintroduction order (challenged ones first, in order).
    std::vector<std::string> defaultOrder() const;
    // Those of them a plan removes when none are named.
    std::vector<std::string> defaultFoods() const;
};

// ------------------------------------------------------------------- plan --

// What a challenge ended with. Immediate: onset within about two hours or any
// red-flag sign. FPIES-like: repeated vomiting 1-4 hours after the food, with
// pallor or lethargy. Delayed: hours to days, mild or moderate. Unknown: a
// reaction recorded before its type was asked (treated as delayed moderate,
// and said).
enum class Reaction { None, Immediate, Fpies, DelayedMild, DelayedModerate, Unknown };
const char* toString(Reaction reaction);                    // "tolerated", "immediate", "fpies", ...
std::optional<Reaction> reactionFrom(const std::string& text);  // the names toString gives
std::string describe(Reaction reaction);                    // "an immediate-type reaction"

struct Outcome {
    std::string food;
    int step = 0;  // ladder step (0-based); 0 for an escalation
    Day date = 0;
    Reaction reaction = Reaction::None;  // None: tolerated
    std::string symptoms;
    std::optional<int> delayHours;
    std::string note;
    bool tolerated() const { return reaction == Reaction::None; }
    bool stopsTheFood() const { return reaction == Reaction::Immediate || reaction == Reaction::Fpies; }
};

struct Pause {
    Day from = 0;
    std::optional<Day> resumed;  // the first day back on the plan; empty while paused
    std::string reason;
};

// The practitioner's review at the end of a diagnostic elimination.
struct Review {
    Day date = 0;
    std::string outcome;  // improved, no-improvement
    std::string note;
};

// A rule the plan would break, gone ahead with: the challenge will be
// supervised, or the practitioner says why it is safe.
struct Override {
    std::string rule;
    std::string food;  // "" for a rule about the whole plan
    std::string kind;  // supervised, reason
    std::string reason;
    std::string by, at;
};

// A client's plan: the protocol assigned, and every change since.
struct Plan {
    Day start = 0;
    std::optional<Day> avoidingSince;     // the foods were already avoided before the plan started
    std::vector<std::string> foods;       // eliminated, in the order they come back
    std::set<std::string> skipped;        // still avoided, not challenged
    std::map<std::string, int> phaseDays; // phase kind -> days, where changed
    std::vector<Pause> pauses;
    std::vector<Outcome> outcomes;        // in the order recorded
    std::optional<Review> review;
    std::vector<Day> dietitianReviews;
    std::vector<Override> overrides;
    bool byMother = false;  // the breastfeeding mother follows the diet (the baby is not given the foods)
    Day avoidedSince() const { return avoidingSince ? std::min(*avoidingSince, start) : start; }
    const Override* overrideFor(const std::string& rule, const std::string& food) const;
};

// --------------------------------------------------------------- schedule --

enum class BlockState { Planned, Current, AwaitingDecision, Tolerated, Reacted, Held, Stopped, Paused };
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
    std::vector<std::string> amounts;
    int daysPerDose = 1;
    int attempt = 1;
    std::string setting = "home";
    Day start = 0;     // kUnscheduled while the plan is paused
    Day lastDose = 0;  // last day a dose is given
    Day end = 0;       // last day of the observation window (or of the outcome)
    BlockState state = BlockState::Planned;
    std::optional<Outcome> outcome;       // the deciding one
    std::vector<Outcome> notes;           // mild symptoms recorded while continuing
    std::optional<Day> retryAfter;
    std::optional<Day> holdUntil;         // held: the same amount until this day, then the step again

    int length() const { return end - start + 1; }
    bool decided() const {
        return state == BlockState::Tolerated || state == BlockState::Reacted || state == BlockState::Held ||
               state == BlockState::Stopped;
    }
    // The dose given on a day of the block (0 outside the dosing days).
    double doseOn(Day day) const;
    // What a parent gives on a day: the stated amount, else a share of the portion.
    std::string amountOn(Day day) const;
};

struct PhaseSpan {
    std::string kind;
    std::string title;
    Day start = 0;
    Day end = 0;  // inclusive; start > end for an empty phase; kUnscheduled while paused
};

enum class FoodState {
    Avoiding, Scheduled, Challenging, AwaitingDecision, Tolerated, Reintroduced, Reacted, Referred, Skipped,
    Paused, AwaitingReview, BackInDiet
};
const char* toString(FoodState state);

struct FoodStatus {
    std::string food;
    std::string label;
    FoodState state = FoodState::Avoiding;
    std::string text;  // "challenging (day 2 of 6)", "reacted (retry after 3 Jun 2025)"
    std::optional<Day> next;        // next challenge day
    std::optional<Day> retryAfter;
    // Kept out of the diet: everything but tolerated, reintroduced and back in the diet.
    bool avoided() const {
        return state != FoodState::Tolerated && state != FoodState::Reintroduced && state != FoodState::BackInDiet;
    }
};

struct Schedule {
    std::vector<PhaseSpan> phases;
    std::vector<Block> blocks;  // in the order they happen
    std::vector<FoodStatus> foods;
    Day reintroductionEnd = 0;
    Day end = 0;  // last day of the plan (kUnscheduled while paused)
    bool paused = false;               // an open pause has begun
    std::optional<Day> pausedFrom;     // an open pause, begun or not
    std::optional<Day> reviewDueOn;    // a diagnostic elimination ended (or ends) on this day without a review
    bool reviewDue = false;            // ... and that day has passed
    std::string currentPhase;
    std::vector<size_t> lostOutcomes;  // recorded outcomes no challenge holds (a change must never cause one)

    const PhaseSpan* phase(const std::string& kind) const;
    const PhaseSpan* phaseOn(Day day) const;
    // The block whose days include `day` and whose doses are still given.
    const Block* blockOn(Day day) const;
    const FoodStatus* food(const std::string& id) const;
    nlohmann::json toJson(const Protocol& protocol) const;
};

// Every day of the plan from its start: phases, each challenge's days and
// doses, washouts, pauses, the review, and the decisions recorded. Each
// recorded outcome belongs to the next challenge of its food and step, in the
// order recorded, whatever else moves: nothing undoes a fact.
Schedule computeSchedule(const Protocol& protocol, const Plan& plan, Day today);

// Throws BadInput unless the outcome can be recorded on this plan today: the
// food is in the plan and its challenge has started by outcome.date, the date
// is not in the future, and the challenge is still undecided. Sets
// outcome.step to the step of that open challenge (a ladder's current step).
void checkOutcome(const Protocol& protocol, const Plan& plan, Outcome& outcome, Day today);

// Throws BadInput unless the review can be recorded: the protocol's
// elimination ends with one, none is recorded, the date is within the
// elimination (or after it) and not in the future.
void checkReview(const Protocol& protocol, const Plan& plan, const Review& review, Day today);

// Throws BadInput naming the challenge when `after` loses an outcome that
// `before` held, or moves a decided challenge: what happened stays.
void checkFactsKept(const Schedule& before, const Schedule& after, const Plan& plan);

// ------------------------------------------------------------- the child --

// What is known of the child's allergies (nourish.host.allergy-history/1).
struct AllergyHistory {
    struct Fact {
        std::string kind;  // asthma, adrenaline_prescribed, current_eczema
        bool answer = false;
        std::string source;
    };
    struct Reaction {
        std::string allergen, label, onset;  // onset: minutes, within_2_hours, later_same_day, next_day_or_later, unknown
        std::vector<std::string> signs;
        bool anaphylaxis = false;
        std::optional<Day> date;
        std::string source;
    };
    struct Test {
        std::string allergen, kind, result;  // result: positive, negative, equivocal
        std::optional<Day> date;
        std::string value, source;
    };
    std::vector<Fact> facts;
    std::vector<Reaction> reactions;
    std::vector<Test> tests;
    std::vector<std::string> problems;  // providers that failed

    static AllergyHistory fromJson(const nlohmann::json& document);
    // The newest "yes" for a fact, if any.
    const Fact* yes(const std::string& kind) const;
};

struct Child {
    std::string name;
    std::optional<Day> birth;
    AllergyHistory history;
};

// A rule the plan breaks, or a warning about it. A blocking finding refuses
// the plan (or the change) until the practitioner records an override.
struct Finding {
    std::string rule;  // triage.immediate, age.<rule id>, infant-elimination, ...
    std::string food;  // "" for the whole plan
    bool blocking = false;
    std::string text;    // one sentence: what, why (the answer or age that caused it), the date it passes
    std::string source;  // the guideline
    std::optional<Day> passesOn;
    std::optional<Override> overridden;  // a copy: a finding may outlive the plan it was checked on
    // Blocking and not gone ahead with.
    bool refuses() const { return blocking && !overridden; }
};

// Everything the plan must pass, on the schedule as it now stands: triage
// before every home challenge, the protocol's timing rules against the
// child's age on each challenge day, under-12-month eliminations, and foods
// avoided for more than eight weeks without a dietitian's review.
std::vector<Finding> checkPlan(const Protocol& protocol, const Plan& plan, const Schedule& schedule,
                               const Child& child, Day today);

// ------------------------------------------------------------ suggestions --

// A day of the diary, as far as the engine reads it.
struct DiaryDay {
    Day day = 0;
    std::optional<double> itch;   // 0-10
    std::optional<double> sleep;  // 0-10
    bool vomiting = false;
    bool reflux = false;
    std::optional<int> stool;     // 1-7 on the scale below
    std::string stoolScale;       // bristol, infant ("" when not said)
    bool bloodOrMucus = false;
    std::vector<std::string> flareAreas;
    std::vector<std::string> immediateSigns;  // hives, swelling, wheeze, repeated_vomiting, pale_floppy
    std::vector<std::string> confounders;     // illness, teething, vaccination, new_cream, other
    std::string symptoms;
    bool looseStool() const;  // Bristol 6-7; infant scale 5-7
};

struct Suggestion {
    std::string kind;  // outcome, review, advice
    std::string food;
    int step = 0;
    std::string outcome;  // tolerated, immediate, fpies, delayed-mild, delayed-moderate; improved, no-improvement
    std::string reason;
    std::string source;  // "engine" or the plugin id of the protocol's hook
};

// The thresholds the suggestions use, in one place (docs/clinical-basis.md).
struct Thresholds {
    int baselineDays = 7;         // diary days before a challenge that make its baseline
    double raisedBy = 2;          // a day counts as raised at baseline median + this (itch or sleep, 0-10)
    double moderateBy = 3;        // a window median this far above baseline is moderate
    int raisedDaysForReaction = 2;
    double poemImportantChange = 3;  // POEM minimal important change
};
const Thresholds& thresholds();

// What the engine proposes from the diary once a challenge's observation
// window has passed (a reaction needs at least two raised days; a day with a
// confounder does not count; an immediate sign on a challenge day is always
// "stop and refer"), and at the end of a diagnostic elimination from POEM
// and the diary against the baseline.
struct PoemPoint {
    Day day = 0;
    double total = 0;
};
std::vector<Suggestion> suggestOutcomes(const Protocol& protocol, const Schedule& schedule,
                                        const std::vector<DiaryDay>& diary, Day today);
std::optional<Suggestion> suggestReview(const Protocol& protocol, const Schedule& schedule,
                                        const std::vector<DiaryDay>& diary, const std::vector<PoemPoint>& poem,
                                        Day today);

}  // namespace elim
