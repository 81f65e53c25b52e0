#pragma once

#include <cstdint>
#include <memory>
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
    void bindNull(int index);
    void bindInt64(int index, int64_t value);
    void bindDouble(int index, double value);
    void bindText(int index, const char* text, int64_t size);
    bool step();  // true: row ready; throws StoreError / AccessDenied
    void reset();
    int columnCount() const;
    int columnType(int column) const;  // SQLITE_INTEGER ... SQLITE_NULL
    int64_t columnInt64(int column) const;
    double columnDouble(int column) const;
    const char* columnText(int column) const;

private:
    friend class PluginSql;
    PluginStatement(PluginSql& owner, sqlite3_stmt* stmt) : owner_(owner), stmt_(stmt) {}
    PluginSql& owner_;
    sqlite3_stmt* stmt_;
};

// Store access scoped to one plugin: its own tables (by prefix) read/write,
// the host_* views read-only; no core tables, ATTACH, PRAGMA or transactions.
class PluginSql {
public:
    PluginSql(Store& store, std::string pluginId, std::string tablePrefix);

    std::unique_ptr<PluginStatement> prepare(const std::string& sql);
    // The plugin's migrations, applied under the same rules.
    void migrate(const std::vector<Migration>& migrations);
    int64_t changes();
    int64_t lastInsertRowid();
    Store& store() { return store_; }
    const std::string& pluginId() const { return pluginId_; }

    // Internal: the SQLite authorizer callback and its scope.
    static int authorize(void* self, int action, const char* a, const char* b, const char* db,
                         const char* inner);
    class Scope {
    public:
        explicit Scope(PluginSql& sql);
        ~Scope();

    private:
        PluginSql& sql_;
    };

private:
    bool ownsName(const char* name) const;
    int deny(std::string what);

    Store& store_;
    std::string pluginId_;
    std::string prefix_;
    std::string denial_;
};

}  // namespace nourish
