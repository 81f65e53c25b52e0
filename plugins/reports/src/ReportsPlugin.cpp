// Reports (first-party plugin): the family's plan summary composed from every
// plugin's report sections for one client, rendered as a PDF with Pango and
// Cairo, and emailed to the family through a durable outbox; the `report`,
// `outbox` and `smtp` commands. Uses only the SDK and its own libraries.
#include <wx/defs.h>
#include <wx/build.h>

#include "Commands.h"
#include "Outbox.h"
#include "SummaryPage.h"
#include "nourish/plugin.hpp"

namespace {

class ReportsPlugin : public nourish::Plugin {
public:
    void init(nourish::Host host) override { host_ = host; }
    std::string migrationsJson() const override { return reports::Outbox::migrationsJson(); }
    std::string cliCommandsJson() const override { return reports::commandsJson(); }
    int runCommand(const std::string& command, const std::vector<std::string>& args, const nourish::Output& out,
                   const nourish::Output& error) override {
        return reports::runCommand(*host_, command, args, out, error);
    }

    std::string uiPagesJson() const override {
        return R"([{"id": "summary", "title": "Plan summary", "order": 40}])";
    }
    void* createPage(const std::string&, void* parent) override {
        return static_cast<wxWindow*>(reports::createSummaryPage(static_cast<wxWindow*>(parent), *host_));
    }
    void showClient(const std::string&, void* page, int64_t clientId) override {
        reports::showSummaryClient(static_cast<wxWindow*>(page), clientId);
    }

private:
    std::optional<nourish::Host> host_;
};

}  // namespace

NOURISH_PLUGIN(ReportsPlugin, "org.nourish.reports", "Reports", "0.1.0", "Nourish")
