// nourish-cli as a practitioner or a script uses it: a real binary, a real store.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <chrono>
#include <functional>

#include <nlohmann/json.hpp>

#include "support/Process.h"
#include "support/TempDir.h"

using nourish::test::ProcessResult;
using nourish::test::runProcess;

namespace {
class CliTest : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_EQ(cli({"store", "init"}).exitCode, 0); }
    ProcessResult cli(std::vector<std::string> args, std::vector<std::string> env = {}) {
        args.insert(args.begin(), {"--store", (dir / "n.db").string()});
        // Keep the practitioner's own plugin folder out of the tests.
        env.push_back("XDG_DATA_HOME=" + (dir / "xdg").string());
        // And the keys, anchors and trusted vendors out of the user's own.
        if (std::none_of(env.begin(), env.end(), [](const std::string& e) { return e.rfind("XDG_CONFIG_HOME=", 0) == 0; }))
            env.push_back("XDG_CONFIG_HOME=" + (dir / "config").string());
        return runProcess(NOURISH_CLI, args, env);
    }
    // The test's own data and configuration folders, for commands run without cli().
    std::vector<std::string> home() const {
        return {"XDG_DATA_HOME=" + (dir / "xdg").string(), "XDG_CONFIG_HOME=" + (dir / "config").string()};
    }
    int clientCount() {
        auto r = cli({"client", "list", "--status", "all", "--json"});
        return static_cast<int>(nlohmann::json::parse(r.output).size());
    }
    void expectRefused(std::vector<std::string> args, const std::string& words) {
        auto r = cli(args);
        EXPECT_EQ(r.exitCode, 2) << r.error;
        EXPECT_NE(r.error.find(words), std::string::npos) << "stderr was: " << r.error;
        EXPECT_EQ(std::count(r.error.begin(), r.error.end(), '\n'), 1) << "one line expected: " << r.error;
    }
    nourish::test::TempDir dir;
};

std::string plugins(const std::string& a, const std::string& b = "") {
    std::string root = NOURISH_TEST_PLUGIN_ROOT;
    return "NOURISH_PLUGIN_PATH=" + root + "/" + a + (b.empty() ? "" : ":" + root + "/" + b);
}
}  // namespace

TEST_F(CliTest, ClientAdd_PrintsIdAndShowFindsIt) {
    auto r = cli({"client", "add", "--given", "Zoë", "--family", "Müller", "--dob", "2025-03-01", "--guardian",
                  "Hanna Müller <hanna@example.org>", "--guardian", "Jonas Müller"});
    ASSERT_EQ(r.exitCode, 0) << r.error;
    EXPECT_EQ(r.output, "1\n");
    auto show = cli({"client", "show", "1", "--json"});
    ASSERT_EQ(show.exitCode, 0) << show.error;
    auto j = nlohmann::json::parse(show.output);
    EXPECT_EQ(j["given_name"], "Zoë");
    EXPECT_EQ(j["guardians"].size(), 2u);
    EXPECT_EQ(j["guardians"][0]["email"], "hanna@example.org");
    auto found = cli({"client", "search", "zoe"});
    EXPECT_NE(found.output.find("Zoë Müller"), std::string::npos);
    EXPECT_NE(cli({"client", "search", "mül"}).output.find("Zoë Müller"), std::string::npos);
}

TEST_F(CliTest, BadInput_IsOneLineExit2AndWritesNothing) {
    expectRefused({"client", "add", "--given", "A", "--family", "B", "--dob", "2025-13-45"}, "--dob");
    expectRefused({"client", "add", "--given", "", "--family", "B", "--dob", "2025-01-01"}, "--given: must not be empty");
    expectRefused({"client", "add", "--given", std::string(10000, 'a'), "--family", "B", "--dob", "2025-01-01"},
                  "at most 200");
    expectRefused({"client", "add", "--given", "A", "--family", "B", "--dob", "2025-01-01", "--guardian", "Mum <mum>"},
                  "not an email address");
    expectRefused({"client", "add", "--given", "A", "--family", "B"}, "--dob: is required");
    expectRefused({"client", "add", "--given", "A", "--family", "B", "--dob", "2025-01-01", "--colour", "x"},
                  "--colour: unknown option");
    expectRefused({"client", "show", "abc"}, "not a client id");
    expectRefused({"settings", "set", "practice.email", "not-an-email"}, "not an email address");
    expectRefused({"settings", "set", "practice.colour", "blue"}, "not a setting");
    expectRefused({"settings", "get", "nowhere.key"}, "nowhere.key: is not a setting");
    expectRefused({"frobnicate"}, "unknown command 'frobnicate'");
    expectRefused({"client", "add", "--given", "Ann\u202Eevil.exe\u202C", "--family", "B", "--dob", "2025-01-01"},
                  "--given: holds the invisible formatting character U+202E (right-to-left override)");
    EXPECT_EQ(clientCount(), 0);
}

TEST_F(CliTest, NamesWithQuotesEmojiAndRtl_AreKeptExactly) {
    for (std::string name : {"O'Brien; \"Dan\"", "Zoë 🌱", "נועה", "يوسف"}) {
        auto r = cli({"client", "add", "--given", name, "--family", "Test", "--dob", "2024-01-01"});
        ASSERT_EQ(r.exitCode, 0) << r.error;
        auto j = nlohmann::json::parse(cli({"client", "show", r.output.substr(0, r.output.size() - 1), "--json"}).output);
        EXPECT_EQ(j["given_name"], name);
    }
}

TEST_F(CliTest, MissingStore_IsAnErrorNotANewStore) {
    auto r = runProcess(NOURISH_CLI, {"--store", (dir / "typo.db").string(), "client", "list"}, home());
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.error.find("there is no store at"), std::string::npos) << r.error;
    EXPECT_FALSE(std::filesystem::exists(dir / "typo.db"));
}

TEST_F(CliTest, DisablingAPlugin_DoesNotRunIt) {
    // A crashing plugin can be turned off without being started first.
    auto env = std::vector<std::string>{plugins("crasher"), "NOURISH_TEST_CRASH=1"};
    EXPECT_EQ(cli({"plugins", "disable", "org.nourish.test.crasher"}, env).exitCode, 0);
    auto list = cli({"plugins", "--json"}, env);
    EXPECT_EQ(list.exitCode, 0) << list.error;
}

TEST_F(CliTest, ArchiveAndReactivate_MoveAClientBetweenLists) {
    cli({"client", "add", "--given", "Zoë", "--family", "Müller", "--dob", "2025-03-01"});
    ASSERT_EQ(cli({"client", "archive", "1"}).exitCode, 0);
    EXPECT_EQ(cli({"client", "list"}).output, "");
    EXPECT_NE(cli({"client", "list", "--status", "archived"}).output.find("Zoë Müller"), std::string::npos);
    ASSERT_EQ(cli({"client", "reactivate", "1"}).exitCode, 0);
    EXPECT_NE(cli({"client", "list"}).output.find("Zoë Müller"), std::string::npos);
    auto missing = cli({"client", "archive", "42"});
    EXPECT_EQ(missing.exitCode, 1);
    EXPECT_NE(missing.error.find("there is no client with id 42"), std::string::npos) << missing.error;
}

TEST_F(CliTest, Settings_RoundTrip) {
    ASSERT_EQ(cli({"settings", "set", "practice.name", "Little Roots Nutrition"}).exitCode, 0);
    auto r = cli({"settings", "get", "practice.name"});
    EXPECT_EQ(r.exitCode, 0);
    EXPECT_EQ(r.output, "Little Roots Nutrition\n");
    EXPECT_EQ(cli({"settings", "get", "practice.phone"}).exitCode, 1);
}

TEST_F(CliTest, PluginSettings_AreReachedByTheKeysTheyDeclare) {
    auto env = std::vector<std::string>{plugins("good")};
    ASSERT_EQ(cli({"settings", "set", "greeting.text", "Hello"}, env).exitCode, 0);
    EXPECT_EQ(cli({"settings", "get", "greeting.text"}, env).output, "Hello\n");
    EXPECT_EQ(cli({"hello", "setting", "greeting.text"}, env).output, "Hello\n") << "the plugin sees its own value";
    ASSERT_EQ(cli({"settings", "set", "greeting.token", "s3cret"}, env).exitCode, 0);
    auto secret = cli({"settings", "get", "greeting.token"}, env);
    EXPECT_EQ(secret.exitCode, 2);
    EXPECT_EQ(secret.output.find("s3cret"), std::string::npos);
    EXPECT_EQ(cli({"settings", "get", "greeting.text"}).exitCode, 2) << "without the plugin the key is unknown";

    // A key two plugins declare is each one's own, and is named with the plugin's id.
    auto both = std::vector<std::string>{plugins("good", "quick_limit")};
    auto ambiguous = cli({"settings", "set", "greeting.text", "Hi"}, both);
    EXPECT_EQ(ambiguous.exitCode, 2);
    EXPECT_NE(ambiguous.error.find("greeting.text: is declared by several plugins (org.nourish.test.good, "
                                   "org.nourish.test.quick-limit); name one: org.nourish.test.good:greeting.text"),
              std::string::npos) << ambiguous.error;
    EXPECT_EQ(cli({"settings", "get", "org.nourish.test.good:greeting.text"}, both).output, "Hello\n");
    EXPECT_EQ(cli({"settings", "get", "org.nourish.test.quick-limit:greeting.text"}, both).exitCode, 1) << "not set";
    ASSERT_EQ(cli({"settings", "set", "org.nourish.test.quick-limit:greeting.text", "Hi"}, both).exitCode, 0);
    EXPECT_EQ(cli({"settings", "get", "org.nourish.test.quick-limit:greeting.text"}, both).output, "Hi\n");
    EXPECT_EQ(cli({"settings", "get", "org.nourish.test.good:greeting.text"}, both).output, "Hello\n");
    EXPECT_EQ(cli({"settings", "get", "org.nourish.test.nobody:greeting.text"}, both).exitCode, 2);
}

TEST_F(CliTest, Consent_IsRecordedAndRevoked) {
    cli({"client", "add", "--given", "Zoë", "--family", "Müller", "--dob", "2025-03-01", "--guardian",
         "Hanna Müller <hanna@example.org>"});
    auto r = cli({"client", "consent", "1", "--guardian", "hanna@example.org", "--email", "yes", "--health-data", "yes",
                  "--by", "Hanna Müller"});
    ASSERT_EQ(r.exitCode, 0) << r.error;
    auto j = nlohmann::json::parse(cli({"client", "show", "1", "--json"}).output);
    EXPECT_EQ(j["health_data_consent"], true);
    EXPECT_EQ(j["health_data_consent_by"], "Hanna Müller");
    EXPECT_EQ(j["guardians"][0]["email_consent"], true);
    ASSERT_EQ(cli({"client", "consent", "1", "--guardian", "HANNA@example.org", "--email", "no"}).exitCode, 0);
    j = nlohmann::json::parse(cli({"client", "show", "1", "--json"}).output);
    EXPECT_EQ(j["guardians"][0]["email_consent"], false);
    EXPECT_EQ(j["guardians"][0]["email_consent_at"], nullptr);
    expectRefused({"client", "consent", "1", "--guardian", "someone@example.org", "--email", "yes"},
                  "no guardian of client 1 has the email address someone@example.org");
    expectRefused({"client", "consent", "1", "--guardian", "hanna@example.org", "--email", "maybe"}, "must be yes or no");
    expectRefused({"client", "consent", "1", "--email", "yes"}, "--guardian");
    expectRefused({"client", "consent", "1"}, "say what is consented to");
}

TEST_F(CliTest, CsvExportThenImport_IntoAnEmptyStore) {
    cli({"store", "demo"});
    auto csv = dir / "caseload.csv";
    ASSERT_EQ(cli({"client", "export", csv.string()}).exitCode, 0);
    auto other = runProcess(NOURISH_CLI, {"--store", (dir / "other.db").string(), "store", "init"}, home());
    auto imported = runProcess(NOURISH_CLI, {"--store", (dir / "other.db").string(), "client", "import", csv.string()}, home());
    EXPECT_EQ(imported.exitCode, 0) << imported.error;
    EXPECT_EQ(imported.output, "imported 12 clients\n");
    auto again = runProcess(NOURISH_CLI, {"--store", (dir / "other.db").string(), "client", "import", csv.string()}, home());
    EXPECT_EQ(again.exitCode, 2);
    EXPECT_NE(again.error.find("error: line 2: "), std::string::npos) << again.error;
    EXPECT_NE(again.error.find("nothing was imported"), std::string::npos);
}

TEST_F(CliTest, BadCsv_IsRefusedWholeWithLineAndColumn) {
    auto csv = dir / "bad.csv";
    nourish::test::writeFile(csv, "given_name,family_name,date_of_birth\nZoë,Müller,2025-03-01\nBad,Row,2025-02-30\n");
    auto r = cli({"client", "import", csv.string()});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.error.find("error: line 3, column date_of_birth: '2025-02-30' is not a date"), std::string::npos)
        << r.error;
    EXPECT_EQ(clientCount(), 0);
}

TEST_F(CliTest, StoreCheckAndBackup) {
    cli({"store", "demo"});
    auto check = cli({"store", "check"});
    EXPECT_EQ(check.exitCode, 0) << check.output << check.error;
    EXPECT_NE(check.output.find("ok: 12 clients"), std::string::npos) << check.output;
    auto backup = cli({"store", "backup", (dir / "backup.db").string()});
    EXPECT_EQ(backup.exitCode, 0) << backup.error;
    auto again = cli({"store", "backup", (dir / "backup.db").string(), "--force"});
    EXPECT_EQ(again.exitCode, 2);
    EXPECT_NE(again.error.find("is an SQLite database"), std::string::npos) << again.error;
    auto copy = runProcess(NOURISH_CLI, {"--store", (dir / "backup.db").string(), "client", "list"}, home());
    EXPECT_EQ(std::count(copy.output.begin(), copy.output.end(), '\n'), 12);
}

TEST_F(CliTest, StoreCheck_ReportsATamperedAuditLog) {
    cli({"store", "demo"});
    {
        // Tamper the way someone with the sqlite3 shell would.
        auto r = runProcess("sqlite3", {(dir / "n.db").string(), "UPDATE audit_events SET actor = 'x' WHERE id = 3"});
        ASSERT_EQ(r.exitCode, 0) << r.error;
    }
    auto check = cli({"store", "check"});
    EXPECT_EQ(check.exitCode, 1);
    EXPECT_NE(check.output.find("event 3 was changed"), std::string::npos) << check.output;
}

TEST_F(CliTest, Plugins_ListsStatesReasonsAndCapabilities) {
    auto r = cli({"plugins", "--json"}, {plugins("good", "init_error")});
    ASSERT_EQ(r.exitCode, 0) << r.error;
    auto list = nlohmann::json::parse(r.output);
    std::map<std::string, nlohmann::json> byId;
    for (auto& p : list) byId[p["id"]] = p;
    ASSERT_TRUE(byId.count("org.nourish.intake")) << r.output;
    EXPECT_EQ(byId["org.nourish.intake"]["state"], "loaded");
    EXPECT_EQ(byId["org.nourish.test.good"]["state"], "loaded");
    EXPECT_EQ(byId["org.nourish.test.good"]["capabilities"].size(), 3u);
    EXPECT_EQ(byId["org.nourish.test.init-error"]["state"], "failed");
    EXPECT_EQ(byId["org.nourish.test.init-error"]["failure"], "init failed");
    EXPECT_NE(byId["org.nourish.test.init-error"]["reason"].get<std::string>().find("licence"), std::string::npos);
}

TEST_F(CliTest, PluginCommand_RunsThroughTheHost) {
    auto env = std::vector<std::string>{plugins("good")};
    auto r = cli({"hello", "add", "Zoë"}, env);
    EXPECT_EQ(r.exitCode, 0) << r.error;
    auto bad = cli({"hello", "fail", "X"}, env);
    EXPECT_EQ(bad.exitCode, 2);
    EXPECT_EQ(cli({"hello", "count"}, env).output, "1\n");
}

TEST_F(CliTest, SafeMode_LeavesThirdPartyPluginsOff) {
    auto r = cli({"--safe-mode", "plugins", "--json"}, {plugins("good")});
    auto list = nlohmann::json::parse(r.output);
    int seen = 0;
    for (auto& p : list) {
        if (p["id"] == "org.nourish.test.good") {
            EXPECT_EQ(p["state"], "disabled");
            ++seen;
        }
        if (p["id"] == "org.nourish.intake") {
            EXPECT_EQ(p["state"], "loaded");
            ++seen;
        }
    }
    EXPECT_EQ(seen, 2);
}

TEST_F(CliTest, CrashingPlugin_IsNamedNextTimeAndSkipped) {
    auto env = std::vector<std::string>{plugins("crasher"), "NOURISH_TEST_CRASH=1"};
    auto crash = cli({"plugins"}, env);
    EXPECT_NE(crash.exitCode, 0);
    auto next = cli({"plugins", "--json"}, {plugins("crasher")});
    EXPECT_NE(next.error.find("org.nourish.test.crasher was initialising"), std::string::npos) << next.error;
    auto list = nlohmann::json::parse(next.output);
    bool seen = false;
    for (auto& p : list)
        if (p["id"] == "org.nourish.test.crasher") {
            seen = true;
            EXPECT_EQ(p["failure"], "crashed");
        }
    EXPECT_TRUE(seen);
    // The run after that loads it again (the practitioner may disable it for good).
    auto third = nlohmann::json::parse(cli({"plugins", "--json"}, {plugins("crasher")}).output);
    bool loaded = false;
    for (auto& p : third)
        if (p["id"] == "org.nourish.test.crasher") loaded = p["state"] == "loaded";
    EXPECT_TRUE(loaded);
}

TEST_F(CliTest, DisableAndEnable_TakeEffectNextStart) {
    auto env = std::vector<std::string>{plugins("good")};
    EXPECT_EQ(cli({"plugins", "disable", "org.nourish.test.good"}, env).exitCode, 0);
    EXPECT_NE(cli({"hello", "count"}, env).exitCode, 0);
    EXPECT_EQ(cli({"plugins", "enable", "org.nourish.test.good"}, env).exitCode, 0);
    EXPECT_EQ(cli({"hello", "count"}, env).exitCode, 0);
    EXPECT_EQ(cli({"plugins", "disable", "org.nowhere"}, env).exitCode, 2);
}

// `plugin check` names every problem the host would find, and passes only a
// plugin that would load cleanly. No store is needed.
TEST_F(CliTest, PluginCheck_PassesAGoodPluginAndNamesEveryProblem) {
    std::string root = NOURISH_TEST_PLUGIN_ROOT;
    auto good = runProcess(NOURISH_CLI, {"plugin", "check", root + "/good/good.so"},
                           {"XDG_DATA_HOME=" + (dir / "xdg").string(), "XDG_CONFIG_HOME=" + (dir / "config").string(),
                            "NOURISH_STORE=" + (dir / "none.db").string()});
    EXPECT_EQ(good.exitCode, 0) << good.output << good.error;
    EXPECT_NE(good.output.find("plugin check passed"), std::string::npos);
    EXPECT_FALSE(std::filesystem::exists(dir / "none.db")) << "no store is created";
    EXPECT_NE(good.output.find("ok    report section greeting renders for a sample client"), std::string::npos)
        << good.output;

    struct Row {
        std::string path;
        std::string problem;
    };
    std::vector<Row> rows = {
        {root + "/not_elf/not_elf.so", "FAIL  not a shared object"},
        {root + "/wrong_major/wrong_major.so", "FAIL  built for another SDK: built for SDK 2.0"},
        {root + "/mismatch/org.nourish.test.claimed.plugin.json", "FAIL  manifest disagrees with binary"},
        // A library built for this SDK behind a manifest that says another.
        {root + "/manifest_sdk/manifest_sdk.so",
         "FAIL  manifest disagrees with binary: its manifest says org.nourish.test.manifest-sdk 1.0.0 (SDK 2.0) but the "
         "library is org.nourish.test.manifest-sdk 1.0.0 (SDK 1.2)"},
        // The loader's words, about the author's own file (not the checker's copy).
        {root + "/undefined_symbol/undefined_symbol.so",
         "FAIL  missing library or undefined symbol: it could not be opened: a library it needs is missing or a symbol "
         "is undefined (" + root + "/undefined_symbol/undefined_symbol.so: undefined symbol: "
         "nourish_test_symbol_nobody_defines)\n"},
        {root + "/no_manifest/orphan.so", "FAIL  missing manifest: no <id>.plugin.json beside orphan.so"},
        {root + "/missing_entry/missing_entry.so", "FAIL  no entry point"},
        {root + "/bad_document/bad_document.so", "FAIL  invalid document: org.nourish.test.bad-document "
                                                 "(nourish.report-sections/1): invalid at $[0].id"},
        {root + "/protocols/protocols.so", "FAIL  a protocol it offers was refused (org.example.test.protocols): "
                                           "$[1].challenges[1].food: 'peanut' is not one of the foods"},
        // What its code answers is checked too, as the app would at run time.
        {root + "/bad_render/bad_render.so",
         "FAIL  report section greeting, rendered for a sample client: org.nourish.test.bad-render (greeting): invalid "
         "at $.blocks[0]"},
        {root + "/protocols/protocols.so",
         "FAIL  evaluate, asked about a sample state: org.example.test.protocols (evaluate org.example.test.bad-hook): "
         "invalid at $[0]"},
        {root + "/init_error/init_error.so", "FAIL  init failed"},
        {root + "/nowhere.so", "FAIL  " + root + "/nowhere.so: no such file"},
    };
    for (const Row& row : rows) {
        SCOPED_TRACE(row.path);
        auto r = cli({"plugin", "check", row.path});
        EXPECT_EQ(r.exitCode, 1);
        EXPECT_NE(r.output.find(row.problem), std::string::npos) << r.output;
        EXPECT_NE(r.output.find("plugin check failed"), std::string::npos);
    }
    auto hook = cli({"plugin", "check", root + "/protocols/protocols.so"});
    EXPECT_NE(hook.output.find("ok    evaluate org.example.test.two-food answers a sample state with "), std::string::npos)
        << hook.output;
    // The same id as an installed plugin.
    auto duplicate = cli({"plugin", "check", root + "/duplicate/good.so"}, {"NOURISH_PLUGIN_PATH=" + root + "/good"});
    EXPECT_EQ(duplicate.exitCode, 1);
    EXPECT_NE(duplicate.output.find("FAIL  duplicate id: an installed plugin already has the id org.nourish.test.good"),
              std::string::npos)
        << duplicate.output;
}

// The plugin's code runs only in a child process: a plugin that crashes,
// exits or hangs in init is reported (with every line that passed before),
// the checker exits non-zero, nothing is installed and no temp folder stays.
TEST_F(CliTest, PluginCheck_AndInstall_SurviveAPluginThatCrashesExitsOrHangs) {
    std::string root = NOURISH_TEST_PLUGIN_ROOT;
    std::filesystem::path temp = dir / "tmp", folder = dir / "xdg" / "nourish" / "plugins";
    std::filesystem::create_directories(temp);
    struct Row {
        std::string plugin, problem;
    };
    std::vector<Row> rows = {
        {"init_segfault", "FAIL  init crashed (SIGSEGV)"},
        {"crasher", "FAIL  init crashed (SIGABRT)"},
        {"init_exit", "FAIL  init called exit(0)"},
        {"init_hang", "FAIL  init did not return in 2 s"},
    };
    for (const Row& row : rows) {
        for (const char* verb : {"check", "install"}) {
            SCOPED_TRACE(row.plugin + " " + verb);
            std::vector<std::string> args = {"plugin", verb, root + "/" + row.plugin + "/" + row.plugin + ".so"};
            if (std::string(verb) == "install") args.push_back("--trust");  // else its code never runs
            auto r = cli(args,
                         {"TMPDIR=" + temp.string(), "NOURISH_TEST_CRASH=1", "NOURISH_PLUGIN_CHECK_SECONDS=2",
                          // Under a sanitizer the crash is the plugin's own, not a report of the sanitizer.
                          "ASAN_OPTIONS=detect_leaks=0:handle_segv=0:handle_abort=0"});
            EXPECT_EQ(r.exitCode, 1) << r.output << r.error;
            EXPECT_NE(r.output.find(row.problem), std::string::npos) << r.output;
            EXPECT_NE(r.output.find("ok    manifest "), std::string::npos) << "what passed is still said: " << r.output;
            EXPECT_NE(r.output.find("plugin check failed"), std::string::npos) << r.output;
            EXPECT_TRUE(std::filesystem::is_empty(temp)) << "no temp folder left behind";
            EXPECT_FALSE(std::filesystem::exists(folder) && !std::filesystem::is_empty(folder)) << "nothing installed";
        }
    }
}

TEST_F(CliTest, PluginInstall_CopiesOnlyAPluginThatPassesEveryCheck) {
    std::string root = NOURISH_TEST_PLUGIN_ROOT;
    std::filesystem::path folder = dir / "xdg" / "nourish" / "plugins";
    auto bad = cli({"plugin", "install", root + "/wrong_major/wrong_major.so", "--trust"});
    EXPECT_EQ(bad.exitCode, 1);
    EXPECT_NE(bad.output.find("nothing was installed"), std::string::npos) << bad.output;
    EXPECT_FALSE(std::filesystem::exists(folder) && !std::filesystem::is_empty(folder));

    auto good = cli({"plugin", "install", root + "/good/good.so", "--trust"});
    ASSERT_EQ(good.exitCode, 0) << good.output << good.error;
    EXPECT_TRUE(std::filesystem::exists(folder / "good.so"));
    auto plugins = cli({"plugins"});
    EXPECT_NE(plugins.output.find("org.nourish.test.good 1.0.0  SDK 1.2  loaded"), std::string::npos) << plugins.output;

    auto again = cli({"plugin", "install", root + "/good/good.so", "--trust"});
    EXPECT_EQ(again.exitCode, 1);
    EXPECT_NE(again.output.find("FAIL  duplicate id"), std::string::npos) << again.output;
}

// A plugin runs with the practitioner's full rights: it installs only when
// she says she trusts it, or when a vendor she trusts signed it, and never
// when its signature does not match its files.
TEST_F(CliTest, PluginInstall_AsksForTrust_AndHonoursSignatures) {
    namespace fs = std::filesystem;
    std::string root = NOURISH_TEST_PLUGIN_ROOT;
    fs::path folder = dir / "xdg" / "nourish" / "plugins";
    std::vector<std::string> env;
    auto installedNothing = [&] { return !fs::exists(folder) || fs::is_empty(folder); };
    auto copyGood = [&](const std::string& name) {
        fs::create_directories(dir / name);
        for (const char* f : {"good.so", "org.nourish.test.good.plugin.json"})
            fs::copy_file(fs::path(root) / "good" / f, dir / name / f);
        return (dir / name / "good.so").string();
    };

    // Unsigned: the full warning, and nothing without --trust.
    auto unsigned_ = cli({"plugin", "install", root + "/good/good.so"}, env);
    EXPECT_EQ(unsigned_.exitCode, 1) << unsigned_.output;
    for (const char* words : {"note  signature: unsigned", "plugin: Test good 1.0.0 (org.nourish.test.good)",
                              "runs inside Nourish with your full rights", "not installed: it is unsigned",
                              "--trust"})
        EXPECT_NE(unsigned_.output.find(words), std::string::npos) << words << "\n" << unsigned_.output;
    EXPECT_NE(unsigned_.output.find("plugin check not finished: its code runs, even in the checker, only once you say you trust it"),
              std::string::npos) << unsigned_.output;
    EXPECT_EQ(unsigned_.output.find("init succeeded"), std::string::npos) << "its code did not run: " << unsigned_.output;
    EXPECT_TRUE(installedNothing());

    // An author's key and signature.
    fs::create_directories(dir / "keys");
    auto keygen = cli({"plugin", "keygen", (dir / "keys" / "acme").string()}, env);
    ASSERT_EQ(keygen.exitCode, 0) << keygen.error;
    EXPECT_EQ(fs::status(dir / "keys" / "acme.key").permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
    EXPECT_NE(nourish::test::readFile(dir / "keys" / "acme.pub").find("BEGIN PUBLIC KEY"), std::string::npos);
    auto again = cli({"plugin", "keygen", (dir / "keys" / "acme").string()}, env);
    EXPECT_NE(again.exitCode, 0);
    EXPECT_NE(again.error.find("already exists"), std::string::npos) << again.error;

    std::string signedPlugin = copyGood("signed");
    auto sign = cli({"plugin", "sign", signedPlugin, "--key", (dir / "keys" / "acme.key").string()}, env);
    ASSERT_EQ(sign.exitCode, 0) << sign.error;
    ASSERT_TRUE(fs::exists(dir / "signed" / "org.nourish.test.good.plugin.sig"));
    std::string fingerprint = keygen.output.substr(keygen.output.rfind("\nkey ") + 5);
    fingerprint = fingerprint.substr(0, fingerprint.find('\n'));
    ASSERT_EQ(fingerprint.size(), 39u) << keygen.output;

    // Signed by a key she has not trusted: checked, valid, still her yes.
    auto unknown = cli({"plugin", "check", signedPlugin}, env);
    EXPECT_EQ(unknown.exitCode, 0) << unknown.output;
    EXPECT_NE(unknown.output.find("note  signature: signed with key " + fingerprint + ", which is not among your trusted"),
              std::string::npos) << unknown.output;
    auto refused = cli({"plugin", "install", signedPlugin}, env);
    EXPECT_EQ(refused.exitCode, 1);
    EXPECT_NE(refused.output.find("signed by a key you have not trusted"), std::string::npos) << refused.output;
    EXPECT_TRUE(installedNothing());

    // Changed after signing: refused, even with --trust.
    std::string tampered = copyGood("tampered");
    ASSERT_EQ(cli({"plugin", "sign", tampered, "--key", (dir / "keys" / "acme.key").string()}, env).exitCode, 0);
    {
        std::string manifest = nourish::test::readFile(dir / "tampered" / "org.nourish.test.good.plugin.json");
        manifest.replace(manifest.find("Test good"), 9, "Test gooD");
        nourish::test::writeFile(dir / "tampered" / "org.nourish.test.good.plugin.json", manifest);
    }
    for (const char* verb : {"check", "install"}) {
        std::vector<std::string> args = {"plugin", verb, tampered};
        if (std::string(verb) == "install") args.push_back("--trust");
        auto bad = cli(args, env);
        EXPECT_EQ(bad.exitCode, 1) << verb;
        EXPECT_NE(bad.output.find("FAIL  bad signature: the signature does not match the library and manifest"),
                  std::string::npos) << bad.output;
    }
    std::string library = copyGood("tampered-library");
    ASSERT_EQ(cli({"plugin", "sign", library, "--key", (dir / "keys" / "acme.key").string()}, env).exitCode, 0);
    {
        std::ofstream append(library, std::ios::app | std::ios::binary);
        append << '\0';
    }
    auto badLibrary = cli({"plugin", "check", library}, env);
    EXPECT_NE(badLibrary.output.find("FAIL  bad signature"), std::string::npos) << badLibrary.output;
    EXPECT_TRUE(installedNothing());

    std::string garbage = copyGood("garbage");
    nourish::test::writeFile(dir / "garbage" / "org.nourish.test.good.plugin.sig", "{\"format\": 1, \"key\": \"zz\"}");
    auto badFile = cli({"plugin", "install", garbage, "--trust"});
    EXPECT_EQ(badFile.exitCode, 1);
    EXPECT_NE(badFile.output.find("FAIL  bad signature: org.nourish.test.good.plugin.sig is not a Nourish plugin signature"),
              std::string::npos) << badFile.output;
    EXPECT_TRUE(installedNothing());

    // Trusted: installs without --trust, with its signature beside it.
    auto trust = cli({"plugin", "trust", "add", (dir / "keys" / "acme.pub").string(), "--name", "Acme Nutrition"}, env);
    ASSERT_EQ(trust.exitCode, 0) << trust.error;
    EXPECT_NE(cli({"plugin", "trust", "list"}, env).output.find(fingerprint + "  Acme Nutrition"), std::string::npos);
    auto installed = cli({"plugin", "install", signedPlugin}, env);
    ASSERT_EQ(installed.exitCode, 0) << installed.output;
    EXPECT_NE(installed.output.find("note  signature: signed by Acme Nutrition (key " + fingerprint + ")"),
              std::string::npos) << installed.output;
    EXPECT_TRUE(fs::exists(folder / "good.so"));
    EXPECT_TRUE(fs::exists(folder / "org.nourish.test.good.plugin.sig"));

    // No longer trusted.
    auto removed = cli({"plugin", "trust", "remove", fingerprint}, env);
    EXPECT_EQ(removed.exitCode, 0) << removed.error;
    EXPECT_NE(cli({"plugin", "trust", "list"}, env).output.find("no trusted vendors"), std::string::npos);
    EXPECT_NE(cli({"plugin", "trust", "remove", fingerprint}, env).exitCode, 0);
    // A trusted vendors list that cannot be read trusts nobody, and says why.
    nourish::test::writeFile(dir / "config" / "nourish" / "trusted-vendors.json", "{not json");
    auto unreadable = cli({"plugin", "check", signedPlugin});
    EXPECT_NE(unreadable.output.find("note  signature: signed with key " + fingerprint +
                                     "; whether you trust it is not known: the trusted vendors list"),
              std::string::npos) << unreadable.output;
    auto notAKey = cli({"plugin", "trust", "add", tampered}, env);
    EXPECT_NE(notAKey.exitCode, 0);
    EXPECT_NE(notAKey.error.find("is not a public key file"), std::string::npos) << notAKey.error;
}

// Uninstalling removes the plugin's files and keeps its data, says which,
// and records it; a plugin that comes with Nourish is turned off instead.
TEST_F(CliTest, PluginUninstall_RemovesTheFiles_KeepsAndNamesTheData) {
    namespace fs = std::filesystem;
    std::string root = NOURISH_TEST_PLUGIN_ROOT;
    fs::path folder = dir / "xdg" / "nourish" / "plugins";
    ASSERT_EQ(cli({"plugin", "install", root + "/good/good.so", "--trust"}).exitCode, 0);
    auto loaded = cli({"plugins"});  // loads it: its migrations make its tables
    ASSERT_NE(loaded.output.find("org.nourish.test.good 1.0.0  SDK 1.2  loaded"), std::string::npos) << loaded.output;

    auto r = cli({"plugin", "uninstall", "org.nourish.test.good"});
    ASSERT_EQ(r.exitCode, 0) << r.error;
    EXPECT_NE(r.output.find("uninstalled Test good 1.0.0 (org.nourish.test.good)"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("kept in the store: 1 table(s) (good_greetings); settings: greeting.text, greeting.token"),
              std::string::npos) << r.output;
    EXPECT_FALSE(fs::exists(folder / "good.so"));
    EXPECT_FALSE(fs::exists(folder / "org.nourish.test.good.plugin.json"));
    EXPECT_EQ(cli({"plugins"}).output.find("org.nourish.test.good"), std::string::npos);
    auto audit = runProcess("sqlite3", {(dir / "n.db").string(), "SELECT detail FROM audit_events WHERE action = 'plugin.uninstall'"});
    EXPECT_NE(audit.output.find("\"tables_kept\":[\"good_greetings\"]"), std::string::npos) << audit.output;

    auto again = cli({"plugin", "uninstall", "org.nourish.test.good"});
    EXPECT_EQ(again.exitCode, 2);
    EXPECT_NE(again.error.find("no plugin with the id org.nourish.test.good is installed"), std::string::npos) << again.error;
    auto bundled = cli({"plugin", "uninstall", "org.nourish.elimination"});
    EXPECT_EQ(bundled.exitCode, 2);
    EXPECT_NE(bundled.error.find("comes with Nourish: turn it off instead (nourish-cli plugins disable org.nourish.elimination)"),
              std::string::npos) << bundled.error;
    // Back again: its data was kept.
    ASSERT_EQ(cli({"plugin", "install", root + "/good/good.so", "--trust"}).exitCode, 0);
    EXPECT_NE(cli({"plugins"}).output.find("org.nourish.test.good 1.0.0  SDK 1.2  loaded"), std::string::npos);
}

// --remove-data deletes what the plugin stored, after a backup, and leaves
// the store's tamper evidence whole; data kept by an earlier uninstall can
// be removed later the same way.
TEST_F(CliTest, PluginUninstall_RemoveData_DeletesItsTablesAndSettings_AfterABackup) {
    namespace fs = std::filesystem;
    std::string root = NOURISH_TEST_PLUGIN_ROOT;
    auto sql = [&](const std::string& query) { return runProcess("sqlite3", {(dir / "n.db").string(), query}).output; };
    auto install = [&] {
        ASSERT_EQ(cli({"plugin", "install", root + "/good/good.so", "--trust"}).exitCode, 0);
        ASSERT_EQ(cli({"hello", "add", "Ada"}).exitCode, 0);
        ASSERT_EQ(cli({"settings", "set", "greeting.text", "Hello"}).exitCode, 0);
        ASSERT_EQ(cli({"settings", "set", "greeting.token", "s3cret"}).exitCode, 0);
    };
    ASSERT_EQ(cli({"client", "add", "--given", "Mia", "--family", "Okafor", "--dob", "2024-03-01"}).exitCode, 0);
    install();
    auto both = cli({"plugin", "uninstall", "org.nourish.test.good", "--keep-data", "--remove-data"});
    EXPECT_EQ(both.exitCode, 2) << both.output;
    EXPECT_NE(both.error.find("--keep-data or --remove-data, not both"), std::string::npos) << both.error;

    auto r = cli({"plugin", "uninstall", "org.nourish.test.good", "--remove-data"});
    ASSERT_EQ(r.exitCode, 0) << r.output << r.error;
    EXPECT_NE(r.output.find("uninstalled Test good 1.0.0 (org.nourish.test.good)"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("removed from the store: 1 table(s) (good_greetings); settings: greeting.text, greeting.token"),
              std::string::npos) << r.output;
    size_t at = r.output.find("the store as it was before is in ");
    ASSERT_NE(at, std::string::npos) << r.output;
    fs::path backup = r.output.substr(at + 33, r.output.find('\n', at) - at - 33);
    EXPECT_EQ(backup.parent_path(), dir.path());
    EXPECT_EQ(runProcess("sqlite3", {backup.string(), "SELECT name FROM good_greetings"}).output, "Ada\n") << "the backup holds it";
    EXPECT_EQ(sql("SELECT name FROM sqlite_schema WHERE name LIKE 'good%'"), "");
    EXPECT_EQ(sql("SELECT count(*) FROM plugin_settings WHERE plugin_id = 'org.nourish.test.good'"), "0\n");
    EXPECT_EQ(sql("SELECT count(*) FROM plugin_schema_versions WHERE plugin_id = 'org.nourish.test.good'"), "0\n");
    EXPECT_EQ(sql("SELECT count(*) FROM audit_events WHERE action = 'plugin.data_removed'"), "1\n");
    auto check = cli({"store", "check"});
    EXPECT_EQ(check.exitCode, 0) << check.output << check.error;
    EXPECT_EQ(sql("SELECT family_name FROM clients"), "Okafor\n") << "nothing else is touched";

    // Installed again, it starts afresh; uninstalled with its data kept, the data can go later.
    install();
    EXPECT_EQ(cli({"hello", "count"}).output, "1\n") << "only the new row";
    ASSERT_EQ(cli({"plugin", "uninstall", "org.nourish.test.good"}).exitCode, 0);
    EXPECT_EQ(sql("SELECT count(*) FROM good_greetings"), "1\n");
    auto later = cli({"plugin", "uninstall", "org.nourish.test.good", "--remove-data"});
    ASSERT_EQ(later.exitCode, 0) << later.output << later.error;
    EXPECT_NE(later.output.find("org.nourish.test.good is not installed (its files were removed before)"), std::string::npos)
        << later.output;
    EXPECT_NE(later.output.find("removed from the store: 1 table(s) (good_greetings)"), std::string::npos) << later.output;
    EXPECT_EQ(sql("SELECT count(*) FROM audit_events WHERE action = 'plugin.uninstall'"), "2\n")
        << "removing data left behind is no second uninstall";
    EXPECT_EQ(sql("SELECT count(*) FROM audit_events WHERE action = 'plugin.data_removed'"), "2\n");
    EXPECT_EQ(cli({"store", "check"}).exitCode, 0);
    auto nothing = cli({"plugin", "uninstall", "org.nourish.test.good", "--remove-data"});
    EXPECT_EQ(nothing.exitCode, 2);
    EXPECT_NE(nothing.error.find("and the store holds nothing of it"), std::string::npos) << nothing.error;
}

// A newer version of an installed plugin replaces it and keeps what it
// stored; its new migrations run after a backup. An older one, or the same
// one again, is refused with the versions named.
TEST_F(CliTest, PluginUpgrade_ReplacesTheOlderVersion_KeepsItsData_RefusesADowngrade) {
    namespace fs = std::filesystem;
    std::string root = NOURISH_TEST_PLUGIN_ROOT;
    fs::path folder = dir / "xdg" / "nourish" / "plugins";
    ASSERT_EQ(cli({"plugin", "install", root + "/good/good.so", "--trust"}).exitCode, 0);
    ASSERT_EQ(cli({"client", "add", "--given", "Mia", "--family", "Okafor", "--dob", "2024-03-01"}).exitCode, 0);
    ASSERT_EQ(cli({"hello", "add", "Ada"}).exitCode, 0);
    ASSERT_EQ(cli({"settings", "set", "greeting.text", "Hello"}).exitCode, 0);

    auto check = cli({"plugin", "check", root + "/good_v2/good.so"});
    EXPECT_EQ(check.exitCode, 0) << check.output;
    EXPECT_NE(check.output.find("note  upgrade: it replaces version 1.0.0, installed in " + folder.string()),
              std::string::npos) << check.output;
    auto up = cli({"plugin", "install", root + "/good_v2/good.so", "--trust"});
    ASSERT_EQ(up.exitCode, 0) << up.output;
    EXPECT_NE(up.output.find("upgraded Test good_v2 from 1.0.0 to 1.1.0 in " + folder.string() +
                             "; its tables and settings are kept"),
              std::string::npos) << up.output;
    EXPECT_EQ(nourish::test::readFile(folder / "good.so"), nourish::test::readFile(fs::path(root) / "good_v2" / "good.so"));
    for (const auto& entry : fs::directory_iterator(folder))
        EXPECT_EQ(entry.path().filename().string().rfind(".", 0), std::string::npos) << "left behind: " << entry.path();

    auto plugins = cli({"plugins"});  // loads 1.1.0: its second migration runs
    EXPECT_NE(plugins.output.find("org.nourish.test.good 1.1.0  SDK 1.2  loaded"), std::string::npos) << plugins.output;
    EXPECT_EQ(cli({"hello", "count"}).output, "1\n") << "the rows are kept";
    EXPECT_EQ(cli({"settings", "get", "greeting.text"}).output, "Hello\n") << "the settings are kept";
    auto columns = runProcess("sqlite3", {(dir / "n.db").string(), "SELECT name FROM pragma_table_info('good_greetings')"});
    EXPECT_NE(columns.output.find("language"), std::string::npos) << columns.output;
    EXPECT_TRUE(fs::exists(dir / "n.db.before-org.nourish.test.good-2.bak")) << "a backup before its new migration";
    auto audit = runProcess("sqlite3", {(dir / "n.db").string(), "SELECT detail FROM audit_events WHERE action = 'plugin.upgrade'"});
    EXPECT_NE(audit.output.find("\"replaced_version\":\"1.0.0\""), std::string::npos) << audit.output;
    EXPECT_NE(audit.output.find("\"version\":\"1.1.0\""), std::string::npos) << audit.output;

    auto down = cli({"plugin", "install", root + "/good/good.so", "--trust"});
    EXPECT_EQ(down.exitCode, 1);
    EXPECT_NE(down.output.find("FAIL  downgrade refused: this is version 1.0.0 of org.nourish.test.good, older than the "
                               "installed 1.1.0"),
              std::string::npos) << down.output;
    EXPECT_EQ(cli({"plugin", "check", root + "/good/good.so"}).exitCode, 1);
    auto same = cli({"plugin", "install", root + "/good_v2/good.so", "--trust"});
    EXPECT_EQ(same.exitCode, 1);
    EXPECT_NE(same.output.find("FAIL  duplicate id: an installed plugin already has the id org.nourish.test.good and the "
                               "version 1.1.0"),
              std::string::npos) << same.output;
    EXPECT_EQ(nourish::test::readFile(folder / "good.so"), nourish::test::readFile(fs::path(root) / "good_v2" / "good.so"))
        << "still 1.1.0";
}

// A plugin that is not in her plugin folder (one that comes with Nourish, or
// from NOURISH_PLUGIN_PATH) is not replaced by an install.
TEST_F(CliTest, PluginUpgrade_OfAPluginOutsideHerFolder_IsRefusedBeforeItsCodeRuns) {
    std::string root = NOURISH_TEST_PLUGIN_ROOT;
    auto r = cli({"plugin", "install", root + "/good_v2/good.so", "--trust"}, {plugins("good")});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.output.find("FAIL  not an upgrade from here: version 1.0.0 of org.nourish.test.good is installed in " +
                            root + "/good"),
              std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("init succeeded"), std::string::npos) << r.output;
    EXPECT_FALSE(std::filesystem::exists(dir / "xdg" / "nourish" / "plugins" / "good.so"));
}

// help lists the plugins' commands too, each with its summary and plugin,
// and help COMMAND gives one's usage.
TEST_F(CliTest, Help_ListsThePluginsCommands_AndOnesUsage) {
    auto help = cli({"help"});
    ASSERT_EQ(help.exitCode, 0) << help.error;
    EXPECT_NE(help.output.find("usage: nourish-cli"), std::string::npos);
    size_t section = help.output.find("Plugin commands (nourish-cli help COMMAND for one's usage)\n");
    ASSERT_NE(section, std::string::npos) << help.output;
    for (const char* command : {"\n  protocol ", "\n  note ", "\n  consult ", "\n  report ", "\n  outbox "})
        EXPECT_NE(help.output.find(command, section), std::string::npos) << command << "\n" << help.output;
    EXPECT_NE(help.output.find("[Consultations]", section), std::string::npos) << help.output;

    auto note = cli({"help", "note"});
    ASSERT_EQ(note.exitCode, 0) << note.error;
    EXPECT_EQ(note.output.rfind("nourish-cli note: ", 0), 0u) << note.output;
    EXPECT_NE(note.output.find("org.nourish.notes"), std::string::npos) << note.output;
    EXPECT_GT(std::count(note.output.begin(), note.output.end(), '\n'), 1) << "its usage follows: " << note.output;

    auto builtIn = cli({"help", "store"});
    EXPECT_EQ(builtIn.exitCode, 0);
    EXPECT_NE(builtIn.output.find("store check [--quick]"), std::string::npos) << builtIn.output;
    auto unknown = cli({"help", "nosuch"});
    EXPECT_EQ(unknown.exitCode, 2);
    EXPECT_NE(unknown.error.find("no command 'nosuch'"), std::string::npos) << unknown.error;

    auto noStore = runProcess(NOURISH_CLI, {"--store", (dir / "none.db").string(), "help"}, home());
    EXPECT_EQ(noStore.exitCode, 0) << noStore.error;
    EXPECT_NE(noStore.output.find("listed here once there is a store"), std::string::npos) << noStore.output;
    EXPECT_FALSE(std::filesystem::exists(dir / "none.db")) << "help creates no store";
}

TEST_F(CliTest, FourWritersInParallel_EveryWriteLands) {
    // 4 processes x 50 `client add`, all at once: none may fail with "database is locked".
    std::string script;
    for (int writer = 0; writer < 4; ++writer)
        script += "( for i in $(seq 1 50); do " + nourish::test::shellQuote(NOURISH_CLI) + " --store " +
                  nourish::test::shellQuote((dir / "n.db").string()) + " client add --given W" +
                  std::to_string(writer) + " --family Row$i --dob 2024-01-01 >/dev/null 2>>" +
                  nourish::test::shellQuote((dir / "errors").string()) + " || echo fail; done ) & ";
    script += "wait";
    auto r = runProcess("/bin/sh", {"-c", script},
                        {"XDG_DATA_HOME=" + (dir / "xdg").string(), "XDG_CONFIG_HOME=" + (dir / "config").string()});
    EXPECT_EQ(r.output.find("fail"), std::string::npos)
        << std::count(r.output.begin(), r.output.end(), '\n') << " writes failed: "
        << nourish::test::readFile(dir / "errors");
    EXPECT_EQ(clientCount(), 200);
    auto check = cli({"store", "check"});
    EXPECT_EQ(check.exitCode, 0) << check.output;
}

TEST_F(CliTest, OnlyANourishStoreIsOpened_ByEveryCommand) {
    nourish::test::writeFile(dir / "empty.db", "");
    nourish::test::writeFile(dir / "text.db", "not a database\n");
    for (const char* file : {"empty.db", "text.db"}) {
        for (std::vector<std::string> command :
             {std::vector<std::string>{"store", "check"}, {"client", "list"}, {"store", "init"}, {"store", "demo"},
              {"protocol", "list"}}) {
            std::vector<std::string> args{"--store", (dir / file).string()};
            args.insert(args.end(), command.begin(), command.end());
            auto r = runProcess(NOURISH_CLI, args,
                                {"XDG_DATA_HOME=" + (dir / "xdg").string(), "XDG_CONFIG_HOME=" + (dir / "config").string()});
            EXPECT_NE(r.exitCode, 0) << file << " " << command[1] << ": " << r.output;
            EXPECT_NE(r.error.find("not a Nourish store"), std::string::npos) << file << " " << command[1] << ": " << r.error;
            EXPECT_EQ(std::count(r.error.begin(), r.error.end(), '\n'), 1) << r.error;
        }
    }
    EXPECT_EQ(nourish::test::readFile(dir / "empty.db"), "");
    EXPECT_FALSE(std::filesystem::exists(dir / "empty.db-wal"));
}

namespace {

// The SDK's data-only example, copied where a test may change it.
std::filesystem::path copyDataOnlyExample(const std::filesystem::path& to) {
    namespace fs = std::filesystem;
    fs::copy(fs::path(NOURISH_SDK_EXAMPLES) / "low-fodmap-data", to, fs::copy_options::recursive);
    return to;
}

void editJson(const std::filesystem::path& file, const std::function<void(nlohmann::json&)>& edit) {
    auto j = nlohmann::json::parse(nourish::test::readFile(file));
    edit(j);
    nourish::test::writeFile(file, j.dump(2));
}

}  // namespace

// A protocol that names a questionnaire its plugin does not offer (nor
// Nourish): the check passes with a note that says so, since another plugin
// may offer it; one of its own, or POEM, raises nothing.
TEST_F(CliTest, PluginCheck_NotesAProtocolsQuestionnaireThatThePluginDoesNotOffer) {
    namespace fs = std::filesystem;
    fs::path copy = dir / "fodmap";
    fs::copy(fs::path(NOURISH_SDK_EXAMPLES) / "low-fodmap-data", copy, fs::copy_options::recursive);
    auto clean = cli({"plugin", "check", copy.string()});
    EXPECT_EQ(clean.exitCode, 0) << clean.output;
    EXPECT_EQ(clean.output.find("names the questionnaire"), std::string::npos) << clean.output;
    auto protocol = nlohmann::json::parse(nourish::test::readFile(copy / "protocols" / "low-fodmap.json"));
    protocol["instruments"] = {"org.example.low-fodmap-data.ibs-symptoms", "org.nourish.instrument.poem",
                               "org.example.elsewhere.sleep"};
    nourish::test::writeFile(copy / "protocols" / "low-fodmap.json", protocol.dump(2));
    auto noted = cli({"plugin", "check", copy.string()});
    EXPECT_EQ(noted.exitCode, 0) << noted.output;
    EXPECT_NE(noted.output.find("note  protocol org.example.low-fodmap-data.protocol names the questionnaire "
                                "org.example.elsewhere.sleep, which this plugin does not offer"),
              std::string::npos) << noted.output;
    EXPECT_EQ(noted.output.find("questionnaire org.nourish.instrument.poem"), std::string::npos) << noted.output;
    EXPECT_EQ(noted.output.find("questionnaire org.example.low-fodmap-data.ibs-symptoms"), std::string::npos) << noted.output;
}

// A protocol plugin that is a manifest and JSON documents, with no library:
// checked, installed (with her yes: it is clinical content), listed, used for
// a plan, and uninstalled, with no compiler anywhere.
TEST_F(CliTest, DataOnlyPlugin_IsCheckedInstalledAndUsedWithoutACompiler) {
    namespace fs = std::filesystem;
    fs::path source = fs::path(NOURISH_SDK_EXAMPLES) / "low-fodmap-data";
    fs::path folder = dir / "xdg" / "nourish" / "plugins";
    auto check = cli({"plugin", "check", source.string()});
    EXPECT_EQ(check.exitCode, 0) << check.output;
    for (const char* line :
         {"ok    manifest org.example.low-fodmap-data.plugin.json: org.example.low-fodmap-data 1.0.0, SDK 1.1 (data only: "
          "2 document(s), no code)",
          "ok    every document named by the manifest read as JSON", "ok    1 protocol(s), 1 instrument(s), 0 intake form(s), 0 note template(s) accepted",
          "plugin check passed"})
        EXPECT_NE(check.output.find(line), std::string::npos) << line << "\n" << check.output;
    EXPECT_EQ(check.output.find("ELF"), std::string::npos) << check.output;
    // Also by its manifest.
    EXPECT_EQ(cli({"plugin", "check", (source / "org.example.low-fodmap-data.plugin.json").string()}).exitCode, 0);

    auto refused = cli({"plugin", "install", source.string()});
    EXPECT_EQ(refused.exitCode, 1) << refused.output;
    EXPECT_NE(refused.output.find("A data-only plugin runs no code, but what it says is shown to you and to families"),
              std::string::npos) << refused.output;
    EXPECT_EQ(refused.output.find("runs inside Nourish with your full rights"), std::string::npos) << refused.output;
    EXPECT_FALSE(fs::exists(folder / "org.example.low-fodmap-data"));

    auto installed = cli({"plugin", "install", source.string(), "--trust"});
    ASSERT_EQ(installed.exitCode, 0) << installed.output;
    fs::path own = folder / "org.example.low-fodmap-data";
    EXPECT_NE(installed.output.find("installed into " + own.string()), std::string::npos) << installed.output;
    EXPECT_EQ(nourish::test::readFile(own / "protocols" / "low-fodmap.json"),
              nourish::test::readFile(source / "protocols" / "low-fodmap.json"));
    for (const auto& entry : fs::directory_iterator(folder))
        EXPECT_EQ(entry.path().filename().string().rfind(".", 0), std::string::npos) << "left behind: " << entry.path();
    auto audit = runProcess("sqlite3", {(dir / "n.db").string(), "SELECT detail FROM audit_events WHERE action = 'plugin.install'"});
    EXPECT_NE(audit.output.find("\"data_only\":true"), std::string::npos) << audit.output;

    auto plugins = cli({"plugins"});
    EXPECT_NE(plugins.output.find("org.example.low-fodmap-data 1.0.0  SDK 1.1  loaded  (data only)"), std::string::npos)
        << plugins.output;
    auto protocols = cli({"protocol", "list"});
    EXPECT_NE(protocols.output.find("org.example.low-fodmap-data.protocol"), std::string::npos) << protocols.output;
    auto instruments = cli({"instrument", "list"});
    EXPECT_NE(instruments.output.find("org.example.low-fodmap-data.ibs-symptoms"), std::string::npos) << instruments.output;

    ASSERT_EQ(cli({"client", "add", "--given", "Ana", "--family", "Silva", "--dob", "1990-05-01"}).exitCode, 0);
    std::chrono::year_month_day ymd{std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now())};
    char today[16];
    std::snprintf(today, sizeof today, "%04d-%02u-%02u", int(ymd.year()), unsigned(ymd.month()), unsigned(ymd.day()));
    auto plan = cli({"protocol", "assign", "1", "org.example.low-fodmap-data.protocol", "--start", today});
    ASSERT_EQ(plan.exitCode, 0) << plan.error;
    auto schedule = nlohmann::json::parse(cli({"protocol", "schedule", "1", "--json"}).output);
    EXPECT_EQ(schedule["foods"].size(), 6u) << schedule.dump();
    EXPECT_EQ(schedule["current_phase"], "elimination") << schedule.dump();

    auto removed = cli({"plugin", "uninstall", "org.example.low-fodmap-data"});
    ASSERT_EQ(removed.exitCode, 0) << removed.output << removed.error;
    EXPECT_FALSE(fs::exists(own));
    auto after = cli({"protocol", "schedule", "1"});
    EXPECT_EQ(after.exitCode, 0) << after.error;
    EXPECT_NE(after.output.find("is no longer installed"), std::string::npos) << "the plan goes on from its copy: " << after.output;
}

// Each mistake in a data-only plugin is named with its file or JSON path, and
// nothing of it is installed.
TEST_F(CliTest, DataOnlyPlugin_EveryProblemIsNamedWithItsFileOrPath) {
    namespace fs = std::filesystem;
    struct Case {
        const char* name;
        std::function<void(const fs::path&)> spoil;
        std::string expected;
    };
    const std::string manifest = "org.example.low-fodmap-data.plugin.json";
    std::vector<Case> cases = {
        {"missing document", [&](const fs::path& p) { fs::remove(p / "protocols" / "low-fodmap.json"); },
         "FAIL  the document protocols/low-fodmap.json named by the manifest (at $.documents.protocols) is not beside it"},
        {"outside its folder",
         [&](const fs::path& p) { editJson(p / manifest, [](auto& j) { j["documents"]["protocols"][0] = "../x.json"; }); },
         "FAIL  bad manifest: the manifest " + manifest + " is invalid at $.documents.protocols[0]"},
        {"both library and documents",
         [&](const fs::path& p) { editJson(p / manifest, [](auto& j) { j["library"] = "x.so"; }); },
         "is invalid at $.documents: a plugin with a library offers its documents from its code"},
        {"neither", [&](const fs::path& p) { editJson(p / manifest, [](auto& j) { j.erase("documents"); }); },
         "is invalid at $: it names neither a \"library\""},
        {"a capability that needs code",
         [&](const fs::path& p) {
             editJson(p / manifest, [](auto& j) { j["capabilities"].push_back("nourish.cli-commands/1"); });
         },
         "is invalid at $.capabilities[2]: nourish.cli-commands/1 needs code (a library)"},
        {"documents without their capability",
         [&](const fs::path& p) { editJson(p / manifest, [](auto& j) { j["capabilities"].erase(1); }); },
         "is invalid at $.documents.instruments: it lists instruments but $.capabilities does not have nourish.instruments/1"},
        {"a table prefix", [&](const fs::path& p) { editJson(p / manifest, [](auto& j) { j["table_prefix"] = "lf_"; }); },
         "is invalid at $.table_prefix: a data-only plugin has no code to use it"},
        {"not JSON", [&](const fs::path& p) { nourish::test::writeFile(p / "protocols" / "low-fodmap.json", "{\"id\": "); },
         "FAIL  invalid document: protocols/low-fodmap.json (listed at $.documents.protocols) is not valid JSON"},
        {"a list, not one document",
         [&](const fs::path& p) { nourish::test::writeFile(p / "instruments" / "ibs-symptoms.json", "[]"); },
         "instruments/ibs-symptoms.json (listed at $.documents.instruments): $: must hold one document (a JSON object), not array"},
        {"a folder without its manifest", [&](const fs::path& p) { fs::remove(p / manifest); },
         "is a folder with no manifest; give the plugin's library (.so), its manifest, or a folder with one "
         "<id>.plugin.json"},
        {"a document over 4 MB",
         [&](const fs::path& p) {
             nourish::test::writeFile(p / "protocols" / "low-fodmap.json", "{" + std::string(5 * 1024 * 1024, ' ') + "}");
         },
         "FAIL  invalid document: protocols/low-fodmap.json (listed at $.documents.protocols) is larger than 4 MB"},
        {"a protocol that breaks its schema",
         [&](const fs::path& p) {
             editJson(p / "protocols" / "low-fodmap.json", [](auto& j) { j["phases"][0]["default_days"] = "four weeks"; });
         },
         "FAIL  a protocol it offers was refused (org.example.low-fodmap-data): protocols/low-fodmap.json: $.phases[0].default_days"},
    };
    int n = 0;
    for (const Case& c : cases) {
        fs::path copy = copyDataOnlyExample(dir / ("case" + std::to_string(n++)));
        c.spoil(copy);
        auto r = cli({"plugin", "install", copy.string(), "--trust"});
        EXPECT_EQ(r.exitCode, 1) << c.name << "\n" << r.output;
        EXPECT_NE(r.output.find(c.expected), std::string::npos) << c.name << ": " << c.expected << "\n" << r.output;
        EXPECT_FALSE(fs::exists(dir / "xdg" / "nourish" / "plugins" / "org.example.low-fodmap-data")) << c.name;
    }
}

// Signed, a data-only plugin's signature covers each of its documents; a
// newer version upgrades it in its folder, an older one is refused.
TEST_F(CliTest, DataOnlyPlugin_SignatureCoversItsDocuments_AndItUpgrades) {
    namespace fs = std::filesystem;
    fs::path copy = copyDataOnlyExample(dir / "lf");
    fs::path manifest = copy / "org.example.low-fodmap-data.plugin.json";
    ASSERT_EQ(cli({"plugin", "keygen", (dir / "acme").string()}).exitCode, 0);
    auto signedOne = cli({"plugin", "sign", manifest.string(), "--key", (dir / "acme.key").string()});
    ASSERT_EQ(signedOne.exitCode, 0) << signedOne.output << signedOne.error;
    ASSERT_EQ(cli({"plugin", "trust", "add", (dir / "acme.pub").string(), "--name", "Acme"}).exitCode, 0);
    auto trusted = cli({"plugin", "install", copy.string()});
    ASSERT_EQ(trusted.exitCode, 0) << "signed by a trusted vendor: no --trust needed\n" << trusted.output;
    EXPECT_NE(trusted.output.find("signed by Acme"), std::string::npos) << trusted.output;
    fs::path own = dir / "xdg" / "nourish" / "plugins" / "org.example.low-fodmap-data";
    EXPECT_TRUE(fs::exists(own / "org.example.low-fodmap-data.plugin.sig"));

    // A newer version whose protocol was changed after signing.
    editJson(manifest, [](auto& j) { j["version"] = "1.1.0"; });
    ASSERT_EQ(cli({"plugin", "sign", manifest.string(), "--key", (dir / "acme.key").string()}).exitCode, 0);
    editJson(copy / "protocols" / "low-fodmap.json", [](auto& j) { j["washout_days"] = 0; });
    auto bad = cli({"plugin", "install", copy.string(), "--trust"});
    EXPECT_EQ(bad.exitCode, 1);
    EXPECT_NE(bad.output.find("FAIL  bad signature: the signature does not match the manifest and documents"),
              std::string::npos) << bad.output;
    EXPECT_EQ(nlohmann::json::parse(nourish::test::readFile(own / "protocols" / "low-fodmap.json"))["washout_days"], 3);

    ASSERT_EQ(cli({"plugin", "sign", manifest.string(), "--key", (dir / "acme.key").string()}).exitCode, 0);
    auto up = cli({"plugin", "install", copy.string()});
    ASSERT_EQ(up.exitCode, 0) << up.output;
    EXPECT_NE(up.output.find("upgraded Low-FODMAP protocol (data-only) from 1.0.0 to 1.1.0 in " + own.string()),
              std::string::npos) << up.output;
    EXPECT_EQ(nlohmann::json::parse(nourish::test::readFile(own / "protocols" / "low-fodmap.json"))["washout_days"], 0);
    for (const auto& entry : fs::directory_iterator(own.parent_path()))
        EXPECT_EQ(entry.path().filename().string().rfind(".", 0), std::string::npos) << "left behind: " << entry.path();
    EXPECT_NE(cli({"plugins"}).output.find("org.example.low-fodmap-data 1.1.0  SDK 1.1  loaded  (data only)"), std::string::npos);

    auto down = cli({"plugin", "install", (fs::path(NOURISH_SDK_EXAMPLES) / "low-fodmap-data").string(), "--trust"});
    EXPECT_EQ(down.exitCode, 1);
    EXPECT_NE(down.output.find("FAIL  downgrade refused: this is version 1.0.0 of org.example.low-fodmap-data"),
              std::string::npos) << down.output;
}

// A plugin whose library loads a library of its own beside it (RUNPATH
// $ORIGIN): that library is no failed plugin; the check copies it along, the
// signature covers it, and the plugin installs into a folder of its own.
TEST_F(CliTest, APluginWithAPrivateLibrary_IsCheckedSignedInstalledAndUninstalledWithIt) {
    namespace fs = std::filesystem;
    std::string root = NOURISH_TEST_PLUGIN_ROOT;
    auto listed = cli({"plugins"}, {plugins("private_lib")});
    EXPECT_NE(listed.output.find("org.nourish.test.private-lib 1.0.0  SDK 1.2  loaded"), std::string::npos) << listed.output;
    EXPECT_EQ(listed.output.find("nourish_test_helper"), std::string::npos) << "its private library is no plugin\n" << listed.output;

    auto check = cli({"plugin", "check", root + "/private_lib/private_lib.so"});
    EXPECT_EQ(check.exitCode, 0) << check.output;
    EXPECT_NE(check.output.find("ok    private libraries beside private_lib.so (it loads them through $ORIGIN): "
                                "libnourish_test_helper.so"),
              std::string::npos) << check.output;

    // Signed: its private library is part of what is signed.
    fs::path copy = dir / "pl";
    fs::copy(fs::path(root) / "private_lib", copy);
    ASSERT_EQ(cli({"plugin", "keygen", (dir / "acme").string()}).exitCode, 0);
    ASSERT_EQ(cli({"plugin", "sign", (copy / "private_lib.so").string(), "--key", (dir / "acme.key").string()}).exitCode, 0);
    std::ofstream(copy / "libnourish_test_helper.so", std::ios::app | std::ios::binary) << "changed";
    auto bad = cli({"plugin", "check", (copy / "private_lib.so").string()});
    EXPECT_EQ(bad.exitCode, 1);
    EXPECT_NE(bad.output.find("FAIL  bad signature: the signature does not match the library and manifest"),
              std::string::npos) << bad.output;

    auto installed = cli({"plugin", "install", root + "/private_lib/private_lib.so", "--trust"});
    ASSERT_EQ(installed.exitCode, 0) << installed.output;
    fs::path own = dir / "xdg" / "nourish" / "plugins" / "org.nourish.test.private-lib";
    EXPECT_NE(installed.output.find("installed into " + own.string()), std::string::npos) << installed.output;
    EXPECT_EQ(nourish::test::readFile(own / "libnourish_test_helper.so"),
              nourish::test::readFile(fs::path(root) / "private_lib" / "libnourish_test_helper.so"));
    auto run = cli({"helper"});
    EXPECT_EQ(run.exitCode, 0) << run.error;
    EXPECT_EQ(run.output, "hello from the private library\n");
    auto removed = cli({"plugin", "uninstall", "org.nourish.test.private-lib"});
    ASSERT_EQ(removed.exitCode, 0) << removed.output << removed.error;
    EXPECT_FALSE(fs::exists(own));
}
