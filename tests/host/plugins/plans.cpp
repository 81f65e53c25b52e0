// nourish.plans/1 from a third party: a good answer, one that breaks the
// schema (PLANS_BROKEN) and one that throws (PLANS_THROWS); the good one also
// reads everybody's plans back through nourish.host.plans/1 (`plans-of`).
#include <string>

#include "nourish/plugin.hpp"

namespace {

class PlansPlugin : public nourish::Plugin {
public:
    void init(nourish::Host host) override { host_ = host; }

    std::string clientPlans(int64_t clientId) override {
#if defined(PLANS_BROKEN)
        (void)clientId;
        return R"({"plans": [{"id": "1", "protocol_id": "x.y", "protocol_title": "Broken", "active": true,
                              "started": "2026-01-01", "outcomes": [{"food": "egg", "step": 1, "date": "2026-01-02",
                                                                    "result": "maybe"}]}]})";
#elif defined(PLANS_THROWS)
        throw std::runtime_error("the plans table of client " + std::to_string(clientId) + " is locked");
#else
        return R"({"plans": [{"id": "7", "protocol_id": "org.example.test.two-food", "protocol_title": "Two foods",
                              "active": true, "started": "2026-01-01", "followed_by": "child", "outcomes": [],
                              "schedule": {"current_phase": "elimination", "paused": false, "challenges": [],
                                           "foods": [{"food": "dairy", "label": "Dairy", "status": "avoiding",
                                                      "text": "client )" + std::to_string(clientId) + R"("}]}}]})";
#endif
    }

    std::string cliCommandsJson() const override {
        return R"([{"name": ")" PLANS_COMMAND R"(", "summary": "prints every plugin's plans of a client", "usage": "CLIENT"}])";
    }
    int runCommand(const std::string&, const std::vector<std::string>& args, const nourish::Output& out,
                   const nourish::Output& error) override {
        try {
            out << host_->clientPlans(std::stoll(args.at(0))) << "\n";
            return 0;
        } catch (const std::exception& e) {
            error << e.what() << "\n";
            return 1;
        }
    }

private:
    std::optional<nourish::Host> host_;
};

}  // namespace

NOURISH_PLUGIN(PlansPlugin, RAW_ID, "Test plans", "1.0.0", "Nourish tests")
