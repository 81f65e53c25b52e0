#include "Plans.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace elim {

using nlohmann::json;

std::string utcNow() { return nourish::utcTimestamp(); }

const char* kDiaryFormId() { return "org.nourish.elimination.diary"; }
const char* kPoemId() { return "org.nourish.instrument.poem"; }

std::string Plans::migrationsJson() {
    const char* v1 =
        "CREATE TABLE elim_plans (id INTEGER PRIMARY KEY, client_id INTEGER NOT NULL, protocol_id TEXT NOT NULL, "
        "protocol_json TEXT NOT NULL, start_date TEXT NOT NULL, foods TEXT NOT NULL, "
        "skipped TEXT NOT NULL DEFAULT '[]', phase_days TEXT NOT NULL DEFAULT '{}', age_override TEXT NOT NULL "
        "DEFAULT '', active INTEGER NOT NULL DEFAULT 1, created_at TEXT NOT NULL, created_by TEXT NOT NULL);"
        "CREATE UNIQUE INDEX elim_plans_active ON elim_plans (client_id) WHERE active = 1;"
        "CREATE TABLE elim_pauses (id INTEGER PRIMARY KEY, plan_id INTEGER NOT NULL REFERENCES elim_plans (id), "
        "from_date TEXT NOT NULL, resumed TEXT, reason TEXT NOT NULL);"
        "CREATE TABLE elim_outcomes (id INTEGER PRIMARY KEY, plan_id INTEGER NOT NULL REFERENCES elim_plans (id), "
        "food TEXT NOT NULL, step INTEGER NOT NULL, date TEXT NOT NULL, "
        "result TEXT NOT NULL CHECK (result IN ('tolerated', 'mild', 'reaction')), symptoms TEXT NOT NULL DEFAULT '', "
        "delay_hours INTEGER, note TEXT NOT NULL DEFAULT '', entered_by TEXT NOT NULL, entered_at TEXT NOT NULL);"
        "CREATE INDEX elim_outcomes_plan ON elim_outcomes (plan_id, id);"
        "CREATE TABLE elim_history (id INTEGER PRIMARY KEY, plan_id INTEGER NOT NULL REFERENCES elim_plans (id), "
        "at TEXT NOT NULL, who TEXT NOT NULL, change TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '', "
        "detail TEXT NOT NULL DEFAULT '{}');"
        "CREATE INDEX elim_history_plan ON elim_history (plan_id, id);"
        "CREATE TABLE elim_diary (client_id INTEGER NOT NULL, day TEXT NOT NULL, answers TEXT NOT NULL, itch REAL, "
        "sleep REAL, stool INTEGER, vomiting INTEGER NOT NULL DEFAULT 0, reflux INTEGER NOT NULL DEFAULT 0, "
        "entered_by TEXT NOT NULL, entered_at TEXT NOT NULL, PRIMARY KEY (client_id, day)) WITHOUT ROWID;"
        "CREATE TABLE elim_scores (id INTEGER PRIMARY KEY, client_id INTEGER NOT NULL, instrument_id TEXT NOT NULL, "
        "taken_on TEXT NOT NULL, answers TEXT NOT NULL, total REAL, band TEXT NOT NULL DEFAULT '', "
        "entered_by TEXT NOT NULL, entered_at TEXT NOT NULL);"
        "CREATE INDEX elim_scores_client ON elim_scores (client_id, instrument_id, taken_on);";
    return json::array({{{"version", 1}, {"name", "plans, diary and scores"}, {"sql", v1}}}).dump();
}

namespace {

std::string clientName(const json& client) {
    std::string given = client.value("preferred_name", "");
    if (given.empty()) given = client.value("given_name", "");
    return given;
}

json clientOrBadInput(nourish::Host host, int64_t clientId) {
    try {
        return json::parse(host.client(clientId));
    } catch (const nourish::Error& e) {
        if (e.status() == NOURISH_NOT_FOUND) throw BadInput("client: there is no client with id " + std::to_string(clientId));
        throw;
    }
}

void requireReason(const std::string& reason) {
    if (reason.find_first_not_of(" \t") == std::string::npos)
        throw BadInput("reason: is required (why the plan changes)");
    if (reason.size() > 2000) throw BadInput("reason: is longer than 2000 characters");
}

bool isOpen(const FoodStatus* f) {
    return f && (f->state == FoodState::Avoiding || f->state == FoodState::Scheduled);
}

}  // namespace

std::vector<Protocol> Plans::protocols() const {
    std::vector<Protocol> list;
    for (const json& d : json::parse(host_.protocols())) list.push_back(Protocol::fromJson(d));
    return list;
}

Protocol Plans::protocol(const std::string& id) const {
    try {
        return Protocol::fromJson(json::parse(host_.protocol(id)));
    } catch (const nourish::Error& e) {
        if (e.status() == NOURISH_NOT_FOUND)
            throw BadInput("protocol: there is no protocol '" + id + "' (see `protocol list`)");
        throw;
    }
}

std::optional<LoadedPlan> Plans::active(int64_t clientId) const {
    auto q = host_.prepare(
        "SELECT id, protocol_json, start_date, foods, skipped, phase_days, age_override, created_at, created_by "
        "FROM elim_plans WHERE client_id = ?1 AND active = 1");
    q.bind(1, clientId);
    if (!q.step()) return std::nullopt;
    LoadedPlan p;
    p.id = q.int64(0);
    p.clientId = clientId;
    p.protocol = Protocol::fromJson(json::parse(q.text(1)));
    p.plan.start = parseDay(q.text(2));
    for (const json& f : json::parse(q.text(3))) p.plan.foods.push_back(f);
    for (const json& f : json::parse(q.text(4))) p.plan.skipped.insert(f.get<std::string>());
    json phaseDays = json::parse(q.text(5));
    for (auto& [k, v] : phaseDays.items()) p.plan.phaseDays[k] = v.get<int>();
    p.ageOverride = q.text(6);
    p.createdAt = q.text(7);
    p.createdBy = q.text(8);

    auto pauses = host_.prepare("SELECT from_date, resumed, reason FROM elim_pauses WHERE plan_id = ?1 ORDER BY id");
    pauses.bind(1, p.id);
    while (pauses.step()) {
        Pause pause{parseDay(pauses.text(0)), std::nullopt, pauses.text(2)};
        if (!pauses.isNull(1)) pause.resumed = parseDay(pauses.text(1));
        p.plan.pauses.push_back(pause);
    }
    auto outcomes = host_.prepare(
        "SELECT food, step, date, result, symptoms, delay_hours, note FROM elim_outcomes WHERE plan_id = ?1 ORDER BY id");
    outcomes.bind(1, p.id);
    while (outcomes.step()) {
        Outcome o;
        o.food = outcomes.text(0);
        o.step = int(outcomes.int64(1));
        o.date = parseDay(outcomes.text(2));
        o.result = outcomes.text(3);
        o.symptoms = outcomes.text(4);
        if (!outcomes.isNull(5)) o.delayHours = int(outcomes.int64(5));
        o.note = outcomes.text(6);
        p.plan.outcomes.push_back(o);
    }
    return p;
}

LoadedPlan Plans::require(int64_t clientId) const {
    clientOrBadInput(host_, clientId);
    auto p = active(clientId);
    if (!p) throw BadInput("client: " + std::to_string(clientId) + " has no elimination plan (see `protocol assign`)");
    return *p;
}

void Plans::addHistory(int64_t planId, const std::string& change, const std::string& reason,
                       const json& detail) const {
    host_.prepare("INSERT INTO elim_history (plan_id, at, who, change, reason, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
        .bind(1, planId)
        .bind(2, utcNow())
        .bind(3, host_.user())
        .bind(4, change)
        .bind(5, reason)
        .bind(6, detail.dump())
        .step();
}

void Plans::savePlanColumns(const LoadedPlan& p) const {
    json skipped(p.plan.skipped), phaseDays(p.plan.phaseDays);
    host_.prepare("UPDATE elim_plans SET foods = ?2, skipped = ?3, phase_days = ?4 WHERE id = ?1")
        .bind(1, p.id)
        .bind(2, json(p.plan.foods).dump())
        .bind(3, skipped.dump())
        .bind(4, phaseDays.dump())
        .step();
}

int64_t Plans::assign(int64_t clientId, const Assignment& a) {
    json client = clientOrBadInput(host_, clientId);
    if (auto existing = active(clientId))
        throw BadInput("client: " + clientName(client) + " is already on " + existing->protocol.title + " since " +
                       isoDay(existing->plan.start) + "; end that plan first");
    Protocol protocol = this->protocol(a.protocolId);
    Plan plan;
    plan.start = a.start;
    std::vector<std::string> all = protocol.defaultOrder();
    if (a.foods.empty()) {
        plan.foods = all;
    } else {
        std::string known;
        for (const std::string& f : all) known += (known.empty() ? "" : ", ") + f;
        for (const std::string& f : a.foods)
            if (!protocol.food(f)) throw BadInput("foods: '" + f + "' is not a food of " + protocol.title + " (" + known + ")");
        for (const std::string& f : all)
            if (std::find(a.foods.begin(), a.foods.end(), f) != a.foods.end()) plan.foods.push_back(f);
    }
    Day now = today();
    if (a.start > now + 366) throw BadInput("start: " + isoDay(a.start) + " is more than a year ahead");
    std::string age;
    if (protocol.minAgeMonths) {
        Day birth = parseDay(client.value("date_of_birth", ""), "date_of_birth");
        Schedule s = computeSchedule(protocol, plan, now);
        const PhaseSpan* re = s.phase("reintroduction");
        Day first = re ? re->start : a.start;
        int months = ageInMonths(birth, first);
        if (months < *protocol.minAgeMonths) {
            age = clientName(client) + " will be " + std::to_string(months) + " months old on " + isoDay(first) +
                  " when the first challenge starts; " + protocol.title + " starts at " +
                  std::to_string(*protocol.minAgeMonths) + " months";
            if (a.overrideReason.find_first_not_of(" \t") == std::string::npos)
                throw BadInput("age: " + age + ". Give a reason to go ahead anyway (--override-reason)");
            age += ". Reason to go ahead: " + a.overrideReason;
        }
    }
    int64_t id = 0;
    host_.savepoint([&] {
        host_.prepare(
                 "INSERT INTO elim_plans (client_id, protocol_id, protocol_json, start_date, foods, age_override, "
                 "created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
            .bind(1, clientId)
            .bind(2, protocol.id)
            .bind(3, protocol.document.dump())
            .bind(4, isoDay(a.start))
            .bind(5, json(plan.foods).dump())
            .bind(6, age)
            .bind(7, utcNow())
            .bind(8, host_.user())
            .step();
        id = host_.lastInsertRowid();
        json detail = {{"protocol", protocol.id}, {"version", protocol.version}, {"start", isoDay(a.start)},
                       {"foods", plan.foods}};
        addHistory(id, "assigned", a.overrideReason, detail);
        host_.audit(clientId, "protocol.assign", detail.dump());
    });
    return id;
}

void Plans::recordOutcome(int64_t clientId, Outcome o) {
    LoadedPlan p = require(clientId);
    if (o.symptoms.size() > 2000) throw BadInput("symptoms: longer than 2000 characters");
    if (o.note.size() > 4000) throw BadInput("note: longer than 4000 characters");
    if (o.delayHours && (*o.delayHours < 0 || *o.delayHours > 240))
        throw BadInput("delay: " + std::to_string(*o.delayHours) + " hours is outside 0-240");
    checkOutcome(p.protocol, p.plan, o, today());  // also sets the step in progress
    host_.savepoint([&] {
        auto insert = host_.prepare(
            "INSERT INTO elim_outcomes (plan_id, food, step, date, result, symptoms, delay_hours, note, entered_by, "
            "entered_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
        insert.bind(1, p.id).bind(2, o.food).bind(3, o.step).bind(4, isoDay(o.date)).bind(5, o.result);
        insert.bind(6, o.symptoms).bind(8, o.note).bind(9, host_.user()).bind(10, utcNow());
        if (o.delayHours) insert.bind(7, *o.delayHours);
        else insert.bind(7, nullptr);
        insert.step();
        json detail = {{"food", o.food}, {"step", o.step}, {"date", isoDay(o.date)}, {"result", o.result}};
        addHistory(p.id, "outcome", o.note, detail);
        host_.audit(clientId, "protocol.outcome", detail.dump());
    });
}

void Plans::changePhase(int64_t clientId, const std::string& kind, int days, const std::string& reason) {
    LoadedPlan p = require(clientId);
    requireReason(reason);
    const PhaseDef* def = p.protocol.phase(kind);
    if (!def || kind == "reintroduction")
        throw BadInput("phase: '" + kind + "' is not a phase of " + p.protocol.title + " whose length can be set");
    if (days < def->minDays || days > def->maxDays)
        throw BadInput("days: " + std::to_string(days) + " is outside " + std::to_string(def->minDays) + "-" +
                       std::to_string(def->maxDays) + " for the " + def->title + " phase of this protocol");
    Day now = today();
    Schedule before = computeSchedule(p.protocol, p.plan, now);
    const PhaseSpan* span = before.phase(kind);
    if (span && span->end < now && span->end >= span->start)
        throw BadInput("phase: the " + def->title + " phase ended on " + isoDay(span->end) + "; it can no longer change");
    int old = p.plan.phaseDays.count(kind) ? p.plan.phaseDays[kind] : def->defaultDays;
    p.plan.phaseDays[kind] = days;
    Schedule after = computeSchedule(p.protocol, p.plan, now);
    const PhaseSpan* changed = after.phase(kind);
    if (changed && changed->end < now - 1 && days > 0)
        throw BadInput("days: the " + def->title + " phase would end on " + isoDay(changed->end) + ", before today");
    host_.savepoint([&] {
        savePlanColumns(p);
        json detail = {{"phase", kind}, {"from_days", old}, {"to_days", days}};
        addHistory(p.id, "phase-length", reason, detail);
        host_.audit(clientId, "protocol.change", detail.dump());
    });
}

void Plans::pause(int64_t clientId, Day from, const std::string& reason) {
    LoadedPlan p = require(clientId);
    requireReason(reason);
    for (const Pause& existing : p.plan.pauses) {
        if (!existing.resumed) throw BadInput("pause: the plan is already paused since " + isoDay(existing.from));
        if (from < *existing.resumed)
            throw BadInput("from: " + isoDay(from) + " is inside an earlier pause (" + isoDay(existing.from) + " to " +
                           isoDay(*existing.resumed - 1) + ")");
    }
    if (from < p.plan.start) throw BadInput("from: " + isoDay(from) + " is before the plan starts on " + isoDay(p.plan.start));
    if (from > today() + 366) throw BadInput("from: " + isoDay(from) + " is more than a year ahead");
    host_.savepoint([&] {
        host_.prepare("INSERT INTO elim_pauses (plan_id, from_date, reason) VALUES (?1, ?2, ?3)")
            .bind(1, p.id)
            .bind(2, isoDay(from))
            .bind(3, reason)
            .step();
        json detail = {{"from", isoDay(from)}};
        addHistory(p.id, "paused", reason, detail);
        host_.audit(clientId, "protocol.pause", detail.dump());
    });
}

void Plans::resume(int64_t clientId, Day on) {
    LoadedPlan p = require(clientId);
    const Pause* open = nullptr;
    for (const Pause& existing : p.plan.pauses)
        if (!existing.resumed) open = &existing;
    if (!open) throw BadInput("resume: the plan is not paused");
    if (on <= open->from)
        throw BadInput("date: " + isoDay(on) + " is not after the pause began on " + isoDay(open->from));
    if (on > today() + 1) throw BadInput("date: " + isoDay(on) + " is in the future; resume on the day the plan restarts");
    host_.savepoint([&] {
        host_.prepare("UPDATE elim_pauses SET resumed = ?2 WHERE plan_id = ?1 AND resumed IS NULL")
            .bind(1, p.id)
            .bind(2, isoDay(on))
            .step();
        json detail = {{"from", isoDay(open->from)}, {"resumed", isoDay(on)}};
        addHistory(p.id, "resumed", "", detail);
        host_.audit(clientId, "protocol.resume", detail.dump());
    });
}

void Plans::skip(int64_t clientId, const std::string& food, const std::string& reason) {
    LoadedPlan p = require(clientId);
    requireReason(reason);
    Schedule s = computeSchedule(p.protocol, p.plan, today());
    const FoodStatus* f = s.food(food);
    if (!f) throw BadInput("food: '" + food + "' is not in this plan");
    if (!isOpen(f)) throw BadInput("food: " + f->label + " is " + f->text + "; only a food not yet challenged can be skipped");
    p.plan.skipped.insert(food);
    host_.savepoint([&] {
        savePlanColumns(p);
        json detail = {{"food", food}};
        addHistory(p.id, "skipped", reason, detail);
        host_.audit(clientId, "protocol.skip", detail.dump());
    });
}

void Plans::move(int64_t clientId, const std::string& food, int position, const std::string& reason) {
    LoadedPlan p = require(clientId);
    requireReason(reason);
    Day now = today();
    Schedule before = computeSchedule(p.protocol, p.plan, now);
    const FoodStatus* f = before.food(food);
    if (!f) throw BadInput("food: '" + food + "' is not in this plan");
    if (!isOpen(f)) throw BadInput("food: " + f->label + " is " + f->text + "; only a food not yet challenged can move");
    if (position < 0 || position >= int(p.plan.foods.size()))
        throw BadInput("position: must be 1-" + std::to_string(p.plan.foods.size()));
    auto& foods = p.plan.foods;
    foods.erase(std::find(foods.begin(), foods.end(), food));
    foods.insert(foods.begin() + position, food);
    Schedule after = computeSchedule(p.protocol, p.plan, now);
    // What has happened stays where it happened.
    for (const Block& b : before.blocks) {
        if (b.state == BlockState::Planned) continue;
        bool kept = std::any_of(after.blocks.begin(), after.blocks.end(), [&](const Block& a) {
            return a.food == b.food && a.step == b.step && a.start == b.start && a.state == b.state;
        });
        if (!kept) throw BadInput("position: " + b.title + " has already started and keeps its place");
    }
    host_.savepoint([&] {
        savePlanColumns(p);
        json detail = {{"food", food}, {"position", position + 1}};
        addHistory(p.id, "reordered", reason, detail);
        host_.audit(clientId, "protocol.reorder", detail.dump());
    });
}

void Plans::end(int64_t clientId, const std::string& reason) {
    LoadedPlan p = require(clientId);
    requireReason(reason);
    host_.savepoint([&] {
        host_.prepare("UPDATE elim_plans SET active = 0 WHERE id = ?1").bind(1, p.id).step();
        addHistory(p.id, "ended", reason, json::object());
        host_.audit(clientId, "protocol.end", json{{"protocol", p.protocol.id}}.dump());
    });
}

std::vector<HistoryEntry> Plans::history(int64_t planId) const {
    std::vector<HistoryEntry> out;
    auto q = host_.prepare("SELECT at, who, change, reason, detail FROM elim_history WHERE plan_id = ?1 ORDER BY id");
    q.bind(1, planId);
    while (q.step()) out.push_back({q.text(0), q.text(1), q.text(2), q.text(3), json::parse(q.text(4))});
    return out;
}

std::optional<PlanView> Plans::view(int64_t clientId, Day now) const {
    auto loaded = active(clientId);
    if (!loaded) return std::nullopt;
    PlanView v;
    v.plan = std::move(*loaded);
    v.schedule = computeSchedule(v.plan.protocol, v.plan.plan, now);
    v.diary = diaryScores(clientId, v.plan.plan.start - 14, now);
    const std::vector<DiaryDay>& days = v.diary;
    v.suggestions = suggestOutcomes(v.plan.protocol, v.schedule, days, now);
    if (!v.plan.ageOverride.empty()) v.warnings.push_back("Age rule overridden: " + v.plan.ageOverride);
    if (v.schedule.paused) v.warnings.push_back("The plan is paused; dates after today assume it resumes tomorrow.");

    // The protocol's own decision logic, if its plugin has any.
    json state = {{"protocol_id", v.plan.protocol.id}, {"today", isoDay(now)}, {"schedule", v.schedule.toJson(v.plan.protocol)}};
    json client = json::parse(host_.client(clientId));
    if (client.contains("date_of_birth"))
        state["client"] = {{"age_months", ageInMonths(parseDay(client["date_of_birth"]), now)}};
    // The hook sees the last eight weeks of diary: enough for any window and its baseline.
    json diaryJson = json::array();
    for (const DiaryDay& d : days) {
        if (d.day < now - 56) continue;
        json day = {{"date", isoDay(d.day)}, {"vomiting", d.vomiting}, {"reflux", d.reflux}};
        if (d.itch) day["itch"] = *d.itch;
        if (d.sleep) day["sleep"] = *d.sleep;
        if (d.stool) day["stool"] = *d.stool;
        diaryJson.push_back(day);
    }
    state["diary"] = diaryJson;
    try {
        if (auto extra = host_.evaluateProtocol(v.plan.protocol.id, state.dump())) {
            for (const json& s : json::parse(*extra))
                v.suggestions.push_back({s["kind"], s.value("food", ""), s.value("step", 0), s.value("outcome", ""),
                                         s["reason"], v.plan.protocol.plugin});
        }
    } catch (const nourish::Error& e) {
        // The protocol's plugin may be gone or broken; the engine's rules still stand.
        if (e.status() != NOURISH_NOT_FOUND) v.warnings.push_back(std::string("The protocol's own checks failed: ") + e.what());
    }

    v.poem = scores(clientId, kPoemId());
    const auto& poem = v.poem;
    if (v.schedule.currentPhase != "finished" && v.schedule.currentPhase != "not-started") {
        if (poem.empty()) v.suggestions.push_back({"advice", "", 0, "", "POEM has not been taken yet on this plan", "engine"});
        else if (now - poem.back().takenOn >= 7)
            v.suggestions.push_back({"advice", "", 0, "",
                                     "POEM is due: last taken on " + displayDay(poem.back().takenOn) + " (" +
                                         std::to_string(now - poem.back().takenOn) + " days ago)",
                                     "engine"});
    }
    return v;
}

namespace {

DiaryDay scoresOf(Day day, const json& answers) {
    DiaryDay d;
    d.day = day;
    if (answers.contains("itch") && answers["itch"].is_number()) d.itch = answers["itch"].get<double>();
    if (answers.contains("sleep") && answers["sleep"].is_number()) d.sleep = answers["sleep"].get<double>();
    if (answers.contains("stool") && answers["stool"].is_number_integer()) d.stool = answers["stool"].get<int>();
    d.vomiting = answers.value("vomiting", false) == true;
    d.reflux = answers.value("reflux", false) == true;
    return d;
}

}  // namespace

void Plans::saveDiary(int64_t clientId, Day day, const json& answers) { saveDiaryDays(clientId, {{day, answers}}); }

void Plans::saveDiaryDays(int64_t clientId, const std::vector<std::pair<Day, json>>& days) {
    clientOrBadInput(host_, clientId);
    Day now = today();
    for (const auto& [day, answers] : days) {
        if (day > now) throw BadInput("date: " + isoDay(day) + " is in the future");
        if (!answers.is_object()) throw BadInput("answers: must be a JSON object (field id -> value)");
        auto problems = host_.validateAnswers(kDiaryFormId(), answers.dump(), false);
        if (!problems.empty()) throw BadInput(isoDay(day) + ": " + problems.front());
    }
    std::string who = host_.user(), at = utcNow();
    host_.savepoint([&] {
        auto upsert = host_.prepare(
            "INSERT INTO elim_diary (client_id, day, answers, itch, sleep, stool, vomiting, reflux, entered_by, "
            "entered_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT (client_id, day) DO UPDATE SET "
            "answers = excluded.answers, itch = excluded.itch, sleep = excluded.sleep, stool = excluded.stool, "
            "vomiting = excluded.vomiting, reflux = excluded.reflux, entered_by = excluded.entered_by, "
            "entered_at = excluded.entered_at");
        json dates = json::array();
        for (const auto& [day, answers] : days) {
            DiaryDay d = scoresOf(day, answers);
            upsert.reset();
            upsert.bind(1, clientId).bind(2, isoDay(day)).bind(3, answers.dump());
            if (d.itch) upsert.bind(4, *d.itch); else upsert.bind(4, nullptr);
            if (d.sleep) upsert.bind(5, *d.sleep); else upsert.bind(5, nullptr);
            if (d.stool) upsert.bind(6, *d.stool); else upsert.bind(6, nullptr);
            upsert.bind(7, int(d.vomiting)).bind(8, int(d.reflux)).bind(9, who).bind(10, at);
            upsert.step();
            dates.push_back(isoDay(day));
        }
        host_.audit(clientId, "diary.save", json{{"days", dates}}.dump());
    });
}

std::vector<DiaryEntry> Plans::diary(int64_t clientId, Day from, Day to) const {
    std::vector<DiaryEntry> out;
    auto q = host_.prepare(
        "SELECT day, answers FROM elim_diary WHERE client_id = ?1 AND day BETWEEN ?2 AND ?3 ORDER BY day");
    q.bind(1, clientId).bind(2, isoDay(from)).bind(3, isoDay(to));
    while (q.step()) {
        Day day = parseDay(q.text(0));
        json answers = json::parse(q.text(1));
        out.push_back({scoresOf(day, answers), std::move(answers)});
    }
    return out;
}

std::vector<DiaryDay> Plans::diaryScores(int64_t clientId, Day from, Day to) const {
    std::vector<DiaryDay> out;
    auto q = host_.prepare(
        "SELECT day, itch, sleep, stool, vomiting, reflux FROM elim_diary WHERE client_id = ?1 AND day BETWEEN ?2 AND ?3 "
        "ORDER BY day");
    q.bind(1, clientId).bind(2, isoDay(from)).bind(3, isoDay(to));
    while (q.step()) {
        DiaryDay d;
        d.day = parseDay(q.text(0));
        if (!q.isNull(1)) d.itch = q.real(1);
        if (!q.isNull(2)) d.sleep = q.real(2);
        if (!q.isNull(3)) d.stool = int(q.int64(3));
        d.vomiting = q.int64(4) != 0;
        d.reflux = q.int64(5) != 0;
        out.push_back(d);
    }
    return out;
}

ScoreEntry Plans::recordScore(int64_t clientId, const std::string& instrumentId, Day takenOn, const json& answers) {
    clientOrBadInput(host_, clientId);
    if (takenOn > today()) throw BadInput("date: " + isoDay(takenOn) + " is in the future");
    json result;
    try {
        result = json::parse(host_.scoreInstrument(instrumentId, answers.dump()));
    } catch (const nourish::Error& e) {
        if (e.status() == NOURISH_INVALID || e.status() == NOURISH_NOT_FOUND) throw BadInput(e.what());
        throw;
    }
    ScoreEntry entry;
    entry.instrumentId = instrumentId;
    entry.takenOn = takenOn;
    entry.answersJson = answers.dump();
    if (result["total"].is_number()) entry.total = result["total"].get<double>();
    if (result["band"].is_string()) entry.band = result["band"];
    host_.savepoint([&] {
        auto insert = host_.prepare(
            "INSERT INTO elim_scores (client_id, instrument_id, taken_on, answers, total, band, entered_by, entered_at) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
        insert.bind(1, clientId).bind(2, instrumentId).bind(3, isoDay(takenOn)).bind(4, answers.dump());
        if (entry.total) insert.bind(5, *entry.total); else insert.bind(5, nullptr);
        insert.bind(6, entry.band).bind(7, host_.user()).bind(8, utcNow());
        insert.step();
        entry.id = host_.lastInsertRowid();
        host_.audit(clientId, "instrument.score",
                    json{{"instrument", instrumentId}, {"date", isoDay(takenOn)}, {"total", result["total"]}}.dump());
    });
    return entry;
}

std::vector<ScoreEntry> Plans::scores(int64_t clientId, const std::string& instrumentId) const {
    std::vector<ScoreEntry> out;
    auto q = host_.prepare(
        "SELECT id, taken_on, total, band, answers FROM elim_scores WHERE client_id = ?1 AND instrument_id = ?2 "
        "ORDER BY taken_on, id");
    q.bind(1, clientId).bind(2, instrumentId);
    while (q.step()) {
        ScoreEntry e;
        e.id = q.int64(0);
        e.instrumentId = instrumentId;
        e.takenOn = parseDay(q.text(1));
        if (!q.isNull(2)) e.total = q.real(2);
        e.band = q.text(3);
        e.answersJson = q.text(4);
        out.push_back(std::move(e));
    }
    return out;
}

}  // namespace elim
