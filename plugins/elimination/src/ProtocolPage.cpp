#include "ProtocolPage.h"

#include <wx/button.h>
#include <wx/checkbox.h>
#include <wx/checklst.h>
#include <wx/choice.h>
#include <wx/dialog.h>
#include <wx/grid.h>
#include <wx/listctrl.h>
#include <wx/msgdlg.h>
#include <wx/radiobox.h>
#include <wx/scrolwin.h>
#include <wx/sizer.h>
#include <wx/spinctrl.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>
#include <wx/wrapsizer.h>

#include <cmath>
#include <cstdio>

#include "Charts.h"
#include "Plans.h"
#include "Report.h"
#include "nourish/wx_dialogs.hpp"

namespace elim {

using nlohmann::json;

namespace {

wxString u8(const std::string& s) { return wxString::FromUTF8(s); }
std::string str(const wxString& s) { return s.utf8_string(); }

using nourish::wxui::escapeMarkup;

wxStaticText* heading(wxWindow* parent, const wxString& text) {
    // Bold through markup, so that GTK sizes the label for the bold face.
    auto* l = new wxStaticText(parent, wxID_ANY, wxEmptyString);
    l->SetLabelMarkup("<b>" + escapeMarkup(text) + "</b>");
    return l;
}

using FormDialogBase = nourish::wxui::RowsDialog;

// The day's amount, short enough for the diary grid.
std::string shortDose(const Block& b, Day day) {
    std::string amount = b.amountOn(day);
    return amount.size() > 40 ? amount.substr(0, amount.find(' ', 30)) + "…" : amount;
}

wxTextCtrl* dateField(wxWindow* parent, Day day) { return new wxTextCtrl(parent, wxID_ANY, u8(isoDay(day))); }

class AssignDialog : public FormDialogBase {
public:
    AssignDialog(wxWindow* parent, Plans& plans, int64_t clientId)
        : FormDialogBase(parent, "Start an elimination plan", "assign-protocol") {
        protocols_ = plans.protocols();
        auto* choice = row("Protocol", new wxChoice(this, wxID_ANY), "protocol-choice");
        for (const Protocol& p : protocols_)
            choice->Append(u8(p.title + (p.plugin == "org.nourish.elimination" ? "" : "  (" + p.plugin + ")")));
        auto* summary = new wxStaticText(this, wxID_ANY, "");
        body()->AddSpacer(0);
        body()->Add(summary, 1, wxEXPAND);
        auto* start = row("Start date", dateField(this, today()), "start-date");
        auto* since = row("Avoided since\n(if before the start)", new wxTextCtrl(this, wxID_ANY), "avoiding-since");
        since->SetHint("YYYY-MM-DD");
        auto* foods = row("Foods to eliminate", new wxCheckListBox(this, wxID_ANY, wxDefaultPosition, FromDIP(wxSize(-1, 110))),
                          "food-choice");
        auto* notes = new wxStaticText(this, wxID_ANY, "");
        notes->SetName("food-notes");
        notes->SetForegroundColour(nourish::wxui::kWarningInk);
        body()->AddSpacer(0);
        body()->Add(notes, 1, wxEXPAND);
        auto* supervised = row("Challenges done under\nmedical supervision",
                               new wxCheckListBox(this, wxID_ANY, wxDefaultPosition, FromDIP(wxSize(-1, 70))),
                               "supervised-choice");
        auto* reason = row("Reason to go ahead\n(only against a rule)", new wxTextCtrl(this, wxID_ANY), "override-reason");
        auto* mother = new wxCheckBox(this, wxID_ANY, "The breastfeeding mother follows this diet for her baby");
        mother->SetName("by-mother");
        body()->AddSpacer(0);
        body()->Add(mother, 0);
        auto fill = [=, this] {
            int i = choice->GetSelection();
            foods->Clear();
            supervised->Clear();
            if (i < 0) return;
            const Protocol& p = protocols_[size_t(i)];
            std::string said;
            for (const std::string& f : p.defaultOrder()) {
                foods->Check(foods->Append(u8(p.food(f)->label)), p.food(f)->byDefault);
                supervised->Append(u8(p.food(f)->label));
                if (!p.food(f)->note.empty()) said += (said.empty() ? "" : "\n") + p.food(f)->label + ": " + p.food(f)->note;
            }
            summary->SetLabel(u8(p.summary));
            summary->Wrap(FromDIP(420));
            bool forMother = std::find(p.audience.begin(), p.audience.end(), "breastfeeding-mother") != p.audience.end();
            mother->Show(forMother);
            if (!forMother) mother->SetValue(false);
            notes->SetLabel(u8(said));
            notes->Wrap(FromDIP(420));
            Layout();
            Fit();
        };
        choice->Bind(wxEVT_CHOICE, [fill](wxCommandEvent&) { fill(); });
        if (!protocols_.empty()) choice->SetSelection(0);
        fill();
        finish([=, this, &plans] {
            int i = choice->GetSelection();
            if (i < 0) throw BadInput("protocol: choose one");
            const Protocol& p = protocols_[size_t(i)];
            Assignment a;
            a.protocolId = p.id;
            a.start = parseDay(str(start->GetValue()), "start date");
            if (!since->GetValue().empty()) a.avoidingSince = parseDay(str(since->GetValue()), "avoided since");
            auto order = p.defaultOrder();
            for (unsigned k = 0; k < foods->GetCount(); ++k) {
                if (foods->IsChecked(k)) a.foods.push_back(order[k]);
                if (supervised->IsChecked(k)) a.supervised.insert(order[k]);
            }
            if (a.foods.empty()) throw BadInput("foods: choose at least one food to eliminate");
            a.overrideReason = str(reason->GetValue());
            a.byMother = mother->GetValue();
            plans.assign(clientId, a);
        });
    }

private:
    std::vector<Protocol> protocols_;
};

class OutcomeDialog : public FormDialogBase {
public:
    OutcomeDialog(wxWindow* parent, Plans& plans, int64_t clientId, const PlanView& view, const Suggestion* suggestion)
        : FormDialogBase(parent, "Record the outcome of a challenge", "record-outcome") {
        auto* food = row("Food", new wxChoice(this, wxID_ANY), "outcome-food");
        std::vector<std::string> ids;
        for (const Block& b : view.schedule.blocks) {
            if (b.state != BlockState::Current && b.state != BlockState::AwaitingDecision) continue;
            if (std::find(ids.begin(), ids.end(), b.food) != ids.end()) continue;
            ids.push_back(b.food);
            food->Append(u8(b.ladder ? view.plan.protocol.food(b.food)->label + ": step " + std::to_string(b.step + 1) +
                                           " (" + b.title + ")"
                                     : b.title));
        }
        // Nothing chosen for her: what happened is hers to say.
        static const Reaction kinds[] = {Reaction::None, Reaction::Immediate, Reaction::Fpies, Reaction::DelayedMild,
                                         Reaction::DelayedModerate};
        auto* result = row("What happened", new wxChoice(this, wxID_ANY), "outcome-result");
        result->Append("Tolerated: no symptoms at the full amount");
        result->Append(u8("Immediate reaction: within about 2 hours, or hives, swelling, wheeze, repeated vomiting, floppiness"));
        result->Append(u8("FPIES-like: repeated vomiting 1–4 hours after, pale or floppy"));
        result->Append("Delayed, mild: a small flare or looser stools, hours to days later");
        result->Append("Delayed, moderate: a clear flare, disturbed nights or gut symptoms");
        auto* consequence = new wxStaticText(this, wxID_ANY, "");
        consequence->SetName("outcome-consequence");
        body()->AddSpacer(0);
        body()->Add(consequence, 1, wxEXPAND);
        result->Bind(wxEVT_CHOICE, [=, this](wxCommandEvent&) {
            int k = result->GetSelection();
            const Protocol& p = view.plan.protocol;
            std::string text = k == 1 || k == 2 ? "The food is stopped for good and no home retry is planned: refer for "
                                                  "specialist assessment."
                               : k == 3 ? p.delayedMild.advice
                               : k == 4 ? p.delayedModerate.advice
                                        : "";
            consequence->SetLabel(u8(text));
            consequence->Wrap(FromDIP(420));
            consequence->SetForegroundColour(k == 1 || k == 2 ? nourish::wxui::kWarningInk : nourish::wxui::kQuietInk);
            Layout();
            Fit();
        });
        auto* date = row("Date", dateField(this, today()), "outcome-date");
        auto* symptoms = row("Symptoms", new wxTextCtrl(this, wxID_ANY), "outcome-symptoms");
        auto* delay = row("Hours after eating", new wxTextCtrl(this, wxID_ANY), "outcome-delay");
        auto* note = row("Note", new wxTextCtrl(this, wxID_ANY, "", wxDefaultPosition, FromDIP(wxSize(-1, 60)), wxTE_MULTILINE),
                         "outcome-note");
        if (!ids.empty()) food->SetSelection(0);
        if (suggestion) {
            auto it = std::find(ids.begin(), ids.end(), suggestion->food);
            if (it != ids.end()) food->SetSelection(int(it - ids.begin()));
            note->SetValue(u8("Suggested (" + suggestion->outcome + "): " + suggestion->reason));
        }
        finish([=, &plans] {
            if (food->GetSelection() < 0) throw BadInput("food: no challenge is open");
            if (result->GetSelection() < 0) throw BadInput("what happened: choose one");
            Outcome o;
            o.food = ids[size_t(food->GetSelection())];
            o.reaction = kinds[result->GetSelection()];
            o.date = parseDay(str(date->GetValue()), "date");
            o.symptoms = str(symptoms->GetValue());
            o.note = str(note->GetValue());
            std::string hours = str(delay->GetValue());
            if (!hours.empty()) {
                try {
                    o.delayHours = std::stoi(hours);
                } catch (const std::exception&) {
                    throw BadInput("hours after eating: '" + hours + "' is not a number");
                }
            }
            plans.recordOutcome(clientId, o);
        });
    }
};

// The review at the end of a diagnostic elimination.
class ReviewDialog : public FormDialogBase {
public:
    ReviewDialog(wxWindow* parent, Plans& plans, int64_t clientId, const PlanView& view)
        : FormDialogBase(parent, "Review the elimination", "review-elimination") {
        std::string suggested;
        for (const Suggestion& s : view.suggestions)
            if (s.kind == "review" || (s.kind == "advice" && s.reason.find("record the review") != std::string::npos))
                suggested = s.reason;
        auto* hint = new wxStaticText(this, wxID_ANY, u8(suggested.empty() ? "Compare the skin and the diary with the start of "
                                                                           "the elimination."
                                                                         : "Suggested: " + suggested));
        hint->Wrap(FromDIP(440));
        hint->SetName("review-suggestion");
        body()->AddSpacer(0);
        body()->Add(hint, 1, wxEXPAND);
        auto* outcome = row("Outcome", new wxChoice(this, wxID_ANY), "review-outcome");
        outcome->Append("Improved: reintroduce the foods one at a time");
        outcome->Append("No improvement: reintroduce all the foods; the elimination did not help");
        auto* date = row("Date of the review", dateField(this, today()), "review-date");
        auto* note = row("Note", new wxTextCtrl(this, wxID_ANY, "", wxDefaultPosition, FromDIP(wxSize(-1, 60)), wxTE_MULTILINE),
                         "review-note");
        finish([=, &plans] {
            if (outcome->GetSelection() < 0) throw BadInput("outcome: choose one");
            plans.review(clientId, {parseDay(str(date->GetValue()), "date"),
                                    outcome->GetSelection() == 0 ? "improved" : "no-improvement", str(note->GetValue())});
        });
    }
};

// Going ahead against a rule the plan breaks: supervised, or a reason.
class GoAheadDialog : public FormDialogBase {
public:
    GoAheadDialog(wxWindow* parent, Plans& plans, int64_t clientId, const PlanView& view)
        : FormDialogBase(parent, "Go ahead against a rule", "go-ahead") {
        for (const Finding& f : view.findings)
            if (f.refuses()) open_.push_back(f);
        auto* rule = row("Rule", new wxChoice(this, wxID_ANY), "go-ahead-rule");
        for (const Finding& f : open_) rule->Append(u8(f.rule + (f.food.empty() ? "" : " (" + f.food + ")")));
        auto* text = new wxStaticText(this, wxID_ANY, "");
        text->SetName("go-ahead-text");
        body()->AddSpacer(0);
        body()->Add(text, 1, wxEXPAND);
        auto* supervised = row("", new wxCheckBox(this, wxID_ANY, "The challenge will be done under medical supervision"),
                               "go-ahead-supervised");
        auto* reason = row("Reason", new wxTextCtrl(this, wxID_ANY), "go-ahead-reason");
        auto show = [=, this] {
            int i = rule->GetSelection();
            text->SetLabel(i < 0 ? wxString() : u8(open_[size_t(i)].text + " [" + open_[size_t(i)].source + "]"));
            text->Wrap(FromDIP(440));
            supervised->Enable(i >= 0 && open_[size_t(i)].rule.rfind("triage.", 0) == 0);
            Layout();
            Fit();
        };
        rule->Bind(wxEVT_CHOICE, [show](wxCommandEvent&) { show(); });
        if (!open_.empty()) rule->SetSelection(0);
        show();
        finish([=, this, &plans] {
            int i = rule->GetSelection();
            if (i < 0) throw BadInput("rule: nothing refuses this plan");
            bool sup = supervised->IsEnabled() && supervised->GetValue();
            plans.addOverride(clientId, open_[size_t(i)].rule, open_[size_t(i)].food, sup, str(reason->GetValue()));
        });
    }

private:
    std::vector<Finding> open_;
};

class ChangeDialog : public FormDialogBase {
public:
    ChangeDialog(wxWindow* parent, Plans& plans, int64_t clientId, const PlanView& view)
        : FormDialogBase(parent, "Change the plan", "change-plan") {
        wxString actions[] = {"Change a phase's length", "Pause the plan", "Resume the plan", "Skip a food",
                              "Move a food in the order", "End the plan"};
        auto* action = row("Change", new wxChoice(this, wxID_ANY, wxDefaultPosition, wxDefaultSize, 6, actions), "change-action");
        auto* phase = row("Phase", new wxChoice(this, wxID_ANY), "change-phase");
        std::vector<std::string> kinds;
        for (const PhaseDef& p : view.plan.protocol.phases)
            if (p.kind != "reintroduction") {
                kinds.push_back(p.kind);
                phase->Append(u8(p.title + " (" + std::to_string(p.minDays) + "-" + std::to_string(p.maxDays) + " days)"));
            }
        auto* days = row("Days", new wxSpinCtrl(this, wxID_ANY, "", wxDefaultPosition, wxDefaultSize, wxSP_ARROW_KEYS, 0, 3650, 28),
                         "change-days");
        auto* date = row("Date", dateField(this, today()), "change-date");
        auto* food = row("Food", new wxChoice(this, wxID_ANY), "change-food");
        for (const std::string& f : view.plan.plan.foods) food->Append(u8(view.plan.protocol.food(f)->label));
        auto* position = row("New position", new wxSpinCtrl(this, wxID_ANY, "", wxDefaultPosition, wxDefaultSize,
                                                            wxSP_ARROW_KEYS, 1, int(view.plan.plan.foods.size()), 1),
                             "change-position");
        auto* reason = row("Reason", new wxTextCtrl(this, wxID_ANY), "change-reason");
        action->SetSelection(0);
        if (!kinds.empty()) phase->SetSelection(0);
        if (!view.plan.plan.foods.empty()) food->SetSelection(0);
        auto update = [=, this] {
            int a = action->GetSelection();
            phase->Enable(a == 0);
            days->Enable(a == 0);
            date->Enable(a == 1 || a == 2);
            food->Enable(a == 3 || a == 4);
            position->Enable(a == 4);
            reason->Enable(a != 2);
        };
        action->Bind(wxEVT_CHOICE, [update](wxCommandEvent&) { update(); });
        update();
        std::vector<std::string> foods = view.plan.plan.foods;
        finish([=, &plans] {
            int a = action->GetSelection();
            std::string why = str(reason->GetValue());
            auto selectedFood = [&] {
                if (food->GetSelection() < 0) throw BadInput("food: choose one");
                return foods[size_t(food->GetSelection())];
            };
            switch (a) {
                case 0:
                    if (phase->GetSelection() < 0) throw BadInput("phase: choose one");
                    plans.changePhase(clientId, kinds[size_t(phase->GetSelection())], days->GetValue(), why);
                    break;
                case 1: plans.pause(clientId, parseDay(str(date->GetValue()), "date"), why); break;
                case 2: plans.resume(clientId, parseDay(str(date->GetValue()), "date")); break;
                case 3: plans.skip(clientId, selectedFood(), why); break;
                case 4: plans.move(clientId, selectedFood(), position->GetValue() - 1, why); break;
                default: plans.end(clientId, why);
            }
        });
    }
};

// Column 0 shows the challenge of the day; the others are diary fields.
const char* kGridColumns[] = {"Challenge", "Itch (0-10)", "Sleep (0-10)", "Stool (1-7)", "Reflux", "Vomiting", "Notes"};
const char* kGridFields[] = {"", "itch", "sleep", "stool", "reflux", "vomiting", "notes"};
constexpr int kGridColumnCount = 7;
constexpr int kFirstBool = 4, kLastBool = 5, kNotes = 6;

class ProtocolPage : public wxScrolledWindow {
public:
    ProtocolPage(wxWindow* parent, nourish::Host host)
        : wxScrolledWindow(parent, wxID_ANY, wxDefaultPosition, wxDefaultSize, wxVSCROLL), host_(host), plans_(host) {
        SetName("protocol-page");
        SetScrollRate(0, FromDIP(12));
        int gap = FromDIP(8);
        auto* sizer = new wxBoxSizer(wxVERTICAL);

        title_ = new wxStaticText(this, wxID_ANY, "");
        title_->SetName("protocol-title");
        title_->SetFont(title_->GetFont().Bold().Larger());
        sizer->Add(title_, 0, wxLEFT | wxRIGHT | wxTOP, gap);
        status_ = new wxStaticText(this, wxID_ANY, "");
        status_->SetName("protocol-status");
        sizer->Add(status_, 0, wxEXPAND | wxLEFT | wxRIGHT | wxTOP, gap / 2);

        auto* buttons = buttons_ = new wxWrapSizer(wxHORIZONTAL);  // wraps on a small screen rather than cutting buttons off
        assign_ = addButton(buttons, "Start a plan...", "assign-protocol-button");
        outcome_ = addButton(buttons, "Record outcome...", "record-outcome-button");
        change_ = addButton(buttons, "Change plan...", "change-plan-button");
        diaryDay_ = addButton(buttons, "Full diary entry...", "diary-entry-button");
        history_ = addButton(buttons, "Plan history", "plan-history-button");
        review_ = addButton(buttons, "Review...", "review-button");
        goAhead_ = addButton(buttons, "Go ahead...", "go-ahead-button");
        sizer->Add(buttons, 0, wxEXPAND | wxLEFT | wxRIGHT | wxTOP, gap);

        timeline_ = new TimelinePanel(this);
        sizer->Add(timeline_, 0, wxEXPAND | wxLEFT | wxRIGHT | wxTOP, gap);

        auto* columns = new wxBoxSizer(wxHORIZONTAL);
        auto* left = new wxBoxSizer(wxVERTICAL);
        left->Add(heading(this, "Foods"));
        foods_ = new wxListCtrl(this, wxID_ANY, wxDefaultPosition, FromDIP(wxSize(-1, 130)), wxLC_REPORT | wxLC_SINGLE_SEL);
        foods_->SetName("food-status");
        foods_->AppendColumn("Food", wxLIST_FORMAT_LEFT, FromDIP(170));
        foods_->AppendColumn("Status", wxLIST_FORMAT_LEFT, FromDIP(330));
        left->Add(foods_, 1, wxEXPAND | wxTOP, gap / 2);
        columns->Add(left, 1, wxEXPAND | wxRIGHT, gap);
        auto* right = new wxBoxSizer(wxVERTICAL);
        right->Add(heading(this, "Suggestions to confirm"));
        suggestions_ = new wxListCtrl(this, wxID_ANY, wxDefaultPosition, FromDIP(wxSize(-1, 100)), wxLC_REPORT | wxLC_SINGLE_SEL);
        suggestions_->SetName("suggestions");
        suggestions_->AppendColumn("Suggestion", wxLIST_FORMAT_LEFT, FromDIP(420));
        right->Add(suggestions_, 1, wxEXPAND | wxTOP, gap / 2);
        auto* confirmRow = new wxBoxSizer(wxHORIZONTAL);
        confirm_ = addButton(confirmRow, "Confirm...", "confirm-suggestion");
        right->Add(confirmRow, 0, wxTOP, gap / 2);
        columns->Add(right, 1, wxEXPAND);
        sizer->Add(columns, 0, wxEXPAND | wxLEFT | wxRIGHT | wxTOP, gap);

        auto* diaryHead = new wxBoxSizer(wxHORIZONTAL);
        weekLabel_ = heading(this, "Diary");
        diaryHead->Add(weekLabel_, 1, wxALIGN_CENTER_VERTICAL);
        auto* earlier = addButton(diaryHead, "< Earlier week", "diary-earlier");
        auto* later = addButton(diaryHead, "Later week >", "diary-later");
        saveWeek_ = addButton(diaryHead, "Save week", "diary-save");
        sizer->Add(diaryHead, 0, wxEXPAND | wxLEFT | wxRIGHT | wxTOP, FromDIP(12));
        grid_ = new wxGrid(this, wxID_ANY);
        grid_->SetName("diary-grid");
        grid_->CreateGrid(7, kGridColumnCount);
        grid_->SetRowLabelSize(FromDIP(96));
        grid_->SetRowLabelAlignment(wxALIGN_LEFT, wxALIGN_CENTER);
        grid_->SetDefaultCellAlignment(wxALIGN_CENTER, wxALIGN_CENTER);
        static const int widths[] = {170, 92, 100, 92, 64, 78, 190};
        for (int c = 0; c < kGridColumnCount; ++c) {
            grid_->SetColLabelValue(c, kGridColumns[c]);
            grid_->SetColSize(c, FromDIP(widths[c]));
        }
        auto* challengeColumn = new wxGridCellAttr;
        challengeColumn->SetReadOnly();
        challengeColumn->SetAlignment(wxALIGN_LEFT, wxALIGN_CENTER);
        challengeColumn->SetTextColour(wxColour(0x1F, 0x4E, 0x8C));
        grid_->SetColAttr(0, challengeColumn);
        auto* notesColumn = new wxGridCellAttr;
        notesColumn->SetAlignment(wxALIGN_LEFT, wxALIGN_CENTER);
        grid_->SetColAttr(kNotes, notesColumn);
        for (int c : {kFirstBool, kLastBool}) {
            auto* attr = new wxGridCellAttr;
            attr->SetEditor(new wxGridCellBoolEditor);
            attr->SetRenderer(new wxGridCellBoolRenderer);
            attr->SetAlignment(wxALIGN_CENTER, wxALIGN_CENTER);
            grid_->SetColAttr(c, attr);
        }
        sizer->Add(grid_, 0, wxEXPAND | wxLEFT | wxRIGHT | wxTOP, gap / 2);
        message_ = new wxStaticText(this, wxID_ANY, "");
        message_->SetName("protocol-message");
        sizer->Add(message_, 0, wxEXPAND | wxLEFT | wxRIGHT | wxTOP, gap / 2);

        sizer->Add(heading(this, "Trend"), 0, wxLEFT | wxRIGHT | wxTOP, FromDIP(12));
        trend_ = new TrendChart(this);
        sizer->Add(trend_, 0, wxEXPAND | wxALL, gap);
        SetSizer(sizer);

        assign_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { runDialog<AssignDialog>(plans_, clientId_); });
        outcome_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { recordOutcome(nullptr); });
        confirm_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
            long i = suggestions_->GetNextItem(-1, wxLIST_NEXT_ALL, wxLIST_STATE_SELECTED);
            if (i < 0 && suggestions_->GetItemCount() > 0) i = 0;
            if (i >= 0 && size_t(i) < shown_.size()) {
                if (shown_[size_t(i)].kind == "outcome") recordOutcome(&shown_[size_t(i)]);
                else if (shown_[size_t(i)].kind == "review" && view_) runDialog<ReviewDialog>(plans_, clientId_, *view_);
                else
                    for (const InstrumentTrack& t : tracks_)
                        if (t.installed && shown_[size_t(i)].reason.rfind(t.shortTitle + " ", 0) == 0) {
                            takeScore(t);
                            break;
                        }
            }
        });
        change_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
            if (view_) runDialog<ChangeDialog>(plans_, clientId_, *view_);
        });
        history_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { showHistory(); });
        review_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
            if (view_) runDialog<ReviewDialog>(plans_, clientId_, *view_);
        });
        goAhead_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
            if (view_) runDialog<GoAheadDialog>(plans_, clientId_, *view_);
        });
        diaryDay_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { fullEntry(); });
        earlier->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { weekEnd_ -= 7; showWeek(); });
        later->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
            weekEnd_ = std::min(today(), weekEnd_ + 7);
            showWeek();
        });
        saveWeek_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { saveWeek(); });
        showClient(0);
        changes_ = host_.subscribe("nourish.store.changed", [this](const std::string&) { followStore(); });
    }

    void showClient(int64_t clientId) {
        if (clientId != clientId_) message_->SetLabel("");  // what was said belongs to the other child
        clientId_ = clientId;
        weekEnd_ = today();
        refresh();
    }

    // Another process or page changed the store: show it, unless diary values
    // typed into the grid are waiting to be saved (they would be thrown away).
    void followStore() {
        if (clientId_ && !grid_->IsCellEditControlEnabled() && !weekEdited()) refresh();
    }

    // True when a cell of the diary week holds something other than what was loaded.
    bool weekEdited() const {
        for (int r = 0; r < 7; ++r)
            for (int c = 1; c < kGridColumnCount; ++c)
                if (grid_->GetCellValue(r, c) != loaded_[size_t(r * kGridColumnCount + c)]) return true;
        return false;
    }

    void refresh() {
        Day now = today();
        view_.reset();
        if (clientId_ != 0) view_ = plans_.view(clientId_, now);
        bool plan = view_.has_value();
        // The plan's protocol names its questionnaires; without a plan, POEM.
        tracks_.clear();
        if (plan) tracks_ = view_->instruments;
        else if (clientId_ != 0) tracks_ = plans_.tracks(clientId_, {kPoemId()});
        showScoreButtons();
        assign_->Enable(clientId_ != 0 && !plan);
        for (wxButton* b : {outcome_, change_, confirm_, history_}) b->Enable(plan);
        review_->Enable(plan && view_->schedule.reviewDueOn.has_value());
        goAhead_->Enable(plan && view_->flagged());
        diaryDay_->Enable(clientId_ != 0);
        saveWeek_->Enable(clientId_ != 0);
        foods_->DeleteAllItems();
        suggestions_->DeleteAllItems();
        shown_.clear();
        if (!plan) {
            title_->SetLabel(clientId_ ? "No elimination plan" : "");
            status_->SetLabel(clientId_ ? "Start a plan to see its schedule, the foods' status and suggestions here. "
                                          "The diary and POEM can be kept without a plan."
                                        : "");
            timeline_->clear();
        } else {
            const PlanView& v = *view_;
            const Schedule& s = v.schedule;
            title_->SetLabel(u8(v.plan.protocol.title));
            std::string line;
            if (s.paused) line = "Paused since " + displayDay(*s.pausedFrom) + ": no challenge has a date until the plan resumes";
            else if (s.reviewDue) line = "Review due: the elimination ended on " + displayDay(*s.reviewDueOn);
            else if (const PhaseSpan* ph = s.phaseOn(now))
                line = ph->title + " phase, day " + std::to_string(now - ph->start + 1) +
                       (ph->kind == "reintroduction" || !scheduled(ph->end) ? "" : " of " + std::to_string(ph->end - ph->start + 1));
            else line = s.currentPhase == "finished" ? "Finished" : "Starts on " + displayDay(v.plan.plan.start);
            if (const Block* b = s.blockOn(now); b && b->doseOn(now) > 0 && !s.paused)
                line += ". Today: " + b->title + ", " + b->amountOn(now) +
                        (b->portion.empty() ? "" : "; a whole portion is " + b->portion) +
                        (b->setting == "supervised" ? " (supervised)" : "");
            if (scheduled(s.end) && !s.paused) line += ". Planned end: " + displayDay(s.end) + ".";
            for (const std::string& w : v.warnings) line += "\n" + w;
            status_->SetLabel(u8(line));
            status_->SetForegroundColour(v.flagged() ? nourish::wxui::kWarningInk : GetForegroundColour());
            status_->Wrap(std::max(FromDIP(640), GetClientSize().x - FromDIP(20)));
            timeline_->set(v.plan.protocol, v.plan.plan, s, now);
            for (const FoodStatus& f : s.foods) {
                long i = foods_->InsertItem(foods_->GetItemCount(), u8(f.label));
                foods_->SetItem(i, 1, u8(f.text));
                wxColour c = f.state == FoodState::Reacted || f.state == FoodState::Referred ? wxColour(0xB0, 0x1E, 0x1E)
                             : f.state == FoodState::Tolerated || f.state == FoodState::Reintroduced ? wxColour(0x2E, 0x7D, 0x32)
                             : f.state == FoodState::Challenging || f.state == FoodState::AwaitingDecision
                                 ? wxColour(0x1F, 0x4E, 0x8C)
                                 : GetForegroundColour();
                foods_->SetItemTextColour(i, c);
            }
            shown_ = v.suggestions;
        }
        confirm_->Enable(!shown_.empty());
        if (plan && shown_.empty()) {
            suggestions_->InsertItem(0, "Nothing to confirm now.");
            suggestions_->SetItemTextColour(0, wxColour(0x77, 0x77, 0x77));
        }
        for (const Suggestion& sg : shown_) {
            std::string text = sg.kind == "outcome" ? "Mark " + sg.food + " as " + sg.outcome + ": " + sg.reason : sg.reason;
            if (sg.source != "engine") text += "  [" + sg.source + "]";
            suggestions_->InsertItem(suggestions_->GetItemCount(), u8(text));
        }
        if (!shown_.empty()) suggestions_->SetColumnWidth(0, wxLIST_AUTOSIZE);
        showWeek();
        showTrend();
        Layout();
        FitInside();
    }

private:
    wxButton* addButton(wxSizer* sizer, const wxString& label, const char* name) {
        auto* b = new wxButton(this, wxID_ANY, label);
        b->SetName(name);
        sizer->Add(b, 0, wxRIGHT | wxBOTTOM, FromDIP(6));
        return b;
    }

    template <typename Dialog, typename... Args>
    void runDialog(Args&&... args) {
        if (!clientId_) return;
        Dialog dialog(this, std::forward<Args>(args)...);
        if (dialog.ShowModal() == wxID_OK) refresh();
    }

    void recordOutcome(const Suggestion* suggestion) {
        if (!view_) return;
        Suggestion copy = suggestion ? *suggestion : Suggestion{};
        runDialog<OutcomeDialog>(plans_, clientId_, *view_, suggestion ? &copy : nullptr);
    }

    // Every change to the plan: when, who, what and why.
    void showHistory() {
        if (!view_) return;
        std::string text;
        for (const HistoryEntry& h : plans_.history(view_->plan.id)) {
            std::string what = h.change;
            if (h.detail.contains("food")) what += " " + h.detail["food"].get<std::string>();
            if (h.detail.contains("result")) what += ": " + h.detail["result"].get<std::string>();
            if (h.detail.contains("phase"))
                what += " " + h.detail["phase"].get<std::string>() + " " + std::to_string(h.detail.value("from_days", 0)) +
                        " -> " + std::to_string(h.detail.value("to_days", 0)) + " days";
            if (h.detail.contains("from") && h.change != "resumed") what += " from " + h.detail["from"].get<std::string>();
            text += h.at.substr(0, 10) + " " + h.at.substr(11, 5) + "  " + h.who + "  " + what +
                    (h.reason.empty() ? "" : "\n        why: " + h.reason) + "\n";
        }
        wxMessageBox(u8(text), u8("History of the plan: " + view_->plan.protocol.title), wxOK, this);
    }

    // A button for each questionnaire the protocol names ("POEM...", "IBS
    // score..."), after "Change plan...", rebuilt only when the list changes.
    void showScoreButtons() {
        // With no client the buttons stay as they were, turned off: the next
        // client most likely has the same ones.
        for (wxButton* b : scoreButtons_) b->Enable(clientId_ != 0);
        if (clientId_ == 0) return;
        std::vector<std::string> wanted;
        for (const InstrumentTrack& t : tracks_)
            if (t.installed) wanted.push_back(t.id);
        if (wanted == scoreButtonIds_) return;
        for (wxButton* b : scoreButtons_) {
            buttons_->Detach(b);
            b->Destroy();
        }
        scoreButtons_.clear();
        scoreButtonIds_ = wanted;
        size_t at = 3;  // after Start a plan, Record outcome, Change plan
        for (const InstrumentTrack& t : tracks_) {
            if (!t.installed) continue;
            std::string name = "score-button-" + t.id;
            auto* b = new wxButton(this, wxID_ANY, u8(t.shortTitle + "..."));
            b->SetName(name);
            b->SetToolTip(u8("Fill in " + t.title + " for today"));
            std::string id = t.id;
            b->Bind(wxEVT_BUTTON, [this, id](wxCommandEvent&) {
                for (const InstrumentTrack& track : tracks_)
                    if (track.id == id) {
                        takeScore(track);
                        return;
                    }
            });
            buttons_->Insert(at++, b, 0, wxRIGHT | wxBOTTOM, FromDIP(6));
            scoreButtons_.push_back(b);
        }
        Layout();
    }

    void takeScore(InstrumentTrack track) {
        if (!clientId_) return;
        auto edited = host_.editForm(track.id);
        if (!edited) return;
        try {
            ScoreEntry e = plans_.recordScore(clientId_, track.id, today(), json::parse(edited->answersJson));
            auto number = [](double v) {
                char text[32];
                std::snprintf(text, sizeof text, "%g", v);
                return std::string(text);
            };
            message_->SetLabel(u8(track.shortTitle + " recorded: " +
                                  (e.total ? number(*e.total) + (e.band.empty() ? "" : " (" + e.band + ")")
                                           : std::string("no total (too many questions unanswered)"))));
        } catch (const std::exception& e) {
            message_->SetLabel(u8(track.shortTitle + " not recorded: " + e.what()));
        }
        refresh();
    }

    Day selectedDay() const {
        int row = grid_->GetGridCursorRow();
        return weekEnd_ - 6 + std::max(0, row);
    }

    void fullEntry() {
        if (!clientId_) return;
        Day day = selectedDay();
        auto existing = plans_.diary(clientId_, day, day);
        std::string answers = existing.empty() ? std::string() : existing.front().answers.dump();
        auto edited = host_.editForm(kDiaryFormId(), answers);
        if (!edited) return;
        try {
            plans_.saveDiary(clientId_, day, json::parse(edited->answersJson));
            message_->SetLabel(u8("Diary saved for " + displayDay(day) + "."));
        } catch (const std::exception& e) {
            message_->SetLabel(u8(std::string("Diary not saved: ") + e.what()));
        }
        refresh();
    }

    void showWeek() {
        if (grid_->IsCellEditControlEnabled()) grid_->DisableCellEditControl();
        Day from = weekEnd_ - 6;
        weekLabel_->SetLabelMarkup("<b>" + escapeMarkup(u8("Diary: " + displayDay(from, false) + " to " + displayDay(weekEnd_))) + "</b>");
        week_.clear();
        if (clientId_)
            for (const DiaryEntry& e : plans_.diary(clientId_, from, weekEnd_)) week_[e.scores.day] = e.answers;
        static const char* weekdays[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};  // day 0 was a Thursday
        for (int r = 0; r < 7; ++r) {
            Day d = from + r;
            grid_->SetRowLabelValue(r, u8(std::string(weekdays[((d % 7) + 7) % 7]) + " " + displayDay(d, false)));
            std::string challenge;
            if (view_) {
                if (const Block* b = view_->schedule.blockOn(d); b && b->doseOn(d) > 0)
                    challenge = b->title + ": " + shortDose(*b, d);
            }
            grid_->SetCellValue(r, 0, u8(challenge));
            const json answers = week_.count(d) ? week_[d] : json::object();
            for (int c = 1; c < kGridColumnCount; ++c) {
                std::string field = kGridFields[c], value;
                if (answers.contains(field)) {
                    const json& v = answers[field];
                    if (v.is_boolean()) value = v.get<bool>() ? "1" : "";
                    else if (v.is_number()) value = std::to_string(v.get<int>());
                    else if (v.is_string()) value = v.get<std::string>();
                }
                grid_->SetCellValue(r, c, u8(value));
                loaded_[size_t(r * kGridColumnCount + c)] = u8(value);
                grid_->SetReadOnly(r, c, d > today());
            }
            grid_->SetReadOnly(r, 0, true);
            for (int c = 0; c < kGridColumnCount; ++c)
                grid_->SetCellBackgroundColour(r, c, !challenge.empty() ? wxColour(0xE4, 0xF0, 0xFB) : grid_->GetDefaultCellBackgroundColour());
        }
        grid_->ForceRefresh();
    }

    void saveWeek() {
        if (grid_->IsCellEditControlEnabled()) grid_->SaveEditControlValue();
        Day from = weekEnd_ - 6;
        std::vector<std::pair<Day, json>> days;
        try {
            for (int r = 0; r < 7; ++r) {
                Day d = from + r;
                json answers = week_.count(d) ? week_[d] : json::object();
                bool any = !answers.empty();
                for (int c = 1; c < kGridColumnCount; ++c) {
                    std::string field = kGridFields[c];
                    std::string text = str(grid_->GetCellValue(r, c));
                    text.erase(0, text.find_first_not_of(' '));
                    if (c >= kFirstBool && c <= kLastBool) {
                        if (!text.empty() || answers.contains(field)) answers[field] = !text.empty() && text != "0";
                    } else if (text.empty()) {
                        answers.erase(field);
                    } else if (c == kNotes) {
                        answers[field] = text;
                    } else {
                        size_t used = 0;
                        int v = 0;
                        try {
                            v = std::stoi(text, &used);
                        } catch (const std::exception&) {
                            used = 0;
                        }
                        if (used != text.size())
                            throw BadInput(displayDay(d) + ", " + kGridColumns[c] + ": '" + text + "' is not a number");
                        answers[field] = v;
                    }
                    any |= !text.empty();
                }
                if (any) days.emplace_back(d, answers);
            }
            plans_.saveDiaryDays(clientId_, days);
            message_->SetForegroundColour(GetForegroundColour());
            message_->SetLabel(u8("Saved " + std::to_string(days.size()) + " diary day(s)."));
        } catch (const std::exception& e) {
            message_->SetForegroundColour(wxColour(0xB0, 0x1E, 0x1E));
            message_->SetLabel(u8(std::string("Nothing saved: ") + e.what()));
            return;
        }
        refresh();
    }

    void showTrend() {
        if (!clientId_) {
            trend_->clear();
            return;
        }
        Day now = today();
        std::vector<TrendChart::Series> scores;
        Day from = view_ ? view_->plan.plan.start - 14 : now - 90;
        for (const InstrumentTrack& t : tracks_) {
            TrendChart::Series series{t.shortTitle, t.max, {}};
            for (const ScoreEntry& e : t.scores)
                if (e.total) series.points.push_back({e.takenOn, *e.total});
            if (!series.points.empty()) from = std::min(from, series.points.front().day);
            scores.push_back(std::move(series));
        }
        // The plan's view already holds the diary from two weeks before its start.
        std::vector<DiaryDay> diary;
        if (view_ && from >= view_->plan.plan.start - 14) {
            diary = view_->diary;
        } else {
            diary = plans_.diaryScores(clientId_, from, now);
        }
        trend_->set(std::move(scores), std::move(diary), view_ ? view_->schedule : Schedule{}, now);
    }

    nourish::Host host_;
    Plans plans_;
    int64_t clientId_ = 0;
    std::optional<PlanView> view_;
    std::vector<Suggestion> shown_;
    Day weekEnd_ = 0;
    std::map<Day, json> week_;
    std::vector<wxString> loaded_ = std::vector<wxString>(7 * kGridColumnCount);  // the week's cells as loaded
    nourish::Subscription changes_;

    wxStaticText* title_ = nullptr;
    wxStaticText* status_ = nullptr;
    wxButton* assign_ = nullptr;
    wxButton* outcome_ = nullptr;
    wxButton* change_ = nullptr;
    wxSizer* buttons_ = nullptr;
    std::vector<InstrumentTrack> tracks_;  // the questionnaires offered and charted
    std::vector<wxButton*> scoreButtons_;
    std::vector<std::string> scoreButtonIds_;
    wxButton* diaryDay_ = nullptr;
    wxButton* history_ = nullptr;
    wxButton* review_ = nullptr;
    wxButton* goAhead_ = nullptr;
    wxButton* confirm_ = nullptr;
    wxButton* saveWeek_ = nullptr;
    TimelinePanel* timeline_ = nullptr;
    wxListCtrl* foods_ = nullptr;
    wxListCtrl* suggestions_ = nullptr;
    wxStaticText* weekLabel_ = nullptr;
    wxGrid* grid_ = nullptr;
    wxStaticText* message_ = nullptr;
    TrendChart* trend_ = nullptr;
};

}  // namespace

wxWindow* createProtocolPage(wxWindow* parent, nourish::Host host) { return new ProtocolPage(parent, host); }

void showProtocolClient(wxWindow* page, int64_t clientId) {
    if (auto* p = dynamic_cast<ProtocolPage*>(page)) p->showClient(clientId);
}

}  // namespace elim
