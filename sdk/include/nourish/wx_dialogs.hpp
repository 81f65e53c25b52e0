// Small wx helpers for plugin pages (header-only; include after wx): the
// dialog of labelled rows every plugin needs, whose OK runs a check and, when
// it is refused, says why in the dialog and keeps everything typed.
#ifndef NOURISH_WX_DIALOGS_HPP
#define NOURISH_WX_DIALOGS_HPP

#include <wx/button.h>
#include <wx/colour.h>
#include <wx/dialog.h>
#include <wx/sizer.h>
#include <wx/stattext.h>

#include <functional>
#include <string>

namespace nourish::wxui {

inline wxString u8(const std::string& s) { return wxString::FromUTF8(s); }
inline std::string utf8(const wxString& s) { return s.utf8_string(); }

// The inks of the plugin pages: a problem, and a quiet hint.
inline const wxColour kWarningInk(0xB0, 0x1E, 0x1E);
inline const wxColour kQuietInk(0x5F, 0x63, 0x68);

// Text for SetLabelMarkup: &, < and > escaped.
inline wxString escapeMarkup(const wxString& text) {
    wxString out;
    for (wxUniChar c : text) {
        if (c == '&') out += "&amp;";
        else if (c == '<') out += "&lt;";
        else if (c == '>') out += "&gt;";
        else out += c;
    }
    return out;
}

// A bold label, through markup so that GTK sizes it for the bold face.
inline wxStaticText* boldLabel(wxWindow* parent, const wxString& text, const char* name = "") {
    auto* label = new wxStaticText(parent, wxID_ANY, wxEmptyString);
    label->SetLabelMarkup("<b>" + escapeMarkup(text) + "</b>");
    if (*name) label->SetName(name);
    return label;
}

// Rows of "label: control"; finish() adds the line that says why OK was
// refused (named "dialog-problem") and the buttons. apply() throws to refuse.
class RowsDialog : public wxDialog {
public:
    RowsDialog(wxWindow* parent, const wxString& title, const char* name)
        : wxDialog(parent, wxID_ANY, title, wxDefaultPosition, wxDefaultSize, wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER) {
        SetName(name);
        sizer_ = new wxBoxSizer(wxVERTICAL);
        body_ = new wxFlexGridSizer(2, FromDIP(6), FromDIP(10));
        body_->AddGrowableCol(1, 1);
        sizer_->Add(body_, 1, wxEXPAND | wxALL, FromDIP(12));
    }
    template <typename Control>
    Control* row(const wxString& label, Control* control, const char* name) {
        body_->Add(new wxStaticText(this, wxID_ANY, label), 0, wxALIGN_CENTER_VERTICAL);
        body_->Add(control, 1, wxEXPAND);
        control->SetName(name);
        return control;
    }
    wxFlexGridSizer* body() { return body_; }
    wxBoxSizer* sizer() { return sizer_; }

    void finish(std::function<void()> apply, const wxString& okLabel = wxEmptyString, int minWidth = 480) {
        wrap_ = minWidth - 20;
        problem_ = new wxStaticText(this, wxID_ANY, "");
        problem_->SetName("dialog-problem");
        sizer_->Add(problem_, 0, wxEXPAND | wxLEFT | wxRIGHT, FromDIP(12));
        auto* buttons = new wxStdDialogButtonSizer();
        buttons->AddButton(new wxButton(this, wxID_OK, okLabel));
        buttons->AddButton(new wxButton(this, wxID_CANCEL));
        buttons->Realize();
        sizer_->Add(buttons, 0, wxEXPAND | wxALL, FromDIP(10));
        SetSizerAndFit(sizer_);
        SetMinSize(wxSize(FromDIP(minWidth), GetSize().y));
        Fit();
        Bind(wxEVT_BUTTON, [this, apply](wxCommandEvent&) {
            try {
                apply();
                EndModal(wxID_OK);
            } catch (const std::exception& e) {
                say(u8(e.what()), true);
            }
        }, wxID_OK);
    }
    // A line under the rows: a refusal in red, anything else quietly.
    void say(const wxString& text, bool problem) {
        problem_->SetForegroundColour(problem ? kWarningInk : kQuietInk);
        problem_->SetLabel(text);
        problem_->Wrap(FromDIP(wrap_));
        Layout();
        Fit();
    }

private:
    wxBoxSizer* sizer_;
    wxFlexGridSizer* body_;
    wxStaticText* problem_ = nullptr;
    int wrap_ = 460;
};

}  // namespace nourish::wxui

#endif  // NOURISH_WX_DIALOGS_HPP
