// Client intake (first-party plugin): the Family page and the "About your
// child" report section. Uses only the SDK.
#include <wx/defs.h>
#include <wx/build.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "FamilyPage.h"
#include "nourish/plugin.hpp"

namespace {

using nlohmann::json;

// "7 months", "2 years 3 months": how old the child is on `today`.
std::string ageText(const std::string& dob) {
    using namespace std::chrono;
    int y = 0, m = 0, d = 0;
    if (std::sscanf(dob.c_str(), "%d-%d-%d", &y, &m, &d) != 3) return {};
    auto today = year_month_day{floor<days>(system_clock::now())};
    int months = (int(today.year()) - y) * 12 + (int(unsigned(today.month())) - m);
    if (int(unsigned(today.day())) < d) --months;
    auto plural = [](int n, const char* unit) { return std::to_string(n) + " " + unit + (n == 1 ? "" : "s"); };
    if (months < 1) return "under a month";
    if (months < 24) return plural(months, "month");
    int years = months / 12, rest = months % 12;
    return rest && years < 5 ? plural(years, "year") + " " + plural(rest, "month") : plural(years, "year");
}

class IntakePlugin : public nourish::Plugin {
public:
    void init(nourish::Host host) override { host_ = host; }

    std::string uiPagesJson() const override {
        return R"([{"id": "family", "title": "Family", "order": 10}])";
    }
    void* createPage(const std::string&, void* parent) override {
        return static_cast<wxWindow*>(new FamilyPage(static_cast<wxWindow*>(parent), *host_));
    }
    void showClient(const std::string&, void* page, int64_t clientId) override {
        static_cast<FamilyPage*>(static_cast<wxWindow*>(page))->showClient(clientId);
    }

    std::string reportSectionsJson() const override {
        return R"([{"id": "about-child", "title": "About your child", "order": 10}])";
    }
    std::string renderReportSection(const std::string&, int64_t clientId) override {
        json client = json::parse(host_->client(clientId));
        std::string name = client.value("preferred_name", client["given_name"].get<std::string>());
        json doc{{"title", "About " + name},
                 {"blocks",
                  {{{"type", "paragraph"},
                    {"text", name + " " + client["family_name"].get<std::string>() + ", born " +
                                 client["date_of_birth"].get<std::string>() + " (" +
                                 ageText(client["date_of_birth"]) + " old)."}}}}};
        return doc.dump();
    }

private:
    std::optional<nourish::Host> host_;
};

}  // namespace

NOURISH_PLUGIN(IntakePlugin, "org.nourish.intake", "Client intake", "0.1.0", "Nourish")
