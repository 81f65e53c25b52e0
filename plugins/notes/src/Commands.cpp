#include "Commands.h"
#include <nourish/json_input.hpp>

#include "nourish/cli.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace notes {

using nlohmann::json;

namespace {

const char* kNoteUsage =
    "usage: nourish-cli note templates [--json]\n"
    "       nourish-cli note add CLIENT --template ID --answers FILE.json [--date YYYY-MM-DD] [--consultation ID]\n"
    "       nourish-cli note edit NOTE_ID --answers FILE.json\n"
    "       nourish-cli note show NOTE_ID [--json]\n"
    "       nourish-cli note sign NOTE_ID\n"
    "       nourish-cli note addendum NOTE_ID --reason R --text T\n"
    "       nourish-cli note list CLIENT [--json]\n"
    "       nourish-cli note search TERM [--json]\n"
    "       nourish-cli note unsigned [--json]\n"
    "The answers file holds the template's answers by id; the recommendation\n"
    "section holds a list of {\"kind\", \"item\", \"why\", \"dose\", \"duration\"}\n"
    "with kind one of include, avoid, supplement, hydration, other.\n";
const char* kConsultUsage =
    "usage: nourish-cli consult book CLIENT --at \"YYYY-MM-DD HH:MM\" --minutes N --type T\n"
    "       nourish-cli consult list CLIENT [--json]\n"
    "       nourish-cli consult agenda [--from YYYY-MM-DD] [--days N] [--json]\n"
    "       nourish-cli consult status CONSULTATION_ID booked|done|cancelled|no-show\n"
    "       nourish-cli consult ics [--client ID] --out FILE.ics [--force]\n"
    "Types: initial, follow-up, review, remote (phone or video).\n";

using Args = nourish::CommandArgs;

int64_t idFrom(const std::string& text, const std::string& what) {
    if (auto id = nourish::parseId(text)) return *id;
    throw BadInput(what + ": '" + text + "' is not an id");
}


json readJsonFile(const std::string& path, const std::string& field) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw BadInput(field + ": cannot read " + path);
    std::stringstream text;
    text << in.rdbuf();
    try {
        return nourish::parseJsonInput(text.str());
    } catch (const nourish::JsonInputError& e) {
        throw BadInput(field + ": " + path + " " + e.what());
    }
}

std::string pad(std::string text, size_t width) {
    // Columns count characters, not the bytes of UTF-8.
    size_t chars = 0;
    for (unsigned char c : text) chars += (c & 0xC0) != 0x80;
    if (chars < width) text.append(width - chars, ' ');
    return text + "  ";
}

void printNote(const Note& n, const nourish::Output& out) {
    if (!n.intact())
        out << "WARNING: this note was changed outside Nourish (" << n.integrityProblem
            << "). What follows is not what was signed; it is never sent to a family. Run nourish-cli store check.\n\n";
    out << "Note " << std::to_string(n.id) << " — " << n.title() << ", " << n.date << "\n";
    out << (n.isSigned() ? "Signed by " + n.signedBy + " at " + n.signedAt + " (SHA-256 " + n.sha256 + ")"
                         : std::string("Draft, not signed"))
        << "\n\n";
    out << n.plainText().substr(n.title().size() + 1);
    for (const Addendum& a : n.addenda)
        out << "\nAddendum " << a.at << " by " << a.author << " — " << a.reason << "\n" << a.text << "\n";
}

int noteCommand(nourish::Host host, Args& a, const nourish::Output& out) {
    Notes notes(host);
    if (a.rest.empty()) throw BadInput("subcommand: missing");
    std::string sub = a.rest.front();
    a.rest.erase(a.rest.begin());
    bool asJson = a.flag("--json");
    if (sub == "templates") {
        a.expect(0, "note templates takes no arguments");
        auto list = notes.templates();
        if (asJson) {
            out << json(list).dump(2) << "\n";
            return 0;
        }
        for (const json& t : list) {
            out << pad(t.value("id", ""), 32) << t.value("title", "") << " (" << t.value("plugin", "") << ")\n";
            for (const json& s : t["sections"])
                out << "    " << s.value("id", "") << (s.value("recommendations", false) ? " [recommendations]" : "")
                    << (s.value("for_family", false) ? " [for the family]" : "") << "\n";
        }
        return 0;
    }
    if (sub == "add") {
        std::string templateId = a.required("--template", "the template to write from");
        json answers = readJsonFile(a.required("--answers", "a JSON file of the template's answers"), "answers");
        std::string date = a.option("--date").value_or(localToday());
        auto consultation = a.option("--consultation");
        a.expect(1, "note add needs the client id");
        int64_t id = notes.create(idFrom(a.rest[0], "client"), templateId, date, answers,
                                  consultation ? idFrom(*consultation, "consultation") : 0);
        out << "note " << std::to_string(id) << " added as a draft; sign it with: nourish-cli note sign " << std::to_string(id) << "\n";
        return 0;
    }
    if (sub == "edit") {
        json answers = readJsonFile(a.required("--answers", "a JSON file of the template's answers"), "answers");
        a.expect(1, "note edit needs the note id");
        notes.update(idFrom(a.rest[0], "note"), answers);
        out << "note " << a.rest[0] << " saved\n";
        return 0;
    }
    if (sub == "show") {
        a.expect(1, "note show needs the note id");
        Note n = notes.note(idFrom(a.rest[0], "note"));
        host.audit(n.clientId, "note.view", json{{"note_id", n.id}}.dump());
        if (asJson) out << n.toJson().dump(2) << "\n";
        else printNote(n, out);
        return 0;
    }
    if (sub == "sign") {
        a.expect(1, "note sign needs the note id");
        std::string hash = notes.sign(idFrom(a.rest[0], "note"));
        out << "note " << a.rest[0] << " signed; SHA-256 " << hash << "\n";
        return 0;
    }
    if (sub == "addendum") {
        std::string reason = a.required("--reason", "why the signed note needs an addendum");
        std::string text = a.required("--text", "the addendum");
        a.expect(1, "note addendum needs the note id");
        int64_t id = notes.addAddendum(idFrom(a.rest[0], "note"), reason, text);
        out << "addendum " << std::to_string(id) << " added to note " << a.rest[0] << "\n";
        return 0;
    }
    if (sub == "list") {
        a.expect(1, "note list needs the client id");
        auto list = notes.list(idFrom(a.rest[0], "client"));
        host.audit(idFrom(a.rest[0], "client"), "note.list", json{{"notes", list.size()}}.dump());
        if (asJson) {
            json j = json::array();
            for (const Note& n : list) j.push_back(n.toJson());
            out << j.dump(2) << "\n";
            return 0;
        }
        if (list.empty()) out << "no notes yet\n";
        for (const Note& n : list)
            out << pad(std::to_string(n.id), 5) << pad(n.date, 10) << pad(n.title(), 22)
                << (n.isSigned() ? "signed " + n.signedAt.substr(0, 10) : std::string("draft"))
                << (n.addenda.empty() ? "" : ", " + std::to_string(n.addenda.size()) + " addend" +
                                                 (n.addenda.size() == 1 ? "um" : "a"))
                << "\n";
        return 0;
    }
    if (sub == "search") {
        a.expect(1, "note search needs the words to look for (quote several)");
        auto hits = notes.search(a.rest[0]);
        host.audit(0, "note.search", json{{"query", a.rest[0]}, {"hits", hits.size()}}.dump());
        if (asJson) {
            json j = json::array();
            for (const SearchHit& h : hits) {
                json hit = {{"note_id", h.noteId},   {"client_id", h.clientId}, {"client", h.clientName},
                            {"date", h.date},        {"title", h.title},        {"snippet", h.snippet}};
                if (h.addendumId) hit["addendum_id"] = h.addendumId;
                j.push_back(hit);
            }
            out << j.dump(2) << "\n";
            return 0;
        }
        if (hits.empty()) out << "nothing found\n";
        for (const SearchHit& h : hits)
            out << pad(std::to_string(h.noteId), 5) << pad(h.date, 10) << pad(h.clientName, 20)
                << (h.addendumId ? "(addendum) " : "") << h.snippet << "\n";
        return 0;
    }
    if (sub == "unsigned") {
        a.expect(0, "note unsigned takes no arguments");
        auto list = notes.unsignedOlderThan(48);
        if (asJson) {
            json j = json::array();
            for (const Note& n : list) j.push_back(n.toJson());
            out << j.dump(2) << "\n";
            return 0;
        }
        if (list.empty()) out << "every note older than 48 hours is signed\n";
        for (const Note& n : list)
            out << pad(std::to_string(n.id), 5) << pad(n.date, 10) << "client " << std::to_string(n.clientId) << ", " << n.title()
                << ", started " << n.createdAt << "\n";
        return 0;
    }
    throw BadInput("subcommand: unknown 'note " + sub + "'");
}

void printConsultations(const std::vector<Consultation>& list, const nourish::Output& out, bool withClient) {
    if (list.empty()) out << "no consultations\n";
    for (const Consultation& c : list) {
        out << pad(std::to_string(c.id), 5) << pad(c.startsAt, 16) << pad(std::to_string(c.minutes) + " min", 7)
            << pad(typeLabel(c.type), 20) << pad(c.status, 9);
        if (withClient) out << pad(c.clientName, 20);
        if (c.noteId)
            out << "note " << std::to_string(c.noteId) << (c.noteSigned ? " signed" : c.noteOverdue ? " UNSIGNED for over 48 h" : " draft");
        out << "\n";
    }
}

json consultationsJson(const std::vector<Consultation>& list) {
    json j = json::array();
    for (const Consultation& c : list) {
        json item = {{"id", c.id},         {"client_id", c.clientId}, {"client", c.clientName},
                     {"at", c.startsAt},   {"minutes", c.minutes},    {"type", c.type},
                     {"status", c.status}, {"note_overdue", c.noteOverdue}};
        if (c.noteId) {
            item["note_id"] = c.noteId;
            item["note_signed"] = c.noteSigned;
        }
        j.push_back(item);
    }
    return j;
}

int consultCommand(nourish::Host host, Args& a, const nourish::Output& out) {
    Notes notes(host);
    if (a.rest.empty()) throw BadInput("subcommand: missing");
    std::string sub = a.rest.front();
    a.rest.erase(a.rest.begin());
    bool asJson = a.flag("--json");
    if (sub == "book") {
        Booking b;
        b.startsAt = a.required("--at", "the local date and time, \"YYYY-MM-DD HH:MM\"");
        b.minutes = nourish::parseInt(a.required("--minutes", "how long"), "minutes");
        b.type = a.required("--type", "initial, follow-up, review or remote");
        a.expect(1, "consult book needs the client id");
        b.clientId = idFrom(a.rest[0], "client");
        std::vector<std::string> warnings;
        int64_t id = notes.book(b, warnings);
        for (const std::string& w : warnings) out << "warning: " << w << "\n";
        out << "consultation " << std::to_string(id) << " booked for " << b.startsAt << "\n";
        return 0;
    }
    if (sub == "list") {
        a.expect(1, "consult list needs the client id");
        auto list = notes.consultations(idFrom(a.rest[0], "client"));
        host.audit(idFrom(a.rest[0], "client"), "consult.list");
        if (asJson) out << consultationsJson(list).dump(2) << "\n";
        else printConsultations(list, out, false);
        return 0;
    }
    if (sub == "agenda") {
        std::string from = a.option("--from").value_or(localToday());
        int days = nourish::parseInt(a.option("--days").value_or("7"), "days");
        if (days < 1 || days > 366) throw BadInput("days: " + std::to_string(days) + " is outside 1-366");
        a.expect(0, "consult agenda takes only options");
        parseDate(from, "from");
        std::string to = addMinutes(from + " 00:00", (days - 1) * 24 * 60).substr(0, 10);
        auto list = notes.agenda(from, to);
        host.audit(0, "consult.agenda", json{{"from", from}, {"to", to}, {"consultations", list.size()}}.dump());
        if (asJson) out << consultationsJson(list).dump(2) << "\n";
        else printConsultations(list, out, true);
        return 0;
    }
    if (sub == "status") {
        a.expect(2, "consult status needs the consultation id and the status");
        notes.setStatus(idFrom(a.rest[0], "consultation"), a.rest[1]);
        out << "consultation " << a.rest[0] << " is now " << a.rest[1] << "\n";
        return 0;
    }
    if (sub == "ics") {
        std::string path = a.required("--out", "the calendar file to write");
        bool force = a.flag("--force");
        auto client = a.option("--client");
        a.expect(0, "consult ics takes only options");
        std::optional<int64_t> clientId;
        if (client) clientId = idFrom(*client, "client");
        nourish::checkOutputFile(host, "--out", path, force);
        std::string text = notes.calendar(clientId);
        nourish::writeOutputFile(host, "--out", path, text, force);
        size_t events = 0;
        for (size_t at = text.find("BEGIN:VEVENT"); at != std::string::npos; at = text.find("BEGIN:VEVENT", at + 1)) ++events;
        host.audit(clientId.value_or(0), "consult.export",
                   json{{"file", std::filesystem::path(path).filename().string()}, {"consultations", events}}.dump());
        out << "wrote " << std::to_string(events) << " upcoming consultation" << (events == 1 ? "" : "s") << " to " << path << "\n";
        return 0;
    }
    throw BadInput("subcommand: unknown 'consult " + sub + "'");
}

}  // namespace

std::string commandsJson() {
    return json::array({{{"name", "note"}, {"summary", "consultation notes: write, sign, amend, search"}, {"usage", kNoteUsage}},
                        {{"name", "consult"}, {"summary", "consultations: book, agenda, calendar export"}, {"usage", kConsultUsage}}})
        .dump();
}

int runCommand(nourish::Host host, const std::string& command, const std::vector<std::string>& args,
               const nourish::Output& out, const nourish::Output& error) {
    Args a{args};
    const char* usage = command == "note" ? kNoteUsage : kConsultUsage;
    return nourish::runCommandBody<BadInput>(
        [&] {
            if (command == "note") return noteCommand(host, a, out);
            if (command == "consult") return consultCommand(host, a, out);
            error << "unknown command " << command << "\n";
            return 2;
        },
        error, usage);
}

}  // namespace notes
