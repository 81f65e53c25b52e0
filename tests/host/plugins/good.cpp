// A well-behaved test plugin: a table, commands, a report section, events.
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "nourish/plugin.hpp"

// The same plugin is built under other ids (with manifests that differ in one
// field); each copy has its own table prefix.
#ifndef GREETINGS
#define GREETINGS "good_greetings"
#endif

namespace {

class GoodPlugin : public nourish::Plugin {
public:
    void init(nourish::Host host) override {
        host_ = host;
        auto events = host.service<nourish_host_events>(NOURISH_HOST_EVENTS_ID);
        events->subscribe(host.raw(), "nourish.client.changed",
                          [](void* self, const char*, const char*) { ++static_cast<GoodPlugin*>(self)->changes_; },
                          this);
    }

    std::string migrationsJson() const override {
        return R"json([{"version": 1, "name": "greetings",
                    "sql": "CREATE TABLE )json" GREETINGS R"json( (id INTEGER PRIMARY KEY, name TEXT NOT NULL)"})json"
#ifdef GOOD_V2
               R"json(, {"version": 2, "name": "greeting language",
                    "sql": "ALTER TABLE )json" GREETINGS R"json( ADD COLUMN language TEXT NOT NULL DEFAULT 'en'"})json"
#endif
               "]";
    }

    std::string cliCommandsJson() const override {
        return R"([{"name": "hello", "summary": "test commands of the good plugin",
                    "usage": "hello add NAME | hello count | hello fail NAME | hello touch-core SQL | hello clients | hello peers | hello status TEXT"},
                   {"name": "hello-each", "summary": "adds two names, each in its own savepoint, then fails",
                    "commits": "each"}])";
    }

    int runCommand(const std::string& command, const std::vector<std::string>& args, const nourish::Output& out,
                   const nourish::Output& error) override {
        const nourish::Host& host = *host_;
        if (command == "hello-each") {
            for (const char* name : {"first", "second"})
                host.savepoint([&] { host.prepare("INSERT INTO " GREETINGS " (name) VALUES (?1)").bind(1, name).step(); });
            error << "failing after two committed savepoints\n";
            return 2;
        }
        std::string verb = args.empty() ? "" : args[0];
        if (verb == "status") {
            try {
                host.setStatus(args.at(1));
                return 0;
            } catch (const nourish::Error& e) {
                error << e.what() << "\n";
                return 2;
            }
        }
        if (verb == "add" || verb == "fail") {
            host.prepare("INSERT INTO " GREETINGS " (name) VALUES (?1)").bind(1, args.at(1)).step();
            if (verb == "fail") {
                error << "failing on purpose after a write\n";
                return 2;
            }
            out << std::to_string(host.lastInsertRowid()) << "\n";
            return 0;
        }
        if (verb == "count") {
            auto s = host.prepare("SELECT count(*) FROM " GREETINGS);
            s.step();
            out << std::to_string(s.int64(0)) << "\n";
            return 0;
        }
        if (verb == "touch-core") {
            try {
                auto s = host.prepare(args.at(1));
                while (s.step()) {
                }
                out << "allowed\n";
                return 0;
            } catch (const nourish::Error& e) {
                error << e.what() << "\n";
                return 1;
            }
        }
        if (verb == "clients") {
            auto s = host.prepare("SELECT count(*) FROM host_clients");
            s.step();
            out << std::to_string(s.int64(0)) << "\n";
            return 0;
        }
        if (verb == "peers") {
            auto registry = host.service<nourish_host_registry>(NOURISH_HOST_REGISTRY_ID);
            registry->for_each(host.raw(), NOURISH_CLI_COMMANDS_ID,
                               [](void* sink, const char* id, const void*) {
                                   static_cast<const nourish::Output*>(sink)->write(std::string(id) + "\n");
                               },
                               const_cast<nourish::Output*>(&out));
            return 0;
        }
        if (verb == "setting") {
            if (args.size() == 3) host.setSetting(args[1], args[2]);
            out << host.setting(args.at(1)) << "\n";
            return 0;
        }
        if (verb == "audit") {
            host.audit(std::stoll(args.at(1)), "greeting.sent", R"({"how": "cli"})");
            return 0;
        }
        if (verb == "create-client" || verb == "create-client-then-fail") {
            auto api = host.service<nourish_host_clients>(NOURISH_HOST_CLIENTS_ID);
            nourish::StringSink problem;
            int64_t id = 0;
            std::string json = R"({"given_name": "Plugin", "family_name": "Made", "date_of_birth": "2024-01-01"})";
            if (api->create(host.raw(), json.c_str(), &id, problem.get()) != NOURISH_OK) {
                error << problem.str() << "\n";
                return 1;
            }
            out << std::to_string(id) << "\n";
            return verb == "create-client" ? 0 : 2;
        }
        if (verb == "rowid") {
            host.prepare("INSERT INTO " GREETINGS " (name) VALUES ('x')").step();
            int64_t mine = host.lastInsertRowid();
            host.audit(1, "greeting.sent");  // the host's own insert must not change what we see
            out << std::to_string(mine) << " " << std::to_string(host.lastInsertRowid()) << "\n";
            return 0;
        }
        if (verb == "from-thread") {
            // Host services called from a thread of the plugin's own.
            std::vector<std::string> said;
            auto row = host.prepare("SELECT 7");  // prepared and stepped here, read there
            row.step();
            std::thread worker([&] {
                auto attempt = [&](const char* what, auto&& call) {
                    try {
                        call();
                        said.push_back(std::string(what) + ": allowed");
                    } catch (const nourish::Error& e) {
                        said.push_back(std::string(what) + ": " + e.what());
                    }
                };
                attempt("prepare", [&] { host.prepare("INSERT INTO " GREETINGS " (name) VALUES ('thread')").step(); });
                attempt("audit", [&] { host.audit(1, "greeting.sent"); });
                attempt("status", [&] { host.setStatus("from a thread"); });
                attempt("setting", [&] { host.setSetting("greeting.text", "from a thread"); });
                attempt("client", [&] { host.client(1); });
                said.push_back(std::string("column: ") + (row.isNull(0) && row.int64(0) == 0 ? "as for no row" : "read"));
                attempt("user", [&] { if (host.user().empty()) throw nourish::Error(NOURISH_ERROR, "no user"); });
            });
            worker.join();
            for (const std::string& line : said) out << line << "\n";
            return 0;
        }
        if (verb == "changes") {
            out << std::to_string(changes_) << "\n";
            return 0;
        }
        error << "unknown verb '" << verb << "'\n";
        return 2;
    }

    std::string reportSectionsJson() const override {
        return R"([{"id": "greeting", "title": "Greeting", "order": 5}])";
    }
    std::string renderReportSection(const std::string&, int64_t clientId) override {
        auto client = nlohmann::json::parse(host_->client(clientId));
        std::string given = client["given_name"];
        // Nothing to say to a child called Maya: no blocks.
        if (given == "Maya") return R"({"blocks": []})";
#ifdef GOOD_BAD_RENDER
        return R"({"blocks": [{"type": "shout", "text": "HELLO"}]})";
#endif
        return nlohmann::json{{"blocks", {{{"type", "paragraph"}, {"text", "Hello " + given}}}}}.dump();
    }

private:
    std::optional<nourish::Host> host_;
    int changes_ = 0;
};

}  // namespace

#ifndef GOOD_VERSION
#define GOOD_VERSION "1.0.0"
#endif
NOURISH_PLUGIN(GoodPlugin, RAW_ID, "Good test plugin", GOOD_VERSION, "Nourish tests")
