#pragma once

#include <wx/panel.h>

#include <cstdint>
#include <nlohmann/json.hpp>

#include "nourish/plugin.hpp"

class wxListCtrl;
class wxButton;
class wxStaticText;

// The "Family" page: the client's guardians and their consent to email,
// which the practitioner can record or revoke here.
class FamilyPage : public wxPanel {
public:
    FamilyPage(wxWindow* parent, nourish::Host host);
    void showClient(int64_t clientId);

private:
    void toggleConsent();
    nourish::Host host_;
    int64_t clientId_ = 0;
    nlohmann::json client_;
    wxListCtrl* guardians_ = nullptr;
    wxButton* consent_ = nullptr;
    wxStaticText* message_ = nullptr;
};
