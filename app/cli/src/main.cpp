// nourish-cli: the store, clients, settings and plugins from a terminal, plus
// every command plugins contribute. Exit codes: 0 success, 1 failure,
// 2 bad input (one line naming the field and the problem; nothing written).
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "nourish/core/AuditLog.h"
#include "nourish/core/ClientCsv.h"
#include "nourish/core/ClientStore.h"
#include "nourish/core/Dates.h"
#include "nourish/core/Errors.h"
#include "nourish/core/OutputFile.h"
#include "nourish/core/Paths.h"
#include "nourish/core/Settings.h"
#include "nourish/core/Integrity.h"
#include "nourish/core/Store.h"
#include "nourish/core/Text.h"
#include "nourish/host/PluginCheck.h"
#include "nourish/host/PluginTrust.h"
#include "nourish/host/PluginHost.h"
#include "nourish/plugin.h"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace nourish;

namespace {

// Bad input: the message is printed as one line and the exit code is 2.
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

const char* kUsage = R"(usage: nourish-cli [--store PATH] [--safe-mode] <command> ...

Store
  store init                      create the store (if missing) and apply migrations
  store check [--quick]           integrity, foreign keys, search indexes, the keyed audit
                                  chain and its anchor, the schema, every sealed row; says
                                  what it verified (--quick: a fast pass for start-up)
  store key export FILE           a copy of the audit key (keep it apart from the store:
                                  with both, records can be forged)
  store key import FILE           the audit key from another computer, to open its stores
  store backup DEST [--force]     online backup into a new file, verified (never over
                                  the store or another database)
  store demo                      fill an empty store with the demo caseload
  plugin check PATH               every check the host makes on a plugin (library or
                                  manifest), without a store; exit 0 only if all pass
  plugin install PATH [--trust]   the same checks, then copies it into
                                  ~/.local/share/nourish/plugins (nothing unless all pass);
                                  a plugin runs with your full rights: unless it is signed
                                  by a vendor you trust, it installs only with --trust;
                                  a newer version of an installed plugin upgrades it
                                  (its data and settings kept), an older one is refused
  plugin uninstall ID [--keep-data|--remove-data]
                                  removes a plugin you installed; its tables and settings stay
                                  in the store (listed) for when it comes back, or with
                                  --remove-data are deleted after a backup of the store
  plugin trust add KEYFILE [--name NAME] | plugin trust list | plugin trust remove FINGERPRINT
                                  the vendors whose signed plugins you trust
  plugin keygen NAME              for authors: NAME.key (secret) and NAME.pub (to give out)
  plugin sign PATH --key NAME.key for authors: writes <id>.plugin.sig beside the manifest
Clients
  client add --given G --family F --dob YYYY-MM-DD [--preferred P] [--sex female|male|other|unknown]
             [--guardian "Name <email>"]...       prints the new client's id
  client list [--status active|archived|all] [--json]
  client search TERM [--limit N] [--json]
  client show ID [--json]
  client archive ID | client reactivate ID
  client consent ID [--guardian EMAIL --email yes|no] [--health-data yes|no] [--by NAME]
  client import FILE.csv [--skip-duplicates]     all or nothing; problems as "line N, column C: ..."
  client export FILE.csv [--status active|archived|all] [--force]
Settings
  settings get KEY | settings set KEY VALUE     practice.name, practice.practitioner,
                                                practice.address, practice.phone, practice.email,
                                                practice.hours, practice.country (GB, IE, US...),
                                                practice.emergency_number (empty: the country's),
                                                and the keys plugins declare (ID:KEY when
                                                two plugins declare the same key)
Plugins
  plugins [--json]                every plugin found: state, reason, capabilities
  plugins enable ID | plugins disable ID
)";

struct Args {
    std::vector<std::string> items;
    size_t pos = 0;
    bool empty() const { return pos >= items.size(); }
    std::string next(const std::string& what) {
        if (empty()) throw UsageError("missing " + what);
        return items[pos++];
    }
    std::vector<std::string> rest() const { return {items.begin() + long(pos), items.end()}; }
};

// Flags after the subcommand: --name value, repeated ones collected; --flag alone is "true".
struct Flags {
    std::multimap<std::string, std::string> values;
    std::vector<std::string> positional;

    Flags(const std::vector<std::string>& args, const std::vector<std::string>& valued,
          const std::vector<std::string>& switches) {
        for (size_t i = 0; i < args.size(); ++i) {
            const std::string& a = args[i];
            if (a.rfind("--", 0) != 0) {
                positional.push_back(a);
                continue;
            }
            if (std::find(switches.begin(), switches.end(), a) != switches.end()) {
                values.emplace(a, "true");
            } else if (std::find(valued.begin(), valued.end(), a) != valued.end()) {
                if (i + 1 >= args.size()) throw UsageError(a + ": needs a value");
                values.emplace(a, args[++i]);
            } else {
                throw UsageError(a + ": unknown option");
            }
        }
    }
    std::optional<std::string> get(const std::string& name) const {
        auto it = values.find(name);
        if (it == values.end()) return std::nullopt;
        return it->second;
    }
    bool has(const std::string& name) const { return values.count(name) > 0; }
    std::vector<std::string> all(const std::string& name) const {
        std::vector<std::string> out;
        auto [b, e] = values.equal_range(name);
        for (auto it = b; it != e; ++it) out.push_back(it->second);
        return out;
    }
};

// A refused or unwritable output path is input the practitioner can correct.
template <typename Fn>
void outputAsInput(Fn&& fn) {
    try {
        fn();
    } catch (const OutputError& e) {
        if (e.kind() == OutputError::Kind::Exists) throw UsageError(std::string(e.what()) + "; add --force to replace it");
        throw UsageError(e.what());
    }
}
void checkOutput(const std::string& path, Store& store, bool force) {
    outputAsInput([&] { checkOutputPath(path, store.path(), force); });
}
void writeOutput(const std::string& path, const std::string& bytes, Store& store, bool force) {
    outputAsInput([&] { writeOutputFile(path, bytes, store.path(), force); });
}

int64_t parseId(const std::string& text) {
    try {
        size_t used = 0;
        long long id = std::stoll(text, &used);
        if (used == text.size() && id > 0) return id;
    } catch (const std::exception&) {
    }
    throw UsageError("client id: '" + text + "' is not a client id (a positive number)");
}

// The CLI's names for the fields ValidationError reports.
std::string flagFor(const std::string& field) {
    static const std::map<std::string, std::string> names{{"given_name", "--given"},
                                                          {"family_name", "--family"},
                                                          {"preferred_name", "--preferred"},
                                                          {"date_of_birth", "--dob"},
                                                          {"sex", "--sex"}};
    if (auto it = names.find(field); it != names.end()) return it->second;
    if (auto g = guardianField(field)) return "--guardian #" + std::to_string(g->number) + " " + g->field;
    return field;
}

Guardian parseGuardian(const std::string& text, size_t index) {
    std::string where = "--guardian #" + std::to_string(index + 1);
    Guardian g;
    auto open = text.find('<');
    if (open == std::string::npos) {
        g.name = trim(text);
    } else {
        auto close = text.find('>', open);
        if (close == std::string::npos || trim(text.substr(close + 1)) != "")
            throw UsageError(where + ": write it as \"Name <email>\"");
        g.name = trim(text.substr(0, open));
        g.email = trim(text.substr(open + 1, close - open - 1));
    }
    return g;
}

std::string statusText(const std::string& status) { return status == "archived" ? " (archived)" : ""; }

void printClientLine(const ClientSummary& c) {
    std::cout << c.id << '\t' << c.displayName() << '\t' << c.dateOfBirth << statusText(c.status) << '\n';
}

StatusFilter parseStatus(const std::optional<std::string>& s) {
    if (!s || *s == "active") return StatusFilter::Active;
    if (*s == "archived") return StatusFilter::Archived;
    if (*s == "all") return StatusFilter::All;
    throw UsageError("--status: '" + *s + "' is not one of active, archived, all");
}

int clientCommand(Store& store, Args& args) {
    std::string verb = args.next("client subcommand (add, list, search, show, archive, reactivate)");
    ClientStore clients(store);
    Actor actor = Actor::currentUser("cli");
    if (verb == "add") {
        Flags f(args.rest(), {"--given", "--family", "--dob", "--preferred", "--sex", "--guardian"}, {});
        if (!f.positional.empty()) throw UsageError("unexpected argument '" + f.positional.front() + "'");
        Client c;
        c.givenName = f.get("--given").value_or("");
        c.familyName = f.get("--family").value_or("");
        if (!f.has("--given")) throw UsageError("--given: is required");
        if (!f.has("--family")) throw UsageError("--family: is required");
        if (!f.has("--dob")) throw UsageError("--dob: is required (YYYY-MM-DD)");
        c.dateOfBirth = *f.get("--dob");
        c.preferredName = f.get("--preferred");
        c.sex = f.get("--sex").value_or("unknown");
        auto guardians = f.all("--guardian");
        for (size_t i = 0; i < guardians.size(); ++i) c.guardians.push_back(parseGuardian(guardians[i], i));
        std::cout << clients.create(c, actor) << '\n';
        return 0;
    }
    if (verb == "list") {
        Flags f(args.rest(), {"--status"}, {"--json"});
        auto list = clients.list(parseStatus(f.get("--status")));
        if (f.has("--json")) {
            json out = json::array();
            for (auto& c : list) out.push_back(toJson(c));
            std::cout << out.dump(2) << '\n';
        } else {
            for (auto& c : list) printClientLine(c);
        }
        return 0;
    }
    if (verb == "search") {
        Flags f(args.rest(), {"--limit", "--status"}, {"--json"});
        if (f.positional.empty()) throw UsageError("missing the search term");
        std::string term;
        for (auto& p : f.positional) term += (term.empty() ? "" : " ") + p;
        int limit = 50;
        if (auto l = f.get("--limit")) {
            try {
                limit = std::stoi(*l);
            } catch (const std::exception&) {
                limit = 0;
            }
            if (limit < 1 || limit > 10000) throw UsageError("--limit: must be a number from 1 to 10000");
        }
        StatusFilter status = f.has("--status") ? parseStatus(f.get("--status")) : StatusFilter::All;
        auto found = clients.search(term, limit, status);
        if (f.has("--json")) {
            json out = json::array();
            for (auto& c : found) out.push_back(toJson(c));
            std::cout << out.dump(2) << '\n';
        } else {
            for (auto& c : found) printClientLine(c);
        }
        return 0;
    }
    if (verb == "show") {
        Flags f(args.rest(), {}, {"--json"});
        if (f.positional.size() != 1) throw UsageError("client show takes one client id");
        Client c = clients.get(parseId(f.positional[0]));
        {
            Transaction tx(store.db());
            AuditLog(store).record(actor, "client.view", c.id);
            tx.commit();
        }
        if (f.has("--json")) {
            std::cout << toJson(c).dump(2) << '\n';
            return 0;
        }
        auto dob = Date::parse(c.dateOfBirth);
        std::cout << c.displayName() << " (#" << c.id << ")" << statusText(c.status) << '\n'
                  << "  Born " << c.dateOfBirth << " (" << ageText(*dob, Date::today()) << "), " << c.sex << '\n';
        for (auto& g : c.guardians) {
            std::cout << "  " << g.name;
            if (g.relationship) std::cout << ", " << *g.relationship;
            if (g.email) std::cout << " <" << *g.email << ">";
            if (g.phone) std::cout << " " << *g.phone;
            std::cout << (g.emailConsent ? "  [consents to email]" : "") << '\n';
        }
        return 0;
    }
    if (verb == "consent") {
        Flags f(args.rest(), {"--guardian", "--email", "--health-data", "--by"}, {});
        if (f.positional.size() != 1) throw UsageError("client consent takes one client id");
        int64_t id = parseId(f.positional[0]);
        auto yesNo = [](const std::string& flag, const std::string& value) {
            if (value == "yes") return true;
            if (value == "no") return false;
            throw UsageError(flag + ": '" + value + "' must be yes or no");
        };
        if (!f.has("--email") && !f.has("--health-data"))
            throw UsageError("say what is consented to: --email yes|no (with --guardian) and/or --health-data yes|no");
        if (f.has("--email") && !f.has("--guardian")) throw UsageError("--guardian: the guardian's email is required with --email");
        auto by = f.get("--by");
        if (by && (trim(*by).empty() || codePointCount(*by) > 200 || hasControlCharacters(*by)))
            throw UsageError("--by: must be a name of 1 to 200 characters");
        bool email = f.has("--email") && yesNo("--email", *f.get("--email"));
        bool health = f.has("--health-data") && yesNo("--health-data", *f.get("--health-data"));
        // One transaction: both changes or neither.
        Transaction tx(store.db());
        if (f.has("--email")) clients.setEmailConsent(id, *f.get("--guardian"), email, by, actor);
        if (f.has("--health-data")) clients.setHealthDataConsent(id, health, by, actor);
        tx.commit();
        return 0;
    }
    if (verb == "import") {
        Flags f(args.rest(), {}, {"--skip-duplicates"});
        if (f.positional.size() != 1) throw UsageError("client import takes one CSV file");
        std::ifstream in(f.positional[0], std::ios::binary);
        if (!in) throw UsageError("cannot read " + f.positional[0]);
        std::stringstream text;
        text << in.rdbuf();
        try {
            auto report = ClientCsv(store).import(text.str(), actor, f.has("--skip-duplicates"));
            for (auto& skipped : report.skipped) std::cerr << "skipped: " << skipped << '\n';
            std::cout << "imported " << report.ids.size() << " clients";
            if (!report.skipped.empty()) std::cout << " (" << report.skipped.size() << " duplicates skipped)";
            std::cout << '\n';
            return 0;
        } catch (const CsvImportError& e) {
            for (auto& p : e.problems()) std::cerr << "error: " << p << '\n';
            std::cerr << "nothing was imported\n";
            return 2;
        }
    }
    if (verb == "export") {
        Flags f(args.rest(), {"--status"}, {"--force"});
        if (f.positional.size() != 1) throw UsageError("client export takes one file name");
        StatusFilter filter = f.has("--status") ? parseStatus(f.get("--status")) : StatusFilter::All;
        checkOutput(f.positional[0], store, f.has("--force"));
        std::string csv = ClientCsv(store).exportText(filter, actor);
        writeOutput(f.positional[0], csv, store, f.has("--force"));
        return 0;
    }
    if (verb == "archive" || verb == "reactivate") {
        Flags f(args.rest(), {}, {});
        if (f.positional.size() != 1) throw UsageError("client " + verb + " takes one client id");
        clients.setStatus(parseId(f.positional[0]), verb == "archive" ? "archived" : "active", actor);
        return 0;
    }
    throw UsageError("unknown client subcommand '" + verb + "'");
}

int storeCommand(Store& store, Args& args) {
    std::string verb = args.next("store subcommand (init, check, backup, demo)");
    if (verb == "init") {
        std::cout << store.path().string() << " (schema " << store.schemaVersion() << ")\n";
        return 0;
    }
    if (verb == "check") {
        Flags f(args.rest(), {}, {"--quick"});
        if (!f.positional.empty()) throw UsageError("store check takes only --quick");
        auto report = store.check(f.has("--quick"));
        for (auto& v : report.verified) std::cout << "verified: " << v << '\n';
        for (auto& p : report.problems) std::cout << "problem: " << p << '\n';
        std::cout << (report.ok() ? "ok" : "damaged") << ": " << ClientStore(store).count() << " clients, "
                  << report.auditEvents << " audit events"
                  << (report.ok() ? "" : ", " + std::to_string(report.problems.size()) + " problem(s)") << '\n';
        return report.ok() ? 0 : 1;
    }
    if (verb == "backup") {
        Flags f(args.rest(), {}, {"--force"});
        if (f.positional.size() != 1) throw UsageError("store backup takes one destination file");
        std::string dest = f.positional[0];
        outputAsInput([&] { store.backupTo(dest, Actor::currentUser("cli"), f.has("--force")); });
        std::cout << "backed up to " << dest << " and verified\n";
        return 0;
    }
    throw UsageError("unknown store subcommand '" + verb + "'");
}

// Practice details are the host's; any other key belongs to the plugin whose
// manifest declares it (found without running plugin code).
int settingsCommand(Store& store, PluginHost& host, Args& args) {
    std::string verb = args.next("settings subcommand (get, set)");
    if (verb != "get" && verb != "set") throw UsageError("unknown settings subcommand '" + verb + "'");
    std::string key = args.next("setting name");
    std::optional<std::string> value;
    if (verb == "set") value = args.next("setting value");
    if (!args.empty()) throw UsageError("settings " + verb + " takes a key" + (value ? " and one value (quote it)" : ""));
    if (PracticeSettings::isKey(key)) {
        PracticeSettings practice(store);
        if (value) {
            practice.set(key, *value, Actor::currentUser("cli"));
            return 0;
        }
        auto current = practice.get(key);
        if (!current) return 1;
        std::cout << *current << '\n';
        return 0;
    }
    host.discover();
    // A plugin's keys are its own: two plugins may declare the same one, and
    // then it is named with the plugin's id, ID:KEY.
    std::string owner;
    if (size_t colon = key.find(':'); colon != std::string::npos) {
        owner = key.substr(0, colon);
        key = key.substr(colon + 1);
    }
    std::string known;
    for (auto& k : PracticeSettings::keys()) known += (known.empty() ? "" : ", ") + k;
    std::vector<std::pair<const PluginRecord*, const Manifest::Setting*>> matches;
    for (auto& p : host.plugins())
        for (const Manifest::Setting& s : p->manifest.settings) {
            known += ", " + s.key;
            if (s.key == key && (owner.empty() || owner == p->id())) matches.emplace_back(p.get(), &s);
        }
    if (matches.empty())
        throw UsageError((owner.empty() ? key : owner + ":" + key) + ": is not a setting (known: " + known + ")");
    if (matches.size() > 1) {
        std::string ids;
        for (auto& [p, s] : matches) ids += (ids.empty() ? "" : ", ") + p->id();
        throw UsageError(key + ": is declared by several plugins (" + ids + "); name one: " + matches[0].first->id() +
                         ":" + key);
    }
    const auto& [plugin, setting] = matches.front();
    PluginSettings settings(store, plugin->id(), Actor::currentUser("cli"));
    if (value) {
        if (setting->secret) settings.setSecret(key, *value);  // sealed, never stored as typed
        else settings.set(key, *value);
        return 0;
    }
    if (setting->secret) throw UsageError(key + ": is a secret and is never shown");
    auto current = settings.get(key);
    if (!current) return 1;
    std::cout << *current << '\n';
    return 0;
}

json capabilitiesOf(const PluginRecord& p) { return p.manifest.capabilities; }

// plugin keygen | sign | trust add|list|remove: for authors and for the
// practitioner's list of vendors she trusts.
int pluginTrustCommand(Args& args) {
    std::string verb = args.next("keygen, sign or trust");
    if (verb == "keygen") {
        Flags flags(args.rest(), {}, {});
        if (flags.positional.size() != 1) throw UsageError("plugin keygen takes one name, e.g. keys/acme");
        fs::path prefix = flags.positional[0];
        std::string fp = trust::generateKey(prefix);
        std::cout << "wrote " << prefix.string() << ".key (keep it secret: whoever has it can sign as you) and "
                  << prefix.string() << ".pub (give it to practitioners)\nkey " << fp << '\n';
        return 0;
    }
    if (verb == "sign") {
        Flags flags(args.rest(), {"--key"}, {});
        if (flags.positional.size() != 1 || !flags.get("--key"))
            throw UsageError("plugin sign takes the plugin's manifest (or library) and --key PRIVATE.key");
        fs::path given = flags.positional[0];
        fs::path manifestPath = given;
        std::string name = given.filename().string();
        if (name.size() <= 12 || name.substr(name.size() - 12) != ".plugin.json") {
            auto found = manifestBeside(given);
            if (!found) throw ValidationError("plugin", "no <id>.plugin.json beside " + given.string() + " names it");
            manifestPath = *found;
        }
        Manifest m = readManifest(manifestPath);
        fs::path library = m.dataOnly() ? fs::path() : manifestPath.parent_path() / m.library;
        if (!m.dataOnly() && !fs::exists(library))
            throw ValidationError("plugin", "the library " + m.library + " is not beside the manifest");
        for (const Manifest::Document& d : m.documents)
            if (!fs::is_regular_file(manifestPath.parent_path() / d.path))
                throw ValidationError("plugin", "the document " + d.path + " named by the manifest is not beside it");
        fs::path out = trust::sign(manifestPath, m.id, library, *flags.get("--key"));
        std::cout << "signed " << m.id << " " << m.version << " with key "
                  << trust::readPublicKey(*flags.get("--key")).fingerprint << ": " << out.string() << '\n';
        return 0;
    }
    if (verb == "trust") {
        std::string what = args.next("add, list or remove");
        if (what == "add") {
            Flags flags(args.rest(), {"--name"}, {});
            if (flags.positional.size() != 1) throw UsageError("plugin trust add takes one public key file (and --name)");
            auto key = trust::addTrustedVendor(flags.positional[0], flags.get("--name").value_or(""));
            std::cout << "trusted: " << key.name << ", key " << key.fingerprint
                      << "\nplugins signed with it install without --trust; check the key with its vendor\n";
            return 0;
        }
        if (what == "list") {
            if (!args.empty()) throw UsageError("plugin trust list takes nothing more");
            auto vendors = trust::trustedVendors();
            if (vendors.empty()) std::cout << "no trusted vendors\n";
            for (const auto& v : vendors) std::cout << v.fingerprint << "  " << v.name << "  (since " << v.added << ")\n";
            return 0;
        }
        if (what == "remove") {
            std::string fp = args.next("the key's fingerprint");
            std::string more = args.empty() ? "" : " " + args.next("");
            while (!args.empty()) more += " " + args.next("");
            if (!trust::removeTrustedVendor(fp + more))
                throw ValidationError("fingerprint", "no trusted vendor has the key " + fp + more);
            std::cout << "no longer trusted: " << fp + more << '\n';
            return 0;
        }
        throw UsageError("unknown plugin trust subcommand '" + what + "'");
    }
    throw UsageError("unknown plugin subcommand '" + verb + "'");
}

int pluginsCommand(PluginHost& host, Args& args) {
    // (enable/disable arrive here with the plugins discovered but not loaded)
    if (!args.empty() && (args.items[args.pos] == "enable" || args.items[args.pos] == "disable")) {
        bool enable = args.next("") == "enable";
        std::string id = args.next("plugin id");
        if (!host.find(id)) throw UsageError("no plugin with the id '" + id + "' was found");
        host.setEnabled(id, enable, Actor::currentUser("cli"));
        std::cout << id << (enable ? " will load" : " will not load") << " from the next start\n";
        return 0;
    }
    Flags f(args.rest(), {}, {"--json"});
    host.forms();  // so that refused forms, protocols and instruments show as notes
    host.protocols();
    if (f.has("--json")) {
        json out = json::array();
        for (auto& p : host.plugins()) {
            json j{{"id", p->id()},
                   {"name", p->manifest.name},
                   {"version", p->manifest.version},
                   {"vendor", p->manifest.vendor},
                   {"sdk", std::to_string(p->manifest.sdkMajor) + "." + std::to_string(p->manifest.sdkMinor)},
                   {"state", toString(p->state)},
                   {"first_party", p->firstParty},
                   {"capabilities", capabilitiesOf(*p)},
                   {"library", p->manifest.dataOnly() ? json(nullptr) : json(p->libraryPath.string())},
                   {"data_only", p->manifest.dataOnly()},
                   {"manifest", p->manifestPath.string()}};
            if (p->state == PluginState::Failed) j["failure"] = toString(p->failure);
            if (!p->reason.empty()) j["reason"] = p->reason;
            if (!p->notes.empty()) j["notes"] = p->notes;
            out.push_back(j);
        }
        std::cout << out.dump(2) << '\n';
        return 0;
    }
    if (host.plugins().empty()) std::cout << "no plugins found\n";
    for (auto& p : host.plugins()) {
        std::cout << p->id() << ' ' << p->manifest.version << "  SDK " << p->manifest.sdkMajor << '.'
                  << p->manifest.sdkMinor << "  " << toString(p->state) << (p->manifest.dataOnly() ? "  (data only)" : "");
        if (!p->reason.empty()) std::cout << ": " << p->reason;
        std::cout << '\n';
        if (!p->manifest.capabilities.empty()) {
            std::cout << "    ";
            for (auto& c : p->manifest.capabilities) std::cout << c << ' ';
            std::cout << '\n';
        }
    }
    return 0;
}

int run(int argc, char** argv) {
    Args args;
    for (int i = 1; i < argc; ++i) args.items.emplace_back(argv[i]);
    fs::path storePath = std::getenv("NOURISH_STORE") ? fs::path(std::getenv("NOURISH_STORE")) : defaultStorePath();
    bool safeMode = false;
    while (!args.empty() && args.items[args.pos].rfind("--", 0) == 0) {
        std::string option = args.next("option");
        if (option == "--store") storePath = args.next("store path after --store");
        else if (option == "--safe-mode") safeMode = true;
        else if (option == "--help") {
            std::cout << kUsage;
            return 0;
        } else if (option == "--version") {
            std::cout << "nourish-cli 0.1.0 (SDK " << NOURISH_SDK_MAJOR << '.' << NOURISH_SDK_MINOR << ")\n";
            return 0;
        } else throw UsageError(option + ": unknown option");
    }
    if (args.empty()) {
        std::cout << kUsage;
        return 2;
    }
    std::string command = args.next("command");
    // help [COMMAND]: the built-in commands, then those of the plugins that
    // load over this store (they need it: a plugin's commands are its own).
    std::optional<std::string> helpTopic;
    if (command == "help") {
        if (!args.empty()) helpTopic = args.next("");
        if (!args.empty()) throw UsageError("help takes at most one command");
        bool builtIn = helpTopic && (*helpTopic == "store" || *helpTopic == "client" || *helpTopic == "settings" ||
                                     *helpTopic == "plugin" || *helpTopic == "plugins" || *helpTopic == "help");
        if (!helpTopic || builtIn) std::cout << kUsage;
        if (builtIn) return 0;
        if (!fs::exists(storePath)) {
            if (helpTopic) throw UsageError("no store at " + storePath.string() + ", so no plugin commands to describe");
            std::cout << "Plugin commands\n  (listed here once there is a store: nourish-cli store init)\n";
            return 0;
        }
    }
    // The audit key is the computer's, not a store's: no store is opened.
    if (command == "store" && !args.empty() && args.items[args.pos] == "key") {
        args.next("key");
        std::string verb = args.next("store key subcommand (export, import)");
        std::string file = args.next("the key file");
        if (!args.empty()) throw UsageError("store key " + verb + " takes one file");
        if (verb == "export") {
            outputAsInput([&] { integrity::exportKey(file); });
            std::cout << "the audit key " << integrity::keyId(*integrity::readAuditKey()) << " is in " << file
                      << "\nwarning: with this file and a copy of a store, anyone can write records that verify; keep it "
                         "apart from your backups of the store, somewhere only you can reach\n";
            return 0;
        }
        if (verb == "import") {
            integrity::importKey(file);
            std::cout << "the audit key " << integrity::keyId(*integrity::readAuditKey()) << " is at "
                      << integrity::auditKeyPath().string() << '\n';
            return 0;
        }
        throw UsageError("unknown store key subcommand '" + verb + "'");
    }
    // Checking a plugin file needs no store: it is tried in a throw-away one.
    if (command == "plugin" && !args.empty() &&
        (args.items[args.pos] == "check" || args.items[args.pos] == "install")) {
        bool install = args.next("check or install") == "install";
        Flags flags(args.rest(), {}, install ? std::vector<std::string>{"--trust"} : std::vector<std::string>{});
        if (flags.positional.size() != 1)
            throw UsageError(install ? "plugin install takes one path (and --trust)" : "plugin check takes one path");
        std::string path = flags.positional[0];
        auto installed = PluginHost::defaultOptions(fs::read_symlink("/proc/self/exe")).directories;
        PluginInstall result;
        if (install) result = installPlugin(path, PluginHost::userPluginDirectory(), installed, flags.has("--trust"));
        else result.check = checkPlugin(path, installed);
        const PluginCheck& check = result.check;
        for (const std::string& line : check.passed) std::cout << "ok    " << line << '\n';
        for (const std::string& line : check.notes) std::cout << "note  " << line << '\n';
        for (const std::string& line : check.problems) std::cout << "FAIL  " << line << '\n';
        if (check.ok() && !check.codeRan)
            std::cout << "plugin check not finished: its code runs, even in the checker, only once you say you trust it\n";
        else
            std::cout << (check.ok() ? "plugin check passed" : "plugin check failed: " +
                                                                  std::to_string(check.problems.size()) + " problem(s)")
                      << '\n';
        if (!install) return check.ok() ? 0 : 1;
        if (!check.ok()) {
            std::cout << "nothing was installed\n";
            return 1;
        }
        if (!result.installed) {
            if (result.refusedForConsent) {
                std::cout << '\n';
                for (const std::string& line : describeForConsent(check)) std::cout << line << '\n';
                std::cout << consentWarning(check) << '\n';
                std::cout << "\nnot installed: " << result.error
                          << ".\nIf you trust it: nourish-cli plugin install " << path << " --trust\n";
            } else {
                std::cout << "not installed: " << result.error << '\n';
            }
            return 1;
        }
        if (result.replaced)
            std::cout << "upgraded " << check.manifest->name << " from " << result.replaced->version << " to "
                      << check.manifest->version << " in " << result.installedManifest.parent_path().string()
                      << "; its tables and settings are kept, and it starts with the next run of Nourish (its new "
                         "store migrations run then, after a backup of the store)\n";
        else
            std::cout << "installed into " << result.installedManifest.parent_path().string()
                      << "; it starts with the next run of Nourish\n";
        if (fs::exists(storePath)) {
            // The practice's record says which code came to read its caseload.
            Store store(storePath, Store::Open::ExistingOnly);
            PluginHost::Options options;
            options.directories = {};
            PluginHost(store, options).recordInstall(result, Actor::currentUser("cli"));
        }
        return 0;
    }
    if (command == "plugin" && !args.empty() && args.items[args.pos] == "uninstall") {
        args.next("uninstall");
        Flags flags(args.rest(), {}, {"--keep-data", "--remove-data"});
        if (flags.positional.size() != 1)
            throw UsageError("plugin uninstall takes one plugin id (and --keep-data or --remove-data)");
        bool removeData = flags.has("--remove-data");
        if (removeData && flags.has("--keep-data")) throw UsageError("plugin uninstall: --keep-data or --remove-data, not both");
        std::string id = flags.positional[0];
        auto options = PluginHost::defaultOptions(fs::read_symlink("/proc/self/exe"));
        fs::path folder = PluginHost::userPluginDirectory();
        std::error_code ec;
        bool mine = false;
        for (const fs::path& manifest : {folder / (id + ".plugin.json"), folder / id / (id + ".plugin.json")})
            if (fs::is_regular_file(manifest, ec)) mine = true;
        if (!mine) {
            // Say where it is, if it is elsewhere: bundled, or on NOURISH_PLUGIN_PATH.
            for (const fs::path& dir : options.directories) {
                if ((fs::exists(dir / (id + ".plugin.json"), ec) || fs::exists(dir / id / (id + ".plugin.json"), ec)) &&
                    !fs::equivalent(dir, folder, ec))
                    throw ValidationError(
                        "id", id + " was not installed with plugin install; it is in " + dir.string() +
                                  (fs::equivalent(dir, options.firstPartyDirectory, ec)
                                       ? " and comes with Nourish: turn it off instead (nourish-cli plugins disable " + id + ")"
                                       : ""));
            }
        }
        PluginUninstall removed;
        bool filesGone = false;  // uninstalled before, with its data kept: only that is left to remove
        try {
            removed = uninstallPlugin(id, folder);
        } catch (const std::runtime_error& e) {
            if (!removeData || !fs::exists(storePath)) throw ValidationError("id", e.what());
            removed.manifest.id = id;
            filesGone = true;
        }
        for (const fs::path& f : removed.removed) std::cout << "removed " << f.string() << '\n';
        PluginHost::UninstallRecord record;
        if (fs::exists(storePath)) {
            Store store(storePath, Store::Open::ExistingOnly);
            PluginHost::Options none;
            none.directories = {};
            // Uninstalled before (and recorded then): only its data is left to remove.
            if (filesGone) record.removed = store.removePluginData(id, "", Actor::currentUser("cli"));
            else try {
                record = PluginHost(store, none).recordUninstall(removed, Actor::currentUser("cli"), removeData);
            } catch (const std::exception& e) {
                std::cout << "uninstalled " << removed.manifest.name << " " << removed.manifest.version << " (" << id
                          << "), but what it stored was not removed: " << e.what()
                          << "\nnothing of it was removed; try again with: nourish-cli plugin uninstall " << id
                          << " --remove-data\n";
                return 1;
            }
        }
        auto joined = [](const std::vector<std::string>& items) {
            std::string out;
            for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
            return out;
        };
        if (filesGone && record.removed.tables.empty() && record.removed.settings.empty() && !record.removed.backup)
            throw ValidationError("id", "no plugin with the id " + id + " is installed in " + folder.string() +
                                            ", and the store holds nothing of it");
        if (filesGone) std::cout << id << " is not installed (its files were removed before)\n";
        else
            std::cout << "uninstalled " << removed.manifest.name << " " << removed.manifest.version << " (" << id
                      << "); it is gone from the next start of Nourish\n";
        if (removeData) {
            const auto& gone = record.removed;
            std::cout << "removed from the store: "
                      << (gone.tables.empty() ? std::string("no tables")
                                              : std::to_string(gone.tables.size()) + " table(s) (" + joined(gone.tables) + ")")
                      << "; settings: " << (gone.settings.empty() ? "none" : joined(gone.settings)) << '\n';
            if (gone.backup) std::cout << "the store as it was before is in " << gone.backup->string() << '\n';
            if (!record.tablesKept.empty())
                std::cout << "kept (not made by its migrations): " << joined(record.tablesKept) << '\n';
            return 0;
        }
        std::vector<std::string> settings;
        for (const auto& setting : removed.manifest.settings) settings.push_back(setting.key);
        const auto& tables = record.tablesKept;
        std::cout << "kept in the store: "
                  << (tables.empty() ? std::string("no tables")
                                     : std::to_string(tables.size()) + " table(s) (" + joined(tables) + ")")
                  << "; settings: " << (settings.empty() ? "none" : joined(settings))
                  << "\nthey are used again if you install it again (or: nourish-cli plugin uninstall " << id
                  << " --remove-data)\n";
        return 0;
    }
    // Keys and signatures need no store either.
    if (command == "plugin" && !args.empty() &&
        (args.items[args.pos] == "keygen" || args.items[args.pos] == "sign" || args.items[args.pos] == "trust"))
        return pluginTrustCommand(args);
    // Only `store init` and `store demo` create a store; a mistyped --store
    // path is an error, not a new empty caseload.
    bool creates = command == "store" && !args.empty() &&
                   (args.items[args.pos] == "init" || args.items[args.pos] == "demo");
    if (!creates && !helpTopic && command != "help" && !fs::exists(storePath))
        throw std::runtime_error("there is no store at " + storePath.string() +
                                 " (create one with: nourish-cli --store " + storePath.string() + " store init)");
    Store store(storePath);
    if (command == "store" && !args.empty() && args.items[args.pos] == "demo") {
        // The demo needs the plugins: each adds its own part of the story.
        auto options = PluginHost::defaultOptions(fs::read_symlink("/proc/self/exe"));
        options.safeMode = safeMode;
        options.source = "cli";
        PluginHost host(store, options);
        host.discover();
        host.loadAll();
        int added = host.seedDemo();
        std::cout << (added ? "added " + std::to_string(added) + " demo clients"
                            : std::string("the store already has clients; nothing added"))
                  << '\n';
        host.shutdown();
        return 0;
    }
    if (command == "store") return storeCommand(store, args);
    if (command == "client") return clientCommand(store, args);

    auto options = PluginHost::defaultOptions(fs::read_symlink("/proc/self/exe"));
    options.safeMode = safeMode;
    options.source = "cli";
    PluginHost host(store, options);
    if (command == "settings") return settingsCommand(store, host, args);
    // Turning a plugin on or off never runs it.
    if (command == "plugins" && !args.empty() &&
        (args.items[args.pos] == "enable" || args.items[args.pos] == "disable")) {
        host.discover();
        return pluginsCommand(host, args);
    }
    // Everything else needs the plugins running.
    if (auto crash = host.previousCrash())
        std::cerr << "warning: Nourish stopped unexpectedly while the plugin " << crash->pluginId << " was "
                  << crash->phase << "; it is skipped this time (nourish-cli plugins disable "
                  << crash->pluginId << " to keep it off)\n";
    host.discover();
    host.loadAll();
    if (command == "plugins") return pluginsCommand(host, args);
    if (command == "help") {
        auto commands = host.cliCommands();
        if (helpTopic) {
            for (const CliCommand& c : commands)
                if (c.name == *helpTopic) {
                    std::cout << "nourish-cli " << c.name << ": " << c.summary << " (" << c.plugin->manifest.name
                              << ", " << c.plugin->id() << ")\n";
                    if (!c.usage.empty()) std::cout << c.usage << (c.usage.back() == '\n' ? "" : "\n");
                    return 0;
                }
            throw UsageError("no command '" + *helpTopic + "' (nourish-cli help lists them)");
        }
        std::cout << "Plugin commands (nourish-cli help COMMAND for one's usage)\n";
        if (commands.empty()) std::cout << "  (none: no plugin with commands is loaded)\n";
        size_t width = 0;
        for (const CliCommand& c : commands) width = std::max(width, c.name.size());
        for (const CliCommand& c : commands)
            std::cout << "  " << c.name << std::string(width - c.name.size() + 2, ' ') << c.summary << "  ["
                      << c.plugin->manifest.name << "]\n";
        return 0;
    }
    for (const CliCommand& c : host.cliCommands()) {
        if (c.name != command) continue;
        std::string out, error;
        int rc = host.runCliCommand(c, args.rest(), out, error);
        std::cout << out;
        std::cerr << error;
        if (!error.empty() && error.back() != '\n') std::cerr << '\n';
        return rc;
    }
    std::string known;
    for (const CliCommand& c : host.cliCommands()) known += " " + c.name;
    throw UsageError("unknown command '" + command + "' (see nourish-cli help" +
                     (known.empty() ? std::string() : "; plugin commands:" + known) + ")");
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const UsageError& e) {
        std::cerr << "error: " << e.what() << '\n';
        return 2;
    } catch (const ValidationError& e) {
        std::cerr << "error: " << flagFor(e.field()) << ": "
                  << std::string(e.what()).substr(e.field().size() + 2) << '\n';
        return 2;
    } catch (const NotFoundError& e) {
        std::cerr << "error: " << e.what() << '\n';
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "error: " << e.what() << '\n';
        return 1;
    }
}
