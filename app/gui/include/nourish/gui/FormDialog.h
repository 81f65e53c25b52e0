#pragma once

#include <wx/dialog.h>

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "nourish/core/FormDefinition.h"

class wxScrolledWindow;
class wxStaticText;

namespace nourish {

// The host's one form renderer (SDK tier 1): any FormDefinition as wx
// widgets — sections, help, inline validation messages, show_if, repeat
// groups — for intake questionnaires, diary entries, instruments and notes.
class FormDialog : public wxDialog {
public:
    FormDialog(wxWindow* parent, const FormDefinition& form, const nlohmann::json& answers);
    ~FormDialog() override;

    // The answers as the form holds them now (visible, non-empty fields only).
    nlohmann::json answers() const;
    // Shows each problem beside its field; returns false if there were any.
    bool check(bool complete);
    // After ShowModal() == wxID_OK: whether the practitioner saved it as complete.
    bool savedComplete() const { return complete_; }

    // For tests: the input control of a field ("itch_now", "suspected_foods[0].food").
    wxWindow* control(const std::string& path) const;
    wxWindow* addButton(const std::string& repeatId) const;

    struct Field;  // one rendered field
    struct Repeat;

private:
    void refreshVisibility();
    void save(bool complete);

    const FormDefinition& form_;
    wxScrolledWindow* body_ = nullptr;
    wxStaticText* summary_ = nullptr;
    std::vector<std::unique_ptr<Field>> fields_;
    bool complete_ = false;
};

}  // namespace nourish
