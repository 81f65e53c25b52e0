// An example protocol plugin: the low-FODMAP diet as data, its own decision
// hook, one instrument and one command. It includes nothing but the SDK
// (and a JSON library of its own choosing).
#include <nlohmann/json.hpp>

#include "nourish/plugin.hpp"

namespace {

using nlohmann::json;

const char* kProtocolId = "org.example.low-fodmap.protocol";

// The six FODMAP subgroups, each challenged on its own with one test food.
struct Subgroup {
    const char* id;
    const char* label;
    const char* testFood;
    std::vector<const char*> sources;
};
const std::vector<Subgroup> kSubgroups = {
    {"fructans", "Fructans", "a slice of wheat bread, then two, then three",
     {"wheat, rye and barley", "onion and garlic", "leek and spring onion bulb"}},
    {"gos", "Galacto-oligosaccharides (GOS)", "a quarter cup of lentils, doubled then tripled",
     {"lentils, chickpeas and beans", "cashews and pistachios"}},
    {"lactose", "Lactose", "half a cup of milk, doubled then tripled", {"milk", "soft cheese", "yoghurt", "ice cream"}},
    {"fructose", "Excess fructose", "a teaspoon of honey, doubled then tripled",
     {"honey", "mango", "apple and pear", "high-fructose corn syrup"}},
    {"sorbitol", "Sorbitol", "a quarter of an avocado, doubled then tripled",
     {"stone fruit", "avocado", "sugar-free gum and mints (E420)"}},
    {"mannitol", "Mannitol", "a quarter cup of mushrooms, doubled then tripled",
     {"mushrooms", "cauliflower", "sweet potato", "sugar-free sweets (E421)"}},
};

class LowFodmapPlugin : public nourish::Plugin {
public:
    std::string protocolsJson() const override {
        json foods = json::array(), challenges = json::array();
        for (const Subgroup& s : kSubgroups) {
            foods.push_back({{"id", s.id}, {"label", s.label}, {"hidden_sources", s.sources}});
            challenges.push_back({{"food", s.id}, {"method", "escalation"}, {"portion", s.testFood},
                                  {"doses", {1, 2, 3}}, {"days_per_dose", 1}});
        }
        json protocol = {
            {"id", kProtocolId},
            {"version", 1},
            {"title", "Low-FODMAP diet"},
            {"summary", "Restriction of all FODMAPs for 2 to 6 weeks; then each of the six subgroups is challenged "
                        "on its own over three days, with three days back on the restricted diet between them; "
                        "then the diet is personalised around what was tolerated."},
            {"audience", {"adult"}},
            {"instruments", {"org.example.low-fodmap.ibs-symptoms"}},  // charted on the Protocol page
            {"min_age_months", 216},
            {"phases",
             {{{"kind", "elimination"}, {"title", "Restriction"}, {"default_days", 28}, {"min_days", 14},
               {"max_days", 42},
               {"family_text", "Replace high-FODMAP foods with low-FODMAP ones and keep a symptom diary."}},
              {{"kind", "reintroduction"}, {"title", "Reintroduction"},
               {"family_text", "One subgroup at a time over three days, increasing the portion each day; stay on "
                               "the restricted diet meanwhile and for three days after."}},
              {{"kind", "maintenance"}, {"title", "Personalisation"}, {"default_days", 28}, {"min_days", 0},
               {"max_days", 365},
               {"family_text", "Bring back every food that was tolerated; limit only the subgroups that caused "
                               "symptoms, to the amount that was comfortable."}}}},
            {"foods", foods},
            {"challenges", challenges},
            {"observation_days", 0},
            {"washout_days", 3},
            {"reactions",
             {{"mild", {{"action", "continue"}}},
              {"reaction", {{"action", "stop"}, {"wait_days", 3}, {"advice", "Stop the test food and wait until "
                                                                              "symptoms settle before the next one."}}}}},
            {"references", {"Monash University: the three phases of the low-FODMAP diet",
                            "Cambridge University Hospitals: FODMAP reintroduction leaflet"}},
            {"licence", "Example protocol shipped with the Nourish SDK; free to use and adapt."}};
        return json::array({protocol}).dump();
    }

    // Personalisation advice from the outcomes so far. The engine's own rules
    // still suggest tolerated/reaction from the diary; this only adds advice.
    std::optional<std::string> evaluateProtocol(const std::string& protocolId,
                                                const std::string& stateJson) override {
        if (protocolId != kProtocolId) return std::nullopt;
        json state = json::parse(stateJson);
        json suggestions = json::array();
        std::vector<std::string> reacted, tolerated;
        for (const json& f : state["schedule"]["foods"]) {
            std::string status = f["status"];
            if (status == "reacted") reacted.push_back(f["label"]);
            if (status == "tolerated" || status == "reintroduced") tolerated.push_back(f["label"]);
        }
        if (!reacted.empty()) {
            std::string list;
            for (const std::string& r : reacted) list += (list.empty() ? "" : ", ") + r;
            suggestions.push_back({{"kind", "advice"},
                                   {"reason", "Personalisation: keep " + list +
                                                  " low for now; re-test a smaller portion in 2-3 months."}});
        }
        if (tolerated.size() == kSubgroups.size())
            suggestions.push_back({{"kind", "advice"},
                                   {"reason", "Every subgroup was tolerated: the restricted diet can end; review "
                                              "other causes if symptoms continue."}});
        return suggestions.dump();
    }

    std::string instrumentsJson() const override {
        json scale = json::array({{{"value", "none"}, {"label", "None"}, {"score", 0}},
                                  {{"value", "mild"}, {"label", "Mild"}, {"score", 1}},
                                  {{"value", "moderate"}, {"label", "Moderate"}, {"score", 2}},
                                  {{"value", "severe"}, {"label", "Severe"}, {"score", 3}}});
        json items = json::array({{{"id", "pain"}, {"text", "Abdominal pain over the last week"}},
                                  {{"id", "bloating"}, {"text", "Bloating or distension over the last week"}},
                                  {{"id", "wind"}, {"text", "Wind over the last week"}},
                                  {{"id", "bowel"}, {"text", "Dissatisfaction with bowel habit"}},
                                  {{"id", "impact"}, {"text", "How much symptoms got in the way of daily life"}}});
        json instrument = {
            {"id", "org.example.low-fodmap.ibs-symptoms"},
            {"version", 1},
            {"title", "Short IBS symptom score"},
            {"short_title", "IBS score"},
            {"recall", "the last week"},
            {"every_days", 7},
            {"scale", scale},
            {"items", items},
            {"scoring", {{"method", "sum"}, {"max_missing", 0}}},
            {"bands",
             {{{"min", 0}, {"max", 3}, {"label", "Minimal"}},
              {{"min", 4}, {"max", 7}, {"label", "Mild"}},
              {{"min", 8}, {"max", 11}, {"label", "Moderate"}},
              {{"min", 12}, {"max", 15}, {"label", "Severe"}}}},
            {"licence", "Written for this example; not a validated instrument. Free to use and adapt."}};
        return json::array({instrument}).dump();
    }

    std::string cliCommandsJson() const override {
        return R"([{"name": "fodmap", "summary": "the FODMAP subgroups and where they are found",
                    "usage": "usage: nourish-cli fodmap foods"}])";
    }
    int runCommand(const std::string&, const std::vector<std::string>& args, const nourish::Output& out,
                   const nourish::Output& error) override {
        if (args.size() != 1 || args[0] != "foods") {
            error << "usage: nourish-cli fodmap foods\n";
            return 2;
        }
        for (const Subgroup& s : kSubgroups) {
            out << s.label << ": ";
            for (size_t i = 0; i < s.sources.size(); ++i) out << (i ? ", " : "") << s.sources[i];
            out << "\n";
        }
        return 0;
    }
};

}  // namespace

NOURISH_PLUGIN(LowFodmapPlugin, "org.example.low-fodmap", "Low-FODMAP protocol", "1.0.0", "Example Dietetics")
