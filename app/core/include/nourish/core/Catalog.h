#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace nourish {

// A protocol or instrument document that breaks its schema or is
// inconsistent; the message starts with the JSON path ("$.challenges[2].food: ...").
class DocumentError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// An elimination-diet protocol (schemas/protocol.schema.json), checked for
// the schema and for its own consistency: every challenge is for a food the
// protocol removes, no food is challenged twice, a ladder has steps, the
// phases come in order, each duration lies within its bounds.
struct ProtocolDefinition {
    static ProtocolDefinition parse(const nlohmann::json& document);

    std::string id;
    int version = 0;
    std::string title;
    nlohmann::json document;
};

struct ScoredItem {
    std::string id;
    std::optional<double> score;  // empty when unanswered
};

struct InstrumentScore {
    std::optional<double> total;  // empty when too many items are unanswered
    std::string band;             // empty without a total
    int missing = 0;
    std::vector<ScoredItem> items;

    nlohmann::json toJson() const;
};

// A scored questionnaire (schemas/instrument.schema.json): items sharing one
// answer scale, summed, the total placed in a band. One engine scores every
// instrument any plugin contributes.
class Instrument {
public:
    // Checks the schema, unique item ids and scale values, and that the bands
    // are contiguous, in order and cover every total the items can add up to.
    static Instrument parse(const nlohmann::json& document);

    // answers: item id -> scale value. Throws ValidationError naming the item
    // for an unknown item or value.
    InstrumentScore score(const nlohmann::json& answers) const;
    // The band a total falls in.
    std::string band(double total) const;
    // The instrument as a form (schemas/form.schema.json) for the host's form
    // window: one required single choice per item, under the same id.
    nlohmann::json toForm() const;

    double minimumTotal() const;
    double maximumTotal() const;

    std::string id;
    int version = 0;
    std::string title;
    nlohmann::json document;
};

// A consultation note template (schemas/note-template.schema.json): sections,
// each with guidance, free text under the section's id and optional
// structured fields; at most one section is the note's recommendation list.
// The fields are checked as a form, with the template's own JSON paths.
class NoteTemplate {
public:
    static NoteTemplate parse(const nlohmann::json& document);

    // The template as a form (purpose "note") for the host's form window and
    // for checking answers: per section its free text (multiline, id = the
    // section id) and then its fields. The recommendation section, and a
    // section with neither text nor fields, have no place in the form.
    nlohmann::json toForm() const;
    // The id of the recommendation section, or empty.
    std::string recommendationSection() const;

    std::string id;
    int version = 0;
    std::string title;
    nlohmann::json document;
};

// A growth reference (schemas/growth-reference.schema.json): LMS tables of one
// indicator by sex, checked for the schema and for what the numbers must be:
// the indicator agrees with its measure, unit and axis, each sex has one
// table, the points increase along the axis, M and S are above zero, and no
// two chart lines share a z-score.
class GrowthReference {
public:
    static GrowthReference parse(const nlohmann::json& document);

    std::string id;
    int version = 0;
    std::string title;
    nlohmann::json document;
};

}  // namespace nourish
