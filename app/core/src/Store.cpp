#include "nourish/core/Store.h"

#include <fcntl.h>
#include <pwd.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include <nlohmann/json.hpp>

#include "nourish/core/AuditLog.h"
#include "nourish/core/Dates.h"
#include "nourish/core/Errors.h"
#include "nourish/core/Hash.h"
#include "nourish/core/OutputFile.h"
#include "nourish/core/Resource.h"

namespace nourish {

namespace fs = std::filesystem;

Actor Actor::currentUser(std::string source) {
    std::string who;
    if (const passwd* pw = getpwuid(getuid()); pw && pw->pw_name) who = pw->pw_name;
    if (who.empty()) who = std::getenv("USER") ? std::getenv("USER") : "unknown";
    return Actor{who, std::move(source)};
}

std::string Migration::checksum() const { return sha256Hex(sql); }

std::vector<Migration> coreMigrations() {
    std::vector<Migration> list;
    for (const Resource& r : resources::storeMigrations()) {
        std::string name = r.name;  // "0001_core.sql"
        list.push_back(Migration{std::stoi(name.substr(0, 4)), name, r.content});
    }
    std::sort(list.begin(), list.end(), [](auto& a, auto& b) { return a.version < b.version; });
    return list;
}

namespace {

const char* kCoreOwner = "core";

struct Applied {
    int version;
    std::string name;
    std::string checksum;
};

// Reads what was applied without writing anything. Core migrations live in
// schema_migrations, plugin ones in plugin_schema_versions.
std::vector<Applied> appliedMigrations(Database& db, const std::string& owner) {
    std::vector<Applied> applied;
    if (owner == kCoreOwner) {
        if (!db.tableExists("schema_migrations")) return applied;
        Statement s(db, "SELECT version, name, checksum FROM schema_migrations ORDER BY version");
        while (s.step()) applied.push_back({int(s.int64(0)), s.text(1), s.text(2)});
    } else {
        if (!db.tableExists("plugin_schema_versions")) return applied;
        Statement s(db, "SELECT version, name, checksum FROM plugin_schema_versions "
                        "WHERE plugin_id = ?1 ORDER BY version");
        s.bind(1, owner);
        while (s.step()) applied.push_back({int(s.int64(0)), s.text(1), s.text(2)});
    }
    return applied;
}

// Throws when the store cannot be migrated safely; returns the pending ones.
std::vector<Migration> pendingIn(Database& db, const std::string& owner,
                                         const std::vector<Migration>& shipped) {
    auto applied = appliedMigrations(db, owner);
    int known = shipped.empty() ? 0 : shipped.back().version;
    std::string who = owner == kCoreOwner ? "Nourish" : "the plugin " + owner;
    for (const Applied& a : applied) {
        if (a.version > known)
            throw StoreError("this store was written by a newer version of " + who + " (schema " +
                             std::to_string(a.version) + ", this version knows up to " +
                             std::to_string(known) +
                             "); it has not been changed -- open it with that newer version");
        auto it = std::find_if(shipped.begin(), shipped.end(), [&](auto& m) { return m.version == a.version; });
        if (it == shipped.end() || it->checksum() != a.checksum)
            throw StoreError("migration " + a.name + " recorded in this store differs from the one " +
                             who + " ships (checksum mismatch); the store has not been changed");
    }
    std::vector<Migration> pending;
    for (const Migration& m : shipped) {
        bool done = std::any_of(applied.begin(), applied.end(), [&](auto& a) { return a.version == m.version; });
        if (!done) pending.push_back(m);
    }
    return pending;
}

void createPrivateFile(const fs::path& path) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) throw StoreError("cannot create " + path.string() + ": " + std::strerror(errno));
    ::close(fd);
}

}  // namespace

Store::Store(const fs::path& path, Open open) : Store(path, open, coreMigrations()) {}

namespace {

// What is at `path`, judged from the outside before SQLite touches it, so
// that a file we refuse keeps every byte (and gets no -wal beside it).
void refuseWhatIsNotAStore(const fs::path& path) {
    const std::string name = path.string();
    if (fs::is_directory(path)) throw StoreError(name + " is a folder, not a store file");
    std::error_code ec;
    auto size = fs::file_size(path, ec);
    if (ec) throw StoreError("cannot read " + name + ": " + ec.message() + "; nothing was changed");
    bool walBeside = fs::exists(name + "-wal");
    if (size == 0 && !walBeside) throw StoreError(name + " is empty, not a Nourish store; nothing was changed");
    if (size > 0) {
        char header[16] = {};
        int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) throw StoreError("cannot read " + name + ": " + std::strerror(errno) + "; nothing was changed");
        ssize_t n = ::read(fd, header, sizeof header);
        ::close(fd);
        if (n != ssize_t(sizeof header) || std::memcmp(header, "SQLite format 3", 16) != 0)
            throw StoreError(name + " is not a Nourish store (it is not an SQLite database); nothing was changed");
    }
    if (::access(path.c_str(), W_OK) != 0 || (!walBeside && ::access(path.parent_path().empty()
                                                                          ? "."
                                                                          : path.parent_path().c_str(),
                                                                      W_OK) != 0)) {
        std::string why = errno == EROFS ? "it is on a read-only file system" : "its permissions do not let you write";
        throw StoreError(name + " is read-only (" + why + "); Nourish needs to write to its store, so nothing was changed");
    }
}

// The connection settings every store gets; the first statements run after
// the busy timeout is in force (Database sets it on open).
void configure(Database& db) {
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA foreign_keys = ON");
    db.exec("PRAGMA synchronous = FULL");
    db.exec("PRAGMA secure_delete = ON");
    db.exec("PRAGMA cache_size = -32768");  // 32 MiB: a caseload and its indexes stay in memory
}

}  // namespace

Store::Store(const fs::path& path, Open open, const std::vector<Migration>& migrations) : path_(path) {
    if (!fs::exists(path)) {
        if (open == Open::ExistingOnly) throw StoreError("there is no store at " + path.string());
        create(migrations);
    }
    refuseWhatIsNotAStore(path);

    db_ = std::make_unique<Database>(path, Database::Mode::ReadWrite);
    // Reads only, so that a store we refuse stays byte-for-byte as it was.
    std::vector<Migration> pending;
    try {
        if (!db_->tableExists("schema_migrations"))
            throw StoreError(path.string() + " is an SQLite database but not a Nourish store; nothing was changed");
        pending = pendingIn(*db_, kCoreOwner, migrations);
    } catch (const StoreError& e) {
        std::string message = e.what();
        db_.reset();
        if (message.find("file is not a database") != std::string::npos)
            throw StoreError(path.string() + " is not a Nourish store (it is not an SQLite database); nothing was changed");
        throw;
    }
    configure(*db_);
    sqlite3_update_hook(
        db_->handle(),
        [](void* self, int, const char*, const char* table, sqlite3_int64) {
            // The audit log (and its head in settings) records views too: not news for a view.
            if (std::strcmp(table, "audit_events") != 0 && std::strcmp(table, "settings") != 0)
                ++static_cast<Store*>(self)->localChanges_;
        },
        this);
    if (!pending.empty()) {
        fs::path backup = path;
        backup += ".before-" + std::to_string(pending.front().version) + "-" + nowUtc() + ".bak";
        backupDatabase(*db_, backup);
        migrationBackup_ = backup;
    }
    migrate(kCoreOwner, migrations);
}

// A new store is made whole under a temporary name and only then given its
// own: a crash or a failed migration never leaves a half-made file that every
// later start would refuse.
void Store::create(const std::vector<Migration>& migrations) {
    std::error_code ec;
    if (path_.has_parent_path()) {
        fs::create_directories(path_.parent_path(), ec);
        if (ec) throw StoreError("cannot create the folder " + path_.parent_path().string() + ": " + ec.message());
    }
    fs::path temp = path_;
    temp += ".creating-" + std::to_string(::getpid());
    fs::remove(temp, ec);
    createPrivateFile(temp);
    try {
        db_ = std::make_unique<Database>(temp, Database::Mode::ReadWrite);
        configure(*db_);
        migrate(kCoreOwner, migrations);
        db_.reset();  // the last connection folds the WAL into the file
        if (::link(temp.c_str(), path_.c_str()) != 0)
            throw StoreError("cannot create the store " + path_.string() + ": " + std::strerror(errno));
        fs::remove(temp);
    } catch (...) {
        db_.reset();
        for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(temp.string() + suffix, ec);
        throw;
    }
}

Store::~Store() = default;

Store::ChangeMark Store::changeMark() {
    StatementScope s(db_->cached("PRAGMA data_version"));
    s->step();
    return ChangeMark{s->int64(0), localChanges_};
}

bool Store::filesIntact() const {
    std::error_code ec;
    fs::path canonical = fs::weakly_canonical(path_, ec);
    if (ec) canonical = path_;
    const std::string base = canonical.string();
    for (const auto& entry : fs::directory_iterator("/proc/self/fd", ec)) {
        std::error_code linkError;
        std::string target = fs::read_symlink(entry.path(), linkError).string();
        if (linkError || target.rfind(base, 0) != 0) continue;
        std::string rest = target.substr(base.size());
        if (rest == " (deleted)" || rest == "-wal (deleted)" || rest == "-shm (deleted)" ||
            rest == "-journal (deleted)")
            return false;
    }
    return true;
}

std::vector<Migration> Store::pendingMigrations(const std::string& owner, const std::vector<Migration>& migrations) {
    return pendingIn(*db_, owner, migrations);
}

int Store::schemaVersion() {
    auto applied = appliedMigrations(*db_, kCoreOwner);
    return applied.empty() ? 0 : applied.back().version;
}

void Store::migrate(const std::string& owner, const std::vector<Migration>& migrations,
                    const std::function<void(const std::string&)>& execute) {
    for (const Migration& m : pendingIn(*db_, owner, migrations)) {
        Transaction tx(*db_);
        try {
            if (execute) execute(m.sql);
            else db_->exec(m.sql);
        } catch (const AccessDenied&) {
            throw;
        } catch (const StoreError& e) {
            throw StoreError("migration " + m.name + " of " + owner + " failed: " + e.what());
        }
        if (owner == kCoreOwner) {
            db_->exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                      "name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)");
            Statement s(*db_, "INSERT INTO schema_migrations VALUES (?1, ?2, ?3, ?4)");
            s.bind(1, m.version).bind(2, m.name).bind(3, m.checksum()).bind(4, nowUtc()).run();
        } else {
            Statement s(*db_, "INSERT INTO plugin_schema_versions VALUES (?1, ?2, ?3, ?4, ?5)");
            s.bind(1, owner).bind(2, m.version).bind(3, m.name).bind(4, m.checksum()).bind(5, nowUtc()).run();
        }
        tx.commit();
    }
}

namespace {
// The backup itself, into `partial` (an empty private file); removes it on any failure.
void copyInto(Database& source, const fs::path& partial) {
    try {
        Database target(partial, Database::Mode::ReadWrite);
        sqlite3_backup* backup = sqlite3_backup_init(target.handle(), "main", source.handle(), "main");
        if (!backup) throw StoreError("cannot start the backup: " + target.lastError());
        int rc;
        while ((rc = sqlite3_backup_step(backup, 256)) == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
            sqlite3_sleep(5);
        sqlite3_backup_finish(backup);
        if (rc != SQLITE_DONE) throw StoreError("the backup failed: " + std::string(sqlite3_errstr(rc)));
        // The copy keeps WAL mode; fold it back into one self-contained file.
        target.exec("PRAGMA journal_mode = DELETE");
        Statement check(target, "PRAGMA integrity_check");
        if (!check.step() || check.text(0) != "ok") throw StoreError("the backup copy failed its integrity check");
    } catch (...) {
        std::error_code ec;
        for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(partial.string() + suffix, ec);
        throw;
    }
}
}  // namespace

void backupDatabase(Database& source, const fs::path& destination) {
    checkOutputPath(destination, source.path(), false);
    fs::path partial = createOutputTemp(destination);
    copyInto(source, partial);
    publishOutputFile(partial, destination, false);
}

void Store::backupTo(const fs::path& destination, const Actor& actor, bool replace) {
    checkOutputPath(destination, path_, replace);
    fs::path partial = createOutputTemp(destination);
    copyInto(*db_, partial);
    {
        Database copy(partial, Database::Mode::ReadOnly);
        Statement original(*db_, "SELECT count(*) FROM clients");
        Statement copied(copy, "SELECT count(*) FROM clients");
        original.step();
        copied.step();
        if (original.int64(0) != copied.int64(0)) {
            fs::remove(partial);
            throw StoreError("the backup copy does not hold the same clients as the store");
        }
    }
    publishOutputFile(partial, destination, replace);
    Transaction tx(*db_);
    AuditLog(*this).record(actor, "store.backup", std::nullopt,
                           nlohmann::json{{"file", destination.filename().string()}}.dump());
    tx.commit();
}

Store::CheckReport Store::check() {
    CheckReport report;
    {
        Statement s(*db_, "PRAGMA integrity_check");
        while (s.step())
            if (s.text(0) != "ok") report.problems.push_back("integrity: " + s.text(0));
    }
    {
        Statement s(*db_, "PRAGMA foreign_key_check");
        while (s.step())
            report.problems.push_back("foreign key: row " + s.text(1) + " of " + s.text(0) +
                                      " points to a missing row of " + s.text(2));
    }
    try {
        db_->exec("INSERT INTO client_search(client_search) VALUES ('integrity-check')");
    } catch (const StoreError& e) {
        report.problems.push_back(std::string("client search index: ") + e.what());
    }
    AuditLog audit(*this);
    auto chain = audit.verify();
    report.auditEvents = chain.events;
    for (auto& p : chain.problems) report.problems.push_back("audit: " + p);
    return report;
}

}  // namespace nourish
