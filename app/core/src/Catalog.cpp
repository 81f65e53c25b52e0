#include "nourish/core/Catalog.h"

#include <cmath>
#include <map>
#include <regex>
#include <set>

#include "nourish/core/Errors.h"
#include "nourish/core/FormDefinition.h"
#include "nourish/core/SchemaValidator.h"
#include "nourish/core/Text.h"

namespace nourish {

using nlohmann::json;

namespace {

std::string number(double v) { return formatNumber(v); }

void checkSchema(const json& document, const char* schema) {
    auto problems = SchemaValidator::forSchema(schema).validate(document);
    if (!problems.empty()) throw DocumentError(problems.front());
}

std::string at(const std::string& list, size_t index) { return "$." + list + "[" + std::to_string(index) + "]"; }

}  // namespace

// ---------------------------------------------------------------- protocols --

ProtocolDefinition ProtocolDefinition::parse(const json& document) {
    checkSchema(document, "protocol.schema.json");
    ProtocolDefinition p;
    p.id = document["id"];
    p.version = document["version"];
    p.title = document["title"];
    p.document = document;

    static const std::vector<std::string> order = {"baseline", "elimination", "reintroduction", "maintenance"};
    const json& phases = document["phases"];
    int last = -1;
    bool elimination = false, reintroduction = false;
    for (size_t i = 0; i < phases.size(); ++i) {
        const json& ph = phases[i];
        std::string kind = ph["kind"];
        int rank = int(std::find(order.begin(), order.end(), kind) - order.begin());
        if (rank <= last)
            throw DocumentError(at("phases", i) + ".kind: '" + kind +
                                "' is out of order or repeated (baseline, elimination, reintroduction, maintenance)");
        last = rank;
        elimination |= kind == "elimination";
        reintroduction |= kind == "reintroduction";
        int lo = ph.value("min_days", 0), hi = ph.value("max_days", 3650);
        if (lo > hi) throw DocumentError(at("phases", i) + ": min_days is greater than max_days");
        if (ph.contains("default_days")) {
            int d = ph["default_days"];
            if (d < lo || d > hi)
                throw DocumentError(at("phases", i) + ".default_days: " + std::to_string(d) + " is outside " +
                                    std::to_string(lo) + "-" + std::to_string(hi));
        } else if (kind != "reintroduction") {
            throw DocumentError(at("phases", i) + ": a " + kind + " phase needs default_days");
        }
    }
    if (!elimination) throw DocumentError("$.phases: there is no elimination phase");

    std::map<std::string, std::string> foods;
    for (size_t i = 0; i < document["foods"].size(); ++i) {
        std::string id = document["foods"][i]["id"];
        if (auto it = foods.find(id); it != foods.end())
            throw DocumentError(at("foods", i) + ".id: the food '" + id + "' is already listed at " + it->second);
        foods[id] = at("foods", i);
    }
    const json& challenges = document["challenges"];
    if (!challenges.empty() && !reintroduction)
        throw DocumentError("$.phases: the protocol has challenges but no reintroduction phase");
    std::map<std::string, std::string> challenged;
    for (size_t i = 0; i < challenges.size(); ++i) {
        const json& c = challenges[i];
        std::string food = c["food"];
        std::string path = at("challenges", i);
        if (!foods.count(food))
            throw DocumentError(path + ".food: '" + food + "' is not one of the foods this protocol removes");
        if (auto it = challenged.find(food); it != challenged.end())
            throw DocumentError(path + ".food: '" + food + "' is already challenged at " + it->second);
        challenged[food] = path;
        if (c["method"] == "ladder" && c["steps"].empty())
            throw DocumentError(path + ".steps: a ladder needs at least one step");
        if (c["method"] == "escalation" && c.contains("steps"))
            throw DocumentError(path + ".steps: only a ladder has steps");
        if (c["method"] == "ladder" && (c.contains("doses") || c.contains("days_per_dose")))
            throw DocumentError(path + ": a ladder sets doses and days_per_dose on each step");
    }
    int format = document.value("format", 1);
    const json& reactions = document["reactions"];
    bool oldNames = reactions.contains("mild") || reactions.contains("reaction");
    bool newNames = reactions.contains("delayed_mild") || reactions.contains("delayed_moderate");
    if (oldNames && newNames)
        throw DocumentError("$.reactions: use delayed_mild and delayed_moderate, or (format 1) mild and reaction, not both");
    if (format >= 2 && oldNames)
        throw DocumentError("$.reactions: format 2 names its rules delayed_mild and delayed_moderate");
    for (auto& [kind, rule] : reactions.items()) {
        std::string path = "$.reactions." + kind;
        std::string action = rule["action"];
        if (action == "continue" && (rule.contains("wait_days") || rule.contains("retry_after_months")))
            throw DocumentError(path + ": 'continue' takes neither wait_days nor retry_after_months");
        if (action == "step_back" && !rule.contains("retry_after_months"))
            throw DocumentError(path + ": 'step_back' needs retry_after_months (when to try the step again)");
        if (action == "hold" && !rule.contains("hold_days"))
            throw DocumentError(path + ": 'hold' needs hold_days (how long the amount stays the same)");
        if (action != "hold" && rule.contains("hold_days"))
            throw DocumentError(path + ": hold_days belongs to 'hold' only");
    }
    // Format 2 says, for every challenge, where it happens and what a parent
    // measures on every dose; and for every food what it is.
    for (size_t i = 0; i < document["foods"].size(); ++i) {
        const json& f = document["foods"][i];
        if (format >= 2 && !f.contains("allergen"))
            throw DocumentError(at("foods", i) + ": format 2 needs allergen (what the food is, or \"none\" for advice)");
        if (f.value("allergen", "") == "none" && challenged.count(f["id"]))
            throw DocumentError(challenged[f["id"]] + ".food: '" + f["id"].get<std::string>() +
                                "' is advice (allergen none) and is never challenged");
    }
    for (size_t i = 0; i < challenges.size(); ++i) {
        const json& c = challenges[i];
        std::string path = at("challenges", i);
        if (format >= 2 && !c.contains("setting"))
            throw DocumentError(path + ": format 2 needs setting (home or supervised)");
        auto checkAmounts = [&](const json& dosed, const std::string& where) {
            if (!dosed.contains("amounts")) {
                if (format >= 2)
                    throw DocumentError(where + ": format 2 needs amounts (what a parent measures on each dose)");
                return;
            }
            if (dosed["amounts"].size() != dosed["doses"].size())
                throw DocumentError(where + ".amounts: " + std::to_string(dosed["amounts"].size()) + " amounts for " +
                                    std::to_string(dosed["doses"].size()) + " doses");
        };
        if (c["method"] == "ladder") {
            for (size_t k = 0; k < c["steps"].size(); ++k)
                checkAmounts(c["steps"][k], path + ".steps[" + std::to_string(k) + "]");
        } else {
            checkAmounts(c, path);
            if (c.contains("amounts") && !c.contains("portion") && format >= 2)
                throw DocumentError(path + ": format 2 needs portion (the food and how much is a whole portion)");
        }
    }
    std::set<std::string> ruleIds;
    for (size_t i = 0; i < document.value("rules", json::array()).size(); ++i) {
        const json& r = document["rules"][i];
        std::string path = at("rules", i);
        if (!ruleIds.insert(r["id"].get<std::string>()).second)
            throw DocumentError(path + ".id: '" + r["id"].get<std::string>() + "' appears twice");
        if (r.contains("food") && !foods.count(r["food"]))
            throw DocumentError(path + ".food: '" + r["food"].get<std::string>() + "' is not one of the foods this protocol removes");
        if (r.contains("from_step")) {
            const json* ch = nullptr;
            for (const json& c : challenges)
                if (r.contains("food") && c["food"] == r["food"]) ch = &c;
            int steps = ch && (*ch)["method"] == "ladder" ? int((*ch)["steps"].size()) : 1;
            if (r["from_step"].get<int>() > steps)
                throw DocumentError(path + ".from_step: " + std::to_string(r["from_step"].get<int>()) +
                                    " is beyond the last step (" + std::to_string(steps) + ")");
        }
    }
    if (format >= 2 && document.contains("min_age_months"))
        throw DocumentError("$.min_age_months: format 2 states its age rules under rules");
    for (size_t i = 0; i < phases.size(); ++i)
        if (phases[i].value("review", false) && phases[i]["kind"] != "elimination")
            throw DocumentError(at("phases", i) + ".review: only the elimination phase ends with a review");
    return p;
}

// -------------------------------------------------------------- instruments --

json InstrumentScore::toJson() const {
    json items_ = json::array();
    for (const ScoredItem& i : items) items_.push_back({{"id", i.id}, {"score", i.score ? json(*i.score) : json()}});
    return {{"total", total ? json(*total) : json()},
            {"band", band.empty() ? json() : json(band)},
            {"missing", missing},
            {"items", items_}};
}

Instrument Instrument::parse(const json& document) {
    checkSchema(document, "instrument.schema.json");
    Instrument in;
    in.id = document["id"];
    in.version = document["version"];
    in.title = document["title"];
    in.document = document;

    std::set<std::string> values;
    for (size_t i = 0; i < document["scale"].size(); ++i) {
        std::string v = document["scale"][i]["value"];
        if (!values.insert(v).second)
            throw DocumentError(at("scale", i) + ".value: '" + v + "' appears twice");
    }
    std::set<std::string> ids;
    for (size_t i = 0; i < document["items"].size(); ++i) {
        std::string id = document["items"][i]["id"];
        if (!ids.insert(id).second) throw DocumentError(at("items", i) + ".id: '" + id + "' appears twice");
    }
    int maxMissing = document["scoring"].value("max_missing", 0);
    if (maxMissing >= int(document["items"].size()))
        throw DocumentError("$.scoring.max_missing: must be fewer than the number of items");

    const json& bands = document["bands"];
    double lo = in.minimumTotal(), hi = in.maximumTotal();
    for (size_t i = 0; i < bands.size(); ++i) {
        double bmin = bands[i]["min"], bmax = bands[i]["max"];
        if (bmin > bmax) throw DocumentError(at("bands", i) + ": min is greater than max");
        if (i == 0 && bmin > lo)
            throw DocumentError(at("bands", i) + ".min: the lowest possible total " + number(lo) + " has no band");
        if (i > 0) {
            double previous = bands[i - 1]["max"];
            // Whole-number totals step by one; others must meet exactly.
            bool wholeScale = true;
            for (const json& s : document["scale"]) wholeScale &= std::floor(s["score"].get<double>()) == s["score"].get<double>();
            // Whole-number totals: the next band starts one above. Fractional
            // totals cannot be listed, so a band only has to start above the
            // previous one (a total in between goes to the upper band).
            double gap = bmin - previous;
            if (gap <= 0 || (wholeScale && gap > 1.0 + 1e-9))
                throw DocumentError(at("bands", i) + ".min: " + number(bmin) + " does not follow the previous band's max " +
                                    number(previous) + " (bands must be contiguous and in order)");
        }
        if (i + 1 == bands.size() && bmax < hi)
            throw DocumentError(at("bands", i) + ".max: the highest possible total " + number(hi) + " has no band");
    }
    return in;
}

double Instrument::minimumTotal() const {
    double lo = 1e300;
    for (const json& s : document["scale"]) lo = std::min(lo, s["score"].get<double>());
    return lo * double(document["items"].size());
}

double Instrument::maximumTotal() const {
    double hi = -1e300;
    for (const json& s : document["scale"]) hi = std::max(hi, s["score"].get<double>());
    return hi * double(document["items"].size());
}

std::string Instrument::band(double total) const {
    const json& bands = document["bands"];
    for (size_t i = 0; i < bands.size(); ++i) {
        // A total between two bands (possible only with fractional scores) goes to the upper one.
        if (total <= bands[i]["max"].get<double>() + 1e-9) return bands[i]["label"];
    }
    return bands.back()["label"];
}

InstrumentScore Instrument::score(const json& answers) const {
    if (!answers.is_object()) throw ValidationError("answers", "must be a JSON object of item id -> answer");
    std::map<std::string, double> scale;
    std::string allowed;
    for (const json& s : document["scale"]) {
        scale[s["value"]] = s["score"];
        allowed += (allowed.empty() ? "" : ", ") + s["value"].get<std::string>();
    }
    std::set<std::string> known;
    for (const json& item : document["items"]) known.insert(item["id"].get<std::string>());
    for (auto& [key, value] : answers.items())
        if (!known.count(key)) throw ValidationError(key, "is not an item of " + id);

    InstrumentScore result;
    double total = 0;
    for (const json& item : document["items"]) {
        std::string itemId = item["id"];
        ScoredItem scored{itemId, std::nullopt};
        auto it = answers.find(itemId);
        if (it != answers.end() && !isUnanswered(*it)) {
            if (!it->is_string() || !scale.count(it->get<std::string>()))
                throw ValidationError(itemId, it->dump() + " is not one of " + allowed);
            scored.score = scale[it->get<std::string>()];
            total += *scored.score;
        } else {
            ++result.missing;
        }
        result.items.push_back(scored);
    }
    if (result.missing <= document["scoring"].value("max_missing", 0)) {
        result.total = total;
        result.band = band(total);
    }
    return result;
}

json Instrument::toForm() const {
    json options = json::array();
    for (const json& s : document["scale"]) options.push_back({{"value", s["value"]}, {"label", s["label"]}});
    json fields = json::array();
    int maxMissing = document["scoring"].value("max_missing", 0);
    for (const json& item : document["items"])
        fields.push_back({{"id", item["id"]},
                          {"type", "single_choice"},
                          {"label", item["text"]},
                          {"required", maxMissing == 0},
                          {"options", options}});
    std::string help = document.value("recall", "");
    json section = {{"id", "items"}, {"title", document.value("short_title", title)}, {"fields", fields}};
    if (!help.empty()) section["help"] = "Answer for " + help + ".";
    json form = {{"id", id}, {"version", version}, {"title", title}, {"purpose", "instrument"},
                 {"sections", json::array({section})}};
    std::string description = document.value("description", "");
    std::string licence = document["licence"];
    form["description"] = description.empty() ? licence : description + "\n\n" + licence;
    return form;
}

// ------------------------------------------------------------ note templates --

NoteTemplate NoteTemplate::parse(const json& document) {
    checkSchema(document, "note-template.schema.json");
    NoteTemplate t;
    t.id = document["id"];
    t.version = document["version"];
    t.title = document["title"];
    t.document = document;

    std::set<std::string> ids;
    int lists = 0;
    for (size_t i = 0; i < document["sections"].size(); ++i) {
        const json& section = document["sections"][i];
        std::string id = section["id"];
        if (!ids.insert(id).second) throw DocumentError(at("sections", i) + ".id: '" + id + "' appears twice");
        if (section.value("recommendations", false)) {
            if (++lists > 1)
                throw DocumentError(at("sections", i) + ".recommendations: a template has at most one recommendation list");
            if (section.contains("fields") && !section["fields"].empty())
                throw DocumentError(at("sections", i) + ".fields: the recommendation list has no other fields");
        }
    }
    // The recommendation list is answered under its section's id: no field may take it.
    if (std::string list = t.recommendationSection(); !list.empty())
        for (size_t i = 0; i < document["sections"].size(); ++i) {
            const json& fields = document["sections"][i].value("fields", json::array());
            for (size_t j = 0; j < fields.size(); ++j)
                if (fields[j].is_object() && fields[j].value("id", "") == list)
                    throw DocumentError(at("sections", i) + ".fields[" + std::to_string(j) + "].id: '" + list +
                                        "' is the recommendation list's id");
        }
    // The fields as a form: FormDefinition checks each field (types, options,
    // show_if, unique ids) and its path is the template's, one field along.
    json form = t.toForm();
    std::vector<size_t> formToTemplate;
    for (size_t i = 0; i < document["sections"].size(); ++i)
        if (!document["sections"][i].value("recommendations", false)) formToTemplate.push_back(i);
    try {
        FormDefinition::parse(form);
    } catch (const FormError& e) {
        std::string problem = e.what();
        std::smatch m;
        static const std::regex fieldPath(R"(^\$\.sections\[(\d+)\]\.fields\[(\d+)\](.*)$)");
        if (std::regex_match(problem, m, fieldPath)) {
            size_t section = std::stoul(m[1]), field = std::stoul(m[2]);
            if (section < formToTemplate.size()) {
                // Field 0 is the section's own text, under the section's id.
                if (field == 0) throw DocumentError(at("sections", formToTemplate[section]) + m[3].str());
                throw DocumentError(at("sections", formToTemplate[section]) + ".fields[" + std::to_string(field - 1) +
                                    "]" + m[3].str());
            }
        }
        throw DocumentError(problem);
    }
    return t;
}

json NoteTemplate::toForm() const {
    json sections = json::array();
    for (const json& section : document["sections"]) {
        if (section.value("recommendations", false)) continue;
        json fields = json::array();
        fields.push_back({{"id", section["id"]}, {"type", "multiline"}, {"label", section["title"]}});
        if (section.contains("guidance")) fields[0]["help"] = section["guidance"];
        for (const json& field : section.value("fields", json::array())) fields.push_back(field);
        sections.push_back({{"id", section["id"]}, {"title", section["title"]}, {"fields", fields}});
    }
    json form = {{"id", id}, {"version", version}, {"title", title}, {"purpose", "note"}, {"sections", sections}};
    if (document.contains("description")) form["description"] = document["description"];
    return form;
}

std::string NoteTemplate::recommendationSection() const {
    for (const json& section : document["sections"])
        if (section.value("recommendations", false)) return section["id"];
    return {};
}

// -------------------------------------------------------- growth references --

GrowthReference GrowthReference::parse(const json& document) {
    checkSchema(document, "growth-reference.schema.json");
    GrowthReference r;
    r.id = document["id"];
    r.version = document["version"];
    r.title = document["title"];
    r.document = document;

    struct Shape {
        const char* measure;
        const char* by;
    };
    static const std::map<std::string, Shape> shapes{
        {"weight-for-age", {"weight", "age"}},         {"length-for-age", {"length", "age"}},
        {"height-for-age", {"height", "age"}},         {"head-circumference-for-age", {"head-circumference", "age"}},
        {"weight-for-length", {"weight", "length"}}, {"weight-for-height", {"weight", "height"}}};
    std::string indicator = document["indicator"];
    const Shape& shape = shapes.at(indicator);
    if (document["measure"] != shape.measure)
        throw DocumentError("$.measure: " + indicator + " describes " + shape.measure + ", not " +
                            document["measure"].get<std::string>());
    const char* unit = std::string(shape.measure) == "weight" ? "kg" : "cm";
    if (document["unit"] != unit)
        throw DocumentError("$.unit: " + std::string(shape.measure) + " is in " + unit + ", not " +
                            document["unit"].get<std::string>());
    const json& axis = document["axis"];
    if (axis["by"] != shape.by)
        throw DocumentError("$.axis.by: " + indicator + " is by " + shape.by + ", not " + axis["by"].get<std::string>());
    std::string axisUnit = axis["unit"];
    bool byAge = std::string(shape.by) == "age";
    if (byAge != (axisUnit == "months" || axisUnit == "days"))
        throw DocumentError("$.axis.unit: " + std::string(shape.by) + " is in " + (byAge ? "months or days" : "cm") +
                            ", not " + axisUnit);

    std::set<double> zs;
    for (size_t i = 0; i < document["lines"].size(); ++i)
        if (!zs.insert(document["lines"][i]["z"].get<double>()).second)
            throw DocumentError(at("lines", i) + ".z: another line is already at z " +
                                number(document["lines"][i]["z"].get<double>()));

    std::set<std::string> sexes;
    for (size_t t = 0; t < document["tables"].size(); ++t) {
        const json& table = document["tables"][t];
        std::string sex = table["sex"];
        if (!sexes.insert(sex).second) throw DocumentError(at("tables", t) + ".sex: " + sex + " has a table already");
        const json& rows = table["rows"];
        for (size_t i = 0; i < rows.size(); ++i) {
            std::string where = at("tables", t) + ".rows[" + std::to_string(i) + "]";
            double x = rows[i][0], m = rows[i][2], s = rows[i][3];
            if (x < 0) throw DocumentError(where + "[0]: the point " + number(x) + " is below zero");
            if (i > 0 && x <= rows[i - 1][0].get<double>())
                throw DocumentError(where + "[0]: the point " + number(x) + " does not come after " +
                                    number(rows[i - 1][0].get<double>()));
            if (!(m > 0)) throw DocumentError(where + "[2]: M must be above zero, not " + number(m));
            if (!(s > 0)) throw DocumentError(where + "[3]: S must be above zero, not " + number(s));
        }
    }
    return r;
}

}  // namespace nourish
