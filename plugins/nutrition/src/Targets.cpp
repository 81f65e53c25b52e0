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

}  // namespace

TargetSet TargetSet::fromJson(const json& d, const std::string& file) {
    if (!d.is_object()) bad(file, "$", "must be an object");
    TargetSet s;
    s.id = text(d, "id", file, "$");
    s.title = text(d, "title", file, "$");
    s.region = text(d, "region", file, "$");
    if (!d.contains("sources") || !d["sources"].is_array() || d["sources"].empty())
        bad(file, "$.sources", "must list the sources the values come from");
    for (size_t i = 0; i < d["sources"].size(); ++i) {
        const json& src = d["sources"][i];
        std::string path = "$.sources[" + std::to_string(i) + "]";
        if (!src.is_object()) bad(file, path, "must be an object");
        std::string id = text(src, "id", file, path);
        text(src, "title", file, path);
        if (s.sources.contains(id)) bad(file, path + ".id", "'" + id + "' is listed twice");
        s.sources[id] = src;
    }
    auto sourceOf = [&](const json& o, const std::string& path) {
        std::string id = text(o, "source", file, path);
        if (!s.sources.contains(id)) bad(file, path + ".source", "'" + id + "' is not one of the sources");
        return id;
    };
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
    if (!d.contains("sources") || !d["sources"].is_array() || d["sources"].empty())
        bad(file, "$.sources", "must list the sources");
    for (size_t i = 0; i < d["sources"].size(); ++i) {
        std::string path = "$.sources[" + std::to_string(i) + "]";
        t.sources[text(d["sources"][i], "id", file, path)] = d["sources"][i];
        text(d["sources"][i], "title", file, path);
    }
    auto sourceOf = [&](const json& o, const std::string& path) {
        std::string id = text(o, "source", file, path);
        if (!t.sources.contains(id)) bad(file, path + ".source", "'" + id + "' is not one of the sources");
        return id;
    };
    auto names = [&](const json& o, const char* key, const std::string& path) {
        std::vector<std::string> list;
        if (!o.contains(key)) return list;
        if (!o[key].is_array()) bad(file, path + "." + key, "must be a list of names");
        for (size_t i = 0; i < o[key].size(); ++i) {
            if (!o[key][i].is_string() || o[key][i].get<std::string>().empty())
                bad(file, path + "." + key + "[" + std::to_string(i) + "]", "must be a name");
            list.push_back(o[key][i]);
        }
        return list;
    };
    if (!d.contains("foods") || !d["foods"].is_array()) bad(file, "$.foods", "must be a list");
    for (size_t i = 0; i < d["foods"].size(); ++i) {
        const json& f = d["foods"][i];
        std::string path = "$.foods[" + std::to_string(i) + "]";
        AtRisk a;
        a.food = text(f, "food", file, path);
        a.source = sourceOf(f, path);
        a.also = f.value("also", "");
        a.aliases = names(f, "aliases", path);
        a.nutrients = names(f, "nutrients", path);
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
