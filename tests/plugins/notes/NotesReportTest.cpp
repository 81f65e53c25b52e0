// "Your last consultation" in the family summary, through the host, for the
// demo caseload: the last signed note only, one client only.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "nourish/core/ClientStore.h"
#include "nourish/host/PluginHost.h"
#include "support/TempDir.h"

using namespace nourish;
using nlohmann::json;

namespace {

std::string section(PluginHost& host, int64_t clientId) {
    auto sections = host.reportSections(clientId);
    std::erase_if(sections, [](const ReportSection& s) { return s.pluginId != "org.nourish.notes"; });
    EXPECT_EQ(sections.size(), 1u);
    if (sections.empty()) return {};
    EXPECT_TRUE(sections[0].error.empty()) << sections[0].error;
    return sections[0].documentJson;
}

}  // namespace

TEST(NotesReport, TheLastSignedConsultation_ForOneClientOfTheDemo) {
    nourish::test::TempDir dir;
    Store store(dir / "n.db");
    PluginHost::Options options;
    options.directories = {NOURISH_BUNDLED_PLUGINS};
    options.firstPartyDirectory = NOURISH_BUNDLED_PLUGINS;
    PluginHost host(store, options);
    host.discover();
    host.loadAll();
    ASSERT_EQ(host.find("org.nourish.notes")->state, PluginState::Loaded) << host.find("org.nourish.notes")->reason;
    ASSERT_EQ(host.seedDemo(), 12);

    // Ollie: the signed follow-up, its recommendations, the addendum, the next visit.
    std::string ollie = section(host, ClientStore(store).search("bennett", 1)[0].id);
    json doc = json::parse(ollie);
    EXPECT_EQ(doc["title"], "Your last consultation");
    for (const char* expected : {"What we agreed on", "This is what we agreed then", "step 3 (pancake)", "Foods to include", "Coconut yoghurt",
                                 "fermented foods for the gut", "Other advice", "Tummy time",
                                 "Your next appointment"})
        EXPECT_NE(ollie.find(expected), std::string::npos) << expected;
    EXPECT_EQ(ollie.find("Bone broth"), std::string::npos) << "the earlier consultation's advice is not repeated";
    EXPECT_EQ(ollie.find("soy yoghurt"), std::string::npos) << "addenda stay in the clinical record";
    for (const char* other : {"Zoë", "Nguy", "Freja", "Müller"}) EXPECT_EQ(ollie.find(other), std::string::npos) << other;

    // Minh: the follow-up three days ago is still a draft; the family sees the signed initial one.
    std::string minh = section(host, ClientStore(store).search("nguyễn", 1)[0].id);
    EXPECT_NE(minh.find("Salmon"), std::string::npos);
    EXPECT_EQ(minh.find("Reaction to egg"), std::string::npos) << "drafts never reach a family";

    // Layla: no note yet, her first appointment ahead.
    std::string layla = section(host, ClientStore(store).search("haddad", 1)[0].id);
    EXPECT_NE(layla.find("no consultation summary yet"), std::string::npos) << layla;
    EXPECT_NE(layla.find("Initial consultation, 60 minutes"), std::string::npos) << layla;
    host.shutdown();
}
