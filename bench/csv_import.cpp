// Importing 100,000 clients (one guardian each) from CSV through ClientCsv —
// parse, check every row, look for duplicates, write, index, audit — against
// the raw baseline: the same rows inserted with plain SQLite prepared
// statements in one transaction, no checks, no index.
#include <benchmark/benchmark.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "BenchData.h"
#include "nourish/core/ClientCsv.h"
#include "nourish/core/Csv.h"

namespace fs = std::filesystem;
using namespace nourish;

namespace {

constexpr int kClients = 100000;

const std::string& csvText() {
    static const std::string text = [] {
        std::string out = csvLine({"given_name", "family_name", "date_of_birth", "guardian_1_name", "guardian_1_email",
                                   "guardian_1_email_consent"});
        for (const Client& c : bench::syntheticCaseload(kClients))
            out += csvLine({c.givenName, c.familyName, c.dateOfBirth, c.guardians[0].name, *c.guardians[0].email, "yes"});
        return out;
    }();
    return text;
}

fs::path freshStore(const char* name) {
    fs::path p = fs::temp_directory_path() / (std::string("nourish-bench-") + name + "-" + std::to_string(getpid()) + ".db");
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(fs::path(p).concat(suffix));
    return p;
}

void removeStore(const fs::path& p) {
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(fs::path(p).concat(suffix));
}

void BM_CsvImport_ClientCsv(benchmark::State& state) {
    const std::string& text = csvText();
    for (auto _ : state) {
        state.PauseTiming();
        fs::path path = freshStore("import");
        {
            Store store(path);
            state.ResumeTiming();
            auto report = ClientCsv(store).import(text, {"bench", "bench"});
            benchmark::DoNotOptimize(report);
            state.PauseTiming();
        }
        removeStore(path);
        state.ResumeTiming();
    }
    state.counters["MB"] = double(text.size()) / 1e6;
}

void BM_RawSqliteInsert(benchmark::State& state) {
    auto clients = bench::syntheticCaseload(kClients);
    for (auto _ : state) {
        state.PauseTiming();
        fs::path path = freshStore("raw");
        { Store store(path); }  // same schema and pragmas
        sqlite3* db = nullptr;
        sqlite3_open(path.c_str(), &db);
        // The same pragmas the store uses, so that the ratio compares the work, not the settings.
        sqlite3_exec(db, "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA cache_size = -32768", nullptr,
                     nullptr, nullptr);
        // Plain SQLite: the same tables without the store's seals.
        {
            sqlite3_stmt* drops = nullptr;
            sqlite3_prepare_v2(db, "SELECT name FROM sqlite_schema WHERE type = 'trigger' AND name LIKE 'nourish_seal_%'", -1,
                               &drops, nullptr);
            std::vector<std::string> names;
            while (sqlite3_step(drops) == SQLITE_ROW) names.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(drops, 0)));
            sqlite3_finalize(drops);
            for (const std::string& n : names) sqlite3_exec(db, ("DROP TRIGGER \"" + n + "\"").c_str(), nullptr, nullptr, nullptr);
        }
        state.ResumeTiming();
        sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
        sqlite3_stmt *client = nullptr, *guardian = nullptr, *link = nullptr;
        sqlite3_prepare_v2(db,
                           "INSERT INTO clients (given_name, family_name, date_of_birth, created_at, updated_at) "
                           "VALUES (?1, ?2, ?3, 'now', 'now')",
                           -1, &client, nullptr);
        sqlite3_prepare_v2(db,
                           "INSERT INTO guardians (name, email, email_consent, created_at, updated_at) "
                           "VALUES (?1, ?2, 1, 'now', 'now')",
                           -1, &guardian, nullptr);
        sqlite3_prepare_v2(db, "INSERT INTO client_guardians (client_id, guardian_id) VALUES (?1, ?2)", -1, &link,
                           nullptr);
        for (const Client& c : clients) {
            sqlite3_bind_text(client, 1, c.givenName.c_str(), -1, SQLITE_STATIC);
            sqlite3_bind_text(client, 2, c.familyName.c_str(), -1, SQLITE_STATIC);
            sqlite3_bind_text(client, 3, c.dateOfBirth.c_str(), -1, SQLITE_STATIC);
            sqlite3_step(client);
            sqlite3_reset(client);
            sqlite3_int64 clientId = sqlite3_last_insert_rowid(db);
            sqlite3_bind_text(guardian, 1, c.guardians[0].name.c_str(), -1, SQLITE_STATIC);
            sqlite3_bind_text(guardian, 2, c.guardians[0].email->c_str(), -1, SQLITE_STATIC);
            sqlite3_step(guardian);
            sqlite3_reset(guardian);
            sqlite3_bind_int64(link, 1, clientId);
            sqlite3_bind_int64(link, 2, sqlite3_last_insert_rowid(db));
            sqlite3_step(link);
            sqlite3_reset(link);
        }
        sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
        state.PauseTiming();
        sqlite3_finalize(client);
        sqlite3_finalize(guardian);
        sqlite3_finalize(link);
        sqlite3_close(db);
        removeStore(path);
        state.ResumeTiming();
    }
}

}  // namespace

BENCHMARK(BM_RawSqliteInsert)->Unit(benchmark::kMillisecond)->Iterations(3)->Repetitions(3)->ReportAggregatesOnly(true);
BENCHMARK(BM_CsvImport_ClientCsv)->Unit(benchmark::kMillisecond)->Iterations(3)->Repetitions(3)->ReportAggregatesOnly(true);
BENCHMARK_MAIN();
