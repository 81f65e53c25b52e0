#include "Engine.h"

#include <algorithm>
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
    s.daysPerDose = j.at("days_per_dose");
    return s;
}

Rule ruleFrom(const json& j) {
    return Rule{j.at("action"), j.value("wait_days", 0), j.value("retry_after_months", 0), j.value("advice", "")};
}

}  // namespace

Protocol Protocol::fromJson(const json& d) {
    Protocol p;
    p.document = d;
    p.id = d.at("id");
    p.version = d.at("version");
    p.title = d.at("title");
    p.summary = d.value("summary", "");
    p.plugin = d.value("plugin", "");
    p.audience = strings(d, "audience");
    if (d.contains("min_age_months")) p.minAgeMonths = d["min_age_months"].get<int>();
    for (const json& ph : d.at("phases"))
        p.phases.push_back({ph.at("kind"), ph.at("title"), ph.value("family_text", ""), ph.value("default_days", 0),
                            ph.value("min_days", 0), ph.value("max_days", 3650)});
    for (const json& f : d.at("foods")) p.foods.push_back({f.at("id"), f.at("label"), strings(f, "hidden_sources")});
    for (const json& c : d.at("challenges")) {
        ChallengeDef ch;
        ch.food = c.at("food");
        ch.ladder = c.at("method") == "ladder";
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
    p.observationDays = d.at("observation_days");
    p.washoutDays = d.at("washout_days");
    p.mild = ruleFrom(d.at("reactions").at("mild"));
    p.reaction = ruleFrom(d.at("reactions").at("reaction"));
    p.references = strings(d, "references");
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

// --------------------------------------------------------------- schedule --

const char* toString(BlockState state) {
    switch (state) {
        case BlockState::Planned: return "planned";
        case BlockState::Current: return "current";
        case BlockState::AwaitingDecision: return "awaiting-decision";
        case BlockState::Tolerated: return "tolerated";
        case BlockState::Reacted: return "reacted";
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
        case FoodState::Skipped: return "skipped";
    }
    return "avoiding";
}

double Block::doseOn(Day day) const {
    int offset = day - start;
    if (offset < 0 || day > lastDose) return 0;
    size_t index = size_t(offset / daysPerDose);
    return index < doses.size() ? doses[index] : 0;
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
    for (const Block& b : blocks)
        if (day >= b.start && day <= b.end) return &b;
    return nullptr;
}

const FoodStatus* Schedule::food(const std::string& id) const {
    for (const FoodStatus& f : foods)
        if (f.food == id) return &f;
    return nullptr;
}

namespace {

// Calendar days in a pause are not plan days.
struct Calendar {
    std::vector<std::pair<Day, Day>> paused;  // inclusive ranges, sorted

    Calendar(const std::vector<Pause>& pauses, Day today) {
        for (const Pause& p : pauses) {
            Day last = p.resumed ? *p.resumed - 1 : std::max(today, p.from);
            if (last >= p.from) paused.emplace_back(p.from, last);
        }
        std::sort(paused.begin(), paused.end());
    }
    // The first plan day on or after d.
    Day active(Day d) const {
        for (auto& [from, to] : paused)
            if (d >= from && d <= to) d = to + 1;
        return d;
    }
    // The day `days` plan days after start (start counts as the first).
    Day after(Day start, int days) const {
        Day d = active(start);
        for (int i = 1; i < days; ++i) d = active(d + 1);
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
    Calendar calendar(plan.pauses, today);
    for (const Pause& p : plan.pauses) schedule.paused |= !p.resumed && p.from <= today;

    auto days = [&](const PhaseDef& ph) {
        auto it = plan.phaseDays.find(ph.kind);
        return it != plan.phaseDays.end() ? it->second : ph.defaultDays;
    };
    Day cursor = plan.start;
    for (const PhaseDef& ph : protocol.phases) {
        if (ph.kind == "reintroduction" || ph.kind == "maintenance") break;
        int n = days(ph);
        PhaseSpan span{ph.kind, ph.title, calendar.active(cursor), 0};
        span.end = n > 0 ? calendar.after(cursor, n) : span.start - 1;
        schedule.phases.push_back(span);
        if (n > 0) cursor = span.end + 1;
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
        b.daysPerDose = def.daysPerDose;
        b.attempt = q.attempt;
        int length = blockLength(def, protocol.observationDays);
        Day s = calendar.active(std::max(cursor, q.notBefore));
        // A pause inside an undecided challenge restarts it after the pause.
        while (const auto* range = calendar.overlap(s, s + length - 1)) s = calendar.active(range->second + 1);
        b.start = s;
        b.lastDose = s + int(def.doses.size()) * def.daysPerDose - 1;
        b.end = s + length - 1;

        const Rule* rule = nullptr;
        for (size_t i = 0; i < plan.outcomes.size(); ++i) {
            const Outcome& o = plan.outcomes[i];
            if (used[i] || o.food != q.food || o.step != q.step || o.date < s) continue;
            used[i] = true;
            if (o.result == "tolerated") {
                b.state = BlockState::Tolerated;
                b.outcome = o;
                break;
            }
            const Rule& r = o.result == "mild" ? protocol.mild : protocol.reaction;
            if (r.action == "continue") {
                b.notes.push_back(o);
                continue;
            }
            b.state = BlockState::Reacted;
            b.outcome = o;
            rule = &r;
            break;
        }

        if (b.state == BlockState::Tolerated) {
            b.end = b.outcome->date;
            bool more = ch.ladder && q.step + 1 < int(ch.steps.size());
            cursor = b.end + 1 + (more ? 0 : protocol.washoutDays);
            if (more) queue.push_front({q.food, q.step + 1, cursor, 1});
        } else if (b.state == BlockState::Reacted) {
            b.end = b.outcome->date;
            cursor = b.end + 1 + rule->waitDays;
            if (rule->retryAfterMonths > 0) {
                b.retryAfter = addMonths(b.outcome->date, rule->retryAfterMonths);
                queue.push_back({q.food, q.step, *b.retryAfter, q.attempt + 1});
            }
        } else {
            b.state = today < b.start ? BlockState::Planned
                      : today <= b.end ? BlockState::Current
                                       : BlockState::AwaitingDecision;
            bool more = ch.ladder && q.step + 1 < int(ch.steps.size());
            cursor = b.end + 1 + (more ? 0 : protocol.washoutDays);
            // Nothing moves on until the practitioner decides.
            if (b.state == BlockState::AwaitingDecision) cursor = std::max(cursor, today + 1);
            if (more) queue.push_front({q.food, q.step + 1, cursor, 1});
        }
        schedule.blocks.push_back(std::move(b));
    }

    Day reintroEnd = reintroStart - 1;
    for (const Block& b : schedule.blocks) reintroEnd = std::max(reintroEnd, b.end);
    if (!schedule.blocks.empty()) reintroEnd = std::max(reintroEnd, cursor - 1);
    if (const PhaseDef* ph = protocol.phase("reintroduction"))
        schedule.phases.push_back({ph->kind, ph->title, reintroStart, reintroEnd});
    schedule.reintroductionEnd = reintroEnd;
    Day end = reintroEnd;
    if (const PhaseDef* ph = protocol.phase("maintenance")) {
        int n = days(*ph);
        PhaseSpan span{ph->kind, ph->title, calendar.active(reintroEnd + 1), 0};
        span.end = n > 0 ? calendar.after(reintroEnd + 1, n) : span.start - 1;
        schedule.phases.push_back(span);
        end = std::max(end, span.end);
    }
    schedule.end = end;
    if (const PhaseSpan* now = schedule.phaseOn(today)) schedule.currentPhase = now->kind;
    else if (today < plan.start) schedule.currentPhase = "not-started";
    else if (today > end) schedule.currentPhase = "finished";

    // Per-food status.
    bool maintenance = today > reintroEnd;
    for (const std::string& id : plan.foods) {
        FoodStatus st;
        st.food = id;
        const FoodDef* def = protocol.food(id);
        st.label = def ? def->label : id;
        if (plan.skipped.count(id) || !protocol.challenge(id)) {
            st.state = FoodState::Skipped;
            st.text = protocol.challenge(id) ? "skipped: still avoided" : "avoided (no challenge in this protocol)";
            schedule.foods.push_back(st);
            continue;
        }
        const Block* last = nullptr;
        const Block* upcoming = nullptr;
        const Block* reacted = nullptr;
        for (const Block& b : schedule.blocks) {
            if (b.food != id) continue;
            if (b.state == BlockState::Reacted) reacted = &b;
            if (b.state == BlockState::Current || b.state == BlockState::AwaitingDecision) last = &b;
            if (b.state == BlockState::Planned && !upcoming) upcoming = &b;
        }
        auto stepText = [](const Block& b) {
            return b.ladder ? "step " + std::to_string(b.step + 1) + " of " + std::to_string(b.steps) + " (" +
                                  b.title + ")"
                            : std::string();
        };
        if (last && last->state == BlockState::Current) {
            st.state = FoodState::Challenging;
            st.text = "challenging (day " + std::to_string(today - last->start + 1) + " of " +
                      std::to_string(last->length()) + ")";
            if (last->ladder) st.text += ", " + stepText(*last);
        } else if (last) {
            st.state = FoodState::AwaitingDecision;
            st.text = "decision due: the challenge ended on " + displayDay(last->end);
            if (last->ladder) st.text += ", " + stepText(*last);
        } else if (upcoming) {
            st.next = upcoming->start;
            if (reacted && reacted->retryAfter) {
                st.state = FoodState::Reacted;
                st.retryAfter = reacted->retryAfter;
                st.text = "reacted on " + displayDay(reacted->outcome->date) + " (retry after " +
                          displayDay(*reacted->retryAfter) + ")";
                if (reacted->ladder && reacted->step > 0)
                    st.text += "; stays at step " + std::to_string(reacted->step) + " until then";
            } else {
                bool started = std::any_of(schedule.blocks.begin(), schedule.blocks.end(), [&](const Block& b) {
                    return b.food == id && b.state == BlockState::Tolerated;
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
    json j;
    j["protocol_id"] = protocol.id;
    j["current_phase"] = currentPhase;
    j["paused"] = paused;
    j["end"] = isoDay(end);
    j["phases"] = json::array();
    for (const PhaseSpan& p : phases)
        j["phases"].push_back({{"kind", p.kind}, {"title", p.title}, {"start", isoDay(p.start)}, {"end", isoDay(p.end)},
                               {"days", std::max(0, p.end - p.start + 1)}});
    j["challenges"] = json::array();
    for (const Block& b : blocks) {
        json days = json::array();
        for (size_t i = 0; i < b.doses.size(); ++i)
            days.push_back({{"date", isoDay(b.start + int(i) * b.daysPerDose)}, {"dose", b.doses[i]}});
        json item = {{"food", b.food},
                     {"step", b.step},
                     {"steps", b.steps},
                     {"title", b.title},
                     {"portion", b.portion},
                     {"attempt", b.attempt},
                     {"start", isoDay(b.start)},
                     {"last_dose", isoDay(b.lastDose)},
                     {"end", isoDay(b.end)},
                     {"state", toString(b.state)},
                     {"doses", days}};
        if (b.outcome) item["outcome"] = {{"result", b.outcome->result}, {"date", isoDay(b.outcome->date)}};
        if (b.retryAfter) item["retry_after"] = isoDay(*b.retryAfter);
        j["challenges"].push_back(item);
    }
    j["foods"] = json::array();
    for (const FoodStatus& f : foods) {
        json item = {{"food", f.food}, {"label", f.label}, {"status", toString(f.state)}, {"text", f.text}};
        if (f.next) item["next"] = isoDay(*f.next);
        if (f.retryAfter) item["retry_after"] = isoDay(*f.retryAfter);
        j["foods"].push_back(item);
    }
    return j;
}

void checkOutcome(const Protocol& protocol, const Plan& plan, Outcome& outcome, Day today) {
    if (outcome.result != "tolerated" && outcome.result != "mild" && outcome.result != "reaction")
        throw BadInput("outcome: '" + outcome.result + "' is not one of tolerated, mild, reaction");
    if (std::find(plan.foods.begin(), plan.foods.end(), outcome.food) == plan.foods.end())
        throw BadInput("food: '" + outcome.food + "' is not in this plan");
    if (plan.skipped.count(outcome.food)) throw BadInput("food: '" + outcome.food + "' was skipped in this plan");
    if (!protocol.challenge(outcome.food))
        throw BadInput("food: '" + outcome.food + "' has no challenge in " + protocol.title);
    if (outcome.date > today) throw BadInput("date: " + isoDay(outcome.date) + " is in the future");
    Schedule s = computeSchedule(protocol, plan, today);
    const Block* open = nullptr;
    for (const Block& b : s.blocks)
        if (b.food == outcome.food && b.state != BlockState::Tolerated && b.state != BlockState::Reacted) {
            open = &b;
            break;
        }
    if (!open) throw BadInput("food: the challenge of '" + outcome.food + "' is already decided");
    if (outcome.date < open->start)
        throw BadInput("date: the " + open->title + " challenge starts on " + isoDay(open->start) + "; " +
                       isoDay(outcome.date) + " is outside it");
    outcome.step = open->step;
}

// ------------------------------------------------------------ suggestions --

namespace {

struct Stats {
    int days = 0;
    double itchMean = 0, sleepMean = 0;
    double itchMax = 0, sleepMax = 0;
    Day itchMaxDay = 0;
    int vomiting = 0, watery = 0;
};

Stats statsOf(const std::vector<DiaryDay>& diary, Day from, Day to) {
    Stats s;
    int itchN = 0, sleepN = 0;
    for (const DiaryDay& d : diary) {
        if (d.day < from || d.day > to) continue;
        ++s.days;
        if (d.itch) {
            s.itchMean += *d.itch, ++itchN;
            if (*d.itch >= s.itchMax) s.itchMax = *d.itch, s.itchMaxDay = d.day;
        }
        if (d.sleep) s.sleepMean += *d.sleep, ++sleepN, s.sleepMax = std::max(s.sleepMax, *d.sleep);
        s.vomiting += d.vomiting;
        s.watery += d.stool && *d.stool >= 7;
    }
    if (itchN) s.itchMean /= itchN;
    if (sleepN) s.sleepMean /= sleepN;
    return s;
}

std::string one(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    std::string s = buf;
    if (s.size() > 2 && s.substr(s.size() - 2) == ".0") s.resize(s.size() - 2);
    return s;
}

}  // namespace

std::vector<Suggestion> suggestOutcomes(const Protocol& protocol, const Schedule& schedule,
                                        const std::vector<DiaryDay>& diary, Day today) {
    std::vector<Suggestion> out;
    for (const Block& b : schedule.blocks) {
        if (b.state != BlockState::AwaitingDecision || today <= b.end) continue;
        Suggestion s{"outcome", b.food, b.step, "", "", "engine"};
        Stats before = statsOf(diary, b.start - 7, b.start - 1);
        Stats during = statsOf(diary, b.start, b.end);
        std::string what = b.ladder ? b.title + " (step " + std::to_string(b.step + 1) + ")" : b.title;
        if (during.days * 2 < b.length()) {
            s.kind = "advice";
            s.reason = what + ": the diary has " + std::to_string(during.days) + " of " + std::to_string(b.length()) +
                       " days of the challenge; ask the family how it went before deciding";
            out.push_back(s);
            continue;
        }
        double itchRise = during.itchMax - before.itchMean;
        double sleepRise = during.sleepMax - before.sleepMean;
        std::string basis = before.days ? "the " + std::to_string(before.days) + " diary days before" : "no diary days before";
        if (during.vomiting > 0 || during.watery >= 2 || itchRise >= 3 || sleepRise >= 3) {
            s.outcome = "reaction";
            if (during.vomiting) s.reason = "vomiting on " + std::to_string(during.vomiting) + " day(s) of the challenge";
            else if (during.watery >= 2) s.reason = "watery stools on " + std::to_string(during.watery) + " days";
            else if (itchRise >= sleepRise)
                s.reason = "itch reached " + one(during.itchMax) + " on " + displayDay(during.itchMaxDay, false) +
                           " against an average of " + one(before.itchMean) + " in " + basis;
            else
                s.reason = "sleep disturbance reached " + one(during.sleepMax) + " against an average of " +
                           one(before.sleepMean) + " in " + basis;
        } else if (itchRise >= 1.5 || sleepRise >= 1.5) {
            // Where the protocol carries on through mild symptoms, the decision left is "tolerated".
            bool carryOn = protocol.mild.action == "continue";
            s.outcome = carryOn ? "tolerated" : "mild";
            s.reason = std::string(carryOn ? "mild symptoms only, which this protocol continues through: " : "") +
                       "itch up to " + one(during.itchMax) + " and sleep disturbance up to " + one(during.sleepMax) +
                       " against averages of " + one(before.itchMean) + " and " + one(before.sleepMean) + " in " + basis;
        } else {
            s.outcome = "tolerated";
            s.reason = "no rise in itch (highest " + one(during.itchMax) + ") or sleep disturbance (highest " +
                       one(during.sleepMax) + ") over " + std::to_string(during.days) + " diary days, against " + basis;
        }
        s.reason = what + ": " + s.reason;
        out.push_back(s);
    }
    return out;
}

}  // namespace elim
