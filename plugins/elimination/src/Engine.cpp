#include "Engine.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <deque>

namespace elim {

using nlohmann::json;
namespace chr = std::chrono;

// ------------------------------------------------------------------- days --

Day parseDay(const std::string& text, const std::string& field) {
    int y = 0, m = 0, d = 0;
    char tail = 0;
    if (text.size() != 10 || std::sscanf(text.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
        throw BadInput(field + ": '" + text + "' is not a date (YYYY-MM-DD)");
    chr::year_month_day ymd{chr::year{y}, chr::month{unsigned(m)}, chr::day{unsigned(d)}};
    if (!ymd.ok() || y < 1900 || y > 2200) throw BadInput(field + ": '" + text + "' is not a date in the calendar");
    return int(chr::sys_days{ymd}.time_since_epoch().count());
}

std::string isoDay(Day day) {
    chr::year_month_day ymd{chr::sys_days{chr::days{day}}};
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", int(ymd.year()), unsigned(ymd.month()), unsigned(ymd.day()));
    return buf;
}

std::string displayDay(Day day, bool withYear) {
    static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    chr::year_month_day ymd{chr::sys_days{chr::days{day}}};
    std::string s = std::to_string(unsigned(ymd.day())) + " " + months[unsigned(ymd.month()) - 1];
    if (withYear) s += " " + std::to_string(int(ymd.year()));
    return s;
}

Day addMonths(Day day, int months) {
    chr::year_month_day ymd{chr::sys_days{chr::days{day}}};
    auto target = chr::year_month{ymd.year(), ymd.month()} + chr::months{months};
    auto last = chr::year_month_day_last{target.year(), chr::month_day_last{target.month()}};
    chr::day d = std::min(ymd.day(), last.day());
    return int(chr::sys_days{chr::year_month_day{target.year(), target.month(), d}}.time_since_epoch().count());
}

Day today() {
    auto now = chr::floor<chr::days>(chr::system_clock::now());
    // Local calendar day: the practitioner's "today".
    std::time_t t = std::time(nullptr);
    std::tm local{};
    localtime_r(&t, &local);
    chr::year_month_day ymd{chr::year{local.tm_year + 1900}, chr::month{unsigned(local.tm_mon + 1)},
                            chr::day{unsigned(local.tm_mday)}};
    return ymd.ok() ? int(chr::sys_days{ymd}.time_since_epoch().count()) : int(now.time_since_epoch().count());
}

int ageInMonths(Day birth, Day day) {
    chr::year_month_day b{chr::sys_days{chr::days{birth}}}, d{chr::sys_days{chr::days{day}}};
    int months = (int(d.year()) - int(b.year())) * 12 + (int(unsigned(d.month())) - int(unsigned(b.month())));
    if (unsigned(d.day()) < unsigned(b.day())) --months;
    return months;
}

std::string familyDay(Day day, Day today) {
    static const char* weekdays[] = {"Thursday", "Friday", "Saturday", "Sunday", "Monday", "Tuesday", "Wednesday"};
    static const char* months[] = {"January", "February", "March",     "April",   "May",      "June",
                                   "July",    "August",   "September", "October", "November", "December"};
    chr::year_month_day ymd{chr::sys_days{chr::days{day}}}, now{chr::sys_days{chr::days{today}}};
    std::string s = std::string(weekdays[((day % 7) + 7) % 7]) + " " + std::to_string(unsigned(ymd.day())) + " " +
                    months[unsigned(ymd.month()) - 1];
    if (ymd.year() != now.year()) s += " " + std::to_string(int(ymd.year()));
    return s;
}

std::string ageText(Day birth, Day day) {
    int months = ageInMonths(birth, day);
    auto plural = [](int n, const char* unit) { return std::to_string(n) + " " + unit + (n == 1 ? "" : "s"); };
    if (months < 24) return plural(std::max(0, months), "month");
    int years = months / 12, rest = months % 12;
    return rest ? plural(years, "year") + " " + plural(rest, "month") : plural(years, "year");
}

// --------------------------------------------------------------- protocol --

namespace {

std::vector<std::string> strings(const json& j, const char* key) {
    std::vector<std::string> out;
    for (const json& s : j.value(key, json::array())) out.push_back(s.get<std::string>());
    return out;
}

StepDef stepFrom(const json& j) {
    StepDef s;
    s.title = j.value("title", "");
    s.portion = j.value("portion", "");
    s.examples = strings(j, "examples");
    for (const json& d : j.at("doses")) s.doses.push_back(d.get<double>());
    s.amounts = strings(j, "amounts");
    s.daysPerDose = j.at("days_per_dose");
    return s;
}

// A format 1 protocol does not say what its foods are: the triage still runs,
// on what the food's id and name say ("dairy", "Cow's milk" -> milk).
std::string allergenOf(const json& food) {
    if (food.contains("allergen")) return food["allergen"] == "none" ? std::string() : food["allergen"].get<std::string>();
    std::string text = food.value("id", "") + " " + food.value("label", "");
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    static const std::pair<const char*, const char*> words[] = {
        {"peanut", "peanut"}, {"sesame", "sesame"}, {"shellfish", "shellfish"}, {"prawn", "shellfish"},
        {"fish", "fish"},     {"milk", "milk"},     {"dairy", "milk"},          {"egg", "egg"},
        {"gluten", "wheat"},  {"wheat", "wheat"},   {"soy", "soy"},             {"nut", "tree_nut"}};
    for (auto [word, allergen] : words)
        if (text.find(word) != std::string::npos) return allergen;
    return {};
}

Rule ruleFrom(const json& j) {
    return Rule{j.at("action"), j.value("hold_days", 0), j.value("wait_days", 0), j.value("retry_after_months", 0),
                j.value("advice", "")};
}

}  // namespace

const char* kPoemId() { return "org.nourish.instrument.poem"; }

Protocol Protocol::fromJson(const json& d) {
    Protocol p;
    p.document = d;
    p.id = d.at("id");
    p.version = d.at("version");
    p.format = d.value("format", 1);
    p.title = d.at("title");
    p.familyTitle = d.value("family_title", "");
    p.summary = d.value("summary", "");
    p.plugin = d.value("plugin", "");
    p.audience = strings(d, "audience");
    p.instruments = d.contains("instruments") ? strings(d, "instruments") : std::vector<std::string>{kPoemId()};
    for (const json& ph : d.at("phases"))
        p.phases.push_back({ph.at("kind"), ph.at("title"), ph.value("family_text", ""), ph.value("default_days", 0),
                            ph.value("min_days", 0), ph.value("max_days", 3650), ph.value("review", false)});
    for (const json& f : d.at("foods"))
        p.foods.push_back({f.at("id"), f.at("label"), strings(f, "hidden_sources"), allergenOf(f), f.value("note", ""),
                           f.value("by_default", true)});
    for (const json& c : d.at("challenges")) {
        ChallengeDef ch;
        ch.food = c.at("food");
        ch.ladder = c.at("method") == "ladder";
        ch.setting = c.value("setting", "home");  // unstated: treated as home, so that triage applies
        ch.forWhom = c.value("for", "any");
        if (c.contains("triage")) {
            ch.testFirstIf = strings(c["triage"], "test_first_if");
            ch.warnIf = strings(c["triage"], "warn_if");
        }
        if (ch.ladder) {
            for (const json& s : c.at("steps")) ch.steps.push_back(stepFrom(s));
        } else {
            StepDef s = stepFrom(c);
            const FoodDef* f = p.food(ch.food);
            s.title = f ? f->label : ch.food;
            ch.steps.push_back(s);
        }
        p.challenges.push_back(std::move(ch));
    }
    if (d.contains("min_age_months"))  // format 1: the age at the first challenge
        p.rules.push_back({"min-age", "min_age", d["min_age_months"].get<int>(), "", 0,
                           p.title + " starts at " + std::to_string(d["min_age_months"].get<int>()) + " months", ""});
    for (const json& r : d.value("rules", json::array()))
        p.rules.push_back({r.at("id"), r.at("kind"), r.at("months"), r.value("food", ""), r.value("from_step", 1) - 1,
                           r.at("text"), r.value("source", "")});
    p.observationDays = d.at("observation_days");
    p.washoutDays = d.at("washout_days");
    const json& reactions = d.at("reactions");
    p.delayedMild = ruleFrom(reactions.contains("delayed_mild") ? reactions["delayed_mild"] : reactions.at("mild"));
    p.delayedModerate =
        ruleFrom(reactions.contains("delayed_moderate") ? reactions["delayed_moderate"] : reactions.at("reaction"));
    p.ifReacts = d.value("if_reacts", "");
    p.references = strings(d, "references");
    p.reviewed = d.value("reviewed", "");
    p.licence = d.value("licence", "");
    return p;
}

const FoodDef* Protocol::food(const std::string& id) const {
    for (const FoodDef& f : foods)
        if (f.id == id) return &f;
    return nullptr;
}

const ChallengeDef* Protocol::challenge(const std::string& food) const {
    for (const ChallengeDef& c : challenges)
        if (c.food == food) return &c;
    return nullptr;
}

const PhaseDef* Protocol::phase(const std::string& kind) const {
    for (const PhaseDef& p : phases)
        if (p.kind == kind) return &p;
    return nullptr;
}

std::vector<std::string> Protocol::defaultOrder() const {
    std::vector<std::string> order;
    for (const ChallengeDef& c : challenges) order.push_back(c.food);
    for (const FoodDef& f : foods)
        if (!challenge(f.id)) order.push_back(f.id);
    return order;
}

std::vector<std::string> Protocol::defaultFoods() const {
    std::vector<std::string> chosen;
    for (const std::string& id : defaultOrder())
        if (food(id)->byDefault) chosen.push_back(id);
    return chosen;
}

const Override* Plan::overrideFor(const std::string& rule, const std::string& food) const {
    for (const Override& o : overrides)
        if (o.rule == rule && o.food == food) return &o;
    return nullptr;
}

// --------------------------------------------------------------- outcomes --

const char* toString(Reaction reaction) {
    switch (reaction) {
        case Reaction::None: return "tolerated";
        case Reaction::Immediate: return "immediate";
        case Reaction::Fpies: return "fpies";
        case Reaction::DelayedMild: return "delayed-mild";
        case Reaction::DelayedModerate: return "delayed-moderate";
        case Reaction::Unknown: return "reaction";
    }
    return "tolerated";
}

std::optional<Reaction> reactionFrom(const std::string& text) {
    for (Reaction r : {Reaction::None, Reaction::Immediate, Reaction::Fpies, Reaction::DelayedMild,
                       Reaction::DelayedModerate, Reaction::Unknown})
        if (text == toString(r)) return r;
    return std::nullopt;
}

std::string describe(Reaction reaction) {
    switch (reaction) {
        case Reaction::None: return "no reaction";
        case Reaction::Immediate: return "an immediate-type reaction";
        case Reaction::Fpies: return "an FPIES-like reaction";
        case Reaction::DelayedMild: return "a mild delayed reaction";
        case Reaction::DelayedModerate: return "a moderate delayed reaction";
        case Reaction::Unknown: return "a reaction of unrecorded type";
    }
    return "a reaction";
}

// --------------------------------------------------------------- schedule --

const char* toString(BlockState state) {
    switch (state) {
        case BlockState::Planned: return "planned";
        case BlockState::Current: return "current";
        case BlockState::AwaitingDecision: return "awaiting-decision";
        case BlockState::Tolerated: return "tolerated";
        case BlockState::Reacted: return "reacted";
        case BlockState::Held: return "held";
        case BlockState::Stopped: return "stopped";
        case BlockState::Paused: return "paused";
    }
    return "planned";
}

const char* toString(FoodState state) {
    switch (state) {
        case FoodState::Avoiding: return "avoiding";
        case FoodState::Scheduled: return "challenge-scheduled";
        case FoodState::Challenging: return "challenging";
        case FoodState::AwaitingDecision: return "decision-due";
        case FoodState::Tolerated: return "tolerated";
        case FoodState::Reintroduced: return "reintroduced";
        case FoodState::Reacted: return "reacted";
        case FoodState::Referred: return "stopped-refer";
        case FoodState::Skipped: return "skipped";
        case FoodState::Paused: return "paused";
        case FoodState::AwaitingReview: return "review-due";
        case FoodState::BackInDiet: return "back-in-diet";
    }
    return "avoiding";
}

double Block::doseOn(Day day) const {
    if (!scheduled(start)) return 0;
    int offset = day - start;
    if (offset < 0 || day > lastDose) return 0;
    if (outcome && !outcome->tolerated() && day >= outcome->date) return 0;  // nothing more after a reaction
    size_t index = size_t(offset / daysPerDose);
    return index < doses.size() ? doses[index] : 0;
}

namespace {
std::string shareOfPortion(double dose, bool ladder) {
    auto near = [&](double v) { return std::abs(dose - v) < 1e-6; };
    if (ladder || dose < 1) {
        std::string amount = near(0.25) ? "a quarter" : near(0.5) ? "half" : near(0.75) ? "three quarters"
                             : near(1)  ? "a whole portion"
                                        : std::to_string(int(std::lround(dose * 100))) + "% of a portion";
        return dose < 1 - 1e-6 ? amount + " of a portion" : amount;
    }
    return near(1) ? "one portion" : near(2) ? "double portion" : near(3) ? "triple portion"
                                                                           : std::to_string(int(std::lround(dose))) + " portions";
}
}  // namespace

std::string Block::amountOn(Day day) const {
    double dose = doseOn(day);
    if (dose <= 0) return {};
    size_t index = size_t((day - start) / daysPerDose);
    if (index < amounts.size()) return amounts[index];
    return shareOfPortion(dose, ladder);
}

const PhaseSpan* Schedule::phase(const std::string& kind) const {
    for (const PhaseSpan& p : phases)
        if (p.kind == kind) return &p;
    return nullptr;
}

const PhaseSpan* Schedule::phaseOn(Day day) const {
    for (const PhaseSpan& p : phases)
        if (day >= p.start && day <= p.end) return &p;
    return nullptr;
}

const Block* Schedule::blockOn(Day day) const {
    for (const Block& b : blocks) {
        if (!scheduled(b.start) || day < b.start || day > b.end) continue;
        if (b.outcome && !b.outcome->tolerated() && day >= b.outcome->date) continue;  // stopped that day
        return &b;
    }
    return nullptr;
}

const FoodStatus* Schedule::food(const std::string& id) const {
    for (const FoodStatus& f : foods)
        if (f.food == id) return &f;
    return nullptr;
}

namespace {

// Calendar days in a pause are not plan days; an open pause never ends.
struct Calendar {
    std::vector<std::pair<Day, Day>> paused;  // inclusive ranges, sorted

    explicit Calendar(const std::vector<Pause>& pauses) {
        for (const Pause& p : pauses) {
            Day last = p.resumed ? *p.resumed - 1 : kUnscheduled;
            if (last >= p.from) paused.emplace_back(p.from, last);
        }
        std::sort(paused.begin(), paused.end());
    }
    // The first plan day on or after d (kUnscheduled inside an open pause).
    Day active(Day d) const {
        if (d >= kUnscheduled) return kUnscheduled;
        for (auto& [from, to] : paused)
            if (d >= from && d <= to) d = to + 1;
        return std::min(d, kUnscheduled);
    }
    // The day `days` plan days after start (start counts as the first).
    Day after(Day start, int days) const {
        Day d = active(start);
        for (int i = 1; i < days && d < kUnscheduled; ++i) d = active(d + 1);
        return d;
    }
    // The first pause that overlaps [from, to], if any.
    const std::pair<Day, Day>* overlap(Day from, Day to) const {
        for (auto& range : paused)
            if (range.first <= to && range.second >= from) return &range;
        return nullptr;
    }
};

int blockLength(const StepDef& s, int observation) { return int(s.doses.size()) * s.daysPerDose + observation; }

}  // namespace

Schedule computeSchedule(const Protocol& protocol, const Plan& plan, Day today) {
    Schedule schedule;
    Calendar calendar(plan.pauses);
    for (const Pause& p : plan.pauses)
        if (!p.resumed) {
            schedule.pausedFrom = p.from;
            schedule.paused = p.from <= today;
        }

    auto days = [&](const PhaseDef& ph) {
        auto it = plan.phaseDays.find(ph.kind);
        return it != plan.phaseDays.end() ? it->second : ph.defaultDays;
    };
    Day cursor = plan.start;
    bool awaitingReview = false, noImprovement = false;
    for (const PhaseDef& ph : protocol.phases) {
        if (ph.kind == "reintroduction" || ph.kind == "maintenance") break;
        int n = days(ph);
        PhaseSpan span{ph.kind, ph.title, calendar.active(cursor), 0};
        span.end = n > 0 ? calendar.after(cursor, n) : span.start - 1;
        if (ph.review) {
            if (plan.review) {
                // The elimination lasts until the review, early or late.
                span.end = std::max(span.start, plan.review->date);
                noImprovement = plan.review->outcome == "no-improvement";
            } else {
                awaitingReview = true;
                if (scheduled(span.end)) {
                    schedule.reviewDueOn = span.end;
                    schedule.reviewDue = today > span.end;
                }
            }
        }
        schedule.phases.push_back(span);
        if (n > 0 || span.end >= span.start) cursor = span.end + 1;
    }

    // Reintroduction: one block at a time, in order.
    Day reintroStart = calendar.active(cursor);
    struct Queued {
        std::string food;
        int step;
        Day notBefore;
        int attempt;
    };
    std::deque<Queued> queue;
    if (!awaitingReview && !noImprovement)
        for (const std::string& f : plan.foods)
            if (!plan.skipped.count(f) && protocol.challenge(f)) queue.push_back({f, 0, reintroStart, 1});
    std::vector<bool> used(plan.outcomes.size(), false);

    while (!queue.empty()) {
        Queued q = queue.front();
        queue.pop_front();
        const ChallengeDef& ch = *protocol.challenge(q.food);
        const StepDef& def = ch.steps[size_t(q.step)];
        Block b;
        b.food = q.food;
        b.step = q.step;
        b.steps = int(ch.steps.size());
        b.ladder = ch.ladder;
        b.title = def.title;
        b.portion = def.portion;
        b.doses = def.doses;
        b.amounts = def.amounts;
        b.daysPerDose = def.daysPerDose;
        b.attempt = q.attempt;
        b.setting = ch.setting;
        int length = blockLength(def, protocol.observationDays);

        // The facts recorded for this food and step, in order: mild symptoms
        // the protocol continues through are kept with the block; the first
        // other one decides it.
        const Rule* rule = nullptr;
        std::optional<size_t> deciding;
        std::vector<size_t> notes;
        for (size_t i = 0; i < plan.outcomes.size() && !deciding; ++i) {
            const Outcome& o = plan.outcomes[i];
            if (used[i] || o.food != q.food || o.step != q.step) continue;
            if (!o.tolerated() && !o.stopsTheFood()) {
                const Rule& r = o.reaction == Reaction::DelayedMild ? protocol.delayedMild : protocol.delayedModerate;
                if (r.action == "continue") {
                    notes.push_back(i);
                    continue;
                }
                rule = &r;
            }
            deciding = i;
        }

        Day s = calendar.active(std::max(cursor, q.notBefore));
        // A pause inside an undecided challenge restarts it after the pause; a
        // pause after the day it was decided changes nothing.
        auto lastDay = [&](Day from) {
            Day end = from + length - 1;
            return deciding ? std::min(end, plan.outcomes[*deciding].date) : end;
        };
        while (scheduled(s))
            if (const auto* range = calendar.overlap(s, lastDay(s))) s = calendar.active(range->second + 1);
            else break;
        if (deciding) s = std::min(s, plan.outcomes[*deciding].date);  // a fact is never moved after itself
        b.start = s;
        b.lastDose = scheduled(s) ? s + int(def.doses.size()) * def.daysPerDose - 1 : kUnscheduled;
        b.end = scheduled(s) ? s + length - 1 : kUnscheduled;
        for (size_t i : notes) {
            used[i] = true;
            b.notes.push_back(plan.outcomes[i]);
        }

        bool more = ch.ladder && q.step + 1 < int(ch.steps.size());
        if (deciding) {
            used[*deciding] = true;
            const Outcome& o = plan.outcomes[*deciding];
            b.outcome = o;
            b.end = o.date;
            if (o.tolerated()) {
                b.state = BlockState::Tolerated;
                cursor = b.end + 1 + (more ? 0 : protocol.washoutDays);
                if (more) queue.push_front({q.food, q.step + 1, cursor, 1});
            } else if (o.stopsTheFood()) {
                // Not the protocol's to decide: stopped for good, the child referred.
                b.state = BlockState::Stopped;
                cursor = b.end + 1 + protocol.delayedModerate.waitDays;
            } else if (rule->action == "hold") {
                b.state = BlockState::Held;
                b.holdUntil = o.date + rule->holdDays;
                cursor = *b.holdUntil + 1;
                queue.push_front({q.food, q.step, cursor, q.attempt + 1});
            } else {
                b.state = BlockState::Reacted;
                cursor = b.end + 1 + rule->waitDays;
                if (rule->retryAfterMonths > 0) {
                    b.retryAfter = addMonths(o.date, rule->retryAfterMonths);
                    queue.push_back({q.food, q.step, *b.retryAfter, q.attempt + 1});
                }
            }
        } else if (!scheduled(s)) {
            b.state = BlockState::Paused;
            cursor = kUnscheduled;
            if (more) queue.push_front({q.food, q.step + 1, cursor, 1});
        } else {
            b.state = today < b.start ? BlockState::Planned
                      : today <= b.end ? BlockState::Current
                                       : BlockState::AwaitingDecision;
            cursor = b.end + 1 + (more ? 0 : protocol.washoutDays);
            // Nothing moves on until the practitioner decides.
            if (b.state == BlockState::AwaitingDecision) cursor = std::max(cursor, today + 1);
            if (more) queue.push_front({q.food, q.step + 1, cursor, 1});
        }
        schedule.blocks.push_back(std::move(b));
    }
    for (size_t i = 0; i < used.size(); ++i)
        if (!used[i]) schedule.lostOutcomes.push_back(i);

    Day reintroEnd = reintroStart - 1;
    for (const Block& b : schedule.blocks) reintroEnd = std::max(reintroEnd, b.end);
    if (!schedule.blocks.empty()) reintroEnd = std::max(reintroEnd, std::min(cursor, kUnscheduled) - 1);
    if (awaitingReview || noImprovement) reintroEnd = reintroStart - 1;
    reintroEnd = std::min(reintroEnd, kUnscheduled);
    if (const PhaseDef* ph = protocol.phase("reintroduction"))
        schedule.phases.push_back({ph->kind, ph->title, reintroStart, reintroEnd});
    schedule.reintroductionEnd = reintroEnd;
    Day end = reintroEnd;
    if (const PhaseDef* ph = protocol.phase("maintenance"); ph && !awaitingReview && !noImprovement) {
        int n = days(*ph);
        Day from = scheduled(reintroEnd) ? reintroEnd + 1 : kUnscheduled;
        PhaseSpan span{ph->kind, ph->title, calendar.active(from), 0};
        span.end = n > 0 ? calendar.after(from, n) : span.start - 1;
        schedule.phases.push_back(span);
        end = std::max(end, span.end);
    }
    if (awaitingReview && schedule.reviewDueOn) end = std::max(end, *schedule.reviewDueOn);
    if (noImprovement) end = plan.review->date;
    schedule.end = std::min(end, kUnscheduled);
    if (today < plan.start) schedule.currentPhase = "not-started";
    else if (schedule.paused) schedule.currentPhase = "paused";
    else if (const PhaseSpan* now = schedule.phaseOn(today)) schedule.currentPhase = now->kind;
    else if (awaitingReview) schedule.currentPhase = "review-due";
    else if (today > schedule.end) schedule.currentPhase = "finished";

    // Per-food status.
    bool maintenance = scheduled(reintroEnd) && today > reintroEnd;
    for (const std::string& id : plan.foods) {
        FoodStatus st;
        st.food = id;
        const FoodDef* def = protocol.food(id);
        st.label = def ? def->label : id;
        if (noImprovement) {
            st.state = FoodState::BackInDiet;
            st.text = "back in the diet: the elimination did not help (review on " + displayDay(plan.review->date) + ")";
            schedule.foods.push_back(st);
            continue;
        }
        if (plan.skipped.count(id) || !protocol.challenge(id)) {
            st.state = FoodState::Skipped;
            st.text = protocol.challenge(id) ? "skipped: still avoided" : "avoided (no challenge in this protocol)";
            schedule.foods.push_back(st);
            continue;
        }
        if (awaitingReview) {
            st.state = FoodState::AwaitingReview;
            st.text = schedule.reviewDueOn && today > *schedule.reviewDueOn
                          ? "avoiding: the review of the elimination is due (it ended on " + displayDay(*schedule.reviewDueOn) + ")"
                          : "avoiding until the review" + (schedule.reviewDueOn ? " on " + displayDay(*schedule.reviewDueOn) : std::string());
            schedule.foods.push_back(st);
            continue;
        }
        const Block* last = nullptr;
        const Block* upcoming = nullptr;
        const Block* reacted = nullptr;
        const Block* stopped = nullptr;
        const Block* held = nullptr;
        const Block* paused = nullptr;
        for (const Block& b : schedule.blocks) {
            if (b.food != id) continue;
            if (b.state == BlockState::Reacted) reacted = &b;
            if (b.state == BlockState::Stopped) stopped = &b;
            if (b.state == BlockState::Held) held = &b;
            if (b.state == BlockState::Current || b.state == BlockState::AwaitingDecision) last = &b;
            if (b.state == BlockState::Planned && !upcoming) upcoming = &b;
            if (b.state == BlockState::Paused && !paused) paused = &b;
        }
        auto stepText = [](const Block& b) {
            return b.ladder ? "step " + std::to_string(b.step + 1) + " of " + std::to_string(b.steps) + " (" +
                                  b.title + ")"
                            : std::string();
        };
        if (stopped) {
            st.state = FoodState::Referred;
            st.text = "stopped after " + describe(stopped->outcome->reaction) + " on " +
                      displayDay(stopped->outcome->date) + ": keep avoiding; refer for specialist assessment";
        } else if (last && last->state == BlockState::Current) {
            st.state = FoodState::Challenging;
            st.text = "challenging (day " + std::to_string(today - last->start + 1) + " of " +
                      std::to_string(last->length()) + ")";
            if (last->ladder) st.text += ", " + stepText(*last);
        } else if (last) {
            st.state = FoodState::AwaitingDecision;
            st.text = "decision due: the challenge ended on " + displayDay(last->end);
            if (last->ladder) st.text += ", " + stepText(*last);
        } else if (paused) {
            st.state = FoodState::Paused;
            st.text = "paused: the challenge" + (paused->ladder ? ", " + stepText(*paused) + "," : std::string()) +
                      " starts again when the plan resumes";
        } else if (upcoming) {
            st.next = upcoming->start;
            if (held && held->holdUntil && upcoming->step == held->step && upcoming->start > today) {
                st.state = FoodState::Scheduled;
                st.text = "mild symptoms on " + displayDay(held->outcome->date) + ": same amount until " +
                          displayDay(*held->holdUntil) + ", then " + stepText(*upcoming) + " again";
            } else if (reacted && reacted->retryAfter) {
                st.state = FoodState::Reacted;
                st.retryAfter = reacted->retryAfter;
                st.text = "reacted on " + displayDay(reacted->outcome->date) + " (retry after " +
                          displayDay(*reacted->retryAfter) + ")";
                if (reacted->ladder && reacted->step > 0)
                    st.text += "; stays at step " + std::to_string(reacted->step) + " until then";
            } else {
                bool started = std::any_of(schedule.blocks.begin(), schedule.blocks.end(), [&](const Block& b) {
                    return b.food == id && b.decided();
                });
                st.state = today < reintroStart && !started ? FoodState::Avoiding : FoodState::Scheduled;
                st.text = (st.state == FoodState::Avoiding ? "avoiding; challenge from " : "challenge scheduled for ") +
                          displayDay(upcoming->start);
                if (upcoming->ladder) st.text += ", " + stepText(*upcoming);
            }
        } else if (reacted) {
            st.state = FoodState::Reacted;
            st.text = "reacted on " + displayDay(reacted->outcome->date) + ": keep avoiding";
        } else {
            st.state = maintenance ? FoodState::Reintroduced : FoodState::Tolerated;
            st.text = maintenance ? "reintroduced" : "tolerated";
        }
        schedule.foods.push_back(st);
    }
    return schedule;
}

json Schedule::toJson(const Protocol& protocol) const {
    auto day = [](Day d) { return scheduled(d) ? json(isoDay(d)) : json(nullptr); };
    json j;
    j["protocol_id"] = protocol.id;
    j["current_phase"] = currentPhase;
    j["paused"] = paused;
    if (pausedFrom) j["paused_from"] = isoDay(*pausedFrom);
    if (reviewDueOn) j["review_due_on"] = isoDay(*reviewDueOn);
    j["end"] = day(end);
    j["phases"] = json::array();
    for (const PhaseSpan& p : phases)
        j["phases"].push_back({{"kind", p.kind}, {"title", p.title}, {"start", day(p.start)}, {"end", day(p.end)},
                               {"days", scheduled(p.end) ? json(std::max(0, p.end - p.start + 1)) : json(nullptr)}});
    j["challenges"] = json::array();
    for (const Block& b : blocks) {
        json doses = json::array();
        if (scheduled(b.start))
            for (size_t i = 0; i < b.doses.size(); ++i) {
                Day on = b.start + int(i) * b.daysPerDose;
                json dose = {{"date", isoDay(on)}, {"dose", b.doses[i]}};
                if (i < b.amounts.size()) dose["amount"] = b.amounts[i];
                doses.push_back(dose);
            }
        json item = {{"food", b.food},         {"step", b.step},          {"steps", b.steps},
                     {"title", b.title},       {"portion", b.portion},    {"attempt", b.attempt},
                     {"setting", b.setting},   {"start", day(b.start)},   {"last_dose", day(b.lastDose)},
                     {"end", day(b.end)},      {"state", toString(b.state)}, {"doses", doses}};
        if (b.outcome) item["outcome"] = {{"result", toString(b.outcome->reaction)}, {"date", isoDay(b.outcome->date)}};
        if (b.retryAfter) item["retry_after"] = isoDay(*b.retryAfter);
        if (b.holdUntil) item["hold_until"] = isoDay(*b.holdUntil);
        j["challenges"].push_back(item);
    }
    j["foods"] = json::array();
    for (const FoodStatus& f : foods) {
        json item = {{"food", f.food}, {"label", f.label}, {"status", toString(f.state)}, {"text", f.text}};
        if (f.next && scheduled(*f.next)) item["next"] = isoDay(*f.next);
        if (f.retryAfter) item["retry_after"] = isoDay(*f.retryAfter);
        j["foods"].push_back(item);
    }
    return j;
}

void checkOutcome(const Protocol& protocol, const Plan& plan, Outcome& outcome, Day today) {
    if (std::find(plan.foods.begin(), plan.foods.end(), outcome.food) == plan.foods.end())
        throw BadInput("food: '" + outcome.food + "' is not in this plan");
    if (plan.skipped.count(outcome.food)) throw BadInput("food: '" + outcome.food + "' was skipped in this plan");
    if (!protocol.challenge(outcome.food))
        throw BadInput("food: '" + outcome.food + "' has no challenge in " + protocol.title);
    if (outcome.date > today) throw BadInput("date: " + isoDay(outcome.date) + " is in the future");
    Schedule s = computeSchedule(protocol, plan, today);
    const Block* open = nullptr;
    for (const Block& b : s.blocks)
        if (b.food == outcome.food && !b.decided()) {
            open = &b;
            break;
        }
    if (!open) {
        for (const Block& b : s.blocks)
            if (b.food == outcome.food && b.state == BlockState::Stopped)
                throw BadInput("food: " + b.title + " was stopped after " + describe(b.outcome->reaction) +
                               "; it is not challenged again on this plan");
        throw BadInput("food: the challenge of '" + outcome.food + "' is already decided");
    }
    if (open->state == BlockState::Paused)
        throw BadInput("date: the plan is paused; the " + open->title + " challenge has no date until it resumes");
    if (outcome.date < open->start)
        throw BadInput("date: the " + open->title + " challenge starts on " + isoDay(open->start) + "; " +
                       isoDay(outcome.date) + " is outside it");
    outcome.step = open->step;
}

void checkReview(const Protocol& protocol, const Plan& plan, const Review& review, Day today) {
    const PhaseDef* elimination = nullptr;
    for (const PhaseDef& ph : protocol.phases)
        if (ph.review) elimination = &ph;
    if (!elimination) throw BadInput("review: " + protocol.title + " has no review at the end of its elimination");
    if (review.outcome != "improved" && review.outcome != "no-improvement")
        throw BadInput("outcome: '" + review.outcome + "' is not one of improved, no-improvement");
    if (review.date > today) throw BadInput("date: " + isoDay(review.date) + " is in the future");
    if (plan.review)
        throw BadInput("review: the elimination was already reviewed on " + isoDay(plan.review->date) + " (" +
                       plan.review->outcome + ")");
    Plan without = plan;
    Schedule s = computeSchedule(protocol, without, today);
    const PhaseSpan* span = s.phase(elimination->kind);
    if (span && review.date < span->start)
        throw BadInput("date: the " + elimination->title + " phase starts on " + isoDay(span->start) + "; " +
                       isoDay(review.date) + " is before it");
    if (review.note.size() > 4000) throw BadInput("note: longer than 4000 characters");
}

void checkFactsKept(const Schedule& before, const Schedule& after, const Plan& plan) {
    for (size_t i : after.lostOutcomes)
        if (std::find(before.lostOutcomes.begin(), before.lostOutcomes.end(), i) == before.lostOutcomes.end()) {
            const Outcome& o = plan.outcomes[i];
            throw BadInput("change: it would lose the outcome recorded for " + o.food + " on " + isoDay(o.date) +
                           "; what happened stays");
        }
    for (const Block& b : before.blocks) {
        if (!b.decided()) continue;
        bool kept = std::any_of(after.blocks.begin(), after.blocks.end(), [&](const Block& a) {
            return a.food == b.food && a.step == b.step && a.attempt == b.attempt && a.start == b.start &&
                   a.end == b.end && a.state == b.state;
        });
        if (!kept)
            throw BadInput("change: it would move " + b.title + ", decided on " + isoDay(b.outcome->date) +
                           "; what happened stays where it happened");
    }
}

// ------------------------------------------------------------- the child --

AllergyHistory AllergyHistory::fromJson(const json& d) {
    AllergyHistory h;
    auto date = [](const json& j) -> std::optional<Day> {
        if (!j.contains("date") || !j["date"].is_string()) return std::nullopt;
        try {
            return parseDay(j["date"].get<std::string>());
        } catch (const BadInput&) {
            return std::nullopt;
        }
    };
    for (const json& f : d.value("facts", json::array()))
        h.facts.push_back({f.value("kind", ""), f.value("answer", false), f.value("source", "")});
    for (const json& r : d.value("reactions", json::array()))
        h.reactions.push_back({r.value("allergen", ""), r.value("label", r.value("allergen", "")), r.value("onset", "unknown"),
                               strings(r, "signs"), r.value("anaphylaxis", false), date(r), r.value("source", "")});
    for (const json& t : d.value("tests", json::array()))
        h.tests.push_back({t.value("allergen", ""), t.value("kind", ""), t.value("result", ""), date(t),
                           t.value("value", ""), t.value("source", "")});
    for (const json& p : d.value("problems", json::array())) h.problems.push_back(p.get<std::string>());
    return h;
}

const AllergyHistory::Fact* AllergyHistory::yes(const std::string& kind) const {
    const Fact* found = nullptr;
    for (const Fact& f : facts)
        if (f.kind == kind && f.answer) found = &f;
    return found;
}

namespace {

const std::set<std::string> kImmediateSigns = {"hives", "swelling", "wheeze", "repeated_vomiting", "pale_floppy"};

std::string signText(const std::string& sign) {
    static const std::map<std::string, std::string> names = {
        {"hives", "hives"},           {"swelling", "swelling of the lips, face or eyes"},
        {"wheeze", "wheeze or difficulty breathing"}, {"repeated_vomiting", "repeated vomiting"},
        {"pale_floppy", "pallor or floppiness"}, {"eczema_flare", "an eczema flare"},
        {"loose_stools", "loose stools"}, {"reflux", "reflux"}, {"other", "other signs"}};
    auto it = names.find(sign);
    return it != names.end() ? it->second : sign;
}

std::string onsetText(const std::string& onset) {
    if (onset == "minutes") return "within minutes";
    if (onset == "within_2_hours") return "within 2 hours";
    if (onset == "later_same_day") return "later the same day";
    if (onset == "next_day_or_later") return "the next day or later";
    return "onset not known";
}

// Body systems a reaction touched: skin, breathing, gut, circulation.
int systemsOf(const AllergyHistory::Reaction& r) {
    std::set<std::string> systems;
    for (const std::string& s : r.signs) {
        if (s == "hives" || s == "swelling" || s == "eczema_flare") systems.insert("skin");
        if (s == "wheeze") systems.insert("breathing");
        if (s == "repeated_vomiting" || s == "loose_stools" || s == "reflux") systems.insert("gut");
        if (s == "pale_floppy") systems.insert("circulation");
    }
    return int(systems.size());
}

std::string list(const std::vector<std::string>& items) {
    std::string out;
    for (size_t i = 0; i < items.size(); ++i) out += (i ? (i + 1 == items.size() ? " and " : ", ") : "") + items[i];
    return out;
}

}  // namespace

std::vector<Finding> checkPlan(const Protocol& protocol, const Plan& plan, const Schedule& schedule, const Child& child,
                               Day today) {
    std::vector<Finding> findings;
    auto add = [&](std::string rule, std::string food, bool blocking, std::string text, std::string source,
                   std::optional<Day> passes = std::nullopt) {
        Finding f;
        f.rule = std::move(rule);
        f.food = std::move(food);
        f.blocking = blocking;
        f.text = std::move(text);
        f.source = std::move(source);
        f.passesOn = passes;
        if (const Override* o = plan.overrideFor(f.rule, f.food)) f.overridden = *o;
        findings.push_back(std::move(f));
    };
    const std::string name = child.name.empty() ? "The child" : child.name;

    // Triage before every home challenge (NICE CG116 Table 1; iMAP 2017; BSACI 2021).
    for (const std::string& id : plan.foods) {
        const ChallengeDef* ch = protocol.challenge(id);
        const FoodDef* food = protocol.food(id);
        if (!ch || !food || plan.skipped.count(id) || food->allergen.empty()) continue;
        if (ch->setting != "home") continue;
        const std::string what = ch->ladder ? "the home " + food->label + " ladder" : "a home " + food->label + " challenge";
        bool ige = false;
        for (const AllergyHistory::Reaction& r : child.history.reactions) {
            if (r.allergen != food->allergen) continue;
            std::vector<std::string> red;
            for (const std::string& s : r.signs)
                if (kImmediateSigns.count(s)) red.push_back(signText(s));
            bool fast = r.onset == "minutes" || r.onset == "within_2_hours";
            if (r.anaphylaxis) {
                ige = true;
                add("triage.anaphylaxis", id, true,
                     r.source + " records anaphylaxis after " + r.label + ": " + what +
                         " is not safe; a supervised challenge in a specialist service only",
                     "NICE CG116 (2011) rec 1.1.1 and referral criteria; BSACI allergy action plan");
            } else if (fast || !red.empty()) {
                ige = true;
                std::string facts = fast ? onsetText(r.onset) : std::string();
                if (!red.empty()) facts += (facts.empty() ? "" : ", with ") + list(red);
                add("triage.immediate", id, true,
                     r.source + " records an immediate-type reaction to " + r.label + " (" + facts + "): " + what +
                         " needs medical supervision, or a recorded reason why it is safe",
                     "NICE CG116 (2011) rec 1.1.1, Table 1; iMAP (Venter et al. 2017), algorithm");
            }
        }
        for (const AllergyHistory::Test& t : child.history.tests) {
            if (t.allergen != food->allergen || t.result != "positive") continue;
            ige = true;
            add("triage.positive-test", id, true,
                 t.source + " records a positive " + (t.kind == "skin_prick" ? "skin-prick test" : "specific IgE test") +
                     (t.value.empty() ? "" : " (" + t.value + ")") + ": " + what +
                     " needs medical supervision, or a recorded reason why it is safe",
                 "iMAP (Venter et al. 2017), algorithm; NICE CG116 (2011)");
        }
        bool tested = std::any_of(child.history.tests.begin(), child.history.tests.end(),
                                  [&](const AllergyHistory::Test& t) { return t.allergen == food->allergen; });
        for (const std::string& condition : ch->testFirstIf) {
            if (condition != "current-eczema" || tested || ige) continue;
            if (const AllergyHistory::Fact* eczema = child.history.yes("current_eczema"))
                add("triage.test-first", id, true,
                     eczema->source + " records current eczema and no allergy test to " + food->label +
                         " is recorded: test (skin-prick or specific IgE) before " + what +
                         ", or record why it is safe without one",
                     "iMAP (Venter et al. 2017), algorithm: current atopic dermatitis");
        }
        for (const std::string& condition : ch->warnIf) {
            if (condition == "asthma")
                if (const AllergyHistory::Fact* asthma = child.history.yes("asthma"))
                    add("triage.asthma", id, false,
                         asthma->source + " records asthma: BSACI advises reintroduction guided by a specialist rather "
                                          "than at home for a child with asthma",
                         "BSACI egg allergy guideline (Leech et al. 2021), abstract");
            if (condition == "multi-system-reaction")
                for (const AllergyHistory::Reaction& r : child.history.reactions)
                    if (r.allergen == food->allergen && systemsOf(r) >= 2)
                        add("triage.multi-system", id, false,
                             r.source + " records a reaction to " + r.label + " touching more than one body system (" +
                                 list([&] {
                                     std::vector<std::string> s;
                                     for (const std::string& x : r.signs) s.push_back(signText(x));
                                     return s;
                                 }()) +
                                 "): consider a specialist before " + what,
                             "NICE CG116 (2011) rec 1.1.1: symptoms in more than one organ system");
        }
    }

    // Timing rules the protocol declares, on each challenge day still to come.
    for (const TimingRule& rule : protocol.rules) {
        for (const Block& b : schedule.blocks) {
            if (b.decided() || b.state == BlockState::Paused || !scheduled(b.start)) continue;
            if (!rule.food.empty() && b.food != rule.food) continue;
            if (b.step < rule.fromStep) continue;
            std::optional<Day> passes;
            std::string why;
            const std::string what = b.ladder ? "step " + std::to_string(b.step + 1) + " (" + b.title + ")" : b.title + " challenge";
            if (rule.kind == "min_age" && child.birth) {
                Day from = addMonths(*child.birth, rule.months);
                if (b.start < from) {
                    passes = from;
                    why = name + " would be " + ageText(*child.birth, b.start) + " old on " + displayDay(b.start) +
                          ", the first day of " + what;
                }
            } else if (rule.kind == "min_avoided") {
                Day from = addMonths(plan.avoidedSince(), rule.months);
                if (b.start < from) {
                    passes = from;
                    why = "the food has been avoided since " + displayDay(plan.avoidedSince()) + ", " +
                          std::to_string(b.start - plan.avoidedSince()) + " days before " + what + " on " +
                          displayDay(b.start);
                }
            } else if (rule.kind == "min_since_reaction") {
                std::optional<Day> last;
                const FoodDef* food = protocol.food(b.food);
                // The reactions that led to the plan; one on a step of the plan is
                // handled by the protocol's own rule (back a step, retry later).
                for (const AllergyHistory::Reaction& r : child.history.reactions)
                    if (food && r.allergen == food->allergen && r.date) last = std::max(last.value_or(*r.date), *r.date);
                if (last && b.start < addMonths(*last, rule.months)) {
                    passes = addMonths(*last, rule.months);
                    why = "the last reaction was on " + displayDay(*last) + ", " + std::to_string(b.start - *last) +
                          " days before " + what + " on " + displayDay(b.start);
                }
            }
            if (!passes) continue;
            add("age." + rule.id, rule.food, true, rule.text + ": " + why + "; the rule passes on " + displayDay(*passes),
                 rule.source, passes);
            break;  // the first challenge that breaks it says enough
        }
    }

    // Under 12 months: eliminating several foods, or egg or peanut, needs a reason.
    if (child.birth && ageInMonths(*child.birth, plan.start) < 12) {
        std::vector<std::string> removed, early;
        for (const std::string& id : plan.foods) {
            const FoodDef* f = protocol.food(id);
            if (!f || f->allergen.empty()) continue;
            removed.push_back(f->label);
            if (f->allergen == "egg" || f->allergen == "peanut") early.push_back(f->label);
        }
        if (removed.size() >= 2 || !early.empty())
            add("infant-elimination", "", true,
                 name + " is " + ageText(*child.birth, plan.start) + " old on " + displayDay(plan.start) +
                     " and the plan removes " + list(removed) +
                     (early.empty() ? std::string(": removing two or more foods from a baby's diet")
                                    : ": avoiding " + list(early) + " in infancy") +
                     " can harm growth and raises the risk of allergy; record why it is needed",
                 "NIAID addendum guidelines for the prevention of peanut allergy (Togias et al. 2017); AAAAI work group "
                 "report on atopic dermatitis and food allergy (Singh et al. 2022); NICE CG57 (2007)",
                 addMonths(*child.birth, 12));
    }

    // A mother who changes her diet for her breastfed baby: only a targeted
    // exclusion, with a dietitian, and her own calcium and vitamin D.
    if (plan.byMother)
        add("mother-exclusion", "", false,
             "The breastfeeding mother follows this plan: a maternal exclusion only when food allergy is strongly "
             "suspected, with a dietitian's supervision; her calcium (1,250 mg a day) and vitamin D (10 micrograms a "
             "day) are on the family's summary",
             "NICE CG57 (2007), identification and management of trigger factors (maternal exclusion); NHS dietetic "
             "leaflets on a milk-free diet while breastfeeding (calcium 1,250 mg, vitamin D 10 micrograms)");

    // Foods kept out of the diet for more than eight weeks need a dietitian's review.
    Day since = plan.avoidedSince();
    bool reviewed = std::any_of(plan.dietitianReviews.begin(), plan.dietitianReviews.end(),
                                [&](Day d) { return d >= since && d <= today; });
    if (today - since > 56 && !reviewed) {
        std::vector<std::string> still;
        for (const FoodStatus& f : schedule.foods) {
            const FoodDef* def = protocol.food(f.food);
            if (f.avoided() && def && !def->allergen.empty()) still.push_back(f.label);
        }
        if (!still.empty())
            add("dietitian-review", "", false,
                 list(still) + (still.size() == 1 ? " has" : " have") + " been avoided for " +
                     std::to_string((today - since) / 7) + " weeks (since " + displayDay(since) +
                     ") with no dietitian's review recorded: plan one so that calcium, protein and energy are covered",
                 "NICE CG57 (2007), identification and management of trigger factors: specialist dietary advice after "
                 "8 weeks of a cow's-milk-free diet; Nourish applies it to every food removed");
    }
    return findings;
}

// ------------------------------------------------------------ suggestions --

const Thresholds& thresholds() {
    static const Thresholds t;
    return t;
}

bool DiaryDay::looseStool() const {
    if (!stool) return false;
    return stoolScale == "infant" ? *stool >= 5 : *stool >= 6;
}

namespace {

std::optional<double> median(std::vector<double> v) {
    if (v.empty()) return std::nullopt;
    std::sort(v.begin(), v.end());
    size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::string one(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    std::string s = buf;
    if (s.size() > 2 && s.substr(s.size() - 2) == ".0") s.resize(s.size() - 2);
    return s;
}

struct Baseline {
    int days = 0;
    double itch = 0, sleep = 0;  // medians
    bool looseStools = false;
};

Baseline baselineOf(const std::vector<DiaryDay>& diary, Day from, Day to) {
    Baseline b;
    std::vector<double> itch, sleep;
    int loose = 0;
    for (const DiaryDay& d : diary) {
        if (d.day < from || d.day > to || !d.confounders.empty()) continue;
        ++b.days;
        if (d.itch) itch.push_back(*d.itch);
        if (d.sleep) sleep.push_back(*d.sleep);
        loose += d.looseStool();
    }
    b.itch = median(itch).value_or(0);
    b.sleep = median(sleep).value_or(0);
    b.looseStools = b.days && loose * 2 >= b.days;  // loose stools were the usual before
    return b;
}

}  // namespace

std::vector<Suggestion> suggestOutcomes(const Protocol&, const Schedule& schedule, const std::vector<DiaryDay>& diary,
                                        Day today) {
    const Thresholds& t = thresholds();
    std::vector<Suggestion> out;
    for (const Block& b : schedule.blocks) {
        if (!scheduled(b.start)) continue;
        std::string what = b.ladder ? b.title + " (step " + std::to_string(b.step + 1) + ")" : b.title;
        Suggestion s{"outcome", b.food, b.step, "", "", "engine"};
        // Immediate signs on a challenge day: stop and refer, at once, window or not.
        if (!b.decided() && today >= b.start) {
            for (const DiaryDay& d : diary) {
                if (d.day < b.start || d.day > std::min(b.end, today) || d.immediateSigns.empty()) continue;
                bool onlyVomiting = std::all_of(d.immediateSigns.begin(), d.immediateSigns.end(), [](const std::string& x) {
                    return x == "repeated_vomiting" || x == "pale_floppy";
                });
                bool vomited = std::find(d.immediateSigns.begin(), d.immediateSigns.end(), "repeated_vomiting") !=
                               d.immediateSigns.end();
                s.outcome = onlyVomiting && vomited ? "fpies" : "immediate";
                std::vector<std::string> signs;
                for (const std::string& x : d.immediateSigns) signs.push_back(signText(x));
                s.reason = what + ": the diary of " + displayDay(d.day, false) + " records " + list(signs) +
                           ": stop the food and refer for specialist assessment; never a home retry";
                break;
            }
            if (!s.outcome.empty()) {
                out.push_back(s);
                continue;
            }
        }
        if (b.state != BlockState::AwaitingDecision || today <= b.end) continue;
        Baseline before = baselineOf(diary, b.start - t.baselineDays, b.start - 1);
        int diaryDays = 0, confounded = 0, raised = 0, gut = 0;
        std::vector<double> itch, sleep;
        for (const DiaryDay& d : diary) {
            if (d.day < b.start || d.day > b.end) continue;
            ++diaryDays;
            if (!d.confounders.empty()) {
                ++confounded;
                continue;  // illness, teething, a vaccination or a new cream: not counted without her say
            }
            if (d.itch) itch.push_back(*d.itch);
            if (d.sleep) sleep.push_back(*d.sleep);
            bool stools = (d.looseStool() && !before.looseStools) || d.bloodOrMucus || d.vomiting;
            gut += stools;
            bool up = (d.itch && *d.itch >= before.itch + t.raisedBy) || (d.sleep && *d.sleep >= before.sleep + t.raisedBy) ||
                      stools || !d.flareAreas.empty();
            raised += up;
        }
        if (diaryDays * 2 < b.length()) {
            s.kind = "advice";
            s.reason = what + ": the diary has " + std::to_string(diaryDays) + " of " + std::to_string(b.length()) +
                       " days of the challenge; ask the family how it went before deciding";
            out.push_back(s);
            continue;
        }
        std::string basis = before.days ? "the " + std::to_string(before.days) + " diary days before (median itch " +
                                              one(before.itch) + ", sleep " + one(before.sleep) + ")"
                                        : "no diary days before";
        double itchRise = median(itch).value_or(before.itch) - before.itch;
        double sleepRise = median(sleep).value_or(before.sleep) - before.sleep;
        if (raised >= t.raisedDaysForReaction) {
            bool moderate = itchRise >= t.moderateBy || sleepRise >= t.moderateBy || gut >= 2;
            s.outcome = moderate ? "delayed-moderate" : "delayed-mild";
            s.reason = std::to_string(raised) + " of " + std::to_string(diaryDays - confounded) +
                       " diary days were worse than " + basis + "; over the challenge the median itch rose by " +
                       one(itchRise) + " and sleep disturbance by " + one(sleepRise) +
                       (gut ? ", with loose stools, blood or mucus, or vomiting on " + std::to_string(gut) + " day(s)" : "");
        } else {
            s.outcome = "tolerated";
            s.reason = (raised ? "one day worse than " : "no day worse than ") + basis + " over " +
                       std::to_string(diaryDays - confounded) + " diary days";
        }
        if (confounded)
            s.reason += "; " + std::to_string(confounded) +
                        " day(s) with illness, teething, a vaccination or a new cream were not counted — decide with "
                        "the family";
        s.reason = what + ": " + s.reason;
        out.push_back(s);
    }
    return out;
}

std::optional<Suggestion> suggestReview(const Protocol& protocol, const Schedule& schedule,
                                        const std::vector<DiaryDay>& diary, const std::vector<PoemPoint>& poem,
                                        Day today) {
    if (!schedule.reviewDueOn || today < *schedule.reviewDueOn) return std::nullopt;
    const PhaseSpan* elimination = nullptr;
    for (const PhaseDef& ph : protocol.phases)
        if (ph.review) elimination = schedule.phase(ph.kind);
    if (!elimination) return std::nullopt;
    const Thresholds& t = thresholds();
    Suggestion s{"review", "", 0, "", "", "engine"};
    std::optional<PoemPoint> first, last;
    for (const PoemPoint& p : poem) {
        if (p.day <= elimination->start + 6 && (!first || p.day >= first->day)) first = p;
        if (p.day >= elimination->start && p.day <= *schedule.reviewDueOn + 3) last = p;
    }
    Baseline start = baselineOf(diary, elimination->start - t.baselineDays, elimination->start + 6);
    Baseline end = baselineOf(diary, *schedule.reviewDueOn - t.baselineDays + 1, *schedule.reviewDueOn);
    std::string diaryText = start.days && end.days ? "median itch " + one(start.itch) + " in the first week and " +
                                                         one(end.itch) + " in the last"
                                                   : "too few diary days to compare";
    if (first && last && last->day > first->day) {
        double fall = first->total - last->total;
        bool improved = fall >= t.poemImportantChange;
        s.outcome = improved ? "improved" : "no-improvement";
        s.reason = "POEM " + one(first->total) + " on " + displayDay(first->day, false) + " and " + one(last->total) +
                   " on " + displayDay(last->day, false) + " (" + (fall >= 0 ? "fell by " + one(fall) : "rose by " + one(-fall)) +
                   "; a change of " + one(t.poemImportantChange) + " or more matters); " + diaryText + ". " +
                   (improved ? "Reintroduce the foods one at a time." :
                               "Reintroduce all the foods: the elimination did not help.");
    } else {
        s.kind = "advice";
        s.reason = "The elimination ended on " + displayDay(*schedule.reviewDueOn) +
                   ": record the review. POEM was not taken at the start and the end, so there is no score to compare; " +
                   diaryText + ".";
    }
    return s;
}

}  // namespace elim
