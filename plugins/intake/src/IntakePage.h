#pragma once

#include <wx/scrolwin.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <vector>

#include "Responses.h"
#include "nourish/plugin.hpp"

class wxButton;
class wxCheckBox;
class wxChoice;
class wxHtmlWindow;
class wxListCtrl;
class wxStaticText;

// The "Intake" page of the client workspace: the family (guardians, consent
// to email, consent to store health data) and the intake questionnaires with
// a read view of the answers, their history, and a printable summary. It
// scrolls as a whole on small screens, so the answers always get room.
class IntakePage : public wxScrolledWindow {
public:
    IntakePage(wxWindow* parent, nourish::Host host);
    void showClient(int64_t clientId);

private:
    void followStore();
    void showFamily();
    void showResponses(int64_t select = 0);
    void showAnswers();
    void toggleEmailConsent();
    void toggleHealthConsent();
    void fillIn(const std::string& formId, const nlohmann::json& answers);
    std::string summaryHtml() const;
    void updateClient(const nlohmann::json& change, const std::string& done);

    nourish::Host host_;
    int64_t clientId_ = 0;
    nlohmann::json client_;
    std::vector<Response> responses_;
    nlohmann::json forms_;

    wxListCtrl* guardians_ = nullptr;
    wxButton* emailConsent_ = nullptr;
    wxStaticText* healthConsent_ = nullptr;
    wxButton* healthButton_ = nullptr;
    wxStaticText* message_ = nullptr;
    wxListCtrl* responsesList_ = nullptr;
    wxChoice* formChoice_ = nullptr;
    wxButton* edit_ = nullptr;
    wxCheckBox* history_ = nullptr;
    wxHtmlWindow* answers_ = nullptr;
    class wxTextCtrl* points_ = nullptr;
    nourish::Subscription changes_;
};
