#include "nourish/core/Integrity.h"

#include <fcntl.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "nourish/core/Database.h"
#include "nourish/core/Dates.h"
#include "nourish/core/Errors.h"
#include "nourish/core/OutputFile.h"
#include "nourish/core/Secrets.h"

namespace nourish::integrity {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr size_t kKeySize = 32;

std::string hex(const unsigned char* bytes, size_t n) {
    static const char* digits = "0123456789abcdef";
    std::string out(n * 2, '0');
    for (size_t i = 0; i < n; ++i) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 15];
    }
    return out;
}

// One HMAC-SHA256 context keyed once; each MAC works on a copy of it.
class Mac {
public:
    explicit Mac(const std::string& key) {
        mac_ = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
        base_ = mac_ ? EVP_MAC_CTX_new(mac_) : nullptr;
        char digest[] = "SHA256";
        OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                               OSSL_PARAM_construct_end()};
        if (!base_ ||
            EVP_MAC_init(base_, reinterpret_cast<const unsigned char*>(key.data()), key.size(), params) != 1)
            throw StoreError("could not set up HMAC-SHA256");
    }
    ~Mac() {
        EVP_MAC_CTX_free(base_);
        EVP_MAC_free(mac_);
    }
    Mac(const Mac&) = delete;
    Mac& operator=(const Mac&) = delete;
    std::string operator()(std::string_view data) const {
        EVP_MAC_CTX* ctx = EVP_MAC_CTX_dup(base_);
        unsigned char out[32];
        size_t n = 0;
        bool ok = ctx && EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1 &&
                  EVP_MAC_final(ctx, out, &n, sizeof out) == 1;
        EVP_MAC_CTX_free(ctx);
        if (!ok || n != sizeof out) throw StoreError("HMAC-SHA256 failed");
        return hex(out, n);
    }

private:
    EVP_MAC* mac_ = nullptr;
    EVP_MAC_CTX* base_ = nullptr;
};

std::optional<std::string> readKeyFile(const fs::path& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    struct stat st {};
    if (::fstat(fd, &st) == 0 && ((st.st_mode & 077) != 0 || st.st_uid != ::getuid())) {
        ::close(fd);
        throw StoreError("the audit key " + path.string() + " is " +
                         (st.st_uid != ::getuid() ? "not owned by you" : "readable by others") +
                         "; it must be yours alone: chmod 600 " + path.string());
    }
    std::string key(kKeySize + 1, '\0');
    ssize_t n = ::read(fd, key.data(), key.size());
    ::close(fd);
    if (n != ssize_t(kKeySize))
        throw StoreError("the audit key " + path.string() + " is damaged (it is not 32 bytes); restore it from where "
                         "you keep it (nourish-cli store key import FILE)");
    key.resize(kKeySize);
    return key;
}

// Writes bytes to a new private file; false when the file already exists.
bool writeNewPrivateFile(const fs::path& path, const std::string& bytes) {
    int out = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (out < 0) {
        if (errno == EEXIST) return false;
        throw StoreError("cannot write " + path.string() + ": " + std::strerror(errno));
    }
    bool ok = ::write(out, bytes.data(), bytes.size()) == ssize_t(bytes.size()) && ::fsync(out) == 0;
    ::close(out);
    if (!ok) {
        std::error_code ec;
        fs::remove(path, ec);
        throw StoreError("cannot write " + path.string());
    }
    return true;
}

// Identifier and literal quoting for the SQL the host writes itself.
std::string ident(const std::string& name) {
    std::string out = "\"";
    for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}
std::string literal(const std::string& text) {
    std::string out = "'";
    for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
}

struct State {
    std::optional<Mac> mac;
    std::string refusal;
};

void appendValue(std::string& out, sqlite3_value* v) {
    out += '\x1e';
    switch (sqlite3_value_type(v)) {
        case SQLITE_NULL: out += 'n'; break;
        case SQLITE_INTEGER: out += 'i' + std::to_string(sqlite3_value_int64(v)); break;
        case SQLITE_FLOAT: {
            char buffer[40];
            std::snprintf(buffer, sizeof buffer, "%.17g", sqlite3_value_double(v));
            out += 'r';
            out += buffer;
            break;
        }
        case SQLITE_TEXT: {
            const char* text = reinterpret_cast<const char*>(sqlite3_value_text(v));
            int n = sqlite3_value_bytes(v);
            out += 't' + std::to_string(n) + ':';
            out.append(text ? text : "", size_t(n));
            break;
        }
        default: {
            const void* blob = sqlite3_value_blob(v);
            int n = sqlite3_value_bytes(v);
            out += 'b' + std::to_string(n) + ':';
            if (n) out.append(static_cast<const char*>(blob), size_t(n));
        }
    }
}

void macFunction(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
    auto* state = static_cast<State*>(sqlite3_user_data(ctx));
    if (!state->mac) {
        sqlite3_result_error(ctx, state->refusal.c_str(), -1);
        return;
    }
    std::string text = "nourish-row-v1";
    for (int i = 0; i < argc; ++i) appendValue(text, argv[i]);
    try {
        std::string mac = (*state->mac)(text);
        sqlite3_result_text(ctx, mac.c_str(), int(mac.size()), SQLITE_TRANSIENT);
    } catch (const std::exception& e) {
        sqlite3_result_error(ctx, e.what(), -1);
    }
}

std::string xorHex(const std::string& a, const std::string& b) {
    if (a.empty()) return b;
    if (b.empty()) return a;
    std::string out(std::max(a.size(), b.size()), '0');
    auto nibble = [](char c) { return c >= 'a' ? c - 'a' + 10 : c - '0'; };
    static const char* digits = "0123456789abcdef";
    for (size_t i = 0; i < out.size(); ++i) {
        int x = (i < a.size() ? nibble(a[i]) : 0) ^ (i < b.size() ? nibble(b[i]) : 0);
        out[i] = digits[x & 15];
    }
    // Every MAC taken out again: the checksum of no rows, as it started.
    if (out.find_first_not_of('0') == std::string::npos) return "";
    return out;
}

void xorFunction(sqlite3_context* ctx, int, sqlite3_value** argv) {
    auto* state = static_cast<State*>(sqlite3_user_data(ctx));
    if (!state->mac) {
        sqlite3_result_error(ctx, state->refusal.c_str(), -1);
        return;
    }
    auto text = [](sqlite3_value* v) {
        const unsigned char* t = sqlite3_value_text(v);
        return t ? std::string(reinterpret_cast<const char*>(t)) : std::string();
    };
    std::string out = xorHex(text(argv[0]), text(argv[1]));
    sqlite3_result_text(ctx, out.c_str(), int(out.size()), SQLITE_TRANSIENT);
}

// The columns the seal covers, and how a row is named.
struct Shape {
    std::vector<std::string> columns;
    std::vector<std::string> key;  // primary key columns of a WITHOUT ROWID table; empty: rowid
    bool hasClient = false;
};

Shape shapeOf(Database& db, const std::string& table) {
    Shape s;
    std::vector<std::pair<int, std::string>> pk;
    Statement info(db, "SELECT name, pk FROM pragma_table_info(?1) ORDER BY cid");
    info.bind(1, table);
    while (info.step()) {
        s.columns.push_back(info.text(0));
        if (info.int64(1) > 0) pk.push_back({int(info.int64(1)), info.text(0)});
        if (info.text(0) == "client_id") s.hasClient = true;
    }
    Statement list(db, "SELECT wr FROM pragma_table_list WHERE schema = 'main' AND name = ?1");
    list.bind(1, table);
    if (list.step() && list.int64(0) == 1) {
        std::sort(pk.begin(), pk.end());
        for (auto& [_, name] : pk) s.key.push_back(name);
    }
    return s;
}

std::string keyExpression(const Shape& s, const std::string& row) {
    // As text, the type of row_macs.row_id: compared as a number, every
    // lookup of row_macs would convert and scan the whole table.
    if (s.key.empty()) return "CAST(" + row + ".rowid AS TEXT)";
    std::string out;
    for (const std::string& k : s.key) out += (out.empty() ? "" : " || ',' || ") + std::string("quote(") + row + "." + ident(k) + ")";
    return out;
}

std::string macExpression(const std::string& table, const std::vector<std::string>& columns, const std::string& key,
                          const std::string& row) {
    std::string out = "nourish_mac(" + literal(table) + ", " + key;
    for (const std::string& c : columns) out += ", " + row + "." + ident(c);
    return out + ")";
}

std::string triggerName(const std::string& kind, const std::string& table) { return "nourish_seal_" + kind + "_" + table; }

std::string removeRow(const std::string& t, const std::string& key) {
    return "UPDATE table_seals SET rows = rows - 1, xor = nourish_xor(xor, (SELECT mac FROM row_macs WHERE tbl = " + t +
           " AND row_id = " + key + ")) WHERE tbl = " + t + " AND EXISTS (SELECT 1 FROM row_macs WHERE tbl = " + t +
           " AND row_id = " + key + "); DELETE FROM row_macs WHERE tbl = " + t + " AND row_id = " + key + "; ";
}
std::string addRow(const std::string& t, const std::string& key, const std::string& mac) {
    return "INSERT INTO row_macs (tbl, row_id, mac) VALUES (" + t + ", " + key + ", " + mac +
           "); UPDATE table_seals SET rows = rows + 1, xor = nourish_xor(xor, (SELECT mac FROM row_macs WHERE tbl = " +
           t + " AND row_id = " + key + ")) WHERE tbl = " + t + "; ";
}
std::string resealTable(const std::string& t) {
    return "UPDATE table_seals SET mac = nourish_mac('table_seals', tbl, owner, columns, rows, xor) WHERE tbl = " + t + "; ";
}

std::vector<std::string> recordedColumns(const std::string& columnsJson) {
    std::vector<std::string> out;
    for (const json& c : json::parse(columnsJson)) out.push_back(c.get<std::string>());
    return out;
}

}  // namespace

fs::path configDirectory() { return secretKeyPath().parent_path(); }

fs::path auditKeyPath() { return configDirectory() / "audit.key"; }

std::optional<std::string> readAuditKey() { return readKeyFile(auditKeyPath()); }

std::string auditKey() {
    if (auto key = readAuditKey()) return *key;
    fs::path path = auditKeyPath();
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    ::chmod(path.parent_path().c_str(), 0700);
    std::string key(kKeySize, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), int(kKeySize)) != 1)
        throw StoreError("could not make an audit key");
    if (writeNewPrivateFile(path, key)) return key;
    return *readAuditKey();  // another process made it first
}

std::string randomHex(size_t bytes) {
    std::string raw(bytes, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), int(bytes)) != 1)
        throw StoreError("could not read random bytes");
    return hex(reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
}

std::string keyId(const std::string& key) { return hmacHex(key, "nourish audit key id").substr(0, 16); }

void exportKey(const fs::path& destination) {
    auto key = readAuditKey();
    if (!key) throw StoreError("there is no audit key at " + auditKeyPath().string() + " to export");
    writeOutputFile(destination, *key, {}, false);
}

void importKey(const fs::path& source) {
    auto key = readKeyFile(source);
    if (!key) throw ValidationError("key", "cannot read " + source.string());
    if (auto current = readAuditKey()) {
        if (*current == *key) return;
        throw ValidationError("key", "a different audit key is already at " + auditKeyPath().string() + " (key " +
                                         keyId(*current) + "; the file is key " + keyId(*key) +
                                         "); move it away first if the stores it seals are gone");
    }
    fs::path path = auditKeyPath();
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    ::chmod(path.parent_path().c_str(), 0700);
    if (!writeNewPrivateFile(path, *key)) throw StoreError(path.string() + " appeared while importing; nothing was changed");
}

std::string hmacHex(const std::string& key, std::string_view data) { return Mac(key)(data); }

void registerFunctions(Database& db, std::optional<std::string> key, std::string refusal) {
    for (const char* name : {"nourish_mac", "nourish_xor"}) {
        auto* state = new State{};
        if (key) state->mac.emplace(*key);
        state->refusal = refusal;
        bool mac = std::strcmp(name, "nourish_mac") == 0;
        int rc = sqlite3_create_function_v2(
            db.handle(), name, mac ? -1 : 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, state,
            mac ? macFunction : xorFunction, nullptr, nullptr, [](void* p) { delete static_cast<State*>(p); });
        if (rc != SQLITE_OK) throw StoreError(std::string("cannot register ") + name + ": " + db.lastError());
    }
}

std::vector<std::string> sealableTables(Database& db) {
    std::set<std::string> virtualTables;
    std::vector<std::pair<std::string, std::string>> tables;
    Statement s(db, "SELECT name, coalesce(sql, '') FROM sqlite_schema WHERE type = 'table' ORDER BY name");
    while (s.step()) tables.push_back({s.text(0), s.text(1)});
    for (auto& [name, sql] : tables)
        if (sql.rfind("CREATE VIRTUAL TABLE", 0) == 0) virtualTables.insert(name);
    std::vector<std::string> out;
    for (auto& [name, sql] : tables) {
        if (name.rfind("sqlite_", 0) == 0 || virtualTables.count(name)) continue;
        if (name == "audit_events" || name == "row_macs" || name == "table_seals") continue;
        // A full-text table's index (its _data, _idx, _docsize and _config) is
        // written inside its own savepoints, where a trigger would re-enter it:
        // the full-text integrity check covers the index against its content.
        // The content itself (_content: the text that search shows) is sealed
        // like any other table, so that a change that tokenizes alike (a
        // letter's case) is still seen.
        bool shadow = false;
        for (const std::string& v : virtualTables)
            if (name.size() > v.size() + 1 && name.compare(0, v.size() + 1, v + "_") == 0 && name != v + "_content")
                shadow = true;
        if (shadow) continue;
        out.push_back(name);
    }
    return out;
}

void unsealTable(Database& db, const std::string& table) {
    for (const char* kind : {"insert", "update", "delete"})
        db.exec("DROP TRIGGER IF EXISTS " + ident(triggerName(kind, table)));
}

void sealTable(Database& db, const std::string& table, const std::string& owner) {
    unsealTable(db, table);
    Shape shape = shapeOf(db, table);
    const std::string t = literal(table);
    db.cached("DELETE FROM row_macs WHERE tbl = ?1").bind(1, table).run();
    db.exec("INSERT INTO row_macs (tbl, row_id, mac) SELECT " + t + ", " + keyExpression(shape, "r") + ", " +
            macExpression(table, shape.columns, keyExpression(shape, "r"), "r") + " FROM " + ident(table) + " r");
    int64_t rows = 0;
    std::string all;
    {
        Statement macs(db, "SELECT mac FROM row_macs WHERE tbl = ?1");
        macs.bind(1, table);
        while (macs.step()) {
            ++rows;
            all = xorHex(all, macs.text(0));
        }
    }
    json columns = shape.columns;
    db.cached("INSERT OR REPLACE INTO table_seals (tbl, owner, columns, rows, xor, mac) VALUES (?1, ?2, ?3, ?4, ?5, '')")
        .bind(1, table)
        .bind(2, owner)
        .bind(3, columns.dump())
        .bind(4, rows)
        .bind(5, all)
        .run();
    db.exec(resealTable(t));
    const std::string kn = keyExpression(shape, "NEW"), ko = keyExpression(shape, "OLD");
    const std::string macNew = macExpression(table, shape.columns, kn, "NEW");
    db.exec("CREATE TRIGGER " + ident(triggerName("insert", table)) + " AFTER INSERT ON " + ident(table) + " BEGIN " +
            removeRow(t, kn) + addRow(t, kn, macNew) + resealTable(t) + "END");
    db.exec("CREATE TRIGGER " + ident(triggerName("update", table)) + " AFTER UPDATE ON " + ident(table) + " BEGIN " +
            removeRow(t, ko) + removeRow(t, kn) + addRow(t, kn, macNew) + resealTable(t) + "END");
    db.exec("CREATE TRIGGER " + ident(triggerName("delete", table)) + " AFTER DELETE ON " + ident(table) + " BEGIN " +
            removeRow(t, ko) + resealTable(t) + "END");
}

std::vector<Problem> verifyTable(Database& db, const std::string& table, size_t limit) {
    std::vector<Problem> problems;
    auto add = [&](std::string row, std::optional<int64_t> client, std::string text) {
        if (problems.size() < limit) problems.push_back({table, std::move(row), client, std::move(text)});
    };
    Statement seal(db, "SELECT columns, rows, xor, mac = nourish_mac('table_seals', tbl, owner, columns, rows, xor) "
                       "FROM table_seals WHERE tbl = ?1");
    seal.bind(1, table);
    if (!seal.step()) {
        add("", std::nullopt, "is not sealed: its rows could be changed without it showing");
        return problems;
    }
    if (seal.int64(3) != 1) add("", std::nullopt, "its seal (row count and checksum) was changed outside Nourish");
    std::vector<std::string> columns = recordedColumns(seal.text(0));
    int64_t sealedRows = seal.int64(1);
    std::string sealedXor = seal.text(2);
    if (sealedXor.find_first_not_of('0') == std::string::npos) sealedXor.clear();  // an emptied table, sealed before
    Shape shape = shapeOf(db, table);
    if (shape.columns != columns)
        add("", std::nullopt, "its columns changed outside a migration (" + json(columns).dump() + " sealed, " +
                                  json(shape.columns).dump() + " now)");

    std::map<std::string, std::string> stored;
    {
        Statement macs(db, "SELECT row_id, mac FROM row_macs WHERE tbl = ?1");
        macs.bind(1, table);
        while (macs.step()) stored[macs.text(0)] = macs.text(1);
    }
    int64_t count = 0;
    std::string all;
    for (auto& [_, mac] : stored) {
        ++count;
        all = xorHex(all, mac);
    }
    std::set<std::string> seen;
    try {
        std::string key = keyExpression(shape, "r");
        Statement rows(db, "SELECT " + key + ", " + macExpression(table, columns, key, "r") + ", " +
                               (shape.hasClient ? "r.client_id" : "NULL") + " FROM " + ident(table) + " r");
        while (rows.step()) {
            std::string id = rows.text(0);
            std::optional<int64_t> client;
            if (!rows.isNull(2)) client = rows.int64(2);
            if (table == "clients") client = rows.int64(0);
            seen.insert(id);
            auto it = stored.find(id);
            if (it == stored.end()) add(id, client, "has no seal: it was written outside Nourish");
            else if (it->second != rows.text(1)) add(id, client, "does not match its seal: it was changed outside Nourish");
        }
    } catch (const StoreError& e) {
        add("", std::nullopt, std::string("cannot be read as it was sealed: ") + e.what());
        return problems;
    }
    for (auto& [id, _] : stored)
        if (!seen.count(id)) add(id, std::nullopt, "is missing: it was deleted outside Nourish");
    if (count != sealedRows || all != sealedXor)
        add("", std::nullopt,
            "its rows' seals do not add up to the table's seal (" + std::to_string(count) + " sealed rows, the table's "
            "seal counts " + std::to_string(sealedRows) + "): rows and their seals were removed or replaced outside Nourish");
    return problems;
}

std::vector<Problem> verifySeals(Database& db) {
    std::vector<Problem> problems;
    Statement s(db, "SELECT tbl, rows, mac = nourish_mac('table_seals', tbl, owner, columns, rows, xor) FROM table_seals");
    std::vector<std::pair<std::string, int64_t>> seals;
    while (s.step()) {
        if (s.int64(2) != 1) problems.push_back({s.text(0), "", std::nullopt, "its seal was changed outside Nourish"});
        seals.push_back({s.text(0), s.int64(1)});
    }
    for (auto& [table, rows] : seals) {
        if (!db.tableExists(table)) {
            problems.push_back({table, "", std::nullopt, "is sealed but no longer exists: it was dropped outside a migration"});
            continue;
        }
        Statement count(db, "SELECT count(*) FROM " + ident(table));
        count.step();
        if (count.int64(0) != rows)
            problems.push_back({table, "", std::nullopt,
                                "holds " + std::to_string(count.int64(0)) + " rows; its seal counts " + std::to_string(rows)});
    }
    for (const std::string& t : unsealedTables(db))
        problems.push_back({t, "", std::nullopt, "is not sealed: its rows could be changed without it showing"});
    return problems;
}

std::vector<std::string> unsealedTables(Database& db) {
    std::set<std::string> sealed;
    Statement s(db, "SELECT tbl FROM table_seals");
    while (s.step()) sealed.insert(s.text(0));
    std::vector<std::string> out;
    for (const std::string& t : sealableTables(db))
        if (!sealed.count(t)) out.push_back(t);
    return out;
}

std::string verifyRow(Database& db, const std::string& table, const std::string& rowKey) {
    Statement seal(db, "SELECT columns FROM table_seals WHERE tbl = ?1");
    seal.bind(1, table);
    if (!seal.step()) return "the table " + table + " is not sealed";
    std::vector<std::string> columns = recordedColumns(seal.text(0));
    Shape shape = shapeOf(db, table);
    std::string key = keyExpression(shape, "r");
    Statement row(db, "SELECT " + macExpression(table, columns, key, "r") + ", (SELECT mac FROM row_macs WHERE tbl = ?1 "
                      "AND row_id = ?2) FROM " + ident(table) + " r WHERE " + (shape.key.empty() ? std::string("r.rowid") : key) +
                      " = ?2");
    row.bind(1, table).bind(2, rowKey);
    if (!row.step()) return "row " + rowKey + " of " + table + " is missing";
    if (row.isNull(1)) return "row " + rowKey + " of " + table + " has no seal: it was written outside Nourish";
    if (row.text(0) != row.text(1)) return "row " + rowKey + " of " + table + " does not match its seal: it was changed outside Nourish";
    return {};
}

void resealAll(Database& db, const std::string& owner) {
    std::map<std::string, std::string> owners;
    {
        Statement s(db, "SELECT tbl, owner FROM table_seals");
        while (s.step()) owners[s.text(0)] = s.text(1);
    }
    std::vector<std::string> tables = sealableTables(db);
    for (auto& [table, _] : owners)
        if (std::find(tables.begin(), tables.end(), table) == tables.end()) {
            db.cached("DELETE FROM row_macs WHERE tbl = ?1").bind(1, table).run();
            db.cached("DELETE FROM table_seals WHERE tbl = ?1").bind(1, table).run();
        }
    for (const std::string& table : tables) {
        auto it = owners.find(table);
        sealTable(db, table, it == owners.end() ? owner : it->second);
    }
}

void snapshotSchema(Database& db, const std::string& ownerOfNewObjects) {
    std::map<std::string, std::string> owners;
    {
        Statement s(db, "SELECT name, owner FROM schema_objects");
        while (s.step()) owners[s.text(0)] = s.text(1);
    }
    struct Object {
        std::string type, name, table, sql;
    };
    std::vector<Object> now;
    {
        Statement s(db, "SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY name");
        while (s.step()) now.push_back({s.text(0), s.text(1), s.text(2), s.text(3)});
    }
    db.exec("DELETE FROM schema_objects");
    Statement insert(db, "INSERT INTO schema_objects (name, type, tbl_name, sql, owner) VALUES (?1, ?2, ?3, ?4, ?5)");
    for (const Object& o : now) {
        auto it = owners.find(o.name);
        insert.bind(1, o.name).bind(2, o.type).bind(3, o.table).bind(4, o.sql).bind(5, it == owners.end() ? ownerOfNewObjects : it->second);
        insert.run();
        insert.reset();
    }
}

std::vector<std::string> schemaChanges(Database& db) {
    std::vector<std::string> out;
    struct Object {
        std::string type, sql, owner;
    };
    std::map<std::string, Object> recorded, now;
    {
        Statement s(db, "SELECT name, type, sql, owner FROM schema_objects");
        while (s.step()) recorded[s.text(0)] = {s.text(1), s.text(2), s.text(3)};
    }
    {
        Statement s(db, "SELECT name, type, sql FROM sqlite_schema WHERE sql IS NOT NULL");
        while (s.step()) now[s.text(0)] = {s.text(1), s.text(2), ""};
    }
    for (auto& [name, o] : recorded) {
        auto it = now.find(name);
        if (it == now.end()) out.push_back(o.type + " " + name + " (" + o.owner + ") was dropped outside a migration");
        else if (it->second.sql != o.sql || it->second.type != o.type)
            out.push_back(o.type + " " + name + " (" + o.owner + ") was changed outside a migration");
    }
    for (auto& [name, o] : now)
        if (!recorded.count(name)) out.push_back(o.type + " " + name + " was added outside a migration");
    return out;
}

fs::path anchorPath(const std::string& storeId) { return configDirectory() / "anchors" / (storeId + ".anchor"); }

std::optional<Anchor> readAnchor(const fs::path& file) {
    std::ifstream in(file);
    if (!in) return std::nullopt;
    std::stringstream text;
    text << in.rdbuf();
    try {
        json j = json::parse(text.str());
        return Anchor{j.at("store_id"), j.at("events"), j.at("head"), j.value("at", ""), j.value("path", "")};
    } catch (const std::exception&) {
        throw StoreError("the anchor " + file.string() + " is damaged");
    }
}

void advanceAnchor(const fs::path& file, const Anchor& anchor) {
    std::error_code ec;
    fs::create_directories(file.parent_path(), ec);
    // One writer at a time; the anchor only moves forward.
    fs::path lockPath = file;
    lockPath += ".lock";
    int lock = ::open(lockPath.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (lock < 0) throw StoreError("cannot write the anchor " + file.string() + ": " + std::strerror(errno));
    ::flock(lock, LOCK_EX);
    try {
        auto current = readAnchor(file);
        if (!current || current->events < anchor.events) {
            json j = {{"store_id", anchor.storeId}, {"events", anchor.events}, {"head", anchor.head},
                      {"at", anchor.at.empty() ? nowUtc() : anchor.at}, {"path", anchor.path}};
            fs::path temp = file;
            temp += ".part-" + std::to_string(::getpid());
            fs::remove(temp, ec);
            if (!writeNewPrivateFile(temp, j.dump() + "\n"))
                throw StoreError("cannot write the anchor " + file.string());
            fs::rename(temp, file, ec);
            if (ec) {
                fs::remove(temp, ec);
                throw StoreError("cannot write the anchor " + file.string());
            }
        }
    } catch (...) {
        ::flock(lock, LOCK_UN);
        ::close(lock);
        throw;
    }
    ::flock(lock, LOCK_UN);
    ::close(lock);
}

}  // namespace nourish::integrity
