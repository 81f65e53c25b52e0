#include "Report.h"

#include "nourish/family.hpp"

namespace notes {

using nlohmann::json;

namespace {

std::string longDate(const std::string& iso) { return nourish::family::date(iso); }

std::string lowerFirst(std::string s) {
    if (s.size() > 1 && s[0] >= 'A' && s[0] <= 'Z' && !(s[1] >= 'A' && s[1] <= 'Z')) s[0] = char(s[0] + 32);
    return s;
}

}  // namespace

json renderLastConsultation(const Notes& notes, int64_t clientId) {
    json blocks = json::array();
    auto note = notes.lastSigned(clientId);
    if (note && !note->intact())
        throw nourish::Error(NOURISH_ERROR, "note " + std::to_string(note->id) + " of " + note->date +
                                                " was changed outside Nourish (" + note->integrityProblem +
                                                "), so no family reads it: run nourish-cli store check");
    auto upcoming = notes.upcoming(clientId);
    if (!note) {
        blocks.push_back({{"type", "paragraph"}, {"text", "There is no consultation summary yet."}});
    } else {
        // What was agreed then, dated: the food plan in the same summary is today's.
        blocks.push_back({{"type", "paragraph"},
                          {"text", "We last met on " + longDate(note->date) + " (" + lowerFirst(note->title()) +
                                       "). This is what we agreed then; where your food plan has moved on since, "
                                       "follow the food plan in this summary."}});
        // The plan, in the sections the template writes for the family.
        for (const json& section : note->templateDocument["sections"]) {
            if (!section.value("for_family", false)) continue;
            std::string id = section.value("id", "");
            if (!note->answers.contains(id) || !note->answers[id].is_string()) continue;
            blocks.push_back({{"type", "heading"}, {"level", 2}, {"text", "What we agreed on " + longDate(note->date)}});
            blocks.push_back({{"type", "paragraph"}, {"text", note->answers[id].get<std::string>()}});
        }
        for (const char* kind : kKinds) {
            json items = json::array();
            for (const Recommendation& r : note->recommendations)
                if (r.kind == kind) items.push_back(r.familyText());
            if (items.empty()) continue;
            blocks.push_back({{"type", "heading"}, {"level", 2}, {"text", kindHeading(kind)}});
            blocks.push_back({{"type", "bullets"}, {"items", items}});
        }
        // Addenda are clinical corrections and stay in the record; what the
        // family should do differently goes into the next consultation's plan.
    }
    if (!upcoming.empty())
        blocks.push_back({{"type", "paragraph"},
                          {"text", "Your next appointment: " + longDate(upcoming.front().startsAt.substr(0, 10)) + " at " +
                                       upcoming.front().startsAt.substr(11) + " (" + typeLabel(upcoming.front().type) +
                                       ", " + std::to_string(upcoming.front().minutes) + " minutes)."}});
    return {{"title", "Your last consultation"}, {"blocks", blocks}};
}

}  // namespace notes
