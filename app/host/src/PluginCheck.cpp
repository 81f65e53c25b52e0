#include "nourish/host/PluginCheck.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>

#include "nourish/core/ClientStore.h"
#include "nourish/core/Hash.h"
#include "nourish/core/Store.h"
#include "nourish/host/PluginHost.h"
#include "nourish/capabilities.h"

namespace nourish {

namespace fs = std::filesystem;

namespace {

// SHA-256 of a file's bytes ("" when it cannot be read).
std::string fileHash(const fs::path& file) { return sha256FileHex(file).value_or(""); }

// A folder of its own under $TMPDIR, removed with everything in it.
struct TempDir {
    fs::path path;
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "nourish-plugin-check-XXXXXX").string();
        if (!mkdtemp(pattern.data())) throw std::runtime_error("cannot make a temporary folder: " + std::string(std::strerror(errno)));
        path = pattern;
        fs::create_directories(path / "plugin");
        fs::create_directories(path / "home");
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

// The program that loads a plugin for the checker, in a process of its own:
// $NOURISH_PLUGIN_CHECKER, or nourish-plugin-check beside this program.
fs::path checkerProgram() {
    if (const char* set = std::getenv("NOURISH_PLUGIN_CHECKER"); set && *set) return set;
    std::error_code ec;
    return fs::read_symlink("/proc/self/exe", ec).parent_path() / "nourish-plugin-check";
}

// How long one step of loading may take: 10 s, or $NOURISH_PLUGIN_CHECK_SECONDS.
int stageSeconds() {
    if (const char* set = std::getenv("NOURISH_PLUGIN_CHECK_SECONDS"))
        if (int n = std::atoi(set); n > 0 && n <= 600) return n;
    return 10;
}

std::string signalName(int signal) {
    const char* abbreviation = sigabbrev_np(signal);
    return abbreviation ? "SIG" + std::string(abbreviation) : "signal " + std::to_string(signal);
}

// The child saw the copy in the temporary folder; the author knows the
// plugin by its own folder.
std::string ownPaths(std::string line, const TempDir& temp, const PluginCheck& check) {
    std::string copy = (temp.path / "plugin").string(), own = check.manifestPath.parent_path().string();
    for (size_t at; (at = line.find(copy)) != std::string::npos;) line.replace(at, copy.size(), own);
    return line;
}

// The child's lines on its report descriptor: "stage S", "ok TEXT",
// "FAIL TEXT", and "done" once the plugin has been shut down.
void loadInChild(const TempDir& temp, const Manifest& m, PluginCheck& check) {
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0) throw std::runtime_error("cannot make a pipe: " + std::string(std::strerror(errno)));
    std::vector<std::string> environment;
    for (char** e = environ; *e; ++e) {
        std::string_view entry(*e);
        for (const char* name : {"HOME=", "XDG_CONFIG_HOME=", "XDG_DATA_HOME=", "XDG_CACHE_HOME=", "XDG_STATE_HOME="})
            if (entry.rfind(name, 0) == 0) entry = {};
        if (!entry.empty()) environment.emplace_back(entry);
    }
    fs::path home = temp.path / "home";
    environment.push_back("HOME=" + home.string());
    for (const char* name : {"XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"})
        environment.push_back(std::string(name) + "=" + (home / name).string());
    std::vector<char*> envp;
    for (std::string& entry : environment) envp.push_back(entry.data());
    envp.push_back(nullptr);
    std::string program = checkerProgram().string(), folder = temp.path.string(), id = m.id;
    std::vector<char*> argv{program.data(), folder.data(), id.data(), nullptr};

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, report[1], 3);  // dup2 clears close-on-exec
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    pid_t child = 0;
    int spawned = posix_spawn(&child, program.c_str(), &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    ::close(report[1]);
    if (spawned != 0) {
        ::close(report[0]);
        check.problems.push_back("the plugin checker " + program + " could not be started: " + std::strerror(spawned));
        return;
    }

    std::string stage = "loading the library", buffer;
    bool done = false, timedOut = false;
    const int seconds = stageSeconds();
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            timedOut = true;
            ::kill(child, SIGKILL);
            break;
        }
        pollfd readable{report[0], POLLIN, 0};
        int ready = ::poll(&readable, 1, int(left.count()));
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0) continue;
        char chunk[4096];
        ssize_t n = ::read(report[0], chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        buffer.append(chunk, size_t(n));
        for (size_t end; (end = buffer.find('\n')) != std::string::npos; buffer.erase(0, end + 1)) {
            std::string line = buffer.substr(0, end);
            if (line.rfind("stage ", 0) == 0) {
                stage = line.substr(6);
                deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
            } else if (line.rfind("ok ", 0) == 0) {
                check.passed.push_back(ownPaths(line.substr(3), temp, check));
            } else if (line.rfind("FAIL ", 0) == 0) {
                check.problems.push_back(ownPaths(line.substr(5), temp, check));
            } else if (line.rfind("note ", 0) == 0) {
                check.notes.push_back(ownPaths(line.substr(5), temp, check));
            } else if (line == "done") {
                done = true;
            }
        }
    }
    ::close(report[0]);
    int status = 0;
    while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    if (timedOut) check.problems.push_back(stage + " did not return in " + std::to_string(seconds) + " s");
    else if (WIFSIGNALED(status)) check.problems.push_back(stage + " crashed (" + signalName(WTERMSIG(status)) + ")");
    else if (!done && WIFEXITED(status)) check.problems.push_back(stage + " called exit(" + std::to_string(WEXITSTATUS(status)) + ")");
    else if (!done) check.problems.push_back(stage + " ended the checker");
}

}  // namespace

// The copy of a plugin's files that everything looks at, in a folder of its own.
struct PluginFiles {
    TempDir temp;
    fs::path library, manifest, signature;  // inside temp.path / "plugin"
    bool signed_ = false;
};

namespace {

// A data-only plugin's documents into the copy, each under the path its
// manifest names (relative to the manifest: the schema allows no "..", no
// hidden part and no absolute path), with their hashes.
bool copyDocuments(PluginCheck& check, PluginFiles& files) {
    std::error_code ec;
    fs::path from = check.manifestPath.parent_path(), to = files.manifest.parent_path();
    for (const Manifest::Document& d : check.manifest->documents) {
        fs::path source = from / d.path, copy = to / d.path;
        fs::create_directories(copy.parent_path(), ec);
        if (!fs::is_regular_file(source, ec) || (fs::copy_file(source, copy, ec), ec)) {
            check.problems.push_back("the document " + d.path + " named by the manifest (at $.documents." + d.kind +
                                     ") is not beside it");
            return false;
        }
        check.fileHashes.emplace_back(d.path, fileHash(copy));
    }
    return true;
}

}  // namespace

PluginCheck inspectPlugin(const fs::path& given, const std::vector<fs::path>& installedDirectories) {
    PluginCheck check;
    std::error_code ec;
    if (!fs::exists(given, ec)) {
        check.problems.push_back(given.string() + ": no such file");
        return check;
    }
    std::string name = given.filename().string();
    bool isManifest = name.size() > 12 && name.substr(name.size() - 12) == ".plugin.json";
    if (fs::is_directory(given, ec)) {
        // A plugin's folder (a data-only plugin is one): the manifest in it.
        std::vector<fs::path> found;
        for (const auto& entry : fs::directory_iterator(given, ec))
            if (entry.path().filename().string().ends_with(".plugin.json")) found.push_back(entry.path());
        if (found.size() != 1) {
            check.problems.push_back(given.string() + ": is a folder with " +
                                     (found.empty() ? "no manifest" : std::to_string(found.size()) + " manifests") +
                                     "; give the plugin's library (.so), its manifest, or a folder with one "
                                     "<id>.plugin.json");
            return check;
        }
        check.manifestPath = found.front();
    } else if (isManifest) {
        check.manifestPath = given;
    } else {
        check.library = given;
        auto found = manifestBeside(given);
        if (!found) {
            check.problems.push_back("missing manifest: no <id>.plugin.json beside " + name +
                                     " names it as its \"library\"");
            return check;
        }
        check.manifestPath = *found;
    }
    // From here on everything looks at one copy of the files, so that the
    // manifest read, the signature verified, the code loaded and the bytes
    // installed are the same, whatever happens to the originals meanwhile.
    auto files = std::make_shared<PluginFiles>();
    files->manifest = files->temp.path / "plugin" / check.manifestPath.filename();
    fs::copy_file(check.manifestPath, files->manifest, ec);
    try {
        if (ec) throw ManifestError("the manifest " + check.manifestPath.string() + " cannot be read: " + ec.message());
        check.manifest = readManifest(files->manifest);
    } catch (const ManifestError& e) {
        check.problems.push_back(std::string("bad manifest: ") + e.what());
        return check;
    }
    const Manifest& m = *check.manifest;
    check.passed.push_back("manifest " + check.manifestPath.filename().string() + ": " + m.id + " " + m.version +
                           ", SDK " + std::to_string(m.sdkMajor) + "." + std::to_string(m.sdkMinor) +
                           (m.dataOnly() ? " (data only: " + std::to_string(m.documents.size()) +
                                               " document(s), no code)"
                                         : ""));
    if (m.dataOnly()) {
        check.library.clear();
        if (!copyDocuments(check, *files)) return check;
    } else {
        if (check.library.empty() || check.library.filename() != m.library)
            check.library = check.manifestPath.parent_path() / m.library;
        files->library = files->temp.path / "plugin" / m.library;
        if (!fs::exists(check.library, ec) || (fs::copy_file(check.library, files->library, ec), ec)) {
            check.problems.push_back("the library " + m.library + " named by the manifest is not beside it");
            return check;
        }
        if (!isElfFile(files->library)) {  // not a library at all: nothing to ask her about, nothing to run
            check.problems.push_back("not a shared object: " + m.library + " is not a shared object (not an ELF file)");
            return check;
        }
        check.libraryHash = fileHash(files->library);
        // Libraries of its own beside it (RUNPATH $ORIGIN) come with it.
        for (const std::string& name : privateLibraries(check.library)) {
            fs::path copy = files->temp.path / "plugin" / name;
            if (fs::copy_file(check.library.parent_path() / name, copy, ec), ec) {
                check.problems.push_back("its private library " + name + " cannot be read: " + ec.message());
                return check;
            }
            check.privateLibraries.push_back(name);
            check.fileHashes.emplace_back(name, fileHash(copy));
        }
        if (!check.privateLibraries.empty()) {
            std::string names;
            for (const std::string& n : check.privateLibraries) names += (names.empty() ? "" : ", ") + n;
            check.passed.push_back("private libraries beside " + m.library + " (it loads them through $ORIGIN): " + names);
        }
    }
    fs::path signature = trust::signaturePath(check.manifestPath, m.id);
    files->signature = trust::signaturePath(files->manifest, m.id);
    files->signed_ = fs::exists(signature, ec) && (fs::copy_file(signature, files->signature, ec), !ec);
    check.manifestHash = fileHash(files->manifest);
    check.signature = trust::verify(files->manifest, m.id, files->library);
    check.signature.file = signature;
    if (check.signature.state == trust::Signature::State::Bad)
        check.problems.push_back(trust::describe(check.signature));
    else
        check.notes.push_back("signature: " + trust::describe(check.signature));

    // An id already taken by an installed plugin.
    {
        Store store(files->temp.path / "installed.db");
        PluginHost::Options options;
        options.directories = installedDirectories;
        PluginHost installed(store, options);
        installed.discover();  // manifests only: no plugin code runs
        for (const auto& other : installed.plugins()) {
            if (other->id() != m.id) continue;
            if (fs::equivalent(other->manifestPath, check.manifestPath, ec)) continue;
            const std::string& version = other->manifest.version;
            int order = compareVersions(m.version, version);
            if (order > 0 && !check.upgrades) {
                check.upgrades = PluginCheck::Installed{other->manifest, other->manifestPath};
                check.notes.push_back("upgrade: it replaces version " + version + ", installed in " +
                                      other->manifestPath.parent_path().string() +
                                      "; its tables and settings are kept, and its new store migrations run at the "
                                      "next start, after a backup of the store");
            } else if (order > 0) {
                check.problems.push_back("duplicate id: version " + version + " of " + m.id + " is installed twice (" +
                                         check.upgrades->manifestPath.string() + " and " +
                                         other->manifestPath.string() + "); remove one first");
            } else if (order == 0) {
                check.problems.push_back("duplicate id: an installed plugin already has the id " + m.id +
                                         " and the version " + version + " (" + other->manifestPath.string() +
                                         "); only a newer version can replace it");
            } else {
                check.problems.push_back("downgrade refused: this is version " + m.version + " of " + m.id +
                                         ", older than the installed " + version + " (" + other->manifestPath.string() +
                                         "); to go back, uninstall that one first");
            }
        }
    }
    check.files = std::move(files);
    return check;
}

void runPluginCode(PluginCheck& check) {
    if (!check.files || !check.manifest || check.codeRan) return;
    check.codeRan = true;
    // Load it the way the app would, alone, over a throw-away store, in a
    // process of its own: whatever the plugin's code does, it does there.
    loadInChild(check.files->temp, *check.manifest, check);
}

PluginCheck checkPlugin(const fs::path& given, const std::vector<fs::path>& installedDirectories) {
    PluginCheck check = inspectPlugin(given, installedDirectories);
    runPluginCode(check);
    return check;
}

namespace {

std::string isoDay(std::chrono::sys_days day) {
    std::chrono::year_month_day ymd{day};
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u", int(ymd.year()), unsigned(ymd.month()), unsigned(ymd.day()));
    return text;
}

// A state for a protocol's evaluate hook as the elimination engine builds
// one (sdk/README.md, "The evaluate hook"): a child of 18 months ten days into
// the elimination phase, every challenge still planned, two weeks of diary.
nlohmann::json sampleState(const nlohmann::json& protocol, std::chrono::sys_days today) {
    using nlohmann::json;
    using std::chrono::days;
    json phases = json::array();
    std::chrono::sys_days start = today - days(10);
    for (const json& p : protocol.value("phases", json::array())) {
        int length = p.value("default_days", 14);
        bool open = p.value("kind", "") == "reintroduction";
        phases.push_back({{"kind", p.value("kind", "")}, {"title", p.value("title", "")}, {"start", isoDay(start)},
                          {"end", open ? json(nullptr) : json(isoDay(start + days(length - 1)))},
                          {"days", open ? json(nullptr) : json(length)}});
        start += days(length);
    }
    std::map<std::string, std::string> labels;
    json foods = json::array();
    for (const json& f : protocol.value("foods", json::array())) {
        labels[f.value("id", "")] = f.value("label", "");
        foods.push_back({{"food", f.value("id", "")}, {"label", f.value("label", "")}, {"status", "avoiding"},
                         {"text", "avoided since " + isoDay(today - days(10))}});
    }
    json challenges = json::array();
    for (const json& c : protocol.value("challenges", json::array())) {
        json doses = json::array();
        int perDose = c.value("days_per_dose", 1);
        std::chrono::sys_days on = start;
        for (const json& dose : c.value("doses", json::array())) {
            doses.push_back({{"date", isoDay(on)}, {"dose", dose}});
            on += days(perDose);
        }
        challenges.push_back({{"food", c.value("food", "")}, {"step", 1}, {"steps", 1},
                              {"title", labels[c.value("food", "")]}, {"portion", ""}, {"attempt", 1},
                              {"setting", c.value("setting", "home")}, {"start", isoDay(start)},
                              {"last_dose", isoDay(on - days(perDose))}, {"end", isoDay(on)}, {"state", "planned"},
                              {"doses", doses}});
        start = on + days(protocol.value("washout_days", 0) + 1);
    }
    json diary = json::array();
    for (int ago = 13; ago >= 0; --ago)
        diary.push_back({{"date", isoDay(today - days(ago))}, {"itch", 4 - ago % 3}, {"sleep", 3}, {"stool", 4},
                         {"stool_scale", "bristol"}, {"vomiting", false}, {"reflux", false}, {"blood_mucus", false},
                         {"immediate_signs", json::array()}, {"confounders", json::array()}});
    return {{"protocol_id", protocol.value("id", "")},
            {"today", isoDay(today)},
            {"client", {{"age_months", 18}}},
            {"schedule",
             {{"protocol_id", protocol.value("id", "")}, {"current_phase", "elimination"}, {"paused", false},
              {"phases", phases}, {"challenges", challenges}, {"foods", foods}}},
            {"diary", diary},
            {"outcomes", json::array()},
            {"scores", json::array()}};
}

// What the plugin's code answers, checked as the app checks it: each report
// section rendered for a sample client, each protocol's evaluate hook asked
// about a sample state. An invalid answer is named with its JSON path
// (the app would drop it and say so at run time).
void checkAnswers(PluginHost& host, Store& store, const Manifest& m, const std::function<void(const std::string&)>& say) {
    auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
    if (m.offers(NOURISH_REPORT_SECTIONS_ID)) {
        Client sample;
        sample.givenName = "Sample";
        sample.familyName = "Child";
        sample.dateOfBirth = isoDay(today - std::chrono::days(548));
        int64_t id = ClientStore(store).create(sample, Actor{"plugin check", "check"});
        say("stage render");  // a crash or a hang from here is render's
        for (const ReportSection& section : host.reportSections(id)) {
            if (section.pluginId != m.id) continue;
            if (!section.error.empty()) say("FAIL report section " + section.id + ", rendered for a sample client: " + section.error);
            else say("ok report section " + section.id + " renders for a sample client (valid against report-document.schema.json)");
        }
    }
    for (const RegisteredProtocol& p : host.protocols()) {
        if (p.plugin->id() != m.id) continue;
        say("stage evaluate");
        try {
            auto answer = host.evaluateProtocol(p.protocol.id, sampleState(p.protocol.document, today).dump());
            if (answer)
                say("ok evaluate " + p.protocol.id + " answers a sample state with " + std::to_string(answer->size()) +
                    " suggestion(s) (valid against protocol-suggestions.schema.json)");
        } catch (const std::exception& e) {
            say(std::string("FAIL evaluate, asked about a sample state: ") + e.what());
        }
    }
}

}  // namespace

int runPluginCheckChild(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "nourish-plugin-check FOLDER ID: run by nourish-cli plugin check, not by hand\n");
        return 2;
    }
    fs::path folder = argv[1];
    std::string id = argv[2];
    auto say = [](const std::string& line) {
        std::string text = line + "\n";
        for (size_t at = 0; at < text.size();) {
            ssize_t n = ::write(3, text.data() + at, text.size() - at);
            if (n <= 0 && errno != EINTR) return;
            if (n > 0) at += size_t(n);
        }
    };
    try {
        Store store(folder / "check.db");
        PluginHost::Options options;
        options.directories = {folder / "plugin"};
        options.source = "check";
        options.onLoadStage = [&](const std::string& stage) { say("stage " + stage); };
        options.openLibraryBehindWrongSdk = true;
        PluginHost host(store, options);
        host.discover();
        host.loadAll();
        PluginRecord* record = host.find(id);
        if (!record) {
            say("FAIL the manifest was not accepted");
        } else if (record->state != PluginState::Loaded) {
            say("FAIL " + std::string(toString(record->failure)) + ": " + record->reason);
        } else {
            const Manifest& m = record->manifest;
            std::string sdk = "SDK " + std::to_string(m.sdkMajor) + "." + std::to_string(m.sdkMinor) +
                              " loads in this host (SDK " + std::to_string(NOURISH_SDK_MAJOR) + "." +
                              std::to_string(NOURISH_SDK_MINOR) + ")";
            if (m.dataOnly()) {
                say("ok every document named by the manifest read as JSON; " + sdk);
            } else {
                say("ok ELF shared object with the entry point; " + sdk);
                say("ok the manifest matches the binary; store migrations applied; init succeeded");
            }
            std::string caps;
            for (const std::string& c : m.capabilities) caps += (caps.empty() ? "" : ", ") + c;
            say("ok capabilities: " + (caps.empty() ? std::string("none") : caps) +
                " (every JSON document valid against its schema)");
            // Forms, protocols and instruments are checked one by one on first use.
            size_t forms = 0, protocols = 0, instruments = 0, templates = 0;
            for (const auto& f : host.forms())  // an instrument or a note template is also a form
                forms += f.pluginId == m.id && !host.findInstrument(f.form.id) && !host.findNoteTemplate(f.form.id);
            for (const auto& p : host.protocols()) protocols += p.plugin->id() == m.id;
            for (const auto& i : host.instruments()) instruments += i.pluginId == m.id;
            for (const auto& t : host.noteTemplates()) templates += t.pluginId == m.id;
            size_t references = 0;
            for (const auto& r : host.growthReferences()) references += r.pluginId == m.id;
            if (forms + protocols + instruments + templates > 0)
                say("ok " + std::to_string(protocols) + " protocol(s), " + std::to_string(instruments) +
                    " instrument(s), " + std::to_string(forms) + " intake form(s), " + std::to_string(templates) +
                    " note template(s) accepted");
            if (references > 0) say("ok " + std::to_string(references) + " growth reference(s) accepted");
            for (const std::string& note : record->notes) say("FAIL " + note);
            // A protocol's questionnaires: its own, POEM (which comes with
            // Nourish), or another plugin's that must be installed beside it.
            for (const RegisteredProtocol& p : host.protocols()) {
                if (p.plugin->id() != m.id) continue;
                for (const std::string& instrument : p.protocol.document.value("instruments", std::vector<std::string>{}))
                    if (!host.findInstrument(instrument) && instrument != "org.nourish.instrument.poem")
                        say("note protocol " + p.protocol.id + " names the questionnaire " + instrument +
                            ", which this plugin does not offer: it can be filled in only where another installed "
                            "plugin offers it, and the plan says so where none does");
            }
            checkAnswers(host, store, m, say);
        }
        host.shutdown();
    } catch (const std::exception& e) {
        say(std::string("FAIL the check could not finish: ") + e.what());
    }
    say("done");
    return 0;
}

bool installedIn(const fs::path& manifest, const fs::path& folder) {
    std::error_code ec;
    fs::path parent = manifest.parent_path();
    return fs::equivalent(parent, folder, ec) ||
           (parent.filename().string() + ".plugin.json" == manifest.filename().string() &&
            fs::equivalent(parent.parent_path(), folder, ec));
}

bool needsConsent(const PluginCheck& check) { return check.signature.state != trust::Signature::State::Trusted; }

std::vector<std::string> describeForConsent(const PluginCheck& check) {
    std::vector<std::string> lines;
    if (!check.manifest) return lines;
    const Manifest& m = *check.manifest;
    auto joined = [](const std::vector<std::string>& items) {
        std::string out;
        for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
        return out.empty() ? std::string("none") : out;
    };
    lines.push_back("plugin: " + m.name + " " + m.version + " (" + m.id + ")");
    if (check.upgrades)
        lines.push_back("replaces: version " + check.upgrades->manifest.version +
                        ", installed now (its tables and settings are kept)");
    lines.push_back("made by: " + (m.vendor.empty() ? std::string("(the manifest does not say)") : m.vendor) +
                    (m.homepage.empty() ? "" : ", " + m.homepage));
    if (!m.description.empty()) lines.push_back("what it says it does: " + m.description);
    lines.push_back("capabilities: " + joined(m.capabilities));
    if (m.dataOnly()) {
        std::vector<std::string> files;
        for (const Manifest::Document& d : m.documents) files.push_back(d.path);
        lines.push_back("code: none; it is " + std::to_string(files.size()) + " document(s): " + joined(files));
        lines.push_back("signature: " + trust::describe(check.signature));
        return lines;
    }
    lines.push_back("its own tables: " + (m.tablePrefix.empty() ? std::string("none") : m.tablePrefix + "*"));
    std::vector<std::string> settings;
    for (const Manifest::Setting& s : m.settings) settings.push_back(s.key + (s.secret ? " (secret)" : ""));
    lines.push_back("settings: " + joined(settings));
    lines.push_back("signature: " + trust::describe(check.signature));
    return lines;
}

const char* dataOnlyWarning() {
    return "A data-only plugin runs no code, but what it says is shown to you and to families as it is written: its "
           "protocols, instruments and forms are clinical content. Install it only if you know and trust who wrote it.";
}

const char* consentWarning(const PluginCheck& check) {
    return check.dataOnly() ? dataOnlyWarning() : fullRightsWarning();
}

const char* fullRightsWarning() {
    return "A plugin is a program: it runs inside Nourish with your full rights, and can read every client's "
           "record and anything else your account can. Install it only if you know and trust who made it.";
}

PluginCheck inspectForInstall(const fs::path& path, const fs::path& destination,
                              const std::vector<fs::path>& installedDirectories) {
    // What is already in the destination counts as installed, wherever the host looks.
    std::vector<fs::path> directories = installedDirectories;
    directories.push_back(destination);
    PluginCheck check = inspectPlugin(path, directories);
    std::error_code ec;
    if (check.upgrades && !installedIn(check.upgrades->manifestPath, destination))
        check.problems.push_back("not an upgrade from here: version " + check.upgrades->manifest.version + " of " +
                                 check.upgrades->manifest.id + " is installed in " +
                                 check.upgrades->manifestPath.parent_path().string() +
                                 ", not in your plugin folder; a plugin that comes with Nourish is upgraded with Nourish");
    return check;
}

PluginInstall installPlugin(const fs::path& path, const fs::path& destination,
                            const std::vector<fs::path>& installedDirectories, bool consented) {
    PluginCheck check = inspectForInstall(path, destination, installedDirectories);
    // Her yes comes before the plugin's code runs, even in the checker (a
    // data-only plugin has none: only the app's own code reads its documents).
    if (check.ok() && (check.dataOnly() || !needsConsent(check) || consented)) runPluginCode(check);
    return installChecked(std::move(check), destination, consented);
}

namespace {

// What an upgrade moves aside in `destination`: a data-only plugin's folder,
// or a library's manifest (first: then no host finds it), library and signature.
std::vector<fs::path> replacedFiles(const PluginCheck::Installed& up, const fs::path& destination) {
    std::error_code ec;
    if (!fs::equivalent(up.manifestPath.parent_path(), destination, ec)) return {up.manifestPath.parent_path()};
    return {up.manifestPath, destination / up.manifest.library, trust::signaturePath(up.manifestPath, up.manifest.id)};
}

// A data-only plugin (or a library with private libraries) goes into a
// folder of its own, <destination>/<id>: the
// checked copy is copied in under a hidden name, compared file by file with
// what was checked, and renamed into place in one step.
PluginInstall installInFolder(PluginInstall result, const fs::path& destination) {
    const PluginCheck& check = result.check;
    const std::string& id = check.manifest->id;
    std::error_code ec;
    fs::path folder = destination / id, staging = destination / (".installing-" + id);
    std::vector<fs::path> old;
    if (check.upgrades) old = replacedFiles(*check.upgrades, destination);
    bool replacing = std::find(old.begin(), old.end(), folder) != old.end();
    if (fs::exists(folder, ec) && !replacing) {
        result.error = "the plugin folder already has " + id + "; remove it first";
        return result;
    }
    fs::remove_all(staging, ec);
    fs::copy(check.files->manifest.parent_path(), staging, fs::copy_options::recursive, ec);
    bool same = !ec && fileHash(staging / check.manifestPath.filename()) == check.manifestHash &&
                (check.dataOnly() || fileHash(staging / check.manifest->library) == check.libraryHash);
    for (const auto& [path, hash] : check.fileHashes) same = same && fileHash(staging / path) == hash;
    if (!same) {
        std::error_code ignored;
        fs::remove_all(staging, ignored);
        result.error = ec ? "could not copy into " + destination.string() + ": " + ec.message()
                          : "its files changed after they were checked; nothing was installed (check it again)";
        return result;
    }
    auto aside = [&](const fs::path& f) { return destination / (".replaced-" + f.filename().string()); };
    std::vector<fs::path> movedAside;
    for (const fs::path& f : old) {
        if (ec) break;
        if (!fs::exists(f)) continue;
        fs::remove_all(aside(f), ec);
        fs::rename(f, aside(f), ec);
        if (!ec) movedAside.push_back(f);
    }
    if (!ec) fs::rename(staging, folder, ec);
    std::error_code ignored;
    if (ec) {
        std::string why = ec.message();
        fs::remove_all(staging, ignored);
        for (auto it = movedAside.rbegin(); it != movedAside.rend(); ++it) fs::rename(aside(*it), *it, ignored);
        result.error = "could not copy into " + destination.string() + ": " + why +
                       (movedAside.empty() ? "" : "; the installed version was put back");
        return result;
    }
    for (const fs::path& f : movedAside) fs::remove_all(aside(f), ignored);
    if (check.upgrades) result.replaced = check.upgrades->manifest;
    result.installedManifest = folder / check.manifestPath.filename();
    if (!check.dataOnly()) result.installedLibrary = folder / check.manifest->library;
    result.installed = true;
    return result;
}

}  // namespace

PluginInstall installChecked(PluginCheck check, const fs::path& destination, bool consented) {
    PluginInstall result;
    result.check = std::move(check);
    if (!result.check.ok()) return result;
    if (needsConsent(result.check) && !consented) {
        result.refusedForConsent = true;
        result.error = "it is " +
                       std::string(result.check.signature.state == trust::Signature::State::Unsigned
                                       ? "unsigned"
                                       : "signed by a key you have not trusted") +
                       (result.check.dataOnly()
                            ? ", and what it says reaches families as it is written: say you trust it to install it"
                            : ", and a plugin runs with your full rights: say you trust it to install it");
        return result;
    }
    if (!result.check.codeRan || !result.check.files) {
        result.error = "it was not loaded in the checker yet; nothing was installed";
        return result;
    }
    std::error_code ec;
    fs::create_directories(destination, ec);
    if (const auto& up = result.check.upgrades; up && !installedIn(up->manifestPath, destination)) {
        result.error = "version " + up->manifest.version + " of " + up->manifest.id + " is installed in " +
                       up->manifestPath.parent_path().string() +
                       ", not in your plugin folder (it comes with Nourish, or from NOURISH_PLUGIN_PATH), so it "
                       "cannot be replaced from here";
        return result;
    }
    // A data-only plugin, or one with libraries of its own, goes into a folder of its own.
    if (result.check.dataOnly() || !result.check.privateLibraries.empty())
        return installInFolder(std::move(result), destination);
    const PluginFiles& files = *result.check.files;
    const std::string& id = result.check.manifest->id;
    fs::path library = destination / result.check.library.filename();
    fs::path manifest = destination / result.check.manifestPath.filename();
    fs::path signature = trust::signaturePath(manifest, id);
    // The files of the version an upgrade replaces, in this folder only.
    std::vector<fs::path> old;
    if (const auto& up = result.check.upgrades) old = replacedFiles(*up, destination);
    auto isOld = [&](const fs::path& f) {
        return std::any_of(old.begin(), old.end(), [&](const fs::path& o) { return o == f; });
    };
    for (const fs::path& f : {library, manifest, signature})
        if (fs::exists(f, ec) && !isOld(f)) {
            result.error = "the plugin folder already has " + f.filename().string() + "; remove it first";
            return result;
        }
    // The checked copy is what is installed, under temporary names, then
    // renamed: the host never sees half a plugin. An older version is moved
    // aside first (its manifest first, so that no host finds it) and put back
    // if anything fails.
    auto aside = [&](const fs::path& f) { return destination / (".replaced-" + f.filename().string()); };
    fs::path tmpLibrary = destination / (".installing-" + library.filename().string());
    fs::path tmpManifest = destination / (".installing-" + manifest.filename().string());
    fs::path tmpSignature = destination / (".installing-" + signature.filename().string());
    auto cleanUp = [&] {
        std::error_code ignored;
        for (const fs::path& f : {tmpLibrary, tmpManifest, tmpSignature}) fs::remove(f, ignored);
    };
    fs::copy_file(files.library, tmpLibrary, fs::copy_options::overwrite_existing, ec);
    if (!ec) fs::copy_file(files.manifest, tmpManifest, fs::copy_options::overwrite_existing, ec);
    if (!ec && files.signed_) fs::copy_file(files.signature, tmpSignature, fs::copy_options::overwrite_existing, ec);
    if (!ec && (fileHash(tmpLibrary) != result.check.libraryHash || fileHash(tmpManifest) != result.check.manifestHash)) {
        cleanUp();
        result.error = "its files changed after they were checked; nothing was installed (check it again)";
        return result;
    }
    std::vector<fs::path> movedAside;
    for (const fs::path& f : old) {
        if (ec) break;
        if (!fs::exists(f)) continue;
        fs::rename(f, aside(f), ec);
        if (!ec) movedAside.push_back(f);
    }
    std::vector<fs::path> placed;
    auto place = [&](const fs::path& from, const fs::path& to) {
        if (ec) return;
        fs::rename(from, to, ec);
        if (!ec) placed.push_back(to);
    };
    if (files.signed_) place(tmpSignature, signature);
    place(tmpLibrary, library);
    place(tmpManifest, manifest);
    if (ec) {
        std::string why = ec.message();
        std::error_code ignored;
        for (auto it = placed.rbegin(); it != placed.rend(); ++it) fs::remove(*it, ignored);
        cleanUp();
        // The older version back as it was, manifest last.
        for (auto it = movedAside.rbegin(); it != movedAside.rend(); ++it) fs::rename(aside(*it), *it, ignored);
        result.error = "could not copy into " + destination.string() + ": " + why +
                       (movedAside.empty() ? "" : "; the installed version was put back");
        return result;
    }
    std::error_code ignored;
    for (const fs::path& f : movedAside) fs::remove(aside(f), ignored);
    if (result.check.upgrades) result.replaced = result.check.upgrades->manifest;
    result.installedLibrary = library;
    result.installedManifest = manifest;
    result.installed = true;
    return result;
}

PluginUninstall uninstallPlugin(const std::string& id, const fs::path& folder) {
    std::error_code ec;
    std::optional<fs::path> manifestPath;
    PluginUninstall result;
    std::vector<fs::path> manifests;
    for (const auto& entry : fs::directory_iterator(folder, ec)) manifests.push_back(entry.path());
    manifests.push_back(folder / id / (id + ".plugin.json"));  // a data-only plugin's folder
    for (const fs::path& path : manifests) {
        std::string name = path.filename().string();
        if (name.size() <= 12 || name.substr(name.size() - 12) != ".plugin.json" || !fs::is_regular_file(path, ec))
            continue;
        try {
            Manifest m = readManifest(path);
            if (m.id != id) continue;
            manifestPath = path;
            result.manifest = m;
        } catch (const ManifestError&) {
        }
    }
    if (!manifestPath) throw std::runtime_error("no plugin with the id " + id + " is installed in " + folder.string());
    if (manifestPath->parent_path() != folder) {
        // In a folder of its own: its manifest first (then no host finds it), then the folder.
        fs::path own = manifestPath->parent_path();
        if (!fs::remove(*manifestPath, ec) || ec)
            throw std::runtime_error("could not remove " + manifestPath->string() + ": " + ec.message());
        result.removed.push_back(*manifestPath);
        fs::remove_all(own, ec);
        if (ec) throw std::runtime_error("could not remove " + own.string() + ": " + ec.message() + " (the plugin no longer loads)");
        result.removed.push_back(own);
        return result;
    }
    for (const fs::path& f : {*manifestPath, folder / result.manifest.library,
                              trust::signaturePath(*manifestPath, result.manifest.id)}) {
        if (!fs::exists(f, ec)) continue;
        if (!fs::remove(f, ec) || ec)
            throw std::runtime_error("could not remove " + f.string() + ": " + ec.message() +
                                     (result.removed.empty() ? "" : " (the plugin no longer loads)"));
        result.removed.push_back(f);
    }
    return result;
}

}  // namespace nourish
