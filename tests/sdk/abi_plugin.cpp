// A plugin built against one set of frozen SDK headers (tests/sdk/abi-1.0 or
// abi-1.1), as a third party's plugin built then would be. The current host
// must keep loading it and serving it: its table, its command, its protocol,
// and from 1.1 its plans and the host's plans of every plugin.
#include <string>

#include "nourish/plugin.hpp"

namespace {

#define ABI_TABLE ABI_PREFIX "notes"

class AbiPlugin : public nourish::Plugin {
public:
    void init(nourish::Host host) override { host_ = host; }
    std::string migrationsJson() const override {
        return R"json([{"version": 1, "name": "notes", "sql": "CREATE TABLE )json" ABI_TABLE
               R"json( (id INTEGER PRIMARY KEY, text TEXT NOT NULL)"}])json";
    }
    std::string cliCommandsJson() const override {
        return R"([{"name": ")" ABI_COMMAND R"(", "summary": "a plugin built against frozen SDK headers",
                    "usage": "note TEXT | count | protocols | plans CLIENT"}])";
    }
    int runCommand(const std::string&, const std::vector<std::string>& args, const nourish::Output& out,
                   const nourish::Output& error) override {
        if (args.size() == 2 && args[0] == "note") {
            host_->prepare("INSERT INTO " ABI_TABLE " (text) VALUES (?1)").bind(1, args[1]).step();
            out << "noted\n";
            return 0;
        }
        if (args.size() == 1 && args[0] == "count") {
            auto s = host_->prepare("SELECT count(*) FROM " ABI_TABLE);
            s.step();
            out << std::to_string(s.int64(0)) << "\n";
            return 0;
        }
        if (args.size() == 1 && args[0] == "protocols") {
            out << host_->protocols() << "\n";
            return 0;
        }
#if NOURISH_SDK_MINOR >= 1
        if (args.size() == 2 && args[0] == "plans") {
            out << host_->clientPlans(std::stoll(args[1])) << "\n";
            return 0;
        }
#endif
        error << "usage: note TEXT | count | protocols | plans CLIENT\n";
        return 2;
    }
    std::string protocolsJson() const override {
        return R"json([{"id": ")json" ABI_ID R"json(.one-food", "version": 1, "title": "One-food protocol",
                    "audience": ["child"],
                    "phases": [{"kind": "elimination", "title": "Without", "default_days": 14},
                               {"kind": "reintroduction", "title": "Back"}],
                    "foods": [{"id": "egg", "label": "Egg"}],
                    "challenges": [{"food": "egg", "method": "escalation", "doses": [1, 2], "days_per_dose": 1}],
                    "observation_days": 1, "washout_days": 0,
                    "reactions": {"mild": {"action": "continue"}, "reaction": {"action": "stop", "wait_days": 3}},
                    "licence": "Test only"}])json";
    }
#if NOURISH_SDK_MINOR >= 1
    // A plan of its own for every client: egg back in since 2026-01-10.
    std::string clientPlans(int64_t clientId) override {
        return R"({"plans": [{"id": "p)" + std::to_string(clientId) + R"(", "protocol_id": ")" ABI_ID R"(.one-food",
                   "protocol_title": "One-food protocol", "active": false, "started": "2026-01-01", "ended": "2026-01-20",
                   "outcomes": [{"food": "egg", "step": 1, "date": "2026-01-10", "result": "tolerated"}]}]})";
    }
#endif

private:
    std::optional<nourish::Host> host_;
};

}  // namespace

NOURISH_PLUGIN(AbiPlugin, ABI_ID, "ABI test plugin", "1.0.0", "Nourish tests")
