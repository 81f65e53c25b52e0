#pragma once

#include <boost/dll/shared_library.hpp>
#include <memory>
#include <thread>

#include "nourish/core/PluginSql.h"
#include "nourish/host/PluginHost.h"
#include "nourish/host_services.h"
#include "nourish/plugin.h"

namespace nourish {

// What the host keeps for a plugin whose library it opened.
struct PluginRuntime {
    PluginHost* host = nullptr;
    PluginRecord* record = nullptr;
    std::unique_ptr<boost::dll::shared_library> library;
    const nourish_plugin* descriptor = nullptr;
    nourish_host hostStruct{};  // handed to the plugin; host_data points back here
    std::unique_ptr<PluginSql> sql;
    bool started = false;
    // The thread the plugin was loaded on, the only one its [main-thread]
    // host services answer.
    std::thread::id mainThread = std::this_thread::get_id();
};

// PluginHost internals the event service needs.
struct HostServices {
    static uint64_t subscribe(PluginRuntime& rt, const char* event, nourish_event_handler handler, void* ud);
    static void unsubscribe(PluginRuntime& rt, uint64_t id);
};

// The C service tables (nourish.host.*), shared by every plugin.
const void* hostExtension(const nourish_host* host, const char* id);

}  // namespace nourish
