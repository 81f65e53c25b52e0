// Client search at 100,000 clients, 3-letter prefix, first 50 results:
// ClientStore::search (what the GUI and plugins call) against the same FTS5
// query run through the raw SQLite C API on the same file.
#include <benchmark/benchmark.h>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "BenchData.h"
#include "nourish/core/ClientStore.h"

namespace fs = std::filesystem;
using namespace nourish;

namespace {

const char* kPrefixes[] = {"mar", "rii", "los", "ank", "bel", "kor", "sam", "nes", "tim", "mül", "zoe", "gar"};
constexpr int kClients = 100000;

// The store file, built once and removed when the program ends.
struct BenchStore {
    fs::path path = fs::temp_directory_path() / ("nourish-bench-search-" + std::to_string(getpid()) + ".db");
    BenchStore() {
        Store store(path);
        auto started = std::chrono::steady_clock::now();
        ClientStore(store).createMany(bench::syntheticCaseload(kClients), {"bench", "bench"});
        double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        std::fprintf(stderr, "set-up: %d clients written through ClientStore::createMany in %.2f s\n", kClients,
                     seconds);
    }
    ~BenchStore() {
        for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(fs::path(path).concat(suffix));
    }
};

const fs::path& storePath() {
    static BenchStore store;
    return store.path;
}

void BM_ClientStoreSearch(benchmark::State& state) {
    Store store(storePath());
    ClientStore clients(store);
    size_t i = 0, found = 0;
    for (auto _ : state) {
        auto result = clients.search(kPrefixes[i++ % std::size(kPrefixes)], 50);
        found += result.size();
        benchmark::DoNotOptimize(result);
    }
    state.counters["rows"] = benchmark::Counter(double(found) / double(state.iterations()));
}

// Raw SQLite, rows read the same way, without the service around it: the
// customary MATCH ... ORDER BY rank (scores every match), and the rowid-ordered
// query the service runs.
void rawFts5(benchmark::State& state, const char* order) {
    sqlite3* db = nullptr;
    sqlite3_open_v2(storePath().c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* stmt = nullptr;
    std::string sql =
        "SELECT c.id, c.given_name, c.family_name, coalesce(c.preferred_name, ''), c.date_of_birth, c.status "
        "FROM client_search JOIN clients c ON c.id = client_search.rowid WHERE client_search MATCH ?1 ORDER BY " +
        std::string(order) + " LIMIT 50";
    sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr);
    size_t i = 0, found = 0;
    for (auto _ : state) {
        std::string expression = std::string("\"") + kPrefixes[i++ % std::size(kPrefixes)] + "\"*";
        sqlite3_bind_text(stmt, 1, expression.c_str(), -1, SQLITE_TRANSIENT);
        while (sqlite3_step(stmt) == SQLITE_ROW) {
            ++found;
            benchmark::DoNotOptimize(sqlite3_column_text(stmt, 1));
        }
        sqlite3_reset(stmt);
    }
    state.counters["rows"] = benchmark::Counter(double(found) / double(state.iterations()));
    sqlite3_finalize(stmt);
    sqlite3_close(db);
}

void BM_RawFts5_Rank(benchmark::State& state) { rawFts5(state, "client_search.rank"); }
void BM_RawFts5_NewestFirst(benchmark::State& state) { rawFts5(state, "client_search.rowid DESC"); }

}  // namespace

BENCHMARK(BM_RawFts5_Rank)->Unit(benchmark::kMicrosecond)->MinTime(2.0)->Repetitions(5)->ReportAggregatesOnly(true);
BENCHMARK(BM_RawFts5_NewestFirst)->Unit(benchmark::kMicrosecond)->MinTime(2.0)->Repetitions(5)->ReportAggregatesOnly(true);
BENCHMARK(BM_ClientStoreSearch)->Unit(benchmark::kMicrosecond)->MinTime(2.0)->Repetitions(5)->ReportAggregatesOnly(true);
BENCHMARK_MAIN();
