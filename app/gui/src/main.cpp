// nourish: the practitioner's desktop app.
#include <wx/app.h>
#include <wx/build.h>
#include <wx/msgdlg.h>
#include <wx/stdpaths.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <utility>
#include <vector>

#include "nourish/core/Paths.h"
#include "nourish/core/Store.h"
#include "nourish/gui/Environment.h"
#include "nourish/gui/MainFrame.h"
#include "nourish/host/PluginHost.h"

namespace fs = std::filesystem;

namespace {

const auto gProcessStart = std::chrono::steady_clock::now();

double residentMegabytes() {
    std::FILE* status = std::fopen("/proc/self/status", "r");
    if (!status) return 0;
    char line[256];
    double kb = 0;
    while (std::fgets(line, sizeof line, status))
        if (std::sscanf(line, "VmRSS: %lf kB", &kb) == 1) break;
    std::fclose(status);
    return kb / 1024.0;
}

struct Options {
    fs::path store;
    bool demo = false;
    bool safeMode = false;
    bool exitOnIdle = false;  // for the start-up benchmark
};

class NourishApp : public wxApp {
public:
    explicit NourishApp(Options options) : options_(std::move(options)) {}

    bool OnInit() override {
        phases_.emplace_back("wx", msSinceStart());
        SetAppName("nourish");
        SetAppDisplayName("Nourish");
        try {
            store_ = std::make_unique<nourish::Store>(options_.store);
        } catch (const std::exception& e) {
            if (options_.exitOnIdle) std::fprintf(stderr, "nourish: %s\n", e.what());
            else wxMessageBox(wxString::FromUTF8(e.what()), "Nourish cannot open the store", wxOK | wxICON_ERROR);
            return false;
        }
        phases_.emplace_back("store", msSinceStart());
        auto hostOptions = nourish::PluginHost::defaultOptions(wxStandardPaths::Get().GetExecutablePath().utf8_string());
        hostOptions.safeMode = options_.safeMode;
        hostOptions.source = "gui";
        hostOptions.wxSignature = WX_BUILD_OPTIONS_SIGNATURE;
        host_ = std::make_unique<nourish::PluginHost>(*store_, hostOptions);
        if (auto crash = host_->previousCrash()) {
            wxString question = wxString::Format(
                "Nourish closed unexpectedly last time while the plugin %s was %s.\n\n"
                "Turn this plugin off? You can turn it on again in Plugins > Manage.",
                wxString::FromUTF8(crash->pluginId), wxString::FromUTF8(crash->phase));
            if (wxMessageBox(question, "Nourish", wxYES_NO | wxICON_WARNING) == wxYES)
                host_->setEnabled(crash->pluginId, false);
        }
        host_->discover();
        host_->loadAll();
        if (options_.demo) host_->seedDemo();  // only fills an empty demo store
        phases_.emplace_back("plugins", msSinceStart());
        auto* frame = new nourish::MainFrame(*store_, *host_);
        frame->Show();
        phases_.emplace_back("window", msSinceStart());
        if (options_.exitOnIdle) {
            Bind(wxEVT_IDLE, [this, frame](wxIdleEvent&) {
                static bool done = false;
                if (done) return;
                done = true;
                std::printf("idle %.2f ms rss %.1f MB", msSinceStart(), residentMegabytes());
                for (auto& [name, ms] : phases_) std::printf(" %s@%.1f", name, ms);
                std::printf("\n");
                std::fflush(stdout);
                frame->Close();
            });
        }
        return true;
    }

    // An exception that reached the event loop is shown and logged; the app goes on.
    bool OnExceptionInMainLoop() override {
        nourish::reportUnhandledException();
        return true;
    }
    void OnUnhandledException() override { nourish::reportUnhandledException(); }

    int OnExit() override {
        if (host_) host_->shutdown();
        host_.reset();
        store_.reset();
        return wxApp::OnExit();
    }

private:
    static double msSinceStart() {
        return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - gProcessStart).count();
    }
    std::vector<std::pair<const char*, double>> phases_;  // start-up phases, for --exit-on-idle
    Options options_;
    std::unique_ptr<nourish::Store> store_;
    std::unique_ptr<nourish::PluginHost> host_;
};

}  // namespace

int main(int argc, char** argv) {
    Options options;
    options.store = nourish::defaultStorePath();
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--store" && i + 1 < argc) options.store = argv[++i];
        else if (a == "--demo") options.demo = true;
        else if (a == "--safe-mode") options.safeMode = true;
        else if (a == "--exit-on-idle") options.exitOnIdle = true;
        else if (a == "--help") {
            std::cout << "usage: nourish [--store PATH] [--demo] [--safe-mode]\n";
            return 0;
        } else {
            std::cerr << "nourish: unknown option " << a << " (try --help)\n";
            return 2;
        }
    }
    if (options.demo) options.store = nourish::demoStorePath();
    if (!std::getenv("DISPLAY") && !std::getenv("WAYLAND_DISPLAY")) {
        std::cerr << "Nourish needs a graphical display and none is available; to run it without one, use: "
                     "xvfb-run -a "
                  << argv[0] << (options.demo ? " --demo" : "") << "\n";
        return 1;
    }
    nourish::prepareGuiEnvironment();
    wxApp::SetInstance(new NourishApp(options));
    return wxEntry(argc, argv);
}
