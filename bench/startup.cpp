// GUI start-up: from spawning `nourish` to its first idle event, with all
// first-party plugins and a 10,000-client store; and the idle memory (RSS)
// with the demo caseload. Needs an X display: run under xvfb-run.
#include <benchmark/benchmark.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <filesystem>
#include <string>

#include "BenchData.h"
#include "nourish/core/ClientStore.h"
#include "nourish/core/DemoCaseload.h"

extern char** environ;
namespace fs = std::filesystem;
using namespace nourish;

namespace {

fs::path makeStore(const std::string& name, int clients) {
    fs::path p = fs::temp_directory_path() / ("nourish-bench-" + name + "-" + std::to_string(getpid()) + ".db");
    fs::remove(p);
    Store store(p);
    if (clients > 0) ClientStore(store).createMany(bench::syntheticCaseload(clients), {"bench", "bench"});
    else seedDemoCaseload(store);
    return p;
}

struct Run {
    double wallMs = 0;    // spawn -> "idle" line, as the parent sees it
    double insideMs = 0;  // the app's own count from main() to idle
    double rssMb = 0;
};

Run startOnce(const fs::path& store) {
    int out[2];
    if (pipe(out) != 0) return {};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    std::string storeArg = store.string();
    const char* argv[] = {NOURISH_GUI, "--store", storeArg.c_str(), "--exit-on-idle", nullptr};
    auto started = std::chrono::steady_clock::now();
    pid_t pid = 0;
    posix_spawn(&pid, NOURISH_GUI, &actions, nullptr, const_cast<char**>(argv), environ);
    close(out[1]);
    char buffer[256] = {};
    ssize_t n = read(out[0], buffer, sizeof buffer - 1);
    auto idle = std::chrono::steady_clock::now();
    close(out[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    posix_spawn_file_actions_destroy(&actions);
    Run run;
    run.wallMs = std::chrono::duration<double, std::milli>(idle - started).count();
    if (n > 0) std::sscanf(buffer, "idle %lf ms rss %lf MB", &run.insideMs, &run.rssMb);
    return run;
}

void startup(benchmark::State& state, const fs::path& store) {
    if (!std::getenv("DISPLAY")) {
        state.SkipWithError("needs an X display: run under xvfb-run");
        return;
    }
    startOnce(store);  // warm the page cache
    double inside = 0, rss = 0;
    for (auto _ : state) {
        Run run = startOnce(store);
        if (run.insideMs <= 0) {
            state.SkipWithError("nourish did not report its first idle event");
            return;
        }
        state.SetIterationTime(run.wallMs / 1000.0);
        inside += run.insideMs;
        rss += run.rssMb;
    }
    state.counters["in_app_ms"] = inside / double(state.iterations());
    state.counters["rss_MB"] = rss / double(state.iterations());
}

void BM_StartupToIdle_10kClients(benchmark::State& state) {
    static fs::path store = makeStore("10k", 10000);
    startup(state, store);
}

// The same store with the nutrition plugin and the WHO growth references
// turned off: what the Growth page and the six reference documents add.
void BM_StartupToIdle_10kClients_WithoutGrowth(benchmark::State& state) {
    static fs::path store = [] {
        fs::path p = makeStore("10k-no-growth", 10000);
        for (const char* id : {"org.nourish.nutrition", "org.nourish.who-growth"}) {
            std::string command = std::string(NOURISH_CLI) + " --store '" + p.string() + "' plugins disable " + id + " >/dev/null";
            if (std::system(command.c_str()) != 0) std::fprintf(stderr, "could not disable %s\n", id);
        }
        return p;
    }();
    startup(state, store);
}

void BM_StartupToIdle_DemoCaseload(benchmark::State& state) {
    static fs::path store = makeStore("demo", 0);
    startup(state, store);
}

}  // namespace

BENCHMARK(BM_StartupToIdle_10kClients)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(15)
    ->Repetitions(3)->ReportAggregatesOnly(true);
BENCHMARK(BM_StartupToIdle_10kClients_WithoutGrowth)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(15)
    ->Repetitions(3)->ReportAggregatesOnly(true);
BENCHMARK(BM_StartupToIdle_DemoCaseload)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(15)
    ->Repetitions(3)->ReportAggregatesOnly(true);
BENCHMARK_MAIN();
