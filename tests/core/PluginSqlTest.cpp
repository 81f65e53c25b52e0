#include <gtest/gtest.h>

#include "nourish/core/ClientStore.h"
#include "nourish/core/PluginSql.h"
#include "support/Clients.h"
#include "support/TempDir.h"

using namespace nourish;

namespace {
class PluginSqlTest : public ::testing::Test {
protected:
    void SetUp() override {
        store = std::make_unique<Store>(dir / "n.db");
        ClientStore(*store).create(test::child("Zoë"), {"t", "test"});
        sql = std::make_unique<PluginSql>(*store, "org.example.x", "x_");
        sql->migrate({{1, "tables", "CREATE TABLE x_items (id INTEGER PRIMARY KEY, client_id INTEGER, note TEXT)"}});
    }
    void run(const std::string& text) {
        auto s = sql->prepare(text);
        while (s->step()) {
        }
    }
    std::string clientName() { return ClientStore(*store).get(1).familyName; }
    nourish::test::TempDir dir;
    std::unique_ptr<Store> store;
    std::unique_ptr<PluginSql> sql;
};
}  // namespace

TEST_F(PluginSqlTest, OwnTablesAndHostViews_AreAllowed) {
    run("INSERT INTO x_items (client_id, note) VALUES (1, 'ok')");
    auto s = sql->prepare("SELECT c.given_name, i.note FROM x_items i JOIN host_clients c ON c.id = i.client_id");
    ASSERT_TRUE(s->step());
    EXPECT_STREQ(s->columnText(0), "Zoë");
    EXPECT_STREQ(s->columnText(1), "ok");
}

TEST_F(PluginSqlTest, OwnTablesWithKeysAndUniqueConstraints_AreAllowed) {
    run("CREATE TABLE x_pairs (a TEXT, b TEXT, PRIMARY KEY (a, b), UNIQUE (b))");
    run("INSERT INTO x_pairs VALUES ('1', '2')");
    EXPECT_THROW(run("CREATE INDEX x_sneaky ON clients (given_name)"), AccessDenied);
}

TEST_F(PluginSqlTest, OwnFts5Table_IsAllowed) {
    sql->migrate({{1, "tables", "CREATE TABLE x_items (id INTEGER PRIMARY KEY, client_id INTEGER, note TEXT)"},
                  {2, "search", "CREATE VIRTUAL TABLE x_search USING fts5 (body)"}});
    run("INSERT INTO x_search (body) VALUES ('soy yoghurt')");
    auto s = sql->prepare("SELECT count(*) FROM x_search WHERE x_search MATCH 'yoghurt'");
    ASSERT_TRUE(s->step());
    EXPECT_EQ(s->columnInt64(0), 1);
}

TEST_F(PluginSqlTest, RenamingOutOfThePrefix_IsRefused) {
    EXPECT_THROW(run("ALTER TABLE x_items RENAME TO zz_escaped"), AccessDenied);
    EXPECT_THROW(sql->migrate({{1, "tables", "CREATE TABLE x_items (id INTEGER PRIMARY KEY, client_id INTEGER, note TEXT)"},
                               {2, "escape", "ALTER TABLE x_items RENAME TO zz_escaped"}}),
                 AccessDenied);
    EXPECT_TRUE(store->db().tableExists("x_items"));
    EXPECT_FALSE(store->db().tableExists("zz_escaped"));
    sql->migrate({{1, "tables", "CREATE TABLE x_items (id INTEGER PRIMARY KEY, client_id INTEGER, note TEXT)"},
                  {2, "column", "ALTER TABLE x_items ADD COLUMN seen INTEGER"}});
    run("UPDATE x_items SET seen = 1");
}

TEST_F(PluginSqlTest, CountsOfPrivateCoreTables_AndSequenceWrites_AreRefused) {
    EXPECT_THROW(run("SELECT count(*) FROM audit_events"), AccessDenied);
    sql->migrate({{1, "tables", "CREATE TABLE x_items (id INTEGER PRIMARY KEY, client_id INTEGER, note TEXT)"},
                  {2, "counter", "CREATE TABLE x_counted (id INTEGER PRIMARY KEY AUTOINCREMENT)"}});
    run("INSERT INTO x_counted DEFAULT VALUES");
    EXPECT_THROW(run("DELETE FROM sqlite_sequence"), AccessDenied);
    EXPECT_THROW(run("PRAGMA data_version = 3"), AccessDenied);
    run("SELECT count(*) FROM host_clients");
}

TEST(PluginSqlPrefix, CorePrefixesAreReserved) {
    EXPECT_NE(PluginSql::prefixProblem("client_"), "");
    EXPECT_NE(PluginSql::prefixProblem("audit_"), "");
    EXPECT_NE(PluginSql::prefixProblem("plugin_"), "");
    EXPECT_NE(PluginSql::prefixProblem("schema_"), "");
    EXPECT_NE(PluginSql::prefixProblem("sqlite_"), "");
    EXPECT_NE(PluginSql::prefixProblem("host_"), "");
    EXPECT_EQ(PluginSql::prefixProblem("intake_"), "");
    EXPECT_EQ(PluginSql::prefixProblem("elim_"), "");
}

TEST_F(PluginSqlTest, CoreTables_AreRefusedAndUnchanged) {
    EXPECT_THROW(run("UPDATE clients SET family_name = 'X'"), AccessDenied);
    EXPECT_THROW(run("DELETE FROM clients"), AccessDenied);
    EXPECT_THROW(run("SELECT * FROM clients"), AccessDenied);
    EXPECT_THROW(run("SELECT * FROM audit_events"), AccessDenied);
    EXPECT_THROW(run("INSERT INTO settings VALUES ('practice.name', 'x')"), AccessDenied);
    EXPECT_THROW(run("DROP TABLE guardians"), AccessDenied);
    EXPECT_EQ(clientName(), "Müller");
    EXPECT_TRUE(store->check().ok());
}

TEST_F(PluginSqlTest, DeniedMessage_NamesTheTable) {
    try {
        run("DELETE FROM clients");
        FAIL();
    } catch (const AccessDenied& e) {
        EXPECT_NE(std::string(e.what()).find("clients"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("x_"), std::string::npos) << e.what();
    }
}

TEST_F(PluginSqlTest, PragmaAttachAndTransactions_AreRefused) {
    EXPECT_THROW(run("PRAGMA foreign_keys = OFF"), AccessDenied);
    EXPECT_THROW(run("PRAGMA user_version"), AccessDenied);
    EXPECT_THROW(run("ATTACH DATABASE '/tmp/other.db' AS other"), AccessDenied);
    EXPECT_THROW(run("BEGIN"), AccessDenied);
    EXPECT_THROW(run("COMMIT"), AccessDenied);
    EXPECT_THROW(run("SAVEPOINT s1"), AccessDenied);
}

TEST_F(PluginSqlTest, OwnViewOrTriggerOverCoreTables_CannotReachThem) {
    bool viewRefused = false;
    try {
        run("CREATE VIEW x_leak AS SELECT given_name FROM clients");
        run("SELECT * FROM x_leak");
    } catch (const AccessDenied&) {
        viewRefused = true;
    }
    EXPECT_TRUE(viewRefused);
    // A trigger body is checked when it would run: the insert that fires it is refused.
    bool triggerRefused = false;
    try {
        run("CREATE TRIGGER x_t AFTER INSERT ON x_items BEGIN DELETE FROM clients; END");
        run("INSERT INTO x_items (note) VALUES ('fire')");
    } catch (const AccessDenied&) {
        triggerRefused = true;
    }
    EXPECT_TRUE(triggerRefused);
    EXPECT_THROW(run("CREATE TRIGGER x_t2 AFTER INSERT ON clients BEGIN SELECT 1; END"), AccessDenied);
    EXPECT_EQ(clientName(), "Müller");
}

// A plugin guards its own records with triggers made in a migration; outside
// one, no statement can drop or replace them.
TEST_F(PluginSqlTest, TriggersComeOnlyFromMigrations_AndThenHold) {
    PluginSql locked(*store, "org.example.z", "z_");
    locked.migrate({{1, "locked rows",
                     "CREATE TABLE z_rows (id INTEGER PRIMARY KEY, body TEXT, final INTEGER NOT NULL DEFAULT 0);"
                     "CREATE TRIGGER z_rows_final BEFORE UPDATE ON z_rows WHEN OLD.final "
                     "BEGIN SELECT RAISE(ABORT, 'this row is final'); END;"}});
    auto exec = [&](const std::string& text) {
        auto s = locked.prepare(text);
        while (s->step()) {
        }
    };
    exec("INSERT INTO z_rows (body, final) VALUES ('signed', 1)");
    try {
        exec("UPDATE z_rows SET body = 'changed'");
        FAIL() << "a final row was changed";
    } catch (const StoreError& e) {
        EXPECT_NE(std::string(e.what()).find("this row is final"), std::string::npos) << e.what();
    }
    EXPECT_THROW(exec("DROP TRIGGER z_rows_final"), AccessDenied);
    EXPECT_THROW(exec("CREATE TRIGGER z_rows_more AFTER INSERT ON z_rows BEGIN SELECT 1; END"), AccessDenied);
    auto body = locked.prepare("SELECT body FROM z_rows");
    ASSERT_TRUE(body->step());
    EXPECT_STREQ(body->columnText(0), "signed");
}

TEST_F(PluginSqlTest, MigrationTouchingCoreTable_IsRolledBackWhole) {
    PluginSql other(*store, "org.example.y", "y_");
    EXPECT_THROW(other.migrate({{1, "sneak", "CREATE TABLE y_a (id INTEGER); UPDATE clients SET family_name = 'X'"}}),
                 AccessDenied);
    EXPECT_FALSE(store->db().tableExists("y_a"));
    EXPECT_EQ(clientName(), "Müller");
}

TEST_F(PluginSqlTest, HostStatementsAfterwards_AreNotRestricted) {
    EXPECT_THROW(run("SELECT * FROM clients"), AccessDenied);
    EXPECT_EQ(ClientStore(*store).count(), 1);  // the authorizer is off again for the host
}
