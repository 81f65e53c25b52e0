// The consultations plugin through nourish-cli, with the real store and the
// real plugins (and a third party's note templates): notes written, signed
// and locked by the store itself, addenda, search, bookings, the calendar file,
// and every bad input refused with nothing stored.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "NoteText.h"
#include "nourish/core/Errors.h"
#include "nourish/core/PluginSql.h"
#include "nourish/core/Store.h"
#include "support/Process.h"
#include "support/TempDir.h"

using nlohmann::json;
using nourish::test::ProcessResult;
using nourish::test::runProcess;

namespace {

const char* kSoap = "org.nourish.notes.soap";

class NotesCliTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto r = cli({"store", "init"});
        ASSERT_EQ(r.exitCode, 0) << r.error;
        addClient("Ada", "Stone");
        addClient("Zoë", "Müller");
    }
    void addClient(const std::string& given, const std::string& family) {
        auto r = cli({"client", "add", "--given", given, "--family", family, "--dob", "2024-05-01", "--guardian",
                      "Sam " + family + " <sam@example.org>"});
        ASSERT_EQ(r.exitCode, 0) << r.error;
    }
    ProcessResult cli(std::vector<std::string> args) {
        args.insert(args.begin(), {"--store", store().string()});
        return runProcess(NOURISH_CLI, args,
                          {"XDG_DATA_HOME=" + (dir / "xdg").string(),
                           "NOURISH_PLUGIN_PATH=" + std::string(NOURISH_TEST_PLUGIN_ROOT) + "/protocols"});
    }
    std::filesystem::path store() const { return dir / "n.db"; }
    std::string file(const json& content, const std::string& name) {
        nourish::test::writeFile(dir / name, content.dump());
        return (dir / name).string();
    }
    json run(std::vector<std::string> args) {
        auto r = cli(args);
        EXPECT_EQ(r.exitCode, 0) << r.error;
        return r.exitCode == 0 ? json::parse(r.output) : json();
    }
    int64_t addNote(const std::string& client, const json& answers, const std::string& templateId = kSoap) {
        auto r = cli({"note", "add", client, "--template", templateId, "--answers", file(answers, "answers.json")});
        EXPECT_EQ(r.exitCode, 0) << r.error;
        return std::stoll(r.output.substr(5));  // "note N added ..."
    }
    static json soapAnswers() {
        return {{"subjective", "Itchy at night; scratches until it bleeds."},
                {"objective", "Dry patches behind both knees."},
                {"weight_kg", 9.4},
                {"plan", "Keep the diary every evening."},
                {"recommendations",
                 {{{"kind", "include"}, {"item", "Salmon, chia, flax"}, {"why", "omega-3 for inflammation"}},
                  {{"kind", "supplement"},
                   {"item", "Lactobacillus rhamnosus drops"},
                   {"dose", "5 drops daily"},
                   {"duration", "8 weeks"}}}}};
    }
    nourish::test::TempDir dir;
};

std::string readAll(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

TEST_F(NotesCliTest, TemplatesOfEveryPluginAreListed_ABrokenOneIsRefusedWithItsPath) {
    std::vector<std::string> ids;
    for (const json& t : run({"note", "templates", "--json"})) ids.push_back(t["id"]);
    EXPECT_EQ(ids, (std::vector<std::string>{kSoap, "org.nourish.notes.initial", "org.nourish.notes.follow-up",
                                             "org.example.test.phone-check"}));
    auto plugins = cli({"plugins", "--json"});
    EXPECT_NE(plugins.output.find("a note template it offers was refused (org.example.test.protocols): "
                                  "$[1].sections[1].fields[0].type"),
              std::string::npos)
        << plugins.output;
    // A third party's template is written and signed like ours.
    int64_t id = addNote("1", {{"summary", "Calmer this week."},
                               {"itch", 3},
                               {"advice", {{{"kind", "hydration"}, {"item", "Water with every meal"}}}}},
                         "org.example.test.phone-check");
    ASSERT_EQ(cli({"note", "sign", std::to_string(id)}).exitCode, 0);
}

TEST_F(NotesCliTest, ASignedNoteIsLocked_EvenAgainstThePluginsOwnStoreAccess) {
    int64_t id = addNote("1", soapAnswers());
    json draft = run({"note", "show", std::to_string(id), "--json"});
    EXPECT_EQ(draft["signed"], false);
    EXPECT_EQ(draft["recommendations"].size(), 2u);
    EXPECT_EQ(draft["answers"]["weight_kg"], 9.4);

    // A draft changes freely.
    json changed = soapAnswers();
    changed["assessment"] = "Probable dairy sensitivity.";
    ASSERT_EQ(cli({"note", "edit", std::to_string(id), "--answers", file(changed, "changed.json")}).exitCode, 0);

    auto signedResult = cli({"note", "sign", std::to_string(id)});
    ASSERT_EQ(signedResult.exitCode, 0) << signedResult.error;
    json note = run({"note", "show", std::to_string(id), "--json"});
    ASSERT_EQ(note["signed"], true);
    std::string hash = note["sha256"];
    EXPECT_EQ(hash.size(), 64u);
    EXPECT_NE(signedResult.output.find(hash), std::string::npos);

    // Through the CLI: refused, with the way forward.
    auto edit = cli({"note", "edit", std::to_string(id), "--answers", file(soapAnswers(), "again.json")});
    EXPECT_EQ(edit.exitCode, 2);
    EXPECT_NE(edit.error.find("can no longer change; add an addendum instead"), std::string::npos) << edit.error;
    EXPECT_EQ(cli({"note", "sign", std::to_string(id)}).exitCode, 2) << "signed once only";

    {
        // Through the plugin's own store access, as its code or a buggy
        // version of it would: the store's triggers refuse.
        nourish::Store db(store());
        nourish::PluginSql sql(db, "org.nourish.notes", "notes_");
        auto exec = [&](const std::string& text) {
            auto s = sql.prepare(text);
            while (s->step()) {
            }
        };
        for (const std::string& attack :
             {std::string("UPDATE notes_notes SET answers = '{\"plan\": \"changed\"}' WHERE id = ") + std::to_string(id),
              std::string("UPDATE notes_notes SET signed_at = NULL, signed_by = NULL, content_sha256 = NULL"),
              std::string("DELETE FROM notes_notes WHERE id = ") + std::to_string(id),
              // REPLACE deletes without firing delete triggers; the insert trigger holds.
              std::string("INSERT OR REPLACE INTO notes_notes (id, client_id, template_id, template_version, "
                          "template_json, date, answers, created_at, created_by, updated_at) SELECT id, client_id, "
                          "template_id, template_version, template_json, date, '{}', created_at, created_by, updated_at "
                          "FROM notes_notes WHERE id = ") + std::to_string(id)}) {
            try {
                exec(attack);
                ADD_FAILURE() << "allowed: " << attack;
            } catch (const nourish::StoreError& e) {
                EXPECT_NE(std::string(e.what()).find("signed"), std::string::npos) << e.what();
            }
        }
        EXPECT_THROW(exec("DROP TRIGGER notes_notes_signed_update"), nourish::AccessDenied);
        // Not even the host's own connection gets past the trigger.
        EXPECT_THROW(db.db().exec("UPDATE notes_notes SET date = '2020-01-01'"), nourish::StoreError);
    }
    json after = run({"note", "show", std::to_string(id), "--json"});
    EXPECT_EQ(after["answers"], note["answers"]);
    EXPECT_EQ(after["sha256"], hash);
    EXPECT_EQ(after["answers"]["assessment"], "Probable dairy sensitivity.");
}

TEST_F(NotesCliTest, AddendaNeedAReason_ComeInOrder_AndCannotChange) {
    int64_t id = addNote("1", soapAnswers());
    auto early = cli({"note", "addendum", std::to_string(id), "--reason", "late news", "--text", "more"});
    EXPECT_EQ(early.exitCode, 2);
    EXPECT_NE(early.error.find("still a draft"), std::string::npos) << early.error;
    ASSERT_EQ(cli({"note", "sign", std::to_string(id)}).exitCode, 0);

    auto noReason = cli({"note", "addendum", std::to_string(id), "--reason", "  ", "--text", "Soy yoghurt: red cheeks."});
    EXPECT_EQ(noReason.exitCode, 2);
    EXPECT_NE(noReason.error.find("reason: is required"), std::string::npos) << noReason.error;
    EXPECT_EQ(cli({"note", "addendum", std::to_string(id), "--text", "x"}).exitCode, 2);
    EXPECT_EQ(cli({"note", "addendum", std::to_string(id), "--reason", "call", "--text", ""}).exitCode, 2);

    ASSERT_EQ(cli({"note", "addendum", std::to_string(id), "--reason", "Mother called", "--text",
                   "Soy yoghurt at a friend's house: red cheeks within two hours."})
                  .exitCode,
              0);
    ASSERT_EQ(cli({"note", "addendum", std::to_string(id), "--reason", "Correction", "--text", "It was oat yoghurt."}).exitCode,
              0);
    json note = run({"note", "show", std::to_string(id), "--json"});
    ASSERT_EQ(note["addenda"].size(), 2u);
    EXPECT_EQ(note["addenda"][0]["reason"], "Mother called");
    EXPECT_EQ(note["addenda"][1]["reason"], "Correction");
    EXPECT_FALSE(note["addenda"][0]["author"].get<std::string>().empty());

    nourish::Store db(store());
    nourish::PluginSql sql(db, "org.nourish.notes", "notes_");
    EXPECT_THROW(sql.prepare("UPDATE notes_addenda SET text = 'nothing happened'")->step(), nourish::StoreError);
    EXPECT_THROW(sql.prepare("DELETE FROM notes_addenda")->step(), nourish::StoreError);
    EXPECT_THROW(sql.prepare("INSERT OR REPLACE INTO notes_addenda (id, note_id, at, author, reason, text) "
                             "SELECT id, note_id, at, author, reason, 'rewritten' FROM notes_addenda LIMIT 1")
                     ->step(),
                 nourish::StoreError);
    EXPECT_THROW(sql.prepare("INSERT INTO notes_addenda (note_id, at, author, reason, text) VALUES (" + std::to_string(id) +
                             ", 'now', 'me', '', 'no reason')")
                     ->step(),
                 nourish::StoreError)
        << "the store itself wants a reason";
}

TEST_F(NotesCliTest, SearchFoldsDiacritics_FindsAddenda_AndFollowsDraftChanges) {
    json answers = soapAnswers();
    answers["subjective"] = "Reacted to crème fraîche at Christmas.";
    int64_t id = addNote("2", answers);
    auto hits = run({"note", "search", "creme fraiche", "--json"});
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0]["note_id"], id);
    EXPECT_EQ(hits[0]["client"], "Zoë Müller");
    EXPECT_NE(hits[0]["snippet"].get<std::string>().find("[crème] [fraîche]"), std::string::npos) << hits[0];
    EXPECT_EQ(run({"note", "search", "CRÈME", "--json"}).size(), 1u);
    EXPECT_EQ(run({"note", "search", "muller", "--json"}).size(), 0u) << "names are not note text";

    // The draft changes: the old words are no longer found, the new ones are.
    answers["subjective"] = "Reacted to goat's cheese.";
    ASSERT_EQ(cli({"note", "edit", std::to_string(id), "--answers", file(answers, "edit.json")}).exitCode, 0);
    EXPECT_EQ(run({"note", "search", "fraiche", "--json"}).size(), 0u);
    EXPECT_EQ(run({"note", "search", "goat", "--json"}).size(), 1u);

    ASSERT_EQ(cli({"note", "sign", std::to_string(id)}).exitCode, 0);
    ASSERT_EQ(cli({"note", "addendum", std::to_string(id), "--reason", "Phone call", "--text", "Soy yoghurt too."}).exitCode, 0);
    auto soy = run({"note", "search", "soy yoghurt", "--json"});
    ASSERT_EQ(soy.size(), 1u);
    EXPECT_TRUE(soy[0].contains("addendum_id"));
    auto nothing = cli({"note", "search", " ;; "});
    EXPECT_EQ(nothing.exitCode, 2);
    EXPECT_NE(nothing.error.find("term:"), std::string::npos);
}

TEST_F(NotesCliTest, BadInputIsRefusedWithTheFieldAndNothingIsWritten) {
    json badKind = soapAnswers();
    badKind["recommendations"][1]["kind"] = "pill";
    json badField = soapAnswers();
    badField["weight_kg"] = "heavy";
    json unknownField = soapAnswers();
    unknownField["mood"] = "fine";
    nourish::test::writeFile(dir / "broken.json", "{\"subjective\": ");
    nourish::test::writeFile(dir / "deep.json", "{\"subjective\":" + std::string(100000, '[') + std::string(100000, ']') + "}");
    nourish::test::writeFile(dir / "huge.json", "{\"weight_kg\": 1e400}");
    nourish::test::writeFile(dir / "twice.json", "{\"subjective\": \"well\", \"subjective\": \"unwell\"}");
    json spoof = soapAnswers();
    spoof["recommendations"][0]["item"] = "\u202Eklim woc";
    std::string tomorrow = notes::addMinutes(notes::localToday() + " 00:00", 24 * 60).substr(0, 10);
    struct Case {
        std::vector<std::string> args;
        std::string says;
    };
    std::vector<Case> cases = {
        {{"note", "add", "1", "--template", "org.nourish.notes.none", "--answers", file(soapAnswers(), "a.json")}, "template:"},
        {{"note", "add", "1", "--template", kSoap, "--answers", (dir / "broken.json").string()}, "is not valid JSON"},
        {{"note", "add", "1", "--template", kSoap, "--answers", (dir / "missing.json").string()}, "answers: cannot read"},
        {{"note", "add", "1", "--template", kSoap, "--answers", file(badKind, "k.json")}, "recommendations[1].kind: 'pill'"},
        {{"note", "add", "1", "--template", kSoap, "--answers", (dir / "deep.json").string()}, "is nested deeper than 64 levels"},
        {{"note", "add", "1", "--template", kSoap, "--answers", (dir / "huge.json").string()}, "holds a number too large"},
        {{"note", "add", "1", "--template", kSoap, "--answers", (dir / "twice.json").string()}, "holds the key \"subjective\" twice"},
        {{"note", "add", "1", "--template", kSoap, "--answers", file(spoof, "s.json")}, "U+202E (right-to-left override)"},
        {{"note", "add", "1", "--template", kSoap, "--answers", file(badField, "f.json")}, "weight_kg"},
        {{"note", "add", "1", "--template", kSoap, "--answers", file(unknownField, "u.json")}, "mood"},
        {{"note", "add", "1", "--template", kSoap, "--answers", file(soapAnswers(), "a.json"), "--date", tomorrow}, "in the future"},
        {{"note", "add", "1", "--template", kSoap, "--answers", file(soapAnswers(), "a.json"), "--date", "2026-02-30"}, "date:"},
        {{"note", "add", "9", "--template", kSoap, "--answers", file(soapAnswers(), "a.json")}, "no client with id 9"},
        {{"note", "sign", "42"}, "no note with id 42"},
        {{"note", "show", "x"}, "note: 'x' is not an id"},
        {{"consult", "book", "1", "--at", "2026-13-01 09:00", "--minutes", "45", "--type", "initial"}, "at:"},
        {{"consult", "book", "1", "--at", "2030-01-01 09:00", "--minutes", "0", "--type", "initial"}, "minutes:"},
        {{"consult", "book", "1", "--at", "2030-01-01 09:00", "--minutes", "45", "--type", "lunch"}, "type: 'lunch'"},
        {{"consult", "book", "1", "--at", "2030-01-01 09:00", "--type", "initial"}, "--minutes: is required"},
        {{"consult", "status", "1", "done"}, "no consultation with id 1"},
        {{"consult", "agenda", "--from", "someday"}, "from:"},
    };
    for (const Case& c : cases) {
        auto r = cli(c.args);
        EXPECT_EQ(r.exitCode, 2) << c.args[0] << " " << c.args[1] << ": " << r.output;
        EXPECT_NE(r.error.find(c.says), std::string::npos) << r.error << " (expected: " << c.says << ")";
    }
    EXPECT_EQ(run({"note", "list", "1", "--json"}).size(), 0u);
    EXPECT_EQ(run({"consult", "list", "1", "--json"}).size(), 0u);
}

TEST_F(NotesCliTest, OverlappingBookingsWarn_TheCalendarHasNoHealthDetails) {
    auto empty = cli({"consult", "ics", "--out", (dir / "empty.ics").string()});
    EXPECT_EQ(empty.exitCode, 2) << "a calendar needs at least one event";
    EXPECT_NE(empty.error.find("no upcoming consultations"), std::string::npos) << empty.error;
    EXPECT_FALSE(std::filesystem::exists(dir / "empty.ics"));
    auto first = cli({"consult", "book", "1", "--at", "2030-03-14 09:30", "--minutes", "45", "--type", "initial"});
    ASSERT_EQ(first.exitCode, 0) << first.error;
    EXPECT_EQ(first.output.find("warning"), std::string::npos);
    auto second = cli({"consult", "book", "2", "--at", "2030-03-14 10:00", "--minutes", "30", "--type", "follow-up"});
    ASSERT_EQ(second.exitCode, 0) << second.error;
    EXPECT_NE(second.output.find("warning: it overlaps the consultation with Ada Stone at 2030-03-14 09:30"), std::string::npos)
        << second.output;
    auto third = cli({"consult", "book", "2", "--at", "2030-03-14 10:30", "--minutes", "30", "--type", "review"});
    EXPECT_EQ(third.output.find("warning"), std::string::npos) << "back to back is not an overlap: " << third.output;
    json agenda = run({"consult", "agenda", "--from", "2030-03-14", "--days", "1", "--json"});
    ASSERT_EQ(agenda.size(), 3u);
    EXPECT_EQ(agenda[1]["client"], "Zoë Müller");

    // A note about eczema for Zoë: none of it may reach the calendar.
    addNote("2", soapAnswers());
    auto nowhere = cli({"consult", "ics", "--out", (dir / "no" / "such" / "dir" / "a.ics").string()});
    EXPECT_EQ(nowhere.exitCode, 2);
    EXPECT_NE(nowhere.error.find("out: cannot write"), std::string::npos) << nowhere.error;
    ASSERT_EQ(cli({"consult", "ics", "--out", (dir / "all.ics").string()}).exitCode, 0);
    std::string ics = readAll(dir / "all.ics");
    size_t events = 0;
    for (size_t at = ics.find("BEGIN:VEVENT"); at != std::string::npos; at = ics.find("BEGIN:VEVENT", at + 1)) ++events;
    EXPECT_EQ(events, 3u);
    EXPECT_NE(ics.find("SUMMARY:Consultation — Z. M.\r\n"), std::string::npos) << ics;
    EXPECT_NE(ics.find("DTSTART:20300314T100000\r\n"), std::string::npos);
    for (const char* secret : {"Müller", "Stone", "Itchy", "Salmon", "omega", "rhamnosus"})
        EXPECT_EQ(ics.find(secret), std::string::npos) << secret;
    for (size_t start = 0; start < ics.size();) {
        size_t end = ics.find("\r\n", start);
        ASSERT_NE(end, std::string::npos) << "CRLF line endings";
        EXPECT_LE(end - start, 75u);
        EXPECT_EQ(ics.substr(start, end - start).find('\n'), std::string::npos) << "no bare LF";
        start = end + 2;
    }
    ASSERT_EQ(cli({"consult", "ics", "--client", "1", "--out", (dir / "ada.ics").string()}).exitCode, 0);
    std::string ada = readAll(dir / "ada.ics");
    EXPECT_NE(ada.find("A. S."), std::string::npos);
    EXPECT_EQ(ada.find("Z. M."), std::string::npos) << "one client's calendar has only her consultations";
    for (const auto& entry : std::filesystem::directory_iterator(dir.path()))
        EXPECT_EQ(entry.path().filename().string().find(".part"), std::string::npos) << entry.path();

    // Cancelled, it stays in the file as cancelled so that calendars drop it.
    ASSERT_EQ(cli({"consult", "status", "1", "cancelled"}).exitCode, 0);
    auto again = cli({"consult", "ics", "--client", "1", "--out", (dir / "ada.ics").string()});
    EXPECT_EQ(again.exitCode, 2);
    EXPECT_NE(again.error.find("already exists; add --force to replace it"), std::string::npos) << again.error;
    ASSERT_EQ(cli({"consult", "ics", "--client", "1", "--out", (dir / "ada.ics").string(), "--force"}).exitCode, 0);
    ada = readAll(dir / "ada.ics");
    EXPECT_NE(ada.find("STATUS:CANCELLED\r\nSEQUENCE:1\r\n"), std::string::npos) << ada;
    EXPECT_EQ(ada.substr(ada.find("UID:"), 16), ics.substr(ics.find("UID:"), 16)) << "the same event keeps its UID";
}

TEST_F(NotesCliTest, ANoteOnTheDayOfABookingCompletesIt) {
    std::string today = notes::localToday();
    ASSERT_EQ(cli({"consult", "book", "1", "--at", today + " 00:05", "--minutes", "30", "--type", "follow-up"}).exitCode, 0);
    int64_t id = addNote("1", soapAnswers());
    json list = run({"consult", "list", "1", "--json"});
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0]["status"], "done");
    EXPECT_EQ(list[0]["note_id"], id);
    EXPECT_EQ(list[0]["note_signed"], false);
}

TEST_F(NotesCliTest, DraftsUnsignedForMoreThan48Hours_AreListed) {
    int64_t id = addNote("1", soapAnswers());
    EXPECT_TRUE(run({"note", "unsigned", "--json"}).empty()) << "a draft of today is not late";
    {
        nourish::Store db(store());
        db.db().exec("UPDATE notes_notes SET created_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-49 hours')");
    }
    json late = run({"note", "unsigned", "--json"});
    ASSERT_EQ(late.size(), 1u);
    EXPECT_EQ(late[0]["id"], id);
    ASSERT_EQ(cli({"note", "sign", std::to_string(id)}).exitCode, 0);
    EXPECT_TRUE(run({"note", "unsigned", "--json"}).empty()) << "signed, it is no longer late";
}
