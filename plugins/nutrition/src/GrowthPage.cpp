#include "GrowthPage.h"

#include <wx/wx.h>
#include <wx/dcbuffer.h>
#include <wx/graphics.h>
#include <wx/listctrl.h>
#include <wx/settings.h>
#include <wx/statline.h>
#include <wx/wupdlock.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>

#include "Check.h"
#include "Measurements.h"
#include "nourish/family.hpp"
#include "nourish/wx_dialogs.hpp"

namespace nutrition {

namespace {

using nourish::wxui::kQuietInk;
using nourish::wxui::kWarningInk;
using nourish::wxui::u8;
using nourish::wxui::utf8;

const EntryNames kDialogNames{"Date", "How measured", "Weight", "Length", "Height", "Head circumference"};
const char* kMethods[] = {"clinic", "home", "reported"};

wxString ageText(int days) {
    double months = monthsOfAge(days);
    if (months < 24) return u8(fixed(months, 1) + " m");
    int whole = int(months);
    return u8(std::to_string(whole / 12) + " y " + std::to_string(whole % 12) + " m");
}

wxChoice* methodChoice(wxWindow* parent, const std::string& selected) {
    auto* choice = new wxChoice(parent, wxID_ANY);
    for (const char* m : kMethods) choice->Append(u8(methodText(m)));
    int at = 0;
    for (int i = 0; i < 3; ++i)
        if (selected == kMethods[i]) at = i;
    choice->SetSelection(at);
    return choice;
}

std::optional<std::string> typed(wxTextCtrl* text) {
    std::string value = utf8(text->GetValue());
    value.erase(0, value.find_first_not_of(" \t"));
    value.erase(value.find_last_not_of(" \t") + 1);
    if (value.empty()) return std::nullopt;
    return value;
}

// The chart: reference lines (named at the right edge), the child's points
// joined in date order, the axes.
class GrowthChart : public wxPanel {
public:
    explicit GrowthChart(wxWindow* parent) : wxPanel(parent, wxID_ANY) {
        SetName("growth-chart");
        SetBackgroundStyle(wxBG_STYLE_PAINT);
        SetMinSize(FromDIP(wxSize(420, 150)));
        Bind(wxEVT_PAINT, [this](wxPaintEvent&) { paint(); });
        Bind(wxEVT_SIZE, [this](wxSizeEvent& e) {
            Refresh();
            e.Skip();
        });
    }
    void set(Chart chart) {
        chart_ = std::move(chart);
        shown_ = true;
        Refresh();
    }
    void clear() {
        shown_ = false;
        Refresh();
    }
    const Chart& chart() const { return chart_; }

private:
    void paint() {
        wxAutoBufferedPaintDC dc(this);
        dc.SetBackground(wxBrush(wxSystemSettings::GetColour(wxSYS_COLOUR_WINDOW)));
        dc.Clear();
        if (!shown_) return;
        std::unique_ptr<wxGraphicsContext> gc(wxGraphicsContext::Create(dc));
        if (!gc) return;
        const Chart& c = chart_;
        wxFont font = GetFont(), small = GetFont().Smaller();
        wxSize size = GetClientSize();
        double left = FromDIP(48), right = size.x - FromDIP(58), top = FromDIP(12), bottom = size.y - FromDIP(40);
        if (right - left < 60 || bottom - top < 60) return;
        auto px = [&](double x) { return left + (x - c.xMin) / (c.xMax - c.xMin) * (right - left); };
        auto py = [&](double y) { return bottom - (y - c.yMin) / (c.yMax - c.yMin) * (bottom - top); };

        // Grid and axes.
        double xStep = c.id == "weight-for-length-height" ? 5 : (c.xMax - c.xMin) > 36 ? 6 : 3;
        // Grid lines at least 16 pixels apart.
        double yStep = 0.5;
        for (double step : {0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0}) {
            yStep = step;
            if ((bottom - top) * step / (c.yMax - c.yMin) >= FromDIP(16)) break;
        }
        gc->SetFont(small, kQuietInk);
        gc->SetPen(wxPen(wxColour(0xE6, 0xE6, 0xE6)));
        double w = 0, h = 0;
        for (double x = std::ceil(c.xMin / xStep) * xStep; x <= c.xMax + 1e-9; x += xStep) {
            gc->StrokeLine(px(x), top, px(x), bottom);
            wxString label = u8(fixed(x, 0));
            gc->GetTextExtent(label, &w, &h);
            gc->DrawText(label, px(x) - w / 2, bottom + FromDIP(3));
        }
        for (double y = std::ceil(c.yMin / yStep) * yStep; y <= c.yMax + 1e-9; y += yStep) {
            gc->StrokeLine(left, py(y), right, py(y));
            wxString label = u8(fixed(y, 0));
            gc->GetTextExtent(label, &w, &h);
            gc->DrawText(label, left - w - FromDIP(4), py(y) - h / 2);
        }
        gc->SetPen(wxPen(wxColour(0x9E, 0x9E, 0x9E)));
        gc->StrokeLine(left, bottom, right, bottom);
        gc->StrokeLine(left, top, left, bottom);
        gc->SetFont(small, kQuietInk);
        wxString xLabel = u8(c.xLabel);
        gc->GetTextExtent(xLabel, &w, &h);
        gc->DrawText(xLabel, (left + right - w) / 2, bottom + FromDIP(18));
        wxString yLabel = u8(c.yLabel);
        gc->GetTextExtent(yLabel, &w, &h);
        gc->DrawText(yLabel, FromDIP(2), top + (bottom - top + w) / 2, M_PI / 2);

        // The reference lines: the median in green, ±2 SD in red, ±3 SD in
        // grey; their names at the right edge, moved apart where they would overlap.
        struct Label {
            double y;
            wxString text;
            wxColour ink;
            double x;
        };
        std::vector<Label> labels;
        for (const ChartLine& line : c.lines) {
            bool median = line.z == 0, outer = std::abs(line.z) >= 3;
            wxColour ink = median ? wxColour(0x2E, 0x7D, 0x32) : outer ? wxColour(0x9E, 0x9E, 0x9E) : wxColour(0xC6, 0x28, 0x28);
            gc->SetPen(wxPen(ink, FromDIP(median ? 2 : 1)));
            wxGraphicsPath path = gc->CreatePath();
            for (size_t i = 0; i < line.points.size(); ++i) {
                double x = px(line.points[i].first), y = py(line.points[i].second);
                if (i == 0) path.MoveToPoint(x, y);
                else path.AddLineToPoint(x, y);
            }
            gc->StrokePath(path);
            if (!line.label.empty())
                labels.push_back({py(line.points.back().second), u8(line.label), ink, px(line.points.back().first) + FromDIP(4)});
        }
        gc->SetFont(small, kQuietInk);
        gc->GetTextExtent("Median", &w, &h);
        std::sort(labels.begin(), labels.end(), [](const Label& a, const Label& b) { return a.y > b.y; });
        for (size_t i = 1; i < labels.size(); ++i) labels[i].y = std::min(labels[i].y, labels[i - 1].y - h);
        for (const Label& l : labels) {
            gc->SetFont(small, l.ink);
            gc->DrawText(l.text, l.x, l.y - h / 2);
        }

        // The child's points.
        wxColour childInk(0x1A, 0x23, 0x7E);
        if (c.points.size() > 1) {
            gc->SetPen(wxPen(childInk, FromDIP(2)));
            wxGraphicsPath path = gc->CreatePath();
            for (size_t i = 0; i < c.points.size(); ++i) {
                if (i == 0) path.MoveToPoint(px(c.points[i].x), py(c.points[i].y));
                else path.AddLineToPoint(px(c.points[i].x), py(c.points[i].y));
            }
            gc->StrokePath(path);
        }
        gc->SetPen(*wxTRANSPARENT_PEN);
        gc->SetBrush(wxBrush(childInk));
        double r = FromDIP(4);
        for (const ChartPoint& p : c.points) gc->DrawEllipse(px(p.x) - r, py(p.y) - r, 2 * r, 2 * r);

        gc->SetFont(font, kQuietInk);
        if (c.points.empty()) {
            wxString text = "No measurements for this chart yet.";
            gc->GetTextExtent(text, &w, &h);
            gc->DrawText(text, (left + right - w) / 2, (top + bottom) / 2 - h);
        }
        if (!c.empty.empty()) {
            gc->GetTextExtent(u8(c.empty), &w, &h);
            gc->DrawText(u8(c.empty), left + FromDIP(8), top + FromDIP(4));
        }
    }

    Chart chart_;
    bool shown_ = false;
};

// Adding one date's measurements, or correcting one measurement.
class EntryDialog : public nourish::wxui::RowsDialog {
public:
    // Adding.
    EntryDialog(wxWindow* parent, GrowthStore& store, int64_t clientId)
        : RowsDialog(parent, "Add measurements", "growth-add-dialog"), store_(store), clientId_(clientId) {
        date_ = row("Date (YYYY-MM-DD)", new wxTextCtrl(this, wxID_ANY, u8(nourish::family::today())), "growth-date");
        weight_ = row("Weight (kg)", new wxTextCtrl(this, wxID_ANY), "growth-weight");
        length_ = row("Length, lying down (cm)", new wxTextCtrl(this, wxID_ANY), "growth-length");
        height_ = row("Height, standing (cm)", new wxTextCtrl(this, wxID_ANY), "growth-height");
        head_ = row("Head circumference (cm)", new wxTextCtrl(this, wxID_ANY), "growth-head");
        method_ = row("How measured", methodChoice(this, "clinic"), "growth-method");
        by_ = row("Measured by", new wxTextCtrl(this, wxID_ANY), "growth-by");
        note_ = row("Note", new wxTextCtrl(this, wxID_ANY), "growth-note");
        auto* hint = new wxStaticText(this, wxID_ANY,
                                      "Fill in what was measured today; leave the rest empty. Under 2 years a child "
                                      "is measured lying down (length), from 2 standing (height).");
        hint->SetForegroundColour(kQuietInk);
        hint->Wrap(FromDIP(440));
        sizer()->Insert(0, hint, 0, wxALL, FromDIP(12));
        finish([this] { add(); }, "Add");
    }
    // Correcting.
    EntryDialog(wxWindow* parent, GrowthStore& store, const Measurement& m)
        : RowsDialog(parent, "Correct a measurement", "growth-correct-dialog"), store_(store), before_(m) {
        date_ = row("Date (YYYY-MM-DD)", new wxTextCtrl(this, wxID_ANY, u8(m.date)), "growth-date");
        value_ = row(u8(kindText(m.kind)).Capitalize() + " (" + unitOf(m.kind) + ")",
                     new wxTextCtrl(this, wxID_ANY, u8(plainNumber(m.value))), "growth-value");
        method_ = row("How measured", methodChoice(this, m.method), "growth-method");
        by_ = row("Measured by", new wxTextCtrl(this, wxID_ANY, u8(m.measuredBy)), "growth-by");
        note_ = row("Note", new wxTextCtrl(this, wxID_ANY, u8(m.note)), "growth-note");
        reason_ = row("Reason for the change", new wxTextCtrl(this, wxID_ANY), "growth-reason");
        finish([this] { correct(); }, "Correct");
    }

private:
    Entry entry() const {
        Entry e;
        e.date = utf8(date_->GetValue()).substr(0, 40);
        e.date.erase(0, e.date.find_first_not_of(' '));
        e.date.erase(e.date.find_last_not_of(' ') + 1);
        e.method = kMethods[std::max(0, method_->GetSelection())];
        e.measuredBy = utf8(by_->GetValue());
        e.note = utf8(note_->GetValue());
        return e;
    }
    void add() {
        Entry e = entry();
        e.weight = typed(weight_);
        e.length = typed(length_);
        e.height = typed(height_);
        e.head = typed(head_);
        store_.add(clientId_, checkEntry(store_.child(clientId_), e, kDialogNames));
    }
    void correct() {
        Entry e = entry();
        auto value = typed(value_);
        EntryNames names = kDialogNames;
        names.weight = names.length = names.height = names.head = u8(kindText(before_.kind)).Capitalize().utf8_string();
        if (before_.kind == "weight") e.weight = value.value_or("");
        else if (before_.kind == "length") e.length = value.value_or("");
        else if (before_.kind == "height") e.height = value.value_or("");
        else e.head = value.value_or("");
        std::vector<std::string> problems;
        std::vector<Measurement> after;
        try {
            after = checkEntry(store_.child(store_.clientOf(before_.id)), e, names);
        } catch (const BadInput& bad) {
            problems.push_back(bad.what());
        }
        try {
            checkReason(utf8(reason_->GetValue()), "Reason for the change");
        } catch (const BadInput& bad) {
            problems.push_back(bad.what());
        }
        if (!problems.empty()) {
            std::string all;
            for (const std::string& p : problems) all += (all.empty() ? "" : "\n") + p;
            throw BadInput(all);
        }
        after[0].id = before_.id;
        Measurement a = after[0];
        if (a.date == before_.date && a.value == before_.value && a.method == before_.method &&
            a.measuredBy == before_.measuredBy && a.note == before_.note)
            throw BadInput("Nothing is changed: change the date, the value, how or by whom it was measured, or the note");
        store_.correct(before_, a, utf8(reason_->GetValue()));
    }

    GrowthStore& store_;
    int64_t clientId_ = 0;
    Measurement before_;
    wxTextCtrl *date_ = nullptr, *weight_ = nullptr, *length_ = nullptr, *height_ = nullptr, *head_ = nullptr,
               *value_ = nullptr, *by_ = nullptr, *note_ = nullptr, *reason_ = nullptr;
    wxChoice* method_ = nullptr;
};

// The measurements, newest first, as a virtual list: its texts are made
// when a row is drawn, so that five years of visits open at once.
class MeasurementList : public wxListCtrl {
public:
    explicit MeasurementList(wxWindow* parent)
        : wxListCtrl(parent, wxID_ANY, wxDefaultPosition, wxDefaultSize, wxLC_REPORT | wxLC_VIRTUAL | wxLC_SINGLE_SEL) {}
    void set(std::vector<std::array<wxString, 9>> rows) {
        rows_ = std::move(rows);
        SetItemCount(long(rows_.size()));
        Refresh();
    }
    wxString OnGetItemText(long item, long column) const override {
        if (item < 0 || size_t(item) >= rows_.size() || column < 0 || column >= 9) return {};
        return rows_[size_t(item)][size_t(column)];
    }

private:
    std::vector<std::array<wxString, 9>> rows_;
};

// "6th", "below 0.5th": the column says it is a centile.
std::string shortCentile(double z) {
    std::string text = centileText(z);
    for (const char* cut : {"the ", " centile"})
        if (auto at = text.find(cut); at != std::string::npos) text.erase(at, std::string(cut).size());
    return text;
}

const char* methodShort(const std::string& method) {
    return method == "clinic" ? "clinic" : method == "home" ? "home scales" : "parent's report";
}

int kindRank(const std::string& kind) { return kind == "weight" ? 0 : kind == "head-circumference" ? 2 : 1; }

// The page is not scrolled: the chart and the list share its height, and the
// flags above them wrap to its width.
class GrowthPage : public wxPanel {
public:
    GrowthPage(wxWindow* parent, nourish::Host host) : wxPanel(parent), host_(host), store_(host) {
        SetName("growth-page");
        Bind(wxEVT_SIZE, [this](wxSizeEvent& e) {
            wrapFlags();
            e.Skip();
        });
        auto* page = new wxBoxSizer(wxVERTICAL);

        auto* top = new wxBoxSizer(wxHORIZONTAL);
        title_ = nourish::wxui::boldLabel(this, "Growth", "growth-title");
        top->Add(title_, 1, wxALIGN_CENTER_VERTICAL);
        add_ = button(top, "Add measurements…", "growth-add", [this] { onAdd(); });
        page->Add(top, 0, wxEXPAND | wxALL, FromDIP(10));

        flags_ = new wxBoxSizer(wxVERTICAL);
        page->Add(flags_, 0, wxEXPAND | wxLEFT | wxRIGHT, FromDIP(10));

        auto* chartHead = new wxBoxSizer(wxHORIZONTAL);
        chartHead->Add(new wxStaticText(this, wxID_ANY, "Chart"), 0, wxALIGN_CENTER_VERTICAL | wxRIGHT, FromDIP(6));
        kind_ = new wxChoice(this, wxID_ANY);
        kind_->SetName("growth-chart-kind");
        for (const auto& [id, title] : chartKinds()) kind_->Append(u8(title));
        kind_->SetSelection(0);
        kind_->Bind(wxEVT_CHOICE, [this](wxCommandEvent&) { drawChart(); });
        chartHead->Add(kind_, 0, wxALIGN_CENTER_VERTICAL);
        source_ = new wxStaticText(this, wxID_ANY, "", wxDefaultPosition, wxDefaultSize, wxST_ELLIPSIZE_END);
        source_->SetName("growth-chart-source");
        source_->SetForegroundColour(kQuietInk);
        chartHead->Add(source_, 1, wxALIGN_CENTER_VERTICAL | wxLEFT, FromDIP(10));
        page->Add(chartHead, 0, wxEXPAND | wxLEFT | wxRIGHT | wxTOP, FromDIP(10));
        chart_ = new GrowthChart(this);
        page->Add(chart_, 3, wxEXPAND | wxLEFT | wxRIGHT | wxTOP, FromDIP(6));

        auto* listHead = new wxBoxSizer(wxHORIZONTAL);
        listHead->Add(nourish::wxui::boldLabel(this, "Measurements"), 1, wxALIGN_CENTER_VERTICAL);
        correct_ = button(listHead, "Correct…", "growth-correct", [this] { onCorrect(); });
        remove_ = button(listHead, "Remove…", "growth-remove", [this] { onRemove(); });
        page->Add(listHead, 0, wxEXPAND | wxLEFT | wxRIGHT | wxTOP, FromDIP(10));
        list_ = new MeasurementList(this);
        list_->SetName("growth-list");
        for (auto [title, width] : {std::pair{"Date", 90}, {"Age", 70}, {"Measurement", 145}, {"Value", 70},
                                    {"z-score", 130}, {"Centile", 90}, {"How measured", 110}, {"By", 110}, {"Note", 160}})
            list_->AppendColumn(title, wxLIST_FORMAT_LEFT, FromDIP(width));
        list_->SetMinSize(FromDIP(wxSize(400, 110)));
        list_->Bind(wxEVT_LIST_ITEM_SELECTED, [this](wxListEvent&) { enable(); });
        list_->Bind(wxEVT_LIST_ITEM_DESELECTED, [this](wxListEvent&) { enable(); });
        page->Add(list_, 2, wxEXPAND | wxALL, FromDIP(10));
        SetSizer(page);
        show(0);
        // Written elsewhere (another page, the command line): shown again,
        // with the same measurement selected.
        changes_ = host_.subscribe("nourish.store.changed", [this](const std::string&) {
            if (!clientId_) return;
            const Measurement* was = selected();
            int64_t keep = was ? was->id : 0;
            show(clientId_);
            for (size_t i = 0; keep && i < rows_.size(); ++i)
                if (rows_[i].id == keep) list_->SetItemState(long(i), wxLIST_STATE_SELECTED, wxLIST_STATE_SELECTED);
        });
    }

    void show(int64_t clientId) {
        // Read first: if the child cannot be read, the page stays as it was.
        std::optional<GrowthView> fresh;
        if (clientId != 0) fresh = store_.view(clientId);
        wxWindowUpdateLocker frozen(this);
        clientId_ = clientId;
        for (long i = list_->GetNextItem(-1, wxLIST_NEXT_ALL, wxLIST_STATE_SELECTED); i >= 0;
             i = list_->GetNextItem(i, wxLIST_NEXT_ALL, wxLIST_STATE_SELECTED))
            list_->SetItemState(i, 0, wxLIST_STATE_SELECTED);
        list_->set({});
        rows_.clear();
        flags_->Clear(true);
        wrapped_.clear();
        if (clientId == 0) {
            view_.reset();
            title_->SetLabelMarkup("<b>Growth</b>");
            chart_->clear();
            source_->SetLabel("");
            enable();
            return;
        }
        view_ = std::move(fresh);
        const GrowthView& v = *view_;
        title_->SetLabelMarkup("<b>" + nourish::wxui::escapeMarkup(u8("Growth of " + v.child.name)) + "</b>");
        if (v.flags.empty()) {
            auto* none = new wxStaticText(this, wxID_ANY,
                                          v.measurements.size() < 2 ? "Growth flags appear from two weighings on."
                                                                    : "No growth flags from these measurements.");
            none->SetName("growth-flags-none");
            none->SetForegroundColour(kQuietInk);
            flags_->Add(none, 0, wxBOTTOM, FromDIP(4));
        }
        for (const Flag& f : v.flags) {
            auto* text = new wxStaticText(this, wxID_ANY, "");
            text->SetName("growth-flag");
            text->SetForegroundColour(kWarningInk);
            text->SetFont(text->GetFont().Bold());
            text->SetToolTip(u8(f.source));
            auto* rule = new wxStaticText(this, wxID_ANY, "");
            rule->SetName("growth-flag-rule");
            rule->SetForegroundColour(kQuietInk);
            rule->SetToolTip(u8(f.source));
            wrapped_.push_back({text, u8((f.severity == "urgent" ? "Urgent: " : "") + f.text)});
            wrapped_.push_back({rule, u8("Rule: " + f.cite + " (hover for the rule in full)")});
            flags_->Add(text, 0, wxTOP, FromDIP(2));
            flags_->Add(rule, 0, wxBOTTOM, FromDIP(4));
        }
        showNutrition(clientId);
        wrapFlags();
        // Newest first: the latest measurement is the one she looks for.
        rows_ = v.measurements;
        std::stable_sort(rows_.begin(), rows_.end(), [](const Measurement& a, const Measurement& b) {
            return a.date != b.date ? a.date > b.date : kindRank(a.kind) < kindRank(b.kind);
        });
        std::vector<std::array<wxString, 9>> texts;
        texts.reserve(rows_.size());
        for (const Measurement& m : rows_) {
            // The score for age first; weight-for-length/height after it, named.
            std::string zs, centiles;
            for (const Scored& s : v.scores)
                if (s.measurementId == m.id && s.indicator.size() > 8 && s.indicator.rfind("-for-age") == s.indicator.size() - 8) {
                    zs = fixed(s.z, 2);
                    centiles = shortCentile(s.z);
                }
            for (const Scored& s : v.scores)
                if (s.measurementId == m.id && (s.indicator == "weight-for-length" || s.indicator == "weight-for-height"))
                    zs += (zs.empty() ? "" : "; ") + std::string("for ") + (s.indicator == "weight-for-length" ? "length " : "height ") +
                          fixed(s.z, 2);
            if (zs.empty()) centiles = v.notScoredBecause(m);
            texts.push_back({u8(m.date), ageText(m.ageDays), u8(kindText(m.kind)),
                             u8(fixed(m.value, m.kind == "weight" ? 2 : 1) + " " + unitOf(m.kind)), u8(zs), u8(centiles),
                             u8(methodShort(m.method)), u8(m.measuredBy), u8(m.note)});
        }
        list_->set(std::move(texts));
        drawChart();
        enable();
        Layout();
    }

private:
    wxButton* button(wxBoxSizer* sizer, const char* label, const char* name, std::function<void()> action) {
        auto* b = new wxButton(this, wxID_ANY, label);
        b->SetName(name);
        b->Bind(wxEVT_BUTTON, [action](wxCommandEvent&) { action(); });
        sizer->Add(b, 0, wxLEFT, FromDIP(6));
        return b;
    }
    // The foods the running plan keeps out of the diet, what each takes out
    // with the target for the child's age, and a dietitian's review due.
    void showNutrition(int64_t clientId) {
        auto line = [&](const std::string& text, bool warning, const char* name, const std::string& tip) {
            auto* label = new wxStaticText(this, wxID_ANY, "");
            label->SetName(name);
            label->SetForegroundColour(warning ? kWarningInk : kQuietInk);
            if (warning) label->SetFont(label->GetFont().Bold());
            if (!tip.empty()) label->SetToolTip(u8(tip));
            wrapped_.push_back({label, u8(text)});
            flags_->Add(label, 0, wxBOTTOM, FromDIP(warning ? 1 : 3));
        };
        try {
            auto [id, why] = practiceReference(host_);
            const TargetSet* set = findTargets(id);
            if (!set) set = findTargets("uk");
            nlohmann::json doc = checkDocument(host_, clientId, *set, why);
            for (const auto& x : doc["attention"]) {
                line(x["text"].get<std::string>(), true, "nutrition-attention", x["source"]);
                line("Rule: " + x.value("cite", x["source"].get<std::string>()) + " (hover for the rule in full)", false,
                     "nutrition-attention-rule", x["source"]);
            }
            for (const auto& r : doc["removed"]) {
                std::string text = r["label"].get<std::string>() + " out of the diet since " + r["since"].get<std::string>() +
                                   " (" + std::to_string(r["days"].get<int>()) + " days)";
                if (r["followed_by"] == "mother") text += ", by the breastfeeding mother";
                std::string needs, tip = "Targets: " + set->title;
                for (const auto& n : r["at_risk"]) {
                    std::string nutrient = n["name"];
                    if (nutrient != "Vitamin D") nutrient[0] = char(std::tolower(static_cast<unsigned char>(nutrient[0])));
                    else nutrient = "vitamin D";
                    needs += (needs.empty() ? "" : ", ") + nutrient +
                             (n.contains("target") ? " " + n["target"]["text"].get<std::string>() : std::string(""));
                    tip += "\n" + n["name"].get<std::string>() + ": " +
                           (n.contains("target") ? n["target"]["source"].get<std::string>()
                                                 : std::string("no target at this age in Nourish's copy of this reference yet")) +
                           "\n  " + n["source"].get<std::string>();
                }
                if (!needs.empty()) text += ": watch " + needs;
                line(text, false, "nutrition-removed", tip);
            }
            // One line (the page's height is the chart's and the list's); each rule in full on hover.
            std::string use, avoid, tip;
            for (const auto& r : doc["replacements"]) {
                std::string& to = r["kind"] == "avoid" ? avoid : use;
                to += (to.empty() ? "" : "; ") + r["short"].get<std::string>();
                tip += (tip.empty() ? "" : "\n\n") + r["text"].get<std::string>() + "\n  " + r["source"].get<std::string>();
            }
            if (!use.empty() || !avoid.empty())
                line("To replace what is removed: " + use + (avoid.empty() ? "" : (use.empty() ? "" : ". ") + std::string("Not: ") + avoid) +
                         " (hover for each rule)",
                     false, "nutrition-replacement", tip);
        } catch (const std::exception& e) {
            line(std::string("The nutrition check could not be made: ") + e.what(), false, "nutrition-problem", "");
        }
    }
    void wrapFlags() {
        int width = std::max(FromDIP(300), GetClientSize().x - FromDIP(24));
        for (auto& [text, label] : wrapped_) {
            text->SetLabel(label);
            text->Wrap(width);
        }
        Layout();
    }
    void drawChart() {
        if (!view_) return;
        Chart c = view_->chart(chartKinds()[size_t(std::max(0, kind_->GetSelection()))].first, store_.lastReferences());
        source_->SetLabel(u8(c.source));
        source_->SetToolTip(u8(c.source));
        chart_->set(std::move(c));
    }
    const Measurement* selected() const {
        long i = list_->GetNextItem(-1, wxLIST_NEXT_ALL, wxLIST_STATE_SELECTED);
        return i >= 0 && size_t(i) < rows_.size() ? &rows_[size_t(i)] : nullptr;
    }
    void enable() {
        add_->Enable(clientId_ != 0);
        correct_->Enable(selected() != nullptr);
        remove_->Enable(selected() != nullptr);
    }
    void onAdd() {
        if (!clientId_) return;
        EntryDialog dialog(this, store_, clientId_);
        if (dialog.ShowModal() == wxID_OK) show(clientId_);
    }
    void onCorrect() {
        const Measurement* m = selected();
        if (!m) return;
        EntryDialog dialog(this, store_, *m);
        if (dialog.ShowModal() == wxID_OK) show(clientId_);
    }
    void onRemove() {
        const Measurement* chosen = selected();
        if (!chosen) return;
        Measurement m = *chosen;
        nourish::wxui::RowsDialog dialog(this, "Remove a measurement", "growth-remove-dialog");
        auto* what = new wxStaticText(&dialog, wxID_ANY,
                                      u8("The " + kindText(m.kind) + " of " + m.date + " (" +
                                         fixed(m.value, m.kind == "weight" ? 2 : 1) + " " + unitOf(m.kind) +
                                         ") is taken off the chart and the flags. What it was, and why it was "
                                         "removed, stay in its history."));
        what->Wrap(dialog.FromDIP(440));
        dialog.sizer()->Insert(0, what, 0, wxALL, dialog.FromDIP(12));
        auto* reason = dialog.row("Reason", new wxTextCtrl(&dialog, wxID_ANY), "growth-reason");
        dialog.finish([&] { store_.remove(m, checkReason(utf8(reason->GetValue()), "Reason")); }, "Remove");
        if (dialog.ShowModal() == wxID_OK) show(clientId_);
    }

    nourish::Host host_;
    GrowthStore store_;
    int64_t clientId_ = 0;
    std::optional<GrowthView> view_;
    std::vector<Measurement> rows_;  // as the list shows them
    std::vector<std::pair<wxStaticText*, wxString>> wrapped_;  // the flags' lines and their whole text
    wxStaticText* title_ = nullptr;
    wxStaticText* source_ = nullptr;
    wxBoxSizer* flags_ = nullptr;
    wxChoice* kind_ = nullptr;
    GrowthChart* chart_ = nullptr;
    MeasurementList* list_ = nullptr;
    wxButton *add_ = nullptr, *correct_ = nullptr, *remove_ = nullptr;
    nourish::Subscription changes_;
};

}  // namespace

wxWindow* createGrowthPage(wxWindow* parent, nourish::Host host) { return new GrowthPage(parent, host); }

void showGrowthClient(wxWindow* page, int64_t clientId) {
    if (auto* p = dynamic_cast<GrowthPage*>(page)) p->show(clientId);
}

}  // namespace nutrition
