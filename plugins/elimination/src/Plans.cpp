#include "Plans.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace elim {

using nlohmann::json;

std::string utcNow() { return nourish::utcTimestamp(); }

const char* kDiaryFormId() { return "org.nourish.elimination.diary"; }

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
    // Reactions by type; plans that go ahead against a rule; the review at the
    // end of a diagnostic elimination and a dietitian's reviews; foods already
    // avoided before the plan began. A "mild" outcome of version 1 was a mild
    // delayed reaction.
    const char* v2 =
        "ALTER TABLE elim_outcomes ADD COLUMN reaction TEXT;"  // checked in code: ADD COLUMN ... CHECK needs a PRAGMA
        "UPDATE elim_outcomes SET result = 'reaction', reaction = 'delayed-mild' WHERE result = 'mild';"
        "ALTER TABLE elim_plans ADD COLUMN avoiding_since TEXT;"
        "CREATE TABLE elim_overrides (id INTEGER PRIMARY KEY, plan_id INTEGER NOT NULL REFERENCES elim_plans (id), "
        "rule TEXT NOT NULL, food TEXT NOT NULL DEFAULT '', kind TEXT NOT NULL CHECK (kind IN ('supervised', 'reason')), "
        "reason TEXT NOT NULL, finding TEXT NOT NULL, entered_by TEXT NOT NULL, entered_at TEXT NOT NULL);"
        "CREATE TABLE elim_reviews (id INTEGER PRIMARY KEY, plan_id INTEGER NOT NULL REFERENCES elim_plans (id), "
        "kind TEXT NOT NULL CHECK (kind IN ('elimination', 'dietitian')), date TEXT NOT NULL, "
        "outcome TEXT CHECK (outcome IN ('improved', 'no-improvement')), note TEXT NOT NULL DEFAULT '', "
        "entered_by TEXT NOT NULL, entered_at TEXT NOT NULL);";
    // Who follows the diet: the child, or the breastfeeding mother for her baby.
    const char* v3 = "ALTER TABLE elim_plans ADD COLUMN followed_by TEXT NOT NULL DEFAULT 'child';";
    return json::array({{{"version", 1}, {"name", "plans, diary and scores"}, {"sql", v1}},
                        {{"version", 2}, {"name", "reaction types, overrides, reviews"}, {"sql", v2}},
                        {{"version", 3}, {"name", "a plan the breastfeeding mother follows"}, {"sql", v3}}})
        .dump();
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

// A food whose challenge has not begun (or begins again after a pause).
bool isOpen(const FoodStatus* f) {
    return f && (f->state == FoodState::Avoiding || f->state == FoodState::Scheduled ||
                 f->state == FoodState::AwaitingReview || f->state == FoodState::Paused);
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
    auto found = load(clientId, true);
    if (found.empty()) return std::nullopt;
    return std::move(found.front());
}

std::vector<LoadedPlan> Plans::load(int64_t clientId, bool activeOnly) const {
    auto q = host_.prepare(
        std::string("SELECT id, protocol_json, start_date, foods, skipped, phase_days, age_override, created_at, "
                    "created_by, avoiding_since, followed_by, active FROM elim_plans WHERE client_id = ?1") +
        (activeOnly ? " AND active = 1" : "") + " ORDER BY id");
    q.bind(1, clientId);
    std::vector<LoadedPlan> plans;
    while (q.step()) plans.push_back(loadRow(q, clientId));
    return plans;
}

LoadedPlan Plans::loadRow(nourish::Statement& q, int64_t clientId) const {
    LoadedPlan p;
    p.id = q.int64(0);
    p.clientId = clientId;
    p.active = q.int64(11) == 1;
    p.protocol = Protocol::fromJson(json::parse(q.text(1)));
    p.plan.start = parseDay(q.text(2));
    for (const json& f : json::parse(q.text(3))) p.plan.foods.push_back(f);
    for (const json& f : json::parse(q.text(4))) p.plan.skipped.insert(f.get<std::string>());
    json phaseDays = json::parse(q.text(5));
    for (auto& [k, v] : phaseDays.items()) p.plan.phaseDays[k] = v.get<int>();
    // Version 1 kept an age rule gone ahead with as text on the plan.
    if (!q.text(6).empty()) p.plan.overrides.push_back({"age.min-age", "", "reason", q.text(6), q.text(8), q.text(7)});
    p.createdAt = q.text(7);
    p.createdBy = q.text(8);
    if (!q.isNull(9)) p.plan.avoidingSince = parseDay(q.text(9));
    p.plan.byMother = q.text(10) == "mother";
    auto overrides = host_.prepare(
        "SELECT rule, food, kind, reason, entered_by, entered_at FROM elim_overrides WHERE plan_id = ?1 ORDER BY id");
    overrides.bind(1, p.id);
    while (overrides.step())
        p.plan.overrides.push_back({overrides.text(0), overrides.text(1), overrides.text(2), overrides.text(3),
                                    overrides.text(4), overrides.text(5)});
    auto reviews = host_.prepare("SELECT kind, date, outcome, note FROM elim_reviews WHERE plan_id = ?1 ORDER BY id");
    reviews.bind(1, p.id);
    while (reviews.step()) {
        if (reviews.text(0) == "dietitian") p.plan.dietitianReviews.push_back(parseDay(reviews.text(1)));
        else p.plan.review = Review{parseDay(reviews.text(1)), reviews.text(2), reviews.text(3)};
    }

    auto pauses = host_.prepare("SELECT from_date, resumed, reason FROM elim_pauses WHERE plan_id = ?1 ORDER BY id");
    pauses.bind(1, p.id);
    while (pauses.step()) {
        Pause pause{parseDay(pauses.text(0)), std::nullopt, pauses.text(2)};
        if (!pauses.isNull(1)) pause.resumed = parseDay(pauses.text(1));
        p.plan.pauses.push_back(pause);
    }
    auto outcomes = host_.prepare(
        "SELECT food, step, date, result, symptoms, delay_hours, note, reaction FROM elim_outcomes WHERE plan_id = ?1 "
        "ORDER BY id");
    outcomes.bind(1, p.id);
    while (outcomes.step()) {
        Outcome o;
        o.food = outcomes.text(0);
        o.step = int(outcomes.int64(1));
        o.date = parseDay(outcomes.text(2));
        // A reaction recorded before its type was asked is "unknown", and said to be.
        o.reaction = outcomes.text(3) == "tolerated" ? Reaction::None
                     : outcomes.isNull(7)           ? Reaction::Unknown
                                                    : reactionFrom(outcomes.text(7)).value_or(Reaction::Unknown);
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

Child Plans::child(int64_t clientId) const {
    json client = clientOrBadInput(host_, clientId);
    Child c;
    c.name = clientName(client);
    if (client.contains("date_of_birth") && client["date_of_birth"].is_string())
        c.birth = parseDay(client["date_of_birth"], "date_of_birth");
    try {
        c.history = AllergyHistory::fromJson(json::parse(host_.allergyHistory(clientId)));
    } catch (const nourish::Error& e) {
        // A host without the service: the checks run on what this plugin knows, and say so.
        c.history.problems.push_back(std::string("the allergy history could not be read: ") + e.what());
    }
    return c;
}

namespace {

// A plan from an assignment, before anything is stored.
Plan planFrom(const Protocol& protocol, const Assignment& a) {
    Plan plan;
    plan.start = a.start;
    plan.avoidingSince = a.avoidingSince;
    plan.byMother = a.byMother;
    if (a.byMother && std::find(protocol.audience.begin(), protocol.audience.end(), "breastfeeding-mother") ==
                          protocol.audience.end())
        throw BadInput("mother: " + protocol.title + " is not written for a breastfeeding mother to follow");
    std::vector<std::string> all = protocol.defaultOrder();
    if (a.foods.empty()) {
        plan.foods = protocol.defaultFoods();
    } else {
        std::string known;
        for (const std::string& f : all) known += (known.empty() ? "" : ", ") + f;
        for (const std::string& f : a.foods)
            if (!protocol.food(f)) throw BadInput("foods: '" + f + "' is not a food of " + protocol.title + " (" + known + ")");
        for (const std::string& f : all)
            if (std::find(a.foods.begin(), a.foods.end(), f) != a.foods.end()) plan.foods.push_back(f);
    }
    for (const std::string& f : a.supervised)
        if (std::find(plan.foods.begin(), plan.foods.end(), f) == plan.foods.end())
            throw BadInput("supervised: '" + f + "' is not a food of this plan");
    return plan;
}

}  // namespace

std::vector<Finding> Plans::check(int64_t clientId, const Assignment& a) const {
    Protocol protocol = this->protocol(a.protocolId);
    Plan plan = planFrom(protocol, a);
    Day now = today();
    return checkPlan(protocol, plan, computeSchedule(protocol, plan, now), child(clientId), now);
}

int64_t Plans::assign(int64_t clientId, const Assignment& a) {
    json client = clientOrBadInput(host_, clientId);
    if (auto existing = active(clientId))
        throw BadInput("client: " + clientName(client) + " is already on " + existing->protocol.title + " since " +
                       isoDay(existing->plan.start) + "; end that plan first");
    Protocol protocol = this->protocol(a.protocolId);
    Plan plan = planFrom(protocol, a);
    Day now = today();
    if (a.start > now + 366) throw BadInput("start: " + isoDay(a.start) + " is more than a year ahead");
    if (a.avoidingSince && *a.avoidingSince > a.start)
        throw BadInput("avoiding since: " + isoDay(*a.avoidingSince) + " is after the start " + isoDay(a.start));
    if (a.overrideReason.size() > 2000) throw BadInput("reason: is longer than 2000 characters");
    bool reason = a.overrideReason.find_first_not_of(" \t") != std::string::npos;
    std::vector<Finding> findings = checkPlan(protocol, plan, computeSchedule(protocol, plan, now), child(clientId), now);
    // What the assignment goes ahead with: supervised challenges, then a reason for the rest.
    std::string who = host_.user(), at = utcNow();
    std::vector<std::pair<Override, std::string>> accepted;  // with the finding's text
    for (const Finding& f : findings) {
        if (!f.blocking) continue;
        if (f.rule.rfind("triage.", 0) == 0 && a.supervised.count(f.food))
            accepted.push_back({{f.rule, f.food, "supervised", "the challenge will be done under medical supervision", who, at}, f.text});
        else if (reason)
            accepted.push_back({{f.rule, f.food, "reason", a.overrideReason, who, at}, f.text});
        else
            throw BadInput(f.rule + ": " + f.text + " (" + f.source + "). " +
                           (f.rule.rfind("triage.", 0) == 0 ? "Record that it will be supervised (--supervised " + f.food +
                                                                  ") or why it is safe (--override-reason)"
                                                            : std::string("Give a reason to go ahead (--override-reason)")));
    }
    int64_t id = 0;
    host_.savepoint([&] {
        host_.prepare(
                 "INSERT INTO elim_plans (client_id, protocol_id, protocol_json, start_date, foods, age_override, "
                 "created_at, created_by, avoiding_since, followed_by) VALUES (?1, ?2, ?3, ?4, ?5, '', ?6, ?7, ?8, ?9)")
            .bind(1, clientId)
            .bind(2, protocol.id)
            .bind(3, protocol.document.dump())
            .bind(4, isoDay(a.start))
            .bind(5, json(plan.foods).dump())
            .bind(6, at)
            .bind(7, who)
            .bind(8, a.avoidingSince ? isoDay(*a.avoidingSince) : std::string())
            .bind(9, a.byMother ? "mother" : "child")
            .step();
        id = host_.lastInsertRowid();
        if (!a.avoidingSince) host_.prepare("UPDATE elim_plans SET avoiding_since = NULL WHERE id = ?1").bind(1, id).step();
        json detail = {{"protocol", protocol.id}, {"version", protocol.version}, {"start", isoDay(a.start)},
                       {"foods", plan.foods}, {"followed_by", a.byMother ? "mother" : "child"}};
        addHistory(id, "assigned", a.overrideReason, detail);
        host_.audit(clientId, "protocol.assign", detail.dump());
        for (const auto& [o, finding] : accepted) writeOverride(id, clientId, o, finding);
    });
    return id;
}

void Plans::writeOverride(int64_t planId, int64_t clientId, const Override& o, const std::string& finding) const {
    host_.prepare("INSERT INTO elim_overrides (plan_id, rule, food, kind, reason, finding, entered_by, entered_at) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
        .bind(1, planId)
        .bind(2, o.rule)
        .bind(3, o.food)
        .bind(4, o.kind)
        .bind(5, o.reason)
        .bind(6, finding)
        .bind(7, o.by)
        .bind(8, o.at)
        .step();
    json detail = {{"rule", o.rule}, {"food", o.food}, {"kind", o.kind}, {"finding", finding}};
    addHistory(planId, o.kind == "supervised" ? "supervised" : "rule-overridden", o.reason, detail);
    host_.audit(clientId, "protocol.override", detail.dump());
}

void Plans::addOverride(int64_t clientId, const std::string& rule, const std::string& food, bool supervised,
                        const std::string& reason) {
    LoadedPlan p = require(clientId);
    if (!supervised) requireReason(reason);
    if (supervised && rule.rfind("triage.", 0) != 0)
        throw BadInput("rule: " + rule + " is not a triage rule; only a challenge can be supervised (give a reason)");
    Day now = today();
    Schedule s = computeSchedule(p.protocol, p.plan, now);
    std::vector<Finding> findings = checkPlan(p.protocol, p.plan, s, child(clientId), now);
    const Finding* found = nullptr;
    std::string open;
    for (const Finding& f : findings) {
        if (f.refuses()) open += (open.empty() ? "" : ", ") + f.rule + (f.food.empty() ? "" : " (" + f.food + ")");
        if (f.rule == rule && f.food == food && f.blocking) found = &f;
    }
    if (!found)
        throw BadInput("rule: the plan does not break " + rule + (food.empty() ? "" : " for " + food) +
                       (open.empty() ? "" : "; it breaks: " + open));
    if (found->overridden) throw BadInput("rule: " + rule + " was already gone ahead with on " + found->overridden->at);
    Override o{rule, food, supervised ? "supervised" : "reason",
               supervised ? (reason.empty() ? "the challenge will be done under medical supervision" : reason) : reason,
               host_.user(), utcNow()};
    host_.savepoint([&] { writeOverride(p.id, clientId, o, found->text); });
}

void Plans::recordOutcome(int64_t clientId, Outcome o) {
    LoadedPlan p = require(clientId);
    if (o.symptoms.size() > 2000) throw BadInput("symptoms: longer than 2000 characters");
    if (o.note.size() > 4000) throw BadInput("note: longer than 4000 characters");
    if (o.delayHours && (*o.delayHours < 0 || *o.delayHours > 240))
        throw BadInput("delay: " + std::to_string(*o.delayHours) + " hours is outside 0-240");
    if (o.reaction == Reaction::Unknown)
        throw BadInput("outcome: say which kind of reaction it was: immediate, fpies, delayed-mild or delayed-moderate");
    checkOutcome(p.protocol, p.plan, o, today());  // also sets the step in progress
    host_.savepoint([&] {
        auto insert = host_.prepare(
            "INSERT INTO elim_outcomes (plan_id, food, step, date, result, symptoms, delay_hours, note, entered_by, "
            "entered_at, reaction) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
        insert.bind(1, p.id).bind(2, o.food).bind(3, o.step).bind(4, isoDay(o.date));
        insert.bind(5, o.tolerated() ? "tolerated" : "reaction");
        insert.bind(6, o.symptoms).bind(8, o.note).bind(9, host_.user()).bind(10, utcNow());
        if (o.delayHours) insert.bind(7, *o.delayHours);
        else insert.bind(7, nullptr);
        if (o.tolerated()) insert.bind(11, nullptr);
        else insert.bind(11, toString(o.reaction));
        insert.step();
        json detail = {{"food", o.food}, {"step", o.step}, {"date", isoDay(o.date)}, {"result", toString(o.reaction)}};
        addHistory(p.id, "outcome", o.note, detail);
        host_.audit(clientId, "protocol.outcome", detail.dump());
    });
}

void Plans::review(int64_t clientId, const Review& r) {
    LoadedPlan p = require(clientId);
    Day now = today();
    checkReview(p.protocol, p.plan, r, now);
    Plan after = p.plan;
    after.review = r;
    checkChange(p, after);
    host_.savepoint([&] {
        host_.prepare("INSERT INTO elim_reviews (plan_id, kind, date, outcome, note, entered_by, entered_at) "
                      "VALUES (?1, 'elimination', ?2, ?3, ?4, ?5, ?6)")
            .bind(1, p.id)
            .bind(2, isoDay(r.date))
            .bind(3, r.outcome)
            .bind(4, r.note)
            .bind(5, host_.user())
            .bind(6, utcNow())
            .step();
        json detail = {{"date", isoDay(r.date)}, {"outcome", r.outcome}};
        addHistory(p.id, "reviewed", r.note, detail);
        host_.audit(clientId, "protocol.review", detail.dump());
    });
}

void Plans::dietitianReview(int64_t clientId, Day on, const std::string& note) {
    LoadedPlan p = require(clientId);
    if (on > today()) throw BadInput("date: " + isoDay(on) + " is in the future");
    if (on < p.plan.avoidedSince())
        throw BadInput("date: " + isoDay(on) + " is before the foods were first avoided (" + isoDay(p.plan.avoidedSince()) + ")");
    if (note.size() > 4000) throw BadInput("note: longer than 4000 characters");
    host_.savepoint([&] {
        host_.prepare("INSERT INTO elim_reviews (plan_id, kind, date, note, entered_by, entered_at) "
                      "VALUES (?1, 'dietitian', ?2, ?3, ?4, ?5)")
            .bind(1, p.id)
            .bind(2, isoDay(on))
            .bind(3, note)
            .bind(4, host_.user())
            .bind(5, utcNow())
            .step();
        json detail = {{"date", isoDay(on)}};
        addHistory(p.id, "dietitian-review", note, detail);
        host_.audit(clientId, "protocol.dietitian-review", detail.dump());
    });
}

void Plans::checkChange(const LoadedPlan& before, const Plan& after) const {
    Day now = today();
    Schedule was = computeSchedule(before.protocol, before.plan, now);
    Schedule will = computeSchedule(before.protocol, after, now);
    checkFactsKept(was, will, after);
    Child c = child(before.clientId);
    std::vector<Finding> old = checkPlan(before.protocol, before.plan, was, c, now);
    for (const Finding& f : checkPlan(before.protocol, after, will, c, now)) {
        if (!f.refuses()) continue;
        bool already = std::any_of(old.begin(), old.end(), [&](const Finding& o) {
            return o.rule == f.rule && o.food == f.food && o.refuses();
        });
        if (!already)
            throw BadInput(f.rule + ": " + f.text + " (" + f.source + "); the change would break it. " +
                           "Go ahead only with a recorded reason (protocol override)");
    }
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
    if (def->review && p.plan.review)
        throw BadInput("phase: the " + def->title + " phase was reviewed on " + isoDay(p.plan.review->date) +
                       "; it can no longer change");
    Day now = today();
    Schedule before = computeSchedule(p.protocol, p.plan, now);
    const PhaseSpan* span = before.phase(kind);
    if (span && scheduled(span->end) && span->end < now && span->end >= span->start)
        throw BadInput("phase: the " + def->title + " phase ended on " + isoDay(span->end) + "; it can no longer change");
    int old = p.plan.phaseDays.count(kind) ? p.plan.phaseDays[kind] : def->defaultDays;
    Plan after = p.plan;
    after.phaseDays[kind] = days;
    Schedule moved = computeSchedule(p.protocol, after, now);
    const PhaseSpan* changed = moved.phase(kind);
    if (changed && scheduled(changed->end) && changed->end < now - 1 && days > 0)
        throw BadInput("days: the " + def->title + " phase would end on " + isoDay(changed->end) + ", before today");
    checkChange(p, after);
    p.plan = after;
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
    Plan after = p.plan;
    after.pauses.push_back({from, std::nullopt, reason});
    checkChange(p, after);
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
    Day now = today();
    Plan after = p.plan;
    if (open->from > now) {
        // A pause that has not begun is called off: nothing of it stays but its history.
        std::erase_if(after.pauses, [](const Pause& x) { return !x.resumed; });
        checkChange(p, after);
        host_.savepoint([&] {
            host_.prepare("DELETE FROM elim_pauses WHERE plan_id = ?1 AND resumed IS NULL").bind(1, p.id).step();
            json detail = {{"from", isoDay(open->from)}};
            addHistory(p.id, "pause-cancelled", "", detail);
            host_.audit(clientId, "protocol.resume", detail.dump());
        });
        return;
    }
    if (on <= open->from)
        throw BadInput("date: " + isoDay(on) + " is not after the pause began on " + isoDay(open->from));
    if (on > now + 1) throw BadInput("date: " + isoDay(on) + " is in the future; resume on the day the plan restarts");
    for (Pause& x : after.pauses)
        if (!x.resumed) x.resumed = on;
    checkChange(p, after);
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
    Plan after = p.plan;
    after.skipped.insert(food);
    checkChange(p, after);
    p.plan = after;
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
    Schedule before = computeSchedule(p.protocol, p.plan, today());
    const FoodStatus* f = before.food(food);
    if (!f) throw BadInput("food: '" + food + "' is not in this plan");
    if (!isOpen(f)) throw BadInput("food: " + f->label + " is " + f->text + "; only a food not yet challenged can move");
    if (position < 0 || position >= int(p.plan.foods.size()))
        throw BadInput("position: must be 1-" + std::to_string(p.plan.foods.size()));
    Plan after = p.plan;
    auto& foods = after.foods;
    foods.erase(std::find(foods.begin(), foods.end(), food));
    foods.insert(foods.begin() + position, food);
    try {
        checkChange(p, after);
    } catch (const BadInput& e) {
        std::string why = e.what();
        if (why.rfind("change: ", 0) == 0) throw BadInput("position: " + why.substr(8));
        throw;
    }
    p.plan = after;
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

bool PlanView::flagged() const {
    return std::any_of(findings.begin(), findings.end(), [](const Finding& f) { return f.refuses(); });
}

namespace {
json outcomesJson(const Plan& plan) {
    json outcomes = json::array();
    for (const Outcome& o : plan.outcomes)
        outcomes.push_back({{"food", o.food}, {"step", o.step}, {"date", isoDay(o.date)}, {"result", toString(o.reaction)}});
    return outcomes;
}
}  // namespace

json Plans::document(int64_t clientId, Day today) const {
    json plans = json::array();
    for (const LoadedPlan& p : load(clientId, false)) {
        json plan = {{"id", std::to_string(p.id)},
                     {"protocol_id", p.protocol.id},
                     {"protocol_title", p.protocol.title},
                     {"active", p.active},
                     {"started", isoDay(p.plan.start)},
                     {"followed_by", p.plan.byMother ? "mother" : "child"},
                     {"outcomes", outcomesJson(p.plan)}};
        if (p.active) {
            plan["schedule"] = computeSchedule(p.protocol, p.plan, today).toJson(p.protocol);
            // Since when the foods are avoided, and the dietitian's reviews: what the
            // eight-week rule (NICE CG57) is worked out from.
            plan["avoiding_since"] = isoDay(p.plan.avoidedSince());
            json reviews = json::array();
            std::vector<Day> days = p.plan.dietitianReviews;
            std::sort(days.begin(), days.end());
            for (Day d : days) reviews.push_back(isoDay(d));
            plan["dietitian_reviews"] = reviews;
        } else {
            for (const HistoryEntry& h : history(p.id))
                if (h.change == "ended" && h.at.size() >= 10) plan["ended"] = h.at.substr(0, 10);
        }
        plans.push_back(std::move(plan));
    }
    return {{"plans", plans}};
}

std::optional<PlanView> Plans::view(int64_t clientId, Day now) const {
    auto loaded = active(clientId);
    if (!loaded) return std::nullopt;
    PlanView v;
    v.plan = std::move(*loaded);
    v.schedule = computeSchedule(v.plan.protocol, v.plan.plan, now);
    v.diary = diaryScores(clientId, v.plan.plan.avoidedSince() - 14, now);
    // Every score of the client, read once: POEM for the review, each of the
    // protocol's questionnaires, and all of them for the protocol's hook.
    const std::vector<ScoreEntry> allScores = scores(clientId, "");
    for (const ScoreEntry& e : allScores)
        if (e.instrumentId == kPoemId()) v.poem.push_back(e);
    const std::vector<DiaryDay>& days = v.diary;

    // The checks, against what is known of the child now: an intake changed
    // after the plan began flags it.
    Child c = child(clientId);
    v.findings = checkPlan(v.plan.protocol, v.plan.plan, v.schedule, c, now);
    for (const Finding& f : v.findings) {
        std::string line = f.refuses() ? "Not safe as planned: " + f.text
                           : f.overridden ? "Gone ahead with (" +
                                                std::string(f.overridden->kind == "supervised" ? "supervised"
                                                                                              : "reason: " + f.overridden->reason) +
                                                "): " + f.text
                                          : f.text;
        v.warnings.push_back(line + " [" + f.source + "]");
    }
    for (const std::string& problem : c.history.problems) v.warnings.push_back("Triage incomplete: " + problem);
    if (!v.schedule.lostOutcomes.empty())
        v.warnings.push_back(std::to_string(v.schedule.lostOutcomes.size()) +
                             " recorded outcome(s) belong to no challenge of the schedule: check the plan's history");
    for (const Block& b : v.schedule.blocks)
        if (b.outcome && b.outcome->reaction == Reaction::Unknown)
            v.warnings.push_back(b.title + ": the reaction on " + displayDay(b.outcome->date) +
                                 " was recorded before its type was asked (treated as moderate and delayed); if it was "
                                 "immediate, refer");
    if (v.schedule.paused)
        v.warnings.push_back("The plan is paused since " + displayDay(*v.schedule.pausedFrom) +
                             ": no challenge has a date until it resumes.");
    else if (v.schedule.pausedFrom)
        v.warnings.push_back("A pause begins on " + displayDay(*v.schedule.pausedFrom) + ".");

    // The plan runs on the copy of the protocol kept when it began; say so
    // when that protocol is not offered any more.
    try {
        host_.protocol(v.plan.protocol.id);
    } catch (const nourish::Error& e) {
        if (e.status() != NOURISH_NOT_FOUND) throw;
        v.warnings.push_back("The protocol " + v.plan.protocol.title + " (" + v.plan.protocol.id +
                             ") is no longer installed or is turned off: this plan goes on from the copy kept when it "
                             "was started, without the protocol's own checks" +
                             (v.plan.protocol.plugin.empty() ? "" : " (its plugin: " + v.plan.protocol.plugin + ")") + ".");
    }

    // The protocol's own decision logic comes first, if its plugin has any.
    json state = {{"protocol_id", v.plan.protocol.id}, {"today", isoDay(now)}, {"schedule", v.schedule.toJson(v.plan.protocol)}};
    if (c.birth) state["client"] = {{"age_months", ageInMonths(*c.birth, now)}};
    // The hook sees the last eight weeks of diary: enough for any window and its baseline.
    json diaryJson = json::array();
    for (const DiaryDay& d : days) {
        if (d.day < now - 56) continue;
        json day = {{"date", isoDay(d.day)}, {"vomiting", d.vomiting}, {"reflux", d.reflux},
                    {"blood_mucus", d.bloodOrMucus}, {"immediate_signs", d.immediateSigns},
                    {"confounders", d.confounders}};
        if (d.itch) day["itch"] = *d.itch;
        if (d.sleep) day["sleep"] = *d.sleep;
        if (d.stool) day["stool"] = *d.stool, day["stool_scale"] = d.stoolScale.empty() ? "bristol" : d.stoolScale;
        diaryJson.push_back(day);
    }
    state["diary"] = diaryJson;
    state["outcomes"] = outcomesJson(v.plan.plan);
    // Every instrument's scores for this client, oldest first: POEM and any a plugin offers.
    json scoresJson = json::array();
    for (const ScoreEntry& e : allScores)
        if (e.total)
            scoresJson.push_back({{"instrument", e.instrumentId}, {"date", isoDay(e.takenOn)}, {"total", *e.total},
                                  {"band", e.band}});
    state["scores"] = scoresJson;
    std::vector<Suggestion> hook;
    try {
        if (auto extra = host_.evaluateProtocol(v.plan.protocol.id, state.dump())) {
            for (const json& s : json::parse(*extra))
                hook.push_back({s["kind"], s.value("food", ""), s.value("step", 0), s.value("outcome", ""), s["reason"],
                                v.plan.protocol.plugin});
        }
    } catch (const nourish::Error& e) {
        // The protocol's plugin may be gone or broken; the engine's rules still stand.
        if (e.status() != NOURISH_NOT_FOUND) v.warnings.push_back(std::string("The protocol's own checks failed: ") + e.what());
    }
    v.suggestions = hook;
    for (Suggestion& s : suggestOutcomes(v.plan.protocol, v.schedule, days, now)) v.suggestions.push_back(std::move(s));
    std::vector<PoemPoint> poemPoints;
    for (const ScoreEntry& e : v.poem)
        if (e.total) poemPoints.push_back({e.takenOn, *e.total});
    if (auto review = suggestReview(v.plan.protocol, v.schedule, days, poemPoints, now)) v.suggestions.push_back(*review);

    // Each questionnaire the protocol follows the child with: due when its
    // interval has passed (POEM weekly), never taken yet on this plan.
    v.instruments = tracksFrom(v.plan.protocol.instruments, allScores);
    for (const InstrumentTrack& t : v.instruments) {
        if (!t.installed) {
            v.warnings.push_back("The protocol follows the child with the questionnaire " + t.id +
                                 ", which no installed plugin offers now: it cannot be filled in.");
            continue;
        }
        if (v.schedule.currentPhase == "finished" || v.schedule.currentPhase == "not-started") continue;
        std::optional<Day> last;
        if (!t.scores.empty()) last = t.scores.back().takenOn;
        if (!last) v.suggestions.push_back({"advice", "", 0, "", t.shortTitle + " has not been taken yet on this plan", "engine"});
        else if (t.everyDays > 0 && now - *last >= t.everyDays)
            v.suggestions.push_back({"advice", "", 0, "",
                                     t.shortTitle + " is due: last taken on " + displayDay(*last) + " (" +
                                         std::to_string(now - *last) + " days ago)",
                                     "engine"});
    }
    return v;
}

namespace {

std::vector<std::string> stringList(const json& answers, const char* key) {
    std::vector<std::string> out;
    if (answers.contains(key) && answers[key].is_array())
        for (const json& v : answers[key])
            if (v.is_string()) out.push_back(v.get<std::string>());
    return out;
}

DiaryDay scoresOf(Day day, const json& answers) {
    DiaryDay d;
    d.day = day;
    if (answers.contains("itch") && answers["itch"].is_number()) d.itch = answers["itch"].get<double>();
    if (answers.contains("sleep") && answers["sleep"].is_number()) d.sleep = answers["sleep"].get<double>();
    if (answers.contains("stool") && answers["stool"].is_number_integer()) d.stool = answers["stool"].get<int>();
    d.stoolScale = answers.value("stool_scale", "");
    d.vomiting = answers.value("vomiting", false) == true;
    d.reflux = answers.value("reflux", false) == true;
    d.bloodOrMucus = answers.value("blood_mucus", false) == true;
    d.flareAreas = stringList(answers, "flare_areas");
    d.immediateSigns = stringList(answers, "immediate_signs");
    d.confounders = stringList(answers, "confounders");
    if (answers.contains("symptoms") && answers["symptoms"].is_string()) d.symptoms = answers["symptoms"];
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
        "SELECT day, answers FROM elim_diary WHERE client_id = ?1 AND day BETWEEN ?2 AND ?3 ORDER BY day");
    q.bind(1, clientId).bind(2, isoDay(from)).bind(3, isoDay(to));
    while (q.step()) out.push_back(scoresOf(parseDay(q.text(0)), json::parse(q.text(1))));
    return out;
}

std::vector<InstrumentTrack> Plans::tracks(int64_t clientId, const std::vector<std::string>& ids) const {
    return tracksFrom(ids, scores(clientId, ""));
}

std::vector<InstrumentTrack> Plans::tracksFrom(const std::vector<std::string>& ids,
                                               const std::vector<ScoreEntry>& all) const {
    std::vector<InstrumentTrack> out;
    for (const std::string& id : ids) {
        // What the host says of an instrument does not change while it runs:
        // asked once per Plans (a page keeps its own).
        auto known = instruments_.find(id);
        if (known != instruments_.end() && known->second.installed) {
            InstrumentTrack t = known->second;
            for (const ScoreEntry& e : all)
                if (e.instrumentId == id) t.scores.push_back(e);
            out.push_back(std::move(t));
            continue;
        }
        InstrumentTrack t;
        t.id = t.title = t.shortTitle = id;
        try {
            json d = json::parse(host_.instrument(id));
            t.installed = true;
            t.title = d.value("title", id);
            t.shortTitle = d.value("short_title", t.title);
            t.everyDays = d.value("every_days", 0);
            t.bands = d.value("bands", json::array());
            double top = 0;
            for (const json& v : d.value("scale", json::array())) top = std::max(top, v.value("score", 0.0));
            t.items = int(d.value("items", json::array()).size());
            t.max = top * t.items;
            if (!t.bands.empty()) t.max = std::max(t.max, t.bands.back().value("max", 0.0));
        } catch (const nourish::Error& e) {
            if (e.status() != NOURISH_NOT_FOUND) throw;
        }
        if (t.installed) instruments_[id] = t;
        for (const ScoreEntry& e : all)
            if (e.instrumentId == id) t.scores.push_back(e);
        out.push_back(std::move(t));
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
        "SELECT id, taken_on, total, band, answers, instrument_id FROM elim_scores WHERE client_id = ?1 AND "
        "(?2 = '' OR instrument_id = ?2) ORDER BY taken_on, id");
    q.bind(1, clientId).bind(2, instrumentId);
    while (q.step()) {
        ScoreEntry e;
        e.id = q.int64(0);
        e.instrumentId = q.text(5);
        e.takenOn = parseDay(q.text(1));
        if (!q.isNull(2)) e.total = q.real(2);
        e.band = q.text(3);
        e.answersJson = q.text(4);
        out.push_back(std::move(e));
    }
    return out;
}

}  // namespace elim
