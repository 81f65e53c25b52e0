#include "FamilyPage.h"

#include <wx/button.h>
#include <wx/listctrl.h>
#include <wx/sizer.h>
#include <wx/stattext.h>

namespace {
wxString u8(const std::string& s) { return wxString::FromUTF8(s); }
std::string field(const nlohmann::json& j, const char* key) {
    return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}
}  // namespace

FamilyPage::FamilyPage(wxWindow* parent, nourish::Host host) : wxPanel(parent), host_(host) {
    SetName("family-page");
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    auto* intro = new wxStaticText(this, wxID_ANY,
                                   "Plan summaries are emailed only to guardians who agreed to receive them.");
    sizer->Add(intro, 0, wxALL, FromDIP(10));
    guardians_ = new wxListCtrl(this, wxID_ANY, wxDefaultPosition, wxDefaultSize, wxLC_REPORT | wxLC_SINGLE_SEL);
    guardians_->SetName("guardian-table");
    guardians_->AppendColumn("Guardian", wxLIST_FORMAT_LEFT, FromDIP(130));
    guardians_->AppendColumn("Relationship", wxLIST_FORMAT_LEFT, FromDIP(90));
    guardians_->AppendColumn("Email", wxLIST_FORMAT_LEFT, FromDIP(190));
    guardians_->AppendColumn("Phone", wxLIST_FORMAT_LEFT, FromDIP(125));
    guardians_->AppendColumn("Email summaries", wxLIST_FORMAT_LEFT, FromDIP(120));
    sizer->Add(guardians_, 1, wxEXPAND | wxLEFT | wxRIGHT, FromDIP(10));
    auto* row = new wxBoxSizer(wxHORIZONTAL);
    consent_ = new wxButton(this, wxID_ANY, "Record consent to email");
    consent_->Disable();
    row->Add(consent_, 0, wxRIGHT, FromDIP(10));
    message_ = new wxStaticText(this, wxID_ANY, "");
    row->Add(message_, 1, wxALIGN_CENTER_VERTICAL);
    sizer->Add(row, 0, wxEXPAND | wxALL, FromDIP(10));
    SetSizer(sizer);

    guardians_->Bind(wxEVT_LIST_ITEM_SELECTED, [this](wxListEvent& e) {
        const auto& g = client_["guardians"][static_cast<size_t>(e.GetIndex())];
        bool has = g.value("email_consent", false);
        consent_->SetLabel(has ? "Revoke consent to email" : "Record consent to email");
        consent_->Enable(!field(g, "email").empty());
        Layout();
    });
    consent_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { toggleConsent(); });
}

void FamilyPage::showClient(int64_t clientId) {
    clientId_ = clientId;
    guardians_->DeleteAllItems();
    consent_->Disable();
    message_->SetLabel("");
    if (!clientId) return;
    try {
        client_ = nlohmann::json::parse(host_.client(clientId));
    } catch (const std::exception& e) {
        message_->SetLabel(u8(e.what()));
        return;
    }
    long row = 0;
    for (const auto& g : client_["guardians"]) {
        guardians_->InsertItem(row, u8(field(g, "name")));
        guardians_->SetItem(row, 1, u8(field(g, "relationship")));
        guardians_->SetItem(row, 2, u8(field(g, "email")));
        guardians_->SetItem(row, 3, u8(field(g, "phone")));
        std::string consent = field(g, "email").empty()       ? "no email address"
                              : g.value("email_consent", false) ? "yes, " + field(g, "email_consent_at").substr(0, 10)
                                                                : "no consent";
        guardians_->SetItem(row, 4, u8(consent));
        ++row;
    }
}

void FamilyPage::toggleConsent() {
    long row = guardians_->GetNextItem(-1, wxLIST_NEXT_ALL, wxLIST_STATE_SELECTED);
    if (row < 0 || !clientId_) return;
    nlohmann::json update{{"guardians", client_["guardians"]}};
    auto& g = update["guardians"][static_cast<size_t>(row)];
    bool grant = !g.value("email_consent", false);
    g["email_consent"] = grant;
    g["email_consent_at"] = nullptr;
    try {
        auto api = host_.service<nourish_host_clients>(NOURISH_HOST_CLIENTS_ID);
        nourish::StringSink error;
        std::string text = update.dump();
        if (api->update(host_.raw(), clientId_, text.c_str(), error.get()) != NOURISH_OK)
            throw std::runtime_error(error.str());
        showClient(clientId_);
        guardians_->SetItemState(row, wxLIST_STATE_SELECTED, wxLIST_STATE_SELECTED);
        message_->SetLabel(grant ? "Consent recorded." : "Consent revoked; no more summaries will be emailed.");
    } catch (const std::exception& e) {
        message_->SetLabel(u8(e.what()));
    }
}
