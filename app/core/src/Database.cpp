#include "nourish/core/Database.h"

#include <sqlite3.h>

#include <atomic>

#include "FileLocks.h"
#include "nourish/core/Errors.h"

namespace nourish {

namespace {
[[noreturn]] void fail(sqlite3* db, const std::string& what) {
    throw StoreError(what + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}
}  // namespace

Database::Database(const std::filesystem::path& path, Mode mode) : path_(path) {
    detail::useDescriptionLocks();
    int flags = SQLITE_OPEN_NOMUTEX;
    switch (mode) {
        case Mode::ReadWrite: flags |= SQLITE_OPEN_READWRITE; break;
        case Mode::ReadWriteCreate: flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE; break;
        case Mode::ReadOnly: flags |= SQLITE_OPEN_READONLY; break;
    }
    if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
        std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
        sqlite3_close(db_);
        db_ = nullptr;
        throw StoreError("cannot open the store " + path.string() + ": " + message);
    }
    sqlite3_extended_result_codes(db_, 1);
    // Before the first statement: even reading the schema may meet a writer.
    sqlite3_busy_timeout(db_, kBusyTimeoutMs);
}

Database::~Database() {
    cache_.clear();  // statements first: the connection cannot close while they live
    // A statement someone forgot keeps the connection open until it is
    // finalized (close_v2), instead of leaking it for good.
    sqlite3_close_v2(db_);
}

void Database::exec(const std::string& sql) {
    char* error = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
        std::string message = error ? error : sqlite3_errmsg(db_);
        sqlite3_free(error);
        throw StoreError(message);
    }
}

Statement& Database::cached(std::string_view sql) {
    auto it = cache_.find(std::string(sql));
    if (it == cache_.end())
        it = cache_.emplace(std::string(sql), std::make_unique<Statement>(*this, sql)).first;
    return *it->second;
}

int64_t Database::lastInsertRowid() const { return sqlite3_last_insert_rowid(db_); }
int64_t Database::changes() const { return sqlite3_changes64(db_); }
std::string Database::lastError() const { return sqlite3_errmsg(db_); }

bool Database::tableExists(const std::string& name) {
    StatementScope s(cached("SELECT 1 FROM sqlite_schema WHERE type IN ('table','view') AND name = ?1"));
    s->bind(1, name);
    return s->step();
}

Statement::Statement(Database& db, std::string_view sql) : db_(db) {
    if (sqlite3_prepare_v3(db.handle(), sql.data(), static_cast<int>(sql.size()),
                           SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr) != SQLITE_OK)
        fail(db.handle(), "cannot prepare a statement");
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::bind(int index, std::nullptr_t) {
    if (sqlite3_bind_null(stmt_, index) != SQLITE_OK) fail(db_.handle(), "cannot bind");
    return *this;
}
Statement& Statement::bind(int index, int64_t value) {
    if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK) fail(db_.handle(), "cannot bind");
    return *this;
}
Statement& Statement::bind(int index, double value) {
    if (sqlite3_bind_double(stmt_, index, value) != SQLITE_OK) fail(db_.handle(), "cannot bind");
    return *this;
}
Statement& Statement::bind(int index, std::string_view text) {
    if (sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8) !=
        SQLITE_OK)
        fail(db_.handle(), "cannot bind");
    return *this;
}
Statement& Statement::bind(int index, const std::optional<std::string>& text) {
    return text ? bind(index, std::string_view(*text)) : bind(index, nullptr);
}

bool Statement::step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    std::string message = sqlite3_errmsg(db_.handle());
    sqlite3_reset(stmt_);
    throw StoreError(message);
}

void Statement::run() {
    StatementScope scope(*this);
    step();
}

void Statement::reset() { sqlite3_reset(stmt_); }

bool Statement::isNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
int64_t Statement::int64(int column) const { return sqlite3_column_int64(stmt_, column); }
double Statement::real(int column) const { return sqlite3_column_double(stmt_, column); }
std::string Statement::text(int column) const {
    auto p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, column))) : std::string();
}
std::optional<std::string> Statement::optionalText(int column) const {
    if (isNull(column)) return std::nullopt;
    return text(column);
}

namespace {
std::string nextSavepointName() {
    static std::atomic<uint64_t> counter{0};
    return "sp" + std::to_string(++counter);
}
}  // namespace

bool Database::inTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

Transaction::Transaction(Database& db) : db_(db) {
    if (db_.inTransaction()) {
        savepoint_ = nextSavepointName();
        db_.exec("SAVEPOINT " + savepoint_);
    } else {
        db_.exec("BEGIN IMMEDIATE");
    }
}
Transaction::~Transaction() {
    if (done_) return;
    try {
        if (savepoint_.empty()) {
            db_.exec("ROLLBACK");
        } else {
            db_.exec("ROLLBACK TO " + savepoint_);
            db_.exec("RELEASE " + savepoint_);
        }
    } catch (...) {
    }
}
void Transaction::commit() {
    db_.exec(savepoint_.empty() ? std::string("COMMIT") : "RELEASE " + savepoint_);
    done_ = true;
    if (savepoint_.empty()) db_.committed();
}

}  // namespace nourish
