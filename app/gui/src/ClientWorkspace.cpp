#include "nourish/gui/ClientWorkspace.h"
#include "nourish/text.hpp"

#include <nlohmann/json.hpp>

#include <wx/notebook.h>
#include <wx/sizer.h>
#include <wx/stattext.h>

#include "nourish/core/AuditLog.h"
#include "nourish/core/Dates.h"
#include "nourish/core/Errors.h"

namespace nourish {

ClientWorkspace::ClientWorkspace(wxWindow* parent, Store& store, PluginHost& host)
    : wxPanel(parent, wxID_ANY), store_(store), host_(host) {
    SetName("client-workspace");
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    auto* header = new wxBoxSizer(wxVERTICAL);
    name_ = new wxStaticText(this, wxID_ANY, "");
    name_->SetFont(name_->GetFont().Scaled(1.6f).Bold());
    details_ = new wxStaticText(this, wxID_ANY, "");
    guardians_ = new wxStaticText(this, wxID_ANY, "");
    guardians_->SetName("client-guardians");
    guardians_->SetForegroundColour(wxSystemSettings::GetColour(wxSYS_COLOUR_GRAYTEXT));
    header->Add(name_, 0, wxBOTTOM, FromDIP(2));
    header->Add(details_, 0, wxBOTTOM, FromDIP(2));
    header->Add(guardians_, 0);
    sizer->Add(header, 0, wxEXPAND | wxALL, FromDIP(12));
    notebook_ = new wxNotebook(this, wxID_ANY);
    notebook_->SetName("plugin-pages");
    sizer->Add(notebook_, 1, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, FromDIP(8));
    SetSizer(sizer);
}

ClientWorkspace::~ClientWorkspace() = default;

void ClientWorkspace::createPages() {
    pagesCreated_ = true;
    for (const UiPage& page : host_.uiPages()) {
        std::string error;
        void* created = host_.createPage(page, notebook_, error);
        if (!created) {
            page.plugin->notes.push_back("its page \"" + page.title + "\" could not be created: " + error);
            continue;
        }
        auto* window = static_cast<wxWindow*>(created);
        notebook_->AddPage(window, wxString::FromUTF8(page.title));
        pages_.push_back({page, window});
    }
    if (pages_.empty()) {
        auto* empty = new wxPanel(notebook_);
        auto* s = new wxBoxSizer(wxVERTICAL);
        s->Add(new wxStaticText(empty, wxID_ANY,
                                "No plugin adds pages to the client workspace.\n"
                                "Plugins > Manage shows which plugins are installed and why any did not load."),
               0, wxALL, FromDIP(16));
        empty->SetSizer(s);
        notebook_->AddPage(empty, "Client");
    }
}

void ClientWorkspace::showClient(int64_t clientId) {
    if (!pagesCreated_) createPages();
    if (!ClientStore(store_).exists(clientId)) {
        clientId_ = clientId;
        refreshHeader();
        return;
    }
    {
        // A view is recorded before it is shown: one that cannot be recorded is not shown.
        Transaction tx(store_.db());
        // Every page is filled for the client: the view names them.
        nlohmann::json pages = nlohmann::json::array();
        for (const Page& p : pages_) pages.push_back(p.page.plugin->id() + "/" + p.page.id);
        AuditLog(store_).record(Actor::currentUser("gui"), "client.view", clientId, nlohmann::json{{"pages", pages}}.dump());
        tx.commit();
    }
    clientId_ = clientId;
    refreshHeader();
    for (Page& p : pages_) host_.showClient(p.page, p.window, clientId);
    host_.publish("nourish.client.selected", "{\"client_id\":" + std::to_string(clientId) + "}");
}

void ClientWorkspace::refreshHeader() {
    Client c;
    try {
        c = ClientStore(store_).get(clientId_);
    } catch (const NotFoundError&) {
        name_->SetLabel("This client no longer exists");
        details_->SetLabel("");
        guardians_->SetLabel("");
        return;
    }
    name_->SetLabel(wxString::FromUTF8(c.displayName()));
    std::string line = "Born " + c.dateOfBirth;
    if (auto dob = Date::parse(c.dateOfBirth)) line += "  ·  " + ageText(*dob, Date::today());
    if (c.sex != "unknown") line += "  ·  " + c.sex;
    if (c.preferredName) line += "  ·  legal name " + nourish::text::isolated(c.givenName + " " + c.familyName);
    if (c.status == "archived") line += "  ·  archived";
    details_->SetLabel(wxString::FromUTF8(line));
    std::string guardians;
    for (const Guardian& g : c.guardians) {
        if (!guardians.empty()) guardians += "\n";
        std::string line = nourish::text::isolated(g.name);
        if (g.relationship) line += " (" + nourish::text::isolated(*g.relationship) + ")";
        if (g.email) line += "  " + *g.email;
        if (g.phone) line += "  " + *g.phone;
        if (g.email) line += g.emailConsent ? "  ✓ may receive email" : "  ✗ no consent to email";
        guardians += nourish::text::leftToRightLine(line);
    }
    guardians_->SetLabel(wxString::FromUTF8(guardians.empty() ? "No guardian recorded" : guardians));
    Layout();
}

void ClientWorkspace::destroyPages() {
    pages_.clear();
    notebook_->DeleteAllPages();
}

}  // namespace nourish
