// The intake plugin's report section, rendered through the host like the
// report composer will: only for the one client asked for, only the points the
// practitioner chose.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "nourish/core/ClientStore.h"
#include "nourish/core/DemoCaseload.h"
#include "nourish/host/PluginHost.h"
#include "support/TempDir.h"

using namespace nourish;
using nlohmann::json;

TEST(IntakeReport, AboutYourChild_HasAgeAndTheChosenPointsOnly) {
    nourish::test::TempDir dir;
    Store store(dir / "n.db");
    seedDemoCaseload(store);
    PluginHost::Options options;
    options.directories = {NOURISH_BUNDLED_PLUGINS};
    options.firstPartyDirectory = NOURISH_BUNDLED_PLUGINS;
    PluginHost host(store, options);
    host.discover();
    host.loadAll();
    ASSERT_EQ(host.find("org.nourish.intake")->state, PluginState::Loaded) << host.find("org.nourish.intake")->reason;
    int64_t zoe = ClientStore(store).search("zoe", 1)[0].id;
    int64_t other = ClientStore(store).search("bennett", 1)[0].id;
    CliCommand intake{};
    for (auto& c : host.cliCommands())
        if (c.name == "intake") intake = c;
    std::string out, error;
    ASSERT_EQ(host.runCliCommand(intake, {"points", std::to_string(zoe), "--set", "- Reacts to egg\n\nSleeps badly\n"},
                                 out, error),
              0)
        << error;
    ASSERT_EQ(host.runCliCommand(intake, {"points", std::to_string(other), "--set", "Private to another family"},
                                 out, error),
              0);

    auto sections = host.reportSections(zoe);
    std::erase_if(sections, [](const ReportSection& s) { return s.pluginId != "org.nourish.intake"; });
    ASSERT_EQ(sections.size(), 1u);
    ASSERT_TRUE(sections[0].error.empty()) << sections[0].error;
    json doc = json::parse(sections[0].documentJson);
    EXPECT_EQ(doc["title"], "About Zoë");
    EXPECT_NE(doc["blocks"][0]["text"].get<std::string>().find("Zoë Müller, born"), std::string::npos);
    EXPECT_EQ(doc["blocks"][1]["items"], json::array({"Reacts to egg", "Sleeps badly"}));
    EXPECT_EQ(sections[0].documentJson.find("another family"), std::string::npos);
    EXPECT_EQ(sections[0].documentJson.find("Bennett"), std::string::npos);
}
