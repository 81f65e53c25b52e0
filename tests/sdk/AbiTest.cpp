// The SDK 1.x promise: the layout of every stable struct is what each set of
// frozen headers says (static asserts generated from tests/sdk/abi-1.0 and
// abi-1.1, checked here against the current headers at compile time), and a
// plugin compiled against either set still loads and works in the current
// host, side by side.
#include <gtest/gtest.h>

#include <cstddef>
#include <nlohmann/json.hpp>

#include "nourish/capabilities.h"
#include "nourish/host_services.h"
#include "nourish/plugin.h"
#include "abi_asserts_1_0.h"  // generated: static_assert(sizeof/offsetof ... == frozen value)
#include "abi_asserts_1_1.h"

#include "nourish/core/ClientStore.h"
#include "nourish/core/Store.h"
#include "nourish/host/PluginHost.h"
#include "support/Clients.h"
#include "support/TempDir.h"

using namespace nourish;

namespace {

struct AbiHost {
    nourish::test::TempDir dir;
    Store store{dir / "n.db"};
    PluginHost host{store, [] {
                        PluginHost::Options options;
                        options.directories = {NOURISH_ABI_PLUGIN_ROOT "/abi_1_0", NOURISH_ABI_PLUGIN_ROOT "/abi_1_1"};
                        return options;
                    }()};

    std::string run(const std::string& command, const std::vector<std::string>& args) {
        for (auto& c : host.cliCommands())
            if (c.name == command) {
                std::string out, error;
                EXPECT_EQ(host.runCliCommand(c, args, out, error), 0) << error;
                return out;
            }
        ADD_FAILURE() << "no command " << command;
        return {};
    }
};

}  // namespace

TEST(SdkAbi, PluginsBuiltAgainstTheFrozen10And11HeadersLoadAndWork) {
    AbiHost h;
    h.host.discover();
    h.host.loadAll();
    for (const char* minor : {"0", "1"}) {
        SCOPED_TRACE(std::string("SDK 1.") + minor);
        std::string id = std::string("org.example.abi-1-") + minor, command = std::string("abi-1-") + minor;
        PluginRecord* record = h.host.find(id);
        ASSERT_NE(record, nullptr);
        ASSERT_EQ(record->state, PluginState::Loaded) << record->reason;
        EXPECT_TRUE(record->notes.empty());
        EXPECT_EQ(h.run(command, {"note", "hello"}), "noted\n");
        EXPECT_EQ(h.run(command, {"count"}), "1\n");
        EXPECT_NE(h.run(command, {"protocols"}).find(id + ".one-food"), std::string::npos);
        ASSERT_NE(h.host.findProtocol(id + ".one-food"), nullptr);
    }
    h.host.shutdown();
}

// nourish.plans/1 and nourish.host.plans/1 (1.1): the 1.1 plugin's plans, read
// back through the host with the plugin named; the 1.0 plugin offers none.
TEST(SdkAbi, A11PluginsPlansAreReadThroughTheHost) {
    AbiHost h;
    h.host.discover();
    h.host.loadAll();
    int64_t id = ClientStore(h.store).create(test::child("Ada"), {"claire", "test"});
    auto plans = nlohmann::json::parse(h.run("abi-1-1", {"plans", std::to_string(id)}));
    ASSERT_EQ(plans["plans"].size(), 1u) << plans.dump();
    EXPECT_EQ(plans["plans"][0]["plugin"], "org.example.abi-1-1");
    EXPECT_EQ(plans["plans"][0]["id"], "p" + std::to_string(id));
    EXPECT_EQ(plans["plans"][0]["outcomes"][0]["result"], "tolerated");
    EXPECT_FALSE(plans.contains("problems")) << plans.dump();
    h.host.shutdown();
}
