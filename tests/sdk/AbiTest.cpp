// The SDK 1.0 promise: the layout of every stable struct is what the frozen
// 1.0 headers say (static asserts generated from them, checked here against
// the current headers at compile time), and a plugin compiled against the
// frozen headers still loads and works in the current host.
#include <gtest/gtest.h>

#include <cstddef>

#include "nourish/capabilities.h"
#include "nourish/host_services.h"
#include "nourish/plugin.h"
#include "abi_asserts.h"  // generated: static_assert(sizeof/offsetof ... == frozen value)

#include "nourish/core/Store.h"
#include "nourish/host/PluginHost.h"
#include "support/TempDir.h"

using namespace nourish;

TEST(SdkAbi, APluginBuiltAgainstTheFrozen10HeadersLoadsAndWorks) {
    nourish::test::TempDir dir;
    Store store(dir / "n.db");
    PluginHost::Options options;
    options.directories = {NOURISH_ABI_PLUGIN_DIR};
    PluginHost host(store, options);
    host.discover();
    host.loadAll();
    PluginRecord* record = host.find("org.example.abi");
    ASSERT_NE(record, nullptr);
    ASSERT_EQ(record->state, PluginState::Loaded) << record->reason;
    EXPECT_TRUE(record->notes.empty());
    CliCommand abi{};
    for (auto& c : host.cliCommands())
        if (c.name == "abi") abi = c;
    ASSERT_NE(abi.plugin, nullptr);
    std::string out, error;
    ASSERT_EQ(host.runCliCommand(abi, {"note", "hello"}, out, error), 0) << error;
    out.clear();
    ASSERT_EQ(host.runCliCommand(abi, {"count"}, out, error), 0) << error;
    EXPECT_EQ(out, "1\n");
    out.clear();
    ASSERT_EQ(host.runCliCommand(abi, {"protocols"}, out, error), 0) << error;
    EXPECT_NE(out.find("org.example.abi.one-food"), std::string::npos) << out;
    ASSERT_NE(host.findProtocol("org.example.abi.one-food"), nullptr);
    host.shutdown();
}
