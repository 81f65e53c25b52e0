#pragma once

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <vector>

#include "nourish/host/PluginHost.h"

namespace nourish::bench {

// What the time limit on plugins' SQL costs one call: `timed` with the limit
// and without it, alternating in every iteration and in turns first (`before`
// runs untimed ahead of each). Medians, since now and then a checkpoint of
// the WAL lands on one side or the other; the share the limit adds is the
// counter limit_cost_pct.
inline void measureSqlTimeLimitCost(benchmark::State& state, PluginHost& host, const std::function<void()>& before,
                                    const std::function<void()>& timed) {
    using Clock = std::chrono::steady_clock;
    std::vector<double> limited, unlimited;  // ms of each call
    bool first = true;
    for (auto _ : state) {
        first = !first;
        for (bool on : {first, !first}) {
            host.limitPluginSql(on);
            before();
            auto started = Clock::now();
            timed();
            (on ? limited : unlimited).push_back(std::chrono::duration<double, std::milli>(Clock::now() - started).count());
        }
    }
    host.limitPluginSql(true);
    auto median = [](std::vector<double>& v) {
        std::nth_element(v.begin(), v.begin() + std::ptrdiff_t(v.size() / 2), v.end());
        return v[v.size() / 2];
    };
    double with = median(limited), without = median(unlimited);
    state.counters["with_limit_median_ms"] = with;
    state.counters["without_median_ms"] = without;
    state.counters["limit_cost_pct"] = 100.0 * (with - without) / without;
}

}  // namespace nourish::bench
