#include <gtest/gtest.h>

#include <chrono>
#include <fstream>

#include <nlohmann/json.hpp>

#include "nourish/core/AuditLog.h"
#include "nourish/core/ClientStore.h"
#include "nourish/core/Settings.h"
#include "nourish/host/Manifest.h"
#include "nourish/host/PluginHost.h"
#include "nourish/host/PluginTrust.h"
#include "support/Clients.h"
#include "support/TempDir.h"

using namespace nourish;
namespace fs = std::filesystem;

namespace {

fs::path pluginDir(const std::string& name) { return fs::path(NOURISH_TEST_PLUGIN_ROOT) / name; }

class PluginHostTest : public ::testing::Test {
protected:
    void SetUp() override {
        store = std::make_unique<Store>(dir / "n.db");
        clientId = ClientStore(*store).create(test::child("Zoë"), {"claire", "test"});
    }
    void TearDown() override {
        host.reset();
        store.reset();
    }
    PluginHost& start(std::vector<std::string> cases, bool safeMode = false, std::string firstParty = "") {
        PluginHost::Options options;
        for (auto& c : cases) options.directories.push_back(pluginDir(c));
        if (!firstParty.empty()) options.firstPartyDirectory = pluginDir(firstParty);
        options.safeMode = safeMode;
        options.source = "test";
        host = std::make_unique<PluginHost>(*store, options);
        host->discover();
        host->loadAll();
        return *host;
    }
    const PluginRecord& only() {
        EXPECT_EQ(host->plugins().size(), 1u);
        return *host->plugins().front();
    }
    int run(const std::vector<std::string>& args, std::string* out = nullptr, std::string* error = nullptr) {
        std::string o, e;
        for (const CliCommand& c : host->cliCommands())
            if (c.name == "hello") {
                int rc = host->runCliCommand(c, args, o, e);
                if (out) *out = o;
                if (error) *error = e;
                return rc;
            }
        ADD_FAILURE() << "no hello command";
        return -1;
    }
    std::string familyName() { return ClientStore(*store).get(clientId).familyName; }

    nourish::test::TempDir dir;
    std::unique_ptr<Store> store;
    std::unique_ptr<PluginHost> host;
    int64_t clientId = 0;
};

void expectFailure(const PluginRecord& p, LoadFailure failure, const std::string& words) {
    EXPECT_EQ(p.state, PluginState::Failed) << p.id();
    EXPECT_EQ(p.failure, failure) << p.id() << ": " << p.reason;
    EXPECT_NE(p.reason.find(words), std::string::npos) << "reason was: " << p.reason;
}

}  // namespace

TEST_F(PluginHostTest, GoodPlugin_LoadsAndItsCommandRuns) {
    start({"good"});
    EXPECT_EQ(only().state, PluginState::Loaded) << only().reason;
    std::string out;
    EXPECT_EQ(run({"add", "Zoë"}, &out), 0);
    EXPECT_EQ(out, "1\n");
    EXPECT_EQ(run({"count"}, &out), 0);
    EXPECT_EQ(out, "1\n");
}

TEST_F(PluginHostTest, FailedCommand_RollsBackItsWrites) {
    start({"good"});
    std::string out, error;
    EXPECT_EQ(run({"fail", "Nobody"}, &out, &error), 2);
    EXPECT_NE(error.find("failing on purpose"), std::string::npos);
    run({"count"}, &out);
    EXPECT_EQ(out, "0\n");
}

// "commits": "each": no savepoint around the command, so what its own
// savepoints wrote stays even when it then fails.
TEST_F(PluginHostTest, ACommandThatCommitsEach_KeepsItsSavepointsWhenItFails) {
    start({"good"});
    std::string out, error;
    const CliCommand* each = nullptr;
    auto commands = host->cliCommands();
    for (const CliCommand& c : commands)
        if (c.name == "hello-each") each = &c;
    ASSERT_NE(each, nullptr);
    EXPECT_TRUE(each->commitsEach);
    EXPECT_EQ(host->runCliCommand(*each, {}, out, error), 2);
    run({"count"}, &out);
    EXPECT_EQ(out, "2\n");
}

// A plugin's status line: shown once set, replaced, cleared; text that
// would not fit a status bar is refused and the line stays as it was.
TEST_F(PluginHostTest, AStatusLinePerPlugin_TooLongOrTwoLinesIsRefused) {
    start({"good"});
    int heard = 0;
    host->setStatusListener([&] { ++heard; });
    std::string out, error;
    ASSERT_EQ(run({"status", "Outbox: 2 waiting"}, &out, &error), 0) << error;
    EXPECT_EQ(host->statusLine(), "Outbox: 2 waiting");
    EXPECT_EQ(run({"status", std::string(121, 'x')}, &out, &error), 2);
    EXPECT_NE(error.find("at most 120 bytes"), std::string::npos) << error;
    EXPECT_EQ(run({"status", "one\ntwo"}, &out, &error), 2);
    EXPECT_EQ(host->statusLine(), "Outbox: 2 waiting");
    ASSERT_EQ(run({"status", ""}, &out, &error), 0);
    EXPECT_EQ(host->statusLine(), "");
    EXPECT_EQ(heard, 2);
    host->setStatusListener({});
}

TEST_F(PluginHostTest, PluginSqlOnCoreTable_IsRefusedAndChangesNothing) {
    start({"good"});
    std::string out, error;
    EXPECT_EQ(run({"touch-core", "UPDATE clients SET family_name = 'Hacked'"}, &out, &error), 1);
    EXPECT_NE(error.find("clients"), std::string::npos) << error;
    EXPECT_EQ(run({"touch-core", "DELETE FROM audit_events"}, &out, &error), 1);
    EXPECT_EQ(run({"touch-core", "ATTACH DATABASE 'x.db' AS x"}, &out, &error), 1);
    EXPECT_EQ(run({"touch-core", "PRAGMA writable_schema = ON"}, &out, &error), 1);
    EXPECT_EQ(familyName(), "Müller");
    EXPECT_TRUE(store->check().ok());
}

// The schema of the store (every other plugin's tables, triggers and views)
// is not a plugin's to read; its own TEMP objects, under its prefix, are.
TEST_F(PluginHostTest, TheStoresSchema_IsNotReadable_TempObjectsOnlyUnderTheOwnPrefix) {
    start({"good"});
    std::string out, error;
    for (const char* table : {"sqlite_schema", "sqlite_master", "sqlite_temp_schema", "sqlite_temp_master"}) {
        EXPECT_EQ(run({"touch-core", std::string("SELECT name, sql FROM ") + table}, &out, &error), 1) << table;
        EXPECT_NE(error.find("the store's schema"), std::string::npos) << table << ": " << error;
    }
    EXPECT_EQ(run({"touch-core", "SELECT name FROM pragma_table_list"}, &out, &error), 1) << "nor through a pragma function";
    EXPECT_EQ(run({"touch-core", "CREATE TABLE good_copy AS SELECT name, sql FROM sqlite_schema"}, &out, &error), 1)
        << "nor copied into a table of its own";
    EXPECT_EQ(run({"touch-core", "CREATE VIEW good_names AS SELECT name FROM sqlite_schema"}, &out, &error), 0) << error;
    EXPECT_EQ(run({"touch-core", "SELECT * FROM good_names"}, &out, &error), 1) << "nor through a view of its own";
    EXPECT_EQ(run({"touch-core", "DROP VIEW good_names"}, &out, &error), 0) << error;
    EXPECT_EQ(run({"touch-core", "CREATE TEMP TABLE other_scratch (x)"}, &out, &error), 1);
    EXPECT_EQ(run({"touch-core", "CREATE TEMP VIEW good_peek AS SELECT * FROM clients"}, &out, &error), 0)
        << "made, but reads nothing: " << error;
    EXPECT_EQ(run({"touch-core", "SELECT * FROM good_peek"}, &out, &error), 1);
    EXPECT_NE(error.find("clients"), std::string::npos) << error;
    EXPECT_EQ(run({"touch-core", "CREATE TEMP TABLE good_scratch (x)"}, &out, &error), 0) << error;
    EXPECT_EQ(run({"touch-core", "INSERT INTO good_scratch VALUES (1)"}, &out, &error), 0) << error;
    // Its own migrations, counting and FTS5 keep working.
    EXPECT_EQ(run({"add", "Zoë"}, &out, &error), 0) << error;
    EXPECT_EQ(run({"count"}, &out, &error), 0) << error;
    EXPECT_EQ(out, "1\n");
}

// A plugin's own thread calling host services gets an error and changes
// nothing; only the services the reference calls thread-safe answer.
TEST_F(PluginHostTest, HostServicesCalledFromAnotherThread_AreRefused_AndChangeNothing) {
    start({"good"});
    std::string out, error;
    size_t events = AuditLog(*store).verify().events;
    ASSERT_EQ(run({"from-thread"}, &out, &error), 0) << error;
    for (const char* service : {"prepare", "audit", "setting", "client"})
        EXPECT_NE(out.find(service + std::string(": called from a thread other than the main thread\n")), std::string::npos)
            << service << " — " << out;
    EXPECT_NE(out.find("status: the status line was not set (it can be set only from the main thread)"), std::string::npos)
        << out;
    EXPECT_NE(out.find("user: allowed"), std::string::npos) << "the user's name is thread-safe: " << out;
    EXPECT_NE(out.find("column: as for no row"), std::string::npos) << "a column is not read on another thread: " << out;
    run({"count"}, &out);
    EXPECT_EQ(out, "0\n");
    EXPECT_EQ(AuditLog(*store).verify().events, events) << "no audit event, no setting changed";
    EXPECT_EQ(host->statusLine(), "");
    EXPECT_EQ(PluginSettings(*store, "org.nourish.test.good").get("greeting.text"), std::nullopt);
}

// SQL that would run for minutes (an unbounded recursive CTE stopped only by a
// row count far out of reach) is stopped at the plugin's time limit: the
// error names the plugin and the statement, a write is undone, nothing more
// runs in that call, and the store is free for other writers at once.
TEST_F(PluginHostTest, RunawayPluginSql_IsStoppedAtItsTimeLimit_UndoneAndNamed) {
    start({"good"});
    const std::string runaway =
        "WITH RECURSIVE good_c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM good_c WHERE x < 4000000000) ";
    std::string out, error;
    auto started = std::chrono::steady_clock::now();
    EXPECT_EQ(run({"touch-core", runaway + "SELECT count(*) FROM good_c"}, &out, &error), 1);
    auto took = std::chrono::steady_clock::now() - started;
    EXPECT_GE(took, std::chrono::milliseconds(1900));
    EXPECT_LT(took, std::chrono::seconds(5)) << "stopped at the default limit of 2 s";
    EXPECT_NE(error.find("org.nourish.test.good"), std::string::npos) << error;
    EXPECT_NE(error.find("longer than its limit of 2 s"), std::string::npos) << error;
    EXPECT_NE(error.find("WITH RECURSIVE good_c(x) AS"), std::string::npos) << "the statement's first words: " << error;

    EXPECT_EQ(run({"add", "kept"}, &out, &error), 0) << "the next call runs as usual: " << error;
    EXPECT_EQ(run({"touch-core", "INSERT INTO good_greetings (name) " + runaway + "SELECT 'x' FROM good_c"}, &out, &error), 1);
    EXPECT_NE(error.find("undone"), std::string::npos) << error;
    run({"count"}, &out);
    EXPECT_EQ(out, "1\n") << "the stopped insert left no row";
    // Another process's writer is not kept waiting by a lock the plugin held.
    Store other(dir / "n.db");
    auto before = std::chrono::steady_clock::now();
    ClientStore(other).create(test::child("Other"), {"claire", "test"});
    EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(1));
    EXPECT_TRUE(store->check().ok());
}

// The manifest may ask for a shorter or a longer limit, up to the host's maximum.
TEST_F(PluginHostTest, APluginsSqlTimeLimit_ComesFromItsManifest_UpToTheHostsMaximum) {
    start({"quick_limit"});
    ASSERT_EQ(only().state, PluginState::Loaded) << only().reason;
    std::string out, error;
    auto started = std::chrono::steady_clock::now();
    EXPECT_EQ(run({"touch-core", "WITH RECURSIVE quick_limit_c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM quick_limit_c "
                                 "WHERE x < 4000000000) SELECT count(*) FROM quick_limit_c"},
                  &out, &error),
              1);
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(1500));
    EXPECT_NE(error.find("limit of 0.3 s"), std::string::npos) << error;
    host.reset();
    start({"greedy_limit"});
    expectFailure(only(), LoadFailure::BadManifest, "limits.sql_statement_ms");
}

TEST_F(PluginHostTest, PluginCommand_CanCreateAClient_EventAfterCommit) {
    start({"good"});
    std::string out, error;
    ASSERT_EQ(run({"create-client"}, &out, &error), 0) << error;
    int64_t id = std::stoll(out);
    EXPECT_EQ(ClientStore(*store).get(id).familyName, "Made");
    run({"changes"}, &out);
    EXPECT_EQ(out, "1\n");
    EXPECT_EQ(AuditLog(*store).forClient(id).front().source, "org.nourish.test.good");
}

TEST_F(PluginHostTest, FailedCommand_UndoesItsClientAndItsEvent) {
    start({"good"});
    std::string out;
    EXPECT_EQ(run({"create-client-then-fail"}, &out), 2);
    EXPECT_FALSE(ClientStore(*store).exists(std::stoll(out)));
    run({"changes"}, &out);
    EXPECT_EQ(out, "0\n");
    EXPECT_TRUE(store->check().ok());
}

TEST_F(PluginHostTest, LastInsertRowid_IsThePluginsOwn) {
    start({"good"});
    std::string out;
    ASSERT_EQ(run({"rowid"}, &out), 0);
    EXPECT_EQ(out, "1 1\n");
}

TEST_F(PluginHostTest, HostViews_AreReadable) {
    start({"good"});
    std::string out;
    EXPECT_EQ(run({"clients"}, &out), 0);
    EXPECT_EQ(out, "1\n");
}

TEST_F(PluginHostTest, PracticeSettings_AreReadOnlyForPlugins) {
    PracticeSettings(*store).set("practice.name", "Little Roots", {"claire", "test"});
    start({"good"});
    std::string out, error;
    EXPECT_EQ(run({"setting", "practice.name"}, &out), 0);
    EXPECT_EQ(out, "Little Roots\n");
    EXPECT_NE(run({"setting", "practice.name", "Evil"}, &out, &error), 0);
    EXPECT_EQ(*PracticeSettings(*store).get("practice.name"), "Little Roots");
    EXPECT_EQ(run({"setting", "greeting", "hello"}, &out), 0);
    EXPECT_EQ(out, "hello\n");
}

TEST_F(PluginHostTest, AuditFromPlugin_IsChainedAndNamesThePlugin) {
    start({"good"});
    EXPECT_EQ(run({"audit", std::to_string(clientId)}), 0);
    auto events = AuditLog(*store).forClient(clientId);
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(events.front().action, "org.nourish.test.good:greeting.sent");
    EXPECT_EQ(events.front().source, "org.nourish.test.good");
    EXPECT_TRUE(store->check().ok());
}

TEST_F(PluginHostTest, Registry_ListsOtherPluginsCapabilities) {
    start({"good"});
    std::string out;
    EXPECT_EQ(run({"peers"}, &out), 0);
    EXPECT_EQ(out, "org.nourish.test.good\n");
}

TEST_F(PluginHostTest, ClientChangedEvents_ReachSubscribers) {
    start({"good"});
    host->publish("nourish.client.changed", "{\"client_id\":1}");
    host->publish("nourish.client.selected", "{\"client_id\":1}");
    std::string out;
    run({"changes"}, &out);
    EXPECT_EQ(out, "1\n");
}

TEST_F(PluginHostTest, ReportSections_AreRenderedForOneClientAndValidated) {
    start({"good"});
    auto sections = host->reportSections(clientId);
    ASSERT_EQ(sections.size(), 1u);
    EXPECT_TRUE(sections[0].error.empty()) << sections[0].error;
    EXPECT_NE(sections[0].documentJson.find("Hello Zoë"), std::string::npos);
}

TEST_F(PluginHostTest, WrongMajor_IsRefusedWithBothVersions) {
    start({"wrong_major"});
    expectFailure(only(), LoadFailure::WrongSdk, "built for SDK 2.0 while this app provides 1.2");
}

TEST_F(PluginHostTest, NewerMinor_IsRefused) {
    start({"newer_minor"});
    expectFailure(only(), LoadFailure::WrongSdk, "SDK 1.3");
}

TEST_F(PluginHostTest, BinaryBuiltForNewerSdk_IsRefusedEvenWithOldManifest) {
    start({"binary_newer"});
    expectFailure(only(), LoadFailure::WrongSdk, "SDK 1.7");
}

TEST_F(PluginHostTest, MissingEntry_IsNamed) {
    start({"missing_entry"});
    expectFailure(only(), LoadFailure::NoEntryPoint, "nourish_plugin_entry");
}

TEST_F(PluginHostTest, NotElf_IsNamed) {
    start({"not_elf"});
    expectFailure(only(), LoadFailure::NotSharedObject, "not a shared object");
}

TEST_F(PluginHostTest, UndefinedSymbol_CarriesTheLoadersMessage) {
    start({"undefined_symbol"});
    expectFailure(only(), LoadFailure::MissingDependency, "nourish_test_symbol_nobody_defines");
}

TEST_F(PluginHostTest, InitError_CarriesThePluginsMessage) {
    start({"init_error"});
    expectFailure(only(), LoadFailure::InitFailed, "init failed: the licence file for this protocol is missing");
}

TEST_F(PluginHostTest, InitThrowing_BecomesAnErrorNotACrash) {
    start({"init_throws"});
    expectFailure(only(), LoadFailure::InitFailed, "cannot reach the food database");
}

TEST_F(PluginHostTest, ManifestDisagreeingWithBinary_IsRefused) {
    start({"mismatch"});
    expectFailure(only(), LoadFailure::ManifestMismatch, "org.nourish.test.actual");
}

TEST_F(PluginHostTest, DuplicateId_SecondCopyIsRefused_FirstStillWorks) {
    start({"good", "duplicate"});
    ASSERT_EQ(host->plugins().size(), 2u);
    EXPECT_EQ(host->plugins()[0]->state, PluginState::Loaded);
    expectFailure(*host->plugins()[1], LoadFailure::DuplicateId, "already loaded");
    EXPECT_EQ(run({"count"}), 0);
}

TEST_F(PluginHostTest, LibraryWithoutManifest_IsListedAsFailed) {
    start({"no_manifest"});
    expectFailure(only(), LoadFailure::MissingManifest, "orphan.so");
}

TEST_F(PluginHostTest, MigrationTouchingCoreTable_IsRefusedAndNothingChanged) {
    start({"sneaky"});
    expectFailure(only(), LoadFailure::MigrationFailed, "write the table clients");
    EXPECT_EQ(familyName(), "Müller");
    EXPECT_FALSE(store->db().tableExists("sneaky_notes"));
}

TEST_F(PluginHostTest, InvalidDocument_IsRefusedWithJsonPath) {
    start({"bad_document"});
    expectFailure(only(), LoadFailure::InvalidDocument, "$[0]");
    EXPECT_NE(only().reason.find("org.nourish.test.bad-document"), std::string::npos);
}

TEST_F(PluginHostTest, OneBrokenPlugin_DoesNotStopTheOthers) {
    start({"init_error", "not_elf", "good", "wrong_major", "missing_entry"});
    int loaded = 0, failed = 0;
    for (auto& p : host->plugins()) (p->state == PluginState::Loaded ? loaded : failed)++;
    EXPECT_EQ(loaded, 1);
    EXPECT_EQ(failed, 4);
    EXPECT_EQ(host->failureSummary().size(), 4u);
}

TEST_F(PluginHostTest, SafeMode_KeepsOnlyFirstPartyPlugins) {
    start({"good", "init_error"}, /*safeMode=*/true, /*firstParty=*/"init_error");
    EXPECT_EQ(host->find("org.nourish.test.good")->state, PluginState::Disabled);
    EXPECT_NE(host->find("org.nourish.test.good")->reason.find("safe mode"), std::string::npos);
    EXPECT_EQ(host->find("org.nourish.test.init-error")->state, PluginState::Failed);
}

TEST_F(PluginHostTest, DisabledPlugin_IsNotLoaded) {
    {
        PluginHost::Options options;
        PluginHost first(*store, options);
        first.setEnabled("org.nourish.test.good", false);
    }
    start({"good"});
    EXPECT_EQ(only().state, PluginState::Disabled);
    host.reset();
    PluginHost(*store, {}).setEnabled("org.nourish.test.good", true);
    start({"good"});
    EXPECT_EQ(only().state, PluginState::Loaded);
}

TEST_F(PluginHostTest, Migrations_AreAppliedOnceAndRecorded) {
    start({"good"});
    run({"add", "a"});
    host.reset();
    start({"good"});
    std::string out;
    run({"count"}, &out);
    EXPECT_EQ(out, "1\n");
    Statement s(store->db(), "SELECT count(*) FROM plugin_schema_versions WHERE plugin_id = 'org.nourish.test.good'");
    s.step();
    EXPECT_EQ(s.int64(0), 1);
}

TEST_F(PluginHostTest, ARefusedMigrationTriedAtEveryStart_IsBackedUpOnce_AndHalfMadeCopiesAreCleared) {
    for (int start_ = 0; start_ < 3; ++start_) {
        start({"sneaky"});
        expectFailure(only(), LoadFailure::MigrationFailed, "write the table clients");
    }
    int backups = 0;
    for (auto& e : fs::directory_iterator(dir.path()))
        if (e.path().filename().string().find(".before-org.nourish.test.sneaky-") != std::string::npos) ++backups;
    EXPECT_EQ(backups, 1) << "one copy for the pending migration, not one per start";
    // A backup killed half-way, long ago, and one being written now.
    fs::path old = dir / ".n.db.before-org.nourish.test.x-1.bak.part-AbCdEf";
    fs::path fresh = dir / ".n.db.before-org.nourish.test.x-1.bak.part-GhIjKl";
    nourish::test::writeFile(old, "half");
    nourish::test::writeFile(fresh, "half");
    fs::last_write_time(old, fs::file_time_type::clock::now() - std::chrono::hours(3));
    host.reset();
    store.reset();
    store = std::make_unique<Store>(dir / "n.db");
    EXPECT_FALSE(fs::exists(old)) << "a half-made copy from a killed backup is removed";
    EXPECT_TRUE(fs::exists(fresh)) << "one that may be being written now is left alone";
}

// Who made a plugin and what it is called are read before it is trusted: they
// must read as they are written (no bidi overrides, invisible characters or
// line breaks; a description may hold Hebrew or Arabic, not an override).
TEST(ManifestTest, NamesThatShowOtherThanTheyAreWritten_AreRefusedWithTheField) {
    auto manifest = [](const std::string& field, const std::string& value) {
        nlohmann::json j = {{"id", "org.example.spoof"}, {"name", "Spoof"}, {"version", "1.0.0"},
                            {"library", "spoof.so"}, {"sdk", {{"major", 1}, {"minor", 0}}}, {"capabilities", nlohmann::json::array()}};
        j[field] = value;
        return j.dump();
    };
    EXPECT_NO_THROW(parseManifest(manifest("vendor", "Acme Nutrition"), "a.plugin.json"));
    EXPECT_NO_THROW(parseManifest(manifest("description", "תזונה לילדים, a protocol in Hebrew"), "a.plugin.json"));
    struct Row {
        std::string field, value, words;
    };
    for (const Row& row : std::vector<Row>{
             {"vendor", "Acme \u202eatled\u202c", "$.vendor: it holds U+202E"},
             {"name", "Milk\u200bladder", "$.name: it holds U+200B"},
             {"vendor", "Acme\nTrusted Ltd", "$.vendor: it holds a line break"},
             {"description", "fine \u202eesle\u202c", "$.description: it holds"},
             {"homepage", "https://acme.example/\u2066x", "$.homepage: it holds U+2066"},
         }) {
        SCOPED_TRACE(row.field + " " + row.value);
        try {
            parseManifest(manifest(row.field, row.value), "spoof.plugin.json");
            ADD_FAILURE() << "accepted";
        } catch (const ManifestError& e) {
            EXPECT_NE(std::string(e.what()).find("the manifest spoof.plugin.json is invalid at " + row.words),
                      std::string::npos) << e.what();
        }
    }
}

// An upgrade is a newer version, as Semantic Versioning orders them.
TEST(ManifestTest, VersionsAreOrderedAsSemanticVersioningOrdersThem) {
    // Each is older than the next (semver.org, section 11).
    std::vector<std::string> ordered = {"0.9.9",        "1.0.0-alpha",      "1.0.0-alpha.1", "1.0.0-alpha.beta",
                                        "1.0.0-beta",   "1.0.0-beta.2",     "1.0.0-beta.11", "1.0.0-rc.1",
                                        "1.0.0",        "1.0.1",            "1.2.0",         "1.10.0",
                                        "2.0.0",        "10.0.0",           "99999999999999999999.0.0"};
    for (size_t i = 0; i < ordered.size(); ++i)
        for (size_t j = 0; j < ordered.size(); ++j) {
            int c = compareVersions(ordered[i], ordered[j]);
            EXPECT_EQ(c < 0, i < j) << ordered[i] << " vs " << ordered[j];
            EXPECT_EQ(c == 0, i == j) << ordered[i] << " vs " << ordered[j];
        }
    EXPECT_EQ(compareVersions("1.2.3+build.7", "1.2.3"), 0) << "build metadata has no precedence";
    EXPECT_EQ(compareVersions("1.02.3", "1.2.3"), 0);
}

// What comes with Nourish loads only as it was built: signed with the key
// built into the app.
TEST_F(PluginHostTest, ABundledPlugin_LoadsOnlyWithTheBundledKeysSignature) {
    std::string saved = std::getenv("XDG_CONFIG_HOME") ? std::getenv("XDG_CONFIG_HOME") : "";
    setenv("XDG_CONFIG_HOME", (dir / "config").string().c_str(), 1);
    trust::generateKey(dir / "bundled");
    trust::generateKey(dir / "other");
    std::string key = trust::readPublicKey(dir / "bundled.pub").publicKey;
    auto bundle = [&](const std::string& name, const std::string& signer) {
        fs::path folder = dir / name;
        fs::create_directories(folder);
        for (const char* f : {"good.so", "org.nourish.test.good.plugin.json"}) fs::copy_file(pluginDir("good") / f, folder / f);
        if (!signer.empty())
            trust::sign(folder / "org.nourish.test.good.plugin.json", "org.nourish.test.good", folder / "good.so",
                        dir / (signer + ".key"));
        return folder;
    };
    auto load = [&](const fs::path& folder) -> const PluginRecord& {
        host.reset();
        PluginHost::Options options;
        options.directories = {folder};
        options.firstPartyDirectory = folder;
        options.bundledKey = key;
        host = std::make_unique<PluginHost>(*store, options);
        host->discover();
        host->loadAll();
        return only();
    };
    fs::path signedFolder = bundle("signed", "bundled");
    EXPECT_EQ(load(signedFolder).state, PluginState::Loaded);
    EXPECT_TRUE(fs::exists(dir / "config" / "nourish" / "bundled-verified.json")) << "remembered: not hashed at every start";
    EXPECT_EQ(load(signedFolder).state, PluginState::Loaded);
    {
        // Changed in place after it was verified, its size and time put back: found all the same.
        fs::path library = signedFolder / "good.so";
        auto when = fs::last_write_time(library);
        std::fstream edit(library, std::ios::in | std::ios::out | std::ios::binary);
        edit.seekp(-1, std::ios::end);
        edit.put('\x5a');
        edit.close();
        fs::last_write_time(library, when);
    }
    expectFailure(load(signedFolder), LoadFailure::NotAsShipped, "(the signature does not match the library and manifest");
    expectFailure(load(bundle("unsigned", "")), LoadFailure::NotAsShipped,
                  "its files are not as they came with Nourish (it is not signed); it was not loaded: reinstall Nourish");
    expectFailure(load(bundle("foreign", "other")), LoadFailure::NotAsShipped, "(it is signed with another key)");
    fs::path changed = bundle("changed", "bundled");
    std::ofstream(changed / "good.so", std::ios::app | std::ios::binary) << '\0';
    expectFailure(load(changed), LoadFailure::NotAsShipped, "(the signature does not match the library and manifest");
    // The same files elsewhere are a third party's, and are not held to the key.
    host.reset();
    PluginHost::Options elsewhere;
    elsewhere.directories = {dir / "unsigned"};
    elsewhere.bundledKey = key;
    host = std::make_unique<PluginHost>(*store, elsewhere);
    host->discover();
    host->loadAll();
    EXPECT_EQ(only().state, PluginState::Loaded);
    if (saved.empty()) unsetenv("XDG_CONFIG_HOME");
    else setenv("XDG_CONFIG_HOME", saved.c_str(), 1);
}

// The build signs every bundled plugin with the key the app has built in,
// and the app's own options hold them to it.
TEST(BundledPlugins, AreSignedWithTheKeyBuiltIntoTheApp) {
    std::string key = PluginHost::builtInBundledKey();
    ASSERT_EQ(key.size(), 64u);
    EXPECT_EQ(PluginHost::defaultOptions("/usr/bin/nourish").bundledKey, key);
    fs::path folder = NOURISH_BUNDLED_PLUGINS;
    int checked = 0;
    for (const auto& entry : fs::directory_iterator(folder)) {
        std::string name = entry.path().filename().string();
        fs::path manifest = entry.path();
        // A data-only plugin is in a folder of its own: <id>/<id>.plugin.json.
        if (entry.is_directory()) manifest = entry.path() / (name + ".plugin.json");
        else if (name.size() <= 12 || name.substr(name.size() - 12) != ".plugin.json") continue;
        if (!fs::exists(manifest)) continue;
        Manifest m = readManifest(manifest);
        trust::Signature s = trust::verify(manifest, m.id, m.dataOnly() ? fs::path() : folder / m.library);
        EXPECT_NE(s.state, trust::Signature::State::Bad) << m.id << ": " << s.problem;
        EXPECT_EQ(s.publicKey, key) << m.id;
        ++checked;
    }
    EXPECT_EQ(checked, 6) << "intake, elimination, notes, reports, nutrition and the WHO growth standards";
}

// A plugin in plain C loads whether it exports the entry as a function named
// nourish_plugin_entry or as a variable holding one (what NOURISH_PLUGIN
// makes); before, the function was called as if it were the variable.
TEST_F(PluginHostTest, APluginInPlainC_LoadsWithItsEntryAsAFunctionOrAVariable) {
    for (const char* c : {"c_entry", "c_entry_data"}) {
        SCOPED_TRACE(c);
        host.reset();
        start({c});
        EXPECT_EQ(only().state, PluginState::Loaded) << only().reason;
        EXPECT_EQ(only().manifest.name, "Test " + std::string(c));
    }
}

// What an install or upgrade cut short leaves (hidden .installing-* and
// .replaced-* files) is not taken for a plugin, broken or not.
TEST_F(PluginHostTest, TheInstallersHiddenLeftovers_AreNotPlugins) {
    fs::path folder = dir / "plugins";
    fs::create_directories(folder);
    for (const char* f : {"good.so", "org.nourish.test.good.plugin.json"}) {
        fs::copy_file(pluginDir("good") / f, folder / f);
        fs::copy_file(pluginDir("good") / f, folder / (std::string(".installing-") + f));
        fs::copy_file(pluginDir("good") / f, folder / (std::string(".replaced-") + f));
    }
    PluginHost::Options options;
    options.directories = {folder};
    host = std::make_unique<PluginHost>(*store, options);
    host->discover();
    host->loadAll();
    EXPECT_EQ(only().state, PluginState::Loaded) << only().reason;
    EXPECT_EQ(only().manifestPath, folder / "org.nourish.test.good.plugin.json");
}

// nourish.host.plans/1: every plugin's plans of a client put together, each
// plan marked with its plugin; an answer that breaks schemas/plans.schema.json
// or throws is left out and named; a client that is not there is an error.
TEST_F(PluginHostTest, HostPlans_PutsEveryPluginsPlansTogether_AndNamesTheBrokenOnes) {
    start({"plans_good", "plans_broken", "plans_throwing"});
    for (const auto& record : host->plugins()) ASSERT_EQ(record->state, PluginState::Loaded) << record->reason;
    std::string out, error;
    std::optional<CliCommand> plansOf;
    for (const CliCommand& c : host->cliCommands())
        if (c.name == "plans-of") plansOf = c;
    ASSERT_TRUE(plansOf);
    ASSERT_EQ(host->runCliCommand(*plansOf, {std::to_string(clientId)}, out, error), 0) << error;
    auto merged = nlohmann::json::parse(out);
    ASSERT_EQ(merged["plans"].size(), 1u) << out;
    EXPECT_EQ(merged["plans"][0]["plugin"], "org.nourish.test.plans-good");
    EXPECT_EQ(merged["plans"][0]["schedule"]["foods"][0]["text"], "client " + std::to_string(clientId));
    ASSERT_EQ(merged["problems"].size(), 2u) << out;
    EXPECT_EQ(merged["problems"][0],
              "org.nourish.test.plans-broken (nourish.plans/1): invalid at $.plans[0].outcomes[0].result: Failed to "
              "match against any enum values.") << out;
    EXPECT_EQ(merged["problems"][1], "org.nourish.test.plans-throwing could not give its plans: the plans table of client " +
                                         std::to_string(clientId) + " is locked") << out;

    out.clear();
    EXPECT_NE(host->runCliCommand(*plansOf, {"999"}, out, error), 0);
    EXPECT_NE(error.find("999"), std::string::npos) << error;
}
