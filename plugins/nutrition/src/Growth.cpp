#include "Growth.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace nutrition {

using nlohmann::json;

double valueAt(const Lms& r, double z) {
    if (std::abs(r.l) < 1e-12) return r.m * std::exp(r.s * z);
    return r.m * std::pow(1 + r.l * r.s * z, 1 / r.l);
}

double zScore(const Lms& r, double value, bool restricted) {
    double z = std::abs(r.l) < 1e-12 ? std::log(value / r.m) / r.s
                                      : (std::pow(value / r.m, r.l) - 1) / (r.l * r.s);
    if (!restricted) return z;
    // WHO 2006 (Methods and development, chapter 7): past ±3 SD the distance
    // between the 2 and 3 SD lines is the unit, so that the long tail of
    // weight does not pull the score in.
    if (std::abs(z) <= 3) return z;
    double side = z > 0 ? 1 : -1;
    double sd3 = valueAt(r, 3 * side), sd23 = std::abs(sd3 - valueAt(r, 2 * side));
    return 3 * side + (value - sd3) / sd23;
}

double centile(double z) { return 50 * std::erfc(-z / std::sqrt(2.0)); }

Reference Reference::fromJson(const json& d) {
    Reference r;
    r.id = d.at("id");
    r.plugin = d.value("plugin", "");
    r.title = d.at("title");
    r.indicator = d.at("indicator");
    r.measure = d.at("measure");
    r.unit = d.at("unit");
    r.axisBy = d.at("axis").at("by");
    r.axisUnit = d.at("axis").at("unit");
    r.restricted = d.value("restricted_beyond_3sd", false);
    r.source = d.at("source");
    for (const json& line : d.at("lines")) r.lines.emplace_back(line.at("z").get<double>(), line.at("label"));
    for (const json& table : d.at("tables")) {
        auto& rows = r.tables[table.at("sex")];
        for (const json& row : table.at("rows")) rows.push_back({row[0], row[1], row[2], row[3]});
    }
    return r;
}

std::optional<Lms> Reference::at(const std::string& sex, double x) const {
    auto table = tables.find(sex);
    if (table == tables.end() || table->second.empty()) return std::nullopt;
    const auto& rows = table->second;
    if (x < rows.front()[0] || x > rows.back()[0]) return std::nullopt;
    auto after = std::lower_bound(rows.begin(), rows.end(), x, [](const auto& row, double v) { return row[0] < v; });
    if ((*after)[0] == x || after == rows.begin()) return Lms{(*after)[1], (*after)[2], (*after)[3]};
    const auto& b = *after;
    const auto& a = *(after - 1);
    double t = (x - a[0]) / (b[0] - a[0]);
    auto mix = [&](int i) { return a[i] + t * (b[i] - a[i]); };
    return Lms{mix(1), mix(2), mix(3)};
}

std::optional<double> Reference::zScore(const std::string& sex, double x, double value) const {
    auto lms = at(sex, x);
    if (!lms || !(value > 0)) return std::nullopt;
    return nutrition::zScore(*lms, value, restricted);
}

namespace {

std::chrono::sys_days dayOf(const std::string& date) {
    // Exactly YYYY-MM-DD: dates are stored, sorted and compared as text.
    bool canonical = date.size() == 10 && date[4] == '-' && date[7] == '-';
    for (size_t i = 0; canonical && i < date.size(); ++i)
        canonical = i == 4 || i == 7 || (date[i] >= '0' && date[i] <= '9');
    int y = 0, m = 0, d = 0;
    if (!canonical || std::sscanf(date.c_str(), "%4d-%2d-%2d", &y, &m, &d) != 3)
        throw std::invalid_argument("not a date: " + date);
    std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(unsigned(m)), std::chrono::day(unsigned(d))};
    if (!ymd.ok()) throw std::invalid_argument("not a date: " + date);
    return std::chrono::sys_days(ymd);
}

}  // namespace

std::string centileText(double z) {
    double c = centile(z);
    if (c < 0.5) return "below the 0.5th centile";
    if (c > 99.5) return "above the 99.5th centile";
    int n = int(std::lround(c));
    const char* suffix = (n % 100 >= 11 && n % 100 <= 13) ? "th" : n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th";
    return "the " + std::to_string(n) + suffix + " centile";
}

namespace {

const char* kNiceFaltering =
    "NICE NG75 Faltering growth (2017), recommendation 1.2.1: a fall across 1 or more weight centile spaces if "
    "birth weight was below the 9th centile, 2 or more between the 9th and 91st, 3 or more above the 91st, or a "
    "weight below the 2nd centile, may be faltering growth. A centile space is the two-thirds of a standard "
    "deviation between two lines of the UK-WHO chart (RCPCH, UK-WHO growth charts guidance, 2009)";

}  // namespace

std::optional<double> parseDecimal(const std::string& text) {
    size_t digits = 0, points = 0;
    for (size_t j = text.size() && text[0] == '-' ? 1 : 0; j < text.size(); ++j) {
        if (text[j] >= '0' && text[j] <= '9') ++digits;
        else if (text[j] != '.' || ++points > 1) return std::nullopt;
    }
    if (digits == 0) return std::nullopt;
    // Not std::stod: it reads by the locale, and the app runs in the user's
    // ("8.1" would be 8 where the decimal mark is a comma).
    double v = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return v;
}

std::string fixed(double v, int decimals) {
    char text[32];
    std::snprintf(text, sizeof text, "%.*f", decimals, v);
    std::string s = text;
    if (s.find_first_not_of("-0.") == std::string::npos && s[0] == '-') s.erase(0, 1);
    return s;
}

int daysBetween(const std::string& from, const std::string& to) { return int((dayOf(to) - dayOf(from)).count()); }

double monthsOfAge(int days) { return days / 30.4375; }

std::string addDays(const std::string& date, int days) {
    std::chrono::year_month_day ymd{dayOf(date) + std::chrono::days(days)};
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u", int(ymd.year()), unsigned(ymd.month()), unsigned(ymd.day()));
    return text;
}

std::vector<Flag> growthFlags(const std::vector<Point>& points, const std::vector<Score>& scores) {
    std::vector<Flag> flags;
    std::vector<Point> weights;
    for (const Point& p : points)
        if (p.kind == "weight") weights.push_back(p);
    std::stable_sort(weights.begin(), weights.end(), [](const Point& a, const Point& b) { return a.date < b.date; });

    if (weights.size() >= 2) {
        const Point& last = weights.back();
        // The weight before it on an earlier day (two weighings of one day are not a loss).
        const Point* earlier = nullptr;
        for (const Point& p : weights)
            if (p.date < last.date) earlier = &p;
        const Point& before = earlier ? *earlier : last;
        if (earlier && last.value < before.value && last.ageDays >= 21)
            flags.push_back({"weight-lost", "concern", last.date,
                             "Weight fell from " + fixed(before.value, 2) + " kg (" + before.date + ") to " +
                                 fixed(last.value, 2) + " kg (" + last.date + ")",
                             "A weight lower than the one before it, after the first 3 weeks of life. NICE NG75 "
                             "Faltering growth (2017), recommendation 1.1.1: weight loss in the first days is common "
                             "and most infants are back to their birth weight by 3 weeks", "NICE NG75 (2017), 1.1.1"});
        if (last.ageDays < 365) {
            const Point* month = nullptr;
            for (const Point& p : weights)
                if (p.date < last.date && daysBetween(p.date, last.date) >= 28) month = &p;
            if (month && last.value <= month->value)
                flags.push_back({"no-gain-4-weeks", "concern", last.date,
                                 "No weight gained in " + std::to_string(daysBetween(month->date, last.date)) +
                                     " days under 12 months of age: " + fixed(month->value, 2) + " kg (" + month->date +
                                     ") and " + fixed(last.value, 2) + " kg (" + last.date + ")",
                                 "Under 12 months, no weight gain over 4 weeks or more. A screening rule of this "
                                 "suite, not a guideline's threshold: an infant is expected to gain weight from one "
                                 "month to the next (WHO Child Growth Standards: Growth velocity based on weight, "
                                 "length and head circumference, 2009)", "a rule of this suite; WHO growth velocity standards (2009)"});
        }
    }

    auto latest = [&](const std::vector<std::string>& indicators) -> std::vector<Score> {
        std::vector<Score> list;
        for (const Score& s : scores)
            if (std::find(indicators.begin(), indicators.end(), s.indicator) != indicators.end()) list.push_back(s);
        std::stable_sort(list.begin(), list.end(), [](const Score& a, const Score& b) { return a.date < b.date; });
        return list;
    };

    std::vector<Score> wfa = latest({"weight-for-age"});
    if (wfa.size() >= 2 && wfa.front().date < wfa.back().date) {
        const Score& first = wfa.front();
        const Score& last = wfa.back();
        double spaces = (first.z - last.z) / (2.0 / 3.0);
        double c = centile(first.z);
        int threshold = c < 9 ? 1 : c > 91 ? 3 : 2;
        if (spaces >= threshold)
            flags.push_back({"centile-fall", "concern", last.date,
                             "Weight-for-age fell across " + fixed(spaces, 1) + " centile spaces, from " +
                                 centileText(first.z) + " (z " + fixed(first.z, 2) + ", " + first.date + ") to " +
                                 centileText(last.z) + " (z " + fixed(last.z, 2) + ", " + last.date + ")",
                             std::string(kNiceFaltering) + ". The first weight recorded here stands for the birth "
                                                           "weight when that is not recorded", "NICE NG75 (2017), 1.2.1"});
    }
    if (!wfa.empty() && wfa.back().z < -2.0537) {
        flags.push_back({"below-2nd-centile", "concern", wfa.back().date,
                         "Weight-for-age is " + centileText(wfa.back().z) + " (z " + fixed(wfa.back().z, 2) + ")",
                         kNiceFaltering, "NICE NG75 (2017), 1.2.1"});
    }
    std::vector<Score> wfl = latest({"weight-for-length", "weight-for-height"});
    if (!wfl.empty() && wfl.back().z < -2) {
        const Score& s = wfl.back();
        bool severe = s.z < -3;
        std::string what = s.indicator == "weight-for-length" ? "Weight-for-length" : "Weight-for-height";
        flags.push_back({"wasting", severe ? "urgent" : "concern", s.date,
                         what + " is below " + (severe ? "-3" : "-2") + " SD (z " + fixed(s.z, 2) + "): " +
                             (severe ? "severe wasting" : "wasting"),
                         "WHO Child Growth Standards (2006) and WHO/UNICEF joint statement, WHO child growth "
                         "standards and the identification of severe acute malnutrition in infants and children "
                         "(2009): weight-for-length/height below -2 SD is wasting, below -3 SD severe wasting", "WHO 2006; WHO and UNICEF 2009"});
    }
    std::vector<Score> lfa = latest({"length-for-age", "height-for-age"});
    if (!lfa.empty() && lfa.back().z < -2) {
        const Score& s = lfa.back();
        flags.push_back({"stunting", "concern", s.date,
                         std::string(s.indicator == "length-for-age" ? "Length" : "Height") + "-for-age is below -2 SD (z " +
                             fixed(s.z, 2) + ")",
                         "WHO Child Growth Standards (2006): length/height-for-age below -2 SD is stunting", "WHO Child Growth Standards (2006)"});
    }
    return flags;
}

}  // namespace nutrition
