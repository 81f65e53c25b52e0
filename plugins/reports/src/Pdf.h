// The family's plan summary as a PDF (A4, Pango/Cairo), from the composed
// report: no store, no wx, so tests and benchmarks call it directly.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace reports {

// report: {"title", "subtitle", "practice": {"name", "practitioner", "address",
// "phone", "email"}, "sections": [{"title", "blocks": [...]}], "closing": [...]}
// where blocks follow schemas/report-document.schema.json.
// Throws std::runtime_error when Cairo cannot make the document.
struct Pdf {
    std::string bytes;
    int pages = 0;
};
Pdf renderPdf(const nlohmann::json& report);

// The same pages as pictures for a preview: exactly what the PDF shows, drawn
// by Cairo at `scale` pixels per point. Each page is RGB, 3 bytes a pixel.
struct PageImage {
    int width = 0, height = 0;
    std::string rgb;
};
std::vector<PageImage> renderPageImages(const nlohmann::json& report, double scale);

}  // namespace reports
