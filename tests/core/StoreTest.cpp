#include <gtest/gtest.h>
#include <sys/stat.h>

#include "nourish/core/ClientStore.h"
#include "nourish/core/Errors.h"
#include "nourish/core/Hash.h"
#include "nourish/core/OutputFile.h"
#include "nourish/core/Store.h"
#include "support/Clients.h"
#include "support/Process.h"
#include "support/TempDir.h"

using namespace nourish;
using nourish::test::TempDir;
using nourish::test::child;

namespace {

std::string pragma(Store& store, const std::string& name) {
    Statement s(store.db(), "PRAGMA " + name);
    s.step();
    return s.text(0);
}

std::string fileHash(const std::filesystem::path& p) { return sha256Hex(nourish::test::readFile(p)); }
}  // namespace

TEST(Store, NewStore_IsPrivateWalWithSafePragmas) {
    TempDir dir;
    Store store(dir / "sub" / "n.db");
    struct stat st{};
    ASSERT_EQ(stat((dir / "sub" / "n.db").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600);
    EXPECT_EQ(pragma(store, "journal_mode"), "wal");
    EXPECT_EQ(pragma(store, "foreign_keys"), "1");
    EXPECT_EQ(pragma(store, "synchronous"), "2");  // FULL
    EXPECT_EQ(pragma(store, "secure_delete"), "1");
    EXPECT_EQ(store.schemaVersion(), coreMigrations().back().version);
}

TEST(Store, Migrations_AreRecordedWithChecksum) {
    TempDir dir;
    Store store(dir / "n.db");
    Statement s(store.db(), "SELECT version, name, checksum FROM schema_migrations");
    ASSERT_TRUE(s.step());
    EXPECT_EQ(s.int64(0), 1);
    EXPECT_EQ(s.text(1), "0001_core.sql");
    EXPECT_EQ(s.text(2), coreMigrations().front().checksum());
}

TEST(Store, Reopen_KeepsDataAndAppliesNothingTwice) {
    TempDir dir;
    {
        Store store(dir / "n.db");
        ClientStore(store).create(child("Zoë"), {"t", "test"});
    }
    Store again(dir / "n.db");
    EXPECT_EQ(ClientStore(again).count(), 1);
    EXPECT_FALSE(again.migrationBackup());
}

TEST(Store, StoreFromNewerVersion_IsRefusedAndLeftByteForByte) {
    TempDir dir;
    {
        Store store(dir / "n.db");
        ClientStore(store).create(child("Zoë"), {"t", "test"});
        store.db().exec("INSERT INTO schema_migrations VALUES (9999, '9999_future.sql', 'abc', '2030-01-01')");
        store.db().exec("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    std::string before = fileHash(dir / "n.db");
    try {
        Store store(dir / "n.db");
        FAIL() << "a store from a newer version was opened";
    } catch (const StoreError& e) {
        EXPECT_NE(std::string(e.what()).find("newer version"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("9999"), std::string::npos) << e.what();
    }
    EXPECT_EQ(fileHash(dir / "n.db"), before);
}

TEST(Store, ChangedMigrationChecksum_IsRefusedAndLeftByteForByte) {
    TempDir dir;
    {
        Store store(dir / "n.db");
        store.db().exec("UPDATE schema_migrations SET checksum = 'tampered'");
        store.db().exec("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    std::string before = fileHash(dir / "n.db");
    try {
        Store store(dir / "n.db");
        FAIL() << "a store with a changed migration was opened";
    } catch (const StoreError& e) {
        EXPECT_NE(std::string(e.what()).find("0001_core.sql"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("checksum"), std::string::npos) << e.what();
    }
    EXPECT_EQ(fileHash(dir / "n.db"), before);
}

TEST(Store, NotADatabase_IsRefusedAndLeftAlone) {
    TempDir dir;
    nourish::test::writeFile(dir / "notes.db", std::string(4096, 'x'));
    try {
        Store store(dir / "notes.db");
        FAIL();
    } catch (const StoreError& e) {
        EXPECT_NE(std::string(e.what()).find("not a Nourish store"), std::string::npos) << e.what();
    }
    EXPECT_EQ(nourish::test::readFile(dir / "notes.db"), std::string(4096, 'x'));
}

TEST(Store, ExistingOnly_DoesNotCreate) {
    TempDir dir;
    EXPECT_THROW(Store(dir / "missing.db", Store::Open::ExistingOnly), StoreError);
    EXPECT_FALSE(std::filesystem::exists(dir / "missing.db"));
}

TEST(Store, PendingMigration_TakesBackupFirstAndKeepsData) {
    TempDir dir;
    {
        Store store(dir / "n.db");
        ClientStore(store).create(child("Zoë"), {"t", "test"});
    }
    auto migrations = coreMigrations();
    int next = migrations.back().version + 1;
    migrations.push_back({next, "9000_extra.sql", "CREATE TABLE extra (id INTEGER PRIMARY KEY);"});
    Store store(dir / "n.db", Store::Open::ExistingOnly, migrations);
    EXPECT_EQ(store.schemaVersion(), next);
    ASSERT_TRUE(store.migrationBackup());
    ASSERT_TRUE(std::filesystem::exists(*store.migrationBackup()));
    Store backup(*store.migrationBackup(), Store::Open::ExistingOnly);  // still at the shipped schema
    EXPECT_EQ(ClientStore(backup).count(), 1);
    EXPECT_EQ(ClientStore(store).count(), 1);
}

TEST(Store, FailingMigration_RollsBackCompletely) {
    TempDir dir;
    { Store store(dir / "n.db"); }
    auto migrations = coreMigrations();
    int shipped = migrations.back().version;
    migrations.push_back({shipped + 1, "9000_broken.sql", "CREATE TABLE half (id INTEGER); THIS IS NOT SQL;"});
    EXPECT_THROW(Store(dir / "n.db", Store::Open::ExistingOnly, migrations), StoreError);
    Store store(dir / "n.db");
    EXPECT_EQ(store.schemaVersion(), shipped);
    EXPECT_FALSE(store.db().tableExists("half"));
}

TEST(Store, Backup_IsVerifiedCopyAndNeverOverwrites) {
    TempDir dir;
    Store store(dir / "n.db");
    ClientStore(store).create(child("Zoë"), {"t", "test"});
    Actor actor{"t", "test"};
    store.backupTo(dir / "copy.db", actor);
    {
        Store copy(dir / "copy.db", Store::Open::ExistingOnly);
        EXPECT_EQ(ClientStore(copy).get(1).givenName, "Zoë");
        EXPECT_TRUE(copy.check().ok());
    }
    EXPECT_THROW(store.backupTo(dir / "copy.db", actor), OutputError);
    EXPECT_THROW(store.backupTo(dir / "n.db", actor, /*replace=*/true), OutputError);
    std::filesystem::create_directory(dir / "sub");
    EXPECT_THROW(store.backupTo(dir / "sub" / ".." / "n.db", actor, /*replace=*/true), OutputError);
    EXPECT_EQ(ClientStore(store).count(), 1) << "the store survived every refused backup";
    try {
        store.backupTo(dir / "copy.db", actor, /*replace=*/true);
        FAIL() << "a backup replaced another database";
    } catch (const std::exception& e) {
        EXPECT_NE(std::string(e.what()).find("is an SQLite database"), std::string::npos) << e.what();
    }
    nourish::test::writeFile(dir / "notes.txt", "old");
    store.backupTo(dir / "notes.txt", actor, /*replace=*/true);
    EXPECT_TRUE(Store(dir / "notes.txt", Store::Open::ExistingOnly).check().ok());
    for (auto& entry : std::filesystem::directory_iterator(dir.path()))
        EXPECT_EQ(entry.path().filename().string().find(".part"), std::string::npos) << entry.path();
    Statement s(store.db(), "SELECT count(*) FROM audit_events WHERE action = 'store.backup'");
    s.step();
    EXPECT_EQ(s.int64(0), 2);
}

TEST(Store, Check_PassesOnHealthyStore) {
    TempDir dir;
    Store store(dir / "n.db");
    ClientStore(store).create(child("Zoë"), {"t", "test"});
    auto report = store.check();
    EXPECT_TRUE(report.ok()) << (report.problems.empty() ? "" : report.problems.front());
    EXPECT_EQ(report.auditEvents, 1 + 1) << "the store sealed, then the client";
}

// A sealed table whose last row Nourish deleted is sealed as empty, not
// taken for one whose rows and seals were removed behind its back.
TEST(Store, Check_PassesWhenNourishDeletedATablesLastRow) {
    TempDir dir;
    Store store(dir / "n.db");
    ClientStore(store).create(child("Zoë"), {"t", "test"});
    store.db().exec("INSERT INTO plugin_settings (plugin_id, key, value) VALUES ('org.example.p', 'a', '1')");
    store.db().exec("INSERT INTO plugin_settings (plugin_id, key, value) VALUES ('org.example.p', 'b', '2')");
    ASSERT_TRUE(store.check().ok());
    store.db().exec("DELETE FROM plugin_settings");
    auto report = store.check();
    EXPECT_TRUE(report.ok()) << (report.problems.empty() ? "" : report.problems.front());
    // A seal that counts a row which is gone is still found.
    store.db().exec("INSERT INTO plugin_settings (plugin_id, key, value) VALUES ('org.example.p', 'a', '1')");
    store.db().exec("UPDATE table_seals SET rows = rows + 1 WHERE tbl = 'plugin_settings'");
    EXPECT_FALSE(store.check().ok());
}

namespace {
// Opening must refuse, say why in one sentence naming the file, and change nothing.
void expectRefusedUntouched(const std::filesystem::path& path, const std::string& expected) {
    std::string before = nourish::test::readFile(path);
    try {
        Store store(path);
        FAIL() << path << " was opened as a store";
    } catch (const StoreError& e) {
        std::string message = e.what();
        EXPECT_NE(message.find(expected), std::string::npos) << message;
        EXPECT_NE(message.find(path.string()), std::string::npos) << "names the file: " << message;
        EXPECT_EQ(message.find('\n'), std::string::npos) << "one sentence: " << message;
    }
    EXPECT_EQ(nourish::test::readFile(path), before);
    EXPECT_FALSE(std::filesystem::exists(path.string() + "-wal"));
}
}  // namespace

TEST(Store, AnEmptyFile_IsNotAStore_AndStaysEmpty) {
    TempDir dir;
    nourish::test::writeFile(dir / "empty.db", "");
    expectRefusedUntouched(dir / "empty.db", "is empty, not a Nourish store");
}

TEST(Store, AnSqliteFileWithoutNourishTables_IsNotAStore) {
    TempDir dir;
    {
        Database other(dir / "other.db", Database::Mode::ReadWriteCreate);
        other.exec("CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT)");
    }
    expectRefusedUntouched(dir / "other.db", "is an SQLite database but not a Nourish store");
}

TEST(Store, ATextFile_IsNotAStore) {
    TempDir dir;
    nourish::test::writeFile(dir / "notes.txt", "Shopping: oat milk, rice cakes\n");
    expectRefusedUntouched(dir / "notes.txt", "is not a Nourish store");
}

TEST(Store, ANewStore_IsCreatedWhole_OrNotAtAll) {
    TempDir dir;
    auto migrations = coreMigrations();
    migrations.push_back({migrations.back().version + 1, "9000_broken.sql", "THIS IS NOT SQL;"});
    EXPECT_THROW(Store(dir / "n.db", Store::Open::CreateIfMissing, migrations), StoreError);
    EXPECT_FALSE(std::filesystem::exists(dir / "n.db")) << "a half-made store would be refused forever after";
    for (auto& entry : std::filesystem::directory_iterator(dir.path())) ADD_FAILURE() << "left behind: " << entry.path();
}

TEST(Store, AReadOnlyStore_IsRefusedByName_AndItsModeIsNotChanged) {
    TempDir dir;
    { Store store(dir / "n.db"); }
    std::string before = nourish::test::readFile(dir / "n.db");
    ::chmod(dir.path().c_str(), 0755);
    ::chmod((dir / "n.db").c_str(), 0444);
    // Root may write to any file: the store is opened by an ordinary user then.
    std::string message = nourish::test::asOrdinaryUser([&]() -> std::string {
        try {
            Store store(dir / "n.db");
            return "opened";
        } catch (const StoreError& e) {
            return e.what();
        }
    });
    EXPECT_NE(message.find("is read-only"), std::string::npos) << message;
    EXPECT_NE(message.find((dir / "n.db").string()), std::string::npos) << message;
    EXPECT_NE(message.find("nothing was changed"), std::string::npos) << message;
    EXPECT_EQ(nourish::test::readFile(dir / "n.db"), before);
    struct stat st{};
    ::stat((dir / "n.db").c_str(), &st);
    EXPECT_EQ(st.st_mode & 0777, 0444u) << "the app never changes the mode of the practitioner's file";
}

TEST(Store, OpeningAnExistingStore_LeavesItsModeAsItIs) {
    TempDir dir;
    { Store store(dir / "n.db"); }
    ::chmod((dir / "n.db").c_str(), 0640);
    { Store store(dir / "n.db"); }
    struct stat st{};
    ::stat((dir / "n.db").c_str(), &st);
    EXPECT_EQ(st.st_mode & 0777, 0640u);
}
