#pragma once

#include <wx/frame.h>
#include <wx/timer.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "nourish/core/ClientStore.h"
#include "nourish/host/PluginHost.h"

class wxSearchCtrl;
class wxChoice;
class wxSimplebook;
class wxInfoBar;

namespace nourish {

class ClientListView;
class ClientWorkspace;
class WelcomePanel;

// The practitioner's main window: the client list on the left (live search,
// status filter), the client workspace with plugin pages on the right.
class MainFrame : public wxFrame {
public:
    MainFrame(Store& store, PluginHost& host);
    ~MainFrame() override;

    // Exposed for GUI tests.
    wxSearchCtrl* searchBox() const { return search_; }
    ClientListView* clientList() const { return list_; }
    ClientWorkspace* workspace() const { return workspace_; }
    void openClient(int64_t clientId);
    void refreshList();
    void showPluginManager();
    // What the watch does every second: if the store changed (another process
    // or a plugin page), the list and header show it and plugins hear
    // "nourish.store.changed". Public so that tests need not wait.
    void showStoreChanges();

private:
    void buildMenus();
    void buildToolbar();
    void buildLayout();
    void showStartupSummary();
    void updateStatus();
    void showWelcomeOrList();

    void onNewClient();
    void onPracticeSettings();
    void onBackup();
    void onAbout();
    void onArchive();
    void onClose(wxCloseEvent& event);

    Store& store_;
    PluginHost& host_;
    ClientStore clients_;
    wxSearchCtrl* search_ = nullptr;
    wxChoice* statusFilter_ = nullptr;
    ClientListView* list_ = nullptr;
    wxSimplebook* right_ = nullptr;
    WelcomePanel* welcome_ = nullptr;
    ClientWorkspace* workspace_ = nullptr;
    wxInfoBar* infoBar_ = nullptr;
    uint64_t listener_ = 0;
    wxTimer watch_;
    Store::ChangeMark seen_;
    class ModalDialogs;
    std::unique_ptr<ModalDialogs> modal_;
};

}  // namespace nourish
