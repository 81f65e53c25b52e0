#include "IntakePage.h"

#include <wx/button.h>
#include <wx/checkbox.h>
#include <wx/choice.h>
#include <wx/html/htmlwin.h>
#include <wx/html/htmprint.h>
#include <wx/listctrl.h>
#include <wx/sizer.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>

#include "AllergyHistory.h"
#include "AnswerText.h"

namespace {

using nlohmann::json;

wxString u8(const std::string& s) { return wxString::FromUTF8(s); }

std::string field(const json& j, const char* key) {
    return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

std::string escape(const std::string& text) {
    std::string out;
    for (char c : text) {
        switch (c) {
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '&': out += "&amp;"; break;
            case '"': out += "&quot;"; break;
            case '\n': out += "<br>"; break;
            default: out += c;
        }
    }
    return out;
}

wxStaticText* heading(wxWindow* parent, const char* text) {
    auto* l = new wxStaticText(parent, wxID_ANY, text);
    l->SetFont(l->GetFont().Bold());
    return l;
}

}  // namespace

IntakePage::IntakePage(wxWindow* parent, nourish::Host host)
    : wxScrolledWindow(parent, wxID_ANY, wxDefaultPosition, wxDefaultSize, wxVSCROLL), host_(host) {
    SetName("intake-page");
    SetScrollRate(0, FromDIP(12));
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    int gap = FromDIP(8);

    sizer->Add(heading(this, "Family and consent"), 0, wxLEFT | wxRIGHT | wxTOP, gap);
    guardians_ = new wxListCtrl(this, wxID_ANY, wxDefaultPosition, FromDIP(wxSize(-1, 76)),
                                wxLC_REPORT | wxLC_SINGLE_SEL);
    guardians_->SetName("guardian-table");
    guardians_->AppendColumn("Guardian", wxLIST_FORMAT_LEFT, FromDIP(130));
    guardians_->AppendColumn("Relationship", wxLIST_FORMAT_LEFT, FromDIP(90));
    guardians_->AppendColumn("Email", wxLIST_FORMAT_LEFT, FromDIP(190));
    guardians_->AppendColumn("Phone", wxLIST_FORMAT_LEFT, FromDIP(125));
    guardians_->AppendColumn("Email summaries", wxLIST_FORMAT_LEFT, FromDIP(120));
    sizer->Add(guardians_, 0, wxEXPAND | wxLEFT | wxRIGHT | wxTOP, gap);
    auto* consentRow = new wxBoxSizer(wxHORIZONTAL);
    emailConsent_ = new wxButton(this, wxID_ANY, "Record consent to email");
    emailConsent_->Disable();
    consentRow->Add(emailConsent_, 0, wxRIGHT, gap);
    healthButton_ = new wxButton(this, wxID_ANY, "Record consent to keep health data");
    healthButton_->SetName("health-consent-button");
    consentRow->Add(healthButton_, 0, wxRIGHT, gap);
    sizer->Add(consentRow, 0, wxEXPAND | wxLEFT | wxRIGHT | wxTOP, gap);
    healthConsent_ = new wxStaticText(this, wxID_ANY, "");
    healthConsent_->SetName("health-consent");
    sizer->Add(healthConsent_, 0, wxLEFT | wxRIGHT | wxTOP, gap);
    message_ = new wxStaticText(this, wxID_ANY, "");
    message_->SetName("intake-message");
    sizer->Add(message_, 0, wxLEFT | wxRIGHT, gap);

    sizer->Add(heading(this, "Questionnaires"), 0, wxLEFT | wxRIGHT | wxTOP, FromDIP(12));
    auto* actions = new wxBoxSizer(wxHORIZONTAL);
    formChoice_ = new wxChoice(this, wxID_ANY);
    formChoice_->SetName("form-choice");
    actions->Add(formChoice_, 1, wxRIGHT, gap);
    auto* fill = new wxButton(this, wxID_ANY, "Fill in…");
    fill->SetName("fill-in");
    actions->Add(fill, 0, wxRIGHT, gap);
    edit_ = new wxButton(this, wxID_ANY, "Edit answers…");
    edit_->SetName("edit-answers");
    edit_->Disable();
    actions->Add(edit_, 0, wxRIGHT, gap);
    auto* print = new wxButton(this, wxID_ANY, "Print summary…");
    actions->Add(print, 0);
    sizer->Add(actions, 0, wxEXPAND | wxLEFT | wxRIGHT | wxTOP, gap);
    responsesList_ = new wxListCtrl(this, wxID_ANY, wxDefaultPosition, FromDIP(wxSize(-1, 70)),
                                    wxLC_REPORT | wxLC_SINGLE_SEL);
    responsesList_->SetName("response-table");
    responsesList_->AppendColumn("Questionnaire", wxLIST_FORMAT_LEFT, FromDIP(280));
    responsesList_->AppendColumn("Version", wxLIST_FORMAT_LEFT, FromDIP(60));
    responsesList_->AppendColumn("Status", wxLIST_FORMAT_LEFT, FromDIP(90));
    responsesList_->AppendColumn("Changed", wxLIST_FORMAT_LEFT, FromDIP(95));
    responsesList_->AppendColumn("Entered by", wxLIST_FORMAT_LEFT, FromDIP(100));
    sizer->Add(responsesList_, 0, wxEXPAND | wxLEFT | wxRIGHT | wxTOP, gap);
    history_ = new wxCheckBox(this, wxID_ANY, "Show earlier versions");
    sizer->Add(history_, 0, wxLEFT | wxRIGHT | wxTOP, gap);
    answers_ = new wxHtmlWindow(this, wxID_ANY, wxDefaultPosition, wxDefaultSize, wxHW_SCROLLBAR_AUTO);
    answers_->SetName("answers-view");
    answers_->SetMinSize(FromDIP(wxSize(-1, 280)));
    sizer->Add(answers_, 1, wxEXPAND | wxALL, gap);

    sizer->Add(heading(this, "For the family's plan summary"), 0, wxLEFT | wxRIGHT, gap);
    sizer->Add(new wxStaticText(this, wxID_ANY,
                                "Points from the intake to share in \"About your child\", one per line."),
               0, wxLEFT | wxRIGHT | wxTOP, gap / 2);
    auto* pointsRow = new wxBoxSizer(wxHORIZONTAL);
    points_ = new wxTextCtrl(this, wxID_ANY, "", wxDefaultPosition, FromDIP(wxSize(-1, 54)), wxTE_MULTILINE);
    points_->SetName("summary-points");
    pointsRow->Add(points_, 1, wxRIGHT, gap);
    auto* savePoints = new wxButton(this, wxID_ANY, "Save points");
    savePoints->SetName("save-points");
    pointsRow->Add(savePoints, 0);
    sizer->Add(pointsRow, 0, wxEXPAND | wxALL, gap);
    SetSizer(sizer);

    guardians_->Bind(wxEVT_LIST_ITEM_SELECTED, [this](wxListEvent& e) {
        const auto& g = client_["guardians"][static_cast<size_t>(e.GetIndex())];
        emailConsent_->SetLabel(g.value("email_consent", false) ? "Revoke consent to email" : "Record consent to email");
        emailConsent_->Enable(!field(g, "email").empty());
        Layout();
    });
    emailConsent_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { toggleEmailConsent(); });
    healthButton_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { toggleHealthConsent(); });
    responsesList_->Bind(wxEVT_LIST_ITEM_SELECTED, [this](wxListEvent&) { showAnswers(); });
    history_->Bind(wxEVT_CHECKBOX, [this](wxCommandEvent&) { showResponses(); });
    fill->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        int choice = formChoice_->GetSelection();
        if (choice < 0 || !clientId_) return;
        std::string formId = forms_[static_cast<size_t>(choice)]["id"];
        // Continue an unfinished draft rather than starting again.
        json answers = json::object();
        for (const Response& r : responses_)
            if (r.formId == formId && !r.replacedBy) answers = upgradeIntakeAnswers(r.formId, r.formVersion, r.answers);
        fillIn(formId, answers);
    });
    edit_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        long row = responsesList_->GetNextItem(-1, wxLIST_NEXT_ALL, wxLIST_STATE_SELECTED);
        if (row < 0) return;
        const Response& r = responses_[static_cast<size_t>(row)];
        fillIn(r.formId, upgradeIntakeAnswers(r.formId, r.formVersion, r.answers));
    });
    savePoints->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        if (!clientId_) return;
        try {
            Responses(host_).setSummaryPoints(clientId_, points_->GetValue().utf8_string());
            points_->DiscardEdits();
            message_->SetLabel("Points for the plan summary saved.");
        } catch (const std::exception& e) {
            message_->SetLabel(u8(e.what()));
        }
    });
    print->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        if (!clientId_) return;
        wxHtmlEasyPrinting printing("Intake summary", this);
        printing.PreviewText(u8(summaryHtml()));
        host_.audit(clientId_, "intake.print");
    });
    changes_ = host_.subscribe("nourish.store.changed", [this](const std::string&) { followStore(); });
}

// The store changed elsewhere: the family, consents and questionnaires are
// read again, keeping the questionnaire in view; points being typed stay.
void IntakePage::followStore() {
    if (!clientId_) return;
    try {
        client_ = json::parse(host_.client(clientId_));
    } catch (const std::exception&) {
        return;  // gone, or busy: the next change says more
    }
    long row = responsesList_->GetNextItem(-1, wxLIST_NEXT_ALL, wxLIST_STATE_SELECTED);
    int64_t selected = row >= 0 && size_t(row) < responses_.size() ? responses_[size_t(row)].id : 0;
    showFamily();
    showResponses(selected);
    if (!points_->IsModified()) {
        std::string points;
        for (const std::string& p : Responses(host_).summaryPoints(clientId_)) points += p + "\n";
        points_->ChangeValue(u8(points));
    }
}

void IntakePage::showClient(int64_t clientId) {
    clientId_ = clientId;
    message_->SetLabel("");
    if (!clientId) return;
    try {
        client_ = json::parse(host_.client(clientId));
        forms_ = intakeFormsOnly(json::parse(host_.forms()));
    } catch (const std::exception& e) {
        message_->SetLabel(u8(e.what()));
        return;
    }
    formChoice_->Clear();
    for (const json& f : forms_) formChoice_->Append(u8(f["title"].get<std::string>()));
    if (!forms_.empty()) formChoice_->SetSelection(0);
    showFamily();
    showResponses();
    std::string points;
    for (const std::string& p : Responses(host_).summaryPoints(clientId)) points += p + "\n";
    points_->ChangeValue(u8(points));
    points_->DiscardEdits();
}

void IntakePage::showFamily() {
    guardians_->DeleteAllItems();
    emailConsent_->Disable();
    long row = 0;
    for (const auto& g : client_["guardians"]) {
        guardians_->InsertItem(row, u8(field(g, "name")));
        guardians_->SetItem(row, 1, u8(field(g, "relationship")));
        guardians_->SetItem(row, 2, u8(field(g, "email")));
        guardians_->SetItem(row, 3, u8(field(g, "phone")));
        std::string consent = field(g, "email").empty()         ? "no email address"
                              : g.value("email_consent", false) ? "yes, " + field(g, "email_consent_at").substr(0, 10)
                                                                : "no consent";
        guardians_->SetItem(row, 4, u8(consent));
        ++row;
    }
    bool health = client_.value("health_data_consent", false);
    healthConsent_->SetLabel(health ? u8("Health data kept with consent from " +
                                         field(client_, "health_data_consent_by") + " since " +
                                         field(client_, "health_data_consent_at").substr(0, 10))
                                    : "No consent to keep health data recorded yet");
    healthButton_->SetLabel(health ? "Revoke consent to keep health data" : "Record consent to keep health data");
    Layout();
}

void IntakePage::showResponses(int64_t select) {
    responsesList_->DeleteAllItems();
    edit_->Disable();
    try {
        responses_ = Responses(host_).forClient(clientId_, history_->GetValue());
    } catch (const std::exception& e) {
        message_->SetLabel(u8(e.what()));
        return;
    }
    long row = 0, selectRow = responses_.empty() ? -1 : 0;
    for (const Response& r : responses_) {
        std::string title = r.formId;
        for (const json& f : forms_)
            if (f["id"] == r.formId) title = f["title"];
        responsesList_->InsertItem(row, u8(title));
        responsesList_->SetItem(row, 1, wxString::Format("%d", r.formVersion));
        responsesList_->SetItem(row, 2, r.replacedBy ? "earlier version" : u8(r.status));
        responsesList_->SetItem(row, 3, u8(r.updatedAt.substr(0, 10)));
        responsesList_->SetItem(row, 4, u8(r.enteredBy));
        if (r.id == select) selectRow = row;
        ++row;
    }
    if (selectRow >= 0) responsesList_->SetItemState(selectRow, wxLIST_STATE_SELECTED, wxLIST_STATE_SELECTED);
    else answers_->SetPage("<p>No questionnaire has been filled in for this client yet. Choose one above and "
                           "press <b>Fill in</b>.</p>");
}

void IntakePage::showAnswers() {
    long row = responsesList_->GetNextItem(-1, wxLIST_NEXT_ALL, wxLIST_STATE_SELECTED);
    if (row < 0 || row >= static_cast<long>(responses_.size())) return;
    const Response& r = responses_[static_cast<size_t>(row)];
    edit_->Enable(!r.replacedBy);
    auto form = Responses(host_).formVersion(r.formId, r.formVersion);
    std::string html = "<p><small>Answered in version " + std::to_string(r.formVersion) + ", " + escape(r.status) +
                       ", last changed " + escape(r.updatedAt.substr(0, 10)) + " by " + escape(r.enteredBy) +
                       "</small></p>";
    if (form)
        for (const AnswerLine& line : describeAnswers(*form, r.answers)) {
            if (!line.section.empty()) html += "<h4>" + escape(line.section) + "</h4>";
            html += std::string(line.depth ? "<blockquote>" : "") + "<p><b>" + escape(line.label) + "</b>" +
                    (line.value.empty() ? "" : "<br>" + escape(line.value)) + "</p>" +
                    (line.depth ? "</blockquote>" : "");
        }
    answers_->SetPage(u8(html));
    host_.audit(clientId_, "intake.view", json{{"response", r.id}}.dump());
}

void IntakePage::fillIn(const std::string& formId, const json& answers) {
    auto api = host_.service<nourish_host_forms>(NOURISH_HOST_FORMS_ID);
    nourish::StringSink result;
    std::string initial = answers.dump();
    int32_t rc = api->edit(host_.raw(), formId.c_str(), initial.c_str(), result.get());
    if (rc != NOURISH_OK) return;  // cancelled
    const std::string& text = result.str();
    size_t newline = text.find('\n');
    bool complete = text.substr(0, newline) == "complete";
    json saved = json::parse(text.substr(newline + 1));
    try {
        auto problems = host_.validateAnswers(formId, saved.dump(), complete);
        if (!problems.empty()) throw std::runtime_error(problems.front());
        int64_t id = Responses(host_).save(clientId_, json::parse(host_.form(formId)), saved, complete);
        message_->SetLabel(complete ? "Answers saved." : "Draft saved; finish it any time with Fill in.");
        showResponses(id);
    } catch (const std::exception& e) {
        message_->SetLabel(u8(std::string("The answers were not saved: ") + e.what()));
    }
}

void IntakePage::updateClient(const json& change, const std::string& done) {
    auto api = host_.service<nourish_host_clients>(NOURISH_HOST_CLIENTS_ID);
    nourish::StringSink error;
    std::string text = change.dump();
    if (api->update(host_.raw(), clientId_, text.c_str(), error.get()) != NOURISH_OK) {
        message_->SetLabel(u8(error.str()));
        return;
    }
    client_ = json::parse(host_.client(clientId_));
    showFamily();
    message_->SetLabel(u8(done));
}

void IntakePage::toggleEmailConsent() {
    long row = guardians_->GetNextItem(-1, wxLIST_NEXT_ALL, wxLIST_STATE_SELECTED);
    if (row < 0 || !clientId_) return;
    json guardians = client_["guardians"];
    auto& g = guardians[static_cast<size_t>(row)];
    bool grant = !g.value("email_consent", false);
    g["email_consent"] = grant;
    g["email_consent_by"] = grant ? json(g["name"]) : json(nullptr);
    updateClient({{"guardians", guardians}},
                 grant ? "Consent to email recorded." : "Consent revoked; no more summaries will be emailed.");
    guardians_->SetItemState(row, wxLIST_STATE_SELECTED, wxLIST_STATE_SELECTED);
}

void IntakePage::toggleHealthConsent() {
    if (!clientId_) return;
    bool grant = !client_.value("health_data_consent", false);
    json change{{"health_data_consent", grant}};
    if (grant && !client_["guardians"].empty()) change["health_data_consent_by"] = client_["guardians"][0]["name"];
    updateClient(change, grant ? "Consent to keep health data recorded." : "Consent to keep health data revoked.");
}

std::string IntakePage::summaryHtml() const {
    std::string name = field(client_, "given_name") + " " + field(client_, "family_name");
    std::string html = "<h2>" + escape(name) + "</h2><p>Born " + escape(field(client_, "date_of_birth")) + "</p>";
    for (const Response& r : responses_) {
        if (r.replacedBy) continue;
        auto version = Responses(host_).formVersion(r.formId, r.formVersion);
        if (!version) continue;
        html += "<h3>" + escape((*version)["title"].get<std::string>()) + "</h3>";
        for (const AnswerLine& line : describeAnswers(*version, r.answers)) {
            if (!line.section.empty()) html += "<h4>" + escape(line.section) + "</h4>";
            html += "<p><b>" + escape(line.label) + "</b>" + (line.value.empty() ? "" : ": " + escape(line.value)) + "</p>";
        }
    }
    return html;
}
