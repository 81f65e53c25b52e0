#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nourish/core/Database.h"

namespace nourish {

// Who is making a change, for the audit log: the person and the door they came
// through ("gui", "cli", or a plugin id).
struct Actor {
    std::string who;
    std::string source;
    static Actor currentUser(std::string source);
};

struct Migration {
    int version = 0;
    std::string name;
    std::string sql;
    std::string checksum() const;
};

// The embedded core migrations, ordered by version.
std::vector<Migration> coreMigrations();

// The one SQLite file behind the product. Opening it applies pending core
// migrations (after an online backup of a store that already holds data);
// a store it cannot safely open is refused and left byte-for-byte untouched.
class Store {
public:
    enum class Open { CreateIfMissing, ExistingOnly };

    explicit Store(const std::filesystem::path& path, Open open = Open::CreateIfMissing);
    // Opens with another list of core migrations (the shipped ones by default).
    Store(const std::filesystem::path& path, Open open, const std::vector<Migration>& migrations);
    ~Store();

    Database& db() { return *db_; }
    const std::filesystem::path& path() const { return path_; }
    int schemaVersion();
    // Where the store is in its history: what other connections committed
    // (SQLite's data_version) and how many rows this one changed outside the
    // audit log. A view that saw an older mark has something new to show.
    struct ChangeMark {
        int64_t external = 0;
        uint64_t local = 0;
        bool operator==(const ChangeMark&) const = default;
    };
    ChangeMark changeMark();

    // False when this process holds a descriptor of the store, its -wal or its
    // -shm that was deleted behind it (writes there would be lost).
    bool filesIntact() const;
    // Where the backup taken before the last migration went (if one was taken).
    const std::optional<std::filesystem::path>& migrationBackup() const { return migrationBackup_; }

    // Online backup, checked before it takes the destination's name (and, with
    // replace, the place of a file already there). Never the store itself.
    // Recorded in the audit log as an export of every client's data.
    void backupTo(const std::filesystem::path& destination, const Actor& actor, bool replace = false);

    struct CheckReport {
        std::vector<std::string> problems;
        std::vector<std::string> verified;  // what was checked and held, one line each
        int64_t auditEvents = 0;
        bool ok() const { return problems.empty(); }
    };
    // Everything: SQLite's integrity and foreign keys, the full-text indexes,
    // the keyed audit chain against its anchor, the schema against what the
    // migrations left, every sealed row and table, and the audit trail of
    // every client. `quick`: SQLite's quick check, the anchor, the last 100
    // events, the tables' seals and the schema (for start-up).
    CheckReport check(bool quick = false);

    // The audit key this store is sealed with (nullptr before it is).
    const std::string* auditKey() const { return key_ ? &*key_ : nullptr; }
    // The store's id (settings store.id): names its anchor.
    const std::string& id() const { return storeId_; }
    // Whether one row still matches its seal (for a plugin showing a signed
    // record); `why` says what is wrong when it does not.
    bool rowIntact(const std::string& table, const std::string& rowKey, std::string* why = nullptr);

    // Applies pending migrations recorded under `owner` ("core" or a plugin id),
    // each in one transaction. Throws StoreError if an applied one changed or
    // the store knows a newer one.
    // The migrations of `owner` not yet applied; throws like migrate() would.
    std::vector<Migration> pendingMigrations(const std::string& owner, const std::vector<Migration>& migrations);

    // `execute` runs each migration's SQL (plugins' under their authorizer).
    void migrate(const std::string& owner, const std::vector<Migration>& migrations,
                 const std::function<void(const std::string&)>& execute = {});

    // What a plugin left in the store, removed for good at the practitioner's
    // request (an uninstall with --remove-data): after an online backup
    // beside the store, in one transaction, its tables (those its migrations
    // made, under its table prefix when one is given), its views, indexes and
    // triggers, its settings (secret ones too) and its migration history;
    // the schema and seals are brought up to date and the removal is audited
    // (plugin.data_removed). Nothing is removed when the backup fails.
    struct RemovedPluginData {
        std::vector<std::string> tables;
        std::vector<std::string> settings;
        std::optional<std::filesystem::path> backup;  // none for a store that held nothing of it
    };
    RemovedPluginData removePluginData(const std::string& pluginId, const std::string& tablePrefix, const Actor& actor);

private:
    void create(const std::vector<Migration>& migrations);
    void openKey(bool creating);
    void writeAnchor();
    void removeAbandonedBackups();

    std::filesystem::path path_;
    std::unique_ptr<Database> db_;
    std::optional<std::filesystem::path> migrationBackup_;
    uint64_t localChanges_ = 0;
    std::optional<std::string> key_;
    std::string storeId_;
    bool auditWritten_ = false;
};

// Copies a live database with SQLite's online backup API into `destination`
// (which must not exist), folded into one file and integrity-checked.
void backupDatabase(Database& source, const std::filesystem::path& destination);

}  // namespace nourish
