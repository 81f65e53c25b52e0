#include "Measurements.h"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <sstream>

#include "nourish/family.hpp"

namespace nutrition {

using nlohmann::json;

namespace {

const char* kMigrations = R"([{"version": 1, "name": "growth measurements", "sql":
  "CREATE TABLE nutrition_measurements (id INTEGER PRIMARY KEY, client_id INTEGER NOT NULL, measured_on TEXT NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('weight', 'length', 'height', 'head-circumference')), value REAL NOT NULL CHECK (value > 0), method TEXT NOT NULL CHECK (method IN ('clinic', 'home', 'reported')), measured_by TEXT NOT NULL DEFAULT '', note TEXT NOT NULL DEFAULT '', recorded_at TEXT NOT NULL, recorded_by TEXT NOT NULL); CREATE INDEX nutrition_measurements_client ON nutrition_measurements (client_id, measured_on);"},
 {"version": 2, "name": "corrections and removals of measurements", "sql":
  "CREATE TABLE nutrition_measurement_changes (id INTEGER PRIMARY KEY, measurement_id INTEGER NOT NULL, client_id INTEGER NOT NULL, action TEXT NOT NULL CHECK (action IN ('corrected', 'removed')), before TEXT NOT NULL, after TEXT, reason TEXT NOT NULL CHECK (length(trim(reason)) > 0), changed_at TEXT NOT NULL, changed_by TEXT NOT NULL); CREATE INDEX nutrition_measurement_changes_of ON nutrition_measurement_changes (measurement_id);"}])";

std::string nowUtc() {
    std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

bool isStature(const std::string& kind) { return kind == "length" || kind == "height"; }

// The WHO way of measuring: lying down under 2 years, standing from 2. A
// height taken under 2 is 0.7 cm less than the length would be; a length
// taken from 2 is 0.7 cm more than the height (WHO Training Course on Child
// Growth Assessment, 2008, module B).
const char* statureFor(int ageDays) { return ageDays < 731 ? "length" : "height"; }
double asMeasuredFor(const std::string& kind, double value, const std::string& wanted) {
    if (kind == wanted) return value;
    return wanted == "length" ? value + 0.7 : value - 0.7;
}

// Weight-for-length/height is a standard for under-fives only (WHO: to 60 months).
constexpr int kLastDayOfWeightForLength = 1856;

const Measurement* statureOfTheDay(const std::vector<Measurement>& list, const Measurement& weight) {
    auto same = std::find_if(list.begin(), list.end(),
                             [&](const Measurement& s) { return s.date == weight.date && isStature(s.kind); });
    return same == list.end() ? nullptr : &*same;
}

std::vector<Scored> scoreAll(const std::vector<Measurement>& list, const Child& child,
                             const std::vector<Reference>& references) {
    std::vector<Scored> scores;
    for (const Measurement& m : list) {
        const std::string stature = statureFor(m.ageDays);
        for (const Reference& r : references) {
            auto score = [&](double x, double value) {
                if (auto z = r.zScore(child.sex, x, value))
                    scores.push_back({m.id, m.date, r.indicator, r.id, x, value, *z});
            };
            double age = r.axisUnit == "days" ? m.ageDays : monthsOfAge(m.ageDays);
            if (r.axisBy == "age") {
                if (isStature(m.kind) && r.measure == stature) score(age, asMeasuredFor(m.kind, m.value, stature));
                else if (!isStature(m.kind) && r.measure == m.kind) score(age, m.value);  // weight, head circumference
            } else if (m.kind == "weight" && m.ageDays <= kLastDayOfWeightForLength && r.axisBy == stature) {
                if (const Measurement* same = statureOfTheDay(list, m))
                    score(asMeasuredFor(same->kind, same->value, stature), m.value);
            }
        }
    }
    return scores;
}

json asJson(const Measurement& m) {
    return {{"date", m.date}, {"kind", m.kind}, {"value", m.value}, {"method", m.method},
            {"measured_by", m.measuredBy}, {"note", m.note}};
}

struct KindLimits {
    const char* kind;
    double low, high;
};
const KindLimits kLimits[] = {{"weight", 0.3, 150}, {"length", 20, 130}, {"height", 40, 200}, {"head-circumference", 20, 65}};

const KindLimits& limitsOf(const std::string& kind) {
    for (const KindLimits& k : kLimits)
        if (kind == k.kind) return k;
    throw BadInput("kind: '" + kind + "' is not one of weight, length, height, head-circumference");
}

}  // namespace

std::string plainNumber(double v) {
    std::ostringstream text;
    text << v;
    return text.str();
}

const EntryNames kCliNames{"--date", "--method", "--weight", "--length", "--height", "--head"};

const char* unitOf(const std::string& kind) { return kind == "weight" ? "kg" : "cm"; }

std::string kindText(const std::string& kind) { return kind == "head-circumference" ? "head circumference" : kind; }

std::string methodText(const std::string& method) {
    if (method == "clinic") return "clinic scales or measure";
    if (method == "home") return "home scales";
    if (method == "reported") return "reported by a parent";
    return method;
}

std::vector<Measurement> checkEntry(const Child& child, const Entry& e, const EntryNames& names) {
    std::vector<std::string> problems;
    if (e.method != "clinic" && e.method != "home" && e.method != "reported")
        problems.push_back(names.method + ": '" + e.method + "' is not one of clinic, home, reported");
    try {
        int age = daysBetween(child.dateOfBirth, e.date);
        if (age < 0) problems.push_back(names.date + ": " + e.date + " is before the child's birth (" + child.dateOfBirth + ")");
        if (e.date > nourish::family::today()) problems.push_back(names.date + ": " + e.date + " is in the future");
    } catch (const std::exception&) {
        problems.push_back(names.date + ": '" + e.date + "' is not a date (YYYY-MM-DD)");
    }
    if (e.length && e.height)
        problems.push_back(names.length + " and " + names.height + ": one or the other (lying down under 2, standing from 2)");
    if (!e.weight && !e.length && !e.height && !e.head)
        problems.push_back("nothing to add: give " + names.weight + ", " + names.length + ", " + names.height + " or " +
                           names.head);
    std::vector<Measurement> list;
    auto take = [&](const std::optional<std::string>& text, const std::string& field, const char* kind) {
        if (!text) return;
        const KindLimits& k = limitsOf(kind);
        auto v = parseDecimal(*text);
        if (v && *v >= k.low && *v <= k.high) list.push_back({0, e.date, kind, e.method, e.measuredBy, e.note, *v});
        else
            problems.push_back(field + ": '" + *text + "' is not a " + kindText(kind) + " between " + plainNumber(k.low) +
                               " and " + plainNumber(k.high) + " " + unitOf(kind));
    };
    take(e.weight, names.weight, "weight");
    take(e.length, names.length, "length");
    take(e.height, names.height, "height");
    take(e.head, names.head, "head-circumference");
    if (!problems.empty()) {
        std::string all;
        for (const std::string& p : problems) all += (all.empty() ? "" : "\n") + p;
        throw BadInput(all);
    }
    return list;
}

std::string checkReason(const std::string& reason, const std::string& field) {
    if (reason.find_first_not_of(" \t\r\n") == std::string::npos)
        throw BadInput(field + ": say why (for example \"typed 12.4 for 10.4\"); the reason is kept with the change");
    return reason;
}

const std::vector<std::pair<std::string, std::string>>& chartKinds() {
    static const std::vector<std::pair<std::string, std::string>> kinds{
        {"weight-for-age", "Weight-for-age"},
        {"length-height-for-age", "Length/height-for-age"},
        {"head-circumference-for-age", "Head circumference-for-age"},
        {"weight-for-length-height", "Weight-for-length/height"}};
    return kinds;
}

std::string GrowthView::notScoredBecause(const Measurement& m) const {
    if (std::any_of(scores.begin(), scores.end(), [&](const Scored& s) { return s.measurementId == m.id; })) return "";
    if (!hasReferences) return "no growth reference is installed";
    if (child.sex != "female" && child.sex != "male")
        return "the references have tables for girls and boys; the child's sex is not recorded";
    return "outside the ages or lengths the installed references cover";
}

Chart GrowthView::chart(const std::string& kind, const std::vector<Reference>& references) const {
    Chart c;
    auto known = std::find_if(chartKinds().begin(), chartKinds().end(), [&](const auto& k) { return k.first == kind; });
    if (known == chartKinds().end()) {
        std::string all;
        for (const auto& k : chartKinds()) all += (all.empty() ? "" : ", ") + k.first;
        throw BadInput("--indicator: '" + kind + "' is not one of " + all);
    }
    c.id = kind;
    c.title = known->second;
    bool byStature = kind == "weight-for-length-height";
    // Weight-for-length under 2 years, weight-for-height from 2, by the age at the last weighing.
    int lastAge = 0;
    for (const Measurement& m : measurements)
        if (m.kind == "weight") lastAge = m.ageDays;
    std::vector<std::string> indicators =
        kind == "weight-for-age"               ? std::vector<std::string>{"weight-for-age"}
        : kind == "length-height-for-age"      ? std::vector<std::string>{"length-for-age", "height-for-age"}
        : kind == "head-circumference-for-age" ? std::vector<std::string>{"head-circumference-for-age"}
        : lastAge < 731                        ? std::vector<std::string>{"weight-for-length"}
                                               : std::vector<std::string>{"weight-for-height"};
    c.xLabel = byStature ? (indicators[0] == "weight-for-length" ? "Length (cm)" : "Height (cm)") : "Age (months)";
    c.unit = kind == "weight-for-age" || byStature ? "kg" : "cm";
    c.yLabel = kind == "weight-for-age" || byStature ? "Weight (kg)"
               : kind == "length-height-for-age"     ? "Length or height (cm)"
                                                     : "Head circumference (cm)";

    auto zOf = [&](int64_t id) -> std::optional<double> {
        for (const Scored& s : scores)
            if (s.measurementId == id && std::find(indicators.begin(), indicators.end(), s.indicator) != indicators.end())
                return s.z;
        return std::nullopt;
    };
    for (const Measurement& m : measurements) {
        if (byStature) {
            const Measurement* same = m.kind == "weight" ? statureOfTheDay(measurements, m) : nullptr;
            std::string wanted = indicators[0] == "weight-for-length" ? "length" : "height";
            // Only the weighings of the ages this standard is for: an infant's
            // lengths are not drawn on the weight-for-height chart.
            if (!same || statureFor(m.ageDays) != wanted || m.ageDays > kLastDayOfWeightForLength) continue;
            c.points.push_back({asMeasuredFor(same->kind, same->value, wanted), m.value, m.date, zOf(m.id)});
        } else if ((kind == "weight-for-age" && m.kind == "weight") ||
                   (kind == "length-height-for-age" && isStature(m.kind)) ||
                   (kind == "head-circumference-for-age" && m.kind == "head-circumference")) {
            double y = isStature(m.kind) ? asMeasuredFor(m.kind, m.value, statureFor(m.ageDays)) : m.value;
            c.points.push_back({monthsOfAge(m.ageDays), y, m.date, zOf(m.id)});
        }
    }

    std::vector<const Reference*> drawn;
    for (const Reference& r : references)
        if (std::find(indicators.begin(), indicators.end(), r.indicator) != indicators.end()) drawn.push_back(&r);

    // What is charted: birth to a little past the last point (at least a
    // year), or the lengths around the child's.
    double lowX = 1e9, highX = -1e9;
    for (const ChartPoint& p : c.points) {
        lowX = std::min(lowX, p.x);
        highX = std::max(highX, p.x);
    }
    if (byStature) {
        double refLow = drawn.empty() ? 45 : 1e9, refHigh = drawn.empty() ? 120 : -1e9;
        for (const Reference* r : drawn)
            for (const auto& [sex, rows] : r->tables)
                if (!rows.empty()) {
                    refLow = std::min(refLow, rows.front()[0]);
                    refHigh = std::max(refHigh, rows.back()[0]);
                }
        if (c.points.empty()) {
            c.xMin = refLow;
            c.xMax = std::min(refHigh, refLow + 50);
        } else {
            c.xMin = std::max(refLow, std::floor((lowX - 5) / 5) * 5);
            c.xMax = std::max(c.xMin + 20, std::ceil((highX + 5) / 5) * 5);
        }
    } else {
        c.xMin = 0;
        c.xMax = std::max(12.0, std::ceil((std::max(highX, 0.0) + 2) / 6) * 6);
    }

    bool sexKnown = child.sex == "female" || child.sex == "male";
    double lowY = 1e9, highY = -1e9;
    double labelledReach = -1e9;
    for (const Reference* r : drawn) {
        auto rows = r->tables.find(child.sex);
        if (rows == r->tables.end()) continue;
        for (const auto& [z, label] : r->lines) {
            ChartLine line{z, label, {}};
            for (const auto& row : rows->second) {
                double x = r->axisUnit == "days" ? monthsOfAge(int(row[0])) : row[0];
                if (x < c.xMin || x > c.xMax) continue;
                double y = valueAt(Lms{row[1], row[2], row[3]}, z);
                line.points.emplace_back(x, y);
                lowY = std::min(lowY, y);
                highY = std::max(highY, y);
            }
            if (!line.points.empty()) {
                labelledReach = std::max(labelledReach, line.points.back().first);
                c.lines.push_back(std::move(line));
            }
        }
        std::string s = r->title + " (" + r->source.value("publisher", "") + ", " +
                        std::to_string(r->source.value("year", 0)) + ")";
        if (c.source.find(s) == std::string::npos) c.source += (c.source.empty() ? "" : "; ") + s;
    }
    // Only the lines that reach furthest right carry their names at the edge.
    for (ChartLine& line : c.lines)
        if (line.points.back().first < labelledReach) line.label.clear();
    for (const ChartPoint& p : c.points) {
        lowY = std::min(lowY, p.y);
        highY = std::max(highY, p.y);
    }
    if (lowY > highY) {
        lowY = 0;
        highY = 1;
    }
    double pad = std::max(0.05 * (highY - lowY), 0.5);
    c.yMin = std::max(0.0, std::floor(lowY - pad));
    c.yMax = std::ceil(highY + pad);
    if (c.lines.empty())
        c.empty = drawn.empty() ? "No growth reference for this chart is installed: the measurements are drawn alone."
                  : !sexKnown   ? "The reference lines are drawn for girls or for boys: record the child's sex to see them."
                                : "The installed references do not cover what is charted here.";
    return c;
}

const char* GrowthStore::migrationsJson() { return kMigrations; }

Child GrowthStore::child(int64_t clientId) const {
    json c = json::parse(host_.client(clientId));
    return {c.value("date_of_birth", ""), c.value("sex", "unknown"),
            c.value("given_name", "") + " " + c.value("family_name", "")};
}

std::vector<Measurement> GrowthStore::measurements(int64_t clientId, const Child& child) const {
    auto st = host_.prepare(
        "SELECT id, measured_on, kind, value, method, measured_by, note FROM nutrition_measurements "
        "WHERE client_id = ?1 ORDER BY measured_on, id");
    st.bind(1, clientId);
    std::vector<Measurement> list;
    while (st.step()) {
        list.push_back({st.int64(0), st.text(1), st.text(2), st.text(4), st.text(5), st.text(6), st.real(3)});
        list.back().ageDays = daysBetween(child.dateOfBirth, list.back().date);
    }
    return list;
}

std::optional<Measurement> GrowthStore::measurement(int64_t id) const {
    auto st = host_.prepare(
        "SELECT id, measured_on, kind, value, method, measured_by, note FROM nutrition_measurements WHERE id = ?1");
    st.bind(1, id);
    if (!st.step()) return std::nullopt;
    return Measurement{st.int64(0), st.text(1), st.text(2), st.text(4), st.text(5), st.text(6), st.real(3)};
}

int64_t GrowthStore::clientOf(int64_t measurementId) const {
    auto st = host_.prepare("SELECT client_id FROM nutrition_measurements WHERE id = ?1");
    st.bind(1, measurementId);
    if (!st.step()) throw BadInput("measurement: there is no measurement " + std::to_string(measurementId));
    return st.int64(0);
}

void GrowthStore::add(int64_t clientId, const std::vector<Measurement>& list) const {
    host_.savepoint([&] {
        std::string now = nowUtc();
        for (const Measurement& m : list) {
            auto st = host_.prepare(
                "INSERT INTO nutrition_measurements (client_id, measured_on, kind, value, method, measured_by, "
                "note, recorded_at, recorded_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
            st.bind(1, clientId).bind(2, m.date).bind(3, m.kind).bind(4, m.value).bind(5, m.method);
            st.bind(6, m.measuredBy).bind(7, m.note).bind(8, now).bind(9, host_.user());
            st.step();
        }
        json kinds = json::array();
        for (const Measurement& m : list) kinds.push_back(m.kind);
        host_.audit(clientId, "growth.add", json{{"date", list.front().date}, {"kinds", kinds}}.dump());
    });
}

void GrowthStore::correct(const Measurement& before, const Measurement& after, const std::string& reason) const {
    int64_t clientId = clientOf(before.id);
    host_.savepoint([&] {
        auto st = host_.prepare(
            "UPDATE nutrition_measurements SET measured_on = ?2, value = ?3, method = ?4, measured_by = ?5, note = ?6 "
            "WHERE id = ?1");
        st.bind(1, before.id).bind(2, after.date).bind(3, after.value).bind(4, after.method);
        st.bind(5, after.measuredBy).bind(6, after.note);
        st.step();
        auto change = host_.prepare(
            "INSERT INTO nutrition_measurement_changes (measurement_id, client_id, action, before, after, reason, "
            "changed_at, changed_by) VALUES (?1, ?2, 'corrected', ?3, ?4, ?5, ?6, ?7)");
        change.bind(1, before.id).bind(2, clientId).bind(3, asJson(before).dump()).bind(4, asJson(after).dump());
        change.bind(5, reason).bind(6, nowUtc()).bind(7, host_.user());
        change.step();
        json changed = json::array();
        json b = asJson(before), a = asJson(after);
        for (const auto& [key, value] : b.items())
            if (a[key] != value) changed.push_back(key);
        host_.audit(clientId, "growth.correct",
                    json{{"measurement", before.id}, {"changed", changed}, {"reason", reason}}.dump());
    });
}

void GrowthStore::remove(const Measurement& before, const std::string& reason) const {
    int64_t clientId = clientOf(before.id);
    host_.savepoint([&] {
        auto change = host_.prepare(
            "INSERT INTO nutrition_measurement_changes (measurement_id, client_id, action, before, reason, changed_at, "
            "changed_by) VALUES (?1, ?2, 'removed', ?3, ?4, ?5, ?6)");
        change.bind(1, before.id).bind(2, clientId).bind(3, asJson(before).dump()).bind(4, reason);
        change.bind(5, nowUtc()).bind(6, host_.user());
        change.step();
        auto st = host_.prepare("DELETE FROM nutrition_measurements WHERE id = ?1");
        st.bind(1, before.id);
        st.step();
        host_.audit(clientId, "growth.remove",
                    json{{"measurement", before.id}, {"kind", before.kind}, {"date", before.date}, {"reason", reason}}.dump());
    });
}

json GrowthStore::history(int64_t measurementId) const {
    auto st = host_.prepare(
        "SELECT action, reason, changed_at, changed_by, before, after FROM nutrition_measurement_changes "
        "WHERE measurement_id = ?1 ORDER BY id");
    st.bind(1, measurementId);
    json list = json::array();
    while (st.step()) {
        json entry{{"action", st.text(0)}, {"reason", st.text(1)}, {"changed_at", st.text(2)},
                   {"changed_by", st.text(3)}, {"before", json::parse(st.text(4))}};
        std::string after = st.text(5);
        if (!after.empty()) entry["after"] = json::parse(after);
        list.push_back(entry);
    }
    return list;
}

void GrowthStore::seedDemo(const std::vector<int64_t>& clientIds) const {
    const auto& refs = references();
    auto find = [&](const char* indicator) -> const Reference* {
        for (const Reference& r : refs)
            if (r.indicator == indicator) return &r;
        return nullptr;
    };
    const Reference *wfa = find("weight-for-age"), *lfa = find("length-for-age"), *hfa = find("height-for-age"),
                    *hcfa = find("head-circumference-for-age");
    if (!wfa || !lfa || !hfa || !hcfa) return;
    // Weight-for-age z at birth and now, length z at birth and now; the third
    // child (Minh, 10 months) falls across more than two centile spaces.
    const double kZ[][4] = {{0.2, -0.3, 0.1, -0.1}, {0.5, 0.4, 0.3, 0.3},  {0.6, -1.6, 0.3, -0.5}, {0.0, 0.1, 0.2, 0.2},
                            {-0.5, -0.4, -0.3, -0.3}, {1.0, 0.9, 0.8, 0.7}, {-0.2, -0.4, 0.0, -0.1}, {0.3, 0.2, 0.1, 0.1},
                            {0.8, 0.5, 0.6, 0.5},   {-0.3, -0.6, -0.2, -0.3}, {0.1, 0.3, 0.0, 0.1}, {0.0, 0.2, 0.4, 0.4}};
    const double kAges[] = {0, 1, 2, 3, 4, 6, 8, 10, 12, 15, 18, 21, 24, 30, 36, 42, 48, 54, 60};
    std::string today = nourish::family::today();
    for (size_t i = 0; i < clientIds.size() && i < std::size(kZ); ++i) {
        Child c = child(clientIds[i]);
        if (c.sex != "female" && c.sex != "male") continue;
        int nowDays = daysBetween(c.dateOfBirth, today) - 7;
        std::vector<int> days;
        for (double a : kAges)
            if (int d = int(std::lround(a * 30.4375)); d < nowDays - 20 && a <= 60) days.push_back(d);
        days.push_back(nowDays);
        for (int d : days) {
            std::vector<Measurement> list;
            double t = nowDays > 0 ? double(d) / nowDays : 1, months = monthsOfAge(d);
            double zw = kZ[i][0] + t * (kZ[i][1] - kZ[i][0]), zl = kZ[i][2] + t * (kZ[i][3] - kZ[i][2]);
            bool here = d == days.back() || (d == days[days.size() - 2] && days.size() > 2);
            std::string method = here ? "clinic" : "reported", by = here ? "Claire Hughes" : "Health visitor (red book)";
            std::string date = addDays(c.dateOfBirth, d);
            auto put = [&](const Reference* r, const char* kind, double z, int decimals) {
                auto lms = r->at(c.sex, months);  // none past the standard's last age
                if (!lms) return;
                double scale = std::pow(10, decimals);
                list.push_back({0, date, kind, method, by, "", std::round(valueAt(*lms, z) * scale) / scale});
            };
            put(wfa, "weight", zw, 2);
            put(d < 731 ? lfa : hfa, d < 731 ? "length" : "height", zl, 1);
            if (d < 731) put(hcfa, "head-circumference", 0.1, 1);
            if (!list.empty()) add(clientIds[i], list);
        }
    }
}

const std::vector<Reference>& GrowthStore::references() const {
    std::string now = host_.growthReferences();
    if (now != referencesJson_) {
        std::vector<Reference> list;
        for (const json& doc : json::parse(now)) list.push_back(Reference::fromJson(doc));
        references_ = std::move(list);
        referencesJson_ = std::move(now);
    }
    return references_;
}

GrowthView GrowthStore::view(int64_t clientId) const {
    GrowthView v;
    v.clientId = clientId;
    v.child = child(clientId);
    v.measurements = measurements(clientId, v.child);
    const auto& refs = references();
    v.hasReferences = !refs.empty();
    v.scores = scoreAll(v.measurements, v.child, refs);
    std::vector<Point> points;
    for (const Measurement& m : v.measurements) points.push_back({m.date, m.ageDays, m.kind, m.value});
    std::vector<Score> flagScores;
    for (const Scored& s : v.scores) flagScores.push_back({s.date, s.indicator, s.z});
    v.flags = growthFlags(points, flagScores);
    return v;
}

}  // namespace nutrition
