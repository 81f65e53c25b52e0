// Nutrition and growth (first-party plugin): a child's measurements by date
// (weight, length or height, head circumference; who measured and how),
// their z-scores and centiles against every installed growth reference, and
// the growth flags. Uses only the SDK.
#include <algorithm>
#include <ctime>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "Growth.h"
#include "nourish/cli.hpp"
#include "nourish/family.hpp"
#include "nourish/plugin.hpp"

namespace {

using nlohmann::json;
using nutrition::Flag;
using nutrition::Point;
using nutrition::Reference;
using nutrition::Score;
using nutrition::fixed;

struct BadInput : std::invalid_argument {
    using std::invalid_argument::invalid_argument;
};

const char* kUsage =
    "usage: nourish-cli growth add CLIENT [--date YYYY-MM-DD] [--weight KG] [--length CM | --height CM]\n"
    "                              [--head CM] --method clinic|home|reported [--by NAME] [--note TEXT]\n"
    "       nourish-cli growth list CLIENT [--json]\n"
    "       nourish-cli growth references [--json]\n"
    "Length is measured lying down (under 2 years), height standing. --method says how:\n"
    "clinic (the practice's scales or measure), home (the family's scales), reported (by a parent).\n";

const char* kMigrations = R"([{"version": 1, "name": "growth measurements", "sql":
  "CREATE TABLE nutrition_measurements (id INTEGER PRIMARY KEY, client_id INTEGER NOT NULL, measured_on TEXT NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('weight', 'length', 'height', 'head-circumference')), value REAL NOT NULL CHECK (value > 0), method TEXT NOT NULL CHECK (method IN ('clinic', 'home', 'reported')), measured_by TEXT NOT NULL DEFAULT '', note TEXT NOT NULL DEFAULT '', recorded_at TEXT NOT NULL, recorded_by TEXT NOT NULL); CREATE INDEX nutrition_measurements_client ON nutrition_measurements (client_id, measured_on);"}])";

std::string nowUtc() {
    std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

std::string plain(double v) {
    std::ostringstream text;
    text << v;
    return text.str();
}

double numberOption(const std::string& text, const std::string& field, const std::string& what, double low,
                    double high, const char* unit) {
    try {
        size_t used = 0;
        double v = std::stod(text, &used);
        if (used == text.size() && v >= low && v <= high) return v;
    } catch (const std::exception&) {
    }
    throw BadInput(field + ": '" + text + "' is not a " + what + " between " + plain(low) + " and " + plain(high) + " " + unit);
}

struct Measurement {
    int64_t id = 0;
    std::string date, kind, method, measuredBy, note;
    double value = 0;
    int ageDays = 0;  // on `date`, from the child's date of birth
};

struct Child {
    std::string dateOfBirth, sex, name;
};

class Growth {
public:
    explicit Growth(nourish::Host host) : host_(host) {}

    Child child(int64_t clientId) const {
        json c = json::parse(host_.client(clientId));  // NOT_FOUND for a client that is not there
        return {c.value("date_of_birth", ""), c.value("sex", "unknown"),
                c.value("given_name", "") + " " + c.value("family_name", "")};
    }

    std::vector<Measurement> measurements(int64_t clientId, const Child& child) const {
        auto st = host_.prepare(
            "SELECT id, measured_on, kind, value, method, measured_by, note FROM nutrition_measurements "
            "WHERE client_id = ?1 ORDER BY measured_on, id");
        st.bind(1, clientId);
        std::vector<Measurement> list;
        while (st.step()) {
            list.push_back({st.int64(0), st.text(1), st.text(2), st.text(4), st.text(5), st.text(6), st.real(3)});
            list.back().ageDays = nutrition::daysBetween(child.dateOfBirth, list.back().date);
        }
        return list;
    }

    void add(int64_t clientId, const std::vector<Measurement>& list) const {
        host_.savepoint([&] {
            for (const Measurement& m : list) {
                auto st = host_.prepare(
                    "INSERT INTO nutrition_measurements (client_id, measured_on, kind, value, method, measured_by, "
                    "note, recorded_at, recorded_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
                st.bind(1, clientId).bind(2, m.date).bind(3, m.kind).bind(4, m.value).bind(5, m.method);
                st.bind(6, m.measuredBy).bind(7, m.note).bind(8, nowUtc()).bind(9, host_.user());
                st.step();
            }
            json kinds = json::array();
            for (const Measurement& m : list) kinds.push_back(m.kind);
            host_.audit(clientId, "growth.add", json{{"date", list.front().date}, {"kinds", kinds}}.dump());
        });
    }

    std::vector<Reference> references() const {
        std::vector<Reference> list;
        for (const json& doc : json::parse(host_.growthReferences())) list.push_back(Reference::fromJson(doc));
        return list;
    }

    nourish::Host host_;
};

// The WHO way of measuring: lying down under 2 years, standing from 2. A
// height taken under 2 is 0.7 cm less than the length would be; a length
// taken from 2 is 0.7 cm more than the height (WHO Training Course on Child
// Growth Assessment, 2008, module B).
double asMeasuredFor(const std::string& kind, double value, const std::string& wanted) {
    if (kind == wanted) return value;
    return wanted == "length" ? value + 0.7 : value - 0.7;
}

struct Scored {
    int64_t measurementId = 0;  // the measurement scored (the weight, for weight-for-length)
    std::string date, indicator, referenceId;
    double x = 0, value = 0, z = 0;
};

std::vector<Scored> scoreAll(const std::vector<Measurement>& list, const Child& child,
                             const std::vector<Reference>& references) {
    std::vector<Scored> scores;
    auto isStature = [](const Measurement& m) { return m.kind == "length" || m.kind == "height"; };
    for (const Measurement& m : list) {
        // WHO: lying length under 2 years, standing height from 2.
        const std::string stature = m.ageDays < 731 ? "length" : "height";
        for (const Reference& r : references) {
            auto score = [&](double x, double value) {
                if (auto z = r.zScore(child.sex, x, value))
                    scores.push_back({m.id, m.date, r.indicator, r.id, x, value, *z});
            };
            double age = r.axisUnit == "days" ? m.ageDays : nutrition::monthsOfAge(m.ageDays);
            if (r.axisBy == "age") {
                if (isStature(m) && r.measure == stature) score(age, asMeasuredFor(m.kind, m.value, stature));
                else if (!isStature(m) && r.measure == m.kind) score(age, m.value);  // weight, head circumference
            } else if (m.kind == "weight" && m.ageDays <= 1856 && r.axisBy == stature) {
                // Weight against the length or height of the same day; a
                // standard for under-fives only (WHO: to 60 months).
                auto same = std::find_if(list.begin(), list.end(),
                                         [&](const Measurement& s) { return s.date == m.date && isStature(s); });
                if (same != list.end()) score(asMeasuredFor(same->kind, same->value, stature), m.value);
            }
        }
    }
    return scores;
}

const char* unitOf(const std::string& kind) { return kind == "weight" ? "kg" : "cm"; }

int growthCommand(nourish::Host host, nourish::CommandArgs& a, const nourish::Output& out) {
    Growth growth(host);
    std::string sub = a.subcommand();
    bool asJson = a.flag("--json");
    auto clientId = [&]() {
        if (auto id = nourish::parseId(a.rest[0])) return *id;
        throw BadInput("client: '" + a.rest[0] + "' is not an id");
    };
    if (sub == "add") {
        std::string date = a.option("--date").value_or(nourish::family::today());
        auto weight = a.option("--weight"), length = a.option("--length"), height = a.option("--height"),
             head = a.option("--head");
        std::string method = a.required("--method", "clinic, home or reported");
        std::string by = a.option("--by").value_or("");
        std::string note = a.option("--note").value_or("");
        a.expect(1, "growth add needs the client id");
        int64_t id = clientId();
        Child child = growth.child(id);
        std::vector<std::string> problems;
        if (method != "clinic" && method != "home" && method != "reported")
            problems.push_back("--method: '" + method + "' is not one of clinic, home, reported");
        int age = 0;
        try {
            age = nutrition::daysBetween(child.dateOfBirth, date);
            if (age < 0) problems.push_back("--date: " + date + " is before the child's birth (" + child.dateOfBirth + ")");
            if (date > nourish::family::today()) problems.push_back("--date: " + date + " is in the future");
        } catch (const std::exception&) {
            problems.push_back("--date: '" + date + "' is not a date (YYYY-MM-DD)");
        }
        if (length && height) problems.push_back("--length and --height: one or the other (lying down under 2, standing from 2)");
        if (!weight && !length && !height && !head) problems.push_back("nothing to add: give --weight, --length, --height or --head");
        std::vector<Measurement> list;
        auto take = [&](const std::optional<std::string>& text, const char* option, const char* kind, const char* what,
                        double low, double high) {
            if (!text) return;
            try {
                list.push_back({0, date, kind, method, by, note, numberOption(*text, option, what, low, high, unitOf(kind))});
            } catch (const BadInput& e) {
                problems.push_back(e.what());
            }
        };
        take(weight, "--weight", "weight", "weight", 0.3, 150);
        take(length, "--length", "length", "length", 20, 130);
        take(height, "--height", "height", "height", 40, 200);
        take(head, "--head", "head-circumference", "head circumference", 20, 65);
        if (!problems.empty()) {
            std::string all;
            for (const std::string& p : problems) all += (all.empty() ? "" : "\nerror: ") + p;
            throw BadInput(all);
        }
        growth.add(id, list);
        out << "added " << std::to_string(list.size()) << " measurement(s) of " << date << " for " << child.name << "\n";
        return 0;
    }
    if (sub == "list") {
        a.expect(1, "growth list needs the client id");
        int64_t id = clientId();
        Child child = growth.child(id);
        auto list = growth.measurements(id, child);
        auto references = growth.references();
        auto scores = scoreAll(list, child, references);
        std::vector<Point> points;
        for (const Measurement& m : list) points.push_back({m.date, m.ageDays, m.kind, m.value});
        std::vector<Score> flagScores;
        for (const Scored& s : scores) flagScores.push_back({s.date, s.indicator, s.z});
        auto flags = nutrition::growthFlags(points, flagScores);
        host.audit(id, "growth.view");
        if (asJson) {
            json doc{{"client_id", id}, {"sex", child.sex}, {"measurements", json::array()}, {"scores", json::array()},
                     {"flags", json::array()}};
            for (const Measurement& m : list) {
                bool scored = std::any_of(scores.begin(), scores.end(), [&](const Scored& s) { return s.measurementId == m.id; });
                json entry{{"id", m.id},         {"date", m.date},       {"kind", m.kind},
                           {"value", m.value},   {"unit", unitOf(m.kind)}, {"method", m.method},
                           {"measured_by", m.measuredBy}, {"note", m.note}, {"scored", scored}};
                if (!scored)
                    entry["not_scored_because"] =
                        references.empty() ? "no growth reference is installed"
                        : (child.sex != "female" && child.sex != "male")
                            ? "the references have tables for girls and boys; the child's sex is not recorded"
                            : "outside the ages or lengths the installed references cover";
                doc["measurements"].push_back(entry);
            }
            for (const Scored& s : scores)
                doc["scores"].push_back({{"date", s.date}, {"indicator", s.indicator}, {"reference", s.referenceId},
                                         {"at", s.x}, {"value", s.value}, {"z", s.z}, {"centile", nutrition::centile(s.z)}});
            for (const Flag& f : flags)
                doc["flags"].push_back({{"rule", f.rule}, {"severity", f.severity}, {"date", f.date}, {"text", f.text},
                                        {"source", f.source}});
            out << doc.dump(2) << "\n";
            return 0;
        }
        out << "Growth of " << child.name << " (born " << child.dateOfBirth << ")\n";
        if (list.empty()) out << "  no measurements yet\n";
        for (const Measurement& m : list) {
            out << "  " << m.date << "  " << fixed(nutrition::monthsOfAge(m.ageDays), 1) << " months  " << m.kind << " "
                << fixed(m.value, m.kind == "weight" ? 2 : 1) << " " << unitOf(m.kind) << "  (" << m.method
                << (m.measuredBy.empty() ? "" : ", " + m.measuredBy) << ")";
            bool scored = false;
            for (const Scored& s : scores)
                if (s.measurementId == m.id) {
                    out << "  " << s.indicator << " z " << fixed(s.z, 2) << " (" << nutrition::centileText(s.z) << ")";
                    scored = true;
                }
            if (!scored && !references.empty() && (child.sex == "female" || child.sex == "male"))
                out << "  no z-score: outside the ages or lengths the installed references cover";
            out << "\n";
        }
        if (references.empty())
            out << "No growth reference is installed: z-scores and centiles need one (the WHO Child Growth Standards come "
                   "with Nourish as org.nourish.who-growth).\n";
        else if (child.sex != "female" && child.sex != "male" && !list.empty())
            out << "No z-scores: the references have tables for girls and boys; record the child's sex to see them.\n";
        for (const Flag& f : flags)
            out << (f.severity == "urgent" ? "URGENT " : "FLAG ") << f.rule << ": " << f.text << "\n  Rule: " << f.source << "\n";
        return 0;
    }
    if (sub == "references") {
        a.expect(0, "growth references takes no arguments");
        json list = json::parse(host.growthReferences());
        if (asJson) {
            out << list.dump(2) << "\n";
            return 0;
        }
        for (const json& r : list)
            out << r.value("id", "") << "  " << r.value("title", "") << " (" << r.value("plugin", "") << ")\n  "
                << r["source"].value("publisher", "") << ", " << std::to_string(r["source"].value("year", 0)) << "\n";
        if (list.empty()) out << "no growth reference is installed\n";
        return 0;
    }
    throw BadInput("subcommand: '" + sub + "' is not one of add, list, references");
}

class NutritionPlugin : public nourish::Plugin {
public:
    void init(nourish::Host host) override { host_ = host; }
    std::string migrationsJson() const override { return kMigrations; }
    std::string cliCommandsJson() const override {
        return json::array({{{"name", "growth"},
                             {"summary", "a child's weight, length or height and head circumference, with z-scores, "
                                         "centiles and growth flags"},
                             {"usage", kUsage}}})
            .dump();
    }
    int runCommand(const std::string& command, const std::vector<std::string>& args, const nourish::Output& out,
                   const nourish::Output& error) override {
        nourish::CommandArgs a{args};
        return nourish::runCommandBody<BadInput>(
            [&] {
                if (command == "growth") return growthCommand(*host_, a, out);
                error << "unknown command " << command << "\n";
                return 2;
            },
            error, kUsage);
    }

private:
    std::optional<nourish::Host> host_;
};

}  // namespace

NOURISH_PLUGIN(NutritionPlugin, "org.nourish.nutrition", "Nutrition and growth", "0.1.0", "Nourish")
