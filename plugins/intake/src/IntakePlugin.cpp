// Client intake (first-party plugin): the intake forms as data, the client's
// responses with their history, the Family page, the "About your child"
// report section and the `intake` command. Uses only the SDK.
#include <wx/defs.h>
#include <wx/build.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "nourish/family.hpp"
#include "nourish/json_input.hpp"
#include "AllergyHistory.h"
#include "AnswerText.h"
#include "IntakeDemo.h"
#include "IntakePage.h"
#include "IntakeForms.h"
#include "Responses.h"
#include "nourish/plugin.hpp"

namespace {

using nlohmann::json;

// "7 months", "2 years 3 months": how old the child is today.
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

struct BadInput : std::runtime_error {
    using std::runtime_error::runtime_error;
};

int64_t clientIdFrom(const std::string& text) {
    if (auto id = nourish::parseId(text)) return *id;
    throw BadInput("client: '" + text + "' is not a client id");
}

const char* kUsage =
    "usage: nourish-cli intake forms [--json]\n"
    "       nourish-cli intake form FORM_ID --json\n"
    "       nourish-cli intake show CLIENT [--history] [--json]\n"
    "       nourish-cli intake submit CLIENT FORM_ID --answers FILE.json [--draft]\n"
    "       nourish-cli intake points CLIENT [--set TEXT]   (points for the family summary, one per line)\n";

class IntakePlugin : public nourish::Plugin {
public:
    void init(nourish::Host host) override {
        host_ = host;
        demo_ = host.subscribe("nourish.demo.created", [this](const std::string& payload) {
            try {
                std::vector<int64_t> ids;
                for (const json& id : json::parse(payload).value("client_ids", json::array())) ids.push_back(id);
                host_->savepoint([&] { seedIntakeDemo(*host_, ids); });
            } catch (const std::exception& e) {
                host_->log(NOURISH_LOG_WARNING, std::string("demo intakes not added: ") + e.what());
            }
        });
    }
    void shutdown() noexcept override { demo_ = {}; }

    std::string migrationsJson() const override { return Responses::migrationsJson(); }
    std::string intakeFormsJson() const override { return intakeForms(); }
    std::string allergyHistory(int64_t clientId) override {
        return allergyHistoryOf(Responses(*host_).forClient(clientId), json::parse(host_->forms())).dump();
    }

    std::string uiPagesJson() const override {
        return R"([{"id": "intake", "title": "Intake", "order": 10}])";
    }
    void* createPage(const std::string&, void* parent) override {
        return static_cast<wxWindow*>(new IntakePage(static_cast<wxWindow*>(parent), *host_));
    }
    void showClient(const std::string&, void* page, int64_t clientId) override {
        static_cast<IntakePage*>(static_cast<wxWindow*>(page))->showClient(clientId);
    }

    std::string cliCommandsJson() const override {
        return json::array({{{"name", "intake"},
                             {"summary", "intake forms and a client's answers"},
                             {"usage", kUsage}}})
            .dump();
    }

    int runCommand(const std::string&, const std::vector<std::string>& args, const nourish::Output& out,
                   const nourish::Output& error) override {
        try {
            std::vector<std::string> rest(args.begin() + (args.empty() ? 0 : 1), args.end());
            std::string verb = args.empty() ? "" : args[0];
            auto flag = [&](const std::string& name) {
                auto it = std::find(rest.begin(), rest.end(), name);
                if (it == rest.end()) return false;
                rest.erase(it);
                return true;
            };
            auto option = [&](const std::string& name) -> std::optional<std::string> {
                auto it = std::find(rest.begin(), rest.end(), name);
                if (it == rest.end()) return std::nullopt;
                if (it + 1 == rest.end()) throw BadInput(name + ": needs a value");
                std::string value = *(it + 1);
                rest.erase(it, it + 2);
                return value;
            };
            if (verb == "forms") return listForms(flag("--json"), out);
            if (verb == "form") {
                flag("--json");
                if (rest.size() != 1) throw BadInput("intake form takes one form id");
                out << json::parse(host_->form(rest[0])).dump(2) << "\n";
                return 0;
            }
            if (verb == "show") {
                bool asJson = flag("--json"), history = flag("--history");
                if (rest.size() != 1) throw BadInput("intake show takes one client id");
                return show(clientIdFrom(rest[0]), history, asJson, out);
            }
            if (verb == "submit") {
                auto file = option("--answers");
                bool draft = flag("--draft");
                if (rest.size() != 2) throw BadInput("intake submit takes a client id and a form id");
                if (!file) throw BadInput("--answers: is required (a JSON file of answers)");
                return submit(clientIdFrom(rest[0]), rest[1], *file, draft, out, error);
            }
            if (verb == "points") {
                auto text = option("--set");
                if (rest.size() != 1) throw BadInput("intake points takes one client id");
                int64_t id = clientIdFrom(rest[0]);
                host_->client(id);
                Responses responses(*host_);
                if (text) {
                    if (text->size() > 20000) throw BadInput("--set: is longer than 20000 characters");
                    responses.setSummaryPoints(id, *text);
                    return 0;
                }
                for (const std::string& p : responses.summaryPoints(id)) out << "- " << p << "\n";
                return 0;
            }
            error << kUsage;
            return 2;
        } catch (const BadInput& e) {
            error << "error: " << e.what() << "\n";
            return 2;
        } catch (const nourish::Error& e) {
            error << "error: " << e.what() << "\n";
            return e.status() == NOURISH_NOT_FOUND || e.status() == NOURISH_INVALID ? 2 : 1;
        }
    }

    std::string reportSectionsJson() const override {
        return R"([{"id": "about-child", "title": "About your child", "order": 10}])";
    }
    std::string renderReportSection(const std::string&, int64_t clientId) override {
        json client = json::parse(host_->client(clientId));
        std::string name = client.value("preferred_name", client["given_name"].get<std::string>());
        json blocks = json::array({{{"type", "paragraph"},
                                    {"text", name + " " + client["family_name"].get<std::string>() + ", born " +
                                                 nourish::family::date(client["date_of_birth"].get<std::string>(), nourish::family::today(), true) + " (" +
                                                 ageText(client["date_of_birth"]) + " old)."}}});
        // Only what the practitioner marked for the family; the intake itself stays in the practice.
        auto points = Responses(*host_).summaryPoints(clientId);
        if (!points.empty()) blocks.push_back({{"type", "bullets"}, {"items", points}});
        return json{{"title", "About " + name}, {"blocks", blocks}}.dump();
    }

private:
    int listForms(bool asJson, const nourish::Output& out) {
        json forms = intakeFormsOnly(json::parse(host_->forms()));
        if (asJson) {
            out << forms.dump(2) << "\n";
            return 0;
        }
        for (const json& f : forms)
            out << f["id"].get<std::string>() << "  v" << std::to_string(f["version"].get<int>()) << "  "
                << f["title"].get<std::string>() << "\n";
        return 0;
    }

    int show(int64_t clientId, bool history, bool asJson, const nourish::Output& out) {
        json client = json::parse(host_->client(clientId));
        Responses responses(*host_);
        auto list = responses.forClient(clientId, history);
        host_->audit(clientId, "intake.view");
        if (asJson) {
            json items = json::array();
            for (const Response& r : list) {
                json item{{"id", r.id},         {"form_id", r.formId},       {"form_version", r.formVersion},
                          {"status", r.status}, {"answers", r.answers},      {"entered_by", r.enteredBy},
                          {"created_at", r.createdAt}, {"updated_at", r.updatedAt}};
                item["replaces"] = r.replaces ? json(*r.replaces) : json(nullptr);
                item["replaced_by"] = r.replacedBy ? json(*r.replacedBy) : json(nullptr);
                items.push_back(item);
            }
            out << json{{"client_id", clientId}, {"responses", items}}.dump(2) << "\n";
            return 0;
        }
        out << client["given_name"].get<std::string>() << " " << client["family_name"].get<std::string>() << "\n";
        if (list.empty()) out << "  no intake answers yet\n";
        for (const Response& r : list) {
            auto form = responses.formVersion(r.formId, r.formVersion);
            std::string title = form ? (*form)["title"].get<std::string>() : r.formId;
            out << "\n" << title << " (version " << std::to_string(r.formVersion) << ", " << r.status << ", "
                << r.updatedAt.substr(0, 10) << ", entered by " << r.enteredBy << ")"
                << (r.replacedBy ? "  [replaced by #" + std::to_string(*r.replacedBy) + "]" : std::string()) << "\n";
            if (!form) continue;
            for (const AnswerLine& line : describeAnswers(*form, r.answers)) {
                if (!line.section.empty()) out << "  " << line.section << "\n";
                out << std::string(4 + 2 * static_cast<size_t>(line.depth), ' ') << line.label
                    << (line.value.empty() ? "" : ": " + line.value) << "\n";
            }
        }
        return 0;
    }

    int submit(int64_t clientId, const std::string& formId, const std::string& file, bool draft,
               const nourish::Output& out, const nourish::Output& error) {
        host_->client(clientId);  // throws NOT_FOUND for an unknown client
        std::ifstream in(file, std::ios::binary);
        if (!in) throw BadInput("--answers: cannot read " + file);
        std::stringstream text;
        text << in.rdbuf();
        json answers;
        try {
            answers = nourish::parseJsonInput(text.str());
        } catch (const nourish::JsonInputError& e) {
            throw BadInput("--answers: " + file + " " + e.what());
        }
        json form = json::parse(host_->form(formId));
        auto problems = host_->validateAnswers(formId, answers.dump(), !draft);
        if (!problems.empty()) {
            for (const std::string& p : problems) error << "error: " << p << "\n";
            return 2;
        }
        int64_t id = Responses(*host_).save(clientId, form, answers, !draft);
        out << std::to_string(id) << "\n";
        return 0;
    }

    std::optional<nourish::Host> host_;
    nourish::Subscription demo_;
};

}  // namespace

NOURISH_PLUGIN(IntakePlugin, "org.nourish.intake", "Client intake", "0.1.0", "Nourish")
