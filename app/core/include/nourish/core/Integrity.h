// Tamper evidence for the store: a key kept outside it, a keyed MAC on every
// row (kept by triggers the host writes, so any writer seals what it writes),
// a per-table seal (row count and the XOR of its rows' MACs, itself MAC'd) so
// that a row removed with its MAC still shows, a fingerprint of the schema,
// and an anchor of the audit log's head outside the file.
//
// Without the key nobody can make a change that verifies: an edited copy of
// the store or of a backup, bit rot, or an older file put back in place of a
// newer one (the anchor) is reported by `store check`. Someone with the
// practitioner's account, and so the key, is not stopped.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nourish {

class Database;

namespace integrity {

// $XDG_CONFIG_HOME/nourish (or ~/.config/nourish), mode 0700.
std::filesystem::path configDirectory();
// The audit key: 32 random bytes, mode 0600, beside the key that seals secrets.
std::filesystem::path auditKeyPath();
// The key, if there is one.
std::optional<std::string> readAuditKey();
// The key, made (with O_EXCL, so two processes agree) when there is none.
std::string auditKey();
// A short public name of a key, kept in the store so that a store opened
// with another key says so instead of failing every check.
std::string keyId(const std::string& key);
// Writes the key to `destination` (mode 0600, never over a file) and reads
// one back in; importing refuses a file that is not a key.
void exportKey(const std::filesystem::path& destination);
void importKey(const std::filesystem::path& source);

// Lower-case hex HMAC-SHA256 (OpenSSL).
std::string hmacHex(const std::string& key, std::string_view data);

// `bytes` random bytes from OpenSSL, as lower-case hex.
std::string randomHex(size_t bytes);

// Registers nourish_mac(table, key, values...) and nourish_xor(a, b) on the
// connection. Without a key (nullopt) both fail with `refusal`, so nothing is
// written unsealed.
void registerFunctions(Database& db, std::optional<std::string> key, std::string refusal);

// The tables whose rows are sealed: every ordinary table of the store except
// the audit log (a chain of its own), SQLite's own tables, the seals
// themselves, and the shadow tables of full-text indexes (checked by the
// full-text integrity check instead).
std::vector<std::string> sealableTables(Database& db);

// Creates the triggers that seal every write of the table and MACs the rows
// it holds now (nothing is verified: call after verifyTable).
void sealTable(Database& db, const std::string& table, const std::string& owner);
// Drops the table's triggers (the MACs and the table's seal stay).
void unsealTable(Database& db, const std::string& table);

struct Problem {
    std::string table;
    std::string row;               // the row's key ("" for the table as a whole)
    std::optional<int64_t> client; // the client the row is about, when it says
    std::string text;              // one line: what was found
};
// Every row's MAC recomputed against its seal, the rows against the table's
// count and XOR, and the table's seal itself. `limit` caps the problems.
std::vector<Problem> verifyTable(Database& db, const std::string& table, size_t limit = 50);
// The seals of every table (count, XOR and its own MAC), without the rows.
std::vector<Problem> verifySeals(Database& db);
// One row against its seal ("" when it matches; else what is wrong).
std::string verifyRow(Database& db, const std::string& table, const std::string& rowKey);
// Tables that should be sealed and are not.
std::vector<std::string> unsealedTables(Database& db);
// Seals every sealable table afresh (new MACs for every row, each table
// keeping its owner; new tables get `owner`) and drops the seals of tables
// that are gone. Verify first: what is sealed here is taken as it is.
void resealAll(Database& db, const std::string& owner);

// The schema as the migrations left it (every table, index, trigger and
// view with its SQL and owner), recorded after each migration.
void snapshotSchema(Database& db, const std::string& ownerOfNewObjects);
// What differs now: a dropped, added or changed object, with its owner.
std::vector<std::string> schemaChanges(Database& db);

// The audit log's head kept outside the store: one file per store id under
// configDirectory()/anchors, only ever moved forward.
struct Anchor {
    std::string storeId;
    int64_t events = 0;
    std::string head;
    std::string at;
    std::string path;
};
std::filesystem::path anchorPath(const std::string& storeId);
std::optional<Anchor> readAnchor(const std::filesystem::path& file);
// Writes `anchor` unless the file already records as many events or more.
void advanceAnchor(const std::filesystem::path& file, const Anchor& anchor);

}  // namespace integrity
}  // namespace nourish
