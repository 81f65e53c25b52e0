#pragma once

#include <wx/dialog.h>

#include <cstdint>
#include <filesystem>
#include <optional>

#include "nourish/core/ClientStore.h"
#include "nourish/host/PluginHost.h"

class wxListCtrl;
class wxTextCtrl;
class wxButton;

namespace nourish {

// Asks for a new client (the child) and a first guardian; validates before
// closing and names the field in trouble. Returns the new id, or nothing.
std::optional<int64_t> askNewClient(wxWindow* parent, Store& store);

// File > Import clients: shows the first rows, every problem ("line N,
// column C: ...") or the duplicates, then imports all or nothing with a
// progress dialog. Returns how many clients were added.
size_t importClientsFromCsv(wxWindow* parent, Store& store, const std::filesystem::path& file);
// File > Export clients: every client and guardian to a CSV file (mode 0600).
void exportClientsToCsv(wxWindow* parent, Store& store, const std::filesystem::path& file);

// Edits the practice details (practice.*).
void editPracticeSettings(wxWindow* parent, Store& store);

// The plugin table: state, reason, capabilities; enable/disable for next start.
class PluginManagerDialog : public wxDialog {
public:
    PluginManagerDialog(wxWindow* parent, PluginHost& host);
    wxListCtrl* table() const { return table_; }
    wxTextCtrl* details() const { return details_; }
    // Checks the plugin at `path` and, if every check passes and she says yes
    // (who made it, what it declares, its signature), installs it into the
    // practitioner's plugin folder; the outcome is shown in the details.
    bool installFromFile(const std::string& path);
    // Asks, then removes the plugin in this row (one she installed); true if removed.
    bool uninstallSelected(long row);

private:
    void showDetails(long row);
    bool installedByHer(const PluginRecord& p) const;
    PluginHost& host_;
    wxListCtrl* table_ = nullptr;
    wxTextCtrl* details_ = nullptr;
    wxButton* toggle_ = nullptr;
    wxButton* uninstall_ = nullptr;
};

// Plugins > Manage > Trusted vendors: the vendors' keys whose signed plugins
// install after one confirmation; add one from its public key file (with the
// vendor's name and the key's fingerprint to compare), remove one.
class TrustedVendorsDialog : public wxDialog {
public:
    explicit TrustedVendorsDialog(wxWindow* parent);
    wxListCtrl* table() const { return table_; }
    wxStaticText* message() const { return message_; }
    // Asks for the vendor's name (shown with the key's fingerprint) and adds
    // the key in `keyFile`; true if added. What went wrong is in message().
    bool addFromFile(const std::string& keyFile);
    // Asks, then stops trusting the vendor in this row; true if removed.
    bool removeRow(long row);

private:
    void refresh();
    wxListCtrl* table_ = nullptr;
    wxStaticText* message_ = nullptr;
    wxButton* remove_ = nullptr;
};

// Help > About: versions of the app, SDK, wx, SQLite and Poco.
void showAbout(wxWindow* parent);

}  // namespace nourish
