#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

struct sqlite3;
struct sqlite3_stmt;

namespace nourish {

class Statement;

// A small RAII layer over one SQLite connection. Errors become StoreError.
class Database {
public:
    enum class Mode { ReadWrite, ReadWriteCreate, ReadOnly };
    // How long a statement waits for another connection's lock before it fails.
    static constexpr int kBusyTimeoutMs = 5000;

    Database(const std::filesystem::path& path, Mode mode);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    void exec(const std::string& sql);
    // A statement prepared on first use and kept for the connection's lifetime.
    Statement& cached(std::string_view sql);
    int64_t lastInsertRowid() const;
    int64_t changes() const;
    bool tableExists(const std::string& name);
    // True while a transaction (or savepoint) is open on this connection.
    bool inTransaction() const;
    const std::filesystem::path& path() const { return path_; }
    sqlite3* handle() const { return db_; }
    std::string lastError() const;
    // Called after each outermost COMMIT succeeds (the store's anchor);
    // what it throws is not the commit's failure and is dropped.
    void setAfterCommit(std::function<void()> afterCommit) { afterCommit_ = std::move(afterCommit); }
    void committed() {
        if (afterCommit_) try {
                afterCommit_();
            } catch (...) {
            }
    }

private:
    std::function<void()> afterCommit_;
    std::filesystem::path path_;
    sqlite3* db_ = nullptr;
    std::unordered_map<std::string, std::unique_ptr<Statement>> cache_;
};

class Statement {
public:
    Statement(Database& db, std::string_view sql);
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Statement& bind(int index, std::nullptr_t);
    Statement& bind(int index, int64_t value);
    Statement& bind(int index, int value) { return bind(index, static_cast<int64_t>(value)); }
    Statement& bind(int index, double value);
    Statement& bind(int index, std::string_view text);
    Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
    Statement& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
    Statement& bind(int index, const std::optional<std::string>& text);

    // True when a row is ready, false when done.
    bool step();
    // Runs a statement that returns no rows, then resets it.
    void run();
    void reset();

    bool isNull(int column) const;
    int64_t int64(int column) const;
    double real(int column) const;
    std::string text(int column) const;
    std::optional<std::string> optionalText(int column) const;

    sqlite3_stmt* handle() const { return stmt_; }

private:
    Database& db_;
    sqlite3_stmt* stmt_ = nullptr;
};

// Resets a (cached) statement when the scope ends, so it never holds a read lock.
class StatementScope {
public:
    explicit StatementScope(Statement& s) : s_(s) {}
    ~StatementScope() { s_.reset(); }
    Statement* operator->() { return &s_; }
    Statement& operator*() { return s_; }

private:
    Statement& s_;
};

// BEGIN IMMEDIATE ... COMMIT; rolls back unless commit() was called. IMMEDIATE
// takes the write lock first, so a transaction that reads and then writes
// waits for another process's writer (busy timeout) instead of failing.
// Inside a transaction already open (a plugin's savepoint, an import) it
// becomes a savepoint of that transaction and commits or rolls back with it.
class Transaction {
public:
    explicit Transaction(Database& db);
    ~Transaction();
    void commit();

private:
    Database& db_;
    std::string savepoint_;  // set when nested
    bool done_ = false;
};

}  // namespace nourish
