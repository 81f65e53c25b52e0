#include "Pdf.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <stdexcept>
#include <vector>

namespace reports {

using nlohmann::json;

namespace {

// A4 in points; the PDF font map works at 72 dpi, so a point is a unit.
constexpr double kPageW = 595.28, kPageH = 841.89;
constexpr double kMargin = 54, kTop = 50, kFooter = 40;
constexpr double kContentW = kPageW - 2 * kMargin;

struct Rgb {
    double r, g, b;
};
constexpr Rgb kInk{0.13, 0.15, 0.17}, kQuiet{0.40, 0.43, 0.46}, kAccent{0.16, 0.45, 0.38}, kRule{0.80, 0.84, 0.82},
    kShade{0.91, 0.95, 0.93}, kBand{0.94, 0.94, 0.90};

void colour(cairo_t* cr, Rgb c) { cairo_set_source_rgb(cr, c.r, c.g, c.b); }

PangoFontMap* fontMap() {
    // One font map for every document: fontconfig is read once.
    static PangoFontMap* map = [] {
        PangoFontMap* m = pango_cairo_font_map_new();
        pango_cairo_font_map_set_resolution(PANGO_CAIRO_FONT_MAP(m), 72);
        return m;
    }();
    return map;
}

using Layout = std::unique_ptr<PangoLayout, decltype(&g_object_unref)>;

struct Style {
    double size = 10.5;
    bool bold = false;
    Rgb ink = kInk;
    double spacing = 1.25;  // line height as a multiple of the size
};

// Pages are recorded first and written to the PDF at the end, when the
// number of pages is known ("page x of y").
// Text without U+202A-U+202E (UTF-8 E2 80 AA..AE).
std::string withoutBidiOverrides(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        if (i + 2 < text.size() && text[i] == '\xE2' && text[i + 1] == '\x80' &&
            static_cast<unsigned char>(text[i + 2]) >= 0xAA && static_cast<unsigned char>(text[i + 2]) <= 0xAE) {
            i += 2;
            continue;
        }
        out += text[i];
    }
    return out;
}

class Writer {
public:
    Writer() : context_(pango_font_map_create_context(fontMap()), g_object_unref) {
        pango_context_set_base_gravity(context_.get(), PANGO_GRAVITY_SOUTH);
        cairo_font_options_t* options = cairo_font_options_create();
        cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
        cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE);
        pango_cairo_context_set_font_options(context_.get(), options);
        cairo_font_options_destroy(options);
        newPage();
    }
    ~Writer() {
        for (Page& p : pages_) {
            cairo_destroy(p.cr);
            cairo_surface_destroy(p.surface);
        }
    }

    Layout layout(const std::string& text, const Style& style, double width) {
        Layout l(pango_layout_new(context_.get()), g_object_unref);
        PangoFontDescription* font = pango_font_description_from_string("DejaVu Sans");
        pango_font_description_set_absolute_size(font, style.size * PANGO_SCALE);
        if (style.bold) pango_font_description_set_weight(font, PANGO_WEIGHT_BOLD);
        pango_layout_set_font_description(l.get(), font);
        pango_font_description_free(font);
        pango_layout_set_width(l.get(), int(width * PANGO_SCALE));
        pango_layout_set_wrap(l.get(), PANGO_WRAP_WORD_CHAR);
        pango_layout_set_line_spacing(l.get(), float(style.spacing));
        // Embeddings and overrides (U+202A-U+202E) are refused where text is
        // typed; any that older records hold are dropped here, so that no
        // text can show other than it is written.
        std::string shown = withoutBidiOverrides(text);
        pango_layout_set_text(l.get(), shown.c_str(), int(shown.size()));
        return l;
    }
    static double height(PangoLayout* l) {
        int w = 0, h = 0;
        pango_layout_get_size(l, &w, &h);
        return double(h) / PANGO_SCALE;
    }

    // Flowing text: lines that do not fit go on the next page.
    void text(const std::string& text, const Style& style, double indent = 0, double after = 6) {
        Layout l = layout(text, style, kContentW - indent);
        PangoLayoutIter* it = pango_layout_get_iter(l.get());
        double pageTop = -1;  // the layout's y at the top of the current page
        do {
            PangoRectangle logical;
            pango_layout_iter_get_line_extents(it, nullptr, &logical);
            double top = double(logical.y) / PANGO_SCALE, h = double(logical.height) / PANGO_SCALE;
            if (pageTop < 0) pageTop = top;
            if (y_ + (top - pageTop) + h > bottom()) {
                y_ += top - pageTop;
                newPage();
                pageTop = top;
            }
            int baseline = pango_layout_iter_get_baseline(it);
            PangoLayoutLine* line = pango_layout_iter_get_line_readonly(it);
            colour(cr(), style.ink);
            // Lines keep their own alignment: a right-to-left paragraph
            // starts at the right edge.
            double x = kMargin + indent + double(logical.x) / PANGO_SCALE;
            cairo_move_to(cr(), x, y_ + (double(baseline) / PANGO_SCALE - pageTop));
            pango_cairo_show_layout_line(cr(), line);
            cairo_new_path(cr());
        } while (pango_layout_iter_next_line(it));
        PangoRectangle last;
        pango_layout_iter_get_line_extents(it, nullptr, &last);
        y_ += double(last.y + last.height) / PANGO_SCALE - pageTop + after;
        pango_layout_iter_free(it);
    }

    void space(double points) { y_ += points; }
    void need(double points) {
        if (y_ + points > bottom()) newPage();
    }
    double y() const { return y_; }
    void advance(double points) { y_ += points; }
    cairo_t* cr() { return pages_.back().cr; }
    int pages() const { return int(pages_.size()); }
    bool atTop() const { return y_ <= kTop + 0.5; }

    void show(PangoLayout* l, double x, double y, Rgb ink) {
        colour(cr(), ink);
        cairo_move_to(cr(), x, y);
        pango_cairo_show_layout(cr(), l);
        cairo_new_path(cr());
    }

    void newPage() {
        Page p;
        cairo_rectangle_t extent{0, 0, kPageW, kPageH};
        p.surface = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &extent);
        p.cr = cairo_create(p.surface);
        pango_cairo_update_context(p.cr, context_.get());
        pages_.push_back(p);
        y_ = kTop;
    }

    // Each page with its footer, as a picture.
    std::vector<PageImage> images(const std::string& footerLeft, double scale) {
        std::vector<PageImage> out;
        int width = int(std::ceil(kPageW * scale)), height = int(std::ceil(kPageH * scale));
        for (size_t i = 0; i < pages_.size(); ++i) {
            cairo_surface_t* image = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height);
            cairo_t* cr = cairo_create(image);
            cairo_set_source_rgb(cr, 1, 1, 1);
            cairo_paint(cr);
            cairo_scale(cr, scale, scale);
            cairo_set_source_surface(cr, pages_[i].surface, 0, 0);
            cairo_paint(cr);
            footer(cr, footerLeft, i);
            cairo_destroy(cr);
            cairo_surface_flush(image);
            PageImage page{width, height, std::string(size_t(width) * size_t(height) * 3, '\0')};
            const unsigned char* data = cairo_image_surface_get_data(image);
            int stride = cairo_image_surface_get_stride(image);
            for (int y = 0; y < height; ++y)
                for (int x = 0; x < width; ++x) {
                    uint32_t px = *reinterpret_cast<const uint32_t*>(data + y * stride + x * 4);
                    char* rgb = &page.rgb[(size_t(y) * size_t(width) + size_t(x)) * 3];
                    rgb[0] = char((px >> 16) & 0xFF), rgb[1] = char((px >> 8) & 0xFF), rgb[2] = char(px & 0xFF);
                }
            cairo_surface_destroy(image);
            out.push_back(std::move(page));
        }
        return out;
    }

    // Writes every page with its footer to a PDF in memory.
    std::string finish(const std::string& footerLeft, const std::string& title) {
        std::string bytes;
        auto write = [](void* closure, const unsigned char* data, unsigned int length) {
            static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
            return CAIRO_STATUS_SUCCESS;
        };
        cairo_surface_t* pdf = cairo_pdf_surface_create_for_stream(write, &bytes, kPageW, kPageH);
        cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_TITLE, title.c_str());
        cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_CREATOR, "Nourish");
        cairo_t* out = cairo_create(pdf);
        for (size_t i = 0; i < pages_.size(); ++i) {
            cairo_set_source_surface(out, pages_[i].surface, 0, 0);
            cairo_paint(out);
            footer(out, footerLeft, i);
            cairo_show_page(out);
        }
        cairo_destroy(out);
        cairo_surface_finish(pdf);
        cairo_status_t status = cairo_surface_status(pdf);
        cairo_surface_destroy(pdf);
        if (status != CAIRO_STATUS_SUCCESS)
            throw std::runtime_error(std::string("the PDF could not be made: ") + cairo_status_to_string(status));
        return bytes;
    }

private:
    void footer(cairo_t* out, const std::string& footerLeft, size_t i) {
        Style style{8.5, false, kQuiet, 1.0};
        pango_cairo_update_context(out, context_.get());
        Layout left = layout(footerLeft, style, kContentW * 0.7);
        Layout right = layout("page " + std::to_string(i + 1) + " of " + std::to_string(pages_.size()), style,
                              kContentW * 0.3);
        pango_layout_set_alignment(right.get(), PANGO_ALIGN_RIGHT);
        double y = kPageH - kFooter + 8;
        colour(out, kRule);
        cairo_set_line_width(out, 0.6);
        cairo_move_to(out, kMargin, y - 6);
        cairo_line_to(out, kPageW - kMargin, y - 6);
        cairo_stroke(out);
        colour(out, kQuiet);
        cairo_move_to(out, kMargin, y);
        pango_cairo_show_layout(out, left.get());
        cairo_move_to(out, kMargin + kContentW * 0.7, y);
        pango_cairo_show_layout(out, right.get());
        cairo_new_path(out);
    }

    struct Page {
        cairo_surface_t* surface = nullptr;
        cairo_t* cr = nullptr;
    };
    static double bottom() { return kPageH - kFooter - 14; }

    std::unique_ptr<PangoContext, decltype(&g_object_unref)> context_;
    std::vector<Page> pages_;
    double y_ = kTop;
};

std::string str(const json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// ------------------------------------------------------------------ blocks --

// `next`: the height of what must follow the heading on the same page.
void heading(Writer& w, const std::string& text, int level, double next = 0) {
    Style s{level <= 1 ? 15.0 : level == 2 ? 12.0 : 11.0, true, level <= 1 ? kAccent : kInk, 1.15};
    w.need(s.size * 2.2 + std::max(next, s.size));  // a heading is never alone at the bottom of a page
    if (!w.atTop()) w.space(level <= 1 ? 10 : 5);
    w.text(text, s, 0, level <= 1 ? 2 : 3);
    if (level <= 1) {
        colour(w.cr(), kRule);
        cairo_set_line_width(w.cr(), 0.8);
        cairo_move_to(w.cr(), kMargin, w.y());
        cairo_line_to(w.cr(), kPageW - kMargin, w.y());
        cairo_stroke(w.cr());
        w.space(7);
    }
}

// A framed box: what to do if the child reacts (urgent, red) or a note to
// keep (info). Kept whole on one page.
struct Callout {
    Layout title, text;
    std::vector<Layout> items;
    Layout after;
    double height = 0;
};
constexpr double kCalloutPad = 9, kCalloutBar = 4;

Callout measureCallout(Writer& w, const json& block) {
    double inner = kContentW - 2 * kCalloutPad - kCalloutBar;
    Callout c{w.layout(str(block, "title"), Style{11, true, kInk, 1.15}, inner),
              w.layout(str(block, "text"), Style{10, false, kInk, 1.25}, inner),
              {},
              w.layout(str(block, "after"), Style{10, true, kInk, 1.25}, inner),
              0};
    c.height = kCalloutPad + Writer::height(c.title.get()) + 4;
    if (!str(block, "text").empty()) c.height += Writer::height(c.text.get()) + 4;
    for (const json& item : block.value("items", json::array())) {
        if (!item.is_string()) continue;
        c.items.push_back(w.layout(item.get<std::string>(), Style{10, false, kInk, 1.25}, inner - 14));
        c.height += Writer::height(c.items.back().get()) + 3;
    }
    if (!str(block, "after").empty()) c.height += 3 + Writer::height(c.after.get()) + 3;
    c.height += kCalloutPad - 3;
    return c;
}

void callout(Writer& w, const json& block) {
    bool urgent = str(block, "tone") == "urgent";
    Callout c = measureCallout(w, block);
    w.need(c.height);
    cairo_t* cr = w.cr();
    double y = w.y(), x = kMargin + kCalloutBar + kCalloutPad;
    Rgb fill = urgent ? Rgb{0.99, 0.93, 0.92} : kShade, bar = urgent ? Rgb{0.72, 0.13, 0.10} : kAccent;
    colour(cr, fill);
    cairo_rectangle(cr, kMargin, y, kContentW, c.height);
    cairo_fill(cr);
    colour(cr, bar);
    cairo_rectangle(cr, kMargin, y, kCalloutBar, c.height);
    cairo_fill(cr);
    double at = y + kCalloutPad;
    w.show(c.title.get(), x, at, urgent ? bar : kInk);
    at += Writer::height(c.title.get()) + 4;
    if (!str(block, "text").empty()) {
        w.show(c.text.get(), x, at, kInk);
        at += Writer::height(c.text.get()) + 4;
    }
    for (Layout& item : c.items) {
        Layout dot = w.layout("•", Style{10, true, bar, 1.25}, 10);
        w.show(dot.get(), x + 1, at, bar);
        w.show(item.get(), x + 14, at, kInk);
        at += Writer::height(item.get()) + 3;
    }
    if (!str(block, "after").empty()) w.show(c.after.get(), x, at + 3, kInk);
    w.advance(c.height + 9);
}

void bullets(Writer& w, const json& items) {
    Style s;
    for (const json& item : items) {
        if (!item.is_string()) continue;
        w.need(s.size * s.spacing);
        double y = w.y();
        Layout dot = w.layout("•", s, 10);
        w.show(dot.get(), kMargin + 4, y, kAccent);
        w.text(item.get<std::string>(), s, 16, 3);
    }
    w.space(3);
}

void table(Writer& w, const json& block) {
    const json& columns = block["columns"];
    size_t n = columns.size();
    if (n == 0) return;
    // Widths from the longest text in each column, within a fair share.
    std::vector<double> want(n, 40);
    auto measure = [&](const std::string& text, size_t c) {
        want[c] = std::max(want[c], std::min(double(text.size()) * 5.6 + 12, kContentW * 0.6));
    };
    for (size_t c = 0; c < n; ++c) measure(columns[c].get<std::string>(), c);
    for (const json& row : block["rows"])
        for (size_t c = 0; c < n && c < row.size(); ++c) measure(row[c].get<std::string>(), c);
    double total = 0;
    for (double v : want) total += v;
    std::vector<double> width(n);
    for (size_t c = 0; c < n; ++c) width[c] = kContentW * want[c] / total;

    Style head{9.5, true, kInk, 1.15}, cell{9.5, false, kInk, 1.15};
    constexpr double pad = 4;
    auto layoutRow = [&](const json& values, const Style& style, double& h) {
        std::vector<Layout> cells;
        h = 0;
        for (size_t c = 0; c < n; ++c) {
            std::string text = c < values.size() && values[c].is_string() ? values[c].get<std::string>() : "";
            cells.push_back(w.layout(text, style, width[c] - 2 * pad));
            h = std::max(h, Writer::height(cells.back().get()));
        }
        h += 2 * pad;
        return cells;
    };
    auto drawRow = [&](std::vector<Layout>& cells, double h, const Style& style, bool shaded) {
        double y = w.y(), x = kMargin;
        if (shaded) {
            colour(w.cr(), kShade);
            cairo_rectangle(w.cr(), kMargin, y, kContentW, h);
            cairo_fill(w.cr());
        }
        for (size_t c = 0; c < n; ++c) {
            w.show(cells[c].get(), x + pad, y + pad, style.ink);
            x += width[c];
        }
        colour(w.cr(), kRule);
        cairo_set_line_width(w.cr(), 0.5);
        cairo_move_to(w.cr(), kMargin, y + h);
        cairo_line_to(w.cr(), kMargin + kContentW, y + h);
        cairo_stroke(w.cr());
        w.advance(h);
    };
    double headH = 0;
    auto header = layoutRow(columns, head, headH);
    // The header and the first row together, never the header alone.
    double firstH = 0;
    if (!block["rows"].empty()) layoutRow(block["rows"][0], cell, firstH);
    w.need(headH + firstH);
    drawRow(header, headH, head, true);
    for (const json& row : block["rows"]) {
        double h = 0;
        auto cells = layoutRow(row, cell, h);
        if (w.y() + h > kPageH - kFooter - 14) {
            // On the next page, the header again first.
            w.newPage();
            drawRow(header, headH, head, true);
        }
        drawRow(cells, h, cell, false);
    }
    w.space(8);
}

int64_t dayNumber(const std::string& iso) {
    int y = 0, m = 0, d = 0;
    if (std::sscanf(iso.c_str(), "%d-%d-%d", &y, &m, &d) != 3) return 0;
    // Days from civil (Howard Hinnant's algorithm).
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

// A line chart: series over dates, shaded bands (phases), markers (challenges).
void chart(Writer& w, const json& block) {
    const bool hasLevels = !block.value("levels", json::array()).empty();
    const double height = hasLevels ? 190 : 170, left = 34, bottomPad = 30, topPad = hasLevels ? 32 : 18;
    w.need(height + 24);
    double x0 = kMargin + left, x1 = kMargin + kContentW - 6;
    double top = w.y(), y0 = top + topPad, y1 = top + height - bottomPad;
    std::string title = str(block, "title");
    Style small{8, false, kQuiet, 1.0};
    if (!title.empty()) {
        Layout t = w.layout(title, Style{9.5, true, kInk, 1.0}, kContentW);
        w.show(t.get(), kMargin, top, kInk);
    }
    // The date range across every series, band and marker.
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    double vmin = block.value("y_min", 1e300), vmax = block.value("y_max", -1e300);
    bool fixedMin = block.contains("y_min"), fixedMax = block.contains("y_max");
    for (const json& s : block["series"])
        for (const json& p : s["points"]) {
            int64_t d = dayNumber(p["date"]);
            lo = std::min(lo, d), hi = std::max(hi, d);
            double v = p["value"];
            if (!fixedMin) vmin = std::min(vmin, v);
            if (!fixedMax) vmax = std::max(vmax, v);
        }
    for (const json& b : block.value("bands", json::array())) {
        lo = std::min(lo, dayNumber(b["from"]));
        hi = std::max(hi, dayNumber(b["to"]));
    }
    if (lo == INT64_MAX) {
        w.text("No values to chart yet.", Style{9.5, false, kQuiet, 1.2});
        return;
    }
    if (hi == lo) hi = lo + 1;
    if (vmin > vmax) vmin = 0, vmax = 1;
    if (vmax - vmin < 1e-9) vmax = vmin + 1;
    auto X = [&](int64_t d) { return x0 + (x1 - x0) * double(d - lo) / double(hi - lo); };
    auto Y = [&](double v) { return y1 - (y1 - y0) * (v - vmin) / (vmax - vmin); };
    cairo_t* cr = w.cr();

    // Levels of the value (what a score means) across the chart, from
    // green to red; with levels, periods are drawn as lines, not shades.
    const json levels = block.value("levels", json::array());
    Rgb levelColours[] = {{0.90, 0.96, 0.90}, {0.96, 0.97, 0.88}, {0.99, 0.94, 0.85}, {0.99, 0.89, 0.85}, {0.97, 0.84, 0.84}};
    size_t li = 0;
    for (const json& l : levels) {
        double from = std::max(vmin, l.value("from", vmin)), to = std::min(vmax, l.value("to", vmax));
        if (to < from) continue;
        double ly0 = Y(to), ly1 = Y(from);
        colour(cr, levelColours[std::min<size_t>(li++, 4)]);
        cairo_rectangle(cr, x0, ly0, x1 - x0, ly1 - ly0);
        cairo_fill(cr);
        Layout label = w.layout(str(l, "label"), Style{7, false, kQuiet, 1.0}, 120);
        pango_layout_set_alignment(label.get(), PANGO_ALIGN_RIGHT);
        int lw = 0, lh = 0;
        pango_layout_get_pixel_size(label.get(), &lw, &lh);
        if (ly1 - ly0 >= lh) w.show(label.get(), x1 - 122, ly0 + 1, kQuiet);  // at the top: clear of the grid
    }
    Rgb bandColours[] = {kBand, {0.90, 0.94, 0.97}, {0.96, 0.92, 0.90}, {0.92, 0.96, 0.92}};
    size_t bi = 0;
    for (const json& b : block.value("bands", json::array())) {
        double bx0 = X(std::max(lo, dayNumber(b["from"]))), bx1 = X(std::min(hi, dayNumber(b["to"]) + 1));
        if (levels.empty()) {
            colour(cr, bandColours[bi++ % 4]);
            cairo_rectangle(cr, bx0, y0, std::max(1.0, bx1 - bx0), y1 - y0);
            cairo_fill(cr);
        } else {
            colour(cr, kQuiet);
            cairo_set_line_width(cr, 0.6);
            cairo_move_to(cr, bx0, y0 - 2);
            cairo_line_to(cr, bx0, y1);
            cairo_stroke(cr);
        }
        Layout label = w.layout(str(b, "label"), small, std::max(20.0, bx1 - bx0 - 2));
        pango_layout_set_ellipsize(label.get(), PANGO_ELLIPSIZE_END);
        pango_layout_set_height(label.get(), -1);
        w.show(label.get(), bx0 + 2, levels.empty() ? y0 + 2 : y0 - 11, kQuiet);
    }
    // Axes, grid and the value scale.
    cairo_set_line_width(cr, 0.5);
    for (int i = 0; i <= 4; ++i) {
        double v = vmin + (vmax - vmin) * i / 4.0, y = Y(v);
        colour(cr, kRule);
        cairo_move_to(cr, x0, y);
        cairo_line_to(cr, x1, y);
        cairo_stroke(cr);
        char buffer[32];
        std::snprintf(buffer, sizeof buffer, std::abs(v - std::round(v)) < 1e-6 ? "%.0f" : "%.1f", v);
        Layout l = w.layout(buffer, small, left - 6);
        pango_layout_set_alignment(l.get(), PANGO_ALIGN_RIGHT);
        w.show(l.get(), kMargin, y - 5, kQuiet);
    }
    std::string yLabel = str(block, "y_label");
    // Date labels at the start, middle and end.
    for (int64_t d : {lo, lo + (hi - lo) / 2, hi}) {
        int64_t z = d + 719468, era = (z >= 0 ? z : z - 146096) / 146097, doe = z - era * 146097;
        int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        int64_t mp = (5 * doy + 2) / 153, day = doy - (153 * mp + 2) / 5 + 1, month = mp < 10 ? mp + 3 : mp - 9;
        static const char* names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
        Layout l = w.layout(std::to_string(day) + " " + names[month - 1], small, 60);
        double x = X(d) - (d == lo ? 0 : d == hi ? 40 : 20);
        w.show(l.get(), x, y1 + 4, kQuiet);
    }
    // Markers (challenge days) as short ticks with their label.
    for (const json& m : block.value("markers", json::array())) {
        if (!m.contains("date")) continue;
        double x = X(dayNumber(m["date"]));
        colour(cr, {0.75, 0.35, 0.20});
        cairo_set_line_width(cr, 1);
        cairo_move_to(cr, x, y1);
        cairo_line_to(cr, x, y1 - 6);
        cairo_stroke(cr);
    }
    // The series, one colour each, with a legend.
    Rgb lines[] = {kAccent, {0.20, 0.35, 0.70}, {0.70, 0.30, 0.25}, {0.45, 0.45, 0.45}};
    double legendX = kMargin + left;
    size_t si = 0;
    for (const json& s : block["series"]) {
        Rgb c = lines[si++ % 4];
        colour(cr, c);
        cairo_set_line_width(cr, 1.6);
        bool first = true;
        for (const json& p : s["points"]) {
            double x = X(dayNumber(p["date"])), y = Y(p["value"]);
            if (first) cairo_move_to(cr, x, y);
            else cairo_line_to(cr, x, y);
            first = false;
        }
        cairo_stroke(cr);
        for (const json& p : s["points"]) {
            cairo_arc(cr, X(dayNumber(p["date"])), Y(p["value"]), 1.8, 0, 2 * M_PI);
            cairo_fill(cr);
        }
        colour(cr, c);
        cairo_rectangle(cr, legendX, y1 + 17, 10, 3);
        cairo_fill(cr);
        std::string label = str(s, "name");
        if (si == 1 && !yLabel.empty() && label.find(yLabel) == std::string::npos) label += " (" + yLabel + ")";
        Layout name = w.layout(label, small, 200);
        w.show(name.get(), legendX + 14, y1 + 13, kInk);
        int pw = 0, ph = 0;
        pango_layout_get_pixel_size(name.get(), &pw, &ph);
        legendX += 14 + pw + 16;
    }
    w.advance(height + 6);
}

// How much of a block must sit on the page under a heading: two lines of a
// paragraph, a bullet, a table's header and first row, a chart or a box whole.
double firstPart(Writer& w, const json& block) {
    std::string type = str(block, "type");
    if (type == "paragraph") return 2 * 10.5 * 1.25;
    if (type == "bullets") return 10.5 * 1.25 * 2;
    if (type == "table") return 60;
    if (type == "chart") return 190 + 24;
    if (type == "callout") return measureCallout(w, block).height;
    return 0;
}

void blocks(Writer& w, const json& list) {
    for (size_t i = 0; i < list.size(); ++i) {
        const json& b = list[i];
        std::string type = str(b, "type");
        // Inside a section a heading is at least level 2: level 1 is the section's own.
        if (type == "heading")
            heading(w, str(b, "text"), std::max(2, b.value("level", 2)), i + 1 < list.size() ? firstPart(w, list[i + 1]) : 0);
        else if (type == "paragraph") w.text(str(b, "text"), Style{});
        else if (type == "bullets") bullets(w, b.value("items", json::array()));
        else if (type == "table") table(w, b);
        else if (type == "chart") chart(w, b);
        else if (type == "callout") callout(w, b);
    }
}

}  // namespace

namespace {

std::string footerText(const json& report) {
    std::string name = str(report.value("practice", json::object()), "name");
    return name.empty() ? str(report, "title") : name;
}

void draw(Writer& w, const json& report) {
    const json& practice = report.value("practice", json::object());
    // The practice at the top, then the title and who it is for.
    std::string name = str(practice, "name");
    std::string details;
    for (const char* key : {"practitioner", "address", "phone", "email"}) {
        std::string v = str(practice, key);
        for (size_t at = v.find('\n'); at != std::string::npos; at = v.find('\n', at)) v.replace(at, 1, ", ");
        if (!v.empty()) details += (details.empty() ? "" : "  ·  ") + v;
    }
    if (!name.empty()) w.text(name, Style{11, true, kAccent, 1.1}, 0, 1);
    if (!details.empty()) w.text(details, Style{8.5, false, kQuiet, 1.2}, 0, 14);
    w.text(str(report, "title"), Style{20, true, kInk, 1.1}, 0, 2);
    if (!str(report, "subtitle").empty()) w.text(str(report, "subtitle"), Style{10, false, kQuiet, 1.2}, 0, 6);
    for (const json& section : report.value("sections", json::array())) {
        const json& inner = section.value("blocks", json::array());
        double next = inner.empty() ? 0 : firstPart(w, inner[0]);
        if (!inner.empty() && str(inner[0], "type") == "heading" && inner.size() > 1) next = 30 + firstPart(w, inner[1]);
        heading(w, str(section, "title"), 1, next);
        blocks(w, section.value("blocks", json::array()));
    }
    const json& closing = report.value("closing", json::array());
    if (!closing.empty()) {
        w.space(6);
        blocks(w, closing);
    }
}

}  // namespace

Pdf renderPdf(const json& report) {
    Writer w;
    draw(w, report);
    Pdf pdf;
    pdf.bytes = w.finish(footerText(report), str(report, "title"));
    pdf.pages = w.pages();
    return pdf;
}

std::vector<PageImage> renderPageImages(const json& report, double scale) {
    Writer w;
    draw(w, report);
    return w.images(footerText(report), scale);
}

}  // namespace reports
