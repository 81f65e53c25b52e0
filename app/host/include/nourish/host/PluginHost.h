#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nourish/capabilities.h"
#include "nourish/core/Catalog.h"
#include "nourish/core/FormDefinition.h"
#include "nourish/core/Store.h"
#include "nourish/host/CrashSentinel.h"
#include "nourish/host/Manifest.h"
#include "nourish/plugin.h"

namespace nourish {

class Store;
struct PluginInstall;
struct PluginUninstall;
struct PluginRuntime;  // library, descriptor and host services of a loaded plugin

enum class PluginState { Found, Loaded, Disabled, Failed };

// Why a plugin did not load; each has a sentence for the practitioner.
enum class LoadFailure {
    None,
    BadManifest,
    MissingManifest,
    NotSharedObject,
    MissingDependency,  // a library it needs is missing, or a symbol is undefined
    NoEntryPoint,
    WrongSdk,
    ManifestMismatch,
    InvalidDocument,  // a JSON document it returns breaks its schema
    MigrationFailed,
    InitFailed,
    DuplicateId,
    Crashed,  // it crashed the app during its last start; disabled until re-enabled
    NotAsShipped,  // a bundled plugin whose files do not carry Nourish's signature
};

const char* toString(PluginState state);
const char* toString(LoadFailure failure);

struct PluginRecord {
    Manifest manifest;
    std::filesystem::path manifestPath;
    std::filesystem::path libraryPath;
    bool firstParty = false;  // shipped with the app (found beside the binaries)
    PluginState state = PluginState::Found;
    LoadFailure failure = LoadFailure::None;
    std::string reason;             // empty when loaded
    std::vector<std::string> notes;  // warnings that did not stop it (e.g. pages not offered)
    std::unique_ptr<PluginRuntime> runtime;

    const std::string& id() const { return manifest.id; }
};

struct CliCommand {
    PluginRecord* plugin;
    std::string name;
    std::string summary;
    std::string usage;
    bool commitsEach = false;  // "commits": "each": no savepoint around the whole command
};

struct UiPage {
    PluginRecord* plugin;
    std::string id;
    std::string title;
    int order = 100;
};

struct ReportSection {
    std::string pluginId;
    std::string id;
    std::string title;
    int order = 100;
    std::string documentJson;  // valid against report-document.schema.json, or empty
    std::string error;         // why it could not be rendered
};

struct RegisteredForm {
    std::string pluginId;
    FormDefinition form;
};

struct RegisteredProtocol {
    PluginRecord* plugin;
    ProtocolDefinition protocol;
};

struct RegisteredInstrument {
    std::string pluginId;
    Instrument instrument;
};

struct RegisteredNoteTemplate {
    std::string pluginId;
    NoteTemplate noteTemplate;
};

struct RegisteredGrowthReference {
    std::string pluginId;
    GrowthReference reference;
};

// What the form window returns: the answers and whether they are complete.
struct EditedAnswers {
    bool complete = false;
    nlohmann::json answers;
};

// Finds, screens, loads and runs plugins. Owns their libraries for the whole
// session: nothing is unloaded before shutdown().
class PluginHost {
public:
    struct Options {
        std::vector<std::filesystem::path> directories;  // searched in order
        std::filesystem::path firstPartyDirectory;       // plugins here count as first-party
        bool safeMode = false;                           // third-party plugins stay off
        std::string source = "app";                      // "gui" or "cli", for the audit log
        std::string wxSignature;                         // the GUI's; empty: no native pages
        // Told before each step of loading a plugin runs its code ("loading
        // the library", "its entry point", "its documents", "its migrations",
        // "init") and before "shutdown": the plugin checker's child says where
        // a plugin that dies was.
        std::function<void(const std::string& stage)> onLoadStage;
        // The checker's child only: a manifest that names another SDK does not
        // stop the library from being opened, so that a library built for this
        // SDK behind a wrong manifest is told apart ("manifest disagrees with
        // binary") from one built for another SDK.
        bool openLibraryBehindWrongSdk = false;
        // The public key (64 hex) every plugin in firstPartyDirectory must be
        // signed with, or it is not loaded: its files are not as they came
        // with Nourish. defaultOptions() sets the key built into the app;
        // empty: no such check (tests that use test plugins as bundled ones).
        std::string bundledKey;
    };
    // The key the bundled plugins of this build are signed with.
    static const char* builtInBundledKey();
    // Whether this bundled plugin's signature by `key` was verified on files
    // exactly as they are now (bundled-verified.json in the configuration folder).
    static bool bundledVerified(const std::filesystem::path& manifest, const std::filesystem::path& library,
                                const std::string& id, const std::string& key);
    static void rememberBundledVerified(const std::filesystem::path& manifest, const std::filesystem::path& library,
                                        const std::string& id, const std::string& key);

    // <exe dir>/../lib/nourish/plugins, then $NOURISH_PLUGIN_PATH, then
    // ~/.local/share/nourish/plugins.
    static Options defaultOptions(const std::filesystem::path& executable);
    static std::filesystem::path bundledPluginDirectory(const std::filesystem::path& executable);
    // ~/.local/share/nourish/plugins: where the practitioner's own plugins are installed.
    static std::filesystem::path userPluginDirectory();

    PluginHost(Store& store, Options options);
    ~PluginHost();
    PluginHost(const PluginHost&) = delete;
    PluginHost& operator=(const PluginHost&) = delete;

    // Reads manifests only; runs no plugin code.
    void discover();
    // Loads every discovered plugin that is not disabled. One failing plugin
    // never stops the others.
    void loadAll();
    // Calls shutdown on every started plugin (newest first), then releases the
    // libraries. Destroy plugin windows before calling this.
    void shutdown();
    // Whether plugins' SQL statements are held to their time limits (on by
    // default: the manifest's limits.sql_statement_ms, else
    // PluginSql::kDefaultTimeLimit). Off only to measure what the limit costs.
    void limitPluginSql(bool on);

    const std::vector<std::unique_ptr<PluginRecord>>& plugins() const { return plugins_; }
    PluginRecord* find(const std::string& id) const;
    // One line per plugin that did not load, for the start-up summary.
    std::vector<std::string> failureSummary() const;

    // Plugins the practitioner switched off; kept in the store.
    std::vector<std::string> disabledIds();
    // Audited (plugin.enable / plugin.disable) when it changes anything.
    void setEnabled(const std::string& id, bool enabled, const Actor& actor = Actor::currentUser("nourish"));
    // Records in the store's audit log that a plugin was installed on this
    // computer (plugin.install: id, version, vendor, where, the library's SHA-256).
    void recordInstall(const PluginInstall& install, const Actor& actor);
    // Records an uninstall (plugin.uninstall) and, with removeData, first
    // removes what the plugin stored (Store::removePluginData, after a
    // backup; throws when that fails, and then nothing of it is removed).
    struct UninstallRecord {
        std::vector<std::string> tablesKept;  // its tables that stay in the store
        Store::RemovedPluginData removed;     // what removeData removed
    };
    UninstallRecord recordUninstall(const PluginUninstall& uninstall, const Actor& actor, bool removeData = false);

    // A plugin that crashed the previous run, if any (read at construction).
    const std::optional<CrashSentinel::Record>& previousCrash() const { return previousCrash_; }

    std::vector<CliCommand> cliCommands() const;
    int runCliCommand(const CliCommand& command, const std::vector<std::string>& args, std::string& out,
                      std::string& error);

    std::vector<UiPage> uiPages() const;
    void* createPage(const UiPage& page, void* parent, std::string& error);
    void showClient(const UiPage& page, void* window, int64_t clientId);

    // Forms every loaded plugin contributed (nourish.intake-forms/1), valid ones
    // only. Read and checked on first use (off the start-up path); a refused
    // form becomes a note on its plugin.
    const std::vector<RegisteredForm>& forms();
    const RegisteredForm* findForm(const std::string& id);
    // Protocols (nourish.protocols/1) and instruments (nourish.instruments/1)
    // of every loaded plugin, accepted ones only, read on first use like forms.
    // Each accepted instrument is also a form under its own id.
    const std::vector<RegisteredProtocol>& protocols();
    const RegisteredProtocol* findProtocol(const std::string& id);
    const std::vector<RegisteredInstrument>& instruments();
    const RegisteredInstrument* findInstrument(const std::string& id);
    // Note templates (nourish.note-templates/1), read on first use like forms;
    // each accepted template is also a form (purpose "note") under its own id.
    const std::vector<RegisteredNoteTemplate>& noteTemplates();
    const RegisteredNoteTemplate* findNoteTemplate(const std::string& id);
    // Accepted growth references (nourish.growth-references/1) of every plugin.
    const std::vector<RegisteredGrowthReference>& growthReferences();
    const RegisteredGrowthReference* findGrowthReference(const std::string& id);
    // Asks the evaluate hook of the protocol's plugin; nullopt when it has none.
    // Throws with the plugin id when the hook fails or its answer breaks
    // schemas/protocol-suggestions.schema.json.
    std::optional<nlohmann::json> evaluateProtocol(const std::string& protocolId, const std::string& stateJson);

    // The GUI's form window, offered to plugins through nourish.host.forms/1.
    using FormEditor =
        std::function<std::optional<EditedAnswers>(const FormDefinition& form, const nlohmann::json& answers)>;
    void setFormEditor(FormEditor editor) { formEditor_ = std::move(editor); }
    const FormEditor& formEditor() const { return formEditor_; }

    // Each plugin's line for the status bar (nourish.host.status/1), and who
    // wants to hear when one changes (the GUI; nothing on the command line).
    void setPluginStatus(const std::string& pluginId, const std::string& text);
    std::string statusLine() const;
    void setStatusListener(std::function<void()> listener) { statusListener_ = std::move(listener); }

    // Every plugin's allergy history of this client (nourish.allergy-history/1),
    // each answer checked against schemas/allergy-history.schema.json and its
    // items marked with "plugin"; a failed or invalid answer is left out and
    // named under "problems".
    nlohmann::json allergyHistory(int64_t clientId);
    // Every plugin's plans of this client (nourish.plans/1), the same way:
    // {"plans": [...]} checked against schemas/plans.schema.json, "plugin" on
    // each plan, failed or invalid answers named under "problems".
    nlohmann::json plans(int64_t clientId);

    // Every section every plugin offers, rendered for this one client.
    std::vector<ReportSection> reportSections(int64_t clientId);
    // The same sections, not rendered (documentJson empty), in order.
    std::vector<ReportSection> reportSectionList() const;

    // Host events to plugin subscribers, plus in-process listeners (the GUI).
    // Raised inside a transaction, an event waits until it commits (and is
    // dropped if it rolls back): subscribers only ever hear of committed changes.
    void publish(const std::string& event, const std::string& payloadJson);
    size_t pendingEventMark() const { return pendingEvents_.size(); }
    void dropEventsAfter(size_t mark);
    void deliverPendingEvents();
    using Listener = std::function<void(const std::string& event, const std::string& payload)>;
    // Returns an id for unlisten; a listener must be removed before it dies.
    uint64_t listen(Listener listener);
    void unlisten(uint64_t id);

    // Fills an empty store with the demo caseload, then tells plugins
    // ("nourish.demo.created" with the new client ids) so that they can add
    // their own demo data. Returns how many clients were added.
    int seedDemo();

    Store& store() { return store_; }
    const Options& options() const { return options_; }

private:
    // Asks every started plugin that offers `capability` (its entry called by
    // `ask`) for its document about one client, checks it against `schema`
    // and hands each valid one to `take`; returns a line for each plugin whose
    // answer failed or broke the schema, naming it and `what` it could not give.
    using ClientDocumentCall = std::function<int32_t(const nourish_plugin*, const void* ext, int64_t clientId,
                                                     const nourish_sink* json, const nourish_sink* error)>;
    std::vector<std::string> gatherClientDocuments(const char* capability, const char* schema, const char* what,
                                                   int64_t clientId, const ClientDocumentCall& ask,
                                                   const std::function<void(PluginRecord&, nlohmann::json&)>& take);

    friend struct HostServices;
    void load(PluginRecord& record);
    // From its documents on: migrations, init, and the checks between.
    void start(PluginRecord& record);
    void fail(PluginRecord& record, LoadFailure failure, std::string reason);
    void stage(const char* name) const {
        if (options_.onLoadStage) options_.onLoadStage(name);
    }
    void validateDocuments(PluginRecord& record);
    void registerForms(PluginRecord& record);
    void registerCatalog(PluginRecord& record);
    void readCatalog();

    Store& store_;
    Options options_;
    CrashSentinel sentinel_;
    std::optional<CrashSentinel::Record> previousCrash_;
    std::vector<std::unique_ptr<PluginRecord>> plugins_;
    std::vector<PluginRecord*> started_;  // init succeeded, in order
    std::vector<RegisteredForm> forms_;
    bool formsRead_ = false;
    std::vector<RegisteredProtocol> protocols_;
    std::vector<RegisteredInstrument> instruments_;
    std::vector<RegisteredNoteTemplate> noteTemplates_;
    std::vector<RegisteredGrowthReference> growthReferences_;
    bool catalogRead_ = false;
    std::vector<std::pair<std::string, std::string>> pendingEvents_;
    FormEditor formEditor_;
    std::vector<std::pair<std::string, std::string>> statuses_;
    std::function<void()> statusListener_;
    std::vector<std::pair<uint64_t, Listener>> listeners_;
    struct Subscription;
    std::vector<Subscription> subscriptions_;
    uint64_t nextSubscription_ = 1;
    bool shutDown_ = false;
};

}  // namespace nourish
