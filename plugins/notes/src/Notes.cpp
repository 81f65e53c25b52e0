#include "Notes.h"

#include <nourish/text.hpp>

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>
#include <Poco/UUIDGenerator.h>

#include <algorithm>
#include <ctime>
#include <set>

namespace notes {

using nlohmann::json;

namespace {

constexpr size_t kMaxReason = 2000;
constexpr size_t kMaxAddendum = 20000;

std::string sha256Hex(const std::string& bytes) {
    Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
    engine.update(bytes.data(), static_cast<unsigned>(bytes.size()));
    return Poco::DigestEngine::digestToHex(engine.digest());
}

template <size_t N>
bool oneOf(const std::string& value, const char* const (&list)[N]) {
    return std::find_if(std::begin(list), std::end(list), [&](const char* v) { return value == v; }) != std::end(list);
}

template <size_t N>
std::string listed(const char* const (&list)[N]) {
    std::string text;
    for (const char* v : list) text += (text.empty() ? "" : ", ") + std::string(v);
    return text;
}

std::string displayName(const std::string& given, const std::string& family, const std::string& preferred) {
    return (preferred.empty() ? given : preferred) + (family.empty() ? "" : " " + family);
}

json clientOrBadInput(nourish::Host host, int64_t clientId) {
    try {
        return json::parse(host.client(clientId));
    } catch (const nourish::Error& e) {
        if (e.status() == NOURISH_NOT_FOUND) throw BadInput("client: there is no client with id " + std::to_string(clientId));
        throw;
    }
}

std::string valueText(const json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_boolean()) return v.get<bool>() ? "yes" : "no";
    if (v.is_number()) return v.dump();
    if (v.is_array()) {
        std::string text;
        for (const json& item : v) text += (text.empty() ? "" : ", ") + valueText(item);
        return text;
    }
    return {};
}

// Text that goes into a record that can never change: valid UTF-8, and no
// control characters other than line breaks and tabs.
void checkText(const std::string& text, const std::string& field) {
    if (!validText(text)) throw BadInput(field + ": holds bytes that are not text (invalid UTF-8 or control characters)");
    if (auto spoof = nourish::text::bidiSpoofProblem(text)) throw BadInput(field + ": " + *spoof);
}

// The store's refusal of a change to a signed note, said plainly.
[[noreturn]] void rethrowLocked(const nourish::Error& e) {
    std::string what = e.what();
    if (what.find("signed") != std::string::npos || what.find("addendum") != std::string::npos) throw BadInput(what);
    throw;
}

}  // namespace

std::string typeLabel(const std::string& type) {
    if (type == "initial") return "Initial consultation";
    if (type == "follow-up") return "Follow-up";
    if (type == "review") return "Review";
    if (type == "remote") return "Phone or video";
    return type;
}

std::string kindHeading(const std::string& kind) {
    if (kind == "include") return "Foods to include";
    if (kind == "avoid") return "Foods to avoid";
    if (kind == "supplement") return "Probiotics and supplements";
    if (kind == "hydration") return "Hydration and fibre";
    return "Other advice";
}

// ------------------------------------------------------------ recommendations --

json Recommendation::toJson() const {
    json j = {{"kind", kind}, {"item", item}};
    if (!why.empty()) j["why"] = why;
    if (!dose.empty()) j["dose"] = dose;
    if (!duration.empty()) j["duration"] = duration;
    return j;
}

Recommendation Recommendation::fromJson(const json& j, const std::string& path) {
    if (!j.is_object()) throw BadInput(path + ": must be an object with kind and item");
    for (auto it = j.begin(); it != j.end(); ++it)
        if (it.key() != "kind" && it.key() != "item" && it.key() != "why" && it.key() != "dose" && it.key() != "duration")
            throw BadInput(path + "." + it.key() + ": is not part of a recommendation (kind, item, why, dose, duration)");
    auto text = [&](const char* member, bool required, size_t max) {
        if (!j.contains(member)) {
            if (required) throw BadInput(path + "." + member + ": is required");
            return std::string();
        }
        if (!j[member].is_string()) throw BadInput(path + "." + member + ": must be text");
        std::string value = j[member];
        if (required && value.find_first_not_of(" \t\r\n") == std::string::npos)
            throw BadInput(path + "." + member + ": is required");
        if (value.size() > max) throw BadInput(path + "." + member + ": is longer than " + std::to_string(max) + " bytes");
        checkText(value, path + "." + member);
        return value;
    };
    Recommendation r;
    r.kind = text("kind", true, 20);
    if (!oneOf(r.kind, kKinds)) throw BadInput(path + ".kind: '" + r.kind + "' is not one of " + listed(kKinds));
    r.item = text("item", true, 300);
    r.why = text("why", false, 1000);
    r.dose = text("dose", false, 300);
    r.duration = text("duration", false, 300);
    return r;
}

std::string Recommendation::familyText() const {
    std::string line = item;
    if (!dose.empty()) line += ", " + dose;
    if (!duration.empty()) line += ", " + duration;
    if (!why.empty()) line += " — " + why;
    return line;
}

// ---------------------------------------------------------------------- notes --

std::string Note::canonicalContent() const {
    json recs = json::array();
    for (const Recommendation& r : recommendations) recs.push_back(r.toJson());
    json content = {{"client_id", clientId},   {"template_id", templateId}, {"template_version", templateVersion},
                    {"date", date},            {"answers", answers},        {"recommendations", recs}};
    return content.dump();
}

std::string Note::plainText() const {
    std::string text = title() + "\n";
    for (const json& section : templateDocument.value("sections", json::array())) {
        std::string id = section.value("id", "");
        if (section.value("recommendations", false)) {
            if (recommendations.empty()) continue;
            text += section.value("title", "") + "\n";
            for (const Recommendation& r : recommendations) text += kindHeading(r.kind) + ": " + r.familyText() + "\n";
            continue;
        }
        std::string body = answers.contains(id) ? valueText(answers[id]) : "";
        std::string fields;
        for (const json& field : section.value("fields", json::array())) {
            std::string fid = field.value("id", "");
            if (answers.contains(fid)) fields += field.value("label", fid) + ": " + valueText(answers[fid]) + "\n";
        }
        if (body.empty() && fields.empty()) continue;
        text += section.value("title", "") + "\n" + (body.empty() ? "" : body + "\n") + fields;
    }
    return text;
}

json Note::toJson() const {
    json recs = json::array();
    for (const Recommendation& r : recommendations) recs.push_back(r.toJson());
    json adds = json::array();
    for (const Addendum& a : addenda)
        adds.push_back({{"id", a.id}, {"at", a.at}, {"author", a.author}, {"reason", a.reason}, {"text", a.text}});
    json j = {{"id", id},
              {"client_id", clientId},
              {"template_id", templateId},
              {"template_version", templateVersion},
              {"title", title()},
              {"date", date},
              {"answers", answers},
              {"recommendations", recs},
              {"created_at", createdAt},
              {"created_by", createdBy},
              {"updated_at", updatedAt},
              {"signed", isSigned()},
              {"addenda", adds},
              {"words", wordCount(plainText())}};
    if (consultationId) j["consultation_id"] = consultationId;
    if (isSigned()) {
        j["signed_at"] = signedAt;
        j["signed_by"] = signedBy;
        j["sha256"] = sha256;
    }
    j["intact"] = intact();
    if (!intact()) j["integrity_problem"] = integrityProblem;
    return j;
}

// ---------------------------------------------------------------------- store --

std::string Notes::migrationsJson() {
    const char* v1 =
        "CREATE TABLE notes_consultations (id INTEGER PRIMARY KEY, client_id INTEGER NOT NULL, "
        "starts_at TEXT NOT NULL, minutes INTEGER NOT NULL CHECK (minutes BETWEEN 5 AND 480), "
        "type TEXT NOT NULL CHECK (type IN ('initial', 'follow-up', 'review', 'remote')), "
        "status TEXT NOT NULL DEFAULT 'booked' CHECK (status IN ('booked', 'done', 'cancelled', 'no-show')), "
        "created_at TEXT NOT NULL, created_by TEXT NOT NULL);"
        "CREATE INDEX notes_consultations_time ON notes_consultations (starts_at);"
        "CREATE INDEX notes_consultations_client ON notes_consultations (client_id, starts_at);"
        "CREATE TABLE notes_notes (id INTEGER PRIMARY KEY, client_id INTEGER NOT NULL, "
        "consultation_id INTEGER REFERENCES notes_consultations (id), template_id TEXT NOT NULL, "
        "template_version INTEGER NOT NULL, template_json TEXT NOT NULL, date TEXT NOT NULL, answers TEXT NOT NULL, "
        "recommendations TEXT NOT NULL DEFAULT '[]', created_at TEXT NOT NULL, created_by TEXT NOT NULL, "
        "updated_at TEXT NOT NULL, signed_at TEXT, signed_by TEXT, content_sha256 TEXT, "
        "CHECK ((signed_at IS NULL) = (content_sha256 IS NULL) AND (signed_at IS NULL) = (signed_by IS NULL)));"
        "CREATE INDEX notes_notes_client ON notes_notes (client_id, date);"
        // Signed is final: the store itself refuses to change or delete it.
        "CREATE TRIGGER notes_notes_signed_update BEFORE UPDATE ON notes_notes WHEN OLD.signed_at IS NOT NULL "
        "BEGIN SELECT RAISE(ABORT, 'this note is signed and can no longer change; add an addendum instead'); END;"
        "CREATE TRIGGER notes_notes_signed_delete BEFORE DELETE ON notes_notes WHEN OLD.signed_at IS NOT NULL "
        "BEGIN SELECT RAISE(ABORT, 'this note is signed and cannot be deleted'); END;"
        // REPLACE deletes without delete triggers: an insert may not take a signed note's id,
        // and no note changes its id.
        "CREATE TRIGGER notes_notes_signed_replace BEFORE INSERT ON notes_notes "
        "WHEN EXISTS (SELECT 1 FROM notes_notes WHERE id = NEW.id AND signed_at IS NOT NULL) "
        "BEGIN SELECT RAISE(ABORT, 'this note is signed and cannot be replaced'); END;"
        "CREATE TRIGGER notes_notes_same_id BEFORE UPDATE OF id ON notes_notes WHEN NEW.id IS NOT OLD.id "
        "BEGIN SELECT RAISE(ABORT, 'a note keeps its id (a signed note cannot be replaced)'); END;"
        "CREATE TABLE notes_addenda (id INTEGER PRIMARY KEY, note_id INTEGER NOT NULL REFERENCES notes_notes (id), "
        "at TEXT NOT NULL, author TEXT NOT NULL, reason TEXT NOT NULL CHECK (length(trim(reason)) > 0), "
        "text TEXT NOT NULL CHECK (length(trim(text)) > 0));"
        "CREATE INDEX notes_addenda_note ON notes_addenda (note_id, id);"
        "CREATE TRIGGER notes_addenda_unsigned BEFORE INSERT ON notes_addenda "
        "WHEN (SELECT signed_at FROM notes_notes WHERE id = NEW.note_id) IS NULL "
        "BEGIN SELECT RAISE(ABORT, 'an addendum is for a signed note; change the draft instead'); END;"
        "CREATE TRIGGER notes_addenda_replace BEFORE INSERT ON notes_addenda "
        "WHEN EXISTS (SELECT 1 FROM notes_addenda WHERE id = NEW.id) "
        "BEGIN SELECT RAISE(ABORT, 'an addendum is signed with its note and cannot be replaced'); END;"
        "CREATE TRIGGER notes_addenda_fixed BEFORE UPDATE ON notes_addenda "
        "BEGIN SELECT RAISE(ABORT, 'an addendum is signed with its note and can no longer change'); END;"
        "CREATE TRIGGER notes_addenda_kept BEFORE DELETE ON notes_addenda "
        "BEGIN SELECT RAISE(ABORT, 'an addendum cannot be deleted'); END;"
        "CREATE VIRTUAL TABLE notes_search USING fts5(body, tokenize = 'unicode61 remove_diacritics 2');"
        "CREATE VIRTUAL TABLE notes_addenda_search USING fts5(body, tokenize = 'unicode61 remove_diacritics 2');";
    return json::array({{{"version", 1}, {"name", "consultations, notes, addenda and their search"}, {"sql", v1}}})
        .dump();
}

std::vector<json> Notes::templates() const {
    std::vector<json> list;
    for (const json& t : json::parse(host_.noteTemplates())) list.push_back(t);
    return list;
}

json Notes::templateDocument(const std::string& id) const {
    try {
        return json::parse(host_.noteTemplate(id));
    } catch (const nourish::Error& e) {
        if (e.status() != NOURISH_NOT_FOUND) throw;
        std::string known;
        for (const json& t : templates()) known += (known.empty() ? "" : ", ") + t.value("id", "");
        throw BadInput("template: there is no note template '" + id + "' (" + known + ")");
    }
}

// ---- consultations ----

std::vector<std::string> Notes::bookingWarnings(const Booking& b) const {
    clientOrBadInput(host_, b.clientId);
    parseLocalTime(b.startsAt, "at");
    if (b.minutes < 5 || b.minutes > 480)
        throw BadInput("minutes: " + std::to_string(b.minutes) + " is outside 5-480");
    if (!oneOf(b.type, kTypes)) throw BadInput("type: '" + b.type + "' is not one of " + listed(kTypes));
    std::vector<std::string> warnings;
    std::string end = addMinutes(b.startsAt, b.minutes);
    if (b.startsAt < localNow()) warnings.push_back("the time " + b.startsAt + " is in the past");
    auto overlap = host_.prepare(
        "SELECT c.starts_at, c.minutes, h.given_name, h.family_name, h.preferred_name FROM notes_consultations c "
        "JOIN host_clients h ON h.id = c.client_id WHERE c.status IN ('booked', 'done') AND c.starts_at < ?2 "
        "AND strftime('%Y-%m-%d %H:%M', c.starts_at, '+' || c.minutes || ' minutes') > ?1 ORDER BY c.starts_at");
    overlap.bind(1, b.startsAt).bind(2, end);
    while (overlap.step())
        warnings.push_back("it overlaps the consultation with " +
                           displayName(overlap.text(2), overlap.text(3), overlap.text(4)) + " at " + overlap.text(0) +
                           " (" + std::to_string(overlap.int64(1)) + " minutes)");
    return warnings;
}

int64_t Notes::book(const Booking& b, std::vector<std::string>& warnings) {
    warnings = bookingWarnings(b);
    int64_t id = 0;
    host_.savepoint([&] {
        host_.prepare("INSERT INTO notes_consultations (client_id, starts_at, minutes, type, created_at, created_by) "
                      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
            .bind(1, b.clientId)
            .bind(2, b.startsAt)
            .bind(3, b.minutes)
            .bind(4, b.type)
            .bind(5, utcNow())
            .bind(6, host_.user())
            .step();
        id = host_.lastInsertRowid();
        host_.audit(b.clientId, "consultation.book",
                    json({{"consultation_id", id}, {"at", b.startsAt}, {"minutes", b.minutes}, {"type", b.type}}).dump());
    });
    return id;
}

void Notes::setStatus(int64_t consultationId, const std::string& status) {
    if (!oneOf(status, kStatuses)) throw BadInput("status: '" + status + "' is not one of " + listed(kStatuses));
    auto row = host_.prepare("SELECT client_id, status FROM notes_consultations WHERE id = ?1");
    row.bind(1, consultationId);
    if (!row.step()) throw BadInput("consultation: there is no consultation with id " + std::to_string(consultationId));
    int64_t clientId = row.int64(0);
    std::string before = row.text(1);
    if (before == status) return;
    host_.savepoint([&] {
        host_.prepare("UPDATE notes_consultations SET status = ?2 WHERE id = ?1").bind(1, consultationId).bind(2, status).step();
        host_.audit(clientId, "consultation.status",
                    json({{"consultation_id", consultationId}, {"from", before}, {"to", status}}).dump());
    });
}

std::vector<Consultation> Notes::consultationsWhere(const std::string& where, const std::vector<std::string>& args) const {
    auto s = host_.prepare(
        "SELECT c.id, c.client_id, c.starts_at, c.minutes, c.type, c.status, h.given_name, h.family_name, "
        "h.preferred_name, n.id, n.signed_at, n.created_at FROM notes_consultations c "
        "JOIN host_clients h ON h.id = c.client_id "
        "LEFT JOIN notes_notes n ON n.id = (SELECT max(id) FROM notes_notes WHERE consultation_id = c.id) "
        "WHERE " + where + " ORDER BY c.starts_at, c.id");
    for (size_t i = 0; i < args.size(); ++i) s.bind(int(i) + 1, args[i]);
    std::vector<Consultation> list;
    std::string now = utcNow();
    while (s.step()) {
        Consultation c;
        c.id = s.int64(0);
        c.clientId = s.int64(1);
        c.startsAt = s.text(2);
        c.minutes = int(s.int64(3));
        c.type = s.text(4);
        c.status = s.text(5);
        c.clientName = displayName(s.text(6), s.text(7), s.text(8));
        c.initials = initials(s.text(8).empty() ? s.text(6) : s.text(8), s.text(7));
        if (!s.isNull(9)) {
            c.noteId = s.int64(9);
            c.noteSigned = !s.isNull(10);
            c.noteOverdue = !c.noteSigned && hoursBetween(s.text(11), now) >= 48;
        }
        list.push_back(std::move(c));
    }
    return list;
}

std::vector<Consultation> Notes::consultations(int64_t clientId) const {
    clientOrBadInput(host_, clientId);
    return consultationsWhere("c.client_id = CAST(?1 AS INTEGER)", {std::to_string(clientId)});
}

std::vector<Consultation> Notes::agenda(const std::string& fromDay, const std::string& toDay) const {
    parseDate(fromDay, "from");
    parseDate(toDay, "to");
    if (toDay < fromDay) throw BadInput("to: " + toDay + " is before " + fromDay);
    return consultationsWhere("c.starts_at >= ?1 AND c.starts_at < ?2", {fromDay, toDay + " 24:00"});
}

std::vector<Consultation> Notes::upcoming(std::optional<int64_t> clientId) const {
    if (clientId) {
        clientOrBadInput(host_, *clientId);
        return consultationsWhere("c.status = 'booked' AND c.starts_at >= ?1 AND c.client_id = CAST(?2 AS INTEGER)",
                                  {localNow(), std::to_string(*clientId)});
    }
    return consultationsWhere("c.status = 'booked' AND c.starts_at >= ?1", {localNow()});
}

std::string Notes::calendar(std::optional<int64_t> clientId) const {
    std::vector<CalendarEvent> events;
    std::string location = host_.setting("practice.address");
    std::string practice = host_.setting("practice.name");
    // Cancelled appointments are exported too, so that a calendar that had
    // them drops them on the next import.
    std::vector<Consultation> list = clientId
        ? consultationsWhere("c.status IN ('booked', 'cancelled') AND c.starts_at >= ?1 AND c.client_id = CAST(?2 AS INTEGER)",
                             {localNow(), std::to_string(*clientId)})
        : consultationsWhere("c.status IN ('booked', 'cancelled') AND c.starts_at >= ?1", {localNow()});
    if (clientId) clientOrBadInput(host_, *clientId);
    if (list.empty()) throw BadInput("there are no upcoming consultations to export");
    // One id per store, so that two practices' events never share a UID.
    std::string domain = host_.setting("calendar_uid_domain");
    if (domain.empty()) {
        Poco::UUIDGenerator generator;
        domain = generator.createRandom().toString() + ".nourish";
        host_.setSetting("calendar_uid_domain", domain);
    }
    for (const Consultation& c : list) {
        CalendarEvent e;
        // The event text says nothing about health: a calendar is often synced
        // to phones and shared services.
        e.uid = "consultation-" + std::to_string(c.id) + "@" + domain;
        e.cancelled = c.status == "cancelled";
        e.start = c.startsAt;
        e.minutes = c.minutes;
        e.summary = "Consultation — " + c.initials;
        e.description = typeLabel(c.type) + ", " + std::to_string(c.minutes) + " minutes" +
                        (practice.empty() ? "" : "; " + practice);
        e.location = location;
        events.push_back(std::move(e));
    }
    return icsCalendar(events, utcNow());
}

// ---- notes ----

Notes::Checked Notes::check(const json& templateDocument, const json& content) const {
    if (!content.is_object()) throw BadInput("answers: must be a JSON object of the template's fields");
    std::string listId;
    for (const json& s : templateDocument["sections"])
        if (s.value("recommendations", false)) listId = s["id"];
    Checked checked;
    checked.answers = json::object();
    for (auto it = content.begin(); it != content.end(); ++it) {
        if (!listId.empty() && it.key() == listId) continue;
        // A blank text is no answer.
        if (it->is_string() && it->get<std::string>().find_first_not_of(" \t\r\n") == std::string::npos) continue;
        if (it->is_null()) continue;
        checked.answers[it.key()] = *it;
    }
    if (!listId.empty() && content.contains(listId)) {
        const json& list = content[listId];
        if (!list.is_array()) throw BadInput(listId + ": must be a list of recommendations");
        if (list.size() > 200) throw BadInput(listId + ": more than 200 recommendations");
        for (size_t i = 0; i < list.size(); ++i)
            checked.recommendations.push_back(Recommendation::fromJson(list[i], listId + "[" + std::to_string(i) + "]"));
    }
    // The host checks answers against the template it has now; a note started
    // on another version (or whose template's plugin is gone) is checked here
    // against the template it was started on: known ids, text for the sections.
    json current;
    try {
        current = json::parse(host_.noteTemplate(templateDocument.value("id", "")));
    } catch (const nourish::Error&) {
    }
    if (current.is_object() && current.value("version", 0) == templateDocument.value("version", -1)) {
        auto problems = host_.validateAnswers(templateDocument["id"], checked.answers.dump(), false);
        if (!problems.empty()) throw BadInput(problems.front());
        return checked;
    }
    std::set<std::string> sections, fields;
    for (const json& section : templateDocument["sections"]) {
        sections.insert(section.value("id", ""));
        for (const json& f : section.value("fields", json::array())) fields.insert(f.value("id", ""));
    }
    for (auto it = checked.answers.begin(); it != checked.answers.end(); ++it) {
        if (sections.count(it.key())) {
            if (!it->is_string()) throw BadInput(it.key() + ": must be text");
            checkText(it->get<std::string>(), it.key());
        } else if (!fields.count(it.key())) {
            throw BadInput(it.key() + ": is not a field of " + templateDocument.value("title", "this template"));
        }
    }
    return checked;
}

void Notes::index(const Note& n) const {
    host_.prepare("DELETE FROM notes_search WHERE rowid = ?1").bind(1, n.id).step();
    host_.prepare("INSERT INTO notes_search (rowid, body) VALUES (?1, ?2)").bind(1, n.id).bind(2, n.plainText()).step();
}

int64_t Notes::create(int64_t clientId, const std::string& templateId, const std::string& date, const json& content,
                      int64_t consultationId) {
    clientOrBadInput(host_, clientId);
    parseDate(date, "date");
    if (date > localToday()) throw BadInput("date: " + date + " is in the future");
    json doc = templateDocument(templateId);
    Checked checked = check(doc, content);
    if (consultationId) {
        auto c = host_.prepare(
            "SELECT client_id, status, (SELECT max(id) FROM notes_notes WHERE consultation_id = c.id) "
            "FROM notes_consultations c WHERE id = ?1");
        c.bind(1, consultationId);
        if (!c.step() || c.int64(0) != clientId)
            throw BadInput("consultation: there is no consultation " + std::to_string(consultationId) + " for this client");
        if (c.text(1) == "cancelled" || c.text(1) == "no-show")
            throw BadInput("consultation: " + std::to_string(consultationId) + " is marked " + c.text(1));
        if (!c.isNull(2))
            throw BadInput("consultation: " + std::to_string(consultationId) + " already has note " + std::to_string(c.int64(2)));
    } else {
        // The consultation of that day, if one was booked and has no note yet.
        auto c = host_.prepare(
            "SELECT id FROM notes_consultations c WHERE client_id = ?1 AND substr(starts_at, 1, 10) = ?2 "
            "AND status IN ('booked', 'done') AND NOT EXISTS (SELECT 1 FROM notes_notes WHERE consultation_id = c.id) "
            "ORDER BY starts_at LIMIT 1");
        c.bind(1, clientId).bind(2, date);
        if (c.step()) consultationId = c.int64(0);
    }
    Note n;
    n.clientId = clientId;
    n.consultationId = consultationId;
    n.templateId = templateId;
    n.templateVersion = doc.value("version", 1);
    doc.erase("plugin");
    n.templateDocument = doc;
    n.date = date;
    n.answers = checked.answers;
    n.recommendations = checked.recommendations;
    host_.savepoint([&] {
        std::string now = utcNow();
        auto insert = host_.prepare(
            "INSERT INTO notes_notes (client_id, consultation_id, template_id, template_version, template_json, date, "
            "answers, recommendations, created_at, created_by, updated_at) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?9)");
        insert.bind(1, clientId);
        if (consultationId) insert.bind(2, consultationId);
        else insert.bind(2, nullptr);
        json recs = json::parse(n.canonicalContent())["recommendations"];
        insert.bind(3, templateId).bind(4, n.templateVersion).bind(5, doc.dump()).bind(6, date);
        insert.bind(7, n.answers.dump()).bind(8, recs.dump()).bind(9, now).bind(10, host_.user());
        insert.step();
        n.id = host_.lastInsertRowid();
        if (consultationId)
            host_.prepare("UPDATE notes_consultations SET status = 'done' WHERE id = ?1 AND status = 'booked'")
                .bind(1, consultationId)
                .step();
        index(n);
        host_.audit(clientId, "note.create", json({{"note_id", n.id}, {"template_id", templateId}, {"date", date}}).dump());
    });
    return n.id;
}

namespace {
// A note changed outside Nourish is kept as it was found, for the check.
void refuseIfTampered(const Note& n) {
    if (!n.intact())
        throw BadInput("note " + std::to_string(n.id) + ": it was changed outside Nourish (" + n.integrityProblem +
                       "); it is kept as it was found and cannot be edited, signed or added to");
}
}  // namespace

void Notes::update(int64_t noteId, const json& content) {
    Note n = note(noteId);
    refuseIfTampered(n);
    if (n.isSigned())
        throw BadInput("note " + std::to_string(noteId) + ": it was signed by " + n.signedBy + " at " + n.signedAt +
                       " and can no longer change; add an addendum instead");
    Checked checked = check(n.templateDocument, content);
    n.answers = checked.answers;
    n.recommendations = checked.recommendations;
    std::string now = utcNow();
    host_.savepoint([&] {
        json recs = json::parse(n.canonicalContent())["recommendations"];
        try {
            host_.prepare("UPDATE notes_notes SET answers = ?2, recommendations = ?3, updated_at = ?4 WHERE id = ?1")
                .bind(1, noteId)
                .bind(2, n.answers.dump())
                .bind(3, recs.dump())
                .bind(4, now)
                .step();
        } catch (const nourish::Error& e) {
            rethrowLocked(e);
        }
        index(n);
        // Drafts save themselves every few seconds while she types: one audit
        // event per note and ten-minute window is enough.
        if (hoursBetween(n.updatedAt, now) >= 1 || n.updatedAt.substr(0, 15) != now.substr(0, 15))
            host_.audit(n.clientId, "note.edit", json({{"note_id", noteId}}).dump());
    });
}

std::string Notes::sign(int64_t noteId) {
    Note n = note(noteId);
    refuseIfTampered(n);
    if (n.isSigned())
        throw BadInput("note " + std::to_string(noteId) + ": it was already signed by " + n.signedBy + " at " + n.signedAt);
    if (n.answers.empty() && n.recommendations.empty())
        throw BadInput("note " + std::to_string(noteId) + ": an empty note cannot be signed");
    return signAt(n, utcNow());
}

std::string Notes::signAt(const Note& before, const std::string& when) {
    std::string hash;
    host_.savepoint([&] {
        // Read again inside the savepoint: the signature covers what is stored.
        Note n = note(before.id);
        if (n.isSigned()) throw BadInput("note " + std::to_string(n.id) + ": it was already signed by " + n.signedBy);
        hash = sha256Hex(n.canonicalContent());
        try {
            host_.prepare("UPDATE notes_notes SET signed_at = ?2, signed_by = ?3, content_sha256 = ?4 WHERE id = ?1")
                .bind(1, n.id)
                .bind(2, when)
                .bind(3, host_.user())
                .bind(4, hash)
                .step();
        } catch (const nourish::Error& e) {
            rethrowLocked(e);
        }
        host_.audit(n.clientId, "note.sign", json({{"note_id", n.id}, {"sha256", hash}}).dump());
    });
    return hash;
}

int64_t Notes::addAddendum(int64_t noteId, const std::string& reason, const std::string& text) {
    Note n = note(noteId);
    refuseIfTampered(n);
    if (reason.find_first_not_of(" \t\r\n") == std::string::npos)
        throw BadInput("reason: is required (why the signed note needs an addendum)");
    if (reason.size() > kMaxReason) throw BadInput("reason: is longer than " + std::to_string(kMaxReason) + " bytes");
    if (text.find_first_not_of(" \t\r\n") == std::string::npos) throw BadInput("text: the addendum is empty");
    if (text.size() > kMaxAddendum) throw BadInput("text: is longer than " + std::to_string(kMaxAddendum) + " bytes");
    checkText(reason, "reason");
    checkText(text, "text");
    if (!n.isSigned())
        throw BadInput("note " + std::to_string(noteId) + ": it is still a draft; change it instead of adding an addendum");
    int64_t id = 0;
    host_.savepoint([&] {
        host_.prepare("INSERT INTO notes_addenda (note_id, at, author, reason, text) VALUES (?1, ?2, ?3, ?4, ?5)")
            .bind(1, noteId)
            .bind(2, utcNow())
            .bind(3, host_.user())
            .bind(4, reason)
            .bind(5, text)
            .step();
        id = host_.lastInsertRowid();
        host_.prepare("INSERT INTO notes_addenda_search (rowid, body) VALUES (?1, ?2)")
            .bind(1, id)
            .bind(2, reason + "\n" + text)
            .step();
        host_.audit(n.clientId, "note.addendum", json({{"note_id", noteId}, {"addendum_id", id}}).dump());
    });
    return id;
}

namespace {
const char* kNoteColumns =
    "SELECT id, client_id, consultation_id, template_id, template_version, template_json, date, answers, "
    "recommendations, created_at, created_by, updated_at, signed_at, signed_by, content_sha256 FROM notes_notes ";
}

Note Notes::load(nourish::Statement& s) const {
    Note n;
    n.id = s.int64(0);
    n.clientId = s.int64(1);
    n.consultationId = s.isNull(2) ? 0 : s.int64(2);
    n.templateId = s.text(3);
    n.templateVersion = int(s.int64(4));
    n.templateDocument = json::parse(s.text(5));
    n.date = s.text(6);
    n.answers = json::parse(s.text(7));
    json recs = json::parse(s.text(8));
    for (size_t i = 0; i < recs.size(); ++i) n.recommendations.push_back(Recommendation::fromJson(recs[i], "recommendations"));
    n.createdAt = s.text(9);
    n.createdBy = s.text(10);
    n.updatedAt = s.text(11);
    n.signedAt = s.text(12);
    n.signedBy = s.text(13);
    n.sha256 = s.text(14);
    auto a = host_.prepare("SELECT id, at, author, reason, text FROM notes_addenda WHERE note_id = ?1 ORDER BY at, id");
    a.bind(1, n.id);
    while (a.step()) n.addenda.push_back({a.int64(0), a.text(1), a.text(2), a.text(3), a.text(4)});
    // What was signed is what is shown: the signature, then the store's seals.
    std::vector<std::string> problems;
    if (n.isSigned() && sha256Hex(n.canonicalContent()) != n.sha256)
        problems.push_back("its content does not match the SHA-256 it was signed with");
    if (auto p = host_.rowProblem("notes_notes", std::to_string(n.id))) problems.push_back(*p);
    for (const Addendum& ad : n.addenda)
        if (auto p = host_.rowProblem("notes_addenda", std::to_string(ad.id))) problems.push_back(*p);
    for (const std::string& p : problems)
        n.integrityProblem += (n.integrityProblem.empty() ? "" : "; ") + p;
    return n;
}

Note Notes::note(int64_t noteId) const {
    auto s = host_.prepare(std::string(kNoteColumns) + "WHERE id = ?1");
    s.bind(1, noteId);
    if (!s.step()) throw BadInput("note: there is no note with id " + std::to_string(noteId));
    return load(s);
}

std::vector<Note> Notes::list(int64_t clientId) const {
    clientOrBadInput(host_, clientId);
    auto s = host_.prepare(std::string(kNoteColumns) + "WHERE client_id = ?1 ORDER BY date DESC, id DESC");
    s.bind(1, clientId);
    std::vector<Note> notes;
    while (s.step()) notes.push_back(load(s));
    return notes;
}

std::optional<Note> Notes::lastSigned(int64_t clientId) const {
    auto s = host_.prepare(std::string(kNoteColumns) +
                           "WHERE client_id = ?1 AND signed_at IS NOT NULL ORDER BY date DESC, id DESC LIMIT 1");
    s.bind(1, clientId);
    if (!s.step()) return std::nullopt;
    return load(s);
}

namespace {
// created_at is "YYYY-MM-DDTHH:MM:SSZ", so text order is time order.
std::string hoursAgo(int hours) {
    std::time_t t = std::time(nullptr) - std::time_t(hours) * 3600;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buffer;
}
}  // namespace

std::vector<Note> Notes::unsignedOlderThan(int hours) const {
    auto s = host_.prepare(std::string(kNoteColumns) + "WHERE signed_at IS NULL AND created_at <= ?1 ORDER BY created_at");
    s.bind(1, hoursAgo(hours));
    std::vector<Note> notes;
    while (s.step()) notes.push_back(load(s));
    return notes;
}

int Notes::countUnsignedOlderThan(int hours) const {
    auto s = host_.prepare("SELECT count(*) FROM notes_notes WHERE signed_at IS NULL AND created_at <= ?1");
    s.bind(1, hoursAgo(hours));
    s.step();
    return int(s.int64(0));
}

std::vector<SearchHit> Notes::search(const std::string& typed, int limit) const {
    std::string query = ftsQuery(typed);
    if (query.empty()) throw BadInput("term: type at least one word to search for");
    if (limit < 1 || limit > 500) throw BadInput("limit: " + std::to_string(limit) + " is outside 1-500");
    // Newest first: FTS5 walks each index backwards and stops at the limit,
    // so a word found in half of 50,000 notes costs no more than a rare one.
    auto s = host_.prepare(
        "WITH hits AS ("
        "  SELECT * FROM (SELECT 0 AS addendum, rowid AS note_id, "
        "         snippet(notes_search, 0, '[', ']', '…', 12) AS snip "
        "  FROM notes_search WHERE notes_search MATCH ?1 ORDER BY rowid DESC LIMIT ?2) "
        "  UNION ALL "
        "  SELECT * FROM (SELECT a.id, a.note_id, snippet(notes_addenda_search, 0, '[', ']', '…', 12) "
        "  FROM notes_addenda_search JOIN notes_addenda a ON a.id = notes_addenda_search.rowid "
        "  WHERE notes_addenda_search MATCH ?1 ORDER BY notes_addenda_search.rowid DESC LIMIT ?2)) "
        "SELECT hits.addendum, hits.note_id, hits.snip, n.client_id, n.date, json_extract(n.template_json, '$.title'), "
        "h.given_name, h.family_name, h.preferred_name "
        "FROM hits JOIN notes_notes n ON n.id = hits.note_id JOIN host_clients h ON h.id = n.client_id "
        "ORDER BY n.date DESC, hits.note_id DESC, hits.addendum DESC LIMIT ?2");
    s.bind(1, query).bind(2, limit);
    std::vector<SearchHit> hits;
    while (s.step()) {
        SearchHit h;
        h.addendumId = s.int64(0);
        h.noteId = s.int64(1);
        h.snippet = s.text(2);
        h.clientId = s.int64(3);
        h.date = s.text(4);
        h.title = s.text(5);
        h.clientName = displayName(s.text(6), s.text(7), s.text(8));
        hits.push_back(std::move(h));
    }
    return hits;
}

}  // namespace notes
