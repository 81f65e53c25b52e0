// Consultations (first-party plugin): bookings and the agenda, notes written
// from templates, signing and addenda, search, the calendar export, the
// Consultations page, the last consultation in the family summary and the
// `note` and `consult` commands. Uses only the SDK.
#include <wx/defs.h>
#include <wx/build.h>

#include <nlohmann/json.hpp>

#include "Commands.h"
#include "ConsultationsPage.h"
#include "Notes.h"
#include "Report.h"
#include "Templates.h"
#include "nourish/plugin.hpp"

namespace {

using nlohmann::json;

class NotesPlugin : public nourish::Plugin {
public:
    void init(nourish::Host host) override {
        host_ = host;
        auto api = host.service<nourish_host_events>(NOURISH_HOST_EVENTS_ID);
        demoSubscription_ = api->subscribe(host.raw(), "nourish.demo.created", &NotesPlugin::onDemo, this);
    }
    void shutdown() noexcept override {
        if (host_ && demoSubscription_) {
            if (auto api = static_cast<const nourish_host_events*>(
                    host_->raw()->get_extension(host_->raw(), NOURISH_HOST_EVENTS_ID)))
                api->unsubscribe(host_->raw(), demoSubscription_);
        }
    }

    std::string migrationsJson() const override { return notes::Notes::migrationsJson(); }
    std::string noteTemplatesJson() const override { return notes::builtInTemplates(); }

    std::string cliCommandsJson() const override { return notes::commandsJson(); }
    int runCommand(const std::string& command, const std::vector<std::string>& args, const nourish::Output& out,
                   const nourish::Output& error) override {
        return notes::runCommand(*host_, command, args, out, error);
    }

    std::string uiPagesJson() const override {
        return R"([{"id": "consultations", "title": "Consultations", "order": 30}])";
    }
    void* createPage(const std::string&, void* parent) override {
        return static_cast<wxWindow*>(notes::createConsultationsPage(static_cast<wxWindow*>(parent), *host_));
    }
    void showClient(const std::string&, void* page, int64_t clientId) override {
        notes::showConsultationsClient(static_cast<wxWindow*>(page), clientId);
    }

    std::string reportSectionsJson() const override {
        return R"([{"id": "last-consultation", "title": "Your last consultation", "order": 20}])";
    }
    std::string renderReportSection(const std::string&, int64_t clientId) override {
        host_->client(clientId);  // a client that does not exist is an error, not an empty section
        return notes::renderLastConsultation(notes::Notes(*host_), clientId).dump();
    }

private:
    static void onDemo(void* self, const char*, const char* payload) {
        auto* plugin = static_cast<NotesPlugin*>(self);
        try {
            std::vector<int64_t> ids;
            for (const json& id : json::parse(payload).value("client_ids", json::array())) ids.push_back(id);
            plugin->host_->savepoint([&] { notes::Notes(*plugin->host_).seedDemo(ids); });
        } catch (const std::exception& e) {
            plugin->host_->log(NOURISH_LOG_WARNING, std::string("demo consultations not added: ") + e.what());
        }
    }

    std::optional<nourish::Host> host_;
    uint64_t demoSubscription_ = 0;
};

}  // namespace

NOURISH_PLUGIN(NotesPlugin, "org.nourish.notes", "Consultations", "0.1.0", "Nourish")
