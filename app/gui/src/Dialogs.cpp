#include "nourish/gui/Dialogs.h"
#include "nourish/text.hpp"

#include "nourish/host/PluginCheck.h"

#include <wx/aboutdlg.h>
#include <wx/button.h>
#include <wx/checkbox.h>
#include <wx/choice.h>
#include <wx/filedlg.h>
#include <wx/listctrl.h>
#include <wx/msgdlg.h>
#include <wx/sizer.h>
#include <wx/statbox.h>
#include <wx/stattext.h>
#include <wx/textdlg.h>
#include <wx/progdlg.h>
#include <wx/textctrl.h>

#include <atomic>
#include <exception>
#include <fstream>
#include <sstream>
#include <thread>

#include "nourish/core/ClientCsv.h"
#include "nourish/core/Errors.h"
#include "nourish/core/OutputFile.h"
#include "nourish/core/Settings.h"
#include "nourish/core/Versions.h"
#include "nourish/plugin.h"

namespace nourish {

namespace fs = std::filesystem;

namespace {

wxString u8(const std::string& s) { return wxString::FromUTF8(s); }
std::string typed(wxTextCtrl* t) { return t->GetValue().utf8_string(); }

// A label + control row in a two-column grid.
template <typename Control>
Control* addRow(wxWindow* parent, wxFlexGridSizer* grid, const wxString& label, Control* control) {
    grid->Add(new wxStaticText(parent, wxID_ANY, label), 0, wxALIGN_CENTER_VERTICAL | wxALIGN_RIGHT);
    grid->Add(control, 1, wxEXPAND);
    return control;
}

wxStaticText* errorLabel(wxWindow* parent) {
    auto* label = new wxStaticText(parent, wxID_ANY, "");
    label->SetForegroundColour(wxColour(176, 0, 32));
    label->SetName("error");
    return label;
}

const char* kFieldLabels[][2] = {{"given_name", "Given name"},         {"family_name", "Family name"},
                                 {"preferred_name", "Known as"},       {"date_of_birth", "Date of birth"},
                                 {"sex", "Sex"},                       {"name", "name"},
                                 {"email", "email"},                   {"phone", "phone"},
                                 {"relationship", "relationship"},     {"email_consent", "consent to email"}};

// "guardians[1].email" -> "Guardian 2, email".
std::string labelFor(const std::string& field) {
    std::string prefix, key = field;
    if (auto g = guardianField(field)) {
        prefix = "Guardian " + std::to_string(g->number) + ", ";
        key = g->field;
    }
    for (auto& pair : kFieldLabels)
        if (key == pair[0]) return prefix + pair[1];
    return prefix + key;
}

}  // namespace

namespace {
// One guardian's fields in the new-client dialog.
struct GuardianFields {
    wxTextCtrl* name;
    wxTextCtrl* relationship;
    wxTextCtrl* email;
    wxTextCtrl* phone;
    wxCheckBox* consent;
};
}  // namespace

std::optional<int64_t> askNewClient(wxWindow* parent, Store& store) {
    wxDialog dialog(parent, wxID_ANY, "New client", wxDefaultPosition, wxDefaultSize,
                    wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER);
    dialog.SetName("new-client");
    auto* sizer = new wxBoxSizer(wxVERTICAL);

    auto* childBox = new wxStaticBoxSizer(wxVERTICAL, &dialog, "Child");
    auto* child = new wxFlexGridSizer(2, wxSize(dialog.FromDIP(8), dialog.FromDIP(6)));
    child->AddGrowableCol(1);
    auto* given = addRow(&dialog, child, "Given name", new wxTextCtrl(&dialog, wxID_ANY));
    auto* family = addRow(&dialog, child, "Family name", new wxTextCtrl(&dialog, wxID_ANY));
    auto* preferred = addRow(&dialog, child, "Known as", new wxTextCtrl(&dialog, wxID_ANY));
    auto* dob = addRow(&dialog, child, "Date of birth", new wxTextCtrl(&dialog, wxID_ANY));
    dob->SetHint("YYYY-MM-DD");
    wxArrayString sexes;
    for (auto s : {"unknown", "female", "male", "other"}) sexes.Add(s);
    auto* sex = addRow(&dialog, child, "Sex", new wxChoice(&dialog, wxID_ANY, wxDefaultPosition, wxDefaultSize, sexes));
    sex->SetSelection(0);
    childBox->Add(child, 1, wxEXPAND | wxALL, dialog.FromDIP(6));
    sizer->Add(childBox, 0, wxEXPAND | wxALL, dialog.FromDIP(10));

    auto* guardiansSizer = new wxBoxSizer(wxVERTICAL);
    std::vector<GuardianFields> guardians;
    auto addGuardian = [&] {
        auto* box = new wxStaticBoxSizer(wxVERTICAL, &dialog,
                                         guardians.empty() ? "Parent or guardian" : "Another parent or guardian");
        auto* grid = new wxFlexGridSizer(2, wxSize(dialog.FromDIP(8), dialog.FromDIP(6)));
        grid->AddGrowableCol(1);
        GuardianFields g{};
        g.name = addRow(&dialog, grid, "Name", new wxTextCtrl(&dialog, wxID_ANY));
        g.relationship = addRow(&dialog, grid, "Relationship", new wxTextCtrl(&dialog, wxID_ANY));
        g.relationship->SetHint(wxString::FromUTF8("mother, father, carer…"));
        g.email = addRow(&dialog, grid, "Email", new wxTextCtrl(&dialog, wxID_ANY));
        g.phone = addRow(&dialog, grid, "Phone", new wxTextCtrl(&dialog, wxID_ANY));
        grid->AddSpacer(0);
        g.consent = new wxCheckBox(&dialog, wxID_ANY, "Agrees to receive plan summaries by email");
        grid->Add(g.consent);
        box->Add(grid, 1, wxEXPAND | wxALL, dialog.FromDIP(6));
        guardiansSizer->Add(box, 0, wxEXPAND | wxBOTTOM, dialog.FromDIP(8));
        guardians.push_back(g);
    };
    addGuardian();
    sizer->Add(guardiansSizer, 0, wxEXPAND | wxLEFT | wxRIGHT, dialog.FromDIP(10));
    auto* more = new wxButton(&dialog, wxID_ANY, "Add another guardian");
    sizer->Add(more, 0, wxLEFT | wxRIGHT, dialog.FromDIP(10));
    auto* health = new wxCheckBox(&dialog, wxID_ANY,
                                  "The first guardian agrees that the practice keeps the child's health data");
    health->SetName("health-consent");
    sizer->Add(health, 0, wxALL, dialog.FromDIP(10));
    auto* error = errorLabel(&dialog);
    sizer->Add(error, 0, wxEXPAND | wxLEFT | wxRIGHT, dialog.FromDIP(10));
    sizer->Add(dialog.CreateStdDialogButtonSizer(wxOK | wxCANCEL), 0, wxEXPAND | wxALL, dialog.FromDIP(10));
    dialog.SetSizerAndFit(sizer);
    dialog.SetSize(dialog.FromDIP(wxSize(480, -1)).GetWidth(), -1);
    if (auto* ok = dialog.FindWindow(wxID_OK)) ok->SetLabel("Add client");
    given->SetFocus();
    more->Bind(wxEVT_BUTTON, [&](wxCommandEvent&) {
        addGuardian();
        dialog.Fit();
        dialog.Layout();
    });

    std::optional<int64_t> result;
    dialog.Bind(wxEVT_BUTTON, [&](wxCommandEvent&) {
        Client c;
        c.givenName = typed(given);
        c.familyName = typed(family);
        if (!typed(preferred).empty()) c.preferredName = typed(preferred);
        c.dateOfBirth = typed(dob);
        c.sex = sex->GetStringSelection().utf8_string();
        for (const GuardianFields& f : guardians) {
            if (typed(f.name).empty() && typed(f.email).empty() && typed(f.phone).empty()) continue;
            Guardian g;
            g.name = typed(f.name);
            if (!typed(f.relationship).empty()) g.relationship = typed(f.relationship);
            if (!typed(f.email).empty()) g.email = typed(f.email);
            if (!typed(f.phone).empty()) g.phone = typed(f.phone);
            g.emailConsent = f.consent->GetValue();
            if (g.emailConsent) g.emailConsentBy = g.name;
            c.guardians.push_back(g);
        }
        c.healthDataConsent = health->GetValue();
        if (c.healthDataConsent && !c.guardians.empty()) c.healthDataConsentBy = c.guardians.front().name;
        try {
            ClientStore clients(store);
            ClientStore::validate(c);
            auto twins = clients.findDuplicates(c);
            if (!twins.empty()) {
                const ClientSummary& other = twins.front();
                wxMessageDialog ask(&dialog,
                                    u8(nourish::text::leftToRightLine(nourish::text::isolated(other.displayName())) + ", born " + other.dateOfBirth +
                                       ", is already a client (#" + std::to_string(other.id) +
                                       ") with the same name and date of birth or a guardian with the same email."),
                                    "This client may already exist", wxYES_NO | wxCANCEL | wxICON_QUESTION);
                ask.SetYesNoCancelLabels("Open the existing client", "Add as a new client", "Go back");
                int answer = ask.ShowModal();
                if (answer == wxID_YES) {
                    result = other.id;
                    dialog.EndModal(wxID_OK);
                    return;
                }
                if (answer != wxID_NO) return;
            }
            result = clients.create(c, Actor::currentUser("gui"));
            dialog.EndModal(wxID_OK);
        } catch (const ValidationError& e) {
            std::string message = e.what();
            error->SetLabel(u8(labelFor(e.field()) + ": " + message.substr(e.field().size() + 2)));
            dialog.Layout();
        } catch (const std::exception& e) {
            error->SetLabel(u8(e.what()));
            dialog.Layout();
        }
    }, wxID_OK);
    dialog.ShowModal();
    return result;
}

size_t importClientsFromCsv(wxWindow* parent, Store& store, const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        wxMessageBox(u8("Cannot read " + file.string()), "Import clients", wxOK | wxICON_ERROR, parent);
        return 0;
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    std::string csv = buffer.str();
    ClientCsv importer(store);
    ClientCsv::Parsed parsed;
    std::vector<std::string> problems;
    try {
        parsed = importer.parse(csv);
    } catch (const CsvImportError& e) {
        problems = e.problems();
    }

    wxDialog dialog(parent, wxID_ANY, "Import clients", wxDefaultPosition, wxDefaultSize,
                    wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER);
    dialog.SetName("import-clients");
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    std::string intro = problems.empty()
                            ? file.filename().string() + ": " + std::to_string(parsed.clients.size()) +
                                  " clients ready to import. The first rows:"
                            : file.filename().string() + " cannot be imported; nothing has been changed. Correct "
                                                         "these and try again:";
    sizer->Add(new wxStaticText(&dialog, wxID_ANY, u8(intro)), 0, wxALL, dialog.FromDIP(10));
    wxCheckBox* skip = nullptr;
    if (problems.empty()) {
        auto* preview = new wxListCtrl(&dialog, wxID_ANY, wxDefaultPosition, dialog.FromDIP(wxSize(620, 200)),
                                       wxLC_REPORT);
        preview->SetName("import-preview");
        for (auto [title, width] : {std::pair{"Line", 50}, {"Given name", 130}, {"Family name", 150},
                                    {"Born", 95}, {"Guardians", 190}})
            preview->AppendColumn(title, wxLIST_FORMAT_LEFT, dialog.FromDIP(width));
        for (size_t i = 0; i < parsed.clients.size() && i < 10; ++i) {
            const Client& c = parsed.clients[i];
            long row = preview->InsertItem(static_cast<long>(i), wxString::Format("%zu", parsed.lines[i]));
            preview->SetItem(row, 1, u8(c.givenName));
            preview->SetItem(row, 2, u8(c.familyName));
            preview->SetItem(row, 3, u8(c.dateOfBirth));
            std::string names;
            for (auto& g : c.guardians) names += (names.empty() ? "" : ", ") + g.name;
            preview->SetItem(row, 4, u8(names));
        }
        sizer->Add(preview, 1, wxEXPAND | wxLEFT | wxRIGHT, dialog.FromDIP(10));
        if (!parsed.duplicates.empty()) {
            problems = parsed.duplicates;
            skip = new wxCheckBox(&dialog, wxID_ANY,
                                  wxString::Format("Leave out the %zu duplicates listed below and import the rest",
                                                   parsed.duplicates.size()));
            sizer->Add(skip, 0, wxALL, dialog.FromDIP(10));
        }
    }
    if (!problems.empty()) {
        std::string list;
        for (auto& p : problems) list += p + "\n";
        auto* text = new wxTextCtrl(&dialog, wxID_ANY, u8(list), wxDefaultPosition, dialog.FromDIP(wxSize(620, 160)),
                                    wxTE_MULTILINE | wxTE_READONLY);
        text->SetName("import-problems");
        sizer->Add(text, 1, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, dialog.FromDIP(10));
    }
    bool canImport = !parsed.clients.empty() || (skip != nullptr);
    bool blocked = !problems.empty() && !skip;
    sizer->Add(dialog.CreateStdDialogButtonSizer(blocked || !canImport ? wxCLOSE : wxOK | wxCANCEL), 0,
               wxEXPAND | wxALL, dialog.FromDIP(10));
    if (auto* ok = dialog.FindWindow(wxID_OK)) {
        ok->SetLabel("Import");
        if (skip) {
            ok->Disable();
            skip->Bind(wxEVT_CHECKBOX, [ok](wxCommandEvent& e) { ok->Enable(e.IsChecked()); });
        }
    }
    dialog.Bind(wxEVT_BUTTON, [&dialog](wxCommandEvent&) { dialog.EndModal(wxID_CLOSE); }, wxID_CLOSE);
    dialog.SetSizerAndFit(sizer);
    if (dialog.ShowModal() != wxID_OK) return 0;

    wxProgressDialog progress("Import clients", "Importing…", static_cast<int>(parsed.clients.size()) + 1, parent,
                              wxPD_APP_MODAL | wxPD_AUTO_HIDE | wxPD_ELAPSED_TIME);
    try {
        auto report = importer.import(csv, Actor::currentUser("gui"), skip && skip->GetValue(),
                                      [&](size_t done, size_t total) {
                                          progress.Update(static_cast<int>(done),
                                                          wxString::Format("Imported %zu of %zu clients", done, total));
                                      });
        return report.ids.size();
    } catch (const std::exception& e) {
        progress.Hide();
        wxMessageBox(u8(std::string("Nothing was imported: ") + e.what()), "Import clients", wxOK | wxICON_ERROR,
                     parent);
        return 0;
    }
}

void exportClientsToCsv(wxWindow* parent, Store& store, const std::filesystem::path& file) {
    try {
        wxBusyCursor busy;
        checkOutputPath(file, store.path(), /*replace=*/true);  // the file dialog asked before replacing
        std::string csv = ClientCsv(store).exportText(StatusFilter::All, Actor::currentUser("gui"));
        writeOutputFile(file, csv, store.path(), /*replace=*/true);
    } catch (const std::exception& e) {
        wxMessageBox(u8(std::string("The export failed: ") + e.what()), "Export clients", wxOK | wxICON_ERROR, parent);
    }
}

void editPracticeSettings(wxWindow* parent, Store& store) {
    PracticeSettings settings(store);
    wxDialog dialog(parent, wxID_ANY, "Practice details", wxDefaultPosition, wxDefaultSize,
                    wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER);
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    sizer->Add(new wxStaticText(&dialog, wxID_ANY, "These details head every plan summary families receive."), 0,
               wxALL, dialog.FromDIP(10));
    auto* grid = new wxFlexGridSizer(2, wxSize(dialog.FromDIP(8), dialog.FromDIP(6)));
    grid->AddGrowableCol(1);
    const std::pair<const char*, const char*> fields[] = {{"practice.name", "Practice name"},
                                                          {"practice.practitioner", "Practitioner"},
                                                          {"practice.address", "Address"},
                                                          {"practice.phone", "Phone"},
                                                          {"practice.email", "Email"},
                                                          {"practice.hours", "Opening hours"},
                                                          {"practice.country", "Country (GB, IE, US...)"},
                                                          {"practice.emergency_number", "Emergency number"}};
    std::vector<std::pair<std::string, wxTextCtrl*>> controls;
    for (auto& [key, label] : fields) {
        long style = std::string(key) == "practice.address" ? wxTE_MULTILINE : 0;
        auto* control = new wxTextCtrl(&dialog, wxID_ANY, u8(settings.get(key).value_or("")), wxDefaultPosition,
                                       style ? dialog.FromDIP(wxSize(-1, 64)) : wxDefaultSize, style);
        if (std::string(key) == "practice.emergency_number") {
            control->SetName("practice-emergency-number");
            control->SetHint("empty: the country's number");
        }
        if (std::string(key) == "practice.country") control->SetName("practice-country");
        addRow(&dialog, grid, label, control);
        controls.emplace_back(key, control);
    }
    auto* emergency = new wxStaticText(&dialog, wxID_ANY, "");
    emergency->SetName("practice-emergency-shown");
    // What families will read, as it is typed.
    auto showEmergency = [&] {
        std::string own, country;
        for (auto& [key, control] : controls) {
            if (key == "practice.emergency_number") own = typed(control);
            if (key == "practice.country") country = typed(control);
        }
        for (char& c : country) c = char(std::toupper(static_cast<unsigned char>(c)));
        auto number = !own.empty() ? std::optional<std::string>(own) : PracticeSettings::emergencyNumberOf(country);
        emergency->SetLabel(number ? u8("Plan summaries tell families to call " + *number + " in an emergency.")
                                   : "Set the country or the emergency number: plan summaries tell families which "
                                     "number to call in an emergency.");
        emergency->SetForegroundColour(number ? wxNullColour : wxColour(170, 40, 30));
        dialog.Layout();
    };
    for (auto& [key, control] : controls)
        if (key == "practice.country" || key == "practice.emergency_number")
            control->Bind(wxEVT_TEXT, [&](wxCommandEvent&) { showEmergency(); });
    sizer->Add(grid, 1, wxEXPAND | wxLEFT | wxRIGHT, dialog.FromDIP(10));
    sizer->Add(emergency, 0, wxEXPAND | wxLEFT | wxRIGHT | wxTOP, dialog.FromDIP(10));
    showEmergency();
    auto* error = errorLabel(&dialog);
    sizer->Add(error, 0, wxEXPAND | wxALL, dialog.FromDIP(10));
    sizer->Add(dialog.CreateStdDialogButtonSizer(wxOK | wxCANCEL), 0, wxEXPAND | wxALL, dialog.FromDIP(10));
    dialog.SetSizerAndFit(sizer);
    dialog.SetSize(dialog.FromDIP(480), -1);
    if (auto* ok = dialog.FindWindow(wxID_OK)) ok->SetLabel("Save");
    dialog.Bind(wxEVT_BUTTON, [&](wxCommandEvent&) {
        try {
            std::vector<std::pair<std::string, std::string>> values;
            for (auto& [key, control] : controls) values.emplace_back(key, typed(control));
            settings.setMany(values, Actor::currentUser("gui"));  // all or nothing
            dialog.EndModal(wxID_OK);
        } catch (const std::exception& e) {
            error->SetLabel(u8(e.what()));
            dialog.Layout();
        }
    }, wxID_OK);
    dialog.ShowModal();
}

PluginManagerDialog::PluginManagerDialog(wxWindow* parent, PluginHost& host)
    : wxDialog(parent, wxID_ANY, "Plugins", wxDefaultPosition, wxDefaultSize, wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER),
      host_(host) {
    SetName("plugin-manager");
    host_.forms();  // forms are checked on first use; their problems are notes here
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    table_ = new wxListCtrl(this, wxID_ANY, wxDefaultPosition, FromDIP(wxSize(760, 220)),
                            wxLC_REPORT | wxLC_SINGLE_SEL);
    table_->SetName("plugin-table");
    table_->AppendColumn("Plugin", wxLIST_FORMAT_LEFT, FromDIP(170));
    table_->AppendColumn("Version", wxLIST_FORMAT_LEFT, FromDIP(70));
    table_->AppendColumn("SDK", wxLIST_FORMAT_LEFT, FromDIP(45));
    table_->AppendColumn("State", wxLIST_FORMAT_LEFT, FromDIP(75));
    table_->AppendColumn("Why", wxLIST_FORMAT_LEFT, FromDIP(390));
    long row = 0;
    for (auto& p : host_.plugins()) {
        table_->InsertItem(row, u8(p->manifest.name));
        table_->SetItem(row, 1, u8(p->manifest.version));
        table_->SetItem(row, 2, wxString::Format("%d.%d", p->manifest.sdkMajor, p->manifest.sdkMinor));
        table_->SetItem(row, 3, toString(p->state));
        std::string why = p->reason;
        if (why.empty() && !p->notes.empty()) why = p->notes.front();
        table_->SetItem(row, 4, u8(why));
        if (p->state == PluginState::Failed) table_->SetItemTextColour(row, wxColour(176, 0, 32));
        ++row;
    }
    sizer->Add(table_, 1, wxEXPAND | wxALL, FromDIP(10));
    details_ = new wxTextCtrl(this, wxID_ANY, "", wxDefaultPosition, FromDIP(wxSize(-1, 130)),
                              wxTE_MULTILINE | wxTE_READONLY);
    details_->SetName("plugin-details");
    sizer->Add(details_, 0, wxEXPAND | wxLEFT | wxRIGHT, FromDIP(10));
    auto* buttons = new wxBoxSizer(wxHORIZONTAL);
    toggle_ = new wxButton(this, wxID_ANY, "Turn off");
    toggle_->Disable();
    buttons->Add(toggle_, 0, wxRIGHT, FromDIP(8));
    auto* install = new wxButton(this, wxID_ANY, "Install from file...");
    install->SetName("install-plugin");
    buttons->Add(install, 0, wxRIGHT, FromDIP(8));
    uninstall_ = new wxButton(this, wxID_ANY, "Uninstall...");
    uninstall_->SetName("uninstall-plugin");
    uninstall_->Disable();
    buttons->Add(uninstall_, 0, wxRIGHT, FromDIP(8));
    auto* vendors = new wxButton(this, wxID_ANY, "Trusted vendors...");
    vendors->SetName("trusted-vendors");
    buttons->Add(vendors, 0, wxRIGHT, FromDIP(8));
    buttons->Add(new wxStaticText(this, wxID_ANY, "Changes take effect the next time Nourish starts."), 0,
                 wxALIGN_CENTER_VERTICAL);
    buttons->AddStretchSpacer();
    buttons->Add(new wxButton(this, wxID_CLOSE, "Close"));
    sizer->Add(buttons, 0, wxEXPAND | wxALL, FromDIP(10));
    SetSizerAndFit(sizer);

    table_->Bind(wxEVT_LIST_ITEM_SELECTED, [this](wxListEvent& e) { showDetails(e.GetIndex()); });
    Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { EndModal(wxID_CLOSE); }, wxID_CLOSE);
    toggle_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        long row = table_->GetNextItem(-1, wxLIST_NEXT_ALL, wxLIST_STATE_SELECTED);
        if (row < 0) return;
        auto& p = host_.plugins()[static_cast<size_t>(row)];
        auto disabled = host_.disabledIds();
        bool isOff = std::find(disabled.begin(), disabled.end(), p->id()) != disabled.end();
        host_.setEnabled(p->id(), isOff, Actor::currentUser("gui"));
        showDetails(row);
    });
    uninstall_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        long row = table_->GetNextItem(-1, wxLIST_NEXT_ALL, wxLIST_STATE_SELECTED);
        if (row >= 0) uninstallSelected(row);
    });
    vendors->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        TrustedVendorsDialog dialog(this);
        dialog.ShowModal();
    });
    install->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        wxFileDialog choose(this, "Install a plugin", "", "",
                            "Nourish plugins (*.so;*.plugin.json)|*.so;*.plugin.json|All files|*",
                            wxFD_OPEN | wxFD_FILE_MUST_EXIST);
        if (choose.ShowModal() == wxID_OK) installFromFile(choose.GetPath().utf8_string());
    });
    if (!host_.plugins().empty()) {
        table_->SetItemState(0, wxLIST_STATE_SELECTED, wxLIST_STATE_SELECTED);
        showDetails(0);
    }
}

namespace {

// Before a plugin is copied in: who made it, what it declares, its signature,
// and that it will run with her full rights. Yes only by pressing Install.
bool askToInstall(wxWindow* parent, const PluginCheck& check) {
    bool trusted = !needsConsent(check);
    wxDialog dialog(parent, wxID_ANY, check.upgrades ? "Upgrade this plugin?" : "Install this plugin?",
                    wxDefaultPosition, wxDefaultSize,
                    wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER);
    dialog.SetName("plugin-consent");
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    const Manifest& m = *check.manifest;
    auto* heading = new wxStaticText(
        &dialog, wxID_ANY,
        u8(m.name + " " + m.version + (m.vendor.empty() ? "" : " by " + m.vendor) +
           (check.upgrades ? " (you have " + check.upgrades->manifest.version + ")" : "")));
    heading->SetFont(heading->GetFont().Bold().Larger());
    sizer->Add(heading, 0, wxALL, dialog.FromDIP(12));
    std::string warning =
        trusted ? "It is signed by " + check.signature.vendor +
                      ", a vendor you trust, and is exactly as they signed it."
                : std::string(check.signature.state == trust::Signature::State::Unsigned
                                  ? "Nothing says who made this plugin or that it is as they made it."
                                  : "It is signed with a key that is not among your trusted vendors.") +
                      " " + consentWarning(check);
    auto* text = new wxStaticText(&dialog, wxID_ANY, u8(warning));
    text->SetName("plugin-consent-warning");
    text->Wrap(dialog.FromDIP(560));
    if (!trusted) text->SetForegroundColour(wxColour(150, 40, 0));
    sizer->Add(text, 0, wxLEFT | wxRIGHT | wxBOTTOM, dialog.FromDIP(12));
    std::string details;
    for (const std::string& line : describeForConsent(check)) details += line + "\n";
    auto* box = new wxTextCtrl(&dialog, wxID_ANY, u8(details), wxDefaultPosition, dialog.FromDIP(wxSize(580, 170)),
                               wxTE_MULTILINE | wxTE_READONLY);
    box->SetName("plugin-consent-details");
    sizer->Add(box, 1, wxEXPAND | wxLEFT | wxRIGHT, dialog.FromDIP(12));
    auto* buttons = new wxStdDialogButtonSizer;
    std::string verb = check.upgrades ? "Upgrade" : "Install";
    auto* install = new wxButton(&dialog, wxID_OK, trusted ? verb : verb + " anyway");
    auto* cancel = new wxButton(&dialog, wxID_CANCEL, "Cancel");
    buttons->AddButton(install);
    buttons->AddButton(cancel);
    buttons->Realize();
    (trusted ? install : cancel)->SetDefault();
    (trusted ? install : cancel)->SetFocus();
    sizer->Add(buttons, 0, wxEXPAND | wxALL, dialog.FromDIP(12));
    dialog.SetSizerAndFit(sizer);
    dialog.CentreOnParent();
    return dialog.ShowModal() == wxID_OK;
}

// Tries the plugin's code in the checker's own process (up to its time
// limit) on another thread, while the window says what is happening and the
// app keeps drawing; the practitioner can do nothing else meanwhile.
void runPluginCodeShowingProgress(wxWindow* parent, PluginCheck& check) {
    std::atomic<bool> done{false};
    std::exception_ptr failure;
    std::thread worker([&] {
        try {
            runPluginCode(check);
        } catch (...) {
            failure = std::current_exception();
        }
        done = true;
    });
    {
        wxProgressDialog progress("Checking the plugin",
                                  "Trying the plugin's code in a separate process, as Nourish would load it…", 100,
                                  parent, wxPD_APP_MODAL | wxPD_AUTO_HIDE | wxPD_ELAPSED_TIME);
        progress.SetName("plugin-check-progress");
        while (!done) {
            progress.Pulse();
            wxMilliSleep(30);
        }
    }
    worker.join();
    if (failure) std::rethrow_exception(failure);
}

}  // namespace

bool PluginManagerDialog::installFromFile(const std::string& path) {
    PluginInstall result;
    {
        wxBusyCursor busy;
        result.check = inspectForInstall(path, PluginHost::userPluginDirectory(), host_.options().directories);
    }
    // She is asked before any of its code runs, even in the checker; a no is a no.
    bool asked = result.check.ok();
    bool yes = asked && askToInstall(this, result.check);
    if (yes) {
        runPluginCodeShowingProgress(this, result.check);
        result = installChecked(std::move(result.check), PluginHost::userPluginDirectory(), true);
    } else if (asked) {
        result.refusedForConsent = true;
    }
    host_.recordInstall(result, Actor::currentUser("gui"));
    std::string text;
    if (result.installed) {
        const Manifest& m = *result.check.manifest;
        text = (result.replaced ? "Upgraded " + m.name + " from " + result.replaced->version + " to " + m.version
                                : "Installed " + m.name + " " + m.version) +
               (m.vendor.empty() ? "" : " by " + m.vendor) + " in " + result.installedManifest.parent_path().string() +
               ". It starts the next time Nourish starts" +
               (result.replaced ? "; what it stored and its settings are kept" : "") + ".\n\n";
    } else if (result.refusedForConsent) {
        text = "Not installed: you did not say you trust it. Nothing was copied.\n\n";
    } else {
        text = "Not installed: " +
               (result.check.ok() ? result.error
                                  : std::to_string(result.check.problems.size()) + " problem(s) found; nothing was copied.") +
               "\n\n";
    }
    for (const std::string& p : result.check.problems) text += "Problem: " + p + "\n";
    for (const std::string& p : result.check.notes) text += "Note: " + p + "\n";
    for (const std::string& p : result.check.passed) text += "Checked: " + p + "\n";
    details_->SetValue(u8(text));
    return result.installed;
}

// Only what the practitioner installed herself can be uninstalled here; a
// plugin that comes with Nourish (or a developer's, from NOURISH_PLUGIN_PATH)
// is turned off instead.
bool PluginManagerDialog::installedByHer(const PluginRecord& p) const {
    std::error_code ec;
    return !p.firstParty && fs::exists(p.manifestPath, ec) &&
           installedIn(p.manifestPath, PluginHost::userPluginDirectory());
}

bool PluginManagerDialog::uninstallSelected(long row) {
    if (row < 0 || row >= static_cast<long>(host_.plugins().size())) return false;
    const PluginRecord& p = *host_.plugins()[static_cast<size_t>(row)];
    if (!installedByHer(p)) return false;
    bool dataOnly = p.manifest.dataOnly();
    wxMessageDialog ask(this,
                        u8("Uninstall " + p.manifest.name + " " + p.manifest.version + "?\n\n" +
                           (dataOnly ? std::string("Its files are removed and it does not start next time. It is data "
                                                   "only and stored nothing of its own; a plan begun with one of its "
                                                   "protocols goes on from the copy kept when it began.")
                                     : std::string("Its files are removed and it does not start next time. What it "
                                                   "stored (its tables and settings) can stay in the store, to be "
                                                   "used again if you install it again, or be deleted now (after a "
                                                   "backup of the store)."))),
                        "Uninstall plugin",
                        dataOnly ? wxYES_NO | wxNO_DEFAULT | wxICON_QUESTION
                                 : wxYES_NO | wxCANCEL | wxCANCEL_DEFAULT | wxICON_QUESTION);
    if (dataOnly) ask.SetYesNoLabels("Uninstall", "Cancel");
    else ask.SetYesNoCancelLabels("Uninstall, keep its data", "Uninstall and delete its data", "Cancel");
    int answer = ask.ShowModal();
    if (answer != wxID_YES && (dataOnly || answer != wxID_NO)) return false;
    bool removeData = !dataOnly && answer == wxID_NO;
    std::string text;
    bool done = false;
    try {
        PluginUninstall removed = uninstallPlugin(p.id(), PluginHost::userPluginDirectory());
        text = "Uninstalled " + removed.manifest.name + " " + removed.manifest.version +
               ". It is gone from the next start of Nourish.\n";
        done = true;
        auto record = host_.recordUninstall(removed, Actor::currentUser("gui"), removeData);
        if (removeData) {
            text += "Deleted from the store: " +
                    (record.removed.tables.empty() ? std::string("no tables")
                                                   : std::to_string(record.removed.tables.size()) + " table(s)") +
                    ", " + std::to_string(record.removed.settings.size()) + " setting(s).\n";
            if (record.removed.backup) text += "The store as it was before: " + record.removed.backup->string() + "\n";
        } else if (!dataOnly) {
            text += "Kept in the store: " +
                    (record.tablesKept.empty() ? std::string("no tables")
                                               : std::to_string(record.tablesKept.size()) + " table(s)") +
                    ".\n";
        }
        for (const fs::path& f : removed.removed) text += "Removed: " + f.string() + "\n";
    } catch (const std::exception& e) {
        text += std::string(done ? "What it stored was not deleted (nothing of it was): " : "Not uninstalled: ") +
                e.what() + "\n";
    }
    details_->SetValue(u8(text));
    uninstall_->Disable();
    return done;
}

TrustedVendorsDialog::TrustedVendorsDialog(wxWindow* parent)
    : wxDialog(parent, wxID_ANY, "Trusted vendors", wxDefaultPosition, wxDefaultSize,
               wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER) {
    SetName("trusted-vendors");
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    auto* intro = new wxStaticText(
        this, wxID_ANY,
        "A plugin signed with one of these keys installs after one confirmation. Add a vendor's key only when "
        "you have compared its fingerprint with the one the vendor gave you (on their website, on paper, by "
        "phone).");
    intro->Wrap(FromDIP(560));
    sizer->Add(intro, 0, wxALL, FromDIP(12));
    table_ = new wxListCtrl(this, wxID_ANY, wxDefaultPosition, FromDIP(wxSize(580, 160)), wxLC_REPORT | wxLC_SINGLE_SEL);
    table_->SetName("trusted-vendors-table");
    table_->AppendColumn("Vendor", wxLIST_FORMAT_LEFT, FromDIP(170));
    table_->AppendColumn("Key fingerprint", wxLIST_FORMAT_LEFT, FromDIP(310));
    table_->AppendColumn("Since", wxLIST_FORMAT_LEFT, FromDIP(90));
    sizer->Add(table_, 1, wxEXPAND | wxLEFT | wxRIGHT, FromDIP(12));
    message_ = new wxStaticText(this, wxID_ANY, "");
    message_->SetName("trusted-vendors-message");
    sizer->Add(message_, 0, wxEXPAND | wxALL, FromDIP(12));
    auto* buttons = new wxBoxSizer(wxHORIZONTAL);
    auto* add = new wxButton(this, wxID_ANY, "Add a vendor's key...");
    remove_ = new wxButton(this, wxID_ANY, "Stop trusting...");
    remove_->Disable();
    buttons->Add(add, 0, wxRIGHT, FromDIP(8));
    buttons->Add(remove_, 0, wxRIGHT, FromDIP(8));
    buttons->AddStretchSpacer();
    buttons->Add(new wxButton(this, wxID_CLOSE, "Close"));
    sizer->Add(buttons, 0, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, FromDIP(12));
    SetSizerAndFit(sizer);
    Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { EndModal(wxID_CLOSE); }, wxID_CLOSE);
    SetEscapeId(wxID_CLOSE);
    table_->Bind(wxEVT_LIST_ITEM_SELECTED, [this](wxListEvent&) { remove_->Enable(); });
    table_->Bind(wxEVT_LIST_ITEM_DESELECTED, [this](wxListEvent&) { remove_->Disable(); });
    add->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        wxFileDialog choose(this, "A vendor's public key", "", "", "Public keys (*.pub;*.pem)|*.pub;*.pem|All files|*",
                            wxFD_OPEN | wxFD_FILE_MUST_EXIST);
        if (choose.ShowModal() == wxID_OK) addFromFile(choose.GetPath().utf8_string());
    });
    remove_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        removeRow(table_->GetNextItem(-1, wxLIST_NEXT_ALL, wxLIST_STATE_SELECTED));
    });
    refresh();
}

void TrustedVendorsDialog::refresh() {
    table_->DeleteAllItems();
    remove_->Disable();
    try {
        long row = 0;
        for (const trust::VendorKey& v : trust::trustedVendors()) {
            table_->InsertItem(row, u8(v.name));
            table_->SetItem(row, 1, u8(v.fingerprint));
            table_->SetItem(row, 2, u8(v.added));
            ++row;
        }
        if (row == 0) message_->SetLabel("No vendor is trusted yet: every plugin asks for your explicit yes.");
    } catch (const std::exception& e) {
        message_->SetLabel(u8(std::string("The list cannot be read, so no vendor is trusted: ") + e.what()));
    }
}

bool TrustedVendorsDialog::addFromFile(const std::string& keyFile) {
    trust::VendorKey key;
    try {
        key = trust::readPublicKey(keyFile);
    } catch (const std::exception& e) {
        message_->SetLabel(u8(std::string("Not added: ") + e.what()));
        return false;
    }
    wxTextEntryDialog ask(this,
                          u8("Key fingerprint: " + key.fingerprint +
                             "\n\nCompare it with the one the vendor gave you. If they are the same, the vendor's "
                             "name:"),
                          "Trust this vendor?");
    ask.SetName("trust-vendor-name");
    if (ask.ShowModal() != wxID_OK) return false;
    std::string name = ask.GetValue().utf8_string();
    name.erase(0, name.find_first_not_of(" \t"));
    name.erase(name.find_last_not_of(" \t") + 1);
    if (name.empty()) {
        message_->SetLabel("Not added: the vendor's name is needed, so that you can tell who signed a plugin.");
        return false;
    }
    try {
        trust::VendorKey added = trust::addTrustedVendor(keyFile, name);
        refresh();
        message_->SetLabel(u8(added.name == name ? "Trusted: " + name + " (" + added.fingerprint + ")."
                                                 : "This key is trusted already, as " + added.name + "."));
        return added.name == name;
    } catch (const std::exception& e) {
        message_->SetLabel(u8(std::string("Not added: ") + e.what()));
        return false;
    }
}

bool TrustedVendorsDialog::removeRow(long row) {
    if (row < 0 || row >= table_->GetItemCount()) return false;
    std::string name = table_->GetItemText(row, 0).utf8_string();
    std::string fp = table_->GetItemText(row, 1).utf8_string();
    wxMessageDialog ask(this,
                        u8("Stop trusting " + name + "?\n\nPlugins already installed stay; a plugin signed with this "
                           "key will ask for your explicit yes, as an unsigned one does."),
                        "Trusted vendors", wxYES_NO | wxNO_DEFAULT | wxICON_QUESTION);
    ask.SetYesNoLabels("Stop trusting", "Cancel");
    if (ask.ShowModal() != wxID_YES) return false;
    bool removed = false;
    try {
        removed = trust::removeTrustedVendor(fp);
    } catch (const std::exception& e) {
        message_->SetLabel(u8(std::string("Not removed: ") + e.what()));
        return false;
    }
    refresh();
    if (removed) message_->SetLabel(u8("No longer trusted: " + name + "."));
    return removed;
}

void PluginManagerDialog::showDetails(long row) {
    if (row < 0 || row >= static_cast<long>(host_.plugins().size())) return;
    const PluginRecord& p = *host_.plugins()[static_cast<size_t>(row)];
    std::string text = p.manifest.name + "  (" + p.id() + " " + p.manifest.version + ")\n";
    if (!p.manifest.vendor.empty()) text += "By " + p.manifest.vendor + "\n";
    if (!p.manifest.description.empty()) text += p.manifest.description + "\n";
    text += std::string("State: ") + toString(p.state);
    if (p.state == PluginState::Failed) text += std::string(" — ") + toString(p.failure);
    text += "\n";
    if (!p.reason.empty()) text += "Why: " + p.reason + "\n";
    for (auto& note : p.notes) text += "Note: " + note + "\n";
    text += "Capabilities: ";
    for (auto& c : p.manifest.capabilities) text += c + "  ";
    text += p.manifest.dataOnly() ? "\nDocuments: " + std::to_string(p.manifest.documents.size()) +
                                        " in " + p.manifestPath.parent_path().string() + " (data only, no code)"
                                  : "\nLibrary: " + p.libraryPath.string();
    text += std::string(p.firstParty ? "  (comes with Nourish)" : "") + "\n";
    details_->SetValue(u8(text));
    auto disabled = host_.disabledIds();
    bool isOff = std::find(disabled.begin(), disabled.end(), p.id()) != disabled.end();
    toggle_->SetLabel(isOff ? "Turn on" : "Turn off");
    toggle_->Enable(!p.manifest.id.empty());
    uninstall_->Enable(!p.manifest.id.empty() && installedByHer(p));
    Layout();
}

void showAbout(wxWindow* parent) {
    wxAboutDialogInfo info;
    info.SetName("Nourish");
    info.SetVersion("0.1.0");
    info.SetDescription(wxString::Format(
        "A practice suite for nutritionists working with babies and children\n"
        "with eczema and food sensitivities.\n\n"
        "Plugin SDK %d.%d  ·  %s  ·  SQLite %s  ·  Poco %s",
        NOURISH_SDK_MAJOR, NOURISH_SDK_MINOR, wxVERSION_STRING, u8(sqliteVersion()), u8(pocoVersion())));
    wxAboutBox(info, parent);
}

}  // namespace nourish
