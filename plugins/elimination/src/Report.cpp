#include "Report.h"

#include <cmath>
#include <cstdlib>

namespace elim {

using nlohmann::json;

json renderPlanSection(const Plans& plans, int64_t clientId, Day now) {
    json blocks = json::array();
    auto view = plans.view(clientId, now);
    if (!view) {
        blocks.push_back({{"type", "paragraph"}, {"text", "There is no elimination plan at the moment."}});
        return {{"title", "Your elimination plan"}, {"blocks", blocks}};
    }
    const Protocol& p = view->plan.protocol;
    const Schedule& s = view->schedule;
    blocks.push_back({{"type", "paragraph"},
                      {"text", p.title + ", started on " + displayDay(view->plan.plan.start) + "; planned to finish around " +
                                   displayDay(s.end) + "."}});
    if (const PhaseSpan* phase = s.phaseOn(now)) {
        const PhaseDef* def = p.phase(phase->kind);
        blocks.push_back({{"type", "heading"}, {"level", 2}, {"text", "This week: " + phase->title}});
        if (def && !def->familyText.empty()) blocks.push_back({{"type", "paragraph"}, {"text", def->familyText}});
    } else if (s.paused) {
        blocks.push_back({{"type", "paragraph"}, {"text", "The plan is paused for now; we will restart it together."}});
    }

    // Foods still avoided, with where each hides.
    json avoid = json::array();
    for (const FoodStatus& f : s.foods) {
        if (f.state == FoodState::Tolerated || f.state == FoodState::Reintroduced) continue;
        const FoodDef* def = p.food(f.food);
        std::string hidden;
        if (def)
            for (const std::string& h : def->hiddenSources) hidden += (hidden.empty() ? "" : ", ") + h;
        avoid.push_back({f.label, hidden.empty() ? "-" : hidden});
    }
    if (!avoid.empty()) {
        blocks.push_back({{"type", "heading"}, {"level", 2}, {"text", "Foods to avoid for now"}});
        blocks.push_back({{"type", "table"}, {"columns", {"Food", "Also found in (check labels)"}}, {"rows", avoid}});
    }

    json next = json::array();
    for (const Block& b : s.blocks) {
        if ((b.state != BlockState::Planned && b.state != BlockState::Current) || !scheduled(b.start)) continue;
        std::string doses;
        for (size_t i = 0; i < b.doses.size(); ++i) {
            Day d = b.start + int(i) * b.daysPerDose;
            if (d < now) continue;  // past doses are not "next"
            doses += (doses.empty() ? "" : "; ") + displayDay(d, false) + ": " + b.amountOn(d);
        }
        std::string what = b.ladder ? b.title + " (step " + std::to_string(b.step + 1) + " of " + std::to_string(b.steps) + ")"
                                    : b.title;
        if (!b.portion.empty()) what += " - portion: " + b.portion;
        next.push_back({what, displayDay(b.start) + " to " + displayDay(b.end), doses});
        if (next.size() == 4) break;
    }
    if (!next.empty()) {
        blocks.push_back({{"type", "heading"}, {"level", 2}, {"text", "Next challenges"}});
        blocks.push_back({{"type", "table"}, {"columns", {"Food", "Dates", "How much, day by day"}}, {"rows", next}});
        if (!p.delayedModerate.advice.empty())
            blocks.push_back({{"type", "paragraph"}, {"text", "If there is a reaction: " + p.delayedModerate.advice}});
    }

    json back = json::array();
    for (const FoodStatus& f : s.foods)
        if (f.state == FoodState::Tolerated || f.state == FoodState::Reintroduced) back.push_back(f.label);
    for (const Block& b : s.blocks)
        if (b.ladder && b.state == BlockState::Tolerated) back.push_back(b.title + " (" + p.food(b.food)->label + ")");
    if (!back.empty()) {
        blocks.push_back({{"type", "heading"}, {"level", 2}, {"text", "Back in the diet"}});
        blocks.push_back({{"type", "bullets"}, {"items", back}});
    }
    json reacted = json::array();
    for (const FoodStatus& f : s.foods) {
        if (f.state == FoodState::Reacted) reacted.push_back(f.label + ": " + f.text);
        if (f.state == FoodState::Referred)
            reacted.push_back(f.label + ": keep avoiding it completely and see your doctor, who can refer your child "
                                        "to an allergy specialist. Do not try it again at home.");
    }
    if (!reacted.empty()) {
        blocks.push_back({{"type", "heading"}, {"level", 2}, {"text", "Foods that caused a reaction"}});
        blocks.push_back({{"type", "bullets"}, {"items", reacted}});
    }

    auto poem = plans.scores(clientId, kPoemId());
    json points = json::array();
    for (const ScoreEntry& e : poem)
        if (e.total) points.push_back({{"date", isoDay(e.takenOn)}, {"value", *e.total}});
    if (!points.empty()) {
        json bands = json::array(), markers = json::array();
        for (const PhaseSpan& ph : s.phases)
            if (ph.end >= ph.start) bands.push_back({{"label", ph.title}, {"from", isoDay(ph.start)}, {"to", isoDay(ph.end)}});
        for (const Block& b : s.blocks)
            if (b.start <= now) markers.push_back({{"date", isoDay(b.start)}, {"label", b.ladder ? "step " + std::to_string(b.step + 1) : b.title}});
        blocks.push_back({{"type", "heading"}, {"level", 2}, {"text", "How the eczema has been (POEM)"}});
        blocks.push_back({{"type", "chart"},
                          {"title", "POEM score over time (0 clear - 28 very severe)"},
                          {"y_label", "POEM"},
                          {"y_min", 0},
                          {"y_max", 28},
                          {"series", {{{"name", "POEM"}, {"points", points}}}},
                          {"bands", bands},
                          {"markers", markers}});
        const ScoreEntry& last = poem.back();
        if (last.total)
            blocks.push_back({{"type", "paragraph"},
                              {"text", "Latest POEM on " + displayDay(last.takenOn) + ": " +
                                           std::to_string(int(*last.total)) + " (" + last.band + ")."}});
    }
    return {{"title", "Your elimination plan"}, {"blocks", blocks}};
}

}  // namespace elim
