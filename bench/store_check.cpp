// `store check` and `store check --quick` (Store::check) on the demo store and
// on 10,000 clients with a year of daily diary each, against the raw
// `PRAGMA integrity_check` / `PRAGMA quick_check` on the same file.
#include <benchmark/benchmark.h>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "BenchData.h"
#include "nourish/core/ClientStore.h"
#include "nourish/core/Database.h"
#include "nourish/core/Integrity.h"
#include "nourish/core/Store.h"

namespace fs = std::filesystem;
using namespace nourish;

namespace {

const fs::path& workDir() {
    static fs::path dir = [] {
        fs::path d = fs::temp_directory_path() / ("nourish-bench-check-" + std::to_string(getpid()));
        fs::create_directories(d);
        // The audit key and anchors of the bench, not the practitioner's.
        setenv("XDG_CONFIG_HOME", (d / "config").c_str(), 1);
        setenv("XDG_DATA_HOME", (d / "data").c_str(), 1);
        return d;
    }();
    return dir;
}

struct Cleanup {
    ~Cleanup() {
        std::error_code ec;
        fs::remove_all(workDir(), ec);
    }
} cleanup;

const fs::path& demoStore() {
    static fs::path path = [] {
        fs::path p = workDir() / "demo.db";
        std::string command = std::string(NOURISH_CLI) + " --store '" + p.string() + "' store demo >/dev/null";
        if (std::system(command.c_str()) != 0) throw std::runtime_error("store demo failed");
        return p;
    }();
    return path;
}

// 10,000 clients, each with 365 diary days in a table of the shape the
// elimination plugin keeps, sealed like every table of the store.
const fs::path& largeStore() {
    static fs::path path = [] {
        fs::path p = workDir() / "large.db";
        auto started = std::chrono::steady_clock::now();
        {
            Store store(p);
            ClientStore(store).createMany(bench::syntheticCaseload(10000), {"bench", "bench"});
            Database& db = store.db();
            Transaction tx(db);
            db.exec("CREATE TABLE elim_diary (client_id INTEGER NOT NULL, day TEXT NOT NULL, answers TEXT NOT NULL, "
                    "itch REAL, sleep REAL, stool INTEGER, vomiting INTEGER NOT NULL DEFAULT 0, reflux INTEGER NOT NULL "
                    "DEFAULT 0, entered_by TEXT NOT NULL, entered_at TEXT NOT NULL, PRIMARY KEY (client_id, day)) "
                    "WITHOUT ROWID");
            db.exec("WITH RECURSIVE d(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM d WHERE n < 364) "
                    "INSERT INTO elim_diary SELECT c.id, date('2025-01-01', '+' || d.n || ' days'), "
                    "'{\"itch\":' || ((c.id + d.n) % 11) || ',\"sleep\":' || ((c.id * d.n) % 11) || ',\"foods\":[\"oats\"]}', "
                    "(c.id + d.n) % 11, (c.id * d.n) % 11, 4, 0, 0, 'Parent', '2025-01-01T20:00:00Z' FROM clients c, d");
            integrity::resealAll(db, "bench");
            integrity::snapshotSchema(db, "bench");
            tx.commit();
        }
        double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        std::fprintf(stderr, "set-up: 10,000 clients and 3,650,000 sealed diary days in %.1f s (%.0f MB)\n", seconds,
                     double(fs::file_size(p)) / 1e6);
        return p;
    }();
    return path;
}

void storeCheck(benchmark::State& state, const fs::path& path, bool quick) {
    Store store(path, Store::Open::ExistingOnly);
    for (auto _ : state) {
        auto report = store.check(quick);
        if (!report.ok()) {
            state.SkipWithError(report.problems.front().c_str());
            break;
        }
        benchmark::DoNotOptimize(report);
    }
}

void rawPragma(benchmark::State& state, const fs::path& path, const char* pragma) {
    sqlite3* db = nullptr;
    sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    for (auto _ : state) {
        sqlite3_stmt* s = nullptr;
        sqlite3_prepare_v2(db, pragma, -1, &s, nullptr);
        while (sqlite3_step(s) == SQLITE_ROW) benchmark::DoNotOptimize(sqlite3_column_text(s, 0));
        sqlite3_finalize(s);
    }
    sqlite3_close(db);
}

void BM_Demo_StoreCheck(benchmark::State& s) { storeCheck(s, demoStore(), false); }
void BM_Demo_StoreCheckQuick(benchmark::State& s) { storeCheck(s, demoStore(), true); }
void BM_Demo_RawIntegrityCheck(benchmark::State& s) { rawPragma(s, demoStore(), "PRAGMA integrity_check"); }
void BM_Demo_RawQuickCheck(benchmark::State& s) { rawPragma(s, demoStore(), "PRAGMA quick_check"); }
void BM_Large_StoreCheckQuick(benchmark::State& s) { storeCheck(s, largeStore(), true); }
void BM_Large_RawQuickCheck(benchmark::State& s) { rawPragma(s, largeStore(), "PRAGMA quick_check"); }
void BM_Large_StoreCheck(benchmark::State& s) { storeCheck(s, largeStore(), false); }
void BM_Large_RawIntegrityCheck(benchmark::State& s) { rawPragma(s, largeStore(), "PRAGMA integrity_check"); }

}  // namespace

BENCHMARK(BM_Demo_StoreCheck)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Demo_StoreCheckQuick)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Demo_RawIntegrityCheck)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Demo_RawQuickCheck)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Large_StoreCheckQuick)->Unit(benchmark::kMillisecond)->Iterations(5);
BENCHMARK(BM_Large_RawQuickCheck)->Unit(benchmark::kMillisecond)->Iterations(5);
BENCHMARK(BM_Large_StoreCheck)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_Large_RawIntegrityCheck)->Unit(benchmark::kMillisecond)->Iterations(1);

BENCHMARK_MAIN();
