// A client's elimination plan in the store (tables elim_*), the diary, the
// instrument scores, and the changes that keep the plan living: every one
// checked, written in one savepoint with its history row and audit event.
#pragma once

#include <nlohmann/json.hpp>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "Engine.h"
#include "nourish/plugin.hpp"

namespace elim {

struct LoadedPlan {
    int64_t id = 0;
    int64_t clientId = 0;
    Protocol protocol;  // as it was when assigned
    Plan plan;
    std::string createdAt, createdBy;
    bool active = true;
};

struct HistoryEntry {
    std::string at, who, change, reason;
    nlohmann::json detail;
};

struct DiaryEntry {
    DiaryDay scores;
    nlohmann::json answers;
};

struct ScoreEntry {
    int64_t id = 0;
    std::string instrumentId;
    Day takenOn = 0;
    std::optional<double> total;
    std::string band;
    std::string answersJson;
};

struct Assignment {
    std::string protocolId;
    Day start = 0;
    std::optional<Day> avoidingSince;  // the foods were already avoided before the start
    std::vector<std::string> foods;    // empty: every food the protocol removes
    std::set<std::string> supervised;  // foods whose challenge will be done under medical supervision
    std::string overrideReason;        // why the plan is safe although a rule refuses it
    bool byMother = false;             // the breastfeeding mother follows the diet for her baby
};

// The schedule with what the engine and the protocol's hook propose.
// One questionnaire a protocol follows the child with, and her scores.
struct InstrumentTrack {
    std::string id;
    std::string title, shortTitle;  // shortTitle: the title when the instrument has none
    bool installed = false;         // false: no plugin offers it now; it cannot be filled in
    double max = 0;                 // the highest total
    int everyDays = 0;              // how often it is meant to be taken (0: not said)
    int items = 0;                  // how many questions it asks
    nlohmann::json bands = nlohmann::json::array();
    std::vector<ScoreEntry> scores;  // oldest first
};

struct PlanView {
    LoadedPlan plan;
    Schedule schedule;
    std::vector<Finding> findings;      // triage, age and timing rules, time limits (checkPlan)
    std::vector<Suggestion> suggestions;
    std::vector<std::string> warnings;  // every finding, overridden or not, POEM due, ...
    std::vector<DiaryDay> diary;        // from two weeks before the start until today
    std::vector<ScoreEntry> poem;
    std::vector<InstrumentTrack> instruments;  // the protocol's, in its order
    // A rule the plan breaks that nobody went ahead with: the plan is flagged.
    bool flagged() const;
};

std::string utcNow();
const char* kDiaryFormId();

class Plans {
public:
    explicit Plans(nourish::Host host) : host_(host) {}

    static std::string migrationsJson();

    std::optional<LoadedPlan> active(int64_t clientId) const;
    // Protocols any plugin offers, as the host accepted them.
    std::vector<Protocol> protocols() const;
    Protocol protocol(const std::string& id) const;  // throws BadInput when unknown

    // Checks the plan (checkPlan) before it is stored: a rule it breaks is
    // refused, naming the rule and what caused it, unless the assignment says
    // the challenge is supervised or gives a reason; those are kept with the
    // plan, in its history and in the audit log.
    int64_t assign(int64_t clientId, const Assignment& assignment);
    // The rules the plan would break if assigned (nothing is stored).
    std::vector<Finding> check(int64_t clientId, const Assignment& assignment) const;
    void recordOutcome(int64_t clientId, Outcome outcome);
    // Goes ahead although `rule` refuses the food's challenge (or the plan).
    void addOverride(int64_t clientId, const std::string& rule, const std::string& food, bool supervised,
                     const std::string& reason);
    // The review at the end of a diagnostic elimination (may be dated in the past).
    void review(int64_t clientId, const Review& review);
    void dietitianReview(int64_t clientId, Day on, const std::string& note);
    void changePhase(int64_t clientId, const std::string& kind, int days, const std::string& reason);
    void pause(int64_t clientId, Day from, const std::string& reason);
    // Ends an open pause on `on`; a pause that has not begun yet is cancelled.
    void resume(int64_t clientId, Day on);
    void skip(int64_t clientId, const std::string& food, const std::string& reason);
    // Moves a food not yet challenged to `position` (0-based) among the foods.
    void move(int64_t clientId, const std::string& food, int position, const std::string& reason);
    void end(int64_t clientId, const std::string& reason);
    std::vector<HistoryEntry> history(int64_t planId) const;

    // Every plan of the client, oldest first, as nourish.plans/1 gives it
    // (schemas/plans.schema.json): the running one with its schedule today.
    nlohmann::json document(int64_t clientId, Day today) const;

    // The plan, its schedule today, suggestions (engine + protocol hook), warnings.
    std::optional<PlanView> view(int64_t clientId, Day today) const;

    // Validated against the diary form by the host; replaces that day's entry.
    void saveDiary(int64_t clientId, Day day, const nlohmann::json& answers);
    // Several days in one savepoint; a problem on any day stores none.
    void saveDiaryDays(int64_t clientId, const std::vector<std::pair<Day, nlohmann::json>>& days);
    std::vector<DiaryEntry> diary(int64_t clientId, Day from, Day to) const;
    // The scored columns only (no answers parsed): for charts and suggestions.
    std::vector<DiaryDay> diaryScores(int64_t clientId, Day from, Day to) const;

    // Scores answers with the host's engine and keeps them.
    ScoreEntry recordScore(int64_t clientId, const std::string& instrumentId, Day takenOn,
                           const nlohmann::json& answers);
    // The questionnaires `ids` with the client's scores of each, in that order.
    std::vector<InstrumentTrack> tracks(int64_t clientId, const std::vector<std::string>& ids) const;
    // The client's scores of one instrument ("": of every instrument), oldest first.
    std::vector<ScoreEntry> scores(int64_t clientId, const std::string& instrumentId) const;

    // The demo caseload: plans at different points for a few of the families.
    void seedDemo(const std::vector<int64_t>& clientIds);

    // The child as the checks see them: name, date of birth, allergy history.
    Child child(int64_t clientId) const;

private:
    LoadedPlan require(int64_t clientId) const;
    std::vector<LoadedPlan> load(int64_t clientId, bool activeOnly) const;
    LoadedPlan loadRow(nourish::Statement& row, int64_t clientId) const;
    // The questionnaires `ids` with their scores taken from `all` (every score of the client).
    std::vector<InstrumentTrack> tracksFrom(const std::vector<std::string>& ids, const std::vector<ScoreEntry>& all) const;
    // Writes a change to the plan after checking that it keeps every fact and
    // breaks no rule it did not break before (unless gone ahead with).
    void checkChange(const LoadedPlan& before, const Plan& after) const;
    void writeOverride(int64_t planId, int64_t clientId, const Override& o, const std::string& finding) const;
    void addHistory(int64_t planId, const std::string& change, const std::string& reason,
                    const nlohmann::json& detail) const;
    void savePlanColumns(const LoadedPlan& p) const;

    nourish::Host host_;
    mutable std::map<std::string, InstrumentTrack> instruments_;  // installed ones seen, without scores
};

}  // namespace elim
