#include "Composer.h"

#include "nourish/family.hpp"

#include <algorithm>
#include <ctime>

namespace reports {

using nlohmann::json;

std::string longDate(const std::string& iso) { return nourish::family::date(iso, nourish::family::today(), true); }

std::string today() { return nourish::family::today(); }

Composed compose(nourish::Host host, int64_t clientId, const std::vector<std::string>& without) {
    json client;
    try {
        client = json::parse(host.client(clientId));
    } catch (const nourish::Error& e) {
        if (e.status() == NOURISH_NOT_FOUND) throw BadInput("client: there is no client with id " + std::to_string(clientId));
        throw;
    }
    Composed c;
    std::string given = client.value("preferred_name", "");
    if (given.empty()) given = client.value("given_name", "");
    c.clientName = given + " " + client.value("family_name", "");

    json practice = json::object();
    for (const char* key : {"name", "practitioner", "address", "phone", "email"})
        if (std::string v = host.setting(std::string("practice.") + key); !v.empty()) practice[key] = v;

    // Every plugin's sections, rendered by their owners for this client only.
    json rendered = json::parse(host.renderReport(clientId));
    std::vector<std::string> unknown = without;
    json sections = json::array();
    for (const json& s : rendered) {
        std::string id = s.value("id", ""), full = s.value("plugin", "") + "/" + id;
        bool off = false;
        for (const std::string& w : without)
            if (w == id || w == full) off = true;
        std::erase_if(unknown, [&](const std::string& w) { return w == id || w == full; });
        if (off) continue;
        if (s.contains("error")) {
            // A family never sees an error message; the practitioner does.
            c.warnings.push_back("the section " + s.value("title", id) + " was left out: " + s.value("error", ""));
            continue;
        }
        json doc = s["document"];
        json blocks = doc.value("blocks", json::array());
        if (blocks.empty()) continue;  // nothing for this client: no heading over nothing
        sections.push_back({{"title", doc.value("title", s.value("title", id))}, {"blocks", blocks}});
        c.sections.push_back(full);
    }
    if (!unknown.empty()) throw BadInput("without: there is no section '" + unknown.front() + "'");

    std::string by = practice.value("practitioner", "");
    json closing = json::array();
    std::string contact;
    for (const char* key : {"phone", "email"})
        if (practice.contains(key)) contact += (contact.empty() ? "" : " or ") + practice[key].get<std::string>();
    if (!contact.empty())
        closing.push_back({{"type", "paragraph"},
                           {"text", "Questions before your next appointment? Contact " + (by.empty() ? std::string("us") : by) +
                                        " at " + contact + "."}});
    c.report = {{"title", "Plan summary for " + c.clientName},
                {"subtitle", "Prepared on " + longDate(today()) + (by.empty() ? "" : " by " + by)},
                {"practice", practice},
                {"sections", sections},
                {"closing", closing}};
    return c;
}

}  // namespace reports
