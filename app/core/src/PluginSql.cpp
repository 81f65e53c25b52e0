#include "nourish/core/PluginSql.h"

#include <sqlite3.h>

#include "nourish/core/Text.h"

#include <algorithm>
#include <cctype>
#include <cstring>

namespace nourish {

namespace {
bool isHostView(const char* name) {
    return name && (std::strcmp(name, "host_clients") == 0 || std::strcmp(name, "host_guardians") == 0 ||
                    std::strcmp(name, "host_client_guardians") == 0 ||
                    std::strcmp(name, "host_consent_events") == 0);
}
// The core tables behind the host views.
bool isViewedTable(const char* name) {
    return name && (std::strcmp(name, "clients") == 0 || std::strcmp(name, "guardians") == 0 ||
                    std::strcmp(name, "client_guardians") == 0 || std::strcmp(name, "consent_events") == 0);
}
bool isSchemaTable(const char* name) {
    return name && (std::strcmp(name, "sqlite_master") == 0 || std::strcmp(name, "sqlite_schema") == 0 ||
                    std::strcmp(name, "sqlite_temp_master") == 0 || std::strcmp(name, "sqlite_temp_schema") == 0);
}
std::string str(const char* s) { return s ? s : ""; }

// Every object name the core migrations create, from a scratch database.
const std::vector<std::string>& coreObjectNames() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> list;
        sqlite3* db = nullptr;
        sqlite3_open(":memory:", &db);
        for (const Migration& m : coreMigrations()) sqlite3_exec(db, m.sql.c_str(), nullptr, nullptr, nullptr);
        sqlite3_stmt* s = nullptr;
        sqlite3_prepare_v2(db, "SELECT name FROM sqlite_schema", -1, &s, nullptr);
        while (sqlite3_step(s) == SQLITE_ROW) list.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)));
        sqlite3_finalize(s);
        sqlite3_close(db);
        list.emplace_back("schema_migrations");
        return list;
    }();
    return names;
}
}  // namespace

std::string PluginSql::prefixProblem(const std::string& prefix) {
    if (prefix.rfind("sqlite", 0) == 0 || prefix.rfind("host_", 0) == 0)
        return "the table prefix '" + prefix + "' is reserved";
    for (const std::string& name : coreObjectNames())
        if (name.rfind(prefix, 0) == 0)
            return "the table prefix '" + prefix + "' would reach the core table " + name;
    return {};
}

std::vector<std::string> PluginSql::tablesUnder(Store& store, const std::string& prefix) {
    std::vector<std::string> tables;
    if (prefix.empty()) return tables;
    Statement list(store.db(),
                   "SELECT name FROM sqlite_schema WHERE type = 'table' AND substr(name, 1, ?2) = ?1 ORDER BY name");
    list.bind(1, prefix).bind(2, int64_t(prefix.size()));
    while (list.step()) tables.push_back(list.text(0));
    return tables;
}

PluginSql::PluginSql(Store& store, std::string pluginId, std::string tablePrefix)
    : store_(store), pluginId_(std::move(pluginId)), prefix_(std::move(tablePrefix)) {}

PluginSql::~PluginSql() {
    for (PluginStatement* s : live_) {
        sqlite3_finalize(s->stmt_);
        s->stmt_ = nullptr;
        s->owner_ = nullptr;
    }
}

bool PluginSql::ownsName(const char* name) const {
    return name && !prefix_.empty() && std::strncmp(name, prefix_.c_str(), prefix_.size()) == 0;
}

bool PluginSql::rowIntact(const std::string& table, const std::string& rowKey, std::string& why) {
    if (!ownsName(table.c_str()))
        throw AccessDenied("the table " + table + " is not this plugin's (its tables start with '" + prefix_ + "')");
    return store_.rowIntact(table, rowKey, &why);
}

int PluginSql::deny(std::string what) {
    if (denial_.empty()) denial_ = std::move(what);
    return SQLITE_DENY;
}

int PluginSql::authorize(void* self, int action, const char* a, const char* b, const char*, const char* inner) {
    auto& sql = *static_cast<PluginSql*>(self);
    // The host's seal triggers on the plugin's own tables keep the row MACs
    // (Integrity.h); they are the host's, whoever's statement fires them.
    if (inner && std::strncmp(inner, "nourish_seal_", 13) == 0 &&
        (action == SQLITE_READ || action == SQLITE_INSERT || action == SQLITE_UPDATE || action == SQLITE_DELETE) && a &&
        (std::strcmp(a, "row_macs") == 0 || std::strcmp(a, "table_seals") == 0 || sql.ownsName(a)))
        return SQLITE_OK;
    switch (action) {
        case SQLITE_SELECT:
        case SQLITE_RECURSIVE:
            return SQLITE_OK;
        case SQLITE_FUNCTION:
            if (b && std::strcmp(b, "load_extension") == 0) return sql.deny("call load_extension");
            return SQLITE_OK;
        case SQLITE_READ:
            // The schema lists every plugin's objects and their SQL: a plugin
            // may not read it. SQLite's own statements inside the plugin's DDL
            // do (CREATE updates its row then reads its rowid, DROP deletes
            // rows then reads their type and name), always after writing the
            // schema in the same statement; a migration's DDL may read it all.
            if (isSchemaTable(a) && !sql.migrating_ && !(sql.schemaWritten_ && b && std::strcmp(b, "sql") != 0))
                return sql.deny("read the store's schema (" + str(a) + ")");
            // Through a host view the underlying core tables may be read.
            if (sql.ownsName(a) || isHostView(a) || isHostView(inner) || isSchemaTable(a)) return SQLITE_OK;
            // count(*) over a host view reads its table without naming a column
            // or the view; no data leaves the table.
            if (b && !*b && isViewedTable(a)) return SQLITE_OK;
            return sql.deny("read the table " + str(a));
        case SQLITE_INSERT:
        case SQLITE_UPDATE:
        case SQLITE_DELETE:
            // Schema tables change as a side effect of the plugin's own DDL.
            if (isSchemaTable(a)) {
                if (action != SQLITE_INSERT) sql.schemaWritten_ = true;
                return SQLITE_OK;
            }
            if (sql.ownsName(a)) return SQLITE_OK;
            return sql.deny("write the table " + str(a));
        case SQLITE_CREATE_TABLE:
        case SQLITE_CREATE_TEMP_TABLE:
        case SQLITE_DROP_TABLE:
        case SQLITE_DROP_TEMP_TABLE:
        case SQLITE_CREATE_VIEW:
        case SQLITE_CREATE_TEMP_VIEW:
        case SQLITE_DROP_VIEW:
        case SQLITE_DROP_TEMP_VIEW:
        case SQLITE_ANALYZE:
        case SQLITE_REINDEX:
            if (sql.ownsName(a)) return SQLITE_OK;
            // The first AUTOINCREMENT table makes SQLite create its bookkeeping table.
            if (action == SQLITE_CREATE_TABLE && a && std::strcmp(a, "sqlite_sequence") == 0) return SQLITE_OK;
            return sql.deny("create or drop " + str(a) + " (names must start with '" + sql.prefix_ + "')");
        case SQLITE_CREATE_TRIGGER:
        case SQLITE_CREATE_TEMP_TRIGGER:
        case SQLITE_DROP_TRIGGER:
        case SQLITE_DROP_TEMP_TRIGGER:
            // Triggers guard a plugin's records (a signed note stays as signed):
            // only its migrations may add or remove them.
            if (!sql.migrating_) return sql.deny("create or drop triggers outside a migration");
            [[fallthrough]];
        case SQLITE_CREATE_INDEX:
        case SQLITE_CREATE_TEMP_INDEX:
        case SQLITE_DROP_INDEX:
        case SQLITE_DROP_TEMP_INDEX:
            // PRIMARY KEY and UNIQUE constraints make indexes SQLite names itself.
            if (sql.ownsName(b) && (sql.ownsName(a) || std::strncmp(a ? a : "", "sqlite_autoindex_", 17) == 0))
                return SQLITE_OK;
            return sql.deny("create or drop " + str(a) + " on " + str(b) + " (names must start with '" +
                            sql.prefix_ + "')");
        case SQLITE_CREATE_VTABLE:
        case SQLITE_DROP_VTABLE:
            if (sql.ownsName(a) && b && std::strcmp(b, "fts5") == 0) return SQLITE_OK;
            return sql.deny("create the virtual table " + str(a) + " (only fts5 tables named '" + sql.prefix_ +
                            "...' are allowed)");
        case SQLITE_ALTER_TABLE:
            // Only migrations may alter tables; what they leave behind is checked after.
            if (sql.migrating_ && sql.ownsName(b)) return SQLITE_OK;
            return sql.deny(sql.migrating_ ? "alter the table " + str(b)
                                           : "alter tables outside a migration");
        case SQLITE_TRANSACTION:
        case SQLITE_SAVEPOINT:
            return sql.deny("manage transactions (use the store's savepoint())");
        case SQLITE_PRAGMA:
            // FTS5 asks for data_version on the plugin's behalf; reading it changes nothing.
            if (a && std::strcmp(a, "data_version") == 0 && !b) return SQLITE_OK;
            return sql.deny("run PRAGMA " + str(a));
        case SQLITE_ATTACH:
        case SQLITE_DETACH:
            return sql.deny("attach or detach databases");
        default:
            return sql.deny("run this kind of statement (action " + std::to_string(action) + ")");
    }
}

PluginSql::Scope::Scope(PluginSql& sql, bool migrating) : sql_(sql) {
    sql_.denial_.clear();
    sql_.schemaWritten_ = false;
    sql_.migrating_ = migrating;
    sqlite3_set_authorizer(sql_.store_.db().handle(), &PluginSql::authorize, &sql_);
}

PluginSql::Scope::~Scope() {
    sqlite3_set_authorizer(sql_.store_.db().handle(), nullptr, nullptr);
    sql_.migrating_ = false;
}

std::unique_ptr<PluginStatement> PluginSql::prepare(const std::string& text) {
    if (!stopped_.empty()) throw StoreError(stopped_);
    sqlite3* db = store_.db().handle();
    sqlite3_stmt* stmt = nullptr;
    const char* tail = nullptr;
    int rc;
    {
        Scope scope(*this);
        rc = sqlite3_prepare_v2(db, text.c_str(), static_cast<int>(text.size()), &stmt, &tail);
    }
    if (rc == SQLITE_AUTH)
        throw AccessDenied("the plugin " + pluginId_ + " may not " + denial_ +
                           "; plugins may use only their own tables (prefix '" + prefix_ +
                           "') and read the host_* views");
    if (rc != SQLITE_OK) throw StoreError(sqlite3_errmsg(db));
    if (!stmt) throw StoreError("the SQL text holds no statement");
    if (tail && std::string(tail).find_first_not_of(" \t\r\n;") != std::string::npos) {
        sqlite3_finalize(stmt);
        throw StoreError("prepare takes one statement at a time");
    }
    auto statement = std::unique_ptr<PluginStatement>(new PluginStatement(this, stmt));
    live_.insert(statement.get());
    return statement;
}

void PluginSql::setTimeLimit(std::chrono::milliseconds limit) {
    timeLimit_ = std::clamp(limit, std::chrono::milliseconds(0), kMaxTimeLimit);
}

void PluginSql::resetStatements() {
    stopped_.clear();
    for (PluginStatement* s : live_)
        if (s->stmt_ && sqlite3_stmt_busy(s->stmt_)) sqlite3_reset(s->stmt_);
}

void PluginSql::migrate(const std::vector<Migration>& migrations) {
    auto names = [this] {
        std::set<std::string> result;
        Statement s(store_.db(), "SELECT name FROM sqlite_schema");
        while (s.step()) result.insert(s.text(0));
        return result;
    };
    store_.migrate(pluginId_, migrations, [&](const std::string& text) {
        std::set<std::string> before = names();
        {
            Scope scope(*this, /*migrating=*/true);
            try {
                store_.db().exec(text);
            } catch (const StoreError&) {
                if (!denial_.empty())
                    throw AccessDenied("a migration of " + pluginId_ + " tried to " + denial_ +
                                       "; plugins may use only their own tables (prefix '" + prefix_ + "')");
                throw;
            }
        }
        // ALTER TABLE ... RENAME TO is reported with the old name only: look at what is left.
        for (const std::string& name : names())
            if (!before.count(name) && name.rfind(prefix_, 0) != 0 &&
                name.rfind("sqlite_autoindex_" + prefix_, 0) != 0 && name != "sqlite_sequence")
                throw AccessDenied("a migration of " + pluginId_ + " left the object " + name +
                                   " behind; its names must start with '" + prefix_ + "'");
    });
}

PluginStatement::~PluginStatement() {
    if (owner_) owner_->live_.erase(this);
    sqlite3_finalize(stmt_);
}

void PluginStatement::check(int rc, const char* what) {
    if (rc != SQLITE_OK) throw StoreError(std::string("cannot ") + what + ": " + sqlite3_errstr(rc));
}

void PluginStatement::bindNull(int index) { check(sqlite3_bind_null(stmt_, index), "bind a parameter"); }
void PluginStatement::bindInt64(int index, int64_t value) {
    check(sqlite3_bind_int64(stmt_, index, value), "bind a parameter");
}
void PluginStatement::bindDouble(int index, double value) {
    check(sqlite3_bind_double(stmt_, index, value), "bind a parameter");
}
void PluginStatement::bindText(int index, const char* text, int64_t size) {
    if (size < 0) size = static_cast<int64_t>(std::strlen(text));
    check(sqlite3_bind_text64(stmt_, index, text, static_cast<sqlite3_uint64>(size), SQLITE_TRANSIENT, SQLITE_UTF8),
          "bind a parameter");
}
void PluginStatement::bindBlob(int index, const void* data, int64_t size) {
    check(sqlite3_bind_blob64(stmt_, index, data, static_cast<sqlite3_uint64>(std::max<int64_t>(size, 0)),
                              SQLITE_TRANSIENT),
          "bind a parameter");
}

namespace {

// SQLite calls this every kProgressSteps virtual machine instructions while
// a plugin's statement runs; a non-zero answer interrupts it.
constexpr int kProgressSteps = 1000;

struct Deadline {
    std::chrono::steady_clock::time_point at;
    bool passed = false;
};

int pastDeadline(void* context) {
    auto& deadline = *static_cast<Deadline*>(context);
    deadline.passed = deadline.passed || std::chrono::steady_clock::now() >= deadline.at;
    return deadline.passed ? 1 : 0;
}

}  // namespace

std::string PluginStatement::firstWords() const {
    std::string words;
    const char* sql = sqlite3_sql(stmt_);
    for (const char* c = sql ? sql : ""; *c && words.size() < 60; ++c) {
        bool space = std::isspace(static_cast<unsigned char>(*c));
        if (space && (words.empty() || words.back() == ' ')) continue;
        words += space ? ' ' : *c;
    }
    while (!words.empty() && words.back() == ' ') words.pop_back();
    if (sql && std::strlen(sql) > words.size() && words.size() >= 60) words += "…";
    return words;
}

bool PluginStatement::step() {
    if (!owner_) throw StoreError("the statement outlived its plugin");
    if (!owner_->stopped_.empty()) throw StoreError(owner_->stopped_);
    sqlite3* db = sqlite3_db_handle(stmt_);
    int rc;
    auto started = std::chrono::steady_clock::now();
    Deadline deadline{started + (owner_->timeLimit_ - spent_)};
    {
        PluginSql::Scope scope(*owner_);
        bool limited = owner_->timeLimit_.count() > 0;
        if (limited) sqlite3_progress_handler(db, kProgressSteps, &pastDeadline, &deadline);
        rc = sqlite3_step(stmt_);
        if (limited) sqlite3_progress_handler(db, 0, nullptr, nullptr);
    }
    spent_ += std::chrono::steady_clock::now() - started;
    if (rc == SQLITE_ROW) return true;
    spent_ = {};
    if (rc == SQLITE_INTERRUPT && deadline.passed) {
        bool wrote = !sqlite3_stmt_readonly(stmt_);
        sqlite3_reset(stmt_);
        std::string message = "the plugin " + owner_->pluginId() + " ran a statement for longer than its limit of " +
                              formatNumber(double(owner_->timeLimit_.count()) / 1000.0) + " s" + " and it was stopped (" + firstWords() + ")" +
                              (wrote ? "; what this call had changed in the store was undone" : "");
        // After a stopped write SQLite has rolled the whole transaction back:
        // nothing more of this call may run, or it would be written on its own.
        if (wrote) owner_->stopped_ = message + "; nothing more runs until the call ends";
        throw StoreError(message);
    }
    if (rc == SQLITE_DONE) {
        if (!sqlite3_stmt_readonly(stmt_)) {
            owner_->changes_ = sqlite3_changes64(db);
            owner_->lastInsertRowid_ = sqlite3_last_insert_rowid(db);
        }
        return false;
    }
    std::string message = sqlite3_errmsg(db);
    sqlite3_reset(stmt_);
    if (rc == SQLITE_AUTH) throw AccessDenied("the plugin " + owner_->pluginId() + " was refused: " + message);
    throw StoreError(message);
}

void PluginStatement::reset() {
    spent_ = {};
    sqlite3_reset(stmt_);
}
int PluginStatement::columnCount() const { return sqlite3_column_count(stmt_); }
int PluginStatement::columnType(int column) const { return sqlite3_column_type(stmt_, column); }
int64_t PluginStatement::columnInt64(int column) const { return sqlite3_column_int64(stmt_, column); }
double PluginStatement::columnDouble(int column) const { return sqlite3_column_double(stmt_, column); }
const char* PluginStatement::columnText(int column) const {
    return reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
}
const void* PluginStatement::columnBlob(int column) const { return sqlite3_column_blob(stmt_, column); }
int64_t PluginStatement::columnBytes(int column) const { return sqlite3_column_bytes(stmt_, column); }

}  // namespace nourish
