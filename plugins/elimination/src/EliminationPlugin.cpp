// Elimination diets (first-party plugin): protocols as data, each client's
// living plan and its schedule, the daily diary, POEM, suggestions, the
// Protocol page, the plan section of the family summary and the `protocol`,
// `diary` and `instrument` commands. Uses only the SDK.
#include <wx/defs.h>
#include <wx/build.h>

#include <nlohmann/json.hpp>

#include "Commands.h"
#include "Documents.h"
#include "Plans.h"
#include "ProtocolPage.h"
#include "Report.h"
#include "nourish/plugin.hpp"

namespace {

using nlohmann::json;

class EliminationPlugin : public nourish::Plugin {
public:
    void init(nourish::Host host) override {
        host_ = host;
        auto api = host.service<nourish_host_events>(NOURISH_HOST_EVENTS_ID);
        demoSubscription_ = api->subscribe(host.raw(), "nourish.demo.created", &EliminationPlugin::onDemo, this);
    }
    void shutdown() noexcept override {
        if (host_ && demoSubscription_) {
            if (auto api = static_cast<const nourish_host_events*>(
                    host_->raw()->get_extension(host_->raw(), NOURISH_HOST_EVENTS_ID)))
                api->unsubscribe(host_->raw(), demoSubscription_);
        }
    }

    std::string migrationsJson() const override { return elim::Plans::migrationsJson(); }
    std::string intakeFormsJson() const override { return elim::diaryForm(); }
    std::string protocolsJson() const override { return elim::builtInProtocols(); }
    std::string instrumentsJson() const override { return elim::builtInInstruments(); }

    std::string cliCommandsJson() const override { return elim::commandsJson(); }
    int runCommand(const std::string& command, const std::vector<std::string>& args, const nourish::Output& out,
                   const nourish::Output& error) override {
        return elim::runCommand(*host_, command, args, out, error);
    }

    std::string uiPagesJson() const override { return R"([{"id": "protocol", "title": "Protocol", "order": 20}])"; }
    void* createPage(const std::string&, void* parent) override {
        return static_cast<wxWindow*>(elim::createProtocolPage(static_cast<wxWindow*>(parent), *host_));
    }
    void showClient(const std::string&, void* page, int64_t clientId) override {
        elim::showProtocolClient(static_cast<wxWindow*>(page), clientId);
    }

    std::string reportSectionsJson() const override {
        return R"([{"id": "elimination-plan", "title": "Your food plan", "order": 30}])";
    }
    std::string renderReportSection(const std::string&, int64_t clientId) override {
        host_->client(clientId);  // a client that does not exist is an error, not an empty plan
        return elim::renderPlanSection(*host_, clientId, elim::today()).dump();
    }

    // nourish.plans/1: every plan of the client, for other plugins.
    std::string clientPlans(int64_t clientId) override {
        return elim::Plans(*host_).document(clientId, elim::today()).dump();
    }

private:
    static void onDemo(void* self, const char*, const char* payload) {
        auto* plugin = static_cast<EliminationPlugin*>(self);
        try {
            std::vector<int64_t> ids;
            for (const json& id : json::parse(payload).value("client_ids", json::array())) ids.push_back(id);
            plugin->host_->savepoint([&] { elim::Plans(*plugin->host_).seedDemo(ids); });
        } catch (const std::exception& e) {
            plugin->host_->log(NOURISH_LOG_WARNING, std::string("demo plans not added: ") + e.what());
        }
    }

    std::optional<nourish::Host> host_;
    uint64_t demoSubscription_ = 0;
};

}  // namespace

NOURISH_PLUGIN(EliminationPlugin, "org.nourish.elimination", "Elimination diets", "0.1.0", "Nourish")
