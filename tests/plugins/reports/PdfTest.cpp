// The plan summary PDF on its own: a valid file (qpdf), text that can be
// extracted in every script, page numbers, tables that break across pages
// with their header, and page 1 compared with a reference picture.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "Pdf.h"
#include "support/Process.h"
#include "support/TempDir.h"

using nlohmann::json;
using nourish::test::runProcess;

namespace {

json sampleReport(int extraRows = 0) {
    json rows = json::array();
    for (int i = 0; i < 6 + extraRows; ++i)
        rows.push_back({"Step " + std::to_string(i + 1), "a quarter, a half, three quarters, then the whole portion"});
    json points = json::array();
    for (int i = 0; i < 10; ++i)
        points.push_back({{"date", "2026-09-" + std::string(i < 9 ? "0" : "") + std::to_string(i + 1)},
                          {"value", 20 - i * 1.5}});
    json about = json::array();
    about.push_back({{"type", "paragraph"}, {"text", "Zoë Müller, Minh Nguyễn, Freja Ørsted and 🌿 herbs."}});
    about.push_back({{"type", "paragraph"}, {"text", "נועה כהן"}});
    about.push_back({{"type", "paragraph"}, {"text", "يوسف العلي"}});
    about.push_back({{"type", "bullets"}, {"items", json::array({"Salmon, chia and flax — omega-3", "Carrot and sweet potato"})}});
    json plan = json::array();
    plan.push_back({{"type", "heading"}, {"level", 2}, {"text", "The ladder"}});
    plan.push_back({{"type", "table"}, {"columns", json::array({"Step", "How much"})}, {"rows", rows}});
    json series = json::array();
    series.push_back({{"name", "POEM"}, {"points", points}});
    json bands = json::array();
    bands.push_back({{"label", "Elimination"}, {"from", "2026-09-01"}, {"to", "2026-09-05"}});
    json levels = json::array({json{{"label", "Clear"}, {"from", 0}, {"to", 2.5}}, json{{"label", "Mild"}, {"from", 2.5}, {"to", 7.5}},
                               json{{"label", "Moderate"}, {"from", 7.5}, {"to", 16.5}},
                               json{{"label", "Severe"}, {"from", 16.5}, {"to", 28}}});
    plan.push_back({{"type", "chart"}, {"title", "POEM over time"}, {"y_min", 0}, {"y_max", 28}, {"series", series},
                    {"bands", bands}, {"levels", levels}});
    plan.push_back({{"type", "callout"},
                    {"tone", "urgent"},
                    {"title", "Call 999 at once if Zoë has any of these"},
                    {"items", json::array({"Swelling of the tongue or throat", "Difficult or noisy breathing"})},
                    {"after", "Say \"anaphylaxis\"."}});
    json sections = json::array();
    sections.push_back({{"title", "About Zoë"}, {"blocks", about}});
    sections.push_back({{"title", "Your plan"}, {"blocks", plan}});
    json closing = json::array();
    closing.push_back({{"type", "paragraph"}, {"text", "Questions? hello@littleroots.example.org"}});
    json practice = {{"name", "Little Roots Nutrition"},
                     {"practitioner", "Claire Hughes"},
                     {"address", "12 Orchard Lane\nBristol"},
                     {"email", "hello@littleroots.example.org"}};
    return {{"title", "Plan summary for Zoë Müller"},
            {"subtitle", "Prepared on 26 November 2026 by Claire Hughes"},
            {"practice", practice},
            {"sections", sections},
            {"closing", closing}};
}

std::string run(const std::string& program, const std::vector<std::string>& args) {
    auto r = runProcess(program, args);
    EXPECT_EQ(r.exitCode, 0) << program << ": " << r.error;
    return r.output;
}

// A binary PGM (P5) as width, height and grey values.
struct Pgm {
    int width = 0, height = 0;
    std::string pixels;
};
Pgm readPgm(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    Pgm p;
    std::string magic;
    int max = 0;
    in >> magic >> p.width >> p.height >> max;
    in.get();
    p.pixels.resize(size_t(p.width) * size_t(p.height));
    in.read(p.pixels.data(), std::streamsize(p.pixels.size()));
    if (magic != "P5" || !in) p = Pgm{};
    return p;
}

}  // namespace

TEST(Pdf, AValidFileWhoseTextCanBeExtractedInEveryScript) {
    nourish::test::TempDir dir;
    reports::Pdf pdf = reports::renderPdf(sampleReport());
    ASSERT_GT(pdf.bytes.size(), 1000u);
    nourish::test::writeFile(dir / "s.pdf", pdf.bytes);
    auto check = runProcess("qpdf", {"--check", (dir / "s.pdf").string()});
    EXPECT_EQ(check.exitCode, 0) << check.output << check.error;
    std::string text = run("pdftotext", {(dir / "s.pdf").string(), "-"});
    for (const char* expected : {"Plan summary for Zoë Müller", "Minh Nguyễn", "Freja Ørsted", "About Zoë", "The ladder",
                                 "How much", "POEM over time", "Little Roots Nutrition", "12 Orchard Lane, Bristol",
                                 "page 1 of 1"})
        EXPECT_NE(text.find(expected), std::string::npos) << expected << "\n" << text;
    // Right-to-left names are there in logical order (pdftotext may put a
    // space between glyph clusters and adds direction marks).
    std::string bare;
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == ' ') continue;
        if (text.compare(i, 3, "\u202B") == 0 || text.compare(i, 3, "\u202C") == 0) {
            i += 2;
            continue;
        }
        bare += text[i];
    }
    for (std::string name : {"נועהכהן", "يوسفالعلي"}) EXPECT_NE(bare.find(name), std::string::npos) << name << "\n" << text;
    std::string fonts = run("pdffonts", {(dir / "s.pdf").string()});
    EXPECT_NE(fonts.find("DejaVuSans"), std::string::npos) << fonts;
    // The emoji comes from the colour emoji font by fallback, drawn as an image.
    std::string images = run("pdfimages", {"-list", (dir / "s.pdf").string()});
    EXPECT_NE(images.find("image"), std::string::npos) << images;
    EXPECT_EQ(pdf.pages, 1);
}

TEST(Pdf, ALongTableGoesOnToTheNextPageWithItsHeader_PagesAreNumbered) {
    nourish::test::TempDir dir;
    reports::Pdf pdf = reports::renderPdf(sampleReport(60));
    ASSERT_GE(pdf.pages, 2);
    nourish::test::writeFile(dir / "long.pdf", pdf.bytes);
    EXPECT_EQ(runProcess("qpdf", {"--check", (dir / "long.pdf").string()}).exitCode, 0);
    std::string info = run("pdfinfo", {(dir / "long.pdf").string()});
    size_t at = info.find("Pages:");
    ASSERT_NE(at, std::string::npos) << info;
    EXPECT_EQ(std::stoi(info.substr(at + 6)), pdf.pages) << info;
    std::string last = std::to_string(pdf.pages);
    std::string page2 = run("pdftotext", {"-f", "2", "-l", "2", (dir / "long.pdf").string(), "-"});
    EXPECT_NE(page2.find("Step"), std::string::npos);
    EXPECT_NE(page2.find("How much"), std::string::npos) << "the header is repeated";
    EXPECT_NE(page2.find("page 2 of " + last), std::string::npos) << page2;
}

TEST(Pdf, ANearlyEmptyReportIsStillOneValidPage) {
    nourish::test::TempDir dir;
    reports::Pdf pdf = reports::renderPdf({{"title", "Plan summary for Bo"}, {"sections", json::array()}});
    EXPECT_EQ(pdf.pages, 1);
    nourish::test::writeFile(dir / "e.pdf", pdf.bytes);
    EXPECT_EQ(runProcess("qpdf", {"--check", (dir / "e.pdf").string()}).exitCode, 0);
    EXPECT_NE(run("pdftotext", {(dir / "e.pdf").string(), "-"}).find("Plan summary for Bo"), std::string::npos);
}

// Page 1 as a small grey picture, against the reference in golden/: a changed
// layout shows up here. NOURISH_UPDATE_GOLDEN=1 writes a new reference (look
// at it first: pdftoppm -png).
TEST(Pdf, PageOneLooksLikeTheReference) {
    nourish::test::TempDir dir;
    nourish::test::writeFile(dir / "g.pdf", reports::renderPdf(sampleReport()).bytes);
    run("pdftoppm", {"-r", "40", "-gray", "-f", "1", "-l", "1", "-singlefile", (dir / "g.pdf").string(),
                     (dir / "page").string()});
    std::filesystem::path golden = std::filesystem::path(REPORTS_GOLDEN_DIR) / "summary-page1.pgm";
    if (std::getenv("NOURISH_UPDATE_GOLDEN")) std::filesystem::copy_file(dir / "page.pgm", golden,
                                                                         std::filesystem::copy_options::overwrite_existing);
    Pgm now = readPgm(dir / "page.pgm"), reference = readPgm(golden);
    ASSERT_GT(reference.width, 0) << "no reference picture at " << golden;
    ASSERT_EQ(now.width, reference.width);
    ASSERT_EQ(now.height, reference.height);
    double total = 0;
    size_t differing = 0;
    for (size_t i = 0; i < now.pixels.size(); ++i) {
        int d = std::abs(int(static_cast<unsigned char>(now.pixels[i])) - int(static_cast<unsigned char>(reference.pixels[i])));
        total += d;
        differing += d > 64;
    }
    double mean = total / double(now.pixels.size());
    // Tolerant: anti-aliasing may differ a little; a moved block does not.
    EXPECT_LT(mean, 2.0);
    EXPECT_LT(double(differing) / double(now.pixels.size()), 0.01) << differing << " pixels differ clearly";
}

// A heading is never the last thing on a page, and a box is never cut in two:
// whatever comes before them, the heading's page holds the table that follows
// it, and the box's title and last line share a page.
TEST(Pdf, AHeadingKeepsWithWhatFollows_ABoxStaysWhole) {
    nourish::test::TempDir dir;
    for (int before = 20; before <= 60; ++before) {
        json blocks = json::array();
        for (int i = 0; i < before; ++i) blocks.push_back({{"type", "paragraph"}, {"text", "Line " + std::to_string(i)}});
        blocks.push_back({{"type", "heading"}, {"level", 2}, {"text", "Keep with me"}});
        blocks.push_back({{"type", "table"}, {"columns", json::array({"Column A", "Column B"})},
                          {"rows", json::array({json::array({"a", "b"})})}});
        for (int i = 0; i < 8; ++i) blocks.push_back({{"type", "paragraph"}, {"text", "More " + std::to_string(i)}});
        blocks.push_back({{"type", "callout"},
                          {"tone", "urgent"},
                          {"title", "Box title"},
                          {"items", json::array({"one", "two", "three", "four", "five", "six"})},
                          {"after", "Box end"}});
        json report = {{"title", "T"}, {"sections", json::array({json{{"title", "S"}, {"blocks", blocks}}})}};
        reports::Pdf pdf = reports::renderPdf(report);
        nourish::test::writeFile(dir / "k.pdf", pdf.bytes);
        for (int page = 1; page <= pdf.pages; ++page) {
            std::string t = run("pdftotext", {"-f", std::to_string(page), "-l", std::to_string(page), (dir / "k.pdf").string(), "-"});
            if (t.find("Keep with me") != std::string::npos)
                EXPECT_NE(t.find("Column A"), std::string::npos) << before << " paragraphs before: the heading is alone on page " << page;
            if (t.find("Box title") != std::string::npos)
                EXPECT_NE(t.find("Box end"), std::string::npos) << before << " paragraphs before: the box is cut on page " << page;
        }
    }
}
