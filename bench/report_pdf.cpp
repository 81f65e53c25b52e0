// The family's plan summary as a PDF: Ollie's from the demo caseload (two
// pages with the POEM chart). Measured: the renderer on the composed report,
// the whole `report pdf` command through the host (composition by every
// plugin, the file, the audit event), raw Pango/Cairo drawing the same text
// and chart as the baseline, and LibreOffice converting an equivalent HTML
// document (what a practitioner would otherwise use), when it is installed.
#include <benchmark/benchmark.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>

#include "Pdf.h"
#include "nourish/core/ClientStore.h"
#include "nourish/core/Settings.h"
#include "nourish/core/Store.h"
#include "nourish/host/PluginHost.h"

namespace fs = std::filesystem;
using namespace nourish;
using nlohmann::json;

namespace {

struct Fixture {
    fs::path dir;
    std::unique_ptr<Store> store;
    std::unique_ptr<PluginHost> host;
    std::optional<CliCommand> report;
    int64_t ollie = 0;
    json model;
    std::vector<std::string> texts;  // every text of the model, for the baselines

    Fixture() {
        dir = fs::temp_directory_path() / ("nourish-bench-report-" + std::to_string(getpid()));
        fs::create_directories(dir);
        store = std::make_unique<Store>(dir / "n.db");
        PluginHost::Options options;
        options.directories = {NOURISH_BUNDLED_PLUGINS};
        options.firstPartyDirectory = NOURISH_BUNDLED_PLUGINS;
        host = std::make_unique<PluginHost>(*store, options);
        host->discover();
        host->loadAll();
        host->seedDemo();
        ollie = ClientStore(*store).search("bennett", 1)[0].id;
        for (const CliCommand& c : host->cliCommands())
            if (c.name == "report") report = c;
        if (!report) throw std::runtime_error("the reports plugin did not load");

        // The report as the plugin composes it.
        json practice = json::object();
        for (const char* key : {"name", "practitioner", "address", "phone", "email"})
            if (auto v = PracticeSettings(*store).get(std::string("practice.") + key)) practice[key] = *v;
        json sections = json::array();
        for (const ReportSection& s : host->reportSections(ollie)) {
            json doc = json::parse(s.documentJson);
            sections.push_back({{"title", doc.value("title", s.title)}, {"blocks", doc["blocks"]}});
        }
        model = {{"title", "Plan summary for Ollie Bennett"},
                 {"subtitle", "Prepared on 26 November 2026 by Claire Hughes"},
                 {"practice", practice},
                 {"sections", sections}};
        collect(model);
    }
    ~Fixture() {
        host->shutdown();
        host.reset();
        store.reset();
        fs::remove_all(dir);
    }
    void collect(const json& j) {
        if (j.is_string()) texts.push_back(j.get<std::string>());
        else if (j.is_array() || j.is_object())
            for (const json& item : j) collect(item);
    }
};

Fixture& fixture() {
    static Fixture f;
    return f;
}

void BM_RenderPdf(benchmark::State& state) {
    Fixture& f = fixture();
    int pages = 0;
    size_t bytes = 0;
    for (auto _ : state) {
        reports::Pdf pdf = reports::renderPdf(f.model);
        pages = pdf.pages;
        bytes = pdf.bytes.size();
        benchmark::DoNotOptimize(pdf);
    }
    state.counters["pages"] = pages;
    state.counters["KB"] = double(bytes) / 1024;
}

void BM_ReportPdfCommand(benchmark::State& state) {
    Fixture& f = fixture();
    std::string path = (f.dir / "ollie.pdf").string();
    for (auto _ : state) {
        std::string out, error;
        if (f.host->runCliCommand(*f.report, {"pdf", std::to_string(f.ollie), "--out", path}, out, error) != 0)
            state.SkipWithError(error.c_str());
    }
}

// Baseline: the same texts laid out with Pango and drawn with Cairo on two A4
// pages, and a 10-point line chart; no model, no tables, no pagination logic.
void BM_RawPangoCairo(benchmark::State& state) {
    Fixture& f = fixture();
    PangoFontMap* map = pango_cairo_font_map_new();
    pango_cairo_font_map_set_resolution(PANGO_CAIRO_FONT_MAP(map), 72);
    for (auto _ : state) {
        std::string bytes;
        auto write = [](void* closure, const unsigned char* data, unsigned int length) {
            static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
            return CAIRO_STATUS_SUCCESS;
        };
        cairo_surface_t* pdf = cairo_pdf_surface_create_for_stream(write, &bytes, 595.28, 841.89);
        cairo_t* cr = cairo_create(pdf);
        PangoContext* context = pango_font_map_create_context(map);
        pango_cairo_update_context(cr, context);
        PangoFontDescription* font = pango_font_description_from_string("DejaVu Sans 10.5");
        double y = 50;
        for (const std::string& t : f.texts) {
            PangoLayout* l = pango_layout_new(context);
            pango_layout_set_font_description(l, font);
            pango_layout_set_width(l, int(487 * PANGO_SCALE));
            pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
            pango_layout_set_text(l, t.c_str(), int(t.size()));
            int w = 0, h = 0;
            pango_layout_get_size(l, &w, &h);
            if (y + h / PANGO_SCALE > 780) {
                cairo_show_page(cr);
                y = 50;
            }
            cairo_move_to(cr, 54, y);
            pango_cairo_show_layout(cr, l);
            cairo_new_path(cr);
            y += double(h) / PANGO_SCALE + 4;
            g_object_unref(l);
        }
        cairo_set_line_width(cr, 1.5);
        for (int i = 0; i < 10; ++i) cairo_line_to(cr, 90 + i * 45, 600 - (i % 4) * 20);
        cairo_stroke(cr);
        pango_font_description_free(font);
        g_object_unref(context);
        cairo_destroy(cr);
        cairo_surface_finish(pdf);
        cairo_surface_destroy(pdf);
        benchmark::DoNotOptimize(bytes);
    }
    g_object_unref(map);
}

// An HTML document with the same sections, converted by LibreOffice.
std::string html(const json& model) {
    auto esc = [](const std::string& s) {
        std::string o;
        for (char c : s) o += c == '<' ? "&lt;" : c == '>' ? "&gt;" : c == '&' ? "&amp;" : std::string(1, c);
        return o;
    };
    std::string h = "<html><head><meta charset='utf-8'></head><body><h1>" + esc(model["title"]) + "</h1>";
    for (const json& s : model["sections"]) {
        h += "<h2>" + esc(s["title"]) + "</h2>";
        for (const json& b : s["blocks"]) {
            std::string type = b["type"];
            if (type == "paragraph") h += "<p>" + esc(b["text"]) + "</p>";
            if (type == "heading") h += "<h3>" + esc(b["text"]) + "</h3>";
            if (type == "bullets") {
                h += "<ul>";
                for (const json& i : b["items"]) h += "<li>" + esc(i) + "</li>";
                h += "</ul>";
            }
            if (type == "table") {
                h += "<table border='1'><tr>";
                for (const json& c : b["columns"]) h += "<th>" + esc(c) + "</th>";
                h += "</tr>";
                for (const json& r : b["rows"]) {
                    h += "<tr>";
                    for (const json& c : r) h += "<td>" + esc(c) + "</td>";
                    h += "</tr>";
                }
                h += "</table>";
            }
            if (type == "chart") h += "<p>[chart: " + esc(b.value("title", "")) + "]</p>";
        }
    }
    return h + "</body></html>";
}

void BM_LibreOfficeConvert(benchmark::State& state) {
    Fixture& f = fixture();
    if (std::system("command -v soffice >/dev/null 2>&1") != 0) {
        state.SkipWithError("LibreOffice (soffice) is not installed");
        for (auto _ : state) {
        }
        return;
    }
    fs::path in = f.dir / "summary.html";
    std::ofstream(in) << html(f.model);
    std::string command = "soffice --headless -env:UserInstallation=file://" + (f.dir / "lo-profile").string() +
                          " --convert-to pdf:writer_web_pdf_Export --outdir " + f.dir.string() + " " + in.string() +
                          " >/dev/null 2>&1";
    for (auto _ : state) {
        if (std::system(command.c_str()) != 0) state.SkipWithError("soffice failed");
    }
}

}  // namespace

BENCHMARK(BM_RenderPdf)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RawPangoCairo)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReportPdfCommand)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_LibreOfficeConvert)->Unit(benchmark::kMillisecond)->Iterations(3);

BENCHMARK_MAIN();
