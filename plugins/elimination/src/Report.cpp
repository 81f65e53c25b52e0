#include "Report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace elim {

using nlohmann::json;

namespace {

// What the family reads when a child reacts: mild or delayed signs (the
// protocol's text, or this one) and, always, the signs of a severe reaction
// with the emergency number. After the BSACI allergy action plans and the
// NICE CG116 lists of signs (docs/clinical-basis.md).
const char* kMildAction =
    "Stop giving the food and do not go on to the next amount. Write down in the diary what you saw and when, and "
    "call us.";

std::vector<std::string> mildSigns() {
    return {"More itching, redness or eczema",
            "A rash or a few hives, or an itchy mouth",
            "Tummy ache, or being sick once",
            "Looser or more frequent poos, or blood or mucus in the poo",
            "Being more unsettled, or sleeping badly"};
}

std::vector<std::string> severeSigns() {
    return {"Swelling of the tongue or throat, a hoarse voice or cry, or trouble swallowing",
            "Difficult or noisy breathing, wheeze, or a cough that does not stop",
            "Pale and floppy, suddenly sleepy, or collapsed and not responding",
            "Being sick again and again, one to four hours after the food, with a pale or floppy child"};
}

std::string plainTitle(const std::string& title) {
    size_t cut = title.find(" (");
    return cut == std::string::npos ? title : title.substr(0, cut);
}

// Phase names without clinical words, for the chart.
std::string phaseLabel(const PhaseSpan& ph) {
    if (ph.kind == "baseline") return "Usual diet";
    if (ph.title == "Elimination") return "Foods left out";
    if (ph.title == "Reintroduction") return "Foods back one at a time";
    if (ph.title == "Maintenance") return "Keeping it up";
    return ph.title;
}

std::string lower(std::string s) {
    if (!s.empty() && s[0] >= 'A' && s[0] <= 'Z' && !(s.size() > 1 && s[1] >= 'A' && s[1] <= 'Z')) s[0] = char(s[0] + 32);
    return s;
}

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (size_t i = 0; i < items.size(); ++i) out += (i ? (i + 1 == items.size() ? " and " : ", ") : "") + items[i];
    return out;
}

// "Wednesday 2 and Thursday 3 December", "Friday 4 to Monday 7 December",
// "Thursday 31 December and Friday 1 January 2027"; "(from today)" when it starts today.
std::string dayRange(Day from, Day to, Day today) {
    std::string a = familyDay(from, today), b = familyDay(to, today);
    std::string joiner = to == from + 1 ? " and " : " to ";
    // The same month (and year): the month is said once, at the end.
    size_t aMonth = a.find(' ', a.find(' ') + 1), bMonth = b.find(' ', b.find(' ') + 1);
    if (aMonth != std::string::npos && bMonth != std::string::npos && a.substr(aMonth) == b.substr(bMonth))
        a = a.substr(0, aMonth);
    return a + joiner + b + (from == today ? " (from today)" : "");
}

const Block* awaitingDecision(const Schedule& s) {
    for (const Block& b : s.blocks)
        if (b.state == BlockState::AwaitingDecision) return &b;
    return nullptr;
}

bool undecided(const Block& b) {
    return b.state == BlockState::Planned || b.state == BlockState::Current || b.state == BlockState::AwaitingDecision;
}

// A ladder food part-way up: some steps passed or one under way.
bool onTheLadder(const Schedule& s, const std::string& food) {
    for (const Block& b : s.blocks)
        if (b.food == food && b.ladder && (b.state == BlockState::Tolerated || b.state == BlockState::Current ||
                                           b.state == BlockState::AwaitingDecision || b.state == BlockState::Held))
            return true;
    return false;
}

}  // namespace

json renderPlanSection(nourish::Host host, int64_t clientId, Day now) {
    Plans plans(host);
    json blocks = json::array();
    auto day = [&](Day d) { return familyDay(d, now); };
    auto view = plans.view(clientId, now);
    Child child = plans.child(clientId);
    json client = json::parse(host.client(clientId));
    std::string name = client.value("preferred_name", "");
    if (name.empty()) name = client.value("given_name", "");
    if (name.empty()) name = "your child";
    if (!view) {
        blocks.push_back({{"type", "paragraph"}, {"text", "There is no food plan at the moment."}});
        return {{"title", "Food plan"}, {"blocks", blocks}};
    }
    const Protocol& p = view->plan.protocol;
    const Plan& plan = view->plan.plan;
    const Schedule& s = view->schedule;
    const std::string title = p.familyTitle.empty() ? plainTitle(p.title) : p.familyTitle;
    std::string intro = "The plan: " + lower(title) + ", started on " + day(plan.start) + ".";
    if (plan.byMother)
        intro += " You follow it too while you breastfeed " + name + ": leave the foods below out of your own diet as "
                 "well as " + name + "'s, and breastfeed as usual.";
    blocks.push_back({{"type", "paragraph"}, {"text", intro}});

    // Where the child is today.
    std::string where;
    const PhaseSpan* phase = s.phaseOn(now);
    const Block* current = s.blockOn(now);
    if (s.paused) {
        where = "The plan is paused, since " + day(*s.pausedFrom) +
                ". Keep avoiding the foods below, keep giving the foods already back in the diet, and we will restart "
                "it together.";
    } else if (s.reviewDue) {
        std::vector<std::string> out;
        for (const FoodStatus& f : s.foods)
            if (f.avoided()) out.push_back(lower(f.label));
        where = "The weeks without " + joined(out) + " ended on " + day(*s.reviewDueOn) +
                ". Keep avoiding " + (out.size() == 1 ? "it" : "them") +
                " until we talk: we will look at the diary and the eczema score together and decide what comes next.";
    } else if (current) {
        int dayOf = now - current->start + 1;
        std::string food = lower(p.food(current->food) ? p.food(current->food)->label : current->food);
        where = "Today, " + day(now) + ", is day " + std::to_string(dayOf) + " of " +
                (current->ladder ? "step " + std::to_string(current->step + 1) + " of " + std::to_string(current->steps) +
                                       " of the " + lower(title) + " (" + lower(current->title) + ")"
                                 : "bringing back " + food) +
                (now <= current->lastDose && current->doseOn(now) > 0
                     ? ". Give " + current->amountOn(now) + "."
                     : ". No new amount today: watch for symptoms and fill in the diary.");
    } else if (phase && phase->kind != "reintroduction") {
        int dayOf = now - phase->start + 1, of = phase->end - phase->start + 1;
        where = "Today, " + day(now) + ", is day " + std::to_string(dayOf) + " of " + std::to_string(of) + ": " +
                lower(phaseLabel(*phase)) + ".";
    } else if (const Block* due = awaitingDecision(s)) {
        std::string food = lower(p.food(due->food) ? p.food(due->food)->label : due->food);
        where = "The days of bringing back " + food + " ended on " + day(due->end) +
                ". We will talk with you about how they went. Until then: if there were no symptoms, keep giving it; if "
                "there were, leave it out and tell us.";
    } else if (phase) {
        const Block* next = nullptr;
        for (const Block& b : s.blocks)
            if (undecided(b) && scheduled(b.start) && b.start > now && !next) next = &b;
        where = "Today, " + day(now) + ", there is no new food. Keep giving the foods already back.";
        if (next)
            where += " The next " + std::string(next->ladder ? "step, " + lower(next->title) + " (step " +
                                                                   std::to_string(next->step + 1) + ")"
                                                             : "food, " + lower(p.food(next->food) ? p.food(next->food)->label
                                                                                                     : next->title)) +
                     ", starts on " + day(next->start) + ".";
    } else if (now < plan.start) {
        where = "The plan starts on " + day(plan.start) + ".";
    } else {
        where = "The plan is finished. Keep giving the foods that came back.";
    }
    blocks.push_back({{"type", "heading"}, {"level", 2}, {"text", "Where " + name + " is today"}});
    blocks.push_back({{"type", "paragraph"}, {"text", where}});
    if (phase && !s.paused && !s.reviewDue)
        if (const PhaseDef* def = p.phase(phase->kind); def && !def->familyText.empty())
            blocks.push_back({{"type", "paragraph"}, {"text", def->familyText}});

    // The next two weeks, day by day: days to give a food and days to watch.
    json rows = json::array();
    Day until = now + 13;
    Day lastShown = now - 1, rowFrom = now;
    if (!s.paused && !s.reviewDue) {
        for (Day d = now; d <= until; ++d) {
            const Block* give = nullptr;
            const Block* watch = nullptr;
            for (const Block& b : s.blocks) {
                if (!undecided(b) || !scheduled(b.start) || d < b.start || d > b.end) continue;
                if (d <= b.lastDose && b.doseOn(d) > 0) give = &b;
                else watch = &b;
            }
            std::string what;
            if (give) {
                what = "Give " + give->amountOn(d);
                if (give->ladder) what += " (step " + std::to_string(give->step + 1) + ", " + lower(give->title) + ")";
            } else if (watch) {
                what = "No new amount: watch for symptoms and fill in the diary";
            } else {
                bool more = std::any_of(s.blocks.begin(), s.blocks.end(),
                                        [&](const Block& b) { return undecided(b) && scheduled(b.start) && b.start > d; });
                if (!more) break;
                what = "No new food: keep giving the foods already back";
            }
            // Days that say the same are one row: "Wednesday 2 and Thursday 3 December".
            if (!rows.empty() && rows.back()[1] == what && d == lastShown + 1) {
                rows.back()[0] = dayRange(rowFrom, d, now);
            } else {
                rows.push_back({day(d) + (d == now ? " (today)" : ""), what});
                rowFrom = d;
            }
            lastShown = d;
        }
    }
    bool anyFood = std::any_of(rows.begin(), rows.end(), [](const json& r) { return r[1].get<std::string>().rfind("Give", 0) == 0; });
    if (!anyFood) rows = json::array();  // two weeks of nothing new are said in one line above
    if (!rows.empty()) {
        blocks.push_back({{"type", "heading"}, {"level", 2}, {"text", "Day by day"}});
        blocks.push_back({{"type", "table"}, {"columns", {"Day", "What to do"}}, {"rows", rows}});
        std::vector<std::string> later;
        for (const Block& b : s.blocks)
            if (undecided(b) && scheduled(b.start) && b.start > lastShown)
                later.push_back((b.ladder ? "step " + std::to_string(b.step + 1) + " (" + lower(b.title) + ")"
                                          : lower(p.food(b.food) ? p.food(b.food)->label : b.title)) +
                                " from " + day(b.start));
        if (!later.empty()) {
            if (later.size() > 4) later.resize(4);
            blocks.push_back({{"type", "paragraph"}, {"text", "After that: " + joined(later) + "."}});
        }
    }

    // One place for each food: left out, on its ladder, back, or stopped.
    json avoid = json::array();
    for (const FoodStatus& f : s.foods) {
        if (!f.avoided() || f.state == FoodState::Reacted || f.state == FoodState::Referred ||
            f.state == FoodState::AwaitingDecision)
            continue;  // said where the food is: under reactions, or in "where today"
        if (onTheLadder(s, f.food)) continue;
        const FoodDef* def = p.food(f.food);
        if (def && def->allergen == "none") {
            avoid.push_back({f.label, "Cut down where you can; this is general advice."});
            continue;
        }
        std::string hidden;
        if (def)
            for (const std::string& h : def->hiddenSources) hidden += (hidden.empty() ? "" : ", ") + h;
        avoid.push_back({f.label, hidden.empty() ? "-" : hidden});
    }
    if (!avoid.empty()) {
        blocks.push_back({{"type", "heading"}, {"level", 2}, {"text", "Foods to leave out for now"}});
        blocks.push_back({{"type", "table"}, {"columns", {"Food", "Also found in (check the labels)"}}, {"rows", avoid}});
    }
    for (const FoodStatus& f : s.foods) {
        if (!onTheLadder(s, f.food) || !f.avoided()) continue;
        std::vector<std::string> passed, now_, toCome;
        for (const Block& b : s.blocks) {
            if (b.food != f.food || !b.ladder) continue;
            std::string step = lower(b.title) + " (step " + std::to_string(b.step + 1) + ")";
            if (b.state == BlockState::Tolerated) passed.push_back(step);
            else if (b.state == BlockState::Current || b.state == BlockState::AwaitingDecision || b.state == BlockState::Held)
                now_.push_back(step);
            else if (b.state == BlockState::Planned || b.state == BlockState::Paused)
                if (std::find(toCome.begin(), toCome.end(), step) == toCome.end() &&
                    std::find(now_.begin(), now_.end(), step) == now_.end())
                    toCome.push_back(step);
        }
        json items = json::array();
        if (!passed.empty()) items.push_back("Back in the diet: " + joined(passed) + ". Keep giving " + (passed.size() == 1 ? "it" : "them") +
                            " two or three times a week.");
        if (!now_.empty()) items.push_back("Now: " + joined(now_) + ".");
        if (!toCome.empty()) items.push_back("Not yet: " + joined(toCome) + ". Leave these out until their step.");
        for (const Block& b : s.blocks)
            if (b.food == f.food && b.state == BlockState::Reacted && b.outcome && b.retryAfter)
                items.push_back("After the reaction on " + day(b.outcome->date) + " to " + lower(b.title) +
                                ", stay with the steps already back; " + lower(b.title) + " is tried again from " +
                                day(*b.retryAfter) + ".");
        blocks.push_back({{"type", "heading"}, {"level", 2}, {"text", f.label + ": step by step"}});
        blocks.push_back({{"type", "bullets"}, {"items", items}});
    }
    json back = json::array();
    for (const FoodStatus& f : s.foods)
        if (!f.avoided()) back.push_back(f.label);
    if (!back.empty()) {
        blocks.push_back({{"type", "heading"}, {"level", 2}, {"text", "Back in the diet"}});
        blocks.push_back({{"type", "paragraph"}, {"text", "Keep giving these foods regularly, two or three times a week."}});
        blocks.push_back({{"type", "bullets"}, {"items", back}});
    }
    json reacted = json::array();
    for (const FoodStatus& f : s.foods) {
        if (f.state == FoodState::Reacted && !onTheLadder(s, f.food))
            reacted.push_back(f.label + ": keep leaving it out." +
                              (f.retryAfter ? " We will talk about trying it again after " + day(*f.retryAfter) + "."
                                            : std::string(" We will talk about it at your next appointment.")));
        if (f.state == FoodState::Referred)
            reacted.push_back(f.label + ": keep avoiding it completely and see your doctor, who can refer " + name +
                              " to an allergy specialist. Do not try it again at home.");
    }
    if (!reacted.empty()) {
        blocks.push_back({{"type", "heading"}, {"level", 2}, {"text", "Foods that caused a reaction"}});
        blocks.push_back({{"type", "bullets"}, {"items", reacted}});
    }

    // A mother who leaves foods out for her breastfed baby looks after herself too.
    if (plan.byMother) {
        bool milk = std::any_of(plan.foods.begin(), plan.foods.end(),
                                [&](const std::string& f) { return p.food(f) && p.food(f)->allergen == "milk"; });
        json items = json::array();
        if (milk)
            items.push_back("Calcium: you need 1,250 mg a day while you breastfeed. Without milk foods, choose calcium-"
                            "fortified plant drinks and yoghurts; if you cannot reach it, take a calcium supplement of "
                            "1,000 mg a day. Ask us which one.");
        items.push_back("Vitamin D: take 10 micrograms (400 units) every day while you breastfeed.");
        items.push_back("Keep breastfeeding as usual.");
        blocks.push_back({{"type", "callout"}, {"tone", "info"}, {"title", "For you, while you breastfeed"}, {"items", items}});
    }

    // If the child reacts: on every plan with a food still to come or stopped.
    // (on every plan: a food comes back, or could be eaten by accident)
    {
        std::string emergency = host.setting("practice.emergency_number");
        std::string phone = host.setting("practice.phone"), hours = host.setting("practice.hours");
        std::string call = emergency.empty() ? "your emergency number (999 in the UK, 112 in Europe, 911 in North America)"
                                             : emergency;
        blocks.push_back({{"type", "heading"}, {"level", 2}, {"text", "If " + name + " reacts"}});
        json mild = {{"type", "callout"}, {"tone", "info"}, {"title", "Mild signs, soon after the food or hours to days later"}};
        if (p.ifReacts.empty()) {
            mild["items"] = mildSigns();
            mild["after"] = kMildAction;
        } else {
            mild["text"] = p.ifReacts;  // the protocol's own words
        }
        blocks.push_back(mild);
        bool adrenaline = child.history.yes("adrenaline_prescribed") != nullptr;
        json items = json::array();
        for (const std::string& sign : severeSigns()) items.push_back(sign);
        std::string action = std::string(adrenaline ? "Use " + name + "'s adrenaline pen straight away, then call " : "Call ") +
                             call + " and say \"anaphylaxis\" (ana-fil-ax-is). Lay " + name +
                             " down with the legs raised, or sitting up if breathing is hard. Do not stand " + name +
                             " up. Stay together until help comes.";
        blocks.push_back({{"type", "callout"},
                          {"tone", "urgent"},
                          {"title", "Call " + call + " at once if " + name + " has any of these"},
                          {"items", items},
                          {"after", action}});
        if (!phone.empty())
            blocks.push_back({{"type", "paragraph"},
                              {"text", "For a mild reaction or a question, call us on " + phone +
                                           (hours.empty() ? std::string(".") : " (" + hours + ").") +
                                           " If we are closed, call your doctor."}});
    }

    // How the child has been: each questionnaire the protocol follows the
    // child with (POEM, the weekly eczema score, for the built-in ones), with
    // what its score means.
    auto number = [](double v) {
        char text[32];
        std::snprintf(text, sizeof text, "%g", v);
        return std::string(text);
    };
    json phases = json::array();
    for (const PhaseSpan& ph : s.phases)
        if (ph.end >= ph.start && scheduled(ph.end))
            phases.push_back({{"label", phaseLabel(ph)}, {"from", isoDay(ph.start)}, {"to", isoDay(ph.end)}});
    for (const InstrumentTrack& track : view->instruments) {
        const bool isPoem = track.id == kPoemId();
        std::vector<const ScoreEntry*> scored;
        json points = json::array();
        for (const ScoreEntry& e : track.scores)
            if (e.total) {
                scored.push_back(&e);
                points.push_back({{"date", isoDay(e.takenOn)}, {"value", *e.total}});
            }
        if (points.empty()) continue;
        double top = isPoem ? 28 : track.max;
        for (const ScoreEntry* e : scored) top = std::max(top, *e->total);
        json levels = json::array();
        std::string bandsText;
        for (const json& b : track.bands) {
            levels.push_back({{"label", b.value("label", "")}, {"from", b.value("min", 0.0) - 0.5}, {"to", b.value("max", 0.0) + 0.5}});
            double low = b.value("min", 0.0), high = b.value("max", 0.0);
            bandsText += (bandsText.empty() ? "" : ", ") + number(low) + (high > low ? " to " + number(high) : "") +
                         " " + lower(b.value("label", ""));
        }
        std::string meaning = bandsText.empty() ? "" : "It means: " + bandsText + ". ";
        if (isPoem) {
            blocks.push_back({{"type", "heading"}, {"level", 2}, {"text", "How the eczema has been"}});
            blocks.push_back({{"type", "paragraph"},
                              {"text", "Each week you answer seven questions about " + name +
                                           "'s skin. The answers make a score from 0 to 28 (called POEM): the lower, "
                                           "the better. " + meaning + "A change of 3 points or more is a real change."}});
        } else {
            blocks.push_back({{"type", "heading"}, {"level", 2}, {"text", track.title}});
            blocks.push_back({{"type", "paragraph"},
                              {"text", (track.everyDays == 7 ? std::string("Each week you answer ")
                                        : track.everyDays > 0 ? "Every " + std::to_string(track.everyDays) + " days you answer "
                                                              : std::string("Each time, you answer ")) +
                                           std::to_string(track.items) + (track.items == 1 ? " question" : " questions") +
                                           ". The answers make a score from 0 to " + number(top) + " (called " +
                                           track.shortTitle + "). " + meaning}});
        }
        json chart = {{"type", "chart"},
                      {"title", isPoem ? std::string("Eczema score each week (0 to 28, lower is better)")
                                       : track.shortTitle + " (0 to " + number(top) + ")"},
                      {"y_label", "score"},
                      {"y_min", 0},
                      {"y_max", top},
                      {"series", {{{"name", isPoem ? std::string("Eczema score") : track.shortTitle}, {"points", points}}}},
                      {"bands", phases}};
        if (!levels.empty()) {
            levels.front()["from"] = 0;
            levels.back()["to"] = top;
            chart["levels"] = levels;
        }
        blocks.push_back(chart);
        const ScoreEntry& last = *scored.back();
        const ScoreEntry& first = *scored.front();
        std::string text = "The latest score, on " + day(last.takenOn) + ", was " + number(*last.total) +
                           (last.band.empty() ? "" : " (" + lower(last.band) + ")") + ".";
        if (first.takenOn < last.takenOn) {
            text += " It was " + number(*first.total) + " on " + day(first.takenOn);
            if (isPoem) {
                double change = *first.total - *last.total;
                text += std::string(": ") + (change >= thresholds().poemImportantChange    ? "a real improvement."
                                             : change <= -thresholds().poemImportantChange ? "the skin is worse; tell us how it has been."
                                                                                            : "about the same.");
            } else {
                text += ".";
            }
        }
        blocks.push_back({{"type", "paragraph"}, {"text", text}});
    }

    // The few words a family may not know.
    json words = json::array();
    std::string all = blocks.dump();
    auto uses = [&](const char* w) { return all.find(w) != std::string::npos; };
    if (uses("ladder"))
        words.push_back("Ladder: a food brought back in small steps, from a form that is well baked (the least likely to "
                        "cause symptoms) to the food itself.");
    if (uses("step "))
        words.push_back("Step: one rung of the ladder. Each amount is given for the days shown before the next one.");
    if (uses("diary"))
        words.push_back("Diary: the short daily record you keep of the skin, sleep, poos and what was eaten.");
    if (uses("anaphylaxis"))
        words.push_back("Anaphylaxis: a severe allergic reaction that affects breathing or makes a child floppy. It "
                        "needs an ambulance.");
    if (!words.empty()) blocks.push_back({{"type", "callout"}, {"tone", "info"}, {"title", "Words we use"}, {"items", words}});
    return {{"title", name == "your child" ? std::string("Food plan") : name + "'s food plan"}, {"blocks", blocks}};
}

}  // namespace elim
