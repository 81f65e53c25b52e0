#include "nourish/gui/FormDialog.h"

#include <wx/button.h>
#include <wx/checkbox.h>
#include <wx/choice.h>
#include <wx/panel.h>
#include <wx/scrolwin.h>
#include <wx/settings.h>
#include <wx/sizer.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>
#include <wx/wrapsizer.h>

#include <algorithm>
#include <cmath>

#include "nourish/core/Text.h"

namespace nourish {

using nlohmann::json;

namespace {

wxString u8(const std::string& s) { return wxString::FromUTF8(s); }
const int kTextWidth = 560;

wxStaticText* label(wxWindow* parent, const std::string& text, bool bold = false, float scale = 1.0f) {
    auto* l = new wxStaticText(parent, wxID_ANY, u8(text));
    wxFont font = l->GetFont();
    if (scale != 1.0f) font = font.Scaled(scale);
    if (bold) font = font.Bold();
    l->SetFont(font);
    l->Wrap(parent->FromDIP(kTextWidth));
    return l;
}

wxStaticText* helpText(wxWindow* parent, const std::string& text) {
    auto* l = label(parent, text);
    l->SetForegroundColour(wxSystemSettings::GetColour(wxSYS_COLOUR_GRAYTEXT));
    return l;
}

std::string numberText(const json& v) {
    if (v.is_number_integer()) return std::to_string(v.get<long long>());
    if (v.is_number()) {
        std::string s = std::to_string(v.get<double>());
        s.erase(s.find_last_not_of('0') + 1);
        if (!s.empty() && s.back() == '.') s.pop_back();
        return s;
    }
    return v.is_string() ? v.get<std::string>() : std::string();
}

}  // namespace

struct FormDialog::Repeat {
    struct Item {
        wxPanel* panel = nullptr;
        std::vector<std::unique_ptr<Field>> fields;
    };
    wxPanel* panel = nullptr;
    wxBoxSizer* items = nullptr;
    wxButton* add = nullptr;
    std::vector<std::unique_ptr<Item>> entries;
};

struct FormDialog::Field {
    const FormField* def = nullptr;
    wxPanel* row = nullptr;
    wxWindow* control = nullptr;
    wxStaticText* error = nullptr;
    std::vector<wxCheckBox*> checks;
    std::unique_ptr<Repeat> repeat;

    json value() const;
    void set(const json& v);
    void showError(const std::string& message) {
        error->SetLabel(u8(message));
        error->Wrap(error->GetParent()->FromDIP(kTextWidth));
        error->Show(!message.empty());
    }
};

namespace {

using Field = FormDialog::Field;
using Repeat = FormDialog::Repeat;

std::unique_ptr<Field> makeField(wxWindow* parent, wxSizer* sizer, const FormField& def,
                                 const std::function<void()>& changed);

// The visible, non-empty answers of a list of fields, in form order, so that
// each show_if sees the answers before it.
json collect(const std::vector<std::unique_ptr<Field>>& fields, const json& outer, bool withinItem) {
    json answers = json::object();
    for (const auto& f : fields) {
        const json& context = withinItem ? outer : answers;
        bool visible = withinItem ? FormDefinition::isVisible(*f->def, context, &answers)
                                  : FormDefinition::isVisible(*f->def, answers);
        if (!visible) continue;
        json v = f->value();
        if (!v.is_null()) answers[f->def->id] = v;
    }
    return answers;
}

void addRepeatEntry(Repeat& repeat, const FormField& def, const std::function<void()>& changed) {
    auto entry = std::make_unique<Repeat::Item>();
    entry->panel = new wxPanel(repeat.panel);
    auto* box = new wxStaticBoxSizer(wxVERTICAL, entry->panel,
                                     u8(def.label + " " + std::to_string(repeat.entries.size() + 1)));
    for (const FormField& child : def.fields) entry->fields.push_back(makeField(box->GetStaticBox(), box, child, changed));
    auto* remove = new wxButton(box->GetStaticBox(), wxID_ANY, "Remove");
    box->Add(remove, 0, wxALIGN_RIGHT | wxALL, entry->panel->FromDIP(4));
    entry->panel->SetSizer(box);
    repeat.items->Add(entry->panel, 0, wxEXPAND | wxBOTTOM, repeat.panel->FromDIP(6));
    Repeat::Item* raw = entry.get();
    remove->Bind(wxEVT_BUTTON, [&repeat, raw, changed](wxCommandEvent&) {
        // Destroy after the click has been handled: the button lives inside the panel.
        raw->panel->Hide();
        repeat.items->Detach(raw->panel);
        raw->panel->CallAfter([panel = raw->panel] { panel->Destroy(); });
        std::erase_if(repeat.entries, [raw](auto& e) { return e.get() == raw; });
        changed();
    });
    repeat.entries.push_back(std::move(entry));
}

std::unique_ptr<Field> makeField(wxWindow* parent, wxSizer* sizer, const FormField& def,
                                 const std::function<void()>& changed) {
    auto field = std::make_unique<Field>();
    field->def = &def;
    field->row = new wxPanel(parent);
    field->row->SetName("field-" + def.id);
    auto* rowSizer = new wxBoxSizer(wxVERTICAL);
    wxWindow* row = field->row;
    rowSizer->Add(label(row, def.label + (def.required ? " *" : ""), true), 0, wxBOTTOM, row->FromDIP(2));
    if (!def.help.empty()) rowSizer->Add(helpText(row, def.help), 0, wxBOTTOM, row->FromDIP(3));
    auto onChange = [changed](wxCommandEvent& e) {
        e.Skip();
        changed();
    };
    const std::string& t = def.type;
    if (t == "text" || t == "date" || t == "integer" || t == "decimal") {
        auto* line = new wxBoxSizer(wxHORIZONTAL);
        auto* text = new wxTextCtrl(row, wxID_ANY, "", wxDefaultPosition,
                                    row->FromDIP(wxSize(t == "text" ? 420 : 140, -1)));
        if (t == "date") text->SetHint("YYYY-MM-DD");
        line->Add(text, 0);
        if (!def.unit.empty()) line->Add(new wxStaticText(row, wxID_ANY, u8(def.unit)), 0, wxALIGN_CENTER_VERTICAL | wxLEFT, row->FromDIP(4));
        rowSizer->Add(line);
        field->control = text;
        text->Bind(wxEVT_TEXT, onChange);
    } else if (t == "multiline") {
        auto* text = new wxTextCtrl(row, wxID_ANY, "", wxDefaultPosition, row->FromDIP(wxSize(kTextWidth, 64)),
                                    wxTE_MULTILINE);
        rowSizer->Add(text, 0);
        field->control = text;
        text->Bind(wxEVT_TEXT, onChange);
    } else if (t == "yes_no" || t == "single_choice" || t == "scale") {
        wxArrayString choices;
        choices.Add(wxString::FromUTF8("—"));
        if (t == "yes_no") {
            choices.Add("Yes");
            choices.Add("No");
        } else if (t == "single_choice") {
            for (auto& o : def.options) choices.Add(u8(o.label));
        } else {
            for (long long v = std::llround(*def.min); v <= std::llround(*def.max); ++v) {
                std::string text = std::to_string(v);
                if (v == std::llround(*def.min) && !def.minLabel.empty()) text += " — " + def.minLabel;
                if (v == std::llround(*def.max) && !def.maxLabel.empty()) text += " — " + def.maxLabel;
                choices.Add(u8(text));
            }
        }
        auto* choice = new wxChoice(row, wxID_ANY, wxDefaultPosition, wxDefaultSize, choices);
        choice->SetSelection(0);
        rowSizer->Add(choice, 0);
        field->control = choice;
        choice->Bind(wxEVT_CHOICE, onChange);
    } else if (t == "multiple_choice") {
        auto* wrap = new wxWrapSizer(wxHORIZONTAL);
        for (auto& o : def.options) {
            auto* box = new wxCheckBox(row, wxID_ANY, u8(o.label));
            box->SetName(o.value);
            wrap->Add(box, 0, wxRIGHT | wxBOTTOM, row->FromDIP(10));
            field->checks.push_back(box);
            box->Bind(wxEVT_CHECKBOX, onChange);
        }
        rowSizer->Add(wrap, 0, wxEXPAND);
        field->control = field->checks.empty() ? nullptr : field->checks.front();
    } else if (t == "repeat") {
        field->repeat = std::make_unique<Repeat>();
        Repeat& repeat = *field->repeat;
        repeat.panel = new wxPanel(row);
        repeat.items = new wxBoxSizer(wxVERTICAL);
        auto* inner = new wxBoxSizer(wxVERTICAL);
        inner->Add(repeat.items, 0, wxEXPAND);
        repeat.add = new wxButton(repeat.panel, wxID_ANY, u8("Add " + def.label));
        repeat.add->SetName("add-" + def.id);
        inner->Add(repeat.add, 0);
        repeat.panel->SetSizer(inner);
        rowSizer->Add(repeat.panel, 0, wxEXPAND);
        field->control = repeat.add;
        repeat.add->Bind(wxEVT_BUTTON, [&repeat, &def, changed](wxCommandEvent&) {
            addRepeatEntry(repeat, def, changed);
            changed();
        });
    }
    field->error = new wxStaticText(row, wxID_ANY, "");
    field->error->SetForegroundColour(wxColour(176, 0, 32));
    field->error->Hide();
    rowSizer->Add(field->error, 0, wxTOP, row->FromDIP(2));
    row->SetSizer(rowSizer);
    sizer->Add(row, 0, wxEXPAND | wxALL, parent->FromDIP(6));
    return field;
}

}  // namespace

json FormDialog::Field::value() const {
    const std::string& t = def->type;
    if (t == "text" || t == "multiline" || t == "date") {
        std::string text = static_cast<wxTextCtrl*>(control)->GetValue().utf8_string();
        if (trim(text).empty()) return nullptr;
        return t == "multiline" ? text : trim(text);
    }
    if (t == "integer" || t == "decimal") {
        std::string text = trim(static_cast<wxTextCtrl*>(control)->GetValue().utf8_string());
        if (text.empty()) return nullptr;
        std::string normal = text;
        std::replace(normal.begin(), normal.end(), ',', '.');
        try {
            size_t used = 0;
            if (t == "integer") {
                long long v = std::stoll(normal, &used);
                if (used == normal.size()) return v;
            } else {
                double v = std::stod(normal, &used);
                if (used == normal.size()) return v;
            }
        } catch (const std::exception&) {
        }
        return text;  // the validator will say what is wrong with it
    }
    if (t == "yes_no") {
        int s = static_cast<wxChoice*>(control)->GetSelection();
        return s <= 0 ? json(nullptr) : json(s == 1);
    }
    if (t == "single_choice") {
        int s = static_cast<wxChoice*>(control)->GetSelection();
        return s <= 0 ? json(nullptr) : json(def->options[static_cast<size_t>(s - 1)].value);
    }
    if (t == "scale") {
        int s = static_cast<wxChoice*>(control)->GetSelection();
        return s <= 0 ? json(nullptr) : json(std::llround(*def->min) + s - 1);
    }
    if (t == "multiple_choice") {
        json list = json::array();
        for (size_t i = 0; i < checks.size(); ++i)
            if (checks[i]->GetValue()) list.push_back(def->options[i].value);
        return list.empty() ? json(nullptr) : list;
    }
    if (t == "repeat") {
        json list = json::array();
        for (auto& entry : repeat->entries) list.push_back(collect(entry->fields, json::object(), true));
        return list.empty() ? json(nullptr) : list;
    }
    return nullptr;
}

void FormDialog::Field::set(const json& v) {
    const std::string& t = def->type;
    if (v.is_null()) return;
    if (t == "text" || t == "multiline" || t == "date" || t == "integer" || t == "decimal") {
        static_cast<wxTextCtrl*>(control)->ChangeValue(u8(v.is_string() ? v.get<std::string>() : numberText(v)));
    } else if (t == "yes_no" && v.is_boolean()) {
        static_cast<wxChoice*>(control)->SetSelection(v.get<bool>() ? 1 : 2);
    } else if (t == "single_choice" && v.is_string()) {
        for (size_t i = 0; i < def->options.size(); ++i)
            if (def->options[i].value == v.get<std::string>()) static_cast<wxChoice*>(control)->SetSelection(int(i) + 1);
    } else if (t == "scale" && v.is_number()) {
        static_cast<wxChoice*>(control)->SetSelection(int(std::llround(v.get<double>() - *def->min)) + 1);
    } else if (t == "multiple_choice" && v.is_array()) {
        for (size_t i = 0; i < checks.size(); ++i)
            checks[i]->SetValue(std::find(v.begin(), v.end(), json(def->options[i].value)) != v.end());
    }
}

FormDialog::FormDialog(wxWindow* parent, const FormDefinition& form, const json& answers)
    : wxDialog(parent, wxID_ANY, u8(form.title), wxDefaultPosition, wxDefaultSize,
               wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER),
      form_(form) {
    SetName("form-dialog");
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    auto* title = label(this, form.title, true, 1.3f);
    sizer->Add(title, 0, wxLEFT | wxRIGHT | wxTOP, FromDIP(12));
    if (!form.description.empty()) sizer->Add(helpText(this, form.description), 0, wxLEFT | wxRIGHT | wxTOP, FromDIP(12));
    summary_ = new wxStaticText(this, wxID_ANY, "");
    summary_->SetForegroundColour(wxColour(176, 0, 32));
    summary_->SetName("form-summary");
    summary_->Hide();
    sizer->Add(summary_, 0, wxLEFT | wxRIGHT | wxTOP, FromDIP(12));

    body_ = new wxScrolledWindow(this, wxID_ANY, wxDefaultPosition, wxDefaultSize, wxVSCROLL);
    body_->SetScrollRate(0, FromDIP(12));
    auto* bodySizer = new wxBoxSizer(wxVERTICAL);
    auto changed = [this] { CallAfter([this] { refreshVisibility(); }); };
    for (const FormSection& section : form.sections) {
        bodySizer->Add(label(body_, section.title, true, 1.15f), 0, wxLEFT | wxRIGHT | wxTOP, FromDIP(10));
        if (!section.help.empty()) bodySizer->Add(helpText(body_, section.help), 0, wxLEFT | wxRIGHT | wxTOP, FromDIP(10));
        for (const FormField& def : section.fields) fields_.push_back(makeField(body_, bodySizer, def, changed));
    }
    body_->SetSizer(bodySizer);
    sizer->Add(body_, 1, wxEXPAND | wxALL, FromDIP(6));

    auto* buttons = new wxBoxSizer(wxHORIZONTAL);
    buttons->Add(new wxStaticText(this, wxID_ANY, "* required to complete"), 0, wxALIGN_CENTER_VERTICAL);
    buttons->AddStretchSpacer();
    auto* cancel = new wxButton(this, wxID_CANCEL, "Cancel");
    auto* draft = new wxButton(this, wxID_SAVE, "Save draft");
    auto* complete = new wxButton(this, wxID_OK, "Save as complete");
    buttons->Add(cancel, 0, wxRIGHT, FromDIP(6));
    buttons->Add(draft, 0, wxRIGHT, FromDIP(6));
    buttons->Add(complete);
    sizer->Add(buttons, 0, wxEXPAND | wxALL, FromDIP(12));
    SetSizer(sizer);
    SetSize(FromDIP(wxSize(660, 760)));

    // Fill in the answers given, repeat entries first so their fields exist.
    for (auto& f : fields_) {
        if (!answers.is_object() || !answers.contains(f->def->id)) continue;
        const json& v = answers[f->def->id];
        if (f->repeat && v.is_array()) {
            for (const json& item : v) {
                addRepeatEntry(*f->repeat, *f->def, changed);
                for (auto& child : f->repeat->entries.back()->fields)
                    if (item.is_object() && item.contains(child->def->id)) child->set(item[child->def->id]);
            }
        } else {
            f->set(v);
        }
    }
    refreshVisibility();
    // Keyboard navigation: whatever takes the focus scrolls into view.
    body_->Bind(wxEVT_CHILD_FOCUS, [this](wxChildFocusEvent& e) {
        e.Skip();
        wxWindow* focused = wxWindow::FindFocus();
        if (!focused) return;
        int top = focused->GetScreenPosition().y - body_->GetScreenPosition().y;
        int bottom = top + focused->GetSize().y;
        int height = body_->GetClientSize().y;
        if (top >= 0 && bottom <= height) return;
        int unit = 1, x = 0, y = 0;
        body_->GetScrollPixelsPerUnit(nullptr, &unit);
        body_->GetViewStart(&x, &y);
        int shift = top < 0 ? top - FromDIP(24) : bottom - height + FromDIP(24);
        body_->Scroll(-1, std::max(0, y + shift / std::max(unit, 1)));
    });
    draft->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { save(false); });
    complete->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { save(true); });
}

FormDialog::~FormDialog() = default;

void FormDialog::refreshVisibility() {
    json answers = json::object();
    for (auto& f : fields_) {
        bool visible = FormDefinition::isVisible(*f->def, answers);
        f->row->Show(visible);
        if (!visible) continue;
        json v = f->value();
        if (!v.is_null()) answers[f->def->id] = v;
        if (!f->repeat) continue;
        for (auto& entry : f->repeat->entries) {
            json item = json::object();
            for (auto& child : entry->fields) {
                bool shown = FormDefinition::isVisible(*child->def, answers, &item);
                child->row->Show(shown);
                json cv = child->value();
                if (shown && !cv.is_null()) item[child->def->id] = cv;
            }
        }
    }
    body_->Layout();
    body_->FitInside();
}

json FormDialog::answers() const { return collect(fields_, json::object(), false); }

bool FormDialog::check(bool complete) {
    for (auto& f : fields_) {
        f->showError("");
        if (f->repeat)
            for (auto& entry : f->repeat->entries)
                for (auto& child : entry->fields) child->showError("");
    }
    auto problems = form_.validateAnswers(answers(), complete);
    std::string unplaced;
    wxWindow* first = nullptr;
    for (const std::string& problem : problems) {
        size_t colon = problem.find(": ");
        std::string path = problem.substr(0, colon), message = problem.substr(colon + 2);
        Field* target = nullptr;
        size_t bracket = path.find('[');
        std::string top = path.substr(0, bracket);
        for (auto& f : fields_)
            if (f->def->id == top) target = f.get();
        if (target && bracket != std::string::npos && target->repeat) {
            size_t index = std::stoul(path.substr(bracket + 1));
            size_t dot = path.find("].");
            if (index < target->repeat->entries.size() && dot != std::string::npos)
                for (auto& child : target->repeat->entries[index]->fields)
                    if (child->def->id == path.substr(dot + 2)) target = child.get();
        }
        if (target) {
            target->showError(message);
            if (!first) first = target->row;
        } else {
            unplaced += problem + "\n";
        }
    }
    if (problems.empty()) {
        summary_->Hide();
    } else {
        summary_->SetLabel(wxString::Format("%zu %s attention before saving.", problems.size(),
                                            problems.size() == 1 ? "answer needs" : "answers need") +
                           (unplaced.empty() ? wxString() : "\n" + u8(unplaced)));
        summary_->Show();
    }
    body_->Layout();
    body_->FitInside();
    Layout();
    if (first) {
        int x = 0, y = 0;
        body_->CalcUnscrolledPosition(0, first->GetPosition().y, &x, &y);
        int unit = 1;
        body_->GetScrollPixelsPerUnit(nullptr, &unit);
        body_->Scroll(-1, unit ? y / unit : 0);
    }
    return problems.empty();
}

void FormDialog::save(bool complete) {
    if (!check(complete)) return;
    complete_ = complete;
    EndModal(wxID_OK);
}

wxWindow* FormDialog::control(const std::string& path) const {
    size_t bracket = path.find('[');
    std::string top = path.substr(0, bracket);
    for (auto& f : fields_) {
        if (f->def->id != top) continue;
        if (bracket == std::string::npos) return f->control;
        size_t index = std::stoul(path.substr(bracket + 1));
        std::string child = path.substr(path.find("].") + 2);
        if (!f->repeat || index >= f->repeat->entries.size()) return nullptr;
        for (auto& c : f->repeat->entries[index]->fields)
            if (c->def->id == child) return c->control;
    }
    return nullptr;
}

wxWindow* FormDialog::addButton(const std::string& repeatId) const {
    for (auto& f : fields_)
        if (f->def->id == repeatId && f->repeat) return f->repeat->add;
    return nullptr;
}

}  // namespace nourish
