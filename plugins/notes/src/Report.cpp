#include "Report.h"

namespace notes {

using nlohmann::json;

namespace {

std::string longDate(const std::string& iso) {
    static const char* months[] = {"January", "February", "March",     "April",   "May",      "June",
                                   "July",    "August",   "September", "October", "November", "December"};
    int y = 0, m = 0, d = 0;
    if (std::sscanf(iso.c_str(), "%d-%d-%d", &y, &m, &d) != 3 || m < 1 || m > 12) return iso;
    return std::to_string(d) + " " + months[m - 1] + " " + std::to_string(y);
}

}  // namespace

json renderLastConsultation(const Notes& notes, int64_t clientId) {
    json blocks = json::array();
    auto note = notes.lastSigned(clientId);
    auto upcoming = notes.upcoming(clientId);
    if (!note) {
        blocks.push_back({{"type", "paragraph"}, {"text", "There is no consultation summary yet."}});
    } else {
        blocks.push_back({{"type", "paragraph"},
                          {"text", "We last met on " + longDate(note->date) + " (" + note->title() + ")."}});
        // The plan, in the sections the template writes for the family.
        for (const json& section : note->templateDocument["sections"]) {
            if (!section.value("for_family", false)) continue;
            std::string id = section.value("id", "");
            if (!note->answers.contains(id) || !note->answers[id].is_string()) continue;
            blocks.push_back({{"type", "heading"}, {"level", 2}, {"text", "Until the next visit"}});
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
