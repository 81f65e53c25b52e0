#include "Charts.h"

#include <wx/dcbuffer.h>
#include <wx/graphics.h>
#include <wx/settings.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <memory>

namespace elim {

namespace {

// Phase colours: pale enough for text on top, distinct in grey print.
wxColour phaseColour(const std::string& kind) {
    if (kind == "baseline") return wxColour(0xE8, 0xE8, 0xE8);
    if (kind == "elimination") return wxColour(0xFD, 0xE6, 0xC8);
    if (kind == "reintroduction") return wxColour(0xD6, 0xE9, 0xF8);
    return wxColour(0xDD, 0xF0, 0xD8);  // maintenance
}

wxColour blockColour(BlockState s) {
    switch (s) {
        case BlockState::Tolerated: return wxColour(0x3C, 0x9A, 0x5F);
        case BlockState::Reacted:
        case BlockState::Stopped: return wxColour(0xC6, 0x3B, 0x3B);
        case BlockState::Held: return wxColour(0xC9, 0x9A, 0x2E);
        case BlockState::Current: return wxColour(0x2A, 0x6F, 0xB5);
        case BlockState::AwaitingDecision: return wxColour(0xE0, 0x8A, 0x1E);
        case BlockState::Planned:
        case BlockState::Paused: break;
    }
    return wxColour(0x9D, 0xBC, 0xDC);
}

struct Axis {
    Day from, to;
    double left, right;
    double x(Day d) const { return left + (right - left) * double(d - from) / double(std::max(1, to - from)); }
    double width(int days) const { return (right - left) * double(days) / double(std::max(1, to - from)); }
};

void monthTicks(wxGraphicsContext& gc, const Axis& axis, double y, double top, const wxFont& font) {
    gc.SetFont(font, wxColour(0x55, 0x55, 0x55));
    gc.SetPen(wxPen(wxColour(0xCC, 0xCC, 0xCC), 1));
    int span = axis.to - axis.from;
    int stepMonths = span > 1200 ? 6 : span > 500 ? 3 : span > 150 ? 1 : 0;
    double lastX = -1e9;
    for (Day d = axis.from; d <= axis.to; ++d) {
        std::string iso = isoDay(d);
        bool mark = stepMonths == 0 ? (d - axis.from) % 7 == 0
                                    : iso.substr(8) == "01" && (std::stoi(iso.substr(5, 2)) - 1) % stepMonths == 0;
        if (!mark) continue;
        double x = axis.x(d);
        if (x - lastX < 48) continue;
        lastX = x;
        gc.StrokeLine(x, top, x, y);
        gc.DrawText(wxString::FromUTF8(displayDay(d, stepMonths >= 3 || iso.substr(5, 2) == "01")), x + 2, y + 1);
    }
}

}  // namespace

// --------------------------------------------------------------- timeline --

TimelinePanel::TimelinePanel(wxWindow* parent) : wxPanel(parent, wxID_ANY) {
    SetName("protocol-timeline");
    SetBackgroundStyle(wxBG_STYLE_PAINT);
    SetMinSize(FromDIP(wxSize(400, 118)));
    Bind(wxEVT_PAINT, [this](wxPaintEvent&) { paint(); });
    Bind(wxEVT_SIZE, [this](wxSizeEvent& e) {
        Refresh();
        e.Skip();
    });
}

void TimelinePanel::set(const Protocol& protocol, const Plan& plan, const Schedule& schedule, Day today) {
    protocol_ = protocol;
    plan_ = plan;
    schedule_ = schedule;
    today_ = today;
    Refresh();
}

void TimelinePanel::clear() {
    protocol_.reset();
    Refresh();
}

void TimelinePanel::paint() {
    wxAutoBufferedPaintDC dc(this);
    dc.SetBackground(wxBrush(wxSystemSettings::GetColour(wxSYS_COLOUR_WINDOW)));
    dc.Clear();
    if (!protocol_) return;
    std::unique_ptr<wxGraphicsContext> gc(wxGraphicsContext::Create(dc));
    if (!gc) return;
    wxSize size = GetClientSize();
    // An open pause leaves the rest undated: the axis ends a little after today.
    Day last = scheduled(schedule_.end) ? schedule_.end : today_ + 14;
    Axis axis{plan_.start - 1, std::max(last, today_) + 2, double(FromDIP(8)), double(size.x - FromDIP(8))};
    wxFont font = GetFont();
    wxFont small = font.Smaller();
    double bandTop = FromDIP(4), bandH = FromDIP(26), blockTop = bandTop + bandH + FromDIP(6), blockH = FromDIP(40);
    double axisY = blockTop + blockH + FromDIP(8);

    for (const PhaseSpan& p : schedule_.phases) {
        if (p.end < p.start || !scheduled(p.start)) continue;
        Day end = std::min(p.end, axis.to);
        double x = axis.x(p.start), w = axis.width(end - p.start + 1);
        gc->SetBrush(wxBrush(phaseColour(p.kind)));
        gc->SetPen(wxPen(phaseColour(p.kind).ChangeLightness(80), 1));
        gc->DrawRectangle(x, bandTop, w, bandH);
        gc->SetFont(font, wxColour(0x22, 0x22, 0x22));
        wxString label = wxString::FromUTF8(p.title);
        double tw, th;
        gc->GetTextExtent(label, &tw, &th);
        if (tw + 8 < w) gc->DrawText(label, x + 4, bandTop + (bandH - th) / 2);
    }
    // Pauses: grey over both rows.
    for (const Pause& pause : plan_.pauses) {
        Day until = pause.resumed ? *pause.resumed - 1 : axis.to;  // open: to the edge, the rest has no date
        gc->SetBrush(wxBrush(wxColour(0x80, 0x80, 0x80, 0x70), wxBRUSHSTYLE_SOLID));
        gc->SetPen(*wxTRANSPARENT_PEN);
        gc->DrawRectangle(axis.x(pause.from), bandTop, axis.width(until - pause.from + 1), blockTop + blockH - bandTop);
        if (!pause.resumed) {
            gc->SetFont(font, wxColour(0x33, 0x33, 0x33));
            gc->DrawText("paused", axis.x(pause.from) + 4, blockTop + 4);
        }
    }
    for (const Block& b : schedule_.blocks) {
        if (!scheduled(b.start)) continue;
        double x = axis.x(b.start), w = std::max(2.0, axis.width(b.end - b.start + 1) - 1);
        wxColour c = blockColour(b.state);
        bool filled = b.state != BlockState::Planned;
        gc->SetBrush(filled ? wxBrush(c) : wxBrush(c.ChangeLightness(170)));
        gc->SetPen(wxPen(c.ChangeLightness(70), 1));
        gc->DrawRoundedRectangle(x, blockTop, w, blockH, 3);
        // Dose days get a tick whose height follows the dose.
        double maxDose = *std::max_element(b.doses.begin(), b.doses.end());
        gc->SetPen(wxPen(filled ? wxColour(255, 255, 255) : c.ChangeLightness(60), 2));
        for (size_t i = 0; i < b.doses.size(); ++i) {
            double dx = axis.x(b.start + int(i) * b.daysPerDose) + 2;
            double h = (blockH / 2 - 4) * b.doses[i] / maxDose;
            gc->StrokeLine(dx, blockTop + blockH - 3, dx, blockTop + blockH - 3 - h);
        }
        std::string label = b.ladder ? std::to_string(b.step + 1) : b.title.substr(0, b.title.find(' '));
        wxString text = wxString::FromUTF8(label);
        double tw, th;
        gc->SetFont(small, filled ? *wxWHITE : wxColour(0x22, 0x22, 0x22));
        gc->GetTextExtent(text, &tw, &th);
        if (tw + 4 < w) gc->DrawText(text, x + (w - tw) / 2, blockTop + 3);
    }
    monthTicks(*gc, axis, axisY, axisY - 4, small);
    if (today_ >= axis.from && today_ <= axis.to) {
        double x = axis.x(today_) + axis.width(1) / 2;
        gc->SetPen(wxPen(wxColour(0xD0, 0x20, 0x20), 2));
        gc->StrokeLine(x, bandTop - 2, x, blockTop + blockH + 2);
        gc->SetFont(small, wxColour(0xD0, 0x20, 0x20));
        gc->DrawText("today", x + 3, blockTop + blockH - 2);
    }
}

// ------------------------------------------------------------------ trend --

TrendChart::TrendChart(wxWindow* parent) : wxPanel(parent, wxID_ANY) {
    SetName("protocol-trend");
    SetBackgroundStyle(wxBG_STYLE_PAINT);
    SetMinSize(FromDIP(wxSize(400, 230)));
    Bind(wxEVT_PAINT, [this](wxPaintEvent&) { paint(); });
    Bind(wxEVT_SIZE, [this](wxSizeEvent& e) {
        Refresh();
        e.Skip();
    });
}

void TrendChart::set(std::vector<Series> scores, std::vector<DiaryDay> diary, const Schedule& schedule, Day today) {
    std::erase_if(scores, [](const Series& s) { return s.points.empty(); });
    for (Series& s : scores)
        for (const Point& p : s.points) s.max = std::max(s.max, p.value);  // never off the top
    scores_ = std::move(scores);
    diary_ = std::move(diary);
    schedule_ = schedule;
    today_ = today;
    empty_ = scores_.empty() && diary_.empty();
    // What is charted, in words (also for a screen reader).
    std::string charted;
    for (const Series& series : scores_)
        charted += (charted.empty() ? "" : ", ") + series.label + " (" + std::to_string(series.points.size()) +
                   (series.points.size() == 1 ? " score)" : " scores)");
    if (!diary_.empty()) charted += std::string(charted.empty() ? "" : ", ") + "itch and sleep from the diary";
    wxString tip = charted.empty() ? wxString() : wxString::FromUTF8("Charted: " + charted);
    if (tip != GetToolTipText()) SetToolTip(tip);
    Refresh();
}

void TrendChart::clear() {
    empty_ = true;
    if (!GetToolTipText().empty()) SetToolTip(wxString());
    scores_.clear();
    diary_.clear();
    Refresh();
}

void TrendChart::paint() {
    wxAutoBufferedPaintDC dc(this);
    dc.SetBackground(wxBrush(wxSystemSettings::GetColour(wxSYS_COLOUR_WINDOW)));
    dc.Clear();
    std::unique_ptr<wxGraphicsContext> gc(wxGraphicsContext::Create(dc));
    if (!gc) return;
    wxFont font = GetFont(), small = GetFont().Smaller();
    wxSize size = GetClientSize();
    if (empty_) {
        gc->SetFont(font, wxColour(0x66, 0x66, 0x66));
        gc->DrawText("No diary entries or questionnaire scores yet: the trend appears as they come in.", FromDIP(8), FromDIP(8));
        return;
    }
    Day from = today_, to = today_;
    for (const Series& series : scores_)
        for (const Point& p : series.points) from = std::min(from, p.day);
    for (const DiaryDay& d : diary_) from = std::min(from, d.day);
    if (!schedule_.phases.empty()) from = std::min(from, schedule_.phases.front().start);
    from -= 1;
    to += 1;
    double left = FromDIP(34), right = size.x - FromDIP(34), top = FromDIP(26), bottom = size.y - FromDIP(22);
    Axis axis{from, to, left, right};
    // The left axis is the first questionnaire's range; the others are scaled to it.
    auto yScore = [&](double v, double max) { return bottom - (bottom - top) * v / (max > 0 ? max : 1.0); };
    double leftMax = scores_.empty() ? 0 : scores_.front().max;
    auto yDaily = [&](double v) { return bottom - (bottom - top) * v / 10.0; };

    // Phases shaded, challenge days marked along the bottom.
    for (const PhaseSpan& p : schedule_.phases) {
        if (p.end < p.start || p.end < from || p.start > to) continue;
        Day a = std::max(p.start, from), b = std::min(p.end, to);
        gc->SetBrush(wxBrush(phaseColour(p.kind)));
        gc->SetPen(*wxTRANSPARENT_PEN);
        gc->DrawRectangle(axis.x(a), top, axis.width(b - a + 1), bottom - top);
    }
    for (const Block& b : schedule_.blocks) {
        if (b.start > to || b.start > today_) continue;
        gc->SetBrush(wxBrush(blockColour(b.state)));
        gc->SetPen(*wxTRANSPARENT_PEN);
        Day end = std::min(b.lastDose, to);
        gc->DrawRectangle(axis.x(b.start), bottom - FromDIP(5), std::max(2.0, axis.width(end - b.start + 1)), FromDIP(5));
    }
    // Grid and axes.
    gc->SetFont(small, wxColour(0x55, 0x55, 0x55));
    gc->SetPen(wxPen(wxColour(0xD8, 0xD8, 0xD8), 1));
    if (leftMax > 0)
        for (int q = 0; q <= 4; ++q) {
            double v = leftMax * q / 4.0;
            gc->StrokeLine(left, yScore(v, leftMax), right, yScore(v, leftMax));
            gc->DrawText(wxString::Format("%g", std::round(v * 10) / 10), FromDIP(4), yScore(v, leftMax) - FromDIP(7));
        }
    for (int v = 0; v <= 10; v += 5) gc->DrawText(wxString::Format("%d", v), right + FromDIP(4), yDaily(v) - FromDIP(7));
    monthTicks(*gc, axis, bottom + 2, bottom, small);

    auto line = [&](const std::vector<std::pair<Day, double>>& pts, const wxColour& c, double width, auto y) {
        if (pts.empty()) return;
        wxGraphicsPath path = gc->CreatePath();
        Day previous = pts.front().first;
        path.MoveToPoint(axis.x(pts.front().first), y(pts.front().second));
        for (const auto& [d, v] : pts) {
            // A gap of more than a few days in the diary is left as a gap.
            if (d - previous > 3) path.MoveToPoint(axis.x(d), y(v));
            else path.AddLineToPoint(axis.x(d), y(v));
            previous = d;
        }
        gc->SetPen(wxPen(c, int(width)));
        gc->StrokePath(path);
    };
    std::vector<std::pair<Day, double>> itch, sleep;
    for (const DiaryDay& d : diary_) {
        if (d.itch) itch.emplace_back(d.day, *d.itch);
        if (d.sleep) sleep.emplace_back(d.day, *d.sleep);
    }
    wxColour itchColour(0xE0, 0x8A, 0x1E), sleepColour(0x8E, 0x5B, 0xB5);
    const wxColour scoreColours[] = {wxColour(0x1F, 0x4E, 0x8C), wxColour(0x1B, 0x7F, 0x5E), wxColour(0x9C, 0x3D, 0x54),
                                     wxColour(0x5B, 0x5B, 0x5B)};
    auto colourOf = [&](size_t i) { return scoreColours[i % std::size(scoreColours)]; };
    line(itch, itchColour, 1, yDaily);
    line(sleep, sleepColour, 1, yDaily);
    // A questionnaire is taken every week or so: a stronger line with its points marked.
    for (size_t k = 0; k < scores_.size(); ++k) {
        const Series& series = scores_[k];
        wxGraphicsPath path = gc->CreatePath();
        for (size_t i = 0; i < series.points.size(); ++i) {
            double px = axis.x(series.points[i].day), py = yScore(series.points[i].value, series.max);
            if (i == 0) path.MoveToPoint(px, py);
            else path.AddLineToPoint(px, py);
        }
        gc->SetPen(wxPen(colourOf(k), FromDIP(2)));
        gc->StrokePath(path);
        // The points as one path: a hundred separate ellipses cost twenty times more.
        wxGraphicsPath dots = gc->CreatePath();
        for (const Point& p : series.points) {
            dots.MoveToPoint(axis.x(p.day) + 3, yScore(p.value, series.max));
            dots.AddCircle(axis.x(p.day), yScore(p.value, series.max), 3);
        }
        gc->SetBrush(wxBrush(colourOf(k)));
        gc->FillPath(dots);
    }

    // Legend.
    double x = left;
    auto legend = [&](const wxColour& c, const wxString& label) {
        gc->SetPen(wxPen(c, FromDIP(2)));
        gc->StrokeLine(x, FromDIP(12), x + FromDIP(18), FromDIP(12));
        gc->SetFont(small, wxColour(0x22, 0x22, 0x22));
        gc->DrawText(label, x + FromDIP(22), FromDIP(5));
        double tw, th;
        gc->GetTextExtent(label, &tw, &th);
        x += FromDIP(34) + tw;
    };
    for (size_t k = 0; k < scores_.size(); ++k)
        legend(colourOf(k), wxString::FromUTF8(scores_[k].label) +
                                wxString::Format(" (0-%g, left%s)", std::round(scores_[k].max * 10) / 10,
                                                 k == 0 ? "" : ", scaled"));
    legend(itchColour, "Itch (0-10, right)");
    legend(sleepColour, "Sleep disturbance (0-10, right)");
    gc->SetFont(small, wxColour(0x55, 0x55, 0x55));
    gc->DrawText("coloured bars: challenge days", x, FromDIP(5));
}

}  // namespace elim
