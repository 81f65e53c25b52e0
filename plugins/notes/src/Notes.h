// Consultations and their notes in the store (tables notes_*): bookings, notes
// written from a template, signing (who, when, SHA-256 of the content; the
// store's triggers refuse any later change), addenda, full-text search and the
// calendar export. Every change is checked first and written in one savepoint
// with its audit event.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "NoteText.h"
#include "nourish/plugin.hpp"

namespace notes {

inline const char* const kTypes[] = {"initial", "follow-up", "review", "remote"};
inline const char* const kStatuses[] = {"booked", "done", "cancelled", "no-show"};
inline const char* const kKinds[] = {"include", "avoid", "supplement", "hydration", "other"};

std::string typeLabel(const std::string& type);      // "follow-up" -> "Follow-up"
std::string kindHeading(const std::string& kind);    // "include" -> "Foods to include"

struct Consultation {
    int64_t id = 0;
    int64_t clientId = 0;
    std::string startsAt;  // local "YYYY-MM-DD HH:MM"
    int minutes = 0;
    std::string type, status;
    std::string clientName, initials;
    int64_t noteId = 0;        // the note written for it, if any
    bool noteSigned = false;
    bool noteOverdue = false;  // unsigned for more than 48 hours
};

// A structured recommendation the family summary can use.
struct Recommendation {
    std::string kind;  // include, avoid, supplement, hydration, other
    std::string item;  // the food, product or advice
    std::string why, dose, duration;

    nlohmann::json toJson() const;
    // Throws BadInput naming `path` and the member.
    static Recommendation fromJson(const nlohmann::json& j, const std::string& path);
    std::string familyText() const;  // one line for the family
};

struct Addendum {
    int64_t id = 0;
    std::string at, author, reason, text;
};

struct Note {
    int64_t id = 0;
    int64_t clientId = 0;
    int64_t consultationId = 0;
    std::string templateId;
    int templateVersion = 0;
    nlohmann::json templateDocument;  // as it was when the note was started
    std::string date;                 // the consultation day
    nlohmann::json answers;           // section text and fields, by id
    std::vector<Recommendation> recommendations;
    std::string createdAt, createdBy, updatedAt;
    std::string signedAt, signedBy, sha256;
    std::vector<Addendum> addenda;  // oldest first
    // Set when the note or one of its addenda was changed outside Nourish: a
    // signed note whose content no longer matches its SHA-256, or a row that
    // no longer matches the store's seal. Such a note is shown with a warning
    // and never reaches a family.
    std::string integrityProblem;

    bool isSigned() const { return !signedAt.empty(); }
    bool intact() const { return integrityProblem.empty(); }
    std::string title() const { return templateDocument.value("title", templateId); }
    // What the signature covers, in a canonical form (keys sorted).
    std::string canonicalContent() const;
    // The section texts and field values as plain text, for search and counts.
    std::string plainText() const;
    nlohmann::json toJson() const;
};

struct SearchHit {
    int64_t noteId = 0;
    int64_t addendumId = 0;  // 0: the hit is in the note itself
    int64_t clientId = 0;
    std::string clientName, date, title;
    std::string snippet;  // the hit between [ and ]
};

struct Booking {
    int64_t clientId = 0;
    std::string startsAt;
    int minutes = 0;
    std::string type;
};

class Notes {
public:
    explicit Notes(nourish::Host host) : host_(host) {}

    static std::string migrationsJson();

    // Note templates of every plugin, as the host accepted them.
    std::vector<nlohmann::json> templates() const;
    nlohmann::json templateDocument(const std::string& id) const;  // BadInput when unknown

    // Books a consultation; returns its id and warnings (an overlap with
    // another booking of any client, a time in the past).
    int64_t book(const Booking& booking, std::vector<std::string>& warnings);
    // What book() would warn about, without booking; throws BadInput as book() does.
    std::vector<std::string> bookingWarnings(const Booking& booking) const;
    void setStatus(int64_t consultationId, const std::string& status);
    std::vector<Consultation> consultations(int64_t clientId) const;
    // Every client's consultations from `fromDay` to `toDay` inclusive.
    std::vector<Consultation> agenda(const std::string& fromDay, const std::string& toDay) const;
    // Booked consultations from now on; one client's or everyone's.
    std::vector<Consultation> upcoming(std::optional<int64_t> clientId) const;
    std::string calendar(std::optional<int64_t> clientId) const;

    // content: the answers by field id, with the recommendation list under the
    // id of the template's recommendation section. Checked against the
    // template; a draft may leave anything blank.
    int64_t create(int64_t clientId, const std::string& templateId, const std::string& date,
                   const nlohmann::json& content, int64_t consultationId = 0);
    void update(int64_t noteId, const nlohmann::json& content);
    // Signs the note; returns the SHA-256 of its content.
    std::string sign(int64_t noteId);
    int64_t addAddendum(int64_t noteId, const std::string& reason, const std::string& text);
    Note note(int64_t noteId) const;  // BadInput when unknown
    std::vector<Note> list(int64_t clientId) const;  // newest first
    std::optional<Note> lastSigned(int64_t clientId) const;
    std::vector<SearchHit> search(const std::string& typed, int limit = 50) const;
    // Unsigned notes started more than `hours` ago, every client.
    std::vector<Note> unsignedOlderThan(int hours) const;
    int countUnsignedOlderThan(int hours) const;  // without loading them

    void seedDemo(const std::vector<int64_t>& clientIds);

private:
    struct Checked {
        nlohmann::json answers;
        std::vector<Recommendation> recommendations;
    };
    Checked check(const nlohmann::json& templateDocument, const nlohmann::json& content) const;
    std::string signAt(const Note& note, const std::string& when);
    void index(const Note& note) const;
    Note load(nourish::Statement& row) const;
    std::vector<Consultation> consultationsWhere(const std::string& where, const std::vector<std::string>& args) const;

    nourish::Host host_;
};

}  // namespace notes
