#include "Targets.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "Growth.h"

namespace nutrition {

using nlohmann::json;

// The embedded documents (TargetsData.cpp, made at configure time).
extern const char* const kTargetDocuments[][2];
extern const size_t kTargetDocumentCount;
extern const char* const kAtRiskDocument;
extern const char* const kReplacementsDocument;

namespace {

[[noreturn]] void bad(const std::string& file, const std::string& path, const std::string& problem) {
    throw std::invalid_argument(file + ": " + path + ": " + problem);
}

std::string text(const json& o, const char* key, const std::string& file, const std::string& path) {
    auto it = o.find(key);
    if (it == o.end() || !it->is_string() || it->get<std::string>().empty())
        bad(file, path + "." + key, "must be a text that is not empty");
    return *it;
}

int months(const json& o, const char* key, const std::string& file, const std::string& path) {
    auto it = o.find(key);
    if (it == o.end() || !it->is_number_integer() || it->get<int>() < 0 || it->get<int>() > 240)
        bad(file, path + "." + key, "must be a whole number of months from 0 to 240");
    return *it;
}

// $.sources: a list of {id, title, ...}, each id once, as an object by id.
json readSources(const json& d, const std::string& file, const char* missing = "must list the sources") {
    json sources = json::object();
    if (!d.contains("sources") || !d["sources"].is_array() || d["sources"].empty()) bad(file, "$.sources", missing);
    for (size_t i = 0; i < d["sources"].size(); ++i) {
        std::string path = "$.sources[" + std::to_string(i) + "]";
        if (!d["sources"][i].is_object()) bad(file, path, "must be an object");
        std::string id = text(d["sources"][i], "id", file, path);
        text(d["sources"][i], "title", file, path);
        if (sources.contains(id)) bad(file, path + ".id", "'" + id + "' is listed twice");
        sources[id] = d["sources"][i];
    }
    return sources;
}

// o.source: the id of one of the document's sources.
std::string sourceIn(const json& sources, const json& o, const std::string& file, const std::string& path) {
    std::string id = text(o, "source", file, path);
    if (!sources.contains(id)) bad(file, path + ".source", "'" + id + "' is not one of the sources");
    return id;
}

std::vector<std::string> names(const json& o, const char* key, const std::string& file, const std::string& path) {
    std::vector<std::string> list;
    if (!o.contains(key)) return list;
    if (!o[key].is_array()) bad(file, path + "." + key, "must be a list of names");
    for (size_t i = 0; i < o[key].size(); ++i) {
        if (!o[key][i].is_string() || o[key][i].get<std::string>().empty())
            bad(file, path + "." + key + "[" + std::to_string(i) + "]", "must be a name");
        list.push_back(o[key][i]);
    }
    return list;
}

}  // namespace

TargetSet TargetSet::fromJson(const json& d, const std::string& file) {
    if (!d.is_object()) bad(file, "$", "must be an object");
    TargetSet s;
    s.id = text(d, "id", file, "$");
    s.title = text(d, "title", file, "$");
    s.region = text(d, "region", file, "$");
    s.sources = readSources(d, file, "must list the sources the values come from");
    auto sourceOf = [&](const json& o, const std::string& path) { return sourceIn(s.sources, o, file, path); };
    if (!d.contains("targets") || !d["targets"].is_array()) bad(file, "$.targets", "must be a list");
    for (size_t i = 0; i < d["targets"].size(); ++i) {
        const json& t = d["targets"][i];
        std::string path = "$.targets[" + std::to_string(i) + "]";
        if (!t.is_object()) bad(file, path, "must be an object");
        Target x;
        x.nutrient = text(t, "nutrient", file, path);
        x.unit = text(t, "unit", file, path);
        x.kind = text(t, "kind", file, path);
        x.fromMonths = months(t, "from_months", file, path);
        x.toMonths = months(t, "to_months", file, path);
        if (x.toMonths <= x.fromMonths) bad(file, path + ".to_months", "must come after from_months");
        if (!t.contains("value") || !t["value"].is_number() || !(t["value"].get<double>() > 0))
            bad(file, path + ".value", "must be a number above 0");
        x.value = t["value"];
        if (t.contains("value_high")) {
            if (!t["value_high"].is_number() || !(t["value_high"].get<double>() > x.value))
                bad(file, path + ".value_high", "must be a number above value");
            x.high = t["value_high"].get<double>();
        }
        x.source = sourceOf(t, path);
        x.section = text(t, "section", file, path);
        x.note = t.value("note", "");
        for (size_t j = 0; j < s.targets.size(); ++j) {
            const Target& o = s.targets[j];
            if (o.nutrient == x.nutrient && o.kind == x.kind && o.unit == x.unit && x.fromMonths < o.toMonths &&
                o.fromMonths < x.toMonths)
                bad(file, path, "its ages overlap those of $.targets[" + std::to_string(j) + "] (" + x.nutrient + ", " +
                                    x.kind + ")");
        }
        s.targets.push_back(x);
    }
    for (size_t i = 0; d.contains("advice") && i < d["advice"].size(); ++i) {
        const json& a = d["advice"][i];
        std::string path = "$.advice[" + std::to_string(i) + "]";
        Advice x;
        x.id = text(a, "id", file, path);
        x.text = text(a, "text", file, path);
        x.source = sourceOf(a, path);
        x.condition = a.value("condition", "");
        if (a.contains("from_months")) x.fromMonths = months(a, "from_months", file, path);
        if (a.contains("to_months")) x.toMonths = months(a, "to_months", file, path);
        s.advice.push_back(x);
    }
    return s;
}

std::vector<Target> TargetSet::at(int m) const {
    std::vector<Target> list;
    for (const Target& t : targets)
        if (m >= t.fromMonths && m < t.toMonths) list.push_back(t);
    return list;
}

std::vector<const Advice*> TargetSet::adviceAt(int months) const {
    std::vector<const Advice*> list;
    for (const Advice& a : advice)
        if ((!a.fromMonths || months >= *a.fromMonths) && (!a.toMonths || months < *a.toMonths)) list.push_back(&a);
    return list;
}

namespace {
std::string cite(const json& sources, const std::string& id) {
    const json& s = sources.at(id);
    std::string c = s.value("title", "");
    if (s.contains("url")) c += " " + s["url"].get<std::string>();
    return c;
}
}  // namespace

std::string TargetSet::citation(const Target& t) const { return cite(sources, t.source) + " — " + t.section; }
std::string TargetSet::citation(const Advice& a) const { return cite(sources, a.source); }

const std::vector<TargetSet>& builtInTargets() {
    static const std::vector<TargetSet> sets = [] {
        std::vector<TargetSet> list;
        for (size_t i = 0; i < kTargetDocumentCount; ++i)
            list.push_back(TargetSet::fromJson(json::parse(kTargetDocuments[i][1]), kTargetDocuments[i][0]));
        return list;
    }();
    return sets;
}

const TargetSet* findTargets(const std::string& id) {
    for (const TargetSet& s : builtInTargets())
        if (s.id == id) return &s;
    return nullptr;
}

AtRiskTable AtRiskTable::fromJson(const json& d, const std::string& file) {
    if (!d.is_object()) bad(file, "$", "must be an object");
    AtRiskTable t;
    t.sources = readSources(d, file);
    auto sourceOf = [&](const json& o, const std::string& path) { return sourceIn(t.sources, o, file, path); };
    if (!d.contains("foods") || !d["foods"].is_array()) bad(file, "$.foods", "must be a list");
    for (size_t i = 0; i < d["foods"].size(); ++i) {
        const json& f = d["foods"][i];
        std::string path = "$.foods[" + std::to_string(i) + "]";
        AtRisk a;
        a.food = text(f, "food", file, path);
        a.source = sourceOf(f, path);
        a.also = f.value("also", "");
        a.aliases = names(f, "aliases", file, path);
        a.nutrients = names(f, "nutrients", file, path);
        for (size_t j = 0; f.contains("extra") && j < f["extra"].size(); ++j) {
            std::string p = path + ".extra[" + std::to_string(j) + "]";
            a.extra.push_back({text(f["extra"][j], "nutrient", file, p), sourceOf(f["extra"][j], p),
                               text(f["extra"][j], "why", file, p)});
        }
        t.foods.push_back(a);
    }
    return t;
}

const AtRisk* AtRiskTable::find(const std::string& food) const {
    for (const AtRisk& a : foods)
        if (a.food == food || std::find(a.aliases.begin(), a.aliases.end(), food) != a.aliases.end()) return &a;
    return nullptr;
}

std::string AtRiskTable::citation(const std::string& id) const { return cite(sources, id); }

ReplacementTable ReplacementTable::fromJson(const json& d, const std::string& file) {
    if (!d.is_object()) bad(file, "$", "must be an object");
    ReplacementTable t;
    t.sources = readSources(d, file);
    if (!d.contains("rules") || !d["rules"].is_array()) bad(file, "$.rules", "must be a list");
    for (size_t i = 0; i < d["rules"].size(); ++i) {
        const json& r = d["rules"][i];
        std::string path = "$.rules[" + std::to_string(i) + "]";
        if (!r.is_object()) bad(file, path, "must be an object");
        Replacement x;
        x.id = text(r, "id", file, path);
        x.kind = text(r, "kind", file, path);
        if (x.kind != "use" && x.kind != "avoid" && x.kind != "watch")
            bad(file, path + ".kind", "must be use, avoid or watch, not '" + x.kind + "'");
        x.brief = text(r, "short", file, path);
        x.practitioner = text(r, "practitioner", file, path);
        x.family = text(r, "family", file, path);
        x.source = sourceIn(t.sources, r, file, path);
        if (!r.contains("foods")) bad(file, path + ".foods", "must be a list of food ids (empty: any food removed)");
        x.foods = names(r, "foods", file, path);
        x.all = r.value("all", false);
        x.regions = names(r, "regions", file, path);
        x.fromMonths = months(r, "from_months", file, path);
        if (r.contains("to_months")) {
            x.toMonths = months(r, "to_months", file, path);
            if (*x.toMonths <= x.fromMonths) bad(file, path + ".to_months", "must come after from_months");
        }
        for (const Replacement& o : t.rules)
            if (o.id == x.id) bad(file, path + ".id", "'" + x.id + "' is listed twice");
        t.rules.push_back(x);
    }
    return t;
}

std::vector<const Replacement*> ReplacementTable::forChild(const std::vector<std::string>& removed, int months,
                                                           const std::string& region) const {
    std::vector<const Replacement*> list;
    if (removed.empty()) return list;
    auto isRemoved = [&](const std::string& food) {
        return std::find(removed.begin(), removed.end(), food) != removed.end();
    };
    for (const Replacement& r : rules) {
        if (months < r.fromMonths || (r.toMonths && months >= *r.toMonths)) continue;
        if (!r.regions.empty() && std::find(r.regions.begin(), r.regions.end(), region) == r.regions.end()) continue;
        bool matches = r.foods.empty() || r.all;
        for (const std::string& food : r.foods) matches = r.all ? matches && isRemoved(food) : matches || isRemoved(food);
        if (matches) list.push_back(&r);
    }
    return list;
}

std::string ReplacementTable::citation(const std::string& id) const { return cite(sources, id); }

std::string withName(std::string text, const std::string& callName) {
    for (size_t at; (at = text.find("{name}")) != std::string::npos;) text.replace(at, 6, callName);
    return text;
}

std::string Replacement::familyText(const std::string& callName) const { return withName(family, callName); }

std::string joinWithAnd(const std::vector<std::string>& items) {
    std::string out;
    for (size_t i = 0; i < items.size(); ++i) out += (i == 0 ? "" : i + 1 == items.size() ? " and " : ", ") + items[i];
    return out;
}

std::string canonicalFood(const std::string& food) {
    const AtRisk* risk = atRiskTable().find(food);
    return risk ? risk->food : food;
}

const ReplacementTable& replacementTable() {
    static const ReplacementTable table =
        ReplacementTable::fromJson(json::parse(kReplacementsDocument), "targets/replacements.json");
    return table;
}

const AtRiskTable& atRiskTable() {
    static const AtRiskTable table = AtRiskTable::fromJson(json::parse(kAtRiskDocument), "targets/at-risk.json");
    return table;
}

std::string nutrientName(const std::string& n) {
    if (n == "vitamin-d") return "Vitamin D";
    if (n == "energy") return "Energy";
    std::string s = n;
    if (!s.empty()) s[0] = char(std::toupper(static_cast<unsigned char>(s[0])));
    return s;
}

std::string amountText(const Target& t) {
    auto number = [](double v) {
        char text[32];
        std::snprintf(text, sizeof text, "%g", v);
        return std::string(text);
    };
    return number(t.value) + (t.high ? "-" + number(*t.high) : "") + " " + t.unit;
}

int completedMonths(const std::string& born, const std::string& on) {
    int y1 = 0, m1 = 0, d1 = 0, y2 = 0, m2 = 0, d2 = 0;
    daysBetween(born, on);  // both are dates, or this throws
    std::sscanf(born.c_str(), "%d-%d-%d", &y1, &m1, &d1);
    std::sscanf(on.c_str(), "%d-%d-%d", &y2, &m2, &d2);
    int months = (y2 - y1) * 12 + (m2 - m1) - (d2 < d1 ? 1 : 0);
    return std::max(0, months);
}

}  // namespace nutrition
