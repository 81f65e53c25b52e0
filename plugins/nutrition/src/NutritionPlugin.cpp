// Nutrition and growth (first-party plugin): a child's measurements by date
// (weight, length or height, head circumference; who measured and how),
// their z-scores and centiles against every installed growth reference, and
// the growth flags. Uses only the SDK.
#include <wx/defs.h>
#include <wx/build.h>

#include <algorithm>
#include <ctime>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "Growth.h"
#include "GrowthPage.h"
#include "Measurements.h"
#include "Report.h"
#include "Check.h"
#include "Targets.h"
#include "nourish/cli.hpp"
#include "nourish/family.hpp"
#include "nourish/plugin.hpp"

namespace {

using nlohmann::json;
using nutrition::BadInput;
using nutrition::Chart;
using nutrition::Flag;
using nutrition::GrowthStore;
using nutrition::GrowthView;
using nutrition::Measurement;
using nutrition::Scored;
using nutrition::fixed;
using nutrition::unitOf;

const char* kUsage =
    "usage: nourish-cli growth add CLIENT [--date YYYY-MM-DD] [--weight KG] [--length CM | --height CM]\n"
    "                              [--head CM] --method clinic|home|reported [--by NAME] [--note TEXT]\n"
    "       nourish-cli growth list CLIENT [--json]\n"
    "       nourish-cli growth correct MEASUREMENT --reason TEXT [--date YYYY-MM-DD] [--value N]\n"
    "                              [--method clinic|home|reported] [--by NAME] [--note TEXT]\n"
    "       nourish-cli growth remove MEASUREMENT --reason TEXT\n"
    "       nourish-cli growth history MEASUREMENT [--json]\n"
    "       nourish-cli growth chart CLIENT [--indicator KIND] (--json | --out FILE.svg [--replace])\n"
    "       nourish-cli growth references [--json]\n"
    "Length is measured lying down (under 2 years), height standing. --method says how:\n"
    "clinic (the practice's scales or measure), home (the family's scales), reported (by a parent).\n"
    "MEASUREMENT is the number growth list shows after '#'. A chart KIND is weight-for-age (the default),\n"
    "length-height-for-age, head-circumference-for-age or weight-for-length-height.\n";

// The problems of one input, each on a line of its own as the CLI says them.
[[noreturn]] void refuse(const BadInput& e) {
    std::string all = e.what();
    for (size_t at = all.find('\n'); at != std::string::npos; at = all.find('\n', at + 8)) all.replace(at, 1, "\nerror: ");
    throw BadInput(all);
}

std::string svgText(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (c == '&') out += "&amp;";
        else if (c == '<') out += "&lt;";
        else if (c == '>') out += "&gt;";
        else if (c == '"') out += "&quot;";
        else out += c;
    }
    return out;
}

// The chart as a drawing a browser or an office suite opens and prints.
std::string chartSvg(const Chart& c, const std::string& childName) {
    const double width = 800, height = 560, left = 70, right = 90, top = 60, bottom = 70;
    auto px = [&](double x) { return left + (x - c.xMin) / (c.xMax - c.xMin) * (width - left - right); };
    auto py = [&](double y) { return height - bottom - (y - c.yMin) / (c.yMax - c.yMin) * (height - top - bottom); };
    std::ostringstream s;
    s << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
      << "\" font-family=\"DejaVu Sans, sans-serif\" font-size=\"12\">\n";
    s << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
    s << "<text x=\"" << left << "\" y=\"28\" font-size=\"17\" font-weight=\"bold\">" << svgText(c.title) << ": "
      << svgText(childName) << "</text>\n";
    s << "<text x=\"" << left << "\" y=\"46\" fill=\"#5f6368\" font-size=\"10\">"
      << svgText(c.source.empty() ? c.empty : c.source) << "</text>\n";
    double xStep = c.id == "weight-for-length-height" ? 5 : (c.xMax - c.xMin) > 36 ? 6 : 3;
    double yStep = (c.yMax - c.yMin) > 40 ? 10 : (c.yMax - c.yMin) > 16 ? 2 : 1;
    for (double x = std::ceil(c.xMin / xStep) * xStep; x <= c.xMax + 1e-9; x += xStep)
        s << "<line x1=\"" << px(x) << "\" y1=\"" << py(c.yMin) << "\" x2=\"" << px(x) << "\" y2=\"" << py(c.yMax)
          << "\" stroke=\"#e6e6e6\"/><text x=\"" << px(x) << "\" y=\"" << py(c.yMin) + 16
          << "\" text-anchor=\"middle\">" << fixed(x, 0) << "</text>\n";
    for (double y = std::ceil(c.yMin / yStep) * yStep; y <= c.yMax + 1e-9; y += yStep)
        s << "<line x1=\"" << px(c.xMin) << "\" y1=\"" << py(y) << "\" x2=\"" << px(c.xMax) << "\" y2=\"" << py(y)
          << "\" stroke=\"#e6e6e6\"/><text x=\"" << px(c.xMin) - 6 << "\" y=\"" << py(y) + 4
          << "\" text-anchor=\"end\">" << fixed(y, 0) << "</text>\n";
    s << "<text x=\"" << (left + width - right) / 2 << "\" y=\"" << height - 28 << "\" text-anchor=\"middle\">"
      << svgText(c.xLabel) << "</text>\n";
    s << "<text transform=\"translate(20 " << (top + height - bottom) / 2 << ") rotate(-90)\" text-anchor=\"middle\">"
      << svgText(c.yLabel) << "</text>\n";
    for (const auto& line : c.lines) {
        bool median = line.z == 0, outer = std::abs(line.z) >= 3;
        s << "<polyline fill=\"none\" stroke=\"" << (median ? "#2e7d32" : outer ? "#9e9e9e" : "#c62828")
          << "\" stroke-width=\"" << (median ? 1.8 : 1.2) << "\" points=\"";
        for (const auto& [x, y] : line.points) s << px(x) << "," << py(y) << " ";
        s << "\"/>\n";
        if (!line.label.empty())
            s << "<text x=\"" << px(line.points.back().first) + 5 << "\" y=\"" << py(line.points.back().second) + 4
              << "\" fill=\"#5f6368\">" << svgText(line.label) << "</text>\n";
    }
    if (c.points.size() > 1) {
        s << "<polyline fill=\"none\" stroke=\"#1a237e\" stroke-width=\"2\" points=\"";
        for (const auto& p : c.points) s << px(p.x) << "," << py(p.y) << " ";
        s << "\"/>\n";
    }
    for (const auto& p : c.points)
        s << "<circle cx=\"" << px(p.x) << "\" cy=\"" << py(p.y) << "\" r=\"4\" fill=\"#1a237e\"><title>" << p.date << ": "
          << fixed(p.y, c.unit == "kg" ? 2 : 1) << " " << c.unit << (p.z ? ", z " + fixed(*p.z, 2) : "")
          << "</title></circle>\n";
    if (c.points.empty())
        s << "<text x=\"" << (left + width - right) / 2 << "\" y=\"" << (top + height - bottom) / 2
          << "\" text-anchor=\"middle\" fill=\"#5f6368\">No measurements for this chart yet</text>\n";
    s << "</svg>\n";
    return s.str();
}

json chartJson(const Chart& c) {
    json doc{{"indicator", c.id}, {"title", c.title}, {"x_label", c.xLabel}, {"y_label", c.yLabel}, {"unit", c.unit},
             {"x", {c.xMin, c.xMax}}, {"y", {c.yMin, c.yMax}}, {"source", c.source}, {"lines", json::array()},
             {"points", json::array()}};
    if (!c.empty.empty()) doc["empty"] = c.empty;
    for (const auto& line : c.lines) {
        json points = json::array();
        for (const auto& [x, y] : line.points) points.push_back({x, y});
        doc["lines"].push_back({{"z", line.z}, {"label", line.label}, {"points", points}});
    }
    for (const auto& p : c.points) {
        json point{{"date", p.date}, {"x", p.x}, {"y", p.y}};
        if (p.z) point["z"] = *p.z;
        doc["points"].push_back(point);
    }
    return doc;
}

int growthCommand(nourish::Host host, GrowthStore& growth, nourish::CommandArgs& a, const nourish::Output& out) {
    std::string sub = a.subcommand();
    bool asJson = a.flag("--json");
    auto idArgument = [&](const char* what) {
        if (auto id = nourish::parseId(a.rest[0])) return *id;
        throw BadInput(std::string(what) + ": '" + a.rest[0] + "' is not an id");
    };
    auto measurementArgument = [&]() {
        int64_t id = idArgument("measurement");
        growth.clientOf(id);  // there is such a measurement
        return *growth.measurement(id);
    };
    if (sub == "add") {
        nutrition::Entry entry;
        entry.date = a.option("--date").value_or(nourish::family::today());
        entry.weight = a.option("--weight");
        entry.length = a.option("--length");
        entry.height = a.option("--height");
        entry.head = a.option("--head");
        entry.method = a.required("--method", "clinic, home or reported");
        entry.measuredBy = a.option("--by").value_or("");
        entry.note = a.option("--note").value_or("");
        a.expect(1, "growth add needs the client id");
        int64_t id = idArgument("client");
        nutrition::Child child = growth.child(id);
        std::vector<Measurement> list;
        try {
            list = nutrition::checkEntry(child, entry, nutrition::kCliNames);
        } catch (const BadInput& e) {
            refuse(e);
        }
        growth.add(id, list);
        out << "added " << std::to_string(list.size()) << " measurement(s) of " << entry.date << " for " << child.name << "\n";
        return 0;
    }
    if (sub == "correct") {
        std::string reason = a.required("--reason", "why the measurement is corrected");
        auto date = a.option("--date"), value = a.option("--value"), method = a.option("--method"), by = a.option("--by"),
             note = a.option("--note");
        a.expect(1, "growth correct needs the measurement's number (growth list shows it after '#')");
        Measurement before = measurementArgument();
        if (!date && !value && !method && !by && !note)
            throw BadInput("nothing to correct: give --date, --value, --method, --by or --note");
        nutrition::Child child = growth.child(growth.clientOf(before.id));
        nutrition::Entry entry;
        entry.date = date.value_or(before.date);
        entry.method = method.value_or(before.method);
        entry.measuredBy = by.value_or(before.measuredBy);
        entry.note = note.value_or(before.note);
        std::string typed = value.value_or(nutrition::plainNumber(before.value));
        nutrition::EntryNames names = nutrition::kCliNames;
        names.weight = names.length = names.height = names.head = "--value";
        if (before.kind == "weight") entry.weight = typed;
        else if (before.kind == "length") entry.length = typed;
        else if (before.kind == "height") entry.height = typed;
        else entry.head = typed;
        std::vector<Measurement> after;
        try {
            nutrition::checkReason(reason, "--reason");
            after = nutrition::checkEntry(child, entry, names);
        } catch (const BadInput& e) {
            refuse(e);
        }
        after[0].id = before.id;
        if (after[0].date == before.date && after[0].value == before.value && after[0].method == before.method &&
            after[0].measuredBy == before.measuredBy && after[0].note == before.note)
            throw BadInput("nothing to correct: the measurement already says this");
        growth.correct(before, after[0], reason);
        out << "corrected measurement #" << std::to_string(before.id) << " (" << nutrition::kindText(before.kind) << " of "
            << after[0].date << ")\n";
        return 0;
    }
    if (sub == "remove") {
        std::string reason = a.required("--reason", "why the measurement is taken out");
        a.expect(1, "growth remove needs the measurement's number (growth list shows it after '#')");
        Measurement before = measurementArgument();
        nutrition::checkReason(reason, "--reason");
        growth.remove(before, reason);
        out << "removed measurement #" << std::to_string(before.id) << " (" << nutrition::kindText(before.kind) << " "
            << fixed(before.value, before.kind == "weight" ? 2 : 1) << " " << unitOf(before.kind) << " of " << before.date
            << "); its history keeps what it was\n";
        return 0;
    }
    if (sub == "history") {
        a.expect(1, "growth history needs the measurement's number");
        int64_t id = idArgument("measurement");
        json list = growth.history(id);
        if (list.empty() && !growth.measurement(id)) throw BadInput("measurement: there is no measurement " + std::to_string(id));
        if (asJson) {
            out << list.dump(2) << "\n";
            return 0;
        }
        if (list.empty()) out << "measurement #" << std::to_string(id) << " has not been changed\n";
        for (const json& c : list) {
            auto describe = [](const json& m) {
                return m["date"].get<std::string>() + " " + nutrition::kindText(m["kind"]) + " " +
                       nutrition::plainNumber(m["value"]) + " " + unitOf(m["kind"]) + " (" + m["method"].get<std::string>() + ")";
            };
            out << c["changed_at"].get<std::string>() << "  " << c["action"].get<std::string>() << " by "
                << c["changed_by"].get<std::string>() << ": " << describe(c["before"])
                << (c.contains("after") ? " -> " + describe(c["after"]) : "") << "\n  Reason: " << c["reason"].get<std::string>()
                << "\n";
        }
        return 0;
    }
    if (sub == "list") {
        a.expect(1, "growth list needs the client id");
        int64_t id = idArgument("client");
        GrowthView v = growth.view(id);
        host.audit(id, "growth.view");
        if (asJson) {
            json doc{{"client_id", id}, {"sex", v.child.sex}, {"measurements", json::array()}, {"scores", json::array()},
                     {"flags", json::array()}};
            for (const Measurement& m : v.measurements) {
                std::string why = v.notScoredBecause(m);
                json entry{{"id", m.id},         {"date", m.date},       {"kind", m.kind},
                           {"value", m.value},   {"unit", unitOf(m.kind)}, {"method", m.method},
                           {"measured_by", m.measuredBy}, {"note", m.note}, {"scored", why.empty()}};
                if (!why.empty()) entry["not_scored_because"] = why;
                doc["measurements"].push_back(entry);
            }
            for (const Scored& s : v.scores)
                doc["scores"].push_back({{"date", s.date}, {"indicator", s.indicator}, {"reference", s.referenceId},
                                         {"at", s.x}, {"value", s.value}, {"z", s.z}, {"centile", nutrition::centile(s.z)}});
            for (const Flag& f : v.flags)
                doc["flags"].push_back({{"rule", f.rule}, {"severity", f.severity}, {"date", f.date}, {"text", f.text},
                                        {"source", f.source}, {"cite", f.cite}});
            out << doc.dump(2) << "\n";
            return 0;
        }
        bool sexKnown = v.child.sex == "female" || v.child.sex == "male";
        out << "Growth of " << v.child.name << " (born " << v.child.dateOfBirth << ")\n";
        if (v.measurements.empty()) out << "  no measurements yet\n";
        for (const Measurement& m : v.measurements) {
            out << "  #" << std::to_string(m.id) << "  " << m.date << "  " << fixed(nutrition::monthsOfAge(m.ageDays), 1)
                << " months  " << nutrition::kindText(m.kind) << " " << fixed(m.value, m.kind == "weight" ? 2 : 1) << " "
                << unitOf(m.kind) << "  (" << m.method << (m.measuredBy.empty() ? "" : ", " + m.measuredBy) << ")";
            for (const Scored& s : v.scores)
                if (s.measurementId == m.id)
                    out << "  " << s.indicator << " z " << fixed(s.z, 2) << " (" << nutrition::centileText(s.z) << ")";
            if (v.hasReferences && sexKnown && !v.notScoredBecause(m).empty())
                out << "  no z-score: " << v.notScoredBecause(m);
            out << "\n";
        }
        if (!v.hasReferences)
            out << "No growth reference is installed: z-scores and centiles need one (the WHO Child Growth Standards come "
                   "with Nourish as org.nourish.who-growth).\n";
        else if (!sexKnown && !v.measurements.empty())
            out << "No z-scores: the references have tables for girls and boys; record the child's sex to see them.\n";
        for (const Flag& f : v.flags)
            out << (f.severity == "urgent" ? "URGENT " : "FLAG ") << f.rule << ": " << f.text << "\n  Rule: " << f.source << "\n";
        return 0;
    }
    if (sub == "chart") {
        std::string kind = a.option("--indicator").value_or("weight-for-age");
        auto file = a.option("--out");
        bool replace = a.flag("--replace");
        a.expect(1, "growth chart needs the client id");
        if (!asJson && !file) throw BadInput("growth chart: give --json or --out FILE.svg");
        int64_t id = idArgument("client");
        GrowthView v = growth.view(id);
        Chart c = v.chart(kind, growth.references());
        if (asJson) {
            host.audit(id, "growth.view");
            out << chartJson(c).dump(2) << "\n";
            return 0;
        }
        host.checkFile(*file, replace);
        host.writeFile(*file, chartSvg(c, v.child.name), replace);
        host.audit(id, "growth.chart", json{{"indicator", kind}, {"file", *file}}.dump());
        out << "wrote the " << c.title << " chart of " << v.child.name << " to " << *file << "\n";
        return 0;
    }
    if (sub == "references") {
        a.expect(0, "growth references takes no arguments");
        const auto& list = growth.references();
        if (asJson) {
            out << json::parse(host.growthReferences()).dump(2) << "\n";
            return 0;
        }
        for (const nutrition::Reference& r : list)
            out << r.id << "  " << r.title << " (" << r.plugin << ")\n  " << r.source.value("publisher", "") << ", "
                << std::to_string(r.source.value("year", 0)) << "\n";
        if (list.empty()) out << "no growth reference is installed\n";
        return 0;
    }
    throw BadInput("subcommand: '" + sub + "' is not one of add, list, correct, remove, history, chart, references");
}

const char* kNutritionUsage =
    "usage: nourish-cli nutrition check CLIENT [--reference uk|us|eu] [--json]\n"
    "       nourish-cli nutrition targets (--client CLIENT | --age-months N) [--reference uk|us|eu] [--json]\n"
    "       nourish-cli nutrition reference [uk|us|eu]\n"
    "check: the foods the child's plans keep out of the diet now, and since when; what each takes out of\n"
    "the diet and the targets for the child's age; what needs her attention.\n"
    "The targets for a child's age (calcium, vitamin D, iodine, protein, iron, zinc), each with its source:\n"
    "uk (Department of Health 1991 RNIs, SACN 2016 vitamin D), us (Institute of Medicine DRIs, 2001-2011),\n"
    "eu (EFSA Dietary Reference Values). The practice's reference is the one `nutrition reference` sets;\n"
    "unset, it follows the practice's country (GB: uk, US or CA: us, an EU country: eu), and uk otherwise.\n";

int nutritionCheck(nourish::Host host, int64_t clientId, const nutrition::TargetSet& set, const std::string& why, bool asJson,
                   const nourish::Output& out) {
    json doc = nutrition::checkDocument(host, clientId, set, why);
    host.audit(clientId, "nutrition.check");
    if (asJson) {
        out << doc.dump(2) << "\n";
        return 0;
    }
    const json &removed = doc["removed"], &attention = doc["attention"], &advice = doc["advice"];
    std::string name = doc["name"];
    int months = doc["age_months"];
    out << "Nutrition check for " << name << " (" << std::to_string(months) << " months), targets from " << set.title
        << " (" << why << ")\n";
    if (removed.empty()) out << "  No food is out of the diet in a running plan.\n";
    for (const json& r : removed) {
        out << "  " << r["label"].get<std::string>() << ": out of the diet since " << r["since"].get<std::string>() << " ("
            << std::to_string(r["days"].get<int>()) << " days, " << r["plan"].get<std::string>() << ")"
            << (r["followed_by"] == "mother" ? ", followed by the breastfeeding mother" : "") << "\n";
        for (const json& n : r["at_risk"]) {
            out << "    " << n["name"].get<std::string>() << ": "
                << (n.contains("target") ? "target " + n["target"]["text"].get<std::string>() + " (" +
                                               n["target"]["kind"].get<std::string>() + ")"
                                         : std::string("no target at this age in Nourish's copy of this reference yet"))
                << (n.contains("why") ? ". " + n["why"].get<std::string>() : "") << "\n";
        }
        if (r.contains("also") && !r["also"].get<std::string>().empty())
            out << "    Also supplies: " << r["also"].get<std::string>() << "\n";
    }
    for (const json& x : attention) out << "ATTENTION " << x["text"].get<std::string>() << " [" << x["source"].get<std::string>() << "]\n";
    if (!doc["replacements"].empty()) out << "  How to replace what is removed:\n";
    for (const json& x : doc["replacements"])
        out << "    " << x["kind"].get<std::string>() << ": " << x["text"].get<std::string>() << " [" << x["source"].get<std::string>() << "]\n";
    for (const json& x : advice) out << "  Advice: " << x["text"].get<std::string>() << "\n";
    return 0;
}

int nutritionCommand(nourish::Host host, nourish::CommandArgs& a, const nourish::Output& out) {
    std::string sub = a.subcommand();
    if (sub == "check") {
        bool asJson = a.flag("--json");
        auto reference = a.option("--reference");
        a.expect(1, "nutrition check needs the client id");
        auto id = nourish::parseId(a.rest[0]);
        if (!id) throw BadInput("client: '" + a.rest[0] + "' is not an id");
        std::string why = "chosen here";
        if (!reference) std::tie(reference, why) = nutrition::practiceReference(host);
        const nutrition::TargetSet* set = nutrition::findTargets(*reference);
        if (!set) throw BadInput("--reference: '" + *reference + "' is not one of uk, us, eu");
        return nutritionCheck(host, *id, *set, why, asJson, out);
    }
    if (sub == "reference") {
        if (a.rest.empty()) {
            auto [id, why] = nutrition::practiceReference(host);
            out << id << "  " << nutrition::findTargets(id)->title << " (" << why << ")\n";
            return 0;
        }
        a.expect(1, "nutrition reference takes one of uk, us, eu");
        if (!nutrition::findTargets(a.rest[0])) throw BadInput("reference: '" + a.rest[0] + "' is not one of uk, us, eu");
        host.setSetting("nutrition.reference", a.rest[0]);
        out << "the practice's nutrient targets are now " << nutrition::findTargets(a.rest[0])->title << "\n";
        return 0;
    }
    if (sub == "targets") {
        bool asJson = a.flag("--json");
        auto client = a.option("--client"), age = a.option("--age-months"), reference = a.option("--reference");
        a.expect(0, "nutrition targets takes --client or --age-months");
        if (client.has_value() == age.has_value()) throw BadInput("nutrition targets: give --client CLIENT or --age-months N");
        std::string why = "chosen here";
        if (!reference) std::tie(reference, why) = nutrition::practiceReference(host);
        const nutrition::TargetSet* set = nutrition::findTargets(*reference);
        if (!set) throw BadInput("--reference: '" + *reference + "' is not one of uk, us, eu");
        int months = 0;
        std::string who;
        if (client) {
            auto id = nourish::parseId(*client);
            if (!id) throw BadInput("--client: '" + *client + "' is not an id");
            json c = json::parse(host.client(*id));
            months = nutrition::completedMonths(c.value("date_of_birth", ""), nourish::family::today());
            who = c.value("given_name", "") + " " + c.value("family_name", "");
        } else {
            auto n = nourish::parseId(*age);
            if (!n && *age != "0") throw BadInput("--age-months: '" + *age + "' is not a whole number of months");
            months = n ? int(std::min<int64_t>(*n, 100000)) : 0;
            if (months > 240) throw BadInput("--age-months: " + *age + " is more than 240 months");
        }
        auto targets = set->at(months);
        std::vector<const nutrition::Advice*> advice = set->adviceAt(months);
        if (asJson) {
            json doc{{"reference", set->id}, {"title", set->title}, {"why", why}, {"age_months", months},
                     {"targets", json::array()}, {"advice", json::array()}};
            for (const nutrition::Target& t : targets) {
                json e{{"nutrient", t.nutrient}, {"value", t.value}, {"unit", t.unit}, {"kind", t.kind},
                       {"from_months", t.fromMonths}, {"to_months", t.toMonths}, {"source", set->citation(t)}};
                if (t.high) e["value_high"] = *t.high;
                if (!t.note.empty()) e["note"] = t.note;
                doc["targets"].push_back(e);
            }
            for (const nutrition::Advice* x : advice)
                doc["advice"].push_back({{"id", x->id}, {"text", x->text}, {"source", set->citation(*x)}});
            out << doc.dump(2) << "\n";
            return 0;
        }
        out << "Nutrient targets at " << std::to_string(months) << " months" << (who.empty() ? "" : " (" + who + ")")
            << ": " << set->title << " (" << why << ")\n";
        if (targets.empty()) out << "  none at this age in Nourish's copy of this reference yet\n";
        for (const nutrition::Target& t : targets)
            out << "  " << nutrition::nutrientName(t.nutrient) << ": " << nutrition::amountText(t) << " (" << t.kind
                << ")\n    " << set->citation(t) << (t.note.empty() ? "" : "\n    " + t.note) << "\n";
        for (const nutrition::Advice* x : advice) out << "  Advice: " << x->text << "\n    " << set->citation(*x) << "\n";
        return 0;
    }
    throw BadInput("subcommand: '" + sub + "' is not one of check, targets, reference");
}

class NutritionPlugin : public nourish::Plugin {
public:
    void init(nourish::Host host) override {
        host_ = host;
        growth_.emplace(host);
        auto api = host.service<nourish_host_events>(NOURISH_HOST_EVENTS_ID);
        demoSubscription_ = api->subscribe(host.raw(), "nourish.demo.created", &NutritionPlugin::onDemo, this);
    }
    void shutdown() noexcept override {
        if (host_ && demoSubscription_) {
            if (auto api = static_cast<const nourish_host_events*>(
                    host_->raw()->get_extension(host_->raw(), NOURISH_HOST_EVENTS_ID)))
                api->unsubscribe(host_->raw(), demoSubscription_);
        }
    }
    std::string migrationsJson() const override { return GrowthStore::migrationsJson(); }
    std::string cliCommandsJson() const override {
        return json::array({{{"name", "growth"},
                             {"summary", "a child's weight, length or height and head circumference, with z-scores, "
                                         "centiles and growth flags"},
                             {"usage", kUsage}},
                            {{"name", "nutrition"},
                             {"summary", "the nutrient targets for a child's age from the practice's reference (UK, US/Canada "
                                         "or EU), each with its source"},
                             {"usage", kNutritionUsage}}})
            .dump();
    }
    std::string reportSectionsJson() const override {
        return R"([{"id": "growing-well", "title": "Growing well", "order": 35},
                   {"id": "replace-what-is-removed", "title": "How to replace what is removed", "order": 36}])";
    }
    std::string renderReportSection(const std::string& section, int64_t clientId) override {
        json c = json::parse(host_->client(clientId));  // a client that does not exist is an error
        std::string call = c.value("preferred_name", "");
        if (call.empty()) call = c.value("given_name", "");
        if (section == "replace-what-is-removed") {
            auto [id, why] = nutrition::practiceReference(*host_);
            const nutrition::TargetSet* set = nutrition::findTargets(id);
            return nutrition::replaceWhatIsRemoved(nutrition::checkDocument(*host_, clientId, *set, why), call).dump();
        }
        nutrition::GrowthView v = growth_->view(clientId);
        return nutrition::growingWell(v, growth_->lastReferences(), call).dump();
    }
    std::string uiPagesJson() const override { return R"([{"id": "growth", "title": "Growth", "order": 35}])"; }
    void* createPage(const std::string&, void* parent) override {
        return static_cast<wxWindow*>(nutrition::createGrowthPage(static_cast<wxWindow*>(parent), *host_));
    }
    void showClient(const std::string&, void* page, int64_t clientId) override {
        nutrition::showGrowthClient(static_cast<wxWindow*>(page), clientId);
    }
    int runCommand(const std::string& command, const std::vector<std::string>& args, const nourish::Output& out,
                   const nourish::Output& error) override {
        nourish::CommandArgs a{args};
        return nourish::runCommandBody<BadInput>(
            [&] {
                if (command == "growth") return growthCommand(*host_, *growth_, a, out);
                if (command == "nutrition") return nutritionCommand(*host_, a, out);
                error << "unknown command " << command << "\n";
                return 2;
            },
            error, command == "nutrition" ? kNutritionUsage : kUsage);
    }

private:
    static void onDemo(void* self, const char*, const char* payload) {
        auto* plugin = static_cast<NutritionPlugin*>(self);
        try {
            std::vector<int64_t> ids;
            for (const json& id : json::parse(payload).value("client_ids", json::array())) ids.push_back(id);
            plugin->host_->savepoint([&] { plugin->growth_->seedDemo(ids); });
        } catch (const std::exception& e) {
            plugin->host_->log(NOURISH_LOG_WARNING, std::string("demo measurements not added: ") + e.what());
        }
    }

    std::optional<nourish::Host> host_;
    std::optional<GrowthStore> growth_;
    uint64_t demoSubscription_ = 0;
};

}  // namespace

NOURISH_PLUGIN(NutritionPlugin, "org.nourish.nutrition", "Nutrition and growth", "0.1.0", "Nourish")
