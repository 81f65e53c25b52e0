#include "nourish/gui/MainFrame.h"
#include "nourish/text.hpp"

#include <wx/artprov.h>
#include <wx/button.h>
#include <wx/choice.h>
#include <wx/filedlg.h>
#include <wx/infobar.h>
#include <wx/menu.h>
#include <wx/modalhook.h>
#include <wx/msgdlg.h>
#include <wx/notebook.h>
#include <wx/srchctrl.h>
#include <wx/simplebook.h>
#include <wx/sizer.h>
#include <wx/splitter.h>
#include <wx/stattext.h>
#include <wx/statusbr.h>
#include <wx/stdpaths.h>
#include <wx/toolbar.h>
#include <wx/display.h>
#include <wx/utils.h>

#include "nourish/core/Dates.h"
#include "nourish/core/Errors.h"
#include "nourish/core/Settings.h"
#include "nourish/gui/ClientListView.h"
#include "nourish/gui/ClientWorkspace.h"
#include "nourish/gui/Dialogs.h"
#include "nourish/gui/FormDialog.h"

// Plugin pages may show HTML (tier 2 shares the host's wx). wxHTML's tag
// handlers are modules, initialised only for libraries loaded before wx
// starts: the host uses the library itself so that it is loaded with the app.
#include <wx/html/htmlwin.h>

namespace nourish {

namespace {
enum {
    ID_NewClient = wxID_HIGHEST + 1,
    ID_PracticeSettings,
    ID_Backup,
    ID_FindClient,
    ID_ArchiveClient,
    ID_ManagePlugins,
    ID_Import,
    ID_Export,
};

wxString u8(const std::string& s) { return wxString::FromUTF8(s); }
}  // namespace

// Shown instead of the list's workspace while the store holds no client.
class WelcomePanel : public wxPanel {
public:
    WelcomePanel(wxWindow* parent, MainFrame& frame) : wxPanel(parent) {
        SetName("welcome");
        auto* outer = new wxBoxSizer(wxVERTICAL);
        auto* inner = new wxBoxSizer(wxVERTICAL);
        auto* title = new wxStaticText(this, wxID_ANY, "Welcome to Nourish");
        title->SetFont(title->GetFont().Scaled(1.8f).Bold());
        inner->Add(title, 0, wxBOTTOM, FromDIP(10));
        inner->Add(new wxStaticText(this, wxID_ANY,
                                    "Your caseload is empty. Add the first family, or explore Nourish\n"
                                    "with a demo caseload of fictional families (kept in its own file)."),
                   0, wxBOTTOM, FromDIP(16));
        auto* buttons = new wxBoxSizer(wxHORIZONTAL);
        auto* add = new wxButton(this, wxID_ANY, "Add a client");
        auto* demo = new wxButton(this, wxID_ANY, "Open the demo caseload");
        buttons->Add(add, 0, wxRIGHT, FromDIP(8));
        buttons->Add(demo);
        inner->Add(buttons);
        outer->AddStretchSpacer(1);
        outer->Add(inner, 0, wxALIGN_CENTER_HORIZONTAL);
        outer->AddStretchSpacer(2);
        SetSizer(outer);
        add->Bind(wxEVT_BUTTON, [&frame](wxCommandEvent&) {
            wxCommandEvent e(wxEVT_MENU, ID_NewClient);
            frame.GetEventHandler()->ProcessEvent(e);
        });
        demo->Bind(wxEVT_BUTTON, [&frame](wxCommandEvent&) {
            // The demo lives in its own store, so the practitioner's stays clean.
            const wxString exe = wxStandardPaths::Get().GetExecutablePath();
            const wchar_t* argv[] = {exe.wc_str(), L"--demo", nullptr};
            wxExecute(argv, wxEXEC_ASYNC);
            frame.Close();
        });
    }
};

// The hint shown while the list has clients but none is open.
class NoClientPanel : public wxPanel {
public:
    explicit NoClientPanel(wxWindow* parent) : wxPanel(parent) {
        auto* sizer = new wxBoxSizer(wxVERTICAL);
        auto* hint = new wxStaticText(this, wxID_ANY, "Choose a client on the left, or press Ctrl+N to add one.");
        hint->SetForegroundColour(wxSystemSettings::GetColour(wxSYS_COLOUR_GRAYTEXT));
        sizer->AddStretchSpacer();
        sizer->Add(hint, 0, wxALIGN_CENTER_HORIZONTAL);
        sizer->AddStretchSpacer();
        SetSizer(sizer);
    }
};

// How many modal dialogs are open: while one is, the pages under it stay as
// they are (a dialog may be working on what a page shows).
class MainFrame::ModalDialogs : public wxModalDialogHook {
public:
    ModalDialogs() { Register(); }
    ~ModalDialogs() override { Unregister(); }
    bool any() const { return open_ > 0; }

protected:
    int Enter(wxDialog*) override {
        ++open_;
        return wxID_NONE;
    }
    void Exit(wxDialog*) override { --open_; }

private:
    int open_ = 0;
};

MainFrame::MainFrame(Store& store, PluginHost& host)
    : wxFrame(nullptr, wxID_ANY, "Nourish", wxDefaultPosition, wxSize(1100, 720)),
      store_(store),
      host_(host),
      clients_(store),
      watch_(this),
      modal_(std::make_unique<ModalDialogs>()) {
    SetName("main-frame");
    wxASSERT(wxCLASSINFO(wxHtmlWindow)->IsKindOf(wxCLASSINFO(wxWindow)));  // keeps wxHTML linked (see above)
    SetMinSize(FromDIP(wxSize(760, 480)));
    // Most of a laptop screen: the workspace needs the room.
    wxRect screen = wxGetClientDisplayRect();
    SetSize(std::min(screen.width * 9 / 10, FromDIP(1400)), std::min(screen.height * 9 / 10, FromDIP(940)));
    CentreOnScreen();
    if (auto practice = PracticeSettings(store_).get("practice.name"))
        SetTitle(u8(*practice) + " — Nourish");
    buildMenus();
    buildToolbar();
    CreateStatusBar(3);
    int widths[] = {-1, -2, FromDIP(260)};
    GetStatusBar()->SetStatusWidths(3, widths);
    buildLayout();
    refreshList();
    showStartupSummary();
    Bind(wxEVT_CLOSE_WINDOW, &MainFrame::onClose, this);
    // Plugins open forms in the host's own form window (SDK tier 1).
    host_.setFormEditor([this](const FormDefinition& form, const nlohmann::json& answers) -> std::optional<EditedAnswers> {
        FormDialog dialog(this, form, answers);
        if (dialog.ShowModal() != wxID_OK) return std::nullopt;
        return EditedAnswers{dialog.savedComplete(), dialog.answers()};
    });
    // Plugins' own status lines (the outbox) in the middle of the status bar.
    host_.setStatusListener([this] { CallAfter([this] { SetStatusText(u8(host_.statusLine()), 1); }); });
    // A plugin changed a client (e.g. recorded consent): show it everywhere.
    listener_ = host_.listen([this](const std::string& event, const std::string&) {
        if (event != "nourish.client.changed") return;
        CallAfter([this] {
            refreshList();
            if (workspace_->clientId()) workspace_->refreshHeader();
        });
    });
    // Other processes (the command line, a second window) write to the same
    // store: look for their changes every second.
    seen_ = store_.changeMark();
    Bind(wxEVT_TIMER, [this](wxTimerEvent&) { showStoreChanges(); }, watch_.GetId());
    watch_.Start(1000);
}

void MainFrame::showStoreChanges() {
    if (modal_->any()) return;  // caught up once the dialog closes
    Store::ChangeMark now;
    try {
        now = store_.changeMark();
    } catch (const std::exception&) {
        return;  // the store is busy; the next tick looks again
    }
    if (now == seen_) return;
    bool external = now.external != seen_.external;
    seen_ = now;
    refreshList();
    if (workspace_->clientId()) workspace_->refreshHeader();
    host_.publish("nourish.store.changed", external ? R"({"external":true})" : R"({"external":false})");
    seen_ = store_.changeMark();  // what the pages wrote while refreshing is theirs
}

MainFrame::~MainFrame() {
    watch_.Stop();
    host_.setStatusListener({});
    host_.unlisten(listener_);
    host_.setFormEditor({});
}

void MainFrame::buildMenus() {
    auto* file = new wxMenu;
    file->Append(ID_NewClient, "&New client…\tCtrl+N");
    file->AppendSeparator();
    file->Append(ID_PracticeSettings, "Practice &settings…");
    file->Append(ID_Import, "&Import clients from CSV…");
    file->Append(ID_Export, "&Export clients to CSV…");
    file->AppendSeparator();
    file->Append(ID_Backup, "&Back up store…");
    file->AppendSeparator();
    file->Append(wxID_EXIT, "&Quit\tCtrl+Q");
    auto* clients = new wxMenu;
    clients->Append(ID_FindClient, "&Find client\tCtrl+F");
    clients->Append(ID_ArchiveClient, "&Archive or reactivate client");
    auto* plugins = new wxMenu;
    plugins->Append(ID_ManagePlugins, "&Manage…");
    auto* help = new wxMenu;
    help->Append(wxID_ABOUT, "&About Nourish");
    auto* bar = new wxMenuBar;
    bar->Append(file, "&File");
    bar->Append(clients, "&Clients");
    bar->Append(plugins, "&Plugins");
    bar->Append(help, "&Help");
    SetMenuBar(bar);

    Bind(wxEVT_MENU, [this](wxCommandEvent&) { onNewClient(); }, ID_NewClient);
    Bind(wxEVT_MENU, [this](wxCommandEvent&) { onPracticeSettings(); }, ID_PracticeSettings);
    Bind(wxEVT_MENU, [this](wxCommandEvent&) { onBackup(); }, ID_Backup);
    Bind(wxEVT_MENU, [this](wxCommandEvent&) {
        wxFileDialog open(this, "Import clients", "", "", "CSV files (*.csv)|*.csv|All files|*",
                          wxFD_OPEN | wxFD_FILE_MUST_EXIST);
        if (open.ShowModal() != wxID_OK) return;
        size_t added = importClientsFromCsv(this, store_, open.GetPath().utf8_string());
        if (!added) return;
        refreshList();
        host_.publish("nourish.client.changed", "{\"client_id\":0}");
        SetStatusText(wxString::Format("Imported %zu clients", added), 0);
    }, ID_Import);
    Bind(wxEVT_MENU, [this](wxCommandEvent&) {
        wxFileDialog save(this, "Export clients", "", "nourish-clients-" + Date::today().iso() + ".csv",
                          "CSV files (*.csv)|*.csv", wxFD_SAVE | wxFD_OVERWRITE_PROMPT);
        if (save.ShowModal() != wxID_OK) return;
        exportClientsToCsv(this, store_, save.GetPath().utf8_string());
        SetStatusText("Exported to " + save.GetPath(), 0);
    }, ID_Export);
    Bind(wxEVT_MENU, [this](wxCommandEvent&) { Close(); }, wxID_EXIT);
    Bind(wxEVT_MENU, [this](wxCommandEvent&) {
        search_->SetFocus();
        search_->SelectAll();
    }, ID_FindClient);
    Bind(wxEVT_MENU, [this](wxCommandEvent&) { onArchive(); }, ID_ArchiveClient);
    Bind(wxEVT_MENU, [this](wxCommandEvent&) { showPluginManager(); }, ID_ManagePlugins);
    Bind(wxEVT_MENU, [this](wxCommandEvent&) { onAbout(); }, wxID_ABOUT);
}

void MainFrame::buildToolbar() {
    auto* tb = CreateToolBar(wxTB_HORIZONTAL | wxTB_TEXT | wxTB_HORZ_LAYOUT | wxTB_NOICONS);
    tb->AddTool(ID_NewClient, "New client", wxNullBitmap, "Add a child and their family (Ctrl+N)");
    tb->AddTool(ID_FindClient, "Find", wxNullBitmap, "Search clients by name or guardian email (Ctrl+F)");
    tb->AddSeparator();
    tb->AddTool(ID_Backup, "Back up", wxNullBitmap, "Copy the whole store to a new file");
    tb->AddTool(ID_ManagePlugins, "Plugins", wxNullBitmap, "Installed plugins and why any did not load");
    tb->Realize();
}

void MainFrame::buildLayout() {
    auto* root = new wxPanel(this);
    auto* rootSizer = new wxBoxSizer(wxVERTICAL);
    infoBar_ = new wxInfoBar(root);
    rootSizer->Add(infoBar_, 0, wxEXPAND);

    auto* splitter = new wxSplitterWindow(root, wxID_ANY, wxDefaultPosition, wxDefaultSize,
                                          wxSP_LIVE_UPDATE | wxSP_3DSASH);
    splitter->SetMinimumPaneSize(FromDIP(260));
    auto* left = new wxPanel(splitter);
    auto* leftSizer = new wxBoxSizer(wxVERTICAL);
    search_ = new wxSearchCtrl(left, wxID_ANY, "", wxDefaultPosition, wxDefaultSize, wxTE_PROCESS_ENTER);
    search_->SetName("client-search");
    search_->SetDescriptiveText("Search name or guardian email");
    search_->ShowCancelButton(true);
    statusFilter_ = new wxChoice(left, wxID_ANY);
    statusFilter_->Append("Active clients");
    statusFilter_->Append("Archived clients");
    statusFilter_->Append("All clients");
    statusFilter_->SetSelection(0);
    statusFilter_->SetName("status-filter");
    list_ = new ClientListView(left);
    leftSizer->Add(search_, 0, wxEXPAND | wxALL, FromDIP(6));
    leftSizer->Add(statusFilter_, 0, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, FromDIP(6));
    leftSizer->Add(list_, 1, wxEXPAND);
    left->SetSizer(leftSizer);

    right_ = new wxSimplebook(splitter);
    welcome_ = new WelcomePanel(right_, *this);
    right_->AddPage(welcome_, "welcome");
    right_->AddPage(new NoClientPanel(right_), "none");
    workspace_ = new ClientWorkspace(right_, store_, host_);
    right_->AddPage(workspace_, "client");
    splitter->SplitVertically(left, right_, FromDIP(400));
    splitter->SetSashGravity(0.0);
    rootSizer->Add(splitter, 1, wxEXPAND);
    root->SetSizer(rootSizer);

    search_->Bind(wxEVT_TEXT, [this](wxCommandEvent&) { refreshList(); });
    search_->Bind(wxEVT_SEARCHCTRL_CANCEL_BTN, [this](wxCommandEvent&) {
        search_->Clear();
        refreshList();
    });
    search_->Bind(wxEVT_TEXT_ENTER, [this](wxCommandEvent&) {
        // Enter in the search box opens the best match.
        if (list_->GetItemCount() > 0) {
            openClient(list_->clients().front().id);
            list_->SetFocus();
        }
    });
    statusFilter_->Bind(wxEVT_CHOICE, [this](wxCommandEvent&) { refreshList(); });
    list_->Bind(wxEVT_LIST_ITEM_SELECTED, [this](wxListEvent&) {
        if (list_->selectingQuietly()) return;
        int64_t id = list_->selectedId();
        if (id && id != workspace_->clientId()) openClient(id);
    });
    list_->Bind(wxEVT_LIST_ITEM_ACTIVATED, [this](wxListEvent&) {
        if (int64_t id = list_->selectedId()) {
            openClient(id);
            workspace_->notebook()->SetFocus();
        }
    });
}

void MainFrame::refreshList() {
    StatusFilter filter = statusFilter_->GetSelection() == 1   ? StatusFilter::Archived
                          : statusFilter_->GetSelection() == 2 ? StatusFilter::All
                                                               : StatusFilter::Active;
    std::string query = search_->GetValue().utf8_string();
    int64_t keep = workspace_->clientId();
    if (query.empty()) list_->setClients(clients_.list(filter));
    else list_->setClients(clients_.search(query, 1000, filter));
    if (keep) list_->selectId(keep);
    updateStatus();
    showWelcomeOrList();
}

void MainFrame::showWelcomeOrList() {
    if (clients_.isEmpty()) right_->SetSelection(0);
    else if (workspace_->clientId() == 0) right_->SetSelection(1);
    else right_->SetSelection(2);
}

void MainFrame::updateStatus() {
    size_t shown = list_->clients().size();
    wxString text;
    if (!search_->GetValue().empty()) {
        text = wxString::Format("%zu %s", shown, shown == 1 ? "match" : "matches");
    } else {
        int64_t total = clients_.count(StatusFilter::Active);
        text = wxString::Format("%lld active %s", static_cast<long long>(total), total == 1 ? "client" : "clients");
    }
    SetStatusText(text, 0);
    size_t loaded = 0, failed = 0;
    for (auto& p : host_.plugins()) {
        if (p->state == PluginState::Loaded) ++loaded;
        if (p->state == PluginState::Failed) ++failed;
    }
    wxString plugins = wxString::Format("%zu %s loaded", loaded, loaded == 1 ? "plugin" : "plugins");
    if (failed) plugins += wxString::Format(", %zu failed", failed);
    SetStatusText(plugins, 2);
    SetStatusText(u8(host_.statusLine()), 1);
}

void MainFrame::showStartupSummary() {
    auto failures = host_.failureSummary();
    if (failures.empty()) return;
    wxString message = failures.size() == 1
                           ? wxString("1 plugin could not be loaded: ") + u8(failures.front())
                           : wxString::Format("%zu plugins could not be loaded. Plugins > Manage says why.",
                                              failures.size());
    infoBar_->AddButton(ID_ManagePlugins, "Details");
    infoBar_->ShowMessage(message, wxICON_WARNING);
    infoBar_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { showPluginManager(); }, ID_ManagePlugins);
}

void MainFrame::openClient(int64_t clientId) {
    try {
        workspace_->showClient(clientId);
    } catch (const StoreError& e) {
        // Usually another program holding the caseload for longer than the wait.
        wxMessageDialog busy(this,
                             wxString::FromUTF8(std::string("The client could not be opened: the caseload is busy (") +
                                                e.what() +
                                                "). Another program may be writing to it; try again in a moment."),
                             "Caseload busy", wxOK | wxICON_WARNING);
        busy.ShowModal();
        if (workspace_->clientId()) list_->selectId(workspace_->clientId());
        return;
    }
    right_->SetSelection(2);
    list_->selectId(clientId);
}

void MainFrame::showPluginManager() {
    PluginManagerDialog dialog(this, host_);
    dialog.ShowModal();
}

void MainFrame::onNewClient() {
    if (auto id = askNewClient(this, store_)) {
        host_.publish("nourish.client.changed", "{\"client_id\":" + std::to_string(*id) + "}");
        search_->ChangeValue("");
        statusFilter_->SetSelection(0);
        refreshList();
        openClient(*id);
        SetStatusText("Client added", 0);
    }
}

void MainFrame::onPracticeSettings() {
    editPracticeSettings(this, store_);
    if (auto practice = PracticeSettings(store_).get("practice.name")) SetTitle(u8(*practice) + " — Nourish");
}

void MainFrame::onBackup() {
    wxFileDialog dialog(this, "Back up the store", "", "nourish-backup-" + Date::today().iso() + ".db",
                        "Nourish store (*.db)|*.db", wxFD_SAVE | wxFD_OVERWRITE_PROMPT);
    if (dialog.ShowModal() != wxID_OK) return;
    std::filesystem::path destination = dialog.GetPath().utf8_string();
    try {
        wxBusyCursor busy;
        // The dialog already asked before replacing an existing file.
        store_.backupTo(destination, Actor::currentUser("gui"), /*replace=*/true);
        SetStatusText("Backed up to " + dialog.GetPath(), 0);
    } catch (const std::exception& e) {
        wxMessageBox(u8(e.what()), "The backup failed", wxOK | wxICON_ERROR, this);
    }
}

void MainFrame::onAbout() { showAbout(this); }

void MainFrame::onArchive() {
    int64_t id = workspace_->clientId();
    if (!id) return;
    try {
        Client c = clients_.get(id);
        bool archive = c.status == "active";
        clients_.setStatus(id, archive ? "archived" : "active", Actor::currentUser("gui"));
        host_.publish("nourish.client.changed", "{\"client_id\":" + std::to_string(id) + "}");
        refreshList();
        workspace_->showClient(id);
        SetStatusText(u8(nourish::text::leftToRightLine(nourish::text::isolated(c.displayName()))) + (archive ? " archived" : " is active again"), 0);
    } catch (const std::exception& e) {
        wxMessageBox(u8(e.what()), "Nourish", wxOK | wxICON_ERROR, this);
    }
}

void MainFrame::onClose(wxCloseEvent& event) {
    // Plugin windows go before the plugins do.
    workspace_->destroyPages();
    event.Skip();
}

}  // namespace nourish
