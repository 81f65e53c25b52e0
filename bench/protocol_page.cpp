// The Protocol page: opening it for a client with two years of daily diary
// and 100 POEM scores (through the host, the real plugin, painted under X),
// against plain SQLite reading the same rows; and recomputing a schedule.
// Needs an X display: run under xvfb-run.
#include <benchmark/benchmark.h>

#include <chrono>
#include <vector>
#include <algorithm>
#include <sqlite3.h>
#include <wx/app.h>
#include <wx/build.h>
#include <wx/frame.h>
#include <wx/panel.h>
#include <wx/dcclient.h>
#include <wx/init.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "Engine.h"
#include "PageBench.h"
#include "SqlTimeLimitCost.h"
#include "nourish/core/ClientStore.h"
#include "nourish/core/Database.h"
#include "nourish/host/PluginHost.h"

namespace fs = std::filesystem;
using namespace nourish;
using nlohmann::json;

namespace {

struct Fixture {
    fs::path path;
    std::unique_ptr<Store> store;
    std::unique_ptr<PluginHost> host;
    wxFrame* frame = nullptr;
    void* page = nullptr;
    UiPage pageInfo{};
    int64_t client = 0;

    std::string run(const std::vector<std::string>& args) {
        for (const CliCommand& c : host->cliCommands())
            if (c.name == args[0]) {
                std::string out, error;
                int rc = host->runCliCommand(c, {args.begin() + 1, args.end()}, out, error);
                if (rc != 0) throw std::runtime_error(error);
                return out;
            }
        throw std::runtime_error("no command " + args[0]);
    }

    Fixture() {
        path = fs::temp_directory_path() / ("nourish-bench-protocol-" + std::to_string(getpid()) + ".db");
        fs::remove(path);
        store = std::make_unique<Store>(path);
        Client c;
        c.givenName = "Bench";
        c.familyName = "Child";
        c.dateOfBirth = elim::isoDay(elim::today() - 4 * 365);
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

        // A plan that started two years ago, every challenge decided.
        elim::Day start = elim::today() - 730;
        std::string id = std::to_string(client);
        run({"protocol", "assign", id, "org.nourish.elimination.common-triggers", "--start", elim::isoDay(start)});
        for (;;) {
            json s = json::parse(run({"protocol", "schedule", id, "--json"}));
            bool decided = false;
            for (const json& b : s["challenges"])
                if (b["state"] == "awaiting-decision" || b["state"] == "current") {
                    run({"protocol", "outcome", id, b["food"], "tolerated", "--date", b["end"]});
                    decided = true;
                    break;
                }
            if (!decided) break;
        }
        // Two years of daily diary and 100 POEM scores.
        Transaction tx(store->db());
        Statement diary(store->db(),
                        "INSERT INTO elim_diary (client_id, day, answers, itch, sleep, stool, vomiting, reflux, "
                        "entered_by, entered_at) VALUES (?1, ?2, ?3, ?4, ?5, 4, 0, 0, 'bench', '2026-01-01T00:00:00Z')");
        for (int i = 0; i < 730; ++i) {
            int itch = (i * 7) % 11, sleep = (i * 3) % 11;
            json answers = {{"itch", itch}, {"sleep", sleep}, {"stool", 4}, {"foods", "porridge, banana, chicken, rice"},
                            {"notes", "an ordinary day"}};
            diary.reset();
            diary.bind(1, client).bind(2, elim::isoDay(start + i)).bind(3, answers.dump()).bind(4, itch).bind(5, sleep);
            diary.step();
        }
        Statement poem(store->db(),
                       "INSERT INTO elim_scores (client_id, instrument_id, taken_on, answers, total, band, entered_by, "
                       "entered_at) VALUES (?1, 'org.nourish.instrument.poem', ?2, '{}', ?3, 'Mild eczema', 'bench', "
                       "'2026-01-01T00:00:00Z')");
        for (int i = 0; i < 100; ++i) {
            poem.reset();
            poem.bind(1, client).bind(2, elim::isoDay(start + i * 7)).bind(3, (i * 5) % 29);
            poem.step();
        }
        tx.commit();

        frame = new wxFrame(nullptr, wxID_ANY, "bench", wxDefaultPosition, wxSize(1200, 900));
        for (const UiPage& p : host->uiPages())
            if (p.id == "protocol") pageInfo = p;
        std::string error;
        page = host->createPage(pageInfo, frame, error);
        if (!page) throw std::runtime_error("no Protocol page: " + error);
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

// Timed from asking the page to show the client until its trend chart (the
// last part of the page) has painted.
void BM_OpenProtocolPage_TwoYearsOfDiary(benchmark::State& state) {
    nourish::bench::measureOpenPainted(state, fixture->shown(), "protocol-trend");
}
BENCHMARK(BM_OpenProtocolPage_TwoYearsOfDiary)->Unit(benchmark::kMillisecond)->MinTime(2.0);

// The page's own work without the paint: the plan, schedule, suggestions,
// diary and scores read and the widgets filled.
void BM_ShowClient_WithoutPaint(benchmark::State& state) { nourish::bench::measureShowWithoutPaint(state, fixture->shown()); }
BENCHMARK(BM_ShowClient_WithoutPaint)->Unit(benchmark::kMillisecond)->MinTime(1.0);

// What the time limit on a plugin's SQL costs the page's own work.
void BM_SqlTimeLimitCost_ShowClient(benchmark::State& state) {
    nourish::bench::measureSqlTimeLimitCost(
        state, *fixture->host, [] { fixture->host->showClient(fixture->pageInfo, fixture->page, 0); },
        [] { fixture->host->showClient(fixture->pageInfo, fixture->page, fixture->client); });
    wxTheApp->Yield(true);
}
BENCHMARK(BM_SqlTimeLimitCost_ShowClient)->Unit(benchmark::kMillisecond)->MinTime(3.0);

// The floor under X: one empty panel of the page's size asked to repaint,
// until its paint handler has run. Whatever the page costs beyond this is its own.
void BM_BarePanelRepaint(benchmark::State& state) {
    auto* frame = new wxFrame(nullptr, wxID_ANY, "bare", wxDefaultPosition, wxSize(1200, 900));
    auto* panel = new wxPanel(frame);
    int paints = 0;
    panel->Bind(wxEVT_PAINT, [&paints, panel](wxPaintEvent&) {
        wxPaintDC dc(panel);
        dc.DrawLine(0, 0, 10, 10);
        ++paints;
    });
    frame->Show();
    while (paints == 0) wxTheApp->Yield(true);
    for (auto _ : state) {
        int before = paints;
        panel->Refresh();
        while (paints == before) wxTheApp->Yield(true);
        wxTheApp->Yield(true);
    }
    frame->Destroy();
    wxTheApp->Yield(true);
}
BENCHMARK(BM_BarePanelRepaint)->Unit(benchmark::kMillisecond)->MinTime(1.0);

// The rows the page reads, with plain SQLite: the plan, the diary scores,
// this week's entries, the POEM scores.
void BM_RawSqlite_SameRows(benchmark::State& state) {
    sqlite3* db = nullptr;
    sqlite3_open_v2(fixture->path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    const char* queries[] = {
        "SELECT id, protocol_json, start_date, foods, skipped, phase_days FROM elim_plans WHERE client_id = ?1 AND active = 1",
        "SELECT food, step, date, result FROM elim_outcomes WHERE plan_id IN (SELECT id FROM elim_plans WHERE client_id = ?1)",
        "SELECT day, itch, sleep, stool, vomiting, reflux FROM elim_diary WHERE client_id = ?1 ORDER BY day",
        "SELECT day, answers FROM elim_diary WHERE client_id = ?1 ORDER BY day DESC LIMIT 7",
        "SELECT taken_on, total FROM elim_scores WHERE client_id = ?1 ORDER BY taken_on"};
    std::vector<sqlite3_stmt*> stmts;
    for (const char* q : queries) {
        sqlite3_stmt* s = nullptr;
        sqlite3_prepare_v2(db, q, -1, &s, nullptr);
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

json readJson(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return json::parse(s.str());
}

elim::Outcome outcome(const char* food, int step, elim::Day date, elim::Reaction reaction) {
    elim::Outcome o;
    o.food = food;
    o.step = step;
    o.date = date;
    o.reaction = reaction;
    return o;
}

// A milk ladder with a reaction, a step-back and a retry, and a pause.
void BM_ScheduleRecompute_MilkLadder(benchmark::State& state) {
    elim::Protocol p = elim::Protocol::fromJson(readJson(std::string(ELIMINATION_SOURCE_DIR) + "/protocols/milk-ladder.json"));
    elim::Plan plan;
    plan.start = elim::parseDay("2025-01-01");
    plan.foods = p.defaultOrder();
    plan.pauses.push_back({elim::parseDay("2025-01-10"), elim::parseDay("2025-01-15"), "ill"});
    elim::Schedule s = elim::computeSchedule(p, plan, plan.start);
    plan.outcomes.push_back(outcome("milk", 0, s.blocks[0].end, elim::Reaction::None));
    plan.outcomes.push_back(outcome("milk", 1, s.blocks[1].start + 2, elim::Reaction::DelayedModerate));
    elim::Day today = elim::addMonths(s.blocks[1].start, 4);
    for (auto _ : state) benchmark::DoNotOptimize(elim::computeSchedule(p, plan, today));
}
BENCHMARK(BM_ScheduleRecompute_MilkLadder)->Unit(benchmark::kMicrosecond);

void BM_ScheduleRecompute_CommonTriggers(benchmark::State& state) {
    elim::Protocol p = elim::Protocol::fromJson(readJson(std::string(ELIMINATION_SOURCE_DIR) + "/protocols/common-triggers.json"));
    elim::Plan plan;
    plan.start = elim::parseDay("2025-01-01");
    plan.foods = p.defaultOrder();
    elim::Schedule s = elim::computeSchedule(p, plan, plan.start);
    plan.outcomes.push_back(outcome("soy", 0, s.blocks[0].end, elim::Reaction::None));
    plan.outcomes.push_back(outcome("egg", 0, s.blocks[1].start + 1, elim::Reaction::DelayedModerate));
    for (auto _ : state) benchmark::DoNotOptimize(elim::computeSchedule(p, plan, s.blocks[2].start + 2));
}
BENCHMARK(BM_ScheduleRecompute_CommonTriggers)->Unit(benchmark::kMicrosecond);

}  // namespace

int main(int argc, char** argv) {
    return nourish::bench::runUnderWx(argc, argv, "bench_protocol_page", [] {
        Fixture f;
        fixture = &f;
        benchmark::RunSpecifiedBenchmarks();
        fixture = nullptr;
    });
}
