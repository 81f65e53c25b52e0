#pragma once

#include <boost/dll/shared_library.hpp>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "nourish/core/PluginSql.h"
#include "nourish/host/PluginHost.h"
#include "nourish/host_services.h"
#include "nourish/plugin.h"

namespace nourish {

// A data-only plugin (a manifest and JSON documents, no library): the host
// stands in for its code with a descriptor of its own that offers the
// documents and does nothing else.
struct DataPlugin {
    struct Head {  // standard layout: the descriptor handed out is its first member
        nourish_plugin descriptor;
        const DataPlugin* owner;
    } head{};
    nourish_protocols protocols{sizeof(nourish_protocols), nullptr, nullptr};
    nourish_instruments instruments{sizeof(nourish_instruments), nullptr};
    nourish_intake_forms forms{sizeof(nourish_intake_forms), nullptr};
    nourish_note_templates templates{sizeof(nourish_note_templates), nullptr};
    nourish_growth_references growth{sizeof(nourish_growth_references), nullptr};
    std::map<std::string, std::string> lists;  // capability -> its JSON list of documents
    std::map<std::string, std::vector<std::string>> files;  // capability -> the file of each, in order
    const void* extension(const char* id) const;
};

// What the host keeps for a plugin whose library it opened (or whose
// documents it read, for a data-only plugin).
struct PluginRuntime {
    PluginHost* host = nullptr;
    PluginRecord* record = nullptr;
    std::unique_ptr<boost::dll::shared_library> library;
    std::unique_ptr<DataPlugin> data;  // a data-only plugin's documents, instead of a library
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
