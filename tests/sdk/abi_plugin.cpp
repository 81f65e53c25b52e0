// A plugin built against the frozen SDK 1.0 headers (tests/sdk/abi-1.0), as a
// third party's plugin built today would be. The current host must keep
// loading it and serving it: its table, its command, its protocol.
#include <string>

#include "nourish/plugin.hpp"

namespace {

class AbiPlugin : public nourish::Plugin {
public:
    void init(nourish::Host host) override { host_ = host; }
    std::string migrationsJson() const override {
        return R"json([{"version": 1, "name": "notes", "sql": "CREATE TABLE abi_notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)"}])json";
    }
    std::string cliCommandsJson() const override {
        return R"([{"name": "abi", "summary": "a plugin built against SDK 1.0", "usage": "abi note TEXT | abi count | abi protocols"}])";
    }
    int runCommand(const std::string&, const std::vector<std::string>& args, const nourish::Output& out,
                   const nourish::Output& error) override {
        if (args.size() == 2 && args[0] == "note") {
            host_->prepare("INSERT INTO abi_notes (text) VALUES (?1)").bind(1, args[1]).step();
            out << "noted\n";
            return 0;
        }
        if (args.size() == 1 && args[0] == "count") {
            auto s = host_->prepare("SELECT count(*) FROM abi_notes");
            s.step();
            out << std::to_string(s.int64(0)) << "\n";
            return 0;
        }
        if (args.size() == 1 && args[0] == "protocols") {
            out << host_->protocols() << "\n";
            return 0;
        }
        error << "usage: abi note TEXT | abi count | abi protocols\n";
        return 2;
    }
    std::string protocolsJson() const override {
        return R"json([{"id": "org.example.abi.one-food", "version": 1, "title": "One-food protocol (SDK 1.0)",
                    "audience": ["child"],
                    "phases": [{"kind": "elimination", "title": "Without", "default_days": 14},
                               {"kind": "reintroduction", "title": "Back"}],
                    "foods": [{"id": "egg", "label": "Egg"}],
                    "challenges": [{"food": "egg", "method": "escalation", "doses": [1, 2], "days_per_dose": 1}],
                    "observation_days": 1, "washout_days": 0,
                    "reactions": {"mild": {"action": "continue"}, "reaction": {"action": "stop", "wait_days": 3}},
                    "licence": "Test only"}])json";
    }

private:
    std::optional<nourish::Host> host_;
};

}  // namespace

NOURISH_PLUGIN(AbiPlugin, "org.example.abi", "ABI 1.0 test plugin", "1.0.0", "Nourish tests")
