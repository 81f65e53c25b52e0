#pragma once

// A child's measurements in the store (through the SDK only), scored against
// the installed growth references: what the growth commands, the Growth page
// and the growth chart share.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "Growth.h"
#include "nourish/plugin.hpp"

namespace nutrition {

// Input refused: the message names the field and the problem.
struct BadInput : std::invalid_argument {
    using std::invalid_argument::invalid_argument;
};

struct Measurement {
    int64_t id = 0;
    std::string date, kind, method, measuredBy, note;
    double value = 0;
    int ageDays = 0;  // on `date`, from the child's date of birth
};

struct Child {
    std::string dateOfBirth, sex, name;
};

const char* unitOf(const std::string& kind);
// 10.4 as "10.4", 7 as "7".
std::string plainNumber(double v);
// "weight", "length", "height", "head circumference".
std::string kindText(const std::string& kind);
// "clinic", "home", "reported" as a practitioner says them.
std::string methodText(const std::string& method);

// What is typed for one date's measurements; the names say which field a
// problem belongs to ("--weight" on the command line, "Weight" in a dialog).
struct Entry {
    std::string date, method, measuredBy, note;
    std::optional<std::string> weight, length, height, head;
};
struct EntryNames {
    std::string date, method, weight, length, height, head;
};
extern const EntryNames kCliNames;

// The measurements of `entry`, or BadInput naming every problem at once.
std::vector<Measurement> checkEntry(const Child& child, const Entry& entry, const EntryNames& names);

// One scored measurement (the weight, for weight-for-length).
struct Scored {
    int64_t measurementId = 0;
    std::string date, indicator, referenceId;
    double x = 0, value = 0, z = 0;
};

// One chart: the reference lines for the child's sex over what is charted,
// and the child's points.
struct ChartPoint {
    double x = 0, y = 0;
    std::string date;
    std::optional<double> z;
};
struct ChartLine {
    double z = 0;
    std::string label;
    std::vector<std::pair<double, double>> points;
};
struct Chart {
    std::string id, title, xLabel, yLabel, unit;
    double xMin = 0, xMax = 1, yMin = 0, yMax = 1;
    std::vector<ChartLine> lines;
    std::vector<ChartPoint> points;
    std::string source;  // the references drawn, with their publisher and year
    std::string empty;   // why there are no lines, when there are none
};
// The charts a child can have, in order: id and title.
const std::vector<std::pair<std::string, std::string>>& chartKinds();

// Everything about one child's growth, read once.
struct GrowthView {
    int64_t clientId = 0;
    Child child;
    std::vector<Measurement> measurements;  // oldest first
    std::vector<Scored> scores;
    std::vector<Flag> flags;
    bool hasReferences = false;
    // Why a measurement has no z-score ("" when it has one).
    std::string notScoredBecause(const Measurement& m) const;
    Chart chart(const std::string& kind, const std::vector<Reference>& references) const;
};

class GrowthStore {
public:
    explicit GrowthStore(nourish::Host host) : host_(host) {}
    static const char* migrationsJson();

    Child child(int64_t clientId) const;  // NOT_FOUND for a client that is not there
    std::vector<Measurement> measurements(int64_t clientId, const Child& child) const;
    std::optional<Measurement> measurement(int64_t id) const;
    int64_t clientOf(int64_t measurementId) const;  // BadInput when there is no such measurement
    void add(int64_t clientId, const std::vector<Measurement>& list) const;
    // A measurement changed (its date, value, how and by whom) or taken out,
    // with the reason; what it was is kept in its history and audited.
    void correct(const Measurement& before, const Measurement& after, const std::string& reason) const;
    void remove(const Measurement& before, const std::string& reason) const;
    // A measurement's changes, oldest first: {"action", "reason", "changed_at", "changed_by", "before", "after"}.
    nlohmann::json history(int64_t measurementId) const;

    // The demo caseload's measurements (its children in the order the host
    // made them): from the red book, then this practice's, one child whose
    // weight falls across centile spaces. Nothing without a reference.
    void seedDemo(const std::vector<int64_t>& clientIds) const;

    // Every installed growth reference, parsed once for as long as the host
    // offers the same ones.
    const std::vector<Reference>& references() const;
    // The references as the last call to references() (or view()) found them.
    const std::vector<Reference>& lastReferences() const { return references_; }
    GrowthView view(int64_t clientId) const;

private:
    nourish::Host host_;
    mutable std::string referencesJson_;
    mutable std::vector<Reference> references_;
};

// The reason given for a change: not empty.
std::string checkReason(const std::string& reason, const std::string& field);

}  // namespace nutrition
