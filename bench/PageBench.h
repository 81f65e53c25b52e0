#pragma once

// What the page benchmarks share: a page shown for a client until one of its
// windows has painted, the page's own work without the paint, and a main()
// that starts wx (under xvfb-run) around the fixture.
#include <benchmark/benchmark.h>

#include <wx/app.h>
#include <wx/init.h>
#include <wx/window.h>

#include <cstdio>
#include <functional>
#include <memory>

#include "nourish/host/PluginHost.h"

namespace nourish::bench {

struct ShownPage {
    PluginHost* host = nullptr;
    UiPage info{};
    void* page = nullptr;
    int64_t client = 0;
};

// Timed from asking the page to show the client until `painted` (the last
// part of the page) has painted: GTK paints on its frame clock, so one Yield
// is not always enough, and a paint left over must not fall outside.
inline void measureOpenPainted(benchmark::State& state, const ShownPage& p, const char* painted) {
    wxWindow* window = wxWindow::FindWindowByName(painted);
    if (!window) {
        state.SkipWithError("the page has no window to wait for");
        return;
    }
    // Counted where the handler can reach it after this benchmark has ended.
    auto paints = std::make_shared<int>(0);
    window->Bind(wxEVT_PAINT, [paints](wxPaintEvent& e) {
        ++*paints;
        e.Skip();
    });
    auto showAndWaitForPaint = [&](int64_t client) {
        int before = *paints;
        p.host->showClient(p.info, p.page, client);
        while (*paints == before) wxTheApp->Yield(true);
        wxTheApp->Yield(true);
    };
    for (auto _ : state) {
        state.PauseTiming();
        showAndWaitForPaint(0);
        state.ResumeTiming();
        showAndWaitForPaint(p.client);
    }
}

// The page's own work without the paint: from no client to this one.
inline void measureShowWithoutPaint(benchmark::State& state, const ShownPage& p) {
    for (auto _ : state) {
        state.PauseTiming();
        p.host->showClient(p.info, p.page, 0);
        state.ResumeTiming();
        p.host->showClient(p.info, p.page, p.client);
    }
    wxTheApp->Yield(true);
}

// Starts wx, runs `withFixture` (which builds the fixture and runs the
// benchmarks), and shuts wx down.
inline int runUnderWx(int argc, char** argv, const char* name, const std::function<void()>& withFixture) {
    benchmark::Initialize(&argc, argv);  // takes its own flags out of argv before wx reads it
    wxApp::SetInstance(new wxApp);
    if (!wxEntryStart(argc, argv) || !wxTheApp->CallOnInit()) {
        std::fprintf(stderr, "%s: wx could not start (run under xvfb-run)\n", name);
        return 1;
    }
    withFixture();
    benchmark::Shutdown();
    wxTheApp->OnExit();
    wxEntryCleanup();
    return 0;
}

}  // namespace nourish::bench
