#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "nourish/core/Errors.h"
#include "nourish/core/Store.h"

struct sqlite3_stmt;

namespace nourish {

class PluginSql;

// A plugin's prepared statement. The plugin's authorizer is active whenever
// SQLite may compile it (prepare, and re-prepare inside step).
class PluginStatement {
public:
    ~PluginStatement();
    // Each throws StoreError for a bad index or a statement in use.
    void bindNull(int index);
    void bindInt64(int index, int64_t value);
    void bindDouble(int index, double value);
    void bindText(int index, const char* text, int64_t size);
    void bindBlob(int index, const void* data, int64_t size);
    bool step();  // true: row ready; throws StoreError / AccessDenied
    void reset();
    int columnCount() const;
    int columnType(int column) const;  // SQLITE_INTEGER ... SQLITE_NULL
    int64_t columnInt64(int column) const;
    double columnDouble(int column) const;
    const char* columnText(int column) const;
    const void* columnBlob(int column) const;
    int64_t columnBytes(int column) const;

private:
    friend class PluginSql;
    PluginStatement(PluginSql* owner, sqlite3_stmt* stmt) : owner_(owner), stmt_(stmt) {}
    void check(int rc, const char* what);
    std::string firstWords() const;
    PluginSql* owner_;  // null once the owner finalized it at shutdown
    sqlite3_stmt* stmt_;
    std::chrono::steady_clock::duration spent_{};  // inside sqlite3_step since the last reset
};

// Store access scoped to one plugin: its own tables (by prefix) read/write,
// the host_* views read-only; no core tables, ATTACH, PRAGMA, transactions,
// or renaming tables. Migrations may alter the plugin's own tables, and may
// only leave objects named with its prefix behind.
class PluginSql {
public:
    PluginSql(Store& store, std::string pluginId, std::string tablePrefix);
    // Finalizes statements the plugin left open, so the store can close.
    ~PluginSql();

    std::unique_ptr<PluginStatement> prepare(const std::string& sql);
    void migrate(const std::vector<Migration>& migrations);
    // Of the plugin's own last writing statement, not the host's.
    int64_t changes() const { return changes_; }
    int64_t lastInsertRowid() const { return lastInsertRowid_; }
    // Resets statements a plugin left mid-iteration, so none keeps an old read
    // snapshot of the store open between calls.
    void resetStatements();
    Store& store() { return store_; }
    const std::string& pluginId() const { return pluginId_; }
    // Whether a row of one of the plugin's own tables still matches the seal
    // written with it (the reason in `why` when not). DeniedError for a table
    // that is not the plugin's.
    bool rowIntact(const std::string& table, const std::string& rowKey, std::string& why);

    // How long one statement may run inside step() (summed over its steps
    // until it is done or reset) before it is interrupted: a write is then
    // undone with its transaction, and nothing more runs in this call (until
    // resetStatements()). Migrations are not limited; 0 is no limit (the
    // host's choice only, never a manifest's).
    static constexpr std::chrono::milliseconds kDefaultTimeLimit{2000};
    static constexpr std::chrono::milliseconds kMaxTimeLimit{30000};
    void setTimeLimit(std::chrono::milliseconds limit);
    std::chrono::milliseconds timeLimit() const { return timeLimit_; }

    // Whether a table prefix is safe to give a plugin: no core object and no
    // SQLite-internal name starts with it.
    static std::string prefixProblem(const std::string& prefix);
    // The store's tables under a plugin's prefix, by name (what an uninstall keeps).
    static std::vector<std::string> tablesUnder(Store& store, const std::string& prefix);

    // Internal: the SQLite authorizer callback and its scope.
    static int authorize(void* self, int action, const char* a, const char* b, const char* db,
                         const char* inner);
    class Scope {
    public:
        explicit Scope(PluginSql& sql, bool migrating = false);
        ~Scope();

    private:
        PluginSql& sql_;
    };

private:
    friend class PluginStatement;
    bool ownsName(const char* name) const;
    int deny(std::string what);

    Store& store_;
    std::string pluginId_;
    std::string prefix_;
    std::string denial_;
    bool migrating_ = false;
    bool schemaWritten_ = false;  // the statement being compiled updates or deletes schema rows
    std::chrono::milliseconds timeLimit_ = kDefaultTimeLimit;
    std::string stopped_;  // why statements are refused until resetStatements()
    int64_t changes_ = 0;
    int64_t lastInsertRowid_ = 0;
    std::set<PluginStatement*> live_;
};

}  // namespace nourish
