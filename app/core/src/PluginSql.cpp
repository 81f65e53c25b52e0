#include "nourish/core/PluginSql.h"

#include <sqlite3.h>

#include <cstring>

namespace nourish {

namespace {
bool isHostView(const char* name) {
    return name && (std::strcmp(name, "host_clients") == 0 || std::strcmp(name, "host_guardians") == 0 ||
                    std::strcmp(name, "host_client_guardians") == 0 ||
                    std::strcmp(name, "host_consent_events") == 0);
}
bool isSchemaTable(const char* name) {
    return name && (std::strcmp(name, "sqlite_master") == 0 || std::strcmp(name, "sqlite_schema") == 0 ||
                    std::strcmp(name, "sqlite_temp_master") == 0 || std::strcmp(name, "sqlite_sequence") == 0);
}
std::string str(const char* s) { return s ? s : ""; }
}  // namespace

PluginSql::PluginSql(Store& store, std::string pluginId, std::string tablePrefix)
    : store_(store), pluginId_(std::move(pluginId)), prefix_(std::move(tablePrefix)) {}

bool PluginSql::ownsName(const char* name) const {
    return name && !prefix_.empty() && std::strncmp(name, prefix_.c_str(), prefix_.size()) == 0;
}

int PluginSql::deny(std::string what) {
    if (denial_.empty()) denial_ = std::move(what);
    return SQLITE_DENY;
}

int PluginSql::authorize(void* self, int action, const char* a, const char* b, const char*, const char* inner) {
    auto& sql = *static_cast<PluginSql*>(self);
    switch (action) {
        case SQLITE_SELECT:
        case SQLITE_RECURSIVE:
            return SQLITE_OK;
        case SQLITE_FUNCTION:
            if (b && std::strcmp(b, "load_extension") == 0) return sql.deny("call load_extension");
            return SQLITE_OK;
        case SQLITE_READ:
            // Through a host view the underlying core tables may be read.
            if (sql.ownsName(a) || isHostView(a) || isHostView(inner) || isSchemaTable(a)) return SQLITE_OK;
            // count(*) through a view is reported as a read of no column: no data leaves the table.
            if (b && !*b) return SQLITE_OK;
            return sql.deny("read the table " + str(a));
        case SQLITE_INSERT:
        case SQLITE_UPDATE:
        case SQLITE_DELETE:
            // Schema tables change as a side effect of the plugin's own DDL.
            if (sql.ownsName(a) || isSchemaTable(a)) return SQLITE_OK;
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
            return sql.deny("create or drop " + str(a) + " (names must start with '" + sql.prefix_ + "')");
        case SQLITE_CREATE_INDEX:
        case SQLITE_CREATE_TEMP_INDEX:
        case SQLITE_DROP_INDEX:
        case SQLITE_DROP_TEMP_INDEX:
        case SQLITE_CREATE_TRIGGER:
        case SQLITE_CREATE_TEMP_TRIGGER:
        case SQLITE_DROP_TRIGGER:
        case SQLITE_DROP_TEMP_TRIGGER:
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
            if (sql.ownsName(b)) return SQLITE_OK;
            return sql.deny("alter the table " + str(b));
        case SQLITE_TRANSACTION:
        case SQLITE_SAVEPOINT:
            return sql.deny("manage transactions (use the store's savepoint())");
        case SQLITE_PRAGMA:
            return sql.deny("run PRAGMA " + str(a));
        case SQLITE_ATTACH:
        case SQLITE_DETACH:
            return sql.deny("attach or detach databases");
        default:
            return sql.deny("run this kind of statement (action " + std::to_string(action) + ")");
    }
}

PluginSql::Scope::Scope(PluginSql& sql) : sql_(sql) {
    sql_.denial_.clear();
    sqlite3_set_authorizer(sql_.store_.db().handle(), &PluginSql::authorize, &sql_);
}

PluginSql::Scope::~Scope() { sqlite3_set_authorizer(sql_.store_.db().handle(), nullptr, nullptr); }

std::unique_ptr<PluginStatement> PluginSql::prepare(const std::string& text) {
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
    if (tail && *tail) {
        std::string rest(tail);
        if (rest.find_first_not_of(" \t\r\n;") != std::string::npos) {
            sqlite3_finalize(stmt);
            throw StoreError("prepare takes one statement at a time");
        }
    }
    return std::unique_ptr<PluginStatement>(new PluginStatement(*this, stmt));
}

void PluginSql::migrate(const std::vector<Migration>& migrations) {
    store_.migrate(pluginId_, migrations, [this](const std::string& text) {
        Scope scope(*this);
        try {
            store_.db().exec(text);
        } catch (const StoreError&) {
            if (!denial_.empty())
                throw AccessDenied("a migration of " + pluginId_ + " tried to " + denial_ +
                                   "; plugins may use only their own tables (prefix '" + prefix_ + "')");
            throw;
        }
    });
}

int64_t PluginSql::changes() { return store_.db().changes(); }
int64_t PluginSql::lastInsertRowid() { return store_.db().lastInsertRowid(); }

PluginStatement::~PluginStatement() { sqlite3_finalize(stmt_); }

void PluginStatement::bindNull(int index) { sqlite3_bind_null(stmt_, index); }
void PluginStatement::bindInt64(int index, int64_t value) { sqlite3_bind_int64(stmt_, index, value); }
void PluginStatement::bindDouble(int index, double value) { sqlite3_bind_double(stmt_, index, value); }
void PluginStatement::bindText(int index, const char* text, int64_t size) {
    if (size < 0) size = static_cast<int64_t>(std::strlen(text));
    sqlite3_bind_text64(stmt_, index, text, static_cast<sqlite3_uint64>(size), SQLITE_TRANSIENT, SQLITE_UTF8);
}

bool PluginStatement::step() {
    int rc;
    {
        PluginSql::Scope scope(owner_);
        rc = sqlite3_step(stmt_);
    }
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    std::string message = sqlite3_errmsg(sqlite3_db_handle(stmt_));
    sqlite3_reset(stmt_);
    if (rc == SQLITE_AUTH) throw AccessDenied("the plugin " + owner_.pluginId() + " was refused: " + message);
    throw StoreError(message);
}

void PluginStatement::reset() { sqlite3_reset(stmt_); }
int PluginStatement::columnCount() const { return sqlite3_column_count(stmt_); }
int PluginStatement::columnType(int column) const { return sqlite3_column_type(stmt_, column); }
int64_t PluginStatement::columnInt64(int column) const { return sqlite3_column_int64(stmt_, column); }
double PluginStatement::columnDouble(int column) const { return sqlite3_column_double(stmt_, column); }
const char* PluginStatement::columnText(int column) const {
    return reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
}

}  // namespace nourish
