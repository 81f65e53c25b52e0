// The family's plan summary as a PDF (A4, Pango/Cairo), from the composed
// report: no store, no wx, so tests and benchmarks call it directly.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

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

}  // namespace reports
