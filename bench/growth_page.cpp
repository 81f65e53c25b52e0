// The Growth page: opening it for a child with five years of monthly
// measurements (weight, length then height, head circumference to 2 years),
// through the host and the real plugin with the WHO references installed,
// against plain SQLite reading the same rows. Needs an X display: run under
// xvfb-run.
#include <benchmark/benchmark.h>

#include <sqlite3.h>
#include <unistd.h>
#include <wx/app.h>
#include <wx/build.h>
#include <wx/frame.h>

#include <cmath>
#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "Growth.h"
#include "PageBench.h"
#include "nourish/core/ClientStore.h"
#include "nourish/core/Database.h"
#include "nourish/host/PluginHost.h"

namespace fs = std::filesystem;
using namespace nourish;
using nlohmann::json;

namespace {

std::string isoToday(int daysAgo) {
    std::time_t t = std::time(nullptr) - std::time_t(daysAgo) * 86400;
    std::tm local{};
    localtime_r(&t, &local);
    char text[16];
    std::strftime(text, sizeof text, "%Y-%m-%d", &local);
    return text;
}

struct Fixture {
    fs::path path;
    std::unique_ptr<Store> store;
    std::unique_ptr<PluginHost> host;
    wxFrame* frame = nullptr;
    void* page = nullptr;
    UiPage pageInfo{};
    int64_t client = 0;
    size_t rows = 0;

    Fixture() {
        path = fs::temp_directory_path() / ("nourish-bench-growth-" + std::to_string(getpid()) + ".db");
        fs::remove(path);
        store = std::make_unique<Store>(path);
        Client c;
        c.givenName = "Bench";
        c.familyName = "Child";
        std::string born = isoToday(1830 + 20);  // five years and a few weeks
        c.dateOfBirth = born;
        c.sex = "female";
        c.healthDataConsent = true;
        c.healthDataConsentBy = "Parent";
        client = ClientStore(*store).create(c, {"bench", "bench"});
        PluginHost::Options options;
        options.directories = {NOURISH_BUNDLED_PLUGINS};
        options.firstPartyDirectory = NOURISH_BUNDLED_PLUGINS;
        options.source = "gui";
        options.wxSignature = WX_BUILD_OPTIONS_SIGNATURE;
        host = std::make_unique<PluginHost>(*store, options);
        host->discover();
        host->loadAll();

        // Sixty-one monthly visits from birth: weight, length (height from 2
        // years), head circumference to 2 years.
        Transaction tx(store->db());
        Statement insert(store->db(),
                         "INSERT INTO nutrition_measurements (client_id, measured_on, kind, value, method, measured_by, "
                         "note, recorded_at, recorded_by) VALUES (?1, ?2, ?3, ?4, 'clinic', 'Claire', '', "
                         "'2026-01-01T00:00:00Z', 'bench')");
        for (int month = 0; month <= 60; ++month) {
            int day = int(std::lround(month * 30.4375));
            std::string date = nutrition::addDays(born, day);
            auto put = [&](const char* kind, double value) {
                insert.reset();
                insert.bind(1, client).bind(2, date).bind(3, kind).bind(4, value);
                insert.step();
                ++rows;
            };
            put("weight", 3.2 + 0.28 * month - 0.0015 * month * month);
            put(month < 24 ? "length" : "height", 49.1 + 1.6 * month - 0.012 * month * month);
            if (month <= 24) put("head-circumference", 33.9 + 0.6 * month - 0.012 * month * month);
        }
        tx.commit();

        frame = new wxFrame(nullptr, wxID_ANY, "bench", wxDefaultPosition, wxSize(1280, 800));
        for (const UiPage& p : host->uiPages())
            if (p.id == "growth") pageInfo = p;
        std::string error;
        page = host->createPage(pageInfo, frame, error);
        if (!page) throw std::runtime_error("no Growth page: " + error);
        frame->Show();
        wxTheApp->Yield(true);
    }
    nourish::bench::ShownPage shown() const { return {host.get(), pageInfo, page, client}; }
    ~Fixture() {
        frame->Destroy();
        wxTheApp->Yield(true);
        host->shutdown();
        host.reset();
        store.reset();
        for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path.string() + suffix);
    }
};

Fixture* fixture = nullptr;

// The page's own work without the paint: the child, the measurements, their
// scores against every reference, the flags, the list and the chart's lines.
void BM_ShowGrowthClient_WithoutPaint(benchmark::State& state) {
    nourish::bench::measureShowWithoutPaint(state, fixture->shown());
    state.counters["rows"] = double(fixture->rows);
}
BENCHMARK(BM_ShowGrowthClient_WithoutPaint)->Unit(benchmark::kMillisecond)->MinTime(1.0);

// Timed from asking the page to show the child until its chart has painted.
void BM_OpenGrowthPage_Painted(benchmark::State& state) {
    nourish::bench::measureOpenPainted(state, fixture->shown(), "growth-chart");
}
BENCHMARK(BM_OpenGrowthPage_Painted)->Unit(benchmark::kMillisecond)->MinTime(1.0);

// The growth references as the host offers them, parsed: what the plugin
// does once, and again only when the installed references change.
void BM_ParseGrowthReferences(benchmark::State& state) {
    for (auto _ : state) {
        json offered = json::array();  // as nourish.host.growth-references/1 gives them
        for (const RegisteredGrowthReference& r : fixture->host->growthReferences()) offered.push_back(r.reference.document);
        std::vector<nutrition::Reference> refs;
        for (const json& doc : json::parse(offered.dump())) refs.push_back(nutrition::Reference::fromJson(doc));
        benchmark::DoNotOptimize(refs);
    }
}
BENCHMARK(BM_ParseGrowthReferences)->Unit(benchmark::kMillisecond);

// The rows the page reads, with plain SQLite: the child and her measurements.
void BM_RawSqlite_SameRows(benchmark::State& state) {
    sqlite3* db = nullptr;
    sqlite3_open_v2(fixture->path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    const char* queries[] = {
        "SELECT given_name, family_name, date_of_birth, sex FROM clients WHERE id = ?1",
        "SELECT id, measured_on, kind, value, method, measured_by, note FROM nutrition_measurements "
        "WHERE client_id = ?1 ORDER BY measured_on, id"};
    std::vector<sqlite3_stmt*> stmts;
    for (const char* q : queries) {
        sqlite3_stmt* s = nullptr;
        if (sqlite3_prepare_v2(db, q, -1, &s, nullptr) != SQLITE_OK) {
            state.SkipWithError(sqlite3_errmsg(db));
            return;
        }
        stmts.push_back(s);
    }
    for (auto _ : state) {
        size_t bytes = 0;
        for (sqlite3_stmt* s : stmts) {
            sqlite3_bind_int64(s, 1, fixture->client);
            while (sqlite3_step(s) == SQLITE_ROW)
                for (int c = 0; c < sqlite3_column_count(s); ++c) bytes += size_t(sqlite3_column_bytes(s, c));
            sqlite3_reset(s);
        }
        benchmark::DoNotOptimize(bytes);
    }
    for (sqlite3_stmt* s : stmts) sqlite3_finalize(s);
    sqlite3_close(db);
}
BENCHMARK(BM_RawSqlite_SameRows)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
    return nourish::bench::runUnderWx(argc, argv, "bench_growth_page", [] {
        Fixture f;
        fixture = &f;
        benchmark::RunSpecifiedBenchmarks();
        fixture = nullptr;
    });
}
