// The plan section of the family summary, through the host: only the client
// asked for, and what a family needs this week.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "nourish/core/ClientStore.h"
#include "nourish/core/Errors.h"
#include "nourish/host/PluginHost.h"
#include "support/TempDir.h"

using namespace nourish;
using nlohmann::json;

TEST(EliminationReport, ThePlanSection_ForOneClientOfTheDemo) {
    nourish::test::TempDir dir;
    Store store(dir / "n.db");
    PluginHost::Options options;
    options.directories = {NOURISH_BUNDLED_PLUGINS};
    options.firstPartyDirectory = NOURISH_BUNDLED_PLUGINS;
    PluginHost host(store, options);
    host.discover();
    host.loadAll();
    ASSERT_EQ(host.find("org.nourish.elimination")->state, PluginState::Loaded) << host.find("org.nourish.elimination")->reason;
    ASSERT_EQ(host.seedDemo(), 12);
    // The demo gives Ollie Bennett a milk ladder and Minh Nguyễn a reaction to egg.
    int64_t ollie = ClientStore(store).search("bennett", 1)[0].id;
    auto sections = host.reportSections(ollie);
    std::erase_if(sections, [](const ReportSection& s) { return s.pluginId != "org.nourish.elimination"; });
    ASSERT_EQ(sections.size(), 1u);
    ASSERT_TRUE(sections[0].error.empty()) << sections[0].error;
    json doc = json::parse(sections[0].documentJson);
    std::string text = doc.dump();
    EXPECT_NE(text.find("Milk ladder"), std::string::npos);
    EXPECT_NE(text.find("whey"), std::string::npos) << "hidden sources of the food avoided";
    EXPECT_NE(text.find("Next challenges"), std::string::npos);
    EXPECT_NE(text.find("Malted milk biscuit"), std::string::npos) << "steps passed are back in the diet";
    bool chart = false;
    for (const json& b : doc["blocks"])
        if (b["type"] == "chart") chart = b["series"][0]["points"].size() >= 8 && !b["bands"].empty();
    EXPECT_TRUE(chart) << "the POEM trend with the phases";
    EXPECT_EQ(text.find("Nguy"), std::string::npos) << "no other family's data";
    EXPECT_EQ(text.find("egg"), std::string::npos);

    // A client without a plan gets a plain sentence, not an error.
    int64_t maya = ClientStore(store).search("patel", 1)[0].id;
    auto none = host.reportSections(maya);
    std::erase_if(none, [](const ReportSection& s) { return s.pluginId != "org.nourish.elimination"; });
    ASSERT_TRUE(none[0].error.empty()) << none[0].error;
    EXPECT_NE(none[0].documentJson.find("no elimination plan"), std::string::npos);
    host.shutdown();
}

// The wrapper offers the evaluate hook only when a plugin overrides it: the
// host then asks the protocol's own plugin, and for the others says there is none.
TEST(ProtocolHooks, OnlyAPluginThatOverridesEvaluateHasAHook) {
    nourish::test::TempDir dir;
    Store store(dir / "n.db");
    PluginHost::Options options;
    options.directories = {NOURISH_BUNDLED_PLUGINS, std::string(NOURISH_TEST_PLUGIN_ROOT) + "/protocols"};
    PluginHost host(store, options);
    host.discover();
    host.loadAll();
    std::string state = R"({"protocol_id": "x", "today": "2026-01-01", "schedule": {"current_phase": "elimination"},
                           "diary": []})";
    EXPECT_FALSE(host.evaluateProtocol("org.nourish.elimination.common-triggers", state).has_value());
    auto suggestions = host.evaluateProtocol("org.example.test.two-food", state);
    ASSERT_TRUE(suggestions.has_value());
    ASSERT_EQ(suggestions->size(), 1u);
    EXPECT_EQ((*suggestions)[0]["reason"], "two-food hook for org.example.test.two-food saw 0 diary days, phase elimination");
    EXPECT_THROW(host.evaluateProtocol("org.example.nope", state), NotFoundError);
    host.shutdown();
}
