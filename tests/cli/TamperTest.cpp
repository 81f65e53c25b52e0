// Tampering with a store as someone with a copy of the file (and SQLite's own
// shell, but not the practitioner's audit key) would: every change is reported
// by `store check`, naming the table and row; a signed note that was changed is
// shown with a warning and never reaches a family.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "support/Process.h"
#include "support/TempDir.h"

using nourish::test::ProcessResult;
using nourish::test::runProcess;
namespace fs = std::filesystem;

namespace {

// A store in a temporary folder with its own audit key and anchors, the CLI
// on it, and SQLite's shell: what anyone with a copy of the store can do.
class StoreFixture : public ::testing::Test {
protected:
    fs::path store() const { return dir / "s.db"; }
    ProcessResult cli(std::vector<std::string> args, const fs::path& at = {}) const {
        args.insert(args.begin(), {"--store", (at.empty() ? store() : at).string()});
        return runProcess(NOURISH_CLI, args,
                          {"XDG_DATA_HOME=" + (dir / "xdg").string(), "XDG_CONFIG_HOME=" + (dir / "config").string()});
    }
    std::string sql(const std::string& statements, const fs::path& at = {}) const {
        auto r = runProcess("sqlite3", {"-bail", (at.empty() ? store() : at).string(), statements});
        EXPECT_EQ(r.exitCode, 0) << statements << ": " << r.error;
        return r.output;
    }
    nourish::test::TempDir dir;
};

class TamperTest : public StoreFixture {
protected:
    void SetUp() override {
        auto r = cli({"store", "demo"});
        ASSERT_EQ(r.exitCode, 0) << r.error;
        auto ok = cli({"store", "check"});
        ASSERT_EQ(ok.exitCode, 0) << ok.output << ok.error;
    }
    std::string triggerSql(const std::string& name) const {
        return sql("SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = '" + name + "'");
    }
    // `store check` must fail and say each of `expected`.
    std::string expectReported(const std::vector<std::string>& expected, const fs::path& at = {}) const {
        auto r = cli({"store", "check"}, at);
        EXPECT_EQ(r.exitCode, 1) << r.output << r.error;
        for (const std::string& words : expected)
            EXPECT_NE(r.output.find(words), std::string::npos) << "missing: " << words << "\nin:\n" << r.output;
        EXPECT_NE(r.output.find("verified: "), std::string::npos) << "the check says what it verified";
        return r.output;
    }
};

TEST_F(TamperTest, ASignedNoteEditedAroundItsTriggers_IsReported_ShownWithAWarning_AndNeverSent) {
    std::string guard = triggerSql("notes_notes_signed_update");
    std::string seal = triggerSql("nourish_seal_update_notes_notes");
    ASSERT_FALSE(guard.empty());
    ASSERT_FALSE(seal.empty());
    int64_t client = std::stoll(sql("SELECT client_id FROM notes_notes WHERE id = 1"));
    // Both triggers put back exactly as they were: the schema matches, the row does not.
    sql("DROP TRIGGER notes_notes_signed_update; DROP TRIGGER nourish_seal_update_notes_notes; "
        "UPDATE notes_notes SET answers = replace(answers, 'Eczema', 'Nothing of note') WHERE id = 1; " +
        guard + ";" + seal + ";");
    std::string out = expectReported({"seal: notes_notes row 1 (client " + std::to_string(client) +
                                      ") does not match its seal"});
    EXPECT_EQ(out.find("problem: schema:"), std::string::npos) << "the triggers are back as they were:\n" << out;

    auto shown = cli({"note", "show", "1"});
    ASSERT_EQ(shown.exitCode, 0) << shown.error;
    EXPECT_EQ(shown.output.rfind("WARNING: this note was changed outside Nourish", 0), 0u) << shown.output;
    EXPECT_NE(shown.output.find("does not match the SHA-256 it was signed with"), std::string::npos) << shown.output;
    auto json = nlohmann::json::parse(cli({"note", "show", "1", "--json"}).output);
    EXPECT_FALSE(json["intact"].get<bool>());
    EXPECT_TRUE(nlohmann::json::parse(cli({"note", "show", "2", "--json"}).output)["intact"].get<bool>());

    // The family's summary leaves it out, and the practitioner is told why.
    auto pdf = cli({"report", "pdf", std::to_string(client), "--out", (dir / "plan.pdf").string()});
    ASSERT_EQ(pdf.exitCode, 0) << pdf.error;
    EXPECT_NE(pdf.output.find("was changed outside Nourish"), std::string::npos) << pdf.output;
    auto text = runProcess("pdftotext", {(dir / "plan.pdf").string(), "-"});
    EXPECT_EQ(text.output.find("Nothing of note"), std::string::npos);
    EXPECT_EQ(text.output.find("What we agreed on"), std::string::npos) << "no part of the changed note is sent";
    // And the note is kept as it was found.
    auto addendum = cli({"note", "addendum", "1", "--reason", "x", "--text", "y"});
    EXPECT_EQ(addendum.exitCode, 2);
    EXPECT_NE(addendum.error.find("changed outside Nourish"), std::string::npos) << addendum.error;
}

TEST_F(TamperTest, AWipedAuditLog_IsReported_EvenWithItsHeadRemoved) {
    sql("DELETE FROM audit_events");
    expectReported({"audit: the log holds 0 events, but its anchor outside the store recorded",
                    "do not match the recorded head"});
    sql("DROP TRIGGER nourish_seal_delete_settings; DELETE FROM settings WHERE key = 'audit.head'");
    expectReported({"audit: the log holds 0 events, but its anchor", "seal: settings row",
                    "trigger nourish_seal_delete_settings (core) was dropped outside a migration"});
}

TEST_F(TamperTest, EditedDeletedAndReChainedEvents_AreReported) {
    // 21 events edited and one deleted, then every link recomputed the way an
    // unkeyed chain would be, and the head with them.
    const char* rechain = R"(
import hashlib, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("UPDATE audit_events SET detail = '{}' WHERE id BETWEEN 10 AND 30")
db.execute("DELETE FROM audit_events WHERE id = 40")
prev = ''
for row in db.execute("SELECT id, at, actor, source, action, client_id, detail FROM audit_events ORDER BY id").fetchall():
    text = prev + ''.join('\x1f' + ('' if v is None else str(v)) for v in row)
    link = hashlib.sha256(text.encode()).hexdigest()
    db.execute("UPDATE audit_events SET prev_hash = ?, hash = ? WHERE id = ?", (prev, link, row[0]))
    prev = link
n = db.execute("SELECT count(*) FROM audit_events").fetchone()[0]
db.execute("DROP TRIGGER nourish_seal_update_settings")
db.execute("UPDATE settings SET value = ? WHERE key = 'audit.head'", (str(n) + ':' + prev,))
db.commit()
)";
    auto r = runProcess("python3", {"-c", rechain, store().string()});
    ASSERT_EQ(r.exitCode, 0) << r.error;
    expectReported({"audit: event 1 was changed after it was written, or the log was re-chained without the audit key",
                    "seal: settings row", "nourish_seal_update_settings"});
}

TEST_F(TamperTest, EditedClientsGuardiansAndConsent_AreEachNamed) {
    sql("DROP TRIGGER nourish_seal_update_clients; UPDATE clients SET date_of_birth = '2020-01-01' WHERE id = 3;"
        "DROP TRIGGER nourish_seal_update_guardians; UPDATE guardians SET email = 'someone@else.example' WHERE id = 2;"
        "DROP TRIGGER nourish_seal_delete_consent_events; DELETE FROM consent_events WHERE id = 1;");
    expectReported({"seal: clients row 3 (client 3) does not match its seal",
                    "seal: guardians row 2 does not match its seal", "seal: consent_events row 1 is missing",
                    "trigger nourish_seal_update_clients (core) was dropped"});
}

TEST_F(TamperTest, ARowAddedWithItsTriggersOff_IsReported) {
    sql("DROP TRIGGER nourish_seal_insert_clients; INSERT INTO clients (given_name, family_name, date_of_birth, status, "
        "created_at, updated_at) VALUES ('Nobody', 'Added', '2024-01-01', 'active', '2026-01-01', '2026-01-01')");
    expectReported({"seal: clients row 13 (client 13) has no seal", "audit trail: client 13 has no audit event"});
}

TEST_F(TamperTest, ADroppedImmutabilityTrigger_AndADeletedSignedNote_AreReported) {
    sql("DROP TRIGGER notes_notes_signed_update");
    expectReported({"schema: trigger notes_notes_signed_update (org.nourish.notes) was dropped outside a migration"});
    sql("DROP TRIGGER notes_notes_signed_delete; DROP TRIGGER nourish_seal_delete_notes_notes; "
        "DELETE FROM notes_notes WHERE id = 2");
    expectReported({"seal: notes_notes row 2 is missing"});
}

TEST_F(TamperTest, ADiaryDayAndAPoemScoreEditedInAPluginsTables_AreNamed) {
    std::string day = sql("SELECT day FROM elim_diary WHERE client_id = 1 ORDER BY day LIMIT 1");
    ASSERT_FALSE(day.empty());
    day.pop_back();
    sql("DROP TRIGGER nourish_seal_update_elim_diary; UPDATE elim_diary SET itch = 0 WHERE client_id = 1 AND day = '" + day +
        "'; DROP TRIGGER nourish_seal_update_elim_scores; UPDATE elim_scores SET total = 2 WHERE id = 1");
    int64_t scored = std::stoll(sql("SELECT client_id FROM elim_scores WHERE id = 1"));
    expectReported({"seal: elim_diary row 1,'" + day + "' (client 1) does not match its seal",
                    "seal: elim_scores row 1 (client " + std::to_string(scored) + ") does not match its seal"});
}

TEST_F(TamperTest, AnOlderCopyPutBack_IsReportedAgainstTheAnchor_ANewerOneIsNot) {
    fs::copy_file(store(), dir / "old.db");
    ASSERT_EQ(cli({"client", "add", "--given", "New", "--family", "Client", "--dob", "2025-01-01"}).exitCode, 0);
    ASSERT_EQ(cli({"store", "check"}).exitCode, 0);
    // An anchor older than the store: the log goes on from it.
    fs::path anchors = dir / "config" / "nourish" / "anchors";
    fs::path anchor;
    for (auto& e : fs::directory_iterator(anchors))
        if (e.path().extension() == ".anchor") anchor = e.path();
    ASSERT_FALSE(anchor.empty());
    fs::copy_file(anchor, dir / "anchor.saved");
    ASSERT_EQ(cli({"client", "add", "--given", "Newer", "--family", "Client", "--dob", "2025-01-01"}).exitCode, 0);
    fs::copy_file(dir / "anchor.saved", anchor, fs::copy_options::overwrite_existing);
    auto ok = cli({"store", "check"});
    EXPECT_EQ(ok.exitCode, 0) << ok.output;
    EXPECT_NE(ok.output.find("verified: anchor: the log goes on from"), std::string::npos) << ok.output;
    // The store older than the anchor: events missing from the end.
    ASSERT_EQ(cli({"client", "add", "--given", "Newest", "--family", "Client", "--dob", "2025-01-01"}).exitCode, 0);
    fs::copy_file(dir / "old.db", store(), fs::copy_options::overwrite_existing);
    expectReported({"but its anchor outside the store recorded", "an older copy of the store was put in its place"});
    // and opening it does not move the anchor back.
    ASSERT_EQ(cli({"client", "list"}).exitCode, 0);
    expectReported({"but its anchor outside the store recorded"});
}

TEST_F(TamperTest, ABackupIsCheckedAgainstItsOwnAnchor_AndRestoredOverANewerStoreIsReported) {
    fs::path backup = dir / "backup.db";
    auto made = cli({"store", "backup", backup.string()});
    ASSERT_EQ(made.exitCode, 0) << made.error;
    ASSERT_TRUE(fs::exists(backup.string() + ".anchor"));
    auto checked = cli({"store", "check"}, backup);
    EXPECT_EQ(checked.exitCode, 0) << checked.output;
    EXPECT_NE(checked.output.find("verified: copy: this is a copy of the store at"), std::string::npos) << checked.output;
    // The backup's last events removed: its own anchor says so.
    sql("DELETE FROM audit_events WHERE id > (SELECT max(id) - 3 FROM audit_events)", backup);
    expectReported({"the anchor written beside this backup recorded"}, backup);
    // A backup put back over the store after the store moved on.
    fs::path fresh = dir / "fresh.db";
    ASSERT_EQ(cli({"store", "backup", fresh.string()}).exitCode, 0);
    ASSERT_EQ(cli({"client", "add", "--given", "After", "--family", "Backup", "--dob", "2025-01-01"}).exitCode, 0);
    fs::copy_file(fresh, store(), fs::copy_options::overwrite_existing);
    expectReported({"an older copy of the store was put in its place"});
}

TEST_F(TamperTest, WithoutItsKey_AStoreSaysWhichKeyItNeeds_AndTheKeyCanBeExportedAndImported) {
    fs::path key = dir / "config" / "nourish" / "audit.key";
    ASSERT_TRUE(fs::exists(key));
    EXPECT_EQ(fs::status(key).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
    auto exported = cli({"store", "key", "export", (dir / "key.backup").string()});
    ASSERT_EQ(exported.exitCode, 0) << exported.error;
    fs::remove(key);
    auto refused = cli({"client", "list"});
    EXPECT_NE(refused.exitCode, 0);
    EXPECT_NE(refused.error.find("store key import"), std::string::npos) << refused.error;
    auto imported = cli({"store", "key", "import", (dir / "key.backup").string()});
    ASSERT_EQ(imported.exitCode, 0) << imported.error;
    EXPECT_EQ(cli({"store", "check"}).exitCode, 0);
}

TEST_F(TamperTest, ViewsExportsAndEverySettingChange_AreAudited_SecretsNeverWritten) {
    auto last = [&](const std::string& action) {
        return sql("SELECT coalesce(client_id, '') || ' ' || coalesce(detail, '') FROM audit_events WHERE action = '" +
                   action + "' ORDER BY id DESC LIMIT 1");
    };
    ASSERT_EQ(cli({"note", "show", "1"}).exitCode, 0);
    EXPECT_NE(last("org.nourish.notes:note.view").find("\"note_id\":1"), std::string::npos);
    ASSERT_EQ(cli({"note", "list", "2"}).exitCode, 0);
    EXPECT_EQ(last("org.nourish.notes:note.list").rfind("2 ", 0), 0u);
    ASSERT_EQ(cli({"note", "search", "soy yoghurt"}).exitCode, 0);
    EXPECT_NE(last("org.nourish.notes:note.search").find("\"query\":\"soy yoghurt\""), std::string::npos);
    ASSERT_EQ(cli({"consult", "agenda", "--days", "14"}).exitCode, 0);
    EXPECT_NE(last("org.nourish.notes:consult.agenda").find("\"from\""), std::string::npos);
    ASSERT_EQ(cli({"consult", "ics", "--out", (dir / "cal.ics").string()}).exitCode, 0);
    EXPECT_NE(last("org.nourish.notes:consult.export").find("cal.ics"), std::string::npos);
    ASSERT_EQ(cli({"client", "show", "3"}).exitCode, 0);
    EXPECT_EQ(last("client.view").rfind("3", 0), 0u);

    const std::string secret = "correct-horse-battery-staple";
    auto set = cli({"settings", "set", "smtp.password", secret});
    ASSERT_EQ(set.exitCode, 0) << set.error;
    std::string change = last("settings.set");
    EXPECT_NE(change.find("\"key\":\"smtp.password\""), std::string::npos) << change;
    EXPECT_NE(change.find("\"secret\":\"changed\""), std::string::npos) << change;
    ASSERT_EQ(cli({"settings", "set", "smtp.host", "mail.example.org"}).exitCode, 0);
    EXPECT_NE(last("settings.set").find("smtp.host"), std::string::npos);
    EXPECT_EQ(last("settings.set").find("mail.example.org"), std::string::npos) << "the value is not in the log";
    ASSERT_EQ(cli({"settings", "set", "practice.phone", "01632 960000"}).exitCode, 0);
    EXPECT_NE(last("settings.set").find("practice.phone"), std::string::npos);

    ASSERT_EQ(cli({"plugins", "disable", "org.nourish.reports"}).exitCode, 0);
    EXPECT_NE(last("plugin.disable").find("org.nourish.reports"), std::string::npos);
    ASSERT_EQ(cli({"plugins", "enable", "org.nourish.reports"}).exitCode, 0);
    EXPECT_NE(last("plugin.enable").find("org.nourish.reports"), std::string::npos);

    ASSERT_EQ(cli({"store", "check"}).exitCode, 0) << "every one of these kept the store sealed";
    std::ifstream in(store(), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(bytes.find(secret), std::string::npos) << "the secret is sealed, never stored as typed";
}

TEST_F(TamperTest, ALargeImportIntoAChangedStore_IsRefused_AndTheEvidenceStays) {
    std::string csv = "given_name,family_name,date_of_birth\n";
    for (int i = 0; i < 1200; ++i) csv += "Imported" + std::to_string(i) + ",Child,2024-01-01\n";
    std::ofstream(dir / "many.csv") << csv;
    sql("DROP TRIGGER nourish_seal_update_clients; UPDATE clients SET family_name = 'Changed' WHERE id = 4");
    auto r = cli({"client", "import", (dir / "many.csv").string()});
    EXPECT_NE(r.exitCode, 0);
    EXPECT_NE(r.error.find("nothing was imported: clients row 4 does not match its seal"), std::string::npos) << r.error;
    expectReported({"seal: clients row 4 (client 4) does not match its seal"});
}

// Bit rot: a flipped bit anywhere in the file is reported, or changes nothing
// the store's content shows.
TEST_F(TamperTest, TwoHundredRandomBitFlips_NoneChangesContentSilently) {
    fs::path pristine = dir / "pristine.db";
    ASSERT_FALSE(fs::exists(store().string() + "-wal")) << "the store was left with a WAL";
    fs::copy_file(store(), pristine);
    std::string dump = sql(".dump", pristine);
    std::ifstream in(pristine, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ASSERT_GT(bytes.size(), 4096u);
    // A fixed seed and 200 flips; NOURISH_FLIPS / NOURISH_FLIP_SEED explore further.
    int flips = std::getenv("NOURISH_FLIPS") ? std::atoi(std::getenv("NOURISH_FLIPS")) : 200;
    std::mt19937_64 random(std::getenv("NOURISH_FLIP_SEED") ? std::strtoull(std::getenv("NOURISH_FLIP_SEED"), nullptr, 10) : 15);
    std::uniform_int_distribution<size_t> position(0, bytes.size() - 1);
    std::uniform_int_distribution<int> bit(0, 7);
    int reported = 0, unchanged = 0;
    std::vector<std::string> silent;
    for (int i = 0; i < flips; ++i) {
        size_t at = position(random);
        std::string flipped = bytes;
        int which = bit(random);
        flipped[at] = char(flipped[at] ^ (1 << which));
        {
            std::ofstream out(store(), std::ios::binary | std::ios::trunc);
            out << flipped;
        }
        fs::remove(store().string() + "-wal");
        fs::remove(store().string() + "-shm");
        auto check = cli({"store", "check"});
        if (check.exitCode != 0) {
            ++reported;
            EXPECT_FALSE((check.output + check.error).empty()) << "a failed check says what it found";
            continue;
        }
        auto now = runProcess("sqlite3", {"-bail", store().string(), ".dump"});
        if (now.exitCode == 0 && now.output == dump) ++unchanged;
        else {
            // Where the content changed: the first line of the dump that differs.
            size_t from = 0;
            while (from < dump.size() && from < now.output.size() && dump[from] == now.output[from]) ++from;
            size_t line = dump.rfind('\n', from);
            line = line == std::string::npos ? 0 : line + 1;
            if (const char* keep = std::getenv("NOURISH_KEEP_FLIPS")) {
                std::ofstream(fs::path(keep) / ("flip-" + std::to_string(at) + "-" + std::to_string(which) + ".db"),
                              std::ios::binary) << flipped;
                fs::copy_file(pristine, fs::path(keep) / "pristine.db", fs::copy_options::overwrite_existing);
            }
            silent.push_back("byte " + std::to_string(at) + " bit " + std::to_string(which) + " (page " + std::to_string(at / 4096 + 1) + "): " +
                             now.output.substr(line, std::min<size_t>(160, now.output.size() - std::min(line, now.output.size()))));
        }
    }
    std::string list;
    for (const std::string& s : silent) list += s + "\n";
    EXPECT_TRUE(silent.empty()) << silent.size() << " flips changed content and the check said ok:\n" << list;
    std::cout << "bit flips: " << reported << " reported, " << unchanged << " changed nothing, " << silent.size()
              << " silent\n";
}

}  // namespace

namespace {

// A store made by the release before the audit key: opened by this one, its
// old chain is verified, then sealed under the key from there on.
class LegacyStoreTest : public StoreFixture {
protected:
    // The previous release's demo store, kept as SQL text and loaded by SQLite's shell.
    void SetUp() override { sql(".read " + (fs::path(NOURISH_FIXTURES) / "store-schema2-demo.sql").string()); }
};

TEST_F(LegacyStoreTest, IsMigratedAndSealed_TheEventSaysFromWhere) {
    int64_t before = std::stoll(sql("SELECT count(*) FROM audit_events"));
    auto check = cli({"store", "check"});
    ASSERT_EQ(check.exitCode, 0) << check.output << check.error;
    EXPECT_NE(check.output.find("keyed from event " + std::to_string(before + 1)), std::string::npos) << check.output;
    auto sealed = nlohmann::json::parse(sql("SELECT detail FROM audit_events WHERE action = 'audit.sealed'"));
    EXPECT_EQ(sealed["earlier_events"], before);
    EXPECT_EQ(sealed["earlier_chain"], "verified");
    EXPECT_EQ(nlohmann::json::parse(cli({"client", "list", "--json"}).output).size(), 12u);
    EXPECT_EQ(cli({"note", "show", "1"}).output.find("WARNING"), std::string::npos);
    // From now on it is held like any other store.
    sql("DROP TRIGGER nourish_seal_update_clients; UPDATE clients SET family_name = 'Changed' WHERE id = 1");
    auto after = cli({"store", "check"});
    EXPECT_EQ(after.exitCode, 1);
    EXPECT_NE(after.output.find("seal: clients row 1 (client 1)"), std::string::npos) << after.output;
}

TEST_F(LegacyStoreTest, AnOldChainBrokenBeforeTheMigration_IsStillReportedAfterIt) {
    sql("UPDATE audit_events SET detail = '{\"edited\":1}' WHERE id = 5");
    auto check = cli({"store", "check"});
    EXPECT_EQ(check.exitCode, 1) << check.output;
    EXPECT_NE(check.output.find("earlier: the audit log before it was sealed"), std::string::npos) << check.output;
    EXPECT_NE(check.output.find("event 5"), std::string::npos) << check.output;
}

}  // namespace

namespace {
TEST_F(TamperTest, ALargeImport_IsSealedInOnePass_AndChecksOk) {
    std::string csv = "given_name,family_name,date_of_birth\n";
    for (int i = 0; i < 1200; ++i) csv += "Imported" + std::to_string(i) + ",Child,2024-01-01\n";
    std::ofstream(dir / "many.csv") << csv;
    auto r = cli({"client", "import", (dir / "many.csv").string()});
    ASSERT_EQ(r.exitCode, 0) << r.error;
    auto check = cli({"store", "check"});
    EXPECT_EQ(check.exitCode, 0) << check.output;
    // and each imported row is held to its seal from then on
    sql("DROP TRIGGER nourish_seal_update_clients; UPDATE clients SET given_name = 'Other' WHERE id = 600");
    expectReported({"seal: clients row 600 (client 600) does not match its seal"});
}
}  // namespace
