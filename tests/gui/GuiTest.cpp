// The main window driven like a practitioner would: simulated typing and
// clicks against real widgets on a real X server.
#include <gtest/gtest.h>
#include <wx/app.h>
#include <wx/build.h>
#include <wx/listctrl.h>
#include <wx/notebook.h>
#include <wx/srchctrl.h>
#include <wx/uiaction.h>
#include <wx/wx.h>

#include <chrono>
#include <functional>
#include <thread>

#include "nourish/core/AuditLog.h"
#include "nourish/core/ClientStore.h"
#include "nourish/core/DemoCaseload.h"
#include "nourish/gui/ClientListView.h"
#include "nourish/gui/ClientWorkspace.h"
#include "nourish/gui/Dialogs.h"
#include "nourish/gui/Environment.h"
#include "nourish/gui/MainFrame.h"
#include "support/TempDir.h"

using namespace nourish;
namespace fs = std::filesystem;

namespace {

// Lets the event loop run until `done` holds or the time is up.
bool pumpUntil(const std::function<bool()>& done, int timeoutMs = 3000) {
    auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    while (std::chrono::steady_clock::now() < until) {
        wxTheApp->Yield(true);
        if (done()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    wxTheApp->Yield(true);
    return done();
}

void pumpFor(int ms) {
    pumpUntil([] { return false; }, ms);
}

class MainWindowTest : public ::testing::Test {
protected:
    void SetUp() override {
        store = std::make_unique<Store>(dir / "n.db");
        seedDemoCaseload(*store);
        PluginHost::Options options;
        options.directories = {NOURISH_BUNDLED_PLUGINS, fs::path(NOURISH_TEST_PLUGIN_ROOT) / "ui_page",
                               fs::path(NOURISH_TEST_PLUGIN_ROOT) / "init_error"};
        options.firstPartyDirectory = NOURISH_BUNDLED_PLUGINS;
        options.source = "gui";
        options.wxSignature = WX_BUILD_OPTIONS_SIGNATURE;
        host = std::make_unique<PluginHost>(*store, options);
        host->discover();
        host->loadAll();
        frame = new MainFrame(*store, *host);
        frame->Show();
        frame->Raise();
        pumpFor(300);
    }
    void TearDown() override {
        frame->Close(true);
        pumpFor(100);
        host->shutdown();
        host.reset();
        store.reset();
    }
    void clickListRow(long row) {
        wxRect rect;
        ClientListView* list = frame->clientList();
        ASSERT_TRUE(list->GetItemRect(row, rect));
        wxPoint centre = list->ClientToScreen(wxPoint(rect.x + 30, rect.y + rect.height / 2));
        wxUIActionSimulator sim;
        sim.MouseMove(centre);
        pumpFor(50);
        sim.MouseClick();
    }

    nourish::test::TempDir dir;
    std::unique_ptr<Store> store;
    std::unique_ptr<PluginHost> host;
    MainFrame* frame = nullptr;
};

}  // namespace

TEST_F(MainWindowTest, ListShowsTheWholeCaseload) {
    EXPECT_EQ(frame->clientList()->GetItemCount(), 12);
}

TEST_F(MainWindowTest, TypingInSearch_FiltersTheListLive) {
    frame->searchBox()->SetFocus();
    pumpFor(100);
    wxUIActionSimulator sim;
    sim.Text("mul");
    ASSERT_TRUE(pumpUntil([&] { return frame->clientList()->GetItemCount() == 1; }))
        << "list still has " << frame->clientList()->GetItemCount() << " rows; search box holds '"
        << frame->searchBox()->GetValue().utf8_string() << "'";
    EXPECT_EQ(frame->clientList()->clients()[0].familyName, "Müller");
    frame->searchBox()->SetValue("");
    EXPECT_TRUE(pumpUntil([&] { return frame->clientList()->GetItemCount() == 12; }));
}

TEST_F(MainWindowTest, ClickingAClient_OpensWorkspaceWithPluginPages) {
    clickListRow(2);
    int64_t expected = frame->clientList()->clients()[2].id;
    ASSERT_TRUE(pumpUntil([&] { return frame->workspace()->clientId() == expected; }));
    wxNotebook* pages = frame->workspace()->notebook();
    std::vector<std::string> titles;
    for (size_t i = 0; i < pages->GetPageCount(); ++i) titles.push_back(pages->GetPageText(i).utf8_string());
    EXPECT_EQ(titles, (std::vector<std::string>{"Family", "Test page"}));
    auto* label = dynamic_cast<wxStaticText*>(pages->FindWindow("test-page-label"));
    ASSERT_NE(label, nullptr);
    EXPECT_EQ(label->GetLabel().utf8_string(), "client " + std::to_string(expected));
    auto* guardians = dynamic_cast<wxListCtrl*>(pages->FindWindow("guardian-table"));
    ASSERT_NE(guardians, nullptr);
    EXPECT_GE(guardians->GetItemCount(), 1);
}

TEST_F(MainWindowTest, ConsentRecordedOnFamilyPage_ReachesStoreAndHeader) {
    // Freja Ørsted's mother has not consented in the demo caseload.
    int64_t id = ClientStore(*store).search("orsted", 5)[0].id;
    frame->openClient(id);
    pumpFor(100);
    auto* guardians = dynamic_cast<wxListCtrl*>(frame->workspace()->notebook()->FindWindow("guardian-table"));
    ASSERT_NE(guardians, nullptr);
    ASSERT_EQ(guardians->GetItemText(0, 4), "no consent");
    wxRect rect;
    ASSERT_TRUE(guardians->GetItemRect(0, rect));
    wxUIActionSimulator sim;
    sim.MouseMove(guardians->ClientToScreen(wxPoint(rect.x + 20, rect.y + rect.height / 2)));
    pumpFor(50);
    sim.MouseClick();
    ASSERT_TRUE(pumpUntil([&] { return guardians->GetItemState(0, wxLIST_STATE_SELECTED) != 0; }));
    wxWindow* button = nullptr;
    for (wxWindow* child : guardians->GetParent()->GetChildren())
        if (child->GetLabel() == "Record consent to email") button = child;
    ASSERT_NE(button, nullptr);
    ASSERT_TRUE(button->IsEnabled());
    sim.MouseMove(button->GetScreenRect().GetPosition() + wxPoint(10, 10));
    pumpFor(50);
    sim.MouseClick();
    ASSERT_TRUE(pumpUntil([&] { return ClientStore(*store).get(id).guardians[0].emailConsent; }));
    EXPECT_TRUE(pumpUntil([&] {
        auto* header = frame->workspace()->FindWindow("client-guardians");
        return header && header->GetLabel().Find(wxString::FromUTF8("Mette Ørsted (mother)  mette.orsted@example.org  +44 7700 900104  ✓")) != wxNOT_FOUND;
    })) << frame->workspace()->FindWindow("client-guardians")->GetLabel().utf8_string();
}

TEST_F(MainWindowTest, FilteringOutTheOpenClient_SelectsNobodyElse) {
    int64_t zoe = ClientStore(*store).search("zoe", 5)[0].id;
    size_t eventsBefore = AuditLog(*store).forClient(zoe).size();
    frame->openClient(zoe);
    pumpFor(50);
    frame->searchBox()->SetValue("bennett");
    ASSERT_TRUE(pumpUntil([&] { return frame->clientList()->GetItemCount() == 1; }));
    EXPECT_EQ(frame->clientList()->selectedId(), 0);
    EXPECT_EQ(frame->workspace()->clientId(), zoe);
    frame->searchBox()->SetValue("");
    ASSERT_TRUE(pumpUntil([&] { return frame->clientList()->GetItemCount() == 12; }));
    EXPECT_EQ(frame->clientList()->selectedId(), zoe);
    EXPECT_EQ(AuditLog(*store).forClient(zoe).size(), eventsBefore + 1) << "viewed once: filtering is not viewing";
}

TEST_F(MainWindowTest, CtrlF_FocusesTheSearchBox) {
    frame->clientList()->SetFocus();
    pumpFor(100);
    wxUIActionSimulator sim;
    sim.Char('f', wxMOD_CONTROL);
    EXPECT_TRUE(pumpUntil([&] {
        wxWindow* focus = wxWindow::FindFocus();
        return focus && (focus == frame->searchBox() || focus->GetParent() == frame->searchBox());
    }));
}

TEST_F(MainWindowTest, PluginManager_ShowsTheFailedPluginAndWhy) {
    PluginManagerDialog dialog(frame, *host);
    dialog.Show();
    pumpFor(100);
    wxListCtrl* table = dialog.table();
    bool found = false;
    for (long row = 0; row < table->GetItemCount(); ++row) {
        if (table->GetItemText(row, 3) != "failed") continue;
        found = true;
        EXPECT_NE(table->GetItemText(row, 4).Find("licence file"), wxNOT_FOUND) << table->GetItemText(row, 4);
    }
    EXPECT_TRUE(found);
    dialog.Hide();
}

TEST_F(MainWindowTest, EmptyStore_ShowsWelcome) {
    frame->Close(true);
    pumpFor(50);
    host->shutdown();
    host.reset();
    store.reset();
    store = std::make_unique<Store>(dir / "empty.db");
    host = std::make_unique<PluginHost>(*store, PluginHost::Options{});
    frame = new MainFrame(*store, *host);
    frame->Show();
    pumpFor(100);
    wxWindow* welcome = frame->FindWindow("welcome");
    ASSERT_NE(welcome, nullptr);
    EXPECT_TRUE(welcome->IsShownOnScreen());
}

namespace {

class TestApp : public wxApp {
public:
    bool OnInit() override { return true; }
};

}  // namespace

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    for (int i = 1; i < argc; ++i)
        if (std::string(argv[i]).rfind("--gtest_list_tests", 0) == 0) return RUN_ALL_TESTS();
    prepareGuiEnvironment();
    // A failed wxASSERT fails the test instead of opening a dialog nobody can click.
    wxSetAssertHandler([](const wxString& file, int line, const wxString& func, const wxString& cond,
                          const wxString& msg) {
        ADD_FAILURE_AT(file.utf8_string().c_str(), line)
            << "wx assertion failed in " << func.utf8_string() << ": " << cond.utf8_string() << " "
            << msg.utf8_string();
    });
    wxApp::SetInstance(new TestApp);
    if (!wxEntryStart(argc, argv) || !wxTheApp->CallOnInit()) {
        std::fprintf(stderr, "gui_tests: wx could not start (is there an X server? run under xvfb-run)\n");
        return 1;
    }
    int result = 1;
    wxTheApp->CallAfter([&] {
        result = RUN_ALL_TESTS();
        wxTheApp->ExitMainLoop();
    });
    wxTheApp->OnRun();
    wxTheApp->OnExit();
    wxEntryCleanup();
    return result;
}
