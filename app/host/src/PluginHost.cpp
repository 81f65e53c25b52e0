#include "nourish/host/PluginHost.h"

#include "nourish/json_input.hpp"

#include <dlfcn.h>
#include <link.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <map>
#include <set>
#include <sstream>

#include "PluginRuntime.h"
#include "nourish/host/PluginCheck.h"
#include "nourish/core/AuditLog.h"
#include "nourish/core/Hash.h"
#include "nourish/core/Integrity.h"
#include "nourish/core/ClientStore.h"
#include "nourish/core/Database.h"
#include "nourish/core/Dates.h"
#include "nourish/core/DemoCaseload.h"
#include "nourish/core/Errors.h"
#include "nourish/core/Paths.h"
#include "nourish/core/SchemaValidator.h"
#include "nourish/core/Store.h"
#include "nourish/core/PluginSql.h"
#include "nourish/core/Text.h"

namespace nourish {

namespace fs = std::filesystem;
using nlohmann::json;

const char* toString(PluginState state) {
    switch (state) {
        case PluginState::Found: return "found";
        case PluginState::Loaded: return "loaded";
        case PluginState::Disabled: return "disabled";
        case PluginState::Failed: return "failed";
    }
    return "?";
}

const char* toString(LoadFailure failure) {
    switch (failure) {
        case LoadFailure::None: return "none";
        case LoadFailure::BadManifest: return "bad manifest";
        case LoadFailure::MissingManifest: return "missing manifest";
        case LoadFailure::NotSharedObject: return "not a shared object";
        case LoadFailure::MissingDependency: return "missing library or undefined symbol";
        case LoadFailure::NoEntryPoint: return "no entry point";
        case LoadFailure::WrongSdk: return "built for another SDK";
        case LoadFailure::ManifestMismatch: return "manifest disagrees with binary";
        case LoadFailure::InvalidDocument: return "invalid document";
        case LoadFailure::MigrationFailed: return "store migration failed";
        case LoadFailure::InitFailed: return "init failed";
        case LoadFailure::DuplicateId: return "duplicate id";
        case LoadFailure::Crashed: return "crashed";
        case LoadFailure::NotAsShipped: return "not as shipped";
    }
    return "?";
}

struct PluginHost::Subscription {
    uint64_t id;
    PluginRuntime* owner;
    std::string event;
    nourish_event_handler handler;
    void* userData;
};

uint64_t HostServices::subscribe(PluginRuntime& rt, const char* event, nourish_event_handler handler, void* ud) {
    PluginHost& host = *rt.host;
    uint64_t id = host.nextSubscription_++;
    host.subscriptions_.push_back({id, &rt, event, handler, ud});
    return id;
}

void HostServices::unsubscribe(PluginRuntime& rt, uint64_t id) {
    auto& subs = rt.host->subscriptions_;
    std::erase_if(subs, [&](auto& s) { return s.id == id && s.owner == &rt; });
}

fs::path PluginHost::bundledPluginDirectory(const fs::path& executable) {
    std::error_code ec;
    fs::path exe = fs::weakly_canonical(executable, ec);
    return (exe.parent_path() / ".." / "lib" / "nourish" / "plugins").lexically_normal();
}

const char* PluginHost::builtInBundledKey() { return NOURISH_BUNDLED_PUBLIC_KEY; }

PluginHost::Options PluginHost::defaultOptions(const fs::path& executable) {
    Options options;
    options.bundledKey = builtInBundledKey();
    options.firstPartyDirectory = bundledPluginDirectory(executable);
    options.directories.push_back(options.firstPartyDirectory);
    if (const char* extra = std::getenv("NOURISH_PLUGIN_PATH")) {
        std::string paths = extra;
        size_t start = 0;
        while (start <= paths.size()) {
            size_t end = paths.find(':', start);
            if (end == std::string::npos) end = paths.size();
            if (end > start) options.directories.emplace_back(paths.substr(start, end - start));
            start = end + 1;
        }
    }
    options.directories.push_back(userPluginDirectory());
    return options;
}

fs::path PluginHost::userPluginDirectory() { return userDataDir() / "plugins"; }

PluginHost::PluginHost(Store& store, Options options)
    : store_(store), options_(std::move(options)), sentinel_(fs::path(store.path()).concat(".plugin-sentinel")) {
    previousCrash_ = sentinel_.takePrevious();
}

PluginHost::~PluginHost() { shutdown(); }

void PluginHost::discover() {
    std::set<fs::path> seen;
    for (const fs::path& dir : options_.directories) {
        std::error_code ec;
        fs::path canonical = fs::weakly_canonical(dir, ec);
        if (!fs::is_directory(canonical, ec) || !seen.insert(canonical).second) continue;
        bool firstParty = !options_.firstPartyDirectory.empty() &&
                          fs::equivalent(canonical, options_.firstPartyDirectory, ec);
        std::vector<fs::path> entries;
        // Hidden files are not plugins: among them the installer's own
        // half-copied (.installing-*) and set-aside (.replaced-*) files.
        for (auto& entry : fs::directory_iterator(canonical, ec))
            if (!entry.path().filename().string().starts_with(".")) entries.push_back(entry.path());
        std::sort(entries.begin(), entries.end());
        // Manifests beside the libraries, and a plugin in a folder of its own
        // (<id>/<id>.plugin.json: how a data-only plugin is installed).
        std::vector<fs::path> manifests;
        for (const fs::path& path : entries) {
            std::string name = path.filename().string();
            if (name.ends_with(".plugin.json")) manifests.push_back(path);
            else if (fs::is_directory(path, ec) && fs::is_regular_file(path / (name + ".plugin.json"), ec))
                manifests.push_back(path / (name + ".plugin.json"));
        }
        std::sort(manifests.begin(), manifests.end());
        std::set<std::string> described;  // libraries a manifest names
        for (const fs::path& path : manifests) {
            std::string name = path.filename().string();
            auto record = std::make_unique<PluginRecord>();
            record->manifestPath = path;
            record->firstParty = firstParty;
            try {
                record->manifest = readManifest(path);
                if (!record->manifest.dataOnly()) record->libraryPath = path.parent_path() / record->manifest.library;
                if (path.parent_path() == canonical && !record->manifest.dataOnly())
                    described.insert(record->manifest.library);
                std::string expected = record->manifest.id + ".plugin.json";
                if (name != expected)
                    fail(*record, LoadFailure::BadManifest,
                         "the manifest " + name + " must be named " + expected + " after the plugin's id");
            } catch (const std::exception& e) {
                // Keep the library it names out of the "no manifest" list below.
                try {
                    auto raw = json::parse(std::ifstream(path));
                    if (raw.is_object() && raw.contains("library") && raw["library"].is_string())
                        described.insert(raw["library"].get<std::string>());
                } catch (const std::exception&) {
                }
                record->manifest.id = name.substr(0, name.size() - std::string(".plugin.json").size());
                record->manifest.name = record->manifest.id;
                fail(*record, LoadFailure::BadManifest, e.what());
            }
            plugins_.push_back(std::move(record));
        }
        std::vector<fs::path> unclaimed;
        for (const fs::path& path : entries)
            if (path.extension() == ".so" && !described.count(path.filename().string())) unclaimed.push_back(path);
        // A library no manifest names may be a plugin's private library (RUNPATH
        // $ORIGIN): only then are the plugins' ELF headers read.
        if (!unclaimed.empty())
            for (const auto& record : plugins_)
                if (!record->libraryPath.empty() && record->libraryPath.parent_path() == canonical)
                    for (const std::string& lib : privateLibraries(record->libraryPath)) described.insert(lib);
        for (const fs::path& path : unclaimed) {
            if (described.count(path.filename().string())) continue;
            auto record = std::make_unique<PluginRecord>();
            record->libraryPath = path;
            record->firstParty = firstParty;
            record->manifest.id = path.stem().string();
            record->manifest.name = path.filename().string();
            fail(*record, LoadFailure::MissingManifest,
                 "the library " + path.filename().string() +
                     " has no manifest beside it (<id>.plugin.json); it was not loaded");
            plugins_.push_back(std::move(record));
        }
    }
}

void PluginHost::fail(PluginRecord& record, LoadFailure failure, std::string reason) {
    record.state = PluginState::Failed;
    record.failure = failure;
    record.reason = std::move(reason);
}

std::vector<std::string> PluginHost::disabledIds() {
    StatementScope s(store_.db().cached("SELECT value FROM settings WHERE key = 'plugins.disabled'"));
    if (!s->step()) return {};
    try {
        return json::parse(s->text(0)).get<std::vector<std::string>>();
    } catch (const std::exception&) {
        return {};
    }
}

void PluginHost::setEnabled(const std::string& id, bool enabled, const Actor& actor) {
    auto ids = disabledIds();
    bool was = std::find(ids.begin(), ids.end(), id) == ids.end();
    if (was == enabled) return;
    std::erase(ids, id);
    if (!enabled) ids.push_back(id);
    Transaction tx(store_.db());
    store_.db()
        .cached("INSERT INTO settings (key, value) VALUES ('plugins.disabled', ?1) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        .bind(1, json(ids).dump())
        .run();
    AuditLog(store_).record(actor, enabled ? "plugin.enable" : "plugin.disable", std::nullopt, json{{"plugin", id}}.dump());
    tx.commit();
}

void PluginHost::recordInstall(const PluginInstall& install, const Actor& actor) {
    if (!install.installed || !install.check.manifest) return;
    const Manifest& m = *install.check.manifest;
    // A data-only plugin's manifest names its documents and the signature covers them.
    std::string libraryHash =
        sha256FileHex(m.dataOnly() ? install.installedManifest : install.installedLibrary).value_or("");
    Transaction tx(store_.db());
    AuditLog(store_).record(actor, install.replaced ? "plugin.upgrade" : "plugin.install", std::nullopt,
                            json{{"plugin", m.id},
                                 {"version", m.version},
                                 {"replaced_version", install.replaced ? json(install.replaced->version) : json(nullptr)},
                                 {"vendor", m.vendor},
                                 {"library", m.dataOnly() ? json(nullptr) : json(install.installedLibrary.string())},
                                 {"manifest", install.installedManifest.string()},
                                 {"data_only", m.dataOnly()},
                                 {"sha256", libraryHash},
                                 {"signature", install.check.signature.state == trust::Signature::State::Unsigned
                                                   ? json(nullptr)
                                                   : json(install.check.signature.fingerprint)},
                                 {"trusted_vendor", install.check.signature.state == trust::Signature::State::Trusted
                                                        ? json(install.check.signature.vendor)
                                                        : json(nullptr)}}
                                .dump());
    tx.commit();
}

PluginHost::UninstallRecord PluginHost::recordUninstall(const PluginUninstall& uninstall, const Actor& actor,
                                                        bool removeData) {
    UninstallRecord record;
    const Manifest& m = uninstall.manifest;
    if (removeData) record.removed = store_.removePluginData(m.id, m.tablePrefix, actor);
    record.tablesKept = PluginSql::tablesUnder(store_, m.tablePrefix);
    Transaction tx(store_.db());
    AuditLog(store_).record(actor, "plugin.uninstall", std::nullopt,
                            json{{"plugin", m.id},
                                 {"version", m.version},
                                 {"tables_kept", record.tablesKept},
                                 {"data_removed", removeData}}
                                .dump());
    tx.commit();
    return record;
}

void PluginHost::loadAll() {
    auto disabled = disabledIds();
    std::set<std::string> loadedIds;
    for (auto& owned : plugins_) {
        PluginRecord& record = *owned;
        if (record.state != PluginState::Found) continue;
        const std::string& id = record.id();
        if (std::find(disabled.begin(), disabled.end(), id) != disabled.end()) {
            record.state = PluginState::Disabled;
            record.reason = "switched off in Plugins > Manage";
            continue;
        }
        if (options_.safeMode && !record.firstParty) {
            record.state = PluginState::Disabled;
            record.reason = "safe mode: only the plugins that come with Nourish are loaded";
            continue;
        }
        if (previousCrash_ && previousCrash_->pluginId == id && options_.source != "gui") {
            // The GUI asks the practitioner; elsewhere a crashing plugin stays off for this run.
            fail(record, LoadFailure::Crashed,
                 "Nourish stopped unexpectedly while this plugin was " + previousCrash_->phase +
                     "; it was not loaded this time");
            continue;
        }
        if (loadedIds.count(id)) {
            auto first = std::find_if(plugins_.begin(), plugins_.end(), [&](auto& p) {
                return p.get() != &record && p->id() == id && p->state == PluginState::Loaded;
            });
            fail(record, LoadFailure::DuplicateId,
                 "another plugin with the id " + id + " is already loaded" +
                     (first != plugins_.end() ? " from " + (*first)->libraryPath.parent_path().string() : "") +
                     "; remove one of the two copies");
            continue;
        }
        load(record);
        if (record.state == PluginState::Loaded) loadedIds.insert(id);
    }
}

namespace {
// The manifest's limits.sql_statement_ms, or the host's default.
std::chrono::milliseconds sqlTimeLimitOf(const Manifest& m) {
    return m.sqlStatementMs > 0 ? std::chrono::milliseconds(m.sqlStatementMs) : PluginSql::kDefaultTimeLimit;
}

// The loader's own words from Boost.DLL's message, "boost::dll::shared_library::load()
// failed (dlerror system message: WORDS): Bad file descriptor" (the errno after
// it means nothing here).
std::string dlerrorText(const std::string& what) {
    const std::string start = "(dlerror system message: ";
    size_t from = what.find(start), to = what.rfind("): ");
    if (from == std::string::npos || to == std::string::npos || to < from) return what;
    return what.substr(from + start.size(), to - from - start.size());
}

std::string sdkText(int major, int minor) { return std::to_string(major) + "." + std::to_string(minor); }
}  // namespace

namespace {

// A file as the kernel keeps it: device, inode, size, and the times of its
// last change of content and of status (which no one can set back by hand).
std::string fileStamp(const fs::path& file) {
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0) return "-";
    return std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino) + ":" + std::to_string(st.st_size) + ":" +
           std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec) + ":" +
           std::to_string(st.st_ctim.tv_sec) + "." + std::to_string(st.st_ctim.tv_nsec);
}

// Hashing a bundled plugin's library at every start costs as much as reading
// it (tens of MB with debug information): a signature verified once is
// remembered, in the configuration folder, with the stamps of the three files
// and the key, and verified again as soon as any of them changes.
fs::path bundledVerifiedPath() { return integrity::configDirectory() / "bundled-verified.json"; }

std::string bundledStamps(const fs::path& manifest, const fs::path& library, const std::string& id,
                          const std::string& key) {
    return key + "|" + fileStamp(manifest) + "|" + fileStamp(library) + "|" +
           fileStamp(trust::signaturePath(manifest, id));
}

json readBundledVerified() {
    std::ifstream in(bundledVerifiedPath());
    if (!in) return json::object();
    try {
        json j = json::parse(in);
        return j.is_object() ? j : json::object();
    } catch (const std::exception&) {
        return json::object();  // verified again, and written anew
    }
}

}  // namespace

bool PluginHost::bundledVerified(const fs::path& manifest, const fs::path& library, const std::string& id,
                                 const std::string& key) {
    json known = readBundledVerified();
    std::string name = fs::absolute(manifest).lexically_normal().string();
    return known.contains(name) && known[name].is_string() && known[name] == bundledStamps(manifest, library, id, key);
}

void PluginHost::rememberBundledVerified(const fs::path& manifest, const fs::path& library, const std::string& id,
                                         const std::string& key) {
    json known = readBundledVerified();
    known[fs::absolute(manifest).lexically_normal().string()] = bundledStamps(manifest, library, id, key);
    std::error_code ec;
    fs::path path = bundledVerifiedPath();
    fs::create_directories(path.parent_path(), ec);
    fs::path temp = path;
    temp += ".tmp-" + std::to_string(::getpid());
    {
        std::ofstream out(temp, std::ios::trunc);
        out << known.dump(1) << '\n';
        if (!out) return fs::remove(temp, ec), void();  // only a cache: verified again next time
    }
    fs::permissions(temp, fs::perms::owner_read | fs::perms::owner_write, ec);
    fs::rename(temp, path, ec);
    if (ec) fs::remove(temp, ec);
}

const void* DataPlugin::extension(const char* id) const {
    std::string_view capability = id ? id : "";
    if (!lists.count(std::string(capability))) return nullptr;
    if (capability == NOURISH_PROTOCOLS_ID) return &protocols;
    if (capability == NOURISH_INSTRUMENTS_ID) return &instruments;
    if (capability == NOURISH_INTAKE_FORMS_ID) return &forms;
    if (capability == NOURISH_NOTE_TEMPLATES_ID) return &templates;
    if (capability == NOURISH_GROWTH_REFERENCES_ID) return &growth;
    return nullptr;
}

namespace {

// A data-only plugin's documents, each file read and parsed (what each one
// says is checked when the catalogue is read, as for a plugin with code).
// Null, with `problem` naming the file, when one cannot be read.
std::unique_ptr<DataPlugin> readDataPlugin(const PluginRecord& record, std::string& problem) {
    const Manifest& m = record.manifest;
    auto data = std::make_unique<DataPlugin>();
    fs::path folder = record.manifestPath.parent_path();
    std::map<std::string, json> lists;
    for (const Manifest::Document& doc : m.documents) {
        std::string capability = capabilityOfDocumentKind(doc.kind);
        fs::path file = folder / doc.path;
        std::error_code ec;
        std::string where = doc.path + " (listed at $.documents." + doc.kind + ")";
        if (!fs::is_regular_file(file, ec)) {
            problem = where + " is missing beside its manifest";
            return nullptr;
        }
        if (fs::file_size(file, ec) > 4 * 1024 * 1024) {
            problem = where + " is larger than 4 MB";
            return nullptr;
        }
        std::ifstream in(file, std::ios::binary);
        std::stringstream text;
        text << in.rdbuf();
        json document;
        try {
            document = parseJsonInput(text.str());
        } catch (const JsonInputError& e) {
            problem = where + " " + e.what();
            return nullptr;
        }
        if (!document.is_object()) {
            problem = where + ": $: must hold one document (a JSON object), not " + document.type_name();
            return nullptr;
        }
        lists[capability].push_back(std::move(document));
        data->files[capability].push_back(doc.path);
    }
    for (auto& [capability, list] : lists) data->lists[capability] = list.dump();
    auto text = [&](const char* capability) {
        auto it = data->lists.find(capability);
        return it == data->lists.end() ? nullptr : it->second.c_str();
    };
    data->protocols.protocols_json = text(NOURISH_PROTOCOLS_ID);
    data->instruments.instruments_json = text(NOURISH_INSTRUMENTS_ID);
    data->forms.forms_json = text(NOURISH_INTAKE_FORMS_ID);
    data->templates.templates_json = text(NOURISH_NOTE_TEMPLATES_ID);
    data->growth.references_json = text(NOURISH_GROWTH_REFERENCES_ID);
    nourish_plugin& d = data->head.descriptor;
    d.struct_size = sizeof(nourish_plugin);
    d.sdk_major = uint16_t(m.sdkMajor);
    d.sdk_minor = uint16_t(m.sdkMinor);
    d.id = m.id.c_str();
    d.name = m.name.c_str();
    d.version = m.version.c_str();
    d.vendor = m.vendor.c_str();
    d.init = [](const nourish_plugin*, const nourish_host*, const nourish_sink*) -> int32_t { return NOURISH_OK; };
    d.shutdown = [](const nourish_plugin*) {};
    d.get_extension = [](const nourish_plugin* self, const char* id) -> const void* {
        return reinterpret_cast<const DataPlugin::Head*>(self)->owner->extension(id);
    };
    data->head.owner = data.get();
    return data;
}

}  // namespace

void PluginHost::load(PluginRecord& record) {
    const Manifest& m = record.manifest;
    const std::string host = sdkText(NOURISH_SDK_MAJOR, NOURISH_SDK_MINOR);
    auto wrongSdk = [&](int major, int minor) {
        return major != NOURISH_SDK_MAJOR || minor > NOURISH_SDK_MINOR;
    };
    if (wrongSdk(m.sdkMajor, m.sdkMinor) && (!options_.openLibraryBehindWrongSdk || m.dataOnly()))
        return fail(record, LoadFailure::WrongSdk,
                    (m.dataOnly() ? "written for SDK " : "built for SDK ") + sdkText(m.sdkMajor, m.sdkMinor) +
                        " while this app provides " + host + "; ask its author for a version " +
                        (m.dataOnly() ? "written" : "built") + " for SDK " + host);
    if (m.dataOnly()) {
        if (record.firstParty && !options_.bundledKey.empty()) {
            trust::Signature s = trust::verify(record.manifestPath, m.id, {});
            if (s.publicKey.empty() || s.publicKey != options_.bundledKey)
                return fail(record, LoadFailure::NotAsShipped,
                            "its files are not as they came with Nourish; it was not loaded: reinstall Nourish");
        }
        stage("its documents");
        auto runtime = std::make_unique<PluginRuntime>();
        runtime->host = this;
        runtime->record = &record;
        std::string problem;
        runtime->data = readDataPlugin(record, problem);
        if (!runtime->data) return fail(record, LoadFailure::InvalidDocument, problem);
        runtime->descriptor = &runtime->data->head.descriptor;
        record.runtime = std::move(runtime);
        return start(record);
    }
    if (!fs::exists(record.libraryPath))
        return fail(record, LoadFailure::NotSharedObject,
                    "the library " + record.libraryPath.filename().string() + " named by its manifest is missing");
    if (!isElfFile(record.libraryPath))
        return fail(record, LoadFailure::NotSharedObject,
                    record.libraryPath.filename().string() + " is not a shared object (not an ELF file)");
    if (record.firstParty && !options_.bundledKey.empty() &&
        !bundledVerified(record.manifestPath, record.libraryPath, m.id, options_.bundledKey)) {
        // What comes with Nourish runs only as it was built and signed.
        trust::Signature s = trust::verify(record.manifestPath, m.id, record.libraryPath);
        if (s.publicKey.empty() || s.publicKey != options_.bundledKey)
            return fail(record, LoadFailure::NotAsShipped,
                        "its files are not as they came with Nourish (" +
                            std::string(s.state == trust::Signature::State::Unsigned ? "it is not signed"
                                        : s.state == trust::Signature::State::Bad     ? s.problem
                                                                                      : "it is signed with another key") +
                            "); it was not loaded: reinstall Nourish");
        rememberBundledVerified(record.manifestPath, record.libraryPath, m.id, options_.bundledKey);
    }

    auto runtime = std::make_unique<PluginRuntime>();
    runtime->host = this;
    runtime->record = &record;
    stage("loading the library");
    try {
        runtime->library = std::make_unique<boost::dll::shared_library>(
            boost::dll::fs::path(record.libraryPath.string()),
            boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
    } catch (const std::exception& e) {
        return fail(record, LoadFailure::MissingDependency,
                    "it could not be opened: a library it needs is missing or a symbol is undefined (" +
                        dlerrorText(e.what()) + ")");
    }
    PluginRuntime& rt = *runtime;
    record.runtime = std::move(runtime);

    if (!rt.library->has(NOURISH_ENTRY_NAME))
        return fail(record, LoadFailure::NoEntryPoint,
                    "the library has no entry point " + std::string(NOURISH_ENTRY_NAME) +
                        " (was it built with NOURISH_PLUGIN?)");
    stage("its entry point");
    {
        CrashSentinel::CallScope call(record.id());
        // NOURISH_PLUGIN (BOOST_DLL_ALIAS) exports a variable holding the
        // entry function; a plugin in plain C may export the function itself.
        // The symbol's ELF type tells which.
        void* symbol = &rt.library->get<char>(NOURISH_ENTRY_NAME);
        Dl_info info{};
        void* entryOfSymbolTable = nullptr;
        bool found = dladdr1(symbol, &info, &entryOfSymbolTable, RTLD_DL_SYMENT) != 0;
        const auto* elf = static_cast<const ElfW(Sym)*>(entryOfSymbolTable);
        bool isFunction = found && elf &&
                          (ELF64_ST_TYPE(elf->st_info) == STT_FUNC || ELF64_ST_TYPE(elf->st_info) == STT_GNU_IFUNC);
        nourish_entry_fn entry = isFunction ? reinterpret_cast<nourish_entry_fn>(symbol)
                                            : *static_cast<const nourish_entry_fn*>(symbol);
        if (!entry)
            return fail(record, LoadFailure::NoEntryPoint,
                        std::string(NOURISH_ENTRY_NAME) + " is a variable that holds no function");
        rt.descriptor = entry();
    }
    const nourish_plugin* d = rt.descriptor;
    if (!d || d->struct_size < sizeof(nourish_plugin) || !d->id || !d->init || !d->get_extension || !d->shutdown)
        return fail(record, LoadFailure::NoEntryPoint, "its entry point returned no usable descriptor");
    if (wrongSdk(d->sdk_major, d->sdk_minor))
        return fail(record, LoadFailure::WrongSdk,
                    "built for SDK " + sdkText(d->sdk_major, d->sdk_minor) + " while this app provides " + host +
                        "; ask its author for a version built for SDK " + host);
    if (m.id != d->id || (d->version && m.version != d->version) || m.sdkMajor != d->sdk_major ||
        m.sdkMinor != d->sdk_minor)
        return fail(record, LoadFailure::ManifestMismatch,
                    "its manifest says " + m.id + " " + m.version + " (SDK " + sdkText(m.sdkMajor, m.sdkMinor) +
                        ") but the library is " + d->id + " " + (d->version ? d->version : "?") + " (SDK " +
                        sdkText(d->sdk_major, d->sdk_minor) +
                        "); they do not belong together: reinstall the plugin (its author: fix the manifest)");
    stage("its documents");
    start(record);
}

void PluginHost::start(PluginRecord& record) {
    const Manifest& m = record.manifest;
    PluginRuntime& rt = *record.runtime;
    const nourish_plugin* d = rt.descriptor;
    {
        CrashSentinel::CallScope call(record.id());
        for (const std::string& capability : m.capabilities)
            if (!d->get_extension(d, capability.c_str()))
                return fail(record, LoadFailure::ManifestMismatch,
                            "its manifest lists " + capability + " but the library does not offer it");
    }
    try {
        validateDocuments(record);
    } catch (const std::exception& e) {
        return fail(record, LoadFailure::InvalidDocument, e.what());
    }

    if (!m.tablePrefix.empty()) {
        std::string problem = PluginSql::prefixProblem(m.tablePrefix);
        for (PluginRecord* other : started_) {
            const std::string& theirs = other->manifest.tablePrefix;
            if (!theirs.empty() && (theirs.rfind(m.tablePrefix, 0) == 0 || m.tablePrefix.rfind(theirs, 0) == 0))
                problem = "its table prefix '" + m.tablePrefix + "' overlaps '" + theirs + "' of " + other->id();
        }
        if (!problem.empty()) return fail(record, LoadFailure::BadManifest, problem);
    }
    rt.sql = std::make_unique<PluginSql>(store_, m.id, m.tablePrefix);
    rt.sql->setTimeLimit(sqlTimeLimitOf(m));
    rt.hostStruct = nourish_host{sizeof(nourish_host), NOURISH_SDK_MAJOR, NOURISH_SDK_MINOR, "0.1.0", &rt,
                                 &hostExtension};
    stage("its migrations");
    if (auto ext = static_cast<const nourish_store_migrations*>(d->get_extension(d, NOURISH_STORE_MIGRATIONS_ID))) {
        try {
            if (m.tablePrefix.empty())
                throw StoreError("it declares store migrations but its manifest has no table_prefix");
            std::vector<Migration> migrations;
            for (auto& item : json::parse(ext->migrations_json))
                migrations.push_back(Migration{item["version"], item["name"], item["sql"]});
            std::sort(migrations.begin(), migrations.end(), [](auto& a, auto& b) { return a.version < b.version; });
            // A store that holds data is copied before the plugin changes it.
            auto pending = store_.pendingMigrations(m.id, migrations);
            if (!pending.empty() && !ClientStore(store_).isEmpty()) {
                fs::path backup = store_.path();
                // Once per pending migration: a refused one tried again at every
                // start keeps the copy made before its first attempt.
                backup += ".before-" + m.id + "-" + std::to_string(pending.front().version) + ".bak";
                if (!fs::exists(backup)) backupDatabase(store_.db(), backup);
            }
            rt.sql->migrate(migrations);
        } catch (const std::exception& e) {
            return fail(record, LoadFailure::MigrationFailed, e.what());
        }
    }

    std::string message;
    nourish_sink sink{&message, [](void* ctx, const char* data, size_t size) {
                          static_cast<std::string*>(ctx)->append(data, size);
                      }};
    stage("init");
    sentinel_.arm(m.id, "initialising");
    int32_t rc = d->init(d, &rt.hostStruct, &sink);
    sentinel_.disarm();
    rt.sql->resetStatements();
    if (rc != NOURISH_OK) {
        std::erase_if(subscriptions_, [&](auto& s) { return s.owner == &rt; });
        return fail(record, LoadFailure::InitFailed,
                    "init failed: " + (message.empty() ? std::string("the plugin gave no reason") : message));
    }
    rt.started = true;
    started_.push_back(&record);
    record.state = PluginState::Loaded;
    record.failure = LoadFailure::None;
    record.reason.clear();

    if (m.offers(NOURISH_UI_WX_ID)) {
        auto ui = static_cast<const nourish_ui_wx*>(d->get_extension(d, NOURISH_UI_WX_ID));
        std::string mine = options_.wxSignature;
        if (!mine.empty() && (m.wxSignature != mine || !ui || !ui->wx_signature || mine != ui->wx_signature))
            record.notes.push_back("its pages are not shown: it was built against another wxWidgets (" +
                                   (m.wxSignature.empty() ? std::string("none given") : m.wxSignature) + ")");
    }
}

void PluginHost::validateDocuments(PluginRecord& record) {
    const nourish_plugin* d = record.runtime->descriptor;
    struct Doc {
        const char* capability;
        const char* schema;
    };
    // Structs must be at least as large as SDK 1.0 made them, with every function set.
    auto tooSmall = [&](const char* id, uint32_t size, uint32_t minimum) {
        if (size < minimum)
            throw std::runtime_error(record.id() + " (" + id + "): its struct is " + std::to_string(size) +
                                     " bytes, smaller than SDK 1.0's " + std::to_string(minimum));
    };
    auto missing = [&](const char* id, const void* fn, const char* name) {
        if (!fn) throw std::runtime_error(record.id() + " (" + id + "): the function " + name + " is missing");
    };
    if (auto e = static_cast<const nourish_cli_commands*>(d->get_extension(d, NOURISH_CLI_COMMANDS_ID))) {
        tooSmall(NOURISH_CLI_COMMANDS_ID, e->struct_size, sizeof(nourish_cli_commands));
        missing(NOURISH_CLI_COMMANDS_ID, reinterpret_cast<const void*>(e->run), "run");
    }
    if (auto e = static_cast<const nourish_ui_wx*>(d->get_extension(d, NOURISH_UI_WX_ID))) {
        tooSmall(NOURISH_UI_WX_ID, e->struct_size, sizeof(nourish_ui_wx));
        missing(NOURISH_UI_WX_ID, reinterpret_cast<const void*>(e->create_page), "create_page");
        missing(NOURISH_UI_WX_ID, reinterpret_cast<const void*>(e->show_client), "show_client");
    }
    if (auto e = static_cast<const nourish_report_sections*>(d->get_extension(d, NOURISH_REPORT_SECTIONS_ID))) {
        tooSmall(NOURISH_REPORT_SECTIONS_ID, e->struct_size, sizeof(nourish_report_sections));
        missing(NOURISH_REPORT_SECTIONS_ID, reinterpret_cast<const void*>(e->render), "render");
    }
    if (auto e = static_cast<const nourish_store_migrations*>(d->get_extension(d, NOURISH_STORE_MIGRATIONS_ID)))
        tooSmall(NOURISH_STORE_MIGRATIONS_ID, e->struct_size, sizeof(nourish_store_migrations));
    if (auto e = static_cast<const nourish_intake_forms*>(d->get_extension(d, NOURISH_INTAKE_FORMS_ID)))
        tooSmall(NOURISH_INTAKE_FORMS_ID, e->struct_size, sizeof(nourish_intake_forms));
    if (auto e = static_cast<const nourish_protocols*>(d->get_extension(d, NOURISH_PROTOCOLS_ID)))
        tooSmall(NOURISH_PROTOCOLS_ID, e->struct_size, sizeof(nourish_protocols));
    if (auto e = static_cast<const nourish_instruments*>(d->get_extension(d, NOURISH_INSTRUMENTS_ID)))
        tooSmall(NOURISH_INSTRUMENTS_ID, e->struct_size, sizeof(nourish_instruments));
    if (auto e = static_cast<const nourish_note_templates*>(d->get_extension(d, NOURISH_NOTE_TEMPLATES_ID)))
        tooSmall(NOURISH_NOTE_TEMPLATES_ID, e->struct_size, sizeof(nourish_note_templates));
    if (auto e = static_cast<const nourish_growth_references*>(d->get_extension(d, NOURISH_GROWTH_REFERENCES_ID)))
        tooSmall(NOURISH_GROWTH_REFERENCES_ID, e->struct_size, sizeof(nourish_growth_references));
    if (auto e = static_cast<const nourish_allergy_history*>(d->get_extension(d, NOURISH_ALLERGY_HISTORY_ID))) {
        tooSmall(NOURISH_ALLERGY_HISTORY_ID, e->struct_size, sizeof(nourish_allergy_history));
        missing(NOURISH_ALLERGY_HISTORY_ID, reinterpret_cast<const void*>(e->history), "history");
    }
    if (auto e = static_cast<const nourish_plans*>(d->get_extension(d, NOURISH_PLANS_ID))) {
        tooSmall(NOURISH_PLANS_ID, e->struct_size, sizeof(nourish_plans));
        missing(NOURISH_PLANS_ID, reinterpret_cast<const void*>(e->plans), "plans");
    }
    for (Doc doc : {Doc{NOURISH_STORE_MIGRATIONS_ID, "migrations.schema.json"},
                    Doc{NOURISH_CLI_COMMANDS_ID, "cli-commands.schema.json"},
                    Doc{NOURISH_UI_WX_ID, "ui-pages.schema.json"},
                    Doc{NOURISH_REPORT_SECTIONS_ID, "report-sections.schema.json"}}) {
        const void* ext = d->get_extension(d, doc.capability);
        if (!ext) continue;
        const char* text = nullptr;
        std::string_view id = doc.capability;
        if (id == NOURISH_STORE_MIGRATIONS_ID) text = static_cast<const nourish_store_migrations*>(ext)->migrations_json;
        if (id == NOURISH_CLI_COMMANDS_ID) text = static_cast<const nourish_cli_commands*>(ext)->commands_json;
        if (id == NOURISH_UI_WX_ID) text = static_cast<const nourish_ui_wx*>(ext)->pages_json;
        if (id == NOURISH_REPORT_SECTIONS_ID) text = static_cast<const nourish_report_sections*>(ext)->sections_json;
        std::string where = record.id() + " (" + doc.capability + ")";
        if (!text) throw std::runtime_error(where + ": the document is missing");
        json j;
        try {
            j = parseJsonInput(text);
        } catch (const JsonInputError& e) {
            throw std::runtime_error(where + ": " + e.what());
        }
        auto problems = SchemaValidator::forSchema(doc.schema).validate(j);
        if (!problems.empty()) throw std::runtime_error(where + ": invalid at " + problems.front());
    }
}

namespace {

// A capability's JSON list of documents (forms, protocols, instruments), each
// parsed on its own: one that breaks its schema, is inconsistent or reuses an
// id is refused as a note on the plugin (with the JSON path, from the list's
// root); the others are kept. `takenBy(id)` names the plugin that already
// offers that id, or is empty.
template <typename Error, typename Parse, typename TakenBy, typename Add>
void acceptEach(PluginRecord& record, const char* capability, const char* text, const std::string& what, Parse parse,
                TakenBy takenBy, Add add) {
    if (!text) return;
    // A data-only plugin's documents are each a file of its own: name it.
    const std::vector<std::string>* files = nullptr;
    if (record.runtime && record.runtime->data && record.runtime->data->files.count(capability))
        files = &record.runtime->data->files.at(capability);
    json documents;
    try {
        documents = parseJsonInput(text);
    } catch (const JsonInputError& e) {
        record.notes.push_back("its " + what + "s were refused: the list " + e.what());
        return;
    }
    if (!documents.is_array()) {
        record.notes.push_back("its " + what + "s were refused: $: must be a list of " + what + "s");
        return;
    }
    const char* article = what.front() == 'i' ? "an " : "a ";
    for (size_t i = 0; i < documents.size(); ++i) {
        try {
            auto document = parse(documents[i]);
            if (std::string owner = takenBy(document.id); !owner.empty()) {
                record.notes.push_back("its " + what + " " + document.id + " was refused: " + owner +
                                       " already offers " + article + what + " with this id");
                continue;
            }
            add(std::move(document));
        } catch (const Error& e) {
            // The path is relative to the document; say which one of the list.
            std::string problem = e.what();
            if (files && i < files->size()) problem = (*files)[i] + ": " + problem;
            else if (problem.rfind("$", 0) == 0) problem = "$[" + std::to_string(i) + "]" + problem.substr(1);
            std::cerr << "[" << record.id() << "] " << what << " refused: " << problem << '\n';
            record.notes.push_back(article + what + " it offers was refused (" + record.id() + "): " + problem);
        }
    }
}

}  // namespace

void PluginHost::registerForms(PluginRecord& record) {
    const nourish_plugin* d = record.runtime->descriptor;
    auto ext = static_cast<const nourish_intake_forms*>(d->get_extension(d, NOURISH_INTAKE_FORMS_ID));
    if (!ext) return;
    acceptEach<FormError>(
        record, NOURISH_INTAKE_FORMS_ID, ext->forms_json, "form", FormDefinition::parse,
        [this](const std::string& id) {
            const RegisteredForm* other = findForm(id);
            return other ? other->pluginId : std::string();
        },
        [&](FormDefinition form) { forms_.push_back({record.id(), std::move(form)}); });
}

const std::vector<RegisteredForm>& PluginHost::forms() {
    if (!formsRead_) {
        formsRead_ = true;
        for (PluginRecord* record : started_) registerForms(*record);
        for (const RegisteredInstrument& in : instruments()) {
            if (const RegisteredForm* other = findForm(in.instrument.id)) {
                if (PluginRecord* owner = find(in.pluginId))
                    owner->notes.push_back("its instrument " + in.instrument.id + " cannot be shown: " +
                                           other->pluginId + " offers a form with the same id");
                continue;
            }
            forms_.push_back({in.pluginId, FormDefinition::parse(in.instrument.toForm())});
        }
        for (const RegisteredNoteTemplate& t : noteTemplates()) {
            if (const RegisteredForm* other = findForm(t.noteTemplate.id)) {
                if (PluginRecord* owner = find(t.pluginId))
                    owner->notes.push_back("its note template " + t.noteTemplate.id + " cannot be shown: " +
                                           other->pluginId + " offers a form with the same id");
                continue;
            }
            forms_.push_back({t.pluginId, FormDefinition::parse(t.noteTemplate.toForm())});
        }
    }
    return forms_;
}

void PluginHost::registerCatalog(PluginRecord& record) {
    const nourish_plugin* d = record.runtime->descriptor;
    if (auto ext = static_cast<const nourish_protocols*>(d->get_extension(d, NOURISH_PROTOCOLS_ID)))
        acceptEach<DocumentError>(
            record, NOURISH_PROTOCOLS_ID, ext->protocols_json, "protocol", ProtocolDefinition::parse,
            [this](const std::string& id) {
                const RegisteredProtocol* other = findProtocol(id);
                return other ? other->plugin->id() : std::string();
            },
            [&](ProtocolDefinition p) { protocols_.push_back({&record, std::move(p)}); });
    if (auto ext = static_cast<const nourish_instruments*>(d->get_extension(d, NOURISH_INSTRUMENTS_ID)))
        acceptEach<DocumentError>(
            record, NOURISH_INSTRUMENTS_ID, ext->instruments_json, "instrument", Instrument::parse,
            [this](const std::string& id) {
                const RegisteredInstrument* other = findInstrument(id);
                return other ? other->pluginId : std::string();
            },
            [&](Instrument in) { instruments_.push_back({record.id(), std::move(in)}); });
    if (auto ext = static_cast<const nourish_note_templates*>(d->get_extension(d, NOURISH_NOTE_TEMPLATES_ID)))
        acceptEach<DocumentError>(
            record, NOURISH_NOTE_TEMPLATES_ID, ext->templates_json, "note template", NoteTemplate::parse,
            [this](const std::string& id) {
                const RegisteredNoteTemplate* other = findNoteTemplate(id);
                return other ? other->pluginId : std::string();
            },
            [&](NoteTemplate t) { noteTemplates_.push_back({record.id(), std::move(t)}); });
    if (auto ext = static_cast<const nourish_growth_references*>(d->get_extension(d, NOURISH_GROWTH_REFERENCES_ID)))
        acceptEach<DocumentError>(
            record, NOURISH_GROWTH_REFERENCES_ID, ext->references_json, "growth reference", GrowthReference::parse,
            [this](const std::string& id) {
                const RegisteredGrowthReference* other = findGrowthReference(id);
                return other ? other->pluginId : std::string();
            },
            [&](GrowthReference r) { growthReferences_.push_back({record.id(), std::move(r)}); });
}

void PluginHost::readCatalog() {
    if (catalogRead_) return;
    catalogRead_ = true;
    for (PluginRecord* record : started_) registerCatalog(*record);
}

const std::vector<RegisteredProtocol>& PluginHost::protocols() {
    readCatalog();
    return protocols_;
}

const RegisteredProtocol* PluginHost::findProtocol(const std::string& id) {
    readCatalog();
    for (const RegisteredProtocol& p : protocols_)
        if (p.protocol.id == id) return &p;
    return nullptr;
}

const std::vector<RegisteredInstrument>& PluginHost::instruments() {
    readCatalog();
    return instruments_;
}

const RegisteredInstrument* PluginHost::findInstrument(const std::string& id) {
    readCatalog();
    for (const RegisteredInstrument& in : instruments_)
        if (in.instrument.id == id) return &in;
    return nullptr;
}

const std::vector<RegisteredNoteTemplate>& PluginHost::noteTemplates() {
    readCatalog();
    return noteTemplates_;
}

const RegisteredNoteTemplate* PluginHost::findNoteTemplate(const std::string& id) {
    readCatalog();
    for (const RegisteredNoteTemplate& t : noteTemplates_)
        if (t.noteTemplate.id == id) return &t;
    return nullptr;
}

const std::vector<RegisteredGrowthReference>& PluginHost::growthReferences() {
    readCatalog();
    return growthReferences_;
}

const RegisteredGrowthReference* PluginHost::findGrowthReference(const std::string& id) {
    readCatalog();
    for (const RegisteredGrowthReference& r : growthReferences_)
        if (r.reference.id == id) return &r;
    return nullptr;
}

const RegisteredForm* PluginHost::findForm(const std::string& id) {
    for (const RegisteredForm& f : forms())
        if (f.form.id == id) return &f;
    return nullptr;
}

void PluginHost::limitPluginSql(bool on) {
    for (const auto& record : plugins_)
        if (record->runtime && record->runtime->sql)
            record->runtime->sql->setTimeLimit(on ? sqlTimeLimitOf(record->manifest) : std::chrono::milliseconds(0));
}

void PluginHost::shutdown() {
    if (shutDown_) return;
    shutDown_ = true;
    subscriptions_.clear();
    if (!started_.empty()) stage("shutdown");
    for (auto it = started_.rbegin(); it != started_.rend(); ++it) {
        PluginRuntime& rt = *(*it)->runtime;
        CrashSentinel::CallScope call((*it)->id());
        rt.descriptor->shutdown(rt.descriptor);
        rt.started = false;
    }
    started_.clear();
    forms_.clear();
    // Libraries last, newest first.
    for (auto it = plugins_.rbegin(); it != plugins_.rend(); ++it)
        if ((*it)->runtime) (*it)->runtime->sql.reset();
    for (auto it = plugins_.rbegin(); it != plugins_.rend(); ++it)
        if ((*it)->runtime) (*it)->runtime->library.reset();
}

PluginRecord* PluginHost::find(const std::string& id) const {
    for (auto& p : plugins_)
        if (p->id() == id) return p.get();
    return nullptr;
}

std::vector<std::string> PluginHost::failureSummary() const {
    std::vector<std::string> lines;
    for (auto& p : plugins_)
        if (p->state == PluginState::Failed) lines.push_back(p->manifest.name + " (" + p->id() + "): " + p->reason);
    return lines;
}

std::vector<CliCommand> PluginHost::cliCommands() const {
    std::vector<CliCommand> commands;
    for (PluginRecord* record : started_) {
        const nourish_plugin* d = record->runtime->descriptor;
        auto ext = static_cast<const nourish_cli_commands*>(d->get_extension(d, NOURISH_CLI_COMMANDS_ID));
        if (!ext) continue;
        for (auto& item : json::parse(ext->commands_json))
            commands.push_back({record, item["name"], item["summary"], item.value("usage", ""),
                                item.value("commits", "whole") == "each"});
    }
    return commands;
}

int PluginHost::runCliCommand(const CliCommand& command, const std::vector<std::string>& args, std::string& out,
                              std::string& error) {
    const nourish_plugin* d = command.plugin->runtime->descriptor;
    auto ext = static_cast<const nourish_cli_commands*>(d->get_extension(d, NOURISH_CLI_COMMANDS_ID));
    std::vector<const char*> argv;
    for (auto& a : args) argv.push_back(a.c_str());
    auto append = [](void* ctx, const char* data, size_t size) { static_cast<std::string*>(ctx)->append(data, size); };
    nourish_sink outSink{&out, append}, errorSink{&error, append};
    // Whatever the command wrote is undone unless it succeeds.
    size_t mark = pendingEventMark();
    int rc;
    if (command.commitsEach) {
        // Each savepoint the plugin opens commits on its own, as it ends.
        CrashSentinel::CallScope call(command.plugin->id());
        rc = ext->run(d, command.name.c_str(), static_cast<int32_t>(argv.size()), argv.data(), &outSink, &errorSink);
    } else {
        Transaction sp(store_.db());
        {
            CrashSentinel::CallScope call(command.plugin->id());
            rc = ext->run(d, command.name.c_str(), static_cast<int32_t>(argv.size()), argv.data(), &outSink,
                          &errorSink);
        }
        if (rc == 0) sp.commit();
        else dropEventsAfter(mark);
    }
    command.plugin->runtime->sql->resetStatements();
    deliverPendingEvents();
    return rc;
}

std::vector<UiPage> PluginHost::uiPages() const {
    std::vector<UiPage> pages;
    if (options_.wxSignature.empty()) return pages;
    for (PluginRecord* record : started_) {
        if (!record->manifest.offers(NOURISH_UI_WX_ID) || record->manifest.wxSignature != options_.wxSignature)
            continue;
        const nourish_plugin* d = record->runtime->descriptor;
        auto ext = static_cast<const nourish_ui_wx*>(d->get_extension(d, NOURISH_UI_WX_ID));
        if (!ext || !ext->wx_signature || options_.wxSignature != ext->wx_signature) continue;
        for (auto& item : json::parse(ext->pages_json))
            pages.push_back({record, item["id"], item["title"], item.value("order", record->manifest.uiOrder)});
    }
    std::stable_sort(pages.begin(), pages.end(), [](auto& a, auto& b) {
        return a.order != b.order ? a.order < b.order : a.title < b.title;
    });
    return pages;
}

void* PluginHost::createPage(const UiPage& page, void* parent, std::string& error) {
    const nourish_plugin* d = page.plugin->runtime->descriptor;
    auto ext = static_cast<const nourish_ui_wx*>(d->get_extension(d, NOURISH_UI_WX_ID));
    nourish_sink sink{&error, [](void* ctx, const char* data, size_t size) {
                          static_cast<std::string*>(ctx)->append(data, size);
                      }};
    void* created;
    {
        CrashSentinel::CallScope call(page.plugin->id());
        created = ext->create_page(d, page.id.c_str(), parent, &sink);
    }
    page.plugin->runtime->sql->resetStatements();
    return created;
}

void PluginHost::showClient(const UiPage& page, void* window, int64_t clientId) {
    const nourish_plugin* d = page.plugin->runtime->descriptor;
    auto ext = static_cast<const nourish_ui_wx*>(d->get_extension(d, NOURISH_UI_WX_ID));
    {
        CrashSentinel::CallScope call(page.plugin->id());
        ext->show_client(d, page.id.c_str(), window, clientId);
    }
    page.plugin->runtime->sql->resetStatements();
}

std::vector<ReportSection> PluginHost::reportSections(int64_t clientId) {
    std::vector<ReportSection> sections = reportSectionList();
    auto append = [](void* ctx, const char* data, size_t size) { static_cast<std::string*>(ctx)->append(data, size); };
    for (ReportSection& section : sections) {
        PluginRecord* record = find(section.pluginId);
        const nourish_plugin* d = record->runtime->descriptor;
        auto ext = static_cast<const nourish_report_sections*>(d->get_extension(d, NOURISH_REPORT_SECTIONS_ID));
        std::string document, error;
        nourish_sink docSink{&document, append}, errorSink{&error, append};
        int32_t rc;
        {
            CrashSentinel::CallScope call(record->id());
            rc = ext->render(d, section.id.c_str(), clientId, &docSink, &errorSink);
        }
        record->runtime->sql->resetStatements();
        if (rc != NOURISH_OK) {
            section.error = record->id() + " could not render " + section.id + ": " + error;
            continue;
        }
        try {
            auto problems = SchemaValidator::forSchema("report-document.schema.json").validate(parseJsonInput(document));
            if (problems.empty()) section.documentJson = document;
            else section.error = record->id() + " (" + section.id + "): invalid at " + problems.front();
        } catch (const JsonInputError& e) {
            section.error = record->id() + " (" + section.id + "): the document " + e.what();
        }
    }
    return sections;
}

std::vector<std::string> PluginHost::gatherClientDocuments(const char* capability, const char* schema, const char* what,
                                                       int64_t clientId, const ClientDocumentCall& ask,
                                                       const std::function<void(PluginRecord&, json&)>& take) {
    std::vector<std::string> problems;
    auto append = [](void* ctx, const char* data, size_t size) { static_cast<std::string*>(ctx)->append(data, size); };
    for (PluginRecord* record : started_) {
        const nourish_plugin* d = record->runtime->descriptor;
        const void* ext = d->get_extension(d, capability);
        if (!ext) continue;
        std::string document, error;
        nourish_sink docSink{&document, append}, errorSink{&error, append};
        int32_t rc;
        {
            CrashSentinel::CallScope call(record->id());
            rc = ask(d, ext, clientId, &docSink, &errorSink);
        }
        record->runtime->sql->resetStatements();
        if (rc != NOURISH_OK) {
            problems.push_back(record->id() + " could not give " + what + ": " + error);
            continue;
        }
        json answer;
        try {
            answer = parseJsonInput(document);
        } catch (const JsonInputError& e) {
            problems.push_back(record->id() + " (" + capability + "): the document " + e.what());
            continue;
        }
        auto invalid = SchemaValidator::forSchema(schema).validate(answer);
        if (!invalid.empty()) {
            problems.push_back(record->id() + " (" + capability + "): invalid at " + invalid.front());
            continue;
        }
        take(*record, answer);
    }
    return problems;
}

json PluginHost::allergyHistory(int64_t clientId) {
    json merged = {{"facts", json::array()}, {"reactions", json::array()}, {"tests", json::array()}};
    auto problems = gatherClientDocuments(
        NOURISH_ALLERGY_HISTORY_ID, "allergy-history.schema.json", "the allergy history", clientId,
        [](const nourish_plugin* d, const void* ext, int64_t id, const nourish_sink* out, const nourish_sink* error) {
            return static_cast<const nourish_allergy_history*>(ext)->history(d, id, out, error);
        },
        [&](PluginRecord& record, json& answer) {
            for (const char* list : {"facts", "reactions", "tests"})
                for (json item : answer[list]) {
                    item["plugin"] = record.id();
                    merged[list].push_back(std::move(item));
                }
        });
    if (!problems.empty()) merged["problems"] = problems;
    return merged;
}

json PluginHost::plans(int64_t clientId) {
    json merged = {{"plans", json::array()}};
    auto problems = gatherClientDocuments(
        NOURISH_PLANS_ID, "plans.schema.json", "its plans", clientId,
        [](const nourish_plugin* d, const void* ext, int64_t id, const nourish_sink* out, const nourish_sink* error) {
            return static_cast<const nourish_plans*>(ext)->plans(d, id, out, error);
        },
        [&](PluginRecord& record, json& answer) {
            for (json plan : answer["plans"]) {
                plan["plugin"] = record.id();
                merged["plans"].push_back(std::move(plan));
            }
        });
    if (!problems.empty()) merged["problems"] = problems;
    return merged;
}

void PluginHost::setPluginStatus(const std::string& pluginId, const std::string& text) {
    std::erase_if(statuses_, [&](const auto& s) { return s.first == pluginId; });
    if (!text.empty()) statuses_.emplace_back(pluginId, text);
    if (statusListener_) statusListener_();
}

std::string PluginHost::statusLine() const {
    std::string line;
    for (const auto& [plugin, text] : statuses_) line += (line.empty() ? "" : "   ") + text;
    return line;
}

std::vector<ReportSection> PluginHost::reportSectionList() const {
    std::vector<ReportSection> sections;
    for (PluginRecord* record : started_) {
        const nourish_plugin* d = record->runtime->descriptor;
        auto ext = static_cast<const nourish_report_sections*>(d->get_extension(d, NOURISH_REPORT_SECTIONS_ID));
        if (!ext) continue;
        for (auto& item : json::parse(ext->sections_json))
            sections.push_back({record->id(), item["id"], item["title"], item.value("order", 100), {}, {}});
    }
    std::stable_sort(sections.begin(), sections.end(), [](auto& a, auto& b) { return a.order < b.order; });
    return sections;
}

int PluginHost::seedDemo() {
    int added = seedDemoCaseload(store_);
    if (added == 0) return 0;
    json ids = json::array();
    Statement q(store_.db(), "SELECT id FROM clients ORDER BY id");
    while (q.step()) ids.push_back(q.int64(0));
    publish("nourish.demo.created", json{{"client_ids", ids}}.dump());
    return added;
}

std::optional<json> PluginHost::evaluateProtocol(const std::string& protocolId, const std::string& stateJson) {
    const RegisteredProtocol* p = findProtocol(protocolId);
    if (!p) throw NotFoundError("there is no protocol with the id '" + protocolId + "'");
    PluginRecord* record = p->plugin;
    const nourish_plugin* d = record->runtime->descriptor;
    auto ext = static_cast<const nourish_protocols*>(d->get_extension(d, NOURISH_PROTOCOLS_ID));
    if (!ext || !ext->evaluate) return std::nullopt;
    auto append = [](void* ctx, const char* data, size_t size) { static_cast<std::string*>(ctx)->append(data, size); };
    std::string out, error;
    nourish_sink outSink{&out, append}, errorSink{&error, append};
    int32_t rc;
    {
        CrashSentinel::CallScope call(record->id());
        rc = ext->evaluate(d, protocolId.c_str(), stateJson.c_str(), &outSink, &errorSink);
    }
    std::string where = record->id() + " (evaluate " + protocolId + ")";
    if (rc != NOURISH_OK) throw std::runtime_error(where + ": " + (error.empty() ? "failed" : error));
    json suggestions;
    try {
        suggestions = parseJsonInput(out);
    } catch (const JsonInputError& e) {
        throw ValidationError(where, e.what());
    }
    auto problems = SchemaValidator::forSchema("protocol-suggestions.schema.json").validate(suggestions);
    if (!problems.empty()) throw ValidationError(where, "invalid at " + problems.front());
    return suggestions;
}

void PluginHost::publish(const std::string& event, const std::string& payloadJson) {
    if (store_.db().inTransaction()) {
        pendingEvents_.emplace_back(event, payloadJson);
        return;
    }
    auto listeners = listeners_;
    for (auto& [id, listener] : listeners) {
        // A listener removed by an earlier one in this round is not called.
        bool live = std::any_of(listeners_.begin(), listeners_.end(), [&](auto& l) { return l.first == id; });
        if (live) listener(event, payloadJson);
    }
    auto subscribers = subscriptions_;
    for (auto& s : subscribers) {
        if (s.event != event) continue;
        bool live = std::any_of(subscriptions_.begin(), subscriptions_.end(), [&](auto& l) { return l.id == s.id; });
        if (!live) continue;
        {
            CrashSentinel::CallScope call(s.owner->record->id());
            s.handler(s.userData, event.c_str(), payloadJson.c_str());
        }
        s.owner->sql->resetStatements();
    }
}

void PluginHost::dropEventsAfter(size_t mark) {
    if (pendingEvents_.size() > mark) pendingEvents_.resize(mark);
}

void PluginHost::deliverPendingEvents() {
    if (store_.db().inTransaction()) return;
    auto events = std::move(pendingEvents_);
    pendingEvents_.clear();
    for (auto& [event, payload] : events) publish(event, payload);
}

uint64_t PluginHost::listen(Listener listener) {
    uint64_t id = nextSubscription_++;
    listeners_.emplace_back(id, std::move(listener));
    return id;
}

void PluginHost::unlisten(uint64_t id) {
    std::erase_if(listeners_, [id](auto& entry) { return entry.first == id; });
}

}  // namespace nourish
