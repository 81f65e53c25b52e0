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
#include "nourish/core/Integrity.h"
#include <iostream>
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

std::optional<std::string> setting(Database& db, const std::string& key) {
    if (!db.tableExists("settings")) return std::nullopt;
    Statement s(db, "SELECT value FROM settings WHERE key = ?1");
    s.bind(1, key);
    if (!s.step()) return std::nullopt;
    return s.text(0);
}

void putSetting(Database& db, const std::string& key, const std::string& value) {
    Statement s(db, "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    s.bind(1, key).bind(2, value).run();
}

std::string randomId() { return integrity::randomHex(16); }

// Whether two spellings name the same file (a missing one compares by its text).
bool samePath(const fs::path& a, const fs::path& b) {
    std::error_code ea, eb;
    fs::path ca = fs::weakly_canonical(a, ea), cb = fs::weakly_canonical(b, eb);
    return ea || eb ? a.lexically_normal() == b.lexically_normal() : ca == cb;
}

// Who an object of a store sealed after the fact belongs to: the core's own
// names, or a plugin's.
std::string ownerByName(const std::string& name) {
    static const char* core[] = {"clients", "guardians", "client_guardians", "client_search", "settings",
                                 "plugin_settings", "plugin_schema_versions", "audit_events", "consent_events",
                                 "schema_migrations", "row_macs", "table_seals", "schema_objects", "host_",
                                 "nourish_seal_", "sqlite_autoindex_clients", "sqlite_autoindex_settings"};
    for (const char* c : core)
        if (name.rfind(c, 0) == 0) return "core";
    return "a plugin";
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
        openKey(false);
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
            auto* store = static_cast<Store*>(self);
            // The audit log (and its head in settings) records views too: not news for a view;
            // nor are the seals that follow every change.
            if (std::strcmp(table, "audit_events") == 0) store->auditWritten_ = true;
            else if (std::strcmp(table, "settings") != 0 && std::strcmp(table, "row_macs") != 0 &&
                     std::strcmp(table, "table_seals") != 0)
                ++store->localChanges_;
        },
        this);
    db_->setAfterCommit([this] { writeAnchor(); });
    if (!pending.empty()) {
        fs::path backup = path;
        backup += ".before-" + std::to_string(pending.front().version) + ".bak";
        if (!fs::exists(backup)) backupDatabase(*db_, backup);
        migrationBackup_ = backup;
    }
    migrate(kCoreOwner, migrations);
    storeId_ = setting(*db_, "store.id").value_or("");
    removeAbandonedBackups();
}

// Copies a killed migration backup left half-made (".<store>.before-*.bak.part-*",
// an hour old or more, so never one being written now).
void Store::removeAbandonedBackups() {
    std::error_code ec;
    fs::path folder = path_.has_parent_path() ? path_.parent_path() : fs::path(".");
    const std::string prefix = "." + path_.filename().string() + ".before-";
    auto now = fs::file_time_type::clock::now();
    for (const auto& entry : fs::directory_iterator(folder, ec)) {
        std::string name = entry.path().filename().string();
        if (name.rfind(prefix, 0) != 0 || name.find(".bak.part-") == std::string::npos) continue;
        std::error_code timeError;
        auto written = fs::last_write_time(entry.path(), timeError);
        if (timeError || now - written < std::chrono::hours(1)) continue;
        fs::remove(entry.path(), ec);
    }
}

void Store::openKey(bool creating) {
    std::optional<std::string> recorded = creating ? std::nullopt : setting(*db_, "integrity.key_id");
    if (recorded) {
        auto local = integrity::readAuditKey();
        if (!local)
            throw StoreError(path_.string() + " is sealed with the audit key " + *recorded +
                             ", which is not on this computer (" + integrity::auditKeyPath().string() +
                             "): import it with `nourish-cli store key import FILE`, then open the store again; "
                             "nothing was changed");
        if (integrity::keyId(*local) != *recorded)
            throw StoreError(path_.string() + " is sealed with the audit key " + *recorded + ", not with the key on this "
                             "computer (" + integrity::keyId(*local) + ", " + integrity::auditKeyPath().string() +
                             "); nothing was changed");
        key_ = local;
    } else {
        key_ = integrity::auditKey();
    }
    integrity::registerFunctions(*db_, key_, "");
}

void Store::writeAnchor() {
    if (!auditWritten_ || storeId_.empty()) return;
    auditWritten_ = false;
    static bool warned = false;
    try {
        auto head = setting(*db_, "audit.head");
        if (!head) return;
        auto colon = head->find(':');
        integrity::Anchor anchor{storeId_, std::stoll(head->substr(0, colon)), head->substr(colon + 1), nowUtc(),
                                 path_.string()};
        fs::path file = integrity::anchorPath(storeId_);
        auto current = integrity::readAnchor(file);
        // A copy of the store elsewhere (a backup opened, a file copied) never
        // moves the anchor of the store it was copied from.
        if (current && !samePath(current->path, path_)) return;
        if (current && current->events > 0) {
            // Only a log that goes on from the anchored one moves it: an older
            // copy put back keeps being reported.
            Statement at(*db_, "SELECT hash FROM audit_events WHERE id = ?1");
            at.bind(1, current->events);
            if (!at.step() || at.text(0) != current->head) return;
        }
        integrity::advanceAnchor(file, anchor);
    } catch (const std::exception& e) {
        if (!warned) std::cerr << "warning: the audit anchor could not be written: " << e.what() << "\n";
        warned = true;
    }
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
        openKey(true);
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

Store::RemovedPluginData Store::removePluginData(const std::string& pluginId, const std::string& tablePrefix,
                                                const Actor& actor) {
    if (pluginId.empty() || pluginId == kCoreOwner) throw StoreError("no plugin id to remove the data of");
    RemovedPluginData removed;
    struct Object {
        std::string type, name;
    };
    std::vector<Object> objects;
    bool sealed = db_->tableExists("schema_objects");
    if (sealed || !tablePrefix.empty()) {
        // Made by its migrations, where the store knows who made what, and
        // under its prefix (when it is known).
        Statement list(*db_, sealed ? "SELECT s.type, s.name FROM sqlite_schema s JOIN schema_objects o ON o.name = s.name "
                                      "WHERE substr(s.name, 1, ?2) = ?1 AND o.owner = ?3 ORDER BY s.name"
                                    : "SELECT type, name FROM sqlite_schema WHERE substr(name, 1, ?2) = ?1 ORDER BY name");
        list.bind(1, tablePrefix).bind(2, int64_t(tablePrefix.size()));
        if (sealed) list.bind(3, pluginId);
        while (list.step()) objects.push_back({list.text(0), list.text(1)});
    }
    for (const Object& o : objects)
        if (o.type == "table") removed.tables.push_back(o.name);
    {
        Statement keys(*db_, "SELECT key FROM plugin_settings WHERE plugin_id = ?1 ORDER BY key");
        keys.bind(1, pluginId);
        while (keys.step()) removed.settings.push_back(keys.text(0));
    }
    bool hasHistory = false;
    {
        Statement history(*db_, "SELECT 1 FROM plugin_schema_versions WHERE plugin_id = ?1 LIMIT 1");
        history.bind(1, pluginId);
        hasHistory = history.step();
    }
    if (objects.empty() && removed.settings.empty() && !hasHistory) return removed;
    // A copy first: what is dropped here is gone from the store for good.
    std::string when = nowUtc();
    std::replace(when.begin(), when.end(), ':', '-');
    fs::path backup;
    for (int n = 1; backup.empty() || fs::exists(backup); ++n) {
        backup = path_;
        backup += ".before-remove-" + pluginId + "-" + when + (n > 1 ? "-" + std::to_string(n) : "") + ".bak";
    }
    backupDatabase(*db_, backup);
    removed.backup = backup;

    Transaction tx(*db_);
    auto quoted = [](const std::string& name) {
        std::string out = "\"";
        for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
        return out + "\"";
    };
    for (const char* type : {"trigger", "view", "index", "table"})
        for (const Object& o : objects) {
            if (o.type != type) continue;
            db_->exec("DROP " + std::string(type) + " IF EXISTS " + quoted(o.name));
            if (o.type == "table" && db_->tableExists("table_seals")) {
                db_->cached("DELETE FROM row_macs WHERE tbl = ?1").bind(1, o.name).run();
                db_->cached("DELETE FROM table_seals WHERE tbl = ?1").bind(1, o.name).run();
            }
        }
    db_->cached("DELETE FROM plugin_settings WHERE plugin_id = ?1").bind(1, pluginId).run();
    db_->cached("DELETE FROM plugin_schema_versions WHERE plugin_id = ?1").bind(1, pluginId).run();
    if (sealed) integrity::snapshotSchema(*db_, pluginId);
    AuditLog(*this).record(actor, "plugin.data_removed", std::nullopt,
                           nlohmann::json{{"plugin", pluginId},
                                          {"tables", removed.tables},
                                          {"settings", removed.settings},
                                          {"backup", backup.string()}}
                               .dump());
    tx.commit();
    return removed;
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
    auto pending = pendingIn(*db_, owner, migrations);
    if (pending.empty()) return;
    // Verify, migrate, reseal: what the migrations change is sealed again, and
    // what did not match its seal before is kept in the audit log for good.
    bool sealed = db_->tableExists("table_seals") && setting(*db_, "integrity.key_id");
    std::vector<std::string> before;
    if (sealed)
        for (const std::string& table : integrity::sealableTables(*db_))
            for (const integrity::Problem& p : integrity::verifyTable(*db_, table, 20))
                before.push_back(table + (p.row.empty() ? "" : " row " + p.row) + ": " + p.text);
    Transaction outer(*db_);
    if (sealed)
        for (const std::string& table : integrity::sealableTables(*db_)) integrity::unsealTable(*db_, table);
    std::vector<int> versions;
    for (const Migration& m : pending) {
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
        versions.push_back(m.version);
    }
    if (db_->tableExists("table_seals")) {
        integrity::resealAll(*db_, owner);
        Actor actor{Actor::currentUser("nourish").who, "migration"};
        if (!sealed) {
            // A new store, or one made before the audit key: sealed from here on.
            putSetting(*db_, "integrity.key_id", integrity::keyId(*key_));
            if (!setting(*db_, "store.id")) putSetting(*db_, "store.id", randomId());
            integrity::snapshotSchema(*db_, "core");
            {
                // Objects made before sealing: the core's by name, the rest a plugin's.
                Statement objects(*db_, "SELECT name FROM schema_objects");
                std::vector<std::string> names;
                while (objects.step()) names.push_back(objects.text(0));
                for (const std::string& name : names)
                    Statement(*db_, "UPDATE schema_objects SET owner = ?2 WHERE name = ?1 AND owner <> ?2")
                        .bind(1, name)
                        .bind(2, ownerByName(name))
                        .run();
            }
            AuditLog(*this).seal(actor);
        } else {
            integrity::snapshotSchema(*db_, owner);
            nlohmann::json detail = {{"owner", owner}, {"versions", versions}};
            if (!before.empty()) detail["problems_before"] = before;
            AuditLog(*this).record(actor, "store.resealed", std::nullopt, detail.dump());
        }
    }
    outer.commit();
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
    // The backup's head beside it: what a restore is checked against.
    std::string companion;
    {
        Database copy(partial, Database::Mode::ReadOnly);
        auto head = setting(copy, "audit.head").value_or("0:");
        auto colon = head.find(':');
        companion = nlohmann::json{{"store_id", storeId_}, {"events", std::stoll(head.substr(0, colon))},
                                   {"head", head.substr(colon + 1)}, {"at", nowUtc()},
                                   {"path", destination.string()}}
                        .dump() +
                    "\n";
    }
    publishOutputFile(partial, destination, replace);
    fs::path anchorFile = destination;
    anchorFile += ".anchor";
    writeOutputFile(anchorFile, companion, path_, true);
    Transaction tx(*db_);
    AuditLog(*this).record(actor, "store.backup", std::nullopt,
                           nlohmann::json{{"file", destination.filename().string()}}.dump());
    tx.commit();
}

Store::CheckReport Store::check(bool quick) {
    CheckReport report;
    auto problem = [&](std::string text) { report.problems.push_back(std::move(text)); };
    size_t before = 0;
    auto held = [&](std::string text) {
        if (report.problems.size() == before) report.verified.push_back(std::move(text));
        before = report.problems.size();
    };
    {
        Statement s(*db_, quick ? "PRAGMA quick_check" : "PRAGMA integrity_check");
        while (s.step())
            if (s.text(0) != "ok") problem("integrity: " + s.text(0));
        held(quick ? "SQLite quick check: the file's structure is sound"
                   : "SQLite integrity check: every page, index and constraint is sound");
    }
    if (!quick) {
        Statement s(*db_, "PRAGMA foreign_key_check");
        while (s.step())
            problem("foreign key: row " + s.text(1) + " of " + s.text(0) + " points to a missing row of " + s.text(2));
        held("foreign keys: every reference points to a row");
        std::vector<std::string> fts;
        Statement v(*db_, "SELECT name FROM sqlite_schema WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%fts5%'");
        while (v.step()) fts.push_back(v.text(0));
        for (const std::string& t : fts) {
            try {
                db_->exec("INSERT INTO \"" + t + "\"(\"" + t + "\") VALUES ('integrity-check')");
            } catch (const StoreError& e) {
                problem("full-text index " + t + ": " + e.what());
            }
            // FTS5 reads its index as bytes whatever their stored type: the types are checked here.
            for (const char* typed : {"SELECT count(*) FROM \"%_data\" WHERE typeof(id) <> 'integer' OR typeof(block) <> 'blob'",
                                      "SELECT count(*) FROM \"%_idx\" WHERE typeof(segid) <> 'integer' OR typeof(term) <> 'blob' "
                                      "OR typeof(pgno) <> 'integer'",
                                      "SELECT count(*) FROM \"%_docsize\" WHERE typeof(id) <> 'integer' OR typeof(sz) <> 'blob'"}) {
                std::string query = typed;
                query.replace(query.find('%'), 1, t);
                std::string shadow = query.substr(query.find('"') + 1);
                shadow = shadow.substr(0, shadow.find('"'));
                if (!db_->tableExists(shadow)) continue;
                Statement count(*db_, query);
                if (count.step() && count.int64(0) > 0)
                    problem("full-text index " + t + ": " + std::to_string(count.int64(0)) + " row(s) of " + shadow +
                            " hold a value of the wrong type (damaged)");
            }
        }
        held("full-text indexes (" + std::to_string(fts.size()) + "): each matches its content");
    }

    // The audit log: its keyed chain, its head, its anchor outside the file.
    bool sealed = setting(*db_, "integrity.key_id").has_value();
    std::optional<integrity::Anchor> anchor;
    std::string anchorOf;  // what the anchor is: this store's own, or the one written beside a backup
    if (sealed) {
        if (storeId_.empty()) problem("the store's id (settings store.id) is missing: it was removed outside Nourish");
        else {
            anchor = integrity::readAnchor(integrity::anchorPath(storeId_));
            anchorOf = "its anchor outside the store";
            if (anchor && !samePath(anchor->path, path_)) {
                // A copy: held to the anchor written beside it when it was made, if any.
                report.verified.push_back("copy: this is a copy of the store at " + anchor->path + ", whose log had " +
                                          std::to_string(anchor->events) + " events on " + anchor->at);
                fs::path beside = path_;
                beside += ".anchor";
                anchor = integrity::readAnchor(beside);
                anchorOf = "the anchor written beside this backup";
                if (anchor && anchor->storeId != storeId_) anchor.reset();
            }
        }
    }
    AuditLog audit(*this);
    auto chain = audit.verify(quick ? std::optional<int64_t>(100) : std::nullopt, anchor ? anchor->events : 0);
    report.auditEvents = chain.events;
    for (auto& p : chain.problems) problem("audit: " + p);
    if (sealed && !chain.sealedFrom) problem("audit: the log is not sealed (settings audit.sealed_from is missing)");
    held(quick ? "audit log: the last 100 of " + std::to_string(chain.events) + " events and its head are intact"
               : "audit log: " + std::to_string(chain.events) + " events, each link intact (keyed from event " +
                     std::to_string(chain.sealedFrom) + "), and its head");
    if (anchor) {
        if (anchor->events > chain.events)
            problem("audit: the log holds " + std::to_string(chain.events) + " events, but " + anchorOf +
                    " recorded " + std::to_string(anchor->events) + " on " + anchor->at +
                    ": events were removed from the end, or an older copy of the store was put in its place");
        else {
            Statement at(*db_, "SELECT hash FROM audit_events WHERE id = ?1");
            at.bind(1, anchor->events);
            if (anchor->events > 0 && (!at.step() || at.text(0) != anchor->head))
                problem("audit: event " + std::to_string(anchor->events) + " differs from the anchor of " + anchor->at +
                        ": the log was replaced or re-chained");
        }
        held("anchor: the log goes on from the " + std::to_string(anchor->events) + " events anchored on " + anchor->at);
    } else if (sealed && !storeId_.empty()) {
        report.verified.push_back("anchor: none on this computer for this store yet (it is written with the next change)");
    }
    if (!sealed) {
        problem("seals: this store is not sealed (it was made before the audit key)");
        return report;
    }

    // The schema as the migrations left it.
    for (const std::string& c : integrity::schemaChanges(*db_)) problem("schema: " + c);
    held("schema: every table, index, trigger and view as the migrations left it");

    // Every sealed row (or, quickly, every table's seal).
    if (quick) {
        for (const integrity::Problem& p : integrity::verifySeals(*db_)) problem("seal: " + p.table + " " + p.text);
        held("table seals: each table's row count and seal are intact");
    } else {
        int64_t rows = 0;
        std::vector<std::string> tables = integrity::sealableTables(*db_);
        {
            Statement sealedTables(*db_, "SELECT tbl FROM table_seals");
            while (sealedTables.step())
                if (std::find(tables.begin(), tables.end(), sealedTables.text(0)) == tables.end())
                    problem("seal: " + sealedTables.text(0) + " is sealed but no longer exists: it was dropped outside a migration");
        }
        for (const std::string& table : tables) {
            for (const integrity::Problem& p : integrity::verifyTable(*db_, table))
                problem("seal: " + table + (p.row.empty() ? "" : " row " + p.row) +
                        (p.client ? " (client " + std::to_string(*p.client) + ")" : "") + " " + p.text);
            Statement count(*db_, "SELECT rows FROM table_seals WHERE tbl = ?1");
            count.bind(1, table);
            if (count.step()) rows += count.int64(0);
        }
        held("rows: " + std::to_string(rows) + " rows in " + std::to_string(tables.size()) +
             " tables, each matching its seal, none missing, none added");

        // Every client has an audit trail; every client the log speaks of is here.
        {
            Statement s(*db_, "SELECT c.id FROM clients c WHERE NOT EXISTS (SELECT 1 FROM audit_events a WHERE a.client_id = c.id) "
                              "AND NOT EXISTS (SELECT 1 FROM audit_events i WHERE i.action = 'client.import' AND c.id BETWEEN "
                              "json_extract(i.detail, '$.first_id') AND json_extract(i.detail, '$.last_id'))");
            while (s.step()) problem("audit trail: client " + s.text(0) + " has no audit event: it was added outside Nourish");
            Statement gone(*db_, "SELECT a.client_id, count(*) FROM audit_events a WHERE a.client_id IS NOT NULL AND NOT EXISTS "
                                 "(SELECT 1 FROM clients c WHERE c.id = a.client_id) AND NOT EXISTS (SELECT 1 FROM audit_events e "
                                 "WHERE e.client_id = a.client_id AND e.action = 'client.erase') GROUP BY a.client_id");
            while (gone.step())
                problem("audit trail: client " + gone.text(0) + " appears in " + gone.text(1) +
                        " audit events but is missing from the store, with no erasure recorded");
            held("audit trail: every client has one, and every client it names is in the store");
        }
        // What an earlier migration found, and the chain before the store was sealed.
        {
            Statement s(*db_, "SELECT id, at, action, detail FROM audit_events WHERE action IN ('store.resealed', 'audit.sealed')");
            while (s.step()) {
                nlohmann::json d = nlohmann::json::parse(s.text(3), nullptr, false);
                if (!d.is_object()) continue;
                for (const auto& p : d.value("problems_before", nlohmann::json::array()))
                    problem("earlier: at the migration of " + s.text(1) + " (event " + s.text(0) + "): " + p.get<std::string>());
                if (d.value("earlier_chain", "") == "broken")
                    for (const auto& p : d.value("earlier_problems", nlohmann::json::array()))
                        problem("earlier: the audit log before it was sealed on " + s.text(1) + ": " + p.get<std::string>());
            }
            held("migrations: none found anything that did not match its seal");
        }
    }
    return report;
}

bool Store::rowIntact(const std::string& table, const std::string& rowKey, std::string* why) {
    std::string problem = integrity::verifyRow(*db_, table, rowKey);
    if (why) *why = problem;
    return problem.empty();
}

}  // namespace nourish
