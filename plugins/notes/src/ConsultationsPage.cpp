#include "ConsultationsPage.h"

#include <wx/button.h>
#include <filesystem>
#include <wx/choice.h>
#include <wx/clipbrd.h>
#include <wx/dialog.h>
#include <wx/filedlg.h>
#include <wx/listctrl.h>
#include <wx/msgdlg.h>
#include <wx/scrolwin.h>
#include <wx/sizer.h>
#include <wx/spinctrl.h>
#include <wx/statline.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>
#include <wx/timer.h>


#include "Notes.h"
#include "nourish/wx_dialogs.hpp"

namespace notes {

using nlohmann::json;

namespace {

using nourish::wxui::RowsDialog;
using nourish::wxui::escapeMarkup;
using nourish::wxui::u8;
const auto& str = nourish::wxui::utf8;

const wxColour& kWarning = nourish::wxui::kWarningInk;
const wxColour& kQuiet = nourish::wxui::kQuietInk;

wxStaticText* heading(wxWindow* parent, const wxString& text, const char* name = "") {
    return nourish::wxui::boldLabel(parent, text, name);
}

wxStaticText* quiet(wxWindow* parent, const wxString& text) {
    auto* l = new wxStaticText(parent, wxID_ANY, text);
    l->SetForegroundColour(kQuiet);
    return l;
}

wxListCtrl* table(wxWindow* parent, const char* name, std::initializer_list<std::pair<const char*, int>> columns) {
    auto* list = new wxListCtrl(parent, wxID_ANY, wxDefaultPosition, wxDefaultSize, wxLC_REPORT | wxLC_SINGLE_SEL);
    list->SetName(name);
    int i = 0;
    for (const auto& [title, width] : columns) list->AppendColumn(title, wxLIST_FORMAT_LEFT, parent->FromDIP(width)), ++i;
    return list;
}

struct Refused : std::runtime_error {
    using std::runtime_error::runtime_error;
};

std::string tomorrowAtNine() { return addMinutes(localToday() + " 09:00", 24 * 60); }

// The words of a search snippet that matched (between [ and ]).
std::vector<std::string> matchedWords(const std::string& snippet) {
    std::vector<std::string> words;
    size_t at = 0;
    while ((at = snippet.find('[', at)) != std::string::npos) {
        size_t end = snippet.find(']', at);
        if (end == std::string::npos) break;
        words.push_back(snippet.substr(at + 1, end - at - 1));
        at = end;
    }
    return words;
}

// Shows a note read-only with the words of a search hit highlighted.
void showNote(wxWindow* parent, const Note& n, const std::string& clientName, const std::vector<std::string>& words) {
    wxDialog dialog(parent, wxID_ANY, u8(n.title() + " — " + clientName + ", " + n.date), wxDefaultPosition,
                    parent->FromDIP(wxSize(640, 520)), wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER);
    dialog.SetName("note-viewer");
    std::string text = n.plainText().substr(n.title().size() + 1);
    if (!n.intact())
        text = "WARNING: this note was changed outside Nourish (" + n.integrityProblem + "). It is not what was signed.\n\n" + text;
    for (const Addendum& a : n.addenda) text += "\nAddendum " + a.at + " by " + a.author + " (" + a.reason + ")\n" + a.text + "\n";
    text += n.isSigned() ? "\nSigned by " + n.signedBy + " at " + n.signedAt + "\n" : "\nDraft, not signed\n";
    auto* view = new wxTextCtrl(&dialog, wxID_ANY, wxEmptyString, wxDefaultPosition, wxDefaultSize,
                                wxTE_MULTILINE | wxTE_READONLY | wxTE_RICH2 | wxTE_WORDWRAP);
    view->SetName("note-viewer-text");
    wxString all = u8(text);
    view->SetValue(all);
    wxTextAttr highlight;
    highlight.SetBackgroundColour(wxColour(0xFF, 0xE0, 0x82));
    long first = -1;
    wxString lower = all.Lower();
    for (const std::string& w : words) {
        wxString needle = u8(w).Lower();
        if (needle.empty()) continue;
        for (size_t at = lower.find(needle); at != wxString::npos; at = lower.find(needle, at + needle.size())) {
            view->SetStyle(long(at), long(at + needle.size()), highlight);
            if (first < 0 || long(at) < first) first = long(at);
        }
    }
    if (first >= 0) view->ShowPosition(first);
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    sizer->Add(view, 1, wxEXPAND | wxALL, dialog.FromDIP(10));
    sizer->Add(dialog.CreateStdDialogButtonSizer(wxOK), 0, wxEXPAND | wxALL, dialog.FromDIP(8));
    dialog.SetSizer(sizer);
    dialog.ShowModal();
}

class ConsultationsPage : public wxScrolledWindow {
public:
    ConsultationsPage(wxWindow* parent, nourish::Host host) : wxScrolledWindow(parent), host_(host), notes_(host), autosave_(this) {
        SetName("consultations-page");
        SetScrollRate(0, FromDIP(12));
        auto* page = new wxBoxSizer(wxVERTICAL);

        // Top: who, and the tools across every client.
        auto* top = new wxBoxSizer(wxHORIZONTAL);
        title_ = heading(this, "Consultations", "consultations-title");
        top->Add(title_, 1, wxALIGN_CENTER_VERTICAL);
        for (auto [label, name, handler] :
             {std::tuple{"Agenda…", "agenda-button", &ConsultationsPage::onAgenda},
              std::tuple{"Search notes…", "search-notes-button", &ConsultationsPage::onSearch},
              std::tuple{"Export calendar…", "export-calendar-button", &ConsultationsPage::onExport}}) {
            auto* b = new wxButton(this, wxID_ANY, label);
            b->SetName(name);
            b->Bind(wxEVT_BUTTON, [this, handler](wxCommandEvent&) { (this->*handler)(); });
            top->Add(b, 0, wxLEFT, FromDIP(6));
        }
        page->Add(top, 0, wxEXPAND | wxALL, FromDIP(10));
        banner_ = new wxStaticText(this, wxID_ANY, "");
        banner_->SetName("unsigned-banner");
        banner_->SetForegroundColour(kWarning);
        page->Add(banner_, 0, wxLEFT | wxRIGHT, FromDIP(10));
        message_ = new wxStaticText(this, wxID_ANY, "");
        message_->SetName("consultations-message");
        page->Add(message_, 0, wxLEFT | wxRIGHT | wxTOP, FromDIP(10));

        auto* columns = new wxBoxSizer(wxHORIZONTAL);
        // Left: the client's appointments and notes.
        auto* left = new wxBoxSizer(wxVERTICAL);
        auto* apptHead = new wxBoxSizer(wxHORIZONTAL);
        apptHead->Add(heading(this, "Appointments"), 1, wxALIGN_CENTER_VERTICAL);
        auto* book = new wxButton(this, wxID_ANY, "Book…");
        book->SetName("book-button");
        book->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { onBook(); });
        apptHead->Add(book);
        status_ = new wxButton(this, wxID_ANY, "Mark…");
        status_->SetName("status-button");
        status_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { onStatus(); });
        apptHead->Add(status_, 0, wxLEFT, FromDIP(4));
        left->Add(apptHead, 0, wxEXPAND | wxBOTTOM, FromDIP(4));
        appointments_ = table(this, "appointments", {{"When", 120}, {"Type", 110}, {"Status", 70}});
        appointments_->SetMinSize(FromDIP(wxSize(310, 150)));
        left->Add(appointments_, 0, wxEXPAND);

        auto* notesHead = new wxBoxSizer(wxHORIZONTAL);
        notesHead->Add(heading(this, "Notes"), 1, wxALIGN_CENTER_VERTICAL);
        auto* add = new wxButton(this, wxID_ANY, "New note…");
        add->SetName("new-note-button");
        add->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { onNewNote(); });
        notesHead->Add(add);
        left->Add(notesHead, 0, wxEXPAND | wxTOP | wxBOTTOM, FromDIP(6));
        notesList_ = table(this, "notes-list", {{"Date", 90}, {"Template", 150}, {"State", 65}});
        notesList_->SetMinSize(FromDIP(wxSize(310, 200)));
        notesList_->Bind(wxEVT_LIST_ITEM_SELECTED, [this](wxListEvent& e) {
            size_t i = size_t(e.GetIndex());
            if (i < list_.size() && (!note_ || note_->id != list_[i].id)) open(list_[i].id);
        });
        left->Add(notesList_, 1, wxEXPAND);
        columns->Add(left, 0, wxEXPAND | wxRIGHT, FromDIP(14));

        // Right: the note editor.
        auto* right = new wxBoxSizer(wxVERTICAL);
        noteTitle_ = heading(this, "No note open", "note-title");
        right->Add(noteTitle_, 0, wxBOTTOM, FromDIP(2));
        state_ = quiet(this, "Choose a note on the left, or start a new one.");
        state_->SetName("note-state");
        right->Add(state_, 0, wxBOTTOM, FromDIP(8));
        auto* actions = new wxBoxSizer(wxHORIZONTAL);
        words_ = quiet(this, "");
        words_->SetName("word-count");
        actions->Add(words_, 1, wxALIGN_CENTER_VERTICAL);
        fields_ = new wxButton(this, wxID_ANY, "All fields…");
        fields_->SetName("note-fields-button");
        fields_->SetToolTip("Open the whole note in the form window, with its structured fields");
        fields_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { onFields(); });
        actions->Add(fields_, 0, wxLEFT, FromDIP(6));
        sign_ = new wxButton(this, wxID_ANY, "Sign note…");
        sign_->SetName("sign-note-button");
        sign_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { onSign(); });
        actions->Add(sign_, 0, wxLEFT, FromDIP(6));
        addendum_ = new wxButton(this, wxID_ANY, "Add addendum…");
        addendum_->SetName("addendum-button");
        addendum_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { onAddendum(); });
        actions->Add(addendum_, 0, wxLEFT, FromDIP(6));
        right->Add(actions, 0, wxEXPAND | wxBOTTOM, FromDIP(6));
        right->Add(new wxStaticLine(this), 0, wxEXPAND);
        sections_ = new wxBoxSizer(wxVERTICAL);
        right->Add(sections_, 0, wxEXPAND);
        addenda_ = new wxStaticText(this, wxID_ANY, "");
        addenda_->SetName("addenda");
        right->Add(addenda_, 0, wxEXPAND | wxTOP, FromDIP(10));
        columns->Add(right, 1, wxEXPAND);
        page->Add(columns, 1, wxEXPAND | wxALL, FromDIP(10));
        SetSizer(page);
        enableEditor();

        // Drafts save themselves a few seconds after she stops typing.
        Bind(wxEVT_TIMER, [this](wxTimerEvent&) { saveDraft(); });
        autosave_.Start(3000);
        changes_ = host_.subscribe("nourish.store.changed", [this](const std::string&) { followStore(); });
    }

    // Whatever was typed since the last autosave is kept when the page closes.
    ~ConsultationsPage() override {
        autosave_.Stop();
        saveDraft();
    }

    void show(int64_t clientId) {
        keepUnsaved();
        if (clientId != clientId_) say("");  // nothing said about one child stays on another's page
        clientId_ = clientId;
        note_.reset();
        refresh();
    }

private:
    // Someone else changed the store (the command line, another page): the
    // lists show it; the open note is read again only when it changed and
    // nothing typed here is waiting to be saved.
    void followStore() {
        if (!clientId_) return;
        if (!note_ || dirty_) {
            refreshLists();
            return;
        }
        try {
            Note stored = notes_.note(note_->id);
            bool changed = stored.signedAt != note_->signedAt || stored.updatedAt != note_->updatedAt ||
                           stored.addenda.size() != note_->addenda.size();
            refreshLists();
            if (changed) open(note_->id);
        } catch (const std::exception&) {
            note_.reset();  // removed behind us
            refresh();
        }
    }

    void refresh() {
        refreshLists();
        if (note_) open(note_->id);
        else buildEditor();
        Layout();
        FitInside();
    }

    void refreshLists() {
        try {
            json client = json::parse(host_.client(clientId_));
            std::string given = client.value("preferred_name", "");
            if (given.empty()) given = client.value("given_name", "");
            clientName_ = given + " " + client.value("family_name", "");
            title_->SetLabelMarkup("<b>" + escapeMarkup(u8("Consultations — " + clientName_)) + "</b>");

            consultations_ = notes_.consultations(clientId_);
            appointments_->DeleteAllItems();
            for (const Consultation& c : consultations_) {
                long row = appointments_->InsertItem(appointments_->GetItemCount(), u8(c.startsAt));
                appointments_->SetItem(row, 1, u8(typeLabel(c.type) + ", " + std::to_string(c.minutes) + " min"));
                appointments_->SetItem(row, 2, u8(c.status));
                if (c.noteOverdue) appointments_->SetItemTextColour(row, kWarning);
            }
            list_ = notes_.list(clientId_);
            notesList_->DeleteAllItems();
            std::string now = utcNow();
            for (size_t i = 0; i < list_.size(); ++i) {
                const Note& n = list_[i];
                long row = notesList_->InsertItem(long(i), u8(n.date));
                notesList_->SetItem(row, 1, u8(n.title()));
                bool overdue = !n.isSigned() && hoursBetween(n.createdAt, now) >= 48;
                notesList_->SetItem(row, 2, !n.intact() ? "changed!" : n.isSigned() ? (n.addenda.empty() ? "signed" : "signed +")
                                                                  : overdue ? "unsigned!" : "draft");
                if (overdue || !n.intact()) notesList_->SetItemTextColour(row, kWarning);
            }
            size_t overdue = size_t(notes_.countUnsignedOlderThan(48));
            banner_->SetLabel(overdue ? wxString::Format("%zu note%s unsigned for more than 48 hours (see the agenda)", overdue,
                                                         overdue == 1 ? " is" : "s are")
                                      : wxString());
            for (size_t i = 0; note_ && i < list_.size(); ++i)
                if (list_[i].id == note_->id) notesList_->SetItemState(long(i), wxLIST_STATE_SELECTED, wxLIST_STATE_SELECTED);
        } catch (const std::exception& e) {
            say(e.what(), true);
        }
    }

    void say(const std::string& text, bool problem = false) {
        message_->SetForegroundColour(problem ? kWarning : kQuiet);
        message_->SetLabel(u8(text));
        message_->Wrap(FromDIP(760));
        Layout();
    }

    void open(int64_t noteId) {
        if (!saveDraft()) return;  // the note stays open with what was typed and why it was not saved
        try {
            note_ = notes_.note(noteId);
            host_.audit(note_->clientId, "note.view", json{{"note_id", noteId}}.dump());
            content_ = note_->answers;
            recommendations_ = note_->recommendations;
            dirty_ = false;
            for (size_t i = 0; i < list_.size(); ++i)
                if (list_[i].id == noteId && !(notesList_->GetItemState(long(i), wxLIST_STATE_SELECTED) & wxLIST_STATE_SELECTED))
                    notesList_->SetItemState(long(i), wxLIST_STATE_SELECTED, wxLIST_STATE_SELECTED);
        } catch (const std::exception& e) {
            say(e.what(), true);
            note_.reset();
        }
        buildEditor();
    }

    // One block per template section: its title, the guidance, then the text
    // (or the recommendation list) and a summary of its structured fields.
    void buildEditor() {
        Freeze();
        sections_->Clear(true);
        texts_.clear();
        recList_ = nullptr;
        if (!note_) {
            noteTitle_->SetLabelMarkup("<b>No note open</b>");
            state_->SetLabel(clientId_ ? "Choose a note on the left, or start a new one." : "");
            addenda_->SetLabel("");
        } else {
            noteTitle_->SetLabelMarkup("<b>" + escapeMarkup(u8(note_->title() + ", " + note_->date)) + "</b>");
            // A note changed outside Nourish stays as evidence: it is not edited further.
            bool locked = note_->isSigned() || !note_->intact();
            for (const json& section : note_->templateDocument["sections"]) {
                std::string id = section.value("id", "");
                sections_->Add(heading(this, u8(section.value("title", id))), 0, wxTOP, FromDIP(8));
                if (!section.value("guidance", "").empty() && !locked) {
                    auto* g = quiet(this, u8(section.value("guidance", "")));
                    g->Wrap(FromDIP(440));
                    sections_->Add(g, 0, wxTOP, FromDIP(2));
                }
                if (section.value("recommendations", false)) {
                    buildRecommendations(locked);
                    continue;
                }
                auto* text = new wxTextCtrl(this, wxID_ANY, wxEmptyString, wxDefaultPosition, FromDIP(wxSize(-1, 84)),
                                            wxTE_MULTILINE | wxTE_WORDWRAP);
                text->SetName("note-section-" + id);
                if (content_.contains(id) && content_[id].is_string()) text->ChangeValue(u8(content_[id].get<std::string>()));
                text->SetEditable(!locked);
                if (locked) text->SetBackgroundColour(GetBackgroundColour());
                text->Bind(wxEVT_TEXT, [this](wxCommandEvent&) {
                    dirty_ = true;
                    updateWords();
                });
                texts_.emplace_back(id, text);
                sections_->Add(text, 0, wxEXPAND | wxTOP, FromDIP(4));
                std::string summary;
                for (const json& f : section.value("fields", json::array())) {
                    std::string fid = f.value("id", "");
                    if (!content_.contains(fid)) continue;
                    const json& v = content_[fid];
                    std::string value = v.is_string() ? v.get<std::string>() : v.dump();
                    for (const json& o : f.value("options", json::array()))
                        if (o.value("value", "") == value) value = o.value("label", value);
                    summary += (summary.empty() ? "" : "   ") + f.value("label", fid) + ": " + value +
                               (f.contains("unit") ? " " + f.value("unit", "") : "");
                }
                if (!section.value("fields", json::array()).empty())
                    sections_->Add(quiet(this, summary.empty() ? u8("No structured fields yet (All fields…)") : u8(summary)), 0,
                                   wxTOP, FromDIP(2));
            }
            std::string state;
            if (!note_->intact())
                state = "This note was changed outside Nourish. What you see is not what was written here: it is "
                        "locked and never sent to the family. Ask whoever looks after the practice's computer to run "
                        "“nourish-cli store check”.";
            else if (locked) state = "Signed by " + note_->signedBy + " at " + note_->signedAt + ". Locked: corrections are addenda.";
            else state = "Draft — saves itself as you type. Last saved " + note_->updatedAt + ".";
            state_->SetLabel(u8(state));
            state_->SetForegroundColour(note_->intact() ? kQuiet : kWarning);
            state_->SetToolTip(note_->intact() ? wxString() : u8(note_->integrityProblem));
            state_->Wrap(FromDIP(360));
            std::string adds;
            for (const Addendum& a : note_->addenda)
                adds += "Addendum " + a.at + " by " + a.author + " — " + a.reason + "\n" + a.text + "\n\n";
            addenda_->SetLabel(u8(adds));
            addenda_->Wrap(FromDIP(460));
        }
        updateWords();
        enableEditor();
        Thaw();
        Layout();
        FitInside();
        Scroll(0, 0);  // the note's title, state and actions first
    }

    void buildRecommendations(bool locked) {
        recList_ = table(this, "recommendations", {{"Kind", 130}, {"What", 160}, {"Why, dose, how long", 190}});
        recList_->SetMinSize(FromDIP(wxSize(-1, 120)));
        fillRecommendations();
        sections_->Add(recList_, 0, wxEXPAND | wxTOP, FromDIP(4));
        if (locked) return;
        auto* buttons = new wxBoxSizer(wxHORIZONTAL);
        auto* add = new wxButton(this, wxID_ANY, "Add…");
        add->SetName("add-recommendation");
        add->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { editRecommendation(-1); });
        auto* edit = new wxButton(this, wxID_ANY, "Change…");
        edit->SetName("edit-recommendation");
        edit->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
            long row = recList_->GetNextItem(-1, wxLIST_NEXT_ALL, wxLIST_STATE_SELECTED);
            if (row >= 0) editRecommendation(row);
        });
        auto* remove = new wxButton(this, wxID_ANY, "Remove");
        remove->SetName("remove-recommendation");
        remove->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
            long row = recList_->GetNextItem(-1, wxLIST_NEXT_ALL, wxLIST_STATE_SELECTED);
            if (row < 0) return;
            recommendations_.erase(recommendations_.begin() + row);
            dirty_ = true;
            fillRecommendations();
            saveDraft();
        });
        buttons->Add(add);
        buttons->Add(edit, 0, wxLEFT, FromDIP(4));
        buttons->Add(remove, 0, wxLEFT, FromDIP(4));
        sections_->Add(buttons, 0, wxTOP, FromDIP(4));
    }

    void fillRecommendations() {
        recList_->DeleteAllItems();
        for (size_t i = 0; i < recommendations_.size(); ++i) {
            const Recommendation& r = recommendations_[i];
            long row = recList_->InsertItem(long(i), u8(kindHeading(r.kind)));
            recList_->SetItem(row, 1, u8(r.item));
            std::string rest = r.why;
            for (const std::string* part : {&r.dose, &r.duration})
                if (!part->empty()) rest += (rest.empty() ? "" : "; ") + *part;
            recList_->SetItem(row, 2, u8(rest));
        }
    }

    void editRecommendation(long row) {
        Recommendation current = row >= 0 ? recommendations_[size_t(row)] : Recommendation{"include", "", "", "", ""};
        RowsDialog d(this, row >= 0 ? "Change a recommendation" : "Add a recommendation", "recommendation-dialog");
        auto* kind = d.row("Kind", new wxChoice(&d, wxID_ANY), "recommendation-kind");
        int k = 0;
        for (const char* value : kKinds) {
            kind->Append(u8(kindHeading(value)));
            if (current.kind == value) kind->SetSelection(k);
            ++k;
        }
        auto* item = d.row("Food, product or advice", new wxTextCtrl(&d, wxID_ANY, u8(current.item)), "recommendation-item");
        auto* why = d.row("Why", new wxTextCtrl(&d, wxID_ANY, u8(current.why)), "recommendation-why");
        auto* dose = d.row("Dose or amount", new wxTextCtrl(&d, wxID_ANY, u8(current.dose)), "recommendation-dose");
        auto* duration = d.row("How long", new wxTextCtrl(&d, wxID_ANY, u8(current.duration)), "recommendation-duration");
        d.finish([&] {
            json j = {{"kind", kKinds[std::max(0, kind->GetSelection())]}, {"item", str(item->GetValue())}};
            if (!why->GetValue().empty()) j["why"] = str(why->GetValue());
            if (!dose->GetValue().empty()) j["dose"] = str(dose->GetValue());
            if (!duration->GetValue().empty()) j["duration"] = str(duration->GetValue());
            current = Recommendation::fromJson(j, "recommendation");
        });
        if (d.ShowModal() != wxID_OK) return;
        if (row >= 0) recommendations_[size_t(row)] = current;
        else recommendations_.push_back(current);
        dirty_ = true;
        fillRecommendations();
        saveDraft();
    }

    json currentContent() {
        json content = content_;
        for (auto& [id, text] : texts_) content[id] = str(text->GetValue());
        if (note_) {
            for (const json& s : note_->templateDocument["sections"])
                if (s.value("recommendations", false)) {
                    json list = json::array();
                    for (const Recommendation& r : recommendations_) list.push_back(r.toJson());
                    content[s.value("id", "")] = list;
                }
        }
        return content;
    }

    // True when there is nothing left unsaved.
    bool saveDraft() {
        if (!note_ || note_->isSigned() || !dirty_) return true;
        try {
            notes_.update(note_->id, currentContent());
            dirty_ = false;
            note_->updatedAt = utcNow();
            state_->SetLabel(u8("Draft — saved " + localNow().substr(11) + ". Sign it when it is complete."));
            say("");
            return true;
        } catch (const std::exception& e) {
            // Nothing is lost: the text stays in the editor and is tried again.
            say(std::string("Not saved yet: ") + e.what(), true);
            return false;
        }
    }

    // Before the page changes client: a draft that cannot be saved is put on
    // the clipboard whole, and she is told why.
    void keepUnsaved() {
        if (saveDraft()) return;
        std::string text;
        json content = currentContent();
        for (auto& [id, control] : texts_) text += id + ":\n" + str(control->GetValue()) + "\n\n";
        for (const Recommendation& r : recommendations_) text += kindHeading(r.kind) + ": " + r.familyText() + "\n";
        if (wxTheClipboard->Open()) {
            wxTheClipboard->SetData(new wxTextDataObject(u8(text)));
            wxTheClipboard->Close();
        }
        wxMessageBox(u8("The draft " + note_->title() + " of " + note_->date + " could not be saved: " +
                        str(message_->GetLabel()) + "\n\nIts text is on the clipboard."),
                     "Draft not saved", wxOK | wxICON_WARNING, this);
        dirty_ = false;
    }

    void updateWords() {
        int words = 0;
        for (auto& [id, text] : texts_) words += wordCount(str(text->GetValue()));
        for (const Recommendation& r : recommendations_) words += wordCount(r.familyText());
        words_->SetLabel(note_ ? wxString::Format("%d word%s", words, words == 1 ? "" : "s") : wxString());
    }

    void enableEditor() {
        bool open = note_.has_value();
        bool intact = open && note_->intact();
        bool draft = intact && !note_->isSigned();
        fields_->Enable(draft);
        sign_->Enable(draft);
        addendum_->Enable(intact && note_->isSigned());
        status_->Enable(!consultations_.empty());
    }

    void onBook() {
        if (!clientId_) return;
        RowsDialog d(this, u8("Book a consultation for " + clientName_), "book-consultation");
        auto* at = d.row("Date and time", new wxTextCtrl(&d, wxID_ANY, u8(tomorrowAtNine())), "book-at");
        auto* minutes = d.row("Minutes", new wxSpinCtrl(&d, wxID_ANY, "45", wxDefaultPosition, wxDefaultSize, wxSP_ARROW_KEYS, 5, 480, 45),
                              "book-minutes");
        auto* type = d.row("Type", new wxChoice(&d, wxID_ANY), "book-type");
        for (const char* t : kTypes) type->Append(u8(typeLabel(t)));
        type->SetSelection(1);
        std::string confirmed;  // the booking she already saw warnings for
        d.finish([&] {
            Booking b{clientId_, str(at->GetValue()), minutes->GetValue(), kTypes[std::max(0, type->GetSelection())]};
            std::string key = b.startsAt + "/" + std::to_string(b.minutes);
            auto warnings = notes_.bookingWarnings(b);
            if (!warnings.empty() && confirmed != key) {
                confirmed = key;
                std::string text;
                for (const std::string& w : warnings) text += "Note: " + w + ".\n";
                throw Refused(text + "Press OK again to book anyway.");
            }
            std::vector<std::string> ignored;
            notes_.book(b, ignored);
        });
        if (d.ShowModal() == wxID_OK) {
            say("Booked.");
            refresh();
        }
    }

    void onStatus() {
        long row = appointments_->GetNextItem(-1, wxLIST_NEXT_ALL, wxLIST_STATE_SELECTED);
        if (row < 0 || size_t(row) >= consultations_.size()) {
            say("Choose an appointment first.", true);
            return;
        }
        const Consultation& c = consultations_[size_t(row)];
        RowsDialog d(this, u8("Appointment on " + c.startsAt), "consultation-status");
        auto* status = d.row("Status", new wxChoice(&d, wxID_ANY), "status-choice");
        int i = 0;
        for (const char* s : kStatuses) {
            status->Append(s);
            if (c.status == s) status->SetSelection(i);
            ++i;
        }
        d.finish([&] { notes_.setStatus(c.id, kStatuses[std::max(0, status->GetSelection())]); });
        if (d.ShowModal() == wxID_OK) refresh();
    }

    void onNewNote() {
        if (!clientId_ || !saveDraft()) return;
        std::vector<json> templates;
        try {
            templates = notes_.templates();
        } catch (const std::exception& e) {
            say(e.what(), true);
            return;
        }
        RowsDialog d(this, u8("New note for " + clientName_), "new-note");
        auto* choice = d.row("Template", new wxChoice(&d, wxID_ANY), "template-choice");
        for (const json& t : templates) {
            std::string plugin = t.value("plugin", "");
            choice->Append(u8(t.value("title", "") + (plugin == "org.nourish.notes" ? "" : "  (" + plugin + ")")));
        }
        if (!templates.empty()) choice->SetSelection(0);
        auto* date = d.row("Consultation date", new wxTextCtrl(&d, wxID_ANY, u8(localToday())), "note-date");
        int64_t created = 0;
        d.finish([&] {
            if (choice->GetSelection() < 0) throw Refused("template: choose one");
            created = notes_.create(clientId_, templates[size_t(choice->GetSelection())].value("id", ""), str(date->GetValue()),
                                    json::object());
        });
        if (d.ShowModal() != wxID_OK) return;
        note_.reset();
        dirty_ = false;
        refresh();
        open(created);
        if (!texts_.empty()) texts_.front().second->SetFocus();
    }

    void onFields() {
        if (!note_ || note_->isSigned() || !saveDraft()) return;
        json content = currentContent();
        for (const json& s : note_->templateDocument["sections"])
            if (s.value("recommendations", false)) content.erase(s.value("id", ""));
        auto edited = host_.editForm(note_->templateId, content.dump());
        if (!edited) return;
        json answers = json::parse(edited->answersJson);
        for (auto it = answers.begin(); it != answers.end(); ++it) content_[it.key()] = *it;
        // A field she emptied in the form window is gone from the answers.
        for (auto it = content.begin(); it != content.end(); ++it)
            if (!answers.contains(it.key())) content_.erase(it.key());
        dirty_ = true;
        for (auto& [id, text] : texts_)
            text->ChangeValue(content_.contains(id) && content_[id].is_string() ? u8(content_[id].get<std::string>()) : wxString());
        saveDraft();
        open(note_->id);
    }

    void onSign() {
        if (!note_ || note_->isSigned()) return;
        saveDraft();
        if (dirty_) return;  // the save failed and says why
        wxDialog ask(this, wxID_ANY, "Sign this note?");
        ask.SetName("sign-confirm");
        auto* sizer = new wxBoxSizer(wxVERTICAL);
        auto* text = new wxStaticText(&ask, wxID_ANY,
                                      "After signing, this note can no longer be changed by anyone. Corrections are "
                                      "added as addenda, with the reason.");
        text->Wrap(FromDIP(380));
        sizer->Add(text, 0, wxALL, FromDIP(14));
        auto* buttons = new wxStdDialogButtonSizer();
        auto* yes = new wxButton(&ask, wxID_OK, "Sign");
        buttons->AddButton(yes);
        buttons->AddButton(new wxButton(&ask, wxID_CANCEL, "Not yet"));
        buttons->Realize();
        sizer->Add(buttons, 0, wxEXPAND | wxALL, FromDIP(10));
        ask.SetSizerAndFit(sizer);
        if (ask.ShowModal() != wxID_OK) return;
        try {
            std::string hash = notes_.sign(note_->id);
            say("Signed. SHA-256 " + hash.substr(0, 16) + "…");
            refresh();
        } catch (const std::exception& e) {
            say(e.what(), true);
        }
    }

    void onAddendum() {
        if (!note_ || !note_->isSigned()) return;
        RowsDialog d(this, "Add an addendum", "addendum-dialog");
        auto* reason = d.row("Reason", new wxTextCtrl(&d, wxID_ANY), "addendum-reason");
        auto* text = d.row("Addendum", new wxTextCtrl(&d, wxID_ANY, wxEmptyString, wxDefaultPosition, FromDIP(wxSize(-1, 100)),
                                                     wxTE_MULTILINE | wxTE_WORDWRAP),
                           "addendum-text");
        d.finish([&] { notes_.addAddendum(note_->id, str(reason->GetValue()), str(text->GetValue())); });
        if (d.ShowModal() == wxID_OK) refresh();
    }

    void onAgenda() {
        wxDialog d(this, wxID_ANY, "Agenda", wxDefaultPosition, FromDIP(wxSize(760, 460)), wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER);
        d.SetName("agenda");
        auto* sizer = new wxBoxSizer(wxVERTICAL);
        auto* bar = new wxBoxSizer(wxHORIZONTAL);
        auto* span = new wxChoice(&d, wxID_ANY);
        span->SetName("agenda-span");
        span->Append("Day");
        span->Append("Week");
        span->SetSelection(1);
        auto* from = new wxTextCtrl(&d, wxID_ANY, u8(localToday()));
        from->SetName("agenda-from");
        auto* showButton = new wxButton(&d, wxID_ANY, "Show");
        bar->Add(span, 0, wxRIGHT, FromDIP(6));
        bar->Add(new wxStaticText(&d, wxID_ANY, "from"), 0, wxALIGN_CENTER_VERTICAL | wxRIGHT, FromDIP(6));
        bar->Add(from, 0, wxRIGHT, FromDIP(6));
        bar->Add(showButton);
        sizer->Add(bar, 0, wxALL, FromDIP(10));
        auto* list = table(&d, "agenda-list", {{"When", 130}, {"Client", 170}, {"Type", 150}, {"Status", 80}, {"Note", 170}});
        sizer->Add(list, 1, wxEXPAND | wxLEFT | wxRIGHT, FromDIP(10));
        auto* problem = new wxStaticText(&d, wxID_ANY, "");
        problem->SetForegroundColour(kWarning);
        sizer->Add(problem, 0, wxALL, FromDIP(10));
        sizer->Add(d.CreateStdDialogButtonSizer(wxOK), 0, wxEXPAND | wxALL, FromDIP(8));
        d.SetSizer(sizer);
        auto fill = [&] {
            list->DeleteAllItems();
            problem->SetLabel("");
            try {
                std::string start = str(from->GetValue());
                parseDate(start, "from");
                std::string end = span->GetSelection() == 0 ? start : addMinutes(start + " 00:00", 6 * 24 * 60).substr(0, 10);
                auto agenda = notes_.agenda(start, end);
                host_.audit(0, "consult.agenda", json{{"from", start}, {"to", end}, {"consultations", agenda.size()}}.dump());
                for (const Consultation& c : agenda) {
                    long row = list->InsertItem(list->GetItemCount(), u8(c.startsAt));
                    list->SetItem(row, 1, u8(c.clientName));
                    list->SetItem(row, 2, u8(typeLabel(c.type) + ", " + std::to_string(c.minutes) + " min"));
                    list->SetItem(row, 3, u8(c.status));
                    list->SetItem(row, 4, c.noteId ? (c.noteSigned ? "signed" : c.noteOverdue ? "UNSIGNED > 48 h" : "draft") : "");
                    if (c.noteOverdue) list->SetItemTextColour(row, kWarning);
                }
                if (!list->GetItemCount()) problem->SetLabel("No consultations in this period.");
                size_t overdue = size_t(notes_.countUnsignedOlderThan(48));
                if (overdue) problem->SetLabel(wxString::Format("%zu note%s unsigned for more than 48 hours.", overdue, overdue == 1 ? " is" : "s are"));
            } catch (const std::exception& e) {
                problem->SetLabel(u8(e.what()));
            }
        };
        showButton->Bind(wxEVT_BUTTON, [&](wxCommandEvent&) { fill(); });
        span->Bind(wxEVT_CHOICE, [&](wxCommandEvent&) { fill(); });
        fill();
        d.ShowModal();
    }

    void onSearch() {
        wxDialog d(this, wxID_ANY, "Search notes", wxDefaultPosition, FromDIP(wxSize(760, 460)), wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER);
        d.SetName("search-notes");
        auto* sizer = new wxBoxSizer(wxVERTICAL);
        auto* box = new wxTextCtrl(&d, wxID_ANY, wxEmptyString, wxDefaultPosition, wxDefaultSize, wxTE_PROCESS_ENTER);
        box->SetName("search-notes-box");
        box->SetHint("Words in any note or addendum, e.g. soy yoghurt");
        sizer->Add(box, 0, wxEXPAND | wxALL, FromDIP(10));
        auto* list = table(&d, "search-results", {{"Date", 95}, {"Client", 160}, {"Note", 140}, {"Where it says", 320}});
        sizer->Add(list, 1, wxEXPAND | wxLEFT | wxRIGHT, FromDIP(10));
        auto* problem = new wxStaticText(&d, wxID_ANY, "Double-click a result to read the note.");
        problem->SetForegroundColour(kQuiet);
        sizer->Add(problem, 0, wxALL, FromDIP(10));
        sizer->Add(d.CreateStdDialogButtonSizer(wxOK), 0, wxEXPAND | wxALL, FromDIP(8));
        d.SetSizer(sizer);
        std::vector<SearchHit> hits;
        box->Bind(wxEVT_TEXT_ENTER, [&](wxCommandEvent&) {
            list->DeleteAllItems();
            try {
                hits = notes_.search(str(box->GetValue()));
                host_.audit(0, "note.search", json{{"query", str(box->GetValue())}, {"hits", hits.size()}}.dump());
                for (size_t i = 0; i < hits.size(); ++i) {
                    long row = list->InsertItem(long(i), u8(hits[i].date));
                    list->SetItem(row, 1, u8(hits[i].clientName));
                    list->SetItem(row, 2, u8(hits[i].addendumId ? hits[i].title + " (addendum)" : hits[i].title));
                    list->SetItem(row, 3, u8(hits[i].snippet));
                }
                problem->SetForegroundColour(kQuiet);
                problem->SetLabel(hits.empty() ? "Nothing found." : "Double-click a result to read the note.");
            } catch (const std::exception& e) {
                problem->SetForegroundColour(kWarning);
                problem->SetLabel(u8(e.what()));
            }
        });
        list->Bind(wxEVT_LIST_ITEM_ACTIVATED, [&](wxListEvent& e) {
            size_t i = size_t(e.GetIndex());
            if (i >= hits.size()) return;
            try {
                Note hit = notes_.note(hits[i].noteId);
                host_.audit(hit.clientId, "note.view", json{{"note_id", hit.id}, {"from", "search"}}.dump());
                showNote(&d, hit, hits[i].clientName, matchedWords(hits[i].snippet));
            } catch (const std::exception& ex) {
                problem->SetLabel(u8(ex.what()));
            }
        });
        d.ShowModal();
    }

    void onExport() {
        wxMessageDialog ask(this, u8("Export the upcoming consultations of " + clientName_ + " only, or of every client?"),
                            "Export calendar", wxYES_NO | wxCANCEL | wxICON_QUESTION);
        ask.SetYesNoCancelLabels(u8(clientName_ + " only"), "Every client", "Cancel");
        int answer = ask.ShowModal();
        if (answer == wxID_CANCEL) return;
        wxFileDialog save(this, "Save the calendar", wxEmptyString, "consultations.ics", "Calendar (*.ics)|*.ics",
                          wxFD_SAVE | wxFD_OVERWRITE_PROMPT);
        if (save.ShowModal() != wxID_OK) return;
        try {
            std::string path = str(save.GetPath());
            host_.checkFile(path, /*replace=*/true);
            std::string text = notes_.calendar(answer == wxID_YES ? std::optional<int64_t>(clientId_) : std::nullopt);
            host_.writeFile(path, text, /*replace=*/true);  // the file dialog asked before replacing
            host_.audit(answer == wxID_YES ? clientId_ : 0, "consult.export",
                        json{{"file", std::filesystem::path(path).filename().string()}}.dump());
            say("Calendar saved to " + path + ". It holds times and initials only, no health details.");
        } catch (const std::exception& e) {
            say(e.what(), true);
        }
    }

    nourish::Host host_;
    Notes notes_;
    wxTimer autosave_;
    nourish::Subscription changes_;
    int64_t clientId_ = 0;
    std::string clientName_;
    std::vector<Consultation> consultations_;
    std::vector<Note> list_;
    std::optional<Note> note_;
    json content_;
    std::vector<Recommendation> recommendations_;
    bool dirty_ = false;
    std::vector<std::pair<std::string, wxTextCtrl*>> texts_;
    wxListCtrl* recList_ = nullptr;

    wxStaticText *title_, *banner_, *message_, *noteTitle_, *state_, *words_, *addenda_;
    wxListCtrl *appointments_, *notesList_;
    wxBoxSizer* sections_;
    wxButton *fields_, *sign_, *addendum_, *status_;
};

}  // namespace

wxWindow* createConsultationsPage(wxWindow* parent, nourish::Host host) { return new ConsultationsPage(parent, host); }

void showConsultationsClient(wxWindow* page, int64_t clientId) {
    if (auto* p = dynamic_cast<ConsultationsPage*>(page)) p->show(clientId);
}

}  // namespace notes
