// A third-party protocol plugin: one good protocol with its own evaluate hook,
// one that is inconsistent (refused, the other stays), one instrument.
#include <nlohmann/json.hpp>

#include "nourish/plugin.hpp"

namespace {

using nlohmann::json;

class ProtocolsPlugin : public nourish::Plugin {
public:
    std::string protocolsJson() const override {
        json good = {
            {"id", "org.example.test.two-food"},
            {"version", 1},
            {"title", "Two-food test protocol"},
            {"audience", {"child"}},
            {"instruments", {"org.nourish.instrument.poem", "org.example.test.tummy"}},
            {"phases",
             {{{"kind", "elimination"}, {"title", "Without both"}, {"default_days", 14}, {"min_days", 7}, {"max_days", 28}},
              {{"kind", "reintroduction"}, {"title", "One at a time"}}}},
            {"foods", {{{"id", "dairy"}, {"label", "Dairy"}}, {{"id", "wheat"}, {"label", "Wheat"}}}},
            {"challenges",
             {{{"food", "wheat"}, {"method", "escalation"}, {"doses", {1, 2}}, {"days_per_dose", 2}},
              {{"food", "dairy"}, {"method", "escalation"}, {"doses", {1}}, {"days_per_dose", 1}}}},
            {"observation_days", 1},
            {"washout_days", 2},
            {"reactions", {{"mild", {{"action", "continue"}}}, {"reaction", {{"action", "stop"}, {"wait_days", 5}}}}},
            {"licence", "Test only"}};
        json bad = good;
        bad["id"] = "org.example.test.broken";
        bad["challenges"][1]["food"] = "peanut";
        json badHook = good;
        badHook["id"] = "org.example.test.bad-hook";
        badHook["title"] = "Protocol whose hook answers nonsense";
        return json::array({good, bad, badHook}).dump();
    }

    std::optional<std::string> evaluateProtocol(const std::string& protocolId, const std::string& stateJson) override {
        json state = json::parse(stateJson);
        json out = json::array();
        if (protocolId == "org.example.test.bad-hook") return R"([{"kind": "verdict", "reason": "because"}])";
        out.push_back({{"kind", "advice"},
                       {"reason", "two-food hook for " + protocolId + " saw " + std::to_string(state["diary"].size()) +
                                      " diary days, phase " + state["schedule"]["current_phase"].get<std::string>()}});
        // What else the state holds: the outcomes so far and every instrument's scores.
        std::string seen;
        for (const json& o : state.value("outcomes", json::array()))
            seen += " outcome " + o["food"].get<std::string>() + " " + o["result"].get<std::string>() + ";";
        for (const json& sc : state.value("scores", json::array()))
            seen += " score " + sc["instrument"].get<std::string>() + " " + std::to_string(sc["total"].get<int>()) + " (" +
                    sc["band"].get<std::string>() + ") on " + sc["date"].get<std::string>() + ";";
        if (!seen.empty()) out.push_back({{"kind", "advice"}, {"reason", "two-food hook also saw:" + seen}});
        return out.dump();
    }

    std::string instrumentsJson() const override {
        return R"([{"id": "org.example.test.tummy", "version": 1, "title": "Tummy score", "licence": "Test only",
                    "scale": [{"value": "no", "label": "No", "score": 0}, {"value": "yes", "label": "Yes", "score": 1}],
                    "items": [{"id": "pain", "text": "Tummy pain?"}, {"id": "bloating", "text": "Bloating?"}],
                    "scoring": {"method": "sum"},
                    "bands": [{"min": 0, "max": 0, "label": "None"}, {"min": 1, "max": 2, "label": "Some"}]}])";
    }

    // A clinic's own note template, and one whose field breaks the form rules.
    std::string noteTemplatesJson() const override {
        return R"([{"id": "org.example.test.phone-check", "version": 1, "title": "Phone check-in",
                    "sections": [{"id": "summary", "title": "Summary", "guidance": "What the parent said.",
                                  "fields": [{"id": "itch", "type": "integer", "label": "Itch", "min": 0, "max": 10}]},
                                 {"id": "advice", "title": "Advice", "recommendations": true}]},
                   {"id": "org.example.test.bad-note", "version": 1, "title": "Broken",
                    "sections": [{"id": "a", "title": "A"},
                                 {"id": "b", "title": "B", "fields": [{"id": "when", "type": "clock", "label": "When"}]}]}])";
    }
};

}  // namespace

NOURISH_PLUGIN(ProtocolsPlugin, RAW_ID, "Test protocols", "1.0.0", "Nourish tests")
