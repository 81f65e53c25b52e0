#pragma once

// Growth against a reference, without a store or wx: LMS tables read from a
// growth reference document (schemas/growth-reference.schema.json), z-scores
// and centiles, and the flags a practitioner should see. Tests and the
// benchmark link it directly.

#include <nlohmann/json.hpp>
#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace nutrition {

struct Lms {
    double l = 1, m = 1, s = 0.1;
};

// The measurement at z-score `z` (M (1 + L S z)^(1/L); M e^(S z) when L is 0).
double valueAt(const Lms& lms, double z);
// The z-score of `value`. With `restricted` (WHO 2006's rule for the weight
// indicators), beyond ±3 it is counted in steps of the distance between the
// 2 and 3 SD lines, instead of along the LMS curve.
double zScore(const Lms& lms, double value, bool restricted);
// The centile (0-100) of a z-score: 100 Φ(z).
double centile(double z);

class Reference {
public:
    static Reference fromJson(const nlohmann::json& document);

    // L, M and S for this sex at x (age in the reference's unit, or length /
    // height in cm), linear between the points; none outside the table or for
    // a sex it has no table for.
    std::optional<Lms> at(const std::string& sex, double x) const;
    std::optional<double> zScore(const std::string& sex, double x, double value) const;

    std::string id, plugin, title, indicator, measure, unit, axisBy, axisUnit;
    bool restricted = false;
    nlohmann::json source;
    std::vector<std::pair<double, std::string>> lines;  // z, label
    std::map<std::string, std::vector<std::array<double, 4>>> tables;  // sex -> [x, L, M, S]
};

// "the 9th centile", "below the 0.5th centile", "above the 99.5th centile".
std::string centileText(double z);

// A plain decimal number: digits, one point, an optional minus, read the
// same under every locale. "1e1", "0x10", "9,5" and "" are not numbers.
std::optional<double> parseDecimal(const std::string& text);

// `v` with this many decimals, never "-0.00".
std::string fixed(double v, int decimals);

// Days from `from` to `to` (both YYYY-MM-DD).
int daysBetween(const std::string& from, const std::string& to);
// The date `days` after `date` (YYYY-MM-DD).
std::string addDays(const std::string& date, int days);
// Age in months, as WHO counts them (days / 30.4375).
double monthsOfAge(int days);

// One measurement as the flags see it.
struct Point {
    std::string date;
    int ageDays = 0;
    std::string kind;  // weight, length, height, head-circumference
    double value = 0;
};

// A z-score of one indicator at one date.
struct Score {
    std::string date;
    std::string indicator;
    double z = 0;
};

struct Flag {
    std::string rule;      // weight-lost, no-gain-4-weeks, centile-fall, below-2nd-centile, wasting, stunting
    std::string severity;  // concern, urgent
    std::string date;      // of the measurement it is about
    std::string text;      // for the practitioner
    std::string source;    // the rule and where it comes from
    std::string cite;      // the source in a few words: "NICE NG75 (2017), 1.2.1"
};

// The flags of a child's measurements (oldest first) and their scores.
std::vector<Flag> growthFlags(const std::vector<Point>& points, const std::vector<Score>& scores);

}  // namespace nutrition
