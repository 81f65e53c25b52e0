// A client's elimination plan in the store (tables elim_*), the diary, the
// instrument scores, and the changes that keep the plan living: every one
// checked, written in one savepoint with its history row and audit event.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
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
    std::string ageOverride;
    std::string createdAt, createdBy;
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
    std::vector<std::string> foods;  // empty: every food the protocol removes
    std::string overrideReason;      // needed when an age rule is broken
};

// The schedule with what the engine and the protocol's hook propose.
struct PlanView {
    LoadedPlan plan;
    Schedule schedule;
    std::vector<Suggestion> suggestions;
    std::vector<std::string> warnings;  // age rule overridden, POEM due, ...
    std::vector<DiaryDay> diary;        // from two weeks before the start until today
    std::vector<ScoreEntry> poem;
};

std::string utcNow();
const char* kDiaryFormId();
const char* kPoemId();

class Plans {
public:
    explicit Plans(nourish::Host host) : host_(host) {}

    static std::string migrationsJson();

    std::optional<LoadedPlan> active(int64_t clientId) const;
    // Protocols any plugin offers, as the host accepted them.
    std::vector<Protocol> protocols() const;
    Protocol protocol(const std::string& id) const;  // throws BadInput when unknown

    // Checks the age rule against the client's date of birth: a problem names it,
    // and is refused unless overrideReason is given.
    int64_t assign(int64_t clientId, const Assignment& assignment);
    void recordOutcome(int64_t clientId, Outcome outcome);
    void changePhase(int64_t clientId, const std::string& kind, int days, const std::string& reason);
    void pause(int64_t clientId, Day from, const std::string& reason);
    void resume(int64_t clientId, Day on);
    void skip(int64_t clientId, const std::string& food, const std::string& reason);
    // Moves a food not yet challenged to `position` (0-based) among the foods.
    void move(int64_t clientId, const std::string& food, int position, const std::string& reason);
    void end(int64_t clientId, const std::string& reason);
    std::vector<HistoryEntry> history(int64_t planId) const;

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
    std::vector<ScoreEntry> scores(int64_t clientId, const std::string& instrumentId) const;

    // The demo caseload: plans at different points for a few of the families.
    void seedDemo(const std::vector<int64_t>& clientIds);

private:
    LoadedPlan require(int64_t clientId) const;
    void addHistory(int64_t planId, const std::string& change, const std::string& reason,
                    const nlohmann::json& detail) const;
    void savePlanColumns(const LoadedPlan& p) const;

    nourish::Host host_;
};

}  // namespace elim
