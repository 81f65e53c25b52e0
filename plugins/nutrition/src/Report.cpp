#include "Report.h"

#include <algorithm>
#include <cmath>

#include "Targets.h"
#include "nourish/family.hpp"

namespace nutrition {

using nlohmann::json;

json growingWell(const GrowthView& v, const std::vector<Reference>& references, const std::string& callName) {
    json blocks = json::array();
    std::vector<const Measurement*> weights;
    for (const Measurement& m : v.measurements)
        if (m.kind == "weight") weights.push_back(&m);
    if (weights.empty()) return {{"blocks", blocks}};

    const Reference* wfa = nullptr;
    for (const Reference& r : references)
        if (r.indicator == "weight-for-age" && r.tables.count(v.child.sex)) wfa = &r;
    bool girl = v.child.sex == "female";
    std::string intro = callName + "'s weight at each measurement";
    json chart{{"type", "chart"}, {"title", "Weight"}, {"y_label", "kg"}, {"series", json::array()}};
    json child{{"name", callName + "'s weight"}, {"points", json::array()}};
    for (const Measurement* m : weights) child["points"].push_back({{"date", m->date}, {"value", m->value}});
    chart["series"].push_back(child);
    if (wfa) {
        intro += ", drawn on the " + std::string(girl ? "girls'" : "boys'") +
                 " chart of the WHO Child Growth Standards. The middle line is the average for " +
                 (girl ? "girls" : "boys") + " of each age; most healthy children grow along a path of their own "
                 "between the lower and the upper line.";
        // The lines from birth to a little past the latest weight, one point a month.
        double lastMonth = std::min(60.0, std::ceil(monthsOfAge(weights.back()->ageDays)) + 1);
        for (auto [z, name] : {std::pair{0.0, "Middle line (average)"}, {2.0, "Upper line"}, {-2.0, "Lower line"}}) {
            json line{{"name", name}, {"points", json::array()}};
            for (int month = 0; month <= int(lastMonth); ++month) {
                auto lms = wfa->at(v.child.sex, month);
                if (!lms) continue;
                int day = int(std::lround(month * 30.4375));
                line["points"].push_back({{"date", addDays(v.child.dateOfBirth, day)},
                                          {"value", std::round(valueAt(*lms, z) * 100) / 100}});
            }
            if (!line["points"].empty()) chart["series"].push_back(line);
        }
    } else {
        intro += ".";
    }
    blocks.push_back({{"type", "paragraph"}, {"text", intro}});
    blocks.push_back(chart);

    // The latest measurements, newest first, one row a day.
    json rows = json::array();
    std::vector<std::string> dates;
    for (auto m = v.measurements.rbegin(); m != v.measurements.rend() && dates.size() < 3; ++m)
        if (std::find(dates.begin(), dates.end(), m->date) == dates.end()) dates.push_back(m->date);
    for (const std::string& date : dates) {
        std::string weight, length, head;
        for (const Measurement& m : v.measurements) {
            if (m.date != date) continue;
            if (m.kind == "weight") weight = fixed(m.value, 2) + " kg";
            else if (m.kind == "head-circumference") head = fixed(m.value, 1) + " cm";
            else length = fixed(m.value, 1) + " cm";
        }
        rows.push_back({nourish::family::date(date, nourish::family::today(), true), weight, length, head});
    }
    blocks.push_back({{"type", "table"}, {"columns", {"Measured on", "Weight", "Length or height", "Head"}}, {"rows", rows}});

    // A word for the family, never a rule, a z-score or a centile.
    bool urgent = std::any_of(v.flags.begin(), v.flags.end(), [](const Flag& f) { return f.severity == "urgent"; });
    bool slowing = std::any_of(v.flags.begin(), v.flags.end(), [](const Flag& f) {
        return f.rule == "weight-lost" || f.rule == "no-gain-4-weeks" || f.rule == "centile-fall";
    });
    bool low = std::any_of(v.flags.begin(), v.flags.end(),
                           [](const Flag& f) { return f.rule == "below-2nd-centile" || f.rule == "wasting"; });
    if (urgent)
        blocks.push_back({{"type", "paragraph"},
                          {"text", "We would like to see " + callName + " again soon to look at " + (girl ? "her" : v.child.sex == "male" ? "his" : "their") +
                                       " weight, and we will be in touch to arrange it. If you are worried before then, "
                                       "please call us."}});
    else if (slowing || low)
        blocks.push_back({{"type", "paragraph"},
                          {"text", std::string(slowing ? callName + "'s weight has not been rising as it did before. "
                                                       : callName + "'s weight is something we would like to keep an eye on. ") +
                                       "We will look at this together at the next appointment; please keep the "
                                       "measurements coming, and get in touch sooner if you are worried."}});
    return {{"blocks", blocks}};
}

json replaceWhatIsRemoved(const json& check, const std::string& callName) {
    json blocks = json::array();
    std::vector<std::string> foods;
    for (const json& r : check.value("removed", json::array()))
        if (r.value("followed_by", "") == "child") {
            std::string label = r.value("label", r.value("food", ""));
            if (std::find(foods.begin(), foods.end(), label) == foods.end()) foods.push_back(label);
        }
    const json& rules = check.value("replacements", json::array());
    if (foods.empty() || rules.empty()) return {{"blocks", blocks}};
    for (std::string& f : foods)
        if (!f.empty()) f[0] = char(std::tolower(static_cast<unsigned char>(f[0])));
    blocks.push_back({{"type", "paragraph"},
                      {"text", "While " + callName + " is not having " + joinWithAnd(foods) + ", these are the ways to keep " +
                                   callName + "'s diet as good as before."}});
    std::vector<std::string> cited;
    auto items = [&](const std::string& kind) {
        json out = json::array();
        for (const json& r : rules) {
            if (r.value("kind", "") != kind) continue;
            out.push_back(withName(r.value("family", ""), callName));
            std::string by = r.value("cited_as", "");
            if (std::find(cited.begin(), cited.end(), by) == cited.end()) cited.push_back(by);
        }
        return out;
    };
    json use = items("use"), watch = items("watch"), avoid = items("avoid");
    for (const json& x : watch) use.push_back(x);
    if (!use.empty()) blocks.push_back({{"type", "bullets"}, {"items", use}});
    if (!avoid.empty())
        blocks.push_back({{"type", "callout"}, {"tone", "info"}, {"title", "Not in place of milk"}, {"items", avoid}});
    std::string from;
    for (size_t i = 0; i < cited.size(); ++i) from += (i == 0 ? "" : "; ") + cited[i];
    blocks.push_back({{"type", "paragraph"}, {"text", "This advice follows " + from + "."}});
    return {{"blocks", blocks}};
}

}  // namespace nutrition
