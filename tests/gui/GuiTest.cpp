// The main window driven like a practitioner would: simulated typing and
// clicks against real widgets on a real X server.
#include <gtest/gtest.h>

#include <optional>
#include <wx/textdlg.h>
#include <wx/app.h>
#include <wx/build.h>
#include <wx/checklst.h>
#include <wx/grid.h>
#include <wx/statbmp.h>
#include <wx/listctrl.h>
#include <wx/notebook.h>
#include <wx/srchctrl.h>
#include <wx/uiaction.h>
#include <wx/weakref.h>
#include <wx/wx.h>
#include <wx/filedlg.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <map>
#include <thread>

#include "nourish/core/AuditLog.h"
#include "nourish/core/ClientStore.h"
#include "nourish/core/DemoCaseload.h"
#include "nourish/gui/ClientListView.h"
#include "Engine.h"
#include "NoteText.h"
#include "nourish/gui/ClientWorkspace.h"
#include "nourish/gui/Dialogs.h"
#include "nourish/gui/Environment.h"
#include "nourish/gui/FormDialog.h"
#include "nourish/gui/MainFrame.h"
#include "nourish/host/PluginTrust.h"
#include "ModalDialogs.h"
#include "support/Clients.h"
#include "support/Process.h"
#include "support/TempDir.h"
#include "nourish/wx_dialogs.hpp"

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
        PluginHost::Options options;
        options.directories = {NOURISH_BUNDLED_PLUGINS, fs::path(NOURISH_TEST_PLUGIN_ROOT) / "ui_page",
                               fs::path(NOURISH_TEST_PLUGIN_ROOT) / "init_error"};
        options.firstPartyDirectory = NOURISH_BUNDLED_PLUGINS;
        options.source = "gui";
        options.wxSignature = WX_BUILD_OPTIONS_SIGNATURE;
        host = std::make_unique<PluginHost>(*store, options);
        host->discover();
        host->loadAll();
        host->seedDemo();  // the demo caseload with the plugins' part of it (elimination plans)
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

// An environment variable set for one scope, and put back as it was after
// it (also when an assertion ends the test early).
class ScopedEnv {
public:
    ScopedEnv(const char* name, const std::string& value) : name_(name) {
        if (const char* was = std::getenv(name)) previous_ = was;
        setenv(name, value.c_str(), 1);
    }
    ~ScopedEnv() {
        if (previous_) setenv(name_, previous_->c_str(), 1);
        else unsetenv(name_);
    }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

private:
    const char* name_;
    std::optional<std::string> previous_;
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
    EXPECT_EQ(titles, (std::vector<std::string>{"Intake", "Protocol", "Consultations", "Growth", "Plan summary", "Test page"}));
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
    frame->openClient(zoe);
    pumpFor(50);
    size_t eventsBefore = AuditLog(*store).forClient(zoe).size();  // the views of opening her
    frame->searchBox()->SetValue("bennett");
    ASSERT_TRUE(pumpUntil([&] { return frame->clientList()->GetItemCount() == 1; }));
    EXPECT_EQ(frame->clientList()->selectedId(), 0);
    EXPECT_EQ(frame->workspace()->clientId(), zoe);
    frame->searchBox()->SetValue("");
    ASSERT_TRUE(pumpUntil([&] { return frame->clientList()->GetItemCount() == 12; }));
    EXPECT_EQ(frame->clientList()->selectedId(), zoe);
    EXPECT_EQ(AuditLog(*store).forClient(zoe).size(), eventsBefore) << "filtering is not viewing";
}

namespace {
// Finds the open form window (a modal dialog the intake page opened).
FormDialog* openFormDialog() { return dynamic_cast<FormDialog*>(wxWindow::FindWindowByName("form-dialog")); }

// Clicks the middle of the left edge of `window` as a user would, and for a
// button or a check box, as she would, again if nothing happened: with no
// window manager, the first click on the main window after a modal dialog
// closes sometimes reaches wx (press and release) but GTK never says
// "clicked". Waiting for the button's own event also makes the click done
// when click() returns, however slow the machine.
void click(wxWindow* window) {
    bool isButton = dynamic_cast<wxButton*>(window) != nullptr;
    bool isCheckBox = dynamic_cast<wxCheckBox*>(window) != nullptr;
    bool handled = false;
    auto seen = [&](wxCommandEvent& e) {
        handled = true;
        e.Skip();
    };
    wxWeakRef<wxWindow> alive(window);  // what a click does may close or rebuild it
    if (isButton) window->Bind(wxEVT_BUTTON, seen);
    if (isCheckBox) window->Bind(wxEVT_CHECKBOX, seen);
    for (int attempt = 0; attempt < 3 && !handled && alive; ++attempt) {
        window->SetFocus();  // the form window scrolls what has the focus into view
        pumpFor(60);
        wxUIActionSimulator sim;
        sim.MouseMove(window->GetScreenRect().GetPosition() + wxPoint(8, window->GetSize().y / 2));
        pumpFor(30);
        sim.MouseClick();
        if (!isButton && !isCheckBox) break;
        pumpUntil([&] { return handled; }, 1500);
    }
    if (alive && isButton) window->Unbind(wxEVT_BUTTON, seen);
    if (alive && isCheckBox) window->Unbind(wxEVT_CHECKBOX, seen);
    pumpFor(60);
}

void type(wxWindow* control, const std::string& text) {
    control->SetFocus();
    pumpFor(30);
    wxUIActionSimulator sim;
    sim.Text(text.c_str());
    pumpFor(60);
}

// Runs `action` on a dialog once it is open as a modal dialog: from a timer,
// so that it runs inside the dialog's own event loop. Whatever the action
// does (or fails to do), the dialog is closed afterwards.
template <typename Dialog = wxDialog>
class WhenOpen : public wxTimer {
public:
    WhenOpen(std::string name, std::function<void(Dialog*)> action)
        : name_(std::move(name)), action_(std::move(action)) {
        Start(20);
    }
    void Notify() override {
        auto* dialog = dynamic_cast<Dialog*>(wxWindow::FindWindowByName(name_));
        if (!dialog || !dialog->IsModal() || running_) return;
        running_ = true;
        Stop();
        action_(dialog);
        if (dynamic_cast<Dialog*>(wxWindow::FindWindowByName(name_)) == dialog && dialog->IsModal())
            dialog->EndModal(wxID_CANCEL);
    }
    // The dialog opened, the action ran and the dialog is gone. (A simulated
    // click may not even have been handled yet when click() returns, on a
    // slow machine: "no such dialog" alone would be true before it opened.)
    bool done() const { return running_ && !wxWindow::FindWindowByName(name_); }

private:
    std::string name_;
    std::function<void(Dialog*)> action_;
    bool running_ = false;
};

struct WhenFormOpens : WhenOpen<FormDialog> {
    explicit WhenFormOpens(std::function<void(FormDialog*)> action) : WhenOpen("form-dialog", std::move(action)) {}
};

void choose(wxWindow* control, const std::string& label) {
    control->SetFocus();
    pumpFor(30);
    wxUIActionSimulator sim;
    ASSERT_TRUE(sim.Select(wxString::FromUTF8(label))) << label;
    pumpFor(60);
}
}  // namespace

TEST_F(MainWindowTest, IntakeFilledInTheFormWindow_IsSavedAndReopensIntact) {
    int64_t id = ClientStore(*store).search("patel", 5)[0].id;  // Maya: no intake in the demo
    frame->openClient(id);
    pumpFor(100);
    wxWindow* page = frame->workspace()->notebook()->FindWindow("intake-page");
    ASSERT_NE(page, nullptr);
    bool filled = false;
    WhenFormOpens fill([&](FormDialog* form) {
        choose(form->control("feeding_type"), "Formula only");
        ASSERT_TRUE(pumpUntil([&] { return form->control("formula_type")->IsShownOnScreen(); }))
            << "formula_type depends on feeding_type";
        type(form->control("formula_type"), "Amino-acid based");
        choose(form->control("solids_started"), "No");
        type(form->control("eczema_onset_months"), "3");
        click(form->FindWindow("field-eczema_areas")->FindWindow("face"));
        click(form->FindWindow("field-eczema_areas")->FindWindow("creases"));
        choose(form->control("stool_scale"), "Brussels Infant and Toddler Stool Scale (in nappies)");
        choose(form->control("usual_stool"), "5");
        choose(form->control("asthma"), "No");
        choose(form->control("adrenaline"), "No");
        click(form->addButton("food_reactions"));
        ASSERT_NE(form->control("food_reactions[0].food"), nullptr);
        choose(form->control("food_reactions[0].food"), "Egg");
        choose(form->control("food_reactions[0].onset"), "Within minutes");
        click(form->control("food_reactions[0].signs")->GetParent()->FindWindow("hives"));
        type(form->control("food_reactions[0].details"), "Hives around the mouth");
        type(form->control("goals"), "Calm skin and sleep");
        filled = true;
        click(form->FindWindow(wxID_OK));
    });
    click(page->FindWindow("fill-in"));
    ASSERT_TRUE(pumpUntil([&] { return filled && !openFormDialog(); }, 8000));
    pumpFor(100);

    Statement saved(store->db(), "SELECT status, answers FROM intake_responses WHERE client_id = ?1");
    saved.bind(1, id);
    ASSERT_TRUE(saved.step()) << "nothing was stored";
    EXPECT_EQ(saved.text(0), "complete");
    auto answers = nlohmann::json::parse(saved.text(1));
    EXPECT_EQ(answers["feeding_type"], "formula");
    EXPECT_EQ(answers["formula_type"], "Amino-acid based");
    EXPECT_EQ(answers["solids_started"], false);
    EXPECT_EQ(answers["eczema_onset_months"], 3);
    EXPECT_EQ(answers["eczema_areas"], nlohmann::json::array({"face", "creases"}));
    EXPECT_EQ(answers["usual_stool"], 5);
    EXPECT_EQ(answers["asthma"], false);
    EXPECT_EQ(answers["food_reactions"][0]["food"], "egg");
    EXPECT_EQ(answers["food_reactions"][0]["onset"], "minutes");
    EXPECT_EQ(answers["food_reactions"][0]["signs"], nlohmann::json::array({"hives"}));
    EXPECT_EQ(answers["food_reactions"][0]["details"], "Hives around the mouth");
    EXPECT_EQ(answers["goals"], "Calm skin and sleep");
    saved.reset();

    // Reopen: the form window shows exactly what was saved.
    nlohmann::json reopened;
    WhenFormOpens reopen([&](FormDialog* form) {
        reopened = form->answers();
        click(form->FindWindow(wxID_CANCEL));
    });
    click(page->FindWindow("edit-answers"));
    ASSERT_TRUE(pumpUntil([&] { return !reopened.is_null() && !openFormDialog(); }, 8000));
    EXPECT_EQ(reopened, answers);
}

// Saves what the window shows, to look at, when NOURISH_SCREENSHOTS names a folder.
void snapshot(wxWindow* window, const std::string& name) {
    const char* folder = std::getenv("NOURISH_SCREENSHOTS");
    if (!folder) return;
    pumpFor(200);
    wxClientDC dc(window);
    wxSize size = window->GetClientSize();
    wxBitmap bitmap(size);
    wxMemoryDC memory(bitmap);
    memory.Blit(0, 0, size.x, size.y, &dc, 0, 0);
    memory.SelectObject(wxNullBitmap);
    bitmap.SaveFile(wxString::FromUTF8(std::string(folder) + "/" + name + ".png"), wxBITMAP_TYPE_PNG);
}

// Opens the client and brings the Protocol page to the front.
wxWindow* openProtocolPage(MainFrame* frame, int64_t clientId) {
    frame->openClient(clientId);
    pumpFor(100);
    wxNotebook* pages = frame->workspace()->notebook();
    wxWindow* page = pages->FindWindow("protocol-page");
    for (size_t i = 0; page && i < pages->GetPageCount(); ++i)
        if (pages->GetPage(i) == page) pages->SetSelection(i);
    return page;
}

template <typename T>
T* named(wxWindow* parent, const char* name) {
    return dynamic_cast<T*>(parent->FindWindow(name));
}

// Triage in the GUI: an egg ladder at home for a child whose intake records
// hives within minutes of egg is refused, the dialog says which answer of
// which intake and stays open; ticking "supervised" goes ahead, kept as an
// override in the store and the audit log and as a warning on the plan.
TEST_F(MainWindowTest, ProtocolPage_TriageRefusesAHomeLadder_AndGoesAheadOnlyWhenSupervised) {
    int64_t id = ClientStore(*store).search("williams", 5)[0].id;  // Theo, 4 years old
    nourish::test::TempDir files;
    nourish::test::writeFile(files / "answers.json",
                             R"({"feeding_type": "solids", "solids_started": true, "eczema_onset_months": 4,
                                 "eczema_areas": ["face"], "stool_scale": "bristol", "usual_stool": 4, "asthma": false,
                                 "adrenaline": false, "goals": "Eat egg at birthday parties",
                                 "food_reactions": [{"food": "egg", "onset": "minutes", "signs": ["hives", "swelling"]}]})");
    auto submitted = nourish::test::runProcess(
        NOURISH_CLI_PATH,
        {"--store", (dir / "n.db").string(), "intake", "submit", std::to_string(id), "org.nourish.intake.infant-eczema",
         "--answers", (files / "answers.json").string()},
        {"NOURISH_PLUGIN_PATH="});
    ASSERT_EQ(submitted.exitCode, 0) << submitted.error;
    wxWindow* page = openProtocolPage(frame, id);
    ASSERT_NE(page, nullptr);
    pumpFor(300);

    std::string refused, assignedLabel;
    bool stayedOpen = false, done = false;
    WhenOpen<> assign("assign-protocol", [&](wxDialog* dialog) {
        auto* choice = named<wxChoice>(dialog, "protocol-choice");
        for (unsigned i = 0; i < choice->GetCount(); ++i)
            if (choice->GetString(i) == "Egg ladder") choice->SetSelection(int(i));
        wxCommandEvent changed(wxEVT_CHOICE, choice->GetId());
        changed.SetEventObject(choice);
        choice->ProcessWindowEvent(changed);
        named<wxTextCtrl>(dialog, "start-date")->SetValue(wxString::FromUTF8(elim::isoDay(elim::today())));
        click(dialog->FindWindow(wxID_OK));
        refused = named<wxStaticText>(dialog, "dialog-problem")->GetLabel().utf8_string();
        std::replace(refused.begin(), refused.end(), '\n', ' ');  // the label wraps
        stayedOpen = dialog->IsModal();
        auto* supervised = named<wxCheckListBox>(dialog, "supervised-choice");
        ASSERT_EQ(supervised->GetCount(), 1u);
        supervised->Check(0);
        done = true;
        click(dialog->FindWindow(wxID_OK));
    });
    click(page->FindWindow("assign-protocol-button"));
    ASSERT_TRUE(pumpUntil([&] { return done && !wxWindow::FindWindowByName("assign-protocol"); }, 8000));
    EXPECT_TRUE(stayedOpen) << "a refused plan keeps the dialog open";
    EXPECT_NE(refused.find("triage.immediate"), std::string::npos) << refused;
    EXPECT_NE(refused.find("intake of " + elim::displayDay(elim::today()) + ", food reaction 1 (Egg)"), std::string::npos) << "names the intake and the answer: " << refused;
    EXPECT_NE(refused.find("within minutes, with hives"), std::string::npos) << "names the answer: " << refused;
    pumpFor(200);
    EXPECT_EQ(named<wxStaticText>(page, "protocol-title")->GetLabel(), "Egg ladder");
    Statement o(store->db(),
                "SELECT rule, food, kind FROM elim_overrides JOIN elim_plans p ON p.id = plan_id WHERE p.client_id = ?1");
    o.bind(1, id);
    ASSERT_TRUE(o.step()) << "the override is kept";
    EXPECT_EQ(o.text(0), "triage.immediate");
    EXPECT_EQ(o.text(1), "egg");
    EXPECT_EQ(o.text(2), "supervised");
    bool audited = false;
    for (const auto& e : AuditLog(*store).forClient(id))
        audited = audited || e.action == "org.nourish.elimination:protocol.override";
    EXPECT_TRUE(audited);
    snapshot(frame, "protocol-triage-supervised");
}

TEST_F(MainWindowTest, ProtocolPage_AssignRecordAnOutcomeKeepADiaryWeek) {
    int64_t id = ClientStore(*store).search("patel", 5)[0].id;  // Maya, 5 years old
    wxWindow* page = openProtocolPage(frame, id);
    ASSERT_NE(page, nullptr);
    pumpFor(100);
    EXPECT_EQ(named<wxStaticText>(page, "protocol-title")->GetLabel(), "No elimination plan");

    // Start the common-trigger elimination 40 days ago: it waits for its review.
    std::string start = elim::isoDay(elim::today() - 40);
    bool assigned = false;
    WhenOpen<> assign("assign-protocol", [&](wxDialog* dialog) {
        auto* choice = named<wxChoice>(dialog, "protocol-choice");
        ASSERT_NE(choice, nullptr);
        ASSERT_GE(choice->GetCount(), 4u);
        EXPECT_EQ(choice->GetString(0), "Common-trigger elimination");
        auto* foods = named<wxCheckListBox>(dialog, "food-choice");
        for (unsigned i = 0; i < foods->GetCount(); ++i)
            EXPECT_EQ(foods->IsChecked(i), foods->GetString(i) != "Peanut") << "peanut only when chosen";
        named<wxTextCtrl>(dialog, "start-date")->SetValue(wxString::FromUTF8(start));
        assigned = true;
        click(dialog->FindWindow(wxID_OK));
    });
    click(page->FindWindow("assign-protocol-button"));
    ASSERT_TRUE(pumpUntil([&] { return assigned && !wxWindow::FindWindowByName("assign-protocol"); }, 8000));
    pumpFor(100);
    EXPECT_EQ(named<wxStaticText>(page, "protocol-title")->GetLabel(), "Common-trigger elimination");
    EXPECT_TRUE(named<wxStaticText>(page, "protocol-status")->GetLabel().StartsWith("Review due")) << named<wxStaticText>(page, "protocol-status")->GetLabel();
    auto* foods = named<wxListCtrl>(page, "food-status");
    ASSERT_EQ(foods->GetItemCount(), 5);
    EXPECT_TRUE(foods->GetItemText(0, 1).StartsWith("avoiding: the review of the elimination is due"));

    // Reviewed six days ago, improved: the soy challenge is on its last day.
    WhenOpen<> review("review-elimination", [&](wxDialog* dialog) {
        EXPECT_EQ(named<wxChoice>(dialog, "review-outcome")->GetSelection(), wxNOT_FOUND) << "hers to choose";
        named<wxChoice>(dialog, "review-outcome")->SetSelection(0);
        named<wxTextCtrl>(dialog, "review-date")->SetValue(wxString::FromUTF8(elim::isoDay(elim::today() - 6)));
        click(dialog->FindWindow(wxID_OK));
    });
    click(page->FindWindow("review-button"));
    ASSERT_TRUE(pumpUntil([&] { return review.done(); }, 8000));
    pumpFor(100);
    EXPECT_EQ(foods->GetItemText(0, 0), "Soy");
    EXPECT_EQ(foods->GetItemText(0, 1), "challenging (day 6 of 6)");
    snapshot(frame, "protocol-assigned");

    // A reaction four days ago, with a wrong date first: the dialog says why and stays open.
    std::string problem, unchosen;
    bool recorded = false;
    WhenOpen<> outcome("record-outcome", [&](wxDialog* dialog) {
        auto* result = named<wxChoice>(dialog, "outcome-result");
        EXPECT_EQ(result->GetSelection(), wxNOT_FOUND) << "no outcome is chosen for her";
        click(dialog->FindWindow(wxID_OK));
        unchosen = named<wxStaticText>(dialog, "dialog-problem")->GetLabel().utf8_string();
        result->SetSelection(4);  // delayed, moderate
        named<wxTextCtrl>(dialog, "outcome-date")->SetValue(wxString::FromUTF8(elim::isoDay(elim::today() - 30)));
        click(dialog->FindWindow(wxID_OK));
        problem = named<wxStaticText>(dialog, "dialog-problem")->GetLabel().utf8_string();
        ASSERT_TRUE(dialog->IsModal()) << "a refused outcome keeps the dialog open";
        named<wxTextCtrl>(dialog, "outcome-date")->SetValue(wxString::FromUTF8(elim::isoDay(elim::today() - 4)));
        named<wxTextCtrl>(dialog, "outcome-symptoms")->SetValue("red cheeks the next day");
        recorded = true;
        click(dialog->FindWindow(wxID_OK));
    });
    click(page->FindWindow("record-outcome-button"));
    ASSERT_TRUE(pumpUntil([&] { return recorded && !wxWindow::FindWindowByName("record-outcome"); }, 8000));
    EXPECT_NE(unchosen.find("what happened: choose one"), std::string::npos) << unchosen;
    EXPECT_NE(problem.find("the Soy challenge starts on"), std::string::npos) << problem;
    pumpFor(100);
    EXPECT_EQ(foods->GetItemText(0, 1).Left(10), "reacted on");
    EXPECT_EQ(foods->GetItemText(1, 1), "challenging (day 1 of 6)") << "egg moved up: stop, wait 3 days";
    Statement saved(store->db(),
                    "SELECT food, result, symptoms, reaction FROM elim_outcomes JOIN elim_plans p ON p.id = plan_id "
                    "WHERE p.client_id = ?1");
    saved.bind(1, id);
    ASSERT_TRUE(saved.step());
    EXPECT_EQ(saved.text(0), "soy");
    EXPECT_EQ(saved.text(1), "reaction");
    EXPECT_EQ(saved.text(2), "red cheeks the next day");
    EXPECT_EQ(saved.text(3), "delayed-moderate");
    saved.reset();

    // A week of diary in the grid: a bad value saves nothing, then the good week is saved.
    auto* grid = named<wxGrid>(page, "diary-grid");
    ASSERT_NE(grid, nullptr);
    EXPECT_EQ(grid->GetCellValue(6, 0), "Egg: a quarter of a hard-boiled egg") << "today's challenge is shown in the diary";
    EXPECT_TRUE(grid->GetCellValue(1, 0).StartsWith("Soy: 1 tablespoon (15 g)")) << grid->GetCellValue(1, 0);
    EXPECT_EQ(grid->GetCellValue(3, 0), "") << "nothing more of soy after the reaction";
    grid->SetCellValue(6, 1, "3");
    grid->SetCellValue(6, 2, "12");
    grid->SetCellValue(5, 1, "5");
    grid->SetCellValue(5, 4, "1");
    click(page->FindWindow("diary-save"));
    auto* message = named<wxStaticText>(page, "protocol-message");
    EXPECT_NE(message->GetLabel().utf8_string().find("Nothing saved"), std::string::npos) << message->GetLabel().utf8_string();
    EXPECT_NE(message->GetLabel().utf8_string().find("sleep: 12 is above the maximum 10"), std::string::npos);
    Statement count(store->db(), "SELECT count(*) FROM elim_diary WHERE client_id = ?1");
    count.bind(1, id);
    ASSERT_TRUE(count.step());
    EXPECT_EQ(count.int64(0), 0);
    count.reset();
    grid->SetCellValue(6, 2, "2");
    click(page->FindWindow("diary-save"));
    ASSERT_TRUE(count.step());
    EXPECT_EQ(count.int64(0), 2) << message->GetLabel().utf8_string();
    count.reset();
    Statement day(store->db(), "SELECT itch, sleep, reflux FROM elim_diary WHERE day = ?1 AND client_id = ?2");
    day.bind(1, elim::isoDay(elim::today() - 1)).bind(2, id);
    ASSERT_TRUE(day.step());
    EXPECT_EQ(day.real(0), 5);
    EXPECT_EQ(day.int64(2), 1);
    day.reset();
    dynamic_cast<wxScrolledWindow*>(page)->Scroll(0, 0);
    snapshot(frame, "protocol-outcome");
    dynamic_cast<wxScrolledWindow*>(page)->Scroll(0, 1000);
    snapshot(frame, "protocol-diary");
}

// Opens the client and brings a plugin page to the front.
wxWindow* openPage(MainFrame* frame, int64_t clientId, const char* name) {
    frame->openClient(clientId);
    pumpFor(100);
    wxNotebook* pages = frame->workspace()->notebook();
    wxWindow* page = pages->FindWindow(name);
    for (size_t i = 0; page && i < pages->GetPageCount(); ++i)
        if (pages->GetPage(i) == page) pages->SetSelection(i);
    return page;
}

TEST_F(MainWindowTest, ConsultationsPage_BookWriteASoapNoteSignItAndTheEditorLocks) {
    int64_t id = ClientStore(*store).search("patel", 5)[0].id;  // Maya: no consultations in the demo
    wxWindow* page = openPage(frame, id, "consultations-page");
    ASSERT_NE(page, nullptr);
    pumpFor(100);
    EXPECT_EQ(named<wxListCtrl>(page, "notes-list")->GetItemCount(), 0);
    EXPECT_NE(named<wxStaticText>(page, "unsigned-banner")->GetLabel().Find("unsigned for more than 48 hours"), wxNOT_FOUND)
        << "the demo has a draft left unsigned for three days";

    // A booking over Freja's review tomorrow warns first, then books on a second OK.
    std::string tomorrow = notes::addMinutes(notes::localToday() + " 14:15", 24 * 60);
    std::string warning;
    bool booked = false;
    WhenOpen<> book("book-consultation", [&](wxDialog* dialog) {
        named<wxTextCtrl>(dialog, "book-at")->SetValue(wxString::FromUTF8(tomorrow));
        click(dialog->FindWindow(wxID_OK));
        warning = named<wxStaticText>(dialog, "dialog-problem")->GetLabel().utf8_string();
        ASSERT_TRUE(dialog->IsModal()) << "an overlap asks before booking";
        booked = true;
        click(dialog->FindWindow(wxID_OK));
    });
    click(page->FindWindow("book-button"));
    ASSERT_TRUE(pumpUntil([&] { return booked && !wxWindow::FindWindowByName("book-consultation"); }, 8000));
    EXPECT_NE(warning.find("overlaps the consultation with Freja"), std::string::npos) << warning;
    EXPECT_EQ(named<wxListCtrl>(page, "appointments")->GetItemCount(), 1);

    // A SOAP note: typed, saved by itself, a recommendation added (refused once without the item).
    bool created = false;
    WhenOpen<> create("new-note", [&](wxDialog* dialog) {
        auto* choice = named<wxChoice>(dialog, "template-choice");
        ASSERT_NE(choice, nullptr);
        EXPECT_EQ(choice->GetString(0), "SOAP note");
        choice->SetSelection(0);
        created = true;
        click(dialog->FindWindow(wxID_OK));
    });
    click(page->FindWindow("new-note-button"));
    ASSERT_TRUE(pumpUntil([&] { return created && !wxWindow::FindWindowByName("new-note"); }, 8000));
    pumpFor(100);
    auto* subjective = named<wxTextCtrl>(page, "note-section-subjective");
    ASSERT_NE(subjective, nullptr);
    subjective->SetValue("Itchy at night since the soy yoghurt; sleeps badly.");
    named<wxTextCtrl>(page, "note-section-plan")->SetValue("Keep the diary every evening.");
    EXPECT_EQ(named<wxStaticText>(page, "word-count")->GetLabel(), "14 words");
    Statement draft(store->db(), "SELECT answers, signed_at FROM notes_notes WHERE client_id = ?1");
    draft.bind(1, id);
    ASSERT_TRUE(pumpUntil([&] {
        draft.reset();
        return draft.step() && draft.text(0).find("soy yoghurt") != std::string::npos;
    }, 8000)) << "the draft saves itself";
    draft.reset();

    std::string refusal;
    bool added = false;
    WhenOpen<> recommendation("recommendation-dialog", [&](wxDialog* dialog) {
        click(dialog->FindWindow(wxID_OK));
        refusal = named<wxStaticText>(dialog, "dialog-problem")->GetLabel().utf8_string();
        named<wxTextCtrl>(dialog, "recommendation-item")->SetValue("Ground flax in porridge");
        named<wxTextCtrl>(dialog, "recommendation-why")->SetValue("omega-3 for inflammation");
        added = true;
        click(dialog->FindWindow(wxID_OK));
    });
    click(page->FindWindow("add-recommendation"));
    ASSERT_TRUE(pumpUntil([&] { return added && !wxWindow::FindWindowByName("recommendation-dialog"); }, 8000));
    EXPECT_NE(refusal.find("item: is required"), std::string::npos) << refusal;
    EXPECT_EQ(named<wxListCtrl>(page, "recommendations")->GetItemCount(), 1);
    snapshot(frame, "consultation-draft");

    // Signed: the editor locks, the store has it, corrections go to an addendum.
    bool confirmed = false;
    WhenOpen<> sign("sign-confirm", [&](wxDialog* dialog) {
        confirmed = true;
        click(dialog->FindWindow(wxID_OK));
    });
    click(page->FindWindow("sign-note-button"));
    ASSERT_TRUE(pumpUntil([&] { return confirmed && !wxWindow::FindWindowByName("sign-confirm"); }, 8000));
    pumpFor(100);
    ASSERT_TRUE(draft.step());
    EXPECT_FALSE(draft.isNull(1)) << "signed in the store";
    EXPECT_NE(draft.text(0).find("Keep the diary"), std::string::npos);
    draft.reset();
    EXPECT_TRUE(named<wxStaticText>(page, "note-state")->GetLabel().StartsWith("Signed by"));
    subjective = named<wxTextCtrl>(page, "note-section-subjective");
    ASSERT_NE(subjective, nullptr);
    EXPECT_FALSE(subjective->IsEditable());
    EXPECT_FALSE(page->FindWindow("sign-note-button")->IsEnabled());
    EXPECT_EQ(page->FindWindow("add-recommendation"), nullptr) << "no list buttons on a signed note";
    EXPECT_TRUE(page->FindWindow("addendum-button")->IsEnabled());

    std::string noReason;
    bool amended = false;
    WhenOpen<> addendum("addendum-dialog", [&](wxDialog* dialog) {
        named<wxTextCtrl>(dialog, "addendum-text")->SetValue("It was oat yoghurt, not soy.");
        click(dialog->FindWindow(wxID_OK));
        noReason = named<wxStaticText>(dialog, "dialog-problem")->GetLabel().utf8_string();
        named<wxTextCtrl>(dialog, "addendum-reason")->SetValue("Mother corrected it by phone");
        amended = true;
        click(dialog->FindWindow(wxID_OK));
    });
    click(page->FindWindow("addendum-button"));
    ASSERT_TRUE(pumpUntil([&] { return amended && !wxWindow::FindWindowByName("addendum-dialog"); }, 8000))
        << "amended " << amended << ", " << noReason << ", " << named<wxStaticText>(page, "consultations-message")->GetLabel().utf8_string();
    EXPECT_NE(noReason.find("reason: is required"), std::string::npos) << noReason;
    EXPECT_NE(named<wxStaticText>(page, "addenda")->GetLabel().Find("It was oat yoghurt"), wxNOT_FOUND);
    snapshot(frame, "consultation-signed");

    // Search across every client's notes: the demo's addendum about soy yoghurt and this note.
    size_t found = 0;
    WhenOpen<> search("search-notes", [&](wxDialog* dialog) {
        auto* box = named<wxTextCtrl>(dialog, "search-notes-box");
        box->SetValue("soy yoghurt");
        wxCommandEvent enter(wxEVT_TEXT_ENTER, box->GetId());
        enter.SetEventObject(box);
        box->GetEventHandler()->ProcessEvent(enter);
        found = size_t(named<wxListCtrl>(dialog, "search-results")->GetItemCount());
        snapshot(dialog, "consultation-search");
    });
    click(page->FindWindow("search-notes-button"));
    ASSERT_TRUE(pumpUntil([&] { return search.done(); }, 8000));
    EXPECT_EQ(found, 3u) << "Maya's note and addendum, Ollie's addendum";

    // The week's agenda across every client.
    std::string flagged;
    WhenOpen<> agenda("agenda", [&](wxDialog* dialog) {
        auto* list = named<wxListCtrl>(dialog, "agenda-list");
        for (long i = 0; i < list->GetItemCount(); ++i) flagged += list->GetItemText(i, 1).utf8_string() + ";";
        snapshot(dialog, "consultation-agenda");
    });
    click(page->FindWindow("agenda-button"));
    ASSERT_TRUE(pumpUntil([&] { return agenda.done(); }, 8000));
    EXPECT_NE(flagged.find("Maya Patel"), std::string::npos) << flagged;
    EXPECT_NE(flagged.find("Freja"), std::string::npos) << flagged;
}

TEST_F(MainWindowTest, SummaryPage_PreviewsThePdf_EmailOnlyToGuardiansWhoConsented) {
    int64_t id = ClientStore(*store).search("müller", 5)[0].id;  // Zoë: her mother consented, her father did not
    wxWindow* page = openPage(frame, id, "summary-page");
    ASSERT_NE(page, nullptr);
    pumpFor(200);
    EXPECT_EQ(named<wxStaticText>(page, "summary-title")->GetLabel(), wxString::FromUTF8("Plan summary — Zoë Müller"));
    ASSERT_NE(page->FindWindow("summary-page-1"), nullptr) << "the first page is previewed";
    int pages = 0;
    while (page->FindWindow(("summary-page-" + std::to_string(pages + 1)).c_str())) ++pages;
    EXPECT_GE(pages, 2);
    snapshot(frame, "summary-preview");

    // Leaving a section out redraws the preview without it.
    auto* sections = named<wxCheckListBox>(page, "summary-sections");
    ASSERT_NE(sections, nullptr);
    ASSERT_GE(sections->GetCount(), 3u);
    for (unsigned i = 0; i < sections->GetCount(); ++i) sections->Check(i, i == 0);
    wxCommandEvent toggled(wxEVT_CHECKLISTBOX, sections->GetId());
    toggled.SetEventObject(sections);
    sections->GetEventHandler()->ProcessEvent(toggled);
    pumpFor(100);
    EXPECT_EQ(page->FindWindow("summary-page-2"), nullptr) << "one short section fits on one page";
    for (unsigned i = 0; i < sections->GetCount(); ++i) sections->Check(i, true);

    // Email: the father is shown with the reason but cannot be chosen.
    std::string mother, father;
    bool fatherEnabled = true, queued = false;
    WhenOpen<> email("email-family", [&](wxDialog* dialog) {
        auto* first = named<wxCheckBox>(dialog, "recipient-0");
        auto* second = named<wxCheckBox>(dialog, "recipient-1");
        ASSERT_NE(first, nullptr);
        ASSERT_NE(second, nullptr);
        mother = first->GetLabel().utf8_string();
        father = second->GetLabel().utf8_string();
        fatherEnabled = second->IsEnabled();
        EXPECT_TRUE(first->IsEnabled() && first->GetValue());
        queued = true;
        click(dialog->FindWindow(wxID_OK));
    });
    click(page->FindWindow("email-family-button"));
    ASSERT_TRUE(pumpUntil([&] { return queued && !wxWindow::FindWindowByName("email-family"); }, 8000));
    EXPECT_NE(mother.find("hanna.mueller@example.org"), std::string::npos) << mother;
    EXPECT_NE(father.find("has not consented to email"), std::string::npos) << father;
    EXPECT_FALSE(fatherEnabled);
    Statement outbox(store->db(), "SELECT recipient, status FROM reports_outbox");
    ASSERT_TRUE(outbox.step());
    EXPECT_EQ(outbox.text(0), "hanna.mueller@example.org");
    EXPECT_FALSE(outbox.step()) << "one message, to the mother only";
    outbox.reset();
    pumpFor(100);
    std::string status = named<wxStaticText>(page, "outbox-status")->GetLabel().utf8_string();
    EXPECT_NE(status.find("Outbox: 1 waiting"), std::string::npos) << status;
    EXPECT_NE(status.find("smtp.host: is not set"), std::string::npos) << "why it does not go yet: " << status;
    pumpFor(50);
    EXPECT_EQ(frame->GetStatusBar()->GetStatusText(1).utf8_string().rfind("Outbox: 1 waiting", 0), 0u)
        << "the status bar shows the queue: " << frame->GetStatusBar()->GetStatusText(1).utf8_string();
    snapshot(frame, "summary-queued");

    // The outbox lists it; the email settings are saved, the password sealed.
    long rows = -1;
    WhenOpen<> box("outbox", [&](wxDialog* dialog) {
        rows = named<wxListCtrl>(dialog, "outbox-list")->GetItemCount();
        snapshot(dialog, "summary-outbox");
    });
    click(page->FindWindow("outbox-button"));
    ASSERT_TRUE(pumpUntil([&] { return rows >= 0 && !wxWindow::FindWindowByName("outbox"); }, 8000));
    EXPECT_EQ(rows, 1);
    std::string refused, templateRefused;
    bool saved = false;
    WhenOpen<> settings("email-settings", [&](wxDialog* dialog) {
        named<wxTextCtrl>(dialog, "smtp.host")->SetValue("mail.example.org");
        named<wxTextCtrl>(dialog, "smtp.port")->SetValue("seventy");
        named<wxTextCtrl>(dialog, "smtp.password")->SetValue("pa55 word");
        click(dialog->FindWindow(wxID_OK));
        refused = named<wxStaticText>(dialog, "dialog-problem")->GetLabel().utf8_string();
        Statement none(store->db(), "SELECT count(*) FROM plugin_settings WHERE key = 'smtp.host'");
        none.step();
        EXPECT_EQ(none.int64(0), 0) << "a refused dialog keeps nothing";
        none.reset();
        named<wxTextCtrl>(dialog, "email.subject")->SetValue("{{#child}} unclosed");
        named<wxTextCtrl>(dialog, "smtp.port")->SetValue("587");
        click(dialog->FindWindow(wxID_OK));
        templateRefused = named<wxStaticText>(dialog, "dialog-problem")->GetLabel().utf8_string();
        named<wxTextCtrl>(dialog, "email.subject")->SetValue("Summary for {{child_given}}");
        saved = true;
        click(dialog->FindWindow(wxID_OK));
    });
    click(page->FindWindow("email-settings-button"));
    ASSERT_TRUE(pumpUntil([&] { return saved && !wxWindow::FindWindowByName("email-settings"); }, 20000));
    EXPECT_NE(refused.find("smtp.port: 'seventy'"), std::string::npos) << refused;
    EXPECT_NE(templateRefused.find("email.subject: the template does not parse"), std::string::npos) << templateRefused;
    Statement stored(store->db(), "SELECT key, value FROM plugin_settings WHERE plugin_id = 'org.nourish.reports' ORDER BY key");
    std::map<std::string, std::string> values;
    while (stored.step()) values[stored.text(0)] = stored.text(1);
    stored.reset();
    EXPECT_EQ(values["smtp.host"], "mail.example.org");
    EXPECT_EQ(values["smtp.port"], "587");
    EXPECT_EQ(values["smtp.password"].rfind("sealed:v2:", 0), 0u) << values["smtp.password"];
    EXPECT_EQ(values["email.subject"], "Summary for {{child_given}}");
    EXPECT_EQ(values["email.text"], "") << "a template left as shipped stays unset";
}

TEST_F(MainWindowTest, ProtocolPage_ShowsADemoChildMidWayUpTheMilkLadder) {
    int64_t id = ClientStore(*store).search("bennett", 5)[0].id;
    wxWindow* page = openProtocolPage(frame, id);
    ASSERT_NE(page, nullptr);
    pumpFor(200);
    EXPECT_EQ(named<wxStaticText>(page, "protocol-title")->GetLabel(), "Milk ladder (non-IgE cow's milk allergy)");
    auto* foods = named<wxListCtrl>(page, "food-status");
    ASSERT_EQ(foods->GetItemCount(), 1);
    EXPECT_NE(foods->GetItemText(0, 1).Find("step 5 of 7 (Yoghurt)"), wxNOT_FOUND) << foods->GetItemText(0, 1).utf8_string();
    snapshot(frame, "demo-milk-ladder");
    // The built-in protocols follow the child with POEM: its button, its line on the trend.
    ASSERT_NE(named<wxButton>(page, "score-button-org.nourish.instrument.poem"), nullptr);
    EXPECT_EQ(named<wxButton>(page, "score-button-org.nourish.instrument.poem")->GetLabel(), "POEM...");
    EXPECT_TRUE(named<wxWindow>(page, "protocol-trend")->GetToolTipText().StartsWith("Charted: POEM ("))
        << named<wxWindow>(page, "protocol-trend")->GetToolTipText().utf8_string();
    dynamic_cast<wxScrolledWindow*>(page)->Scroll(0, 1000);
    snapshot(frame, "demo-milk-ladder-trend");
}

// A third party's protocol names its questionnaires (POEM and its own tummy
// score): the Protocol page has a button for each, fills the tummy score in
// the host's form window, keeps it and charts it beside POEM.
TEST_F(MainWindowTest, ProtocolPage_OffersAndChartsTheQuestionnairesItsProtocolNames) {
    // The app again, with the third party's plugin beside the bundled ones.
    frame->Close(true);
    pumpFor(100);
    host->shutdown();
    PluginHost::Options options = host->options();
    options.directories.push_back(fs::path(NOURISH_TEST_PLUGIN_ROOT) / "protocols");
    host = std::make_unique<PluginHost>(*store, options);
    host->discover();
    host->loadAll();
    frame = new MainFrame(*store, *host);
    frame->Show();
    pumpFor(300);

    int64_t id = ClientStore(*store).search("patel", 5)[0].id;  // Maya: no plan in the demo
    auto assigned = nourish::test::runProcess(
        NOURISH_CLI_PATH,
        {"--store", (dir / "n.db").string(), "protocol", "assign", std::to_string(id), "org.example.test.two-food",
         "--start", elim::isoDay(elim::today() - 20)},
        {"NOURISH_PLUGIN_PATH=" + (fs::path(NOURISH_TEST_PLUGIN_ROOT) / "protocols").string()});
    ASSERT_EQ(assigned.exitCode, 0) << assigned.error;
    wxWindow* page = openProtocolPage(frame, id);
    ASSERT_NE(page, nullptr);
    pumpFor(300);
    ASSERT_EQ(named<wxStaticText>(page, "protocol-title")->GetLabel(), "Two-food test protocol");
    auto* poem = named<wxButton>(page, "score-button-org.nourish.instrument.poem");
    auto* tummy = named<wxButton>(page, "score-button-org.example.test.tummy");
    ASSERT_NE(poem, nullptr);
    ASSERT_NE(tummy, nullptr);
    EXPECT_EQ(poem->GetLabel(), "POEM...");
    EXPECT_EQ(tummy->GetLabel(), "Tummy score...");

    bool filled = false;
    WhenFormOpens fill([&](FormDialog* form) {
        choose(form->control("pain"), "Yes");
        choose(form->control("bloating"), "No");
        filled = true;
        click(form->FindWindow(wxID_OK));
    });
    click(tummy);
    ASSERT_TRUE(pumpUntil([&] { return filled && !openFormDialog(); }, 8000));
    pumpFor(200);
    EXPECT_EQ(named<wxStaticText>(page, "protocol-message")->GetLabel(), "Tummy score recorded: 1 (Some)");
    Statement saved(store->db(), "SELECT total, band FROM elim_scores WHERE client_id = ?1 AND instrument_id = ?2");
    saved.bind(1, id).bind(2, "org.example.test.tummy");
    ASSERT_TRUE(saved.step()) << "the score is kept";
    EXPECT_EQ(saved.int64(0), 1);
    EXPECT_EQ(saved.text(1), "Some");
    saved.reset();
    EXPECT_EQ(named<wxWindow>(page, "protocol-trend")->GetToolTipText(), "Charted: Tummy score (1 score)");
    snapshot(frame, "protocol-own-questionnaires");
    dynamic_cast<wxScrolledWindow*>(page)->Scroll(0, 1000);
    snapshot(frame, "protocol-own-questionnaires-trend");
}

TEST_F(MainWindowTest, FormWindow_ShowsProblemsBesideTheirFields) {
    const RegisteredForm* intake = host->findForm("org.nourish.intake.infant-eczema");
    ASSERT_NE(intake, nullptr);
    FormDialog form(frame, intake->form, nlohmann::json::parse(R"({"eczema_onset_months": "three"})"));
    form.Show();
    pumpFor(100);
    EXPECT_FALSE(form.check(/*complete=*/true));
    auto* row = form.FindWindow("field-eczema_onset_months");
    bool shown = false;
    for (wxWindow* child : row->GetChildren())
        if (child->IsShown() && child->GetLabel() == "must be a whole number") shown = true;
    EXPECT_TRUE(shown);
    auto* summary = form.FindWindow("form-summary");
    EXPECT_TRUE(summary->IsShown());
    EXPECT_NE(summary->GetLabel().Find("need attention"), wxNOT_FOUND) << summary->GetLabel();
    EXPECT_FALSE(form.check(/*complete=*/false)) << "a draft still needs whole numbers";
    form.Hide();
}

TEST_F(MainWindowTest, CsvImport_ShowsPreviewThenImports) {
    nourish::test::writeFile(dir / "new.csv",
                             "given_name,family_name,date_of_birth,guardian_1_name,guardian_1_email\n"
                             "Ada,Lovelace,2024-12-10,Anne,anne@example.org\n"
                             "Alan,Turing,2025-06-23,Sara,sara@example.org\n"
                             "Grace,Hopper,2023-12-09,,\n");
    long previewRows = -1;
    WhenOpen<> confirm("import-clients", [&](wxDialog* dialog) {
        auto* preview = dynamic_cast<wxListCtrl*>(dialog->FindWindow("import-preview"));
        if (preview) previewRows = preview->GetItemCount();
        click(dialog->FindWindow(wxID_OK));
    });
    size_t added = importClientsFromCsv(frame, *store, dir / "new.csv");
    EXPECT_EQ(previewRows, 3);
    EXPECT_EQ(added, 3u);
    EXPECT_EQ(ClientStore(*store).count(), 15);
}

TEST_F(MainWindowTest, CsvImportWithProblems_ListsThemAndChangesNothing) {
    nourish::test::writeFile(dir / "bad.csv", "given_name,family_name,date_of_birth\nAda,Lovelace,2024-12-10\n"
                                              "Alan,Turing,2025-02-30\n");
    std::string shown;
    WhenOpen<> close("import-clients", [&](wxDialog* dialog) {
        if (auto* problems = dialog->FindWindow("import-problems")) shown = problems->GetLabel().utf8_string();
        if (auto* text = dynamic_cast<wxTextCtrl*>(dialog->FindWindow("import-problems")))
            shown = text->GetValue().utf8_string();
        click(dialog->FindWindow(wxID_CLOSE));
    });
    EXPECT_EQ(importClientsFromCsv(frame, *store, dir / "bad.csv"), 0u);
    EXPECT_NE(shown.find("line 3, column date_of_birth"), std::string::npos) << shown;
    EXPECT_EQ(ClientStore(*store).count(), 12);
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

TEST_F(MainWindowTest, PluginManager_InstallsAGoodPluginFromAFile_AndNothingOfABadOne) {
    // The practitioner's plugin folder, kept inside this test's temp folder.
    ScopedEnv data("XDG_DATA_HOME", (dir / "xdg").string());
    fs::path folder = dir / "xdg" / "nourish" / "plugins";
    PluginManagerDialog dialog(frame, *host);
    dialog.Show();
    pumpFor(50);
    std::string root = NOURISH_TEST_PLUGIN_ROOT;

    EXPECT_FALSE(dialog.installFromFile(root + "/not_elf/not_elf.so"));
    std::string shown = dialog.details()->GetValue().utf8_string();
    EXPECT_NE(shown.find("Not installed: 1 problem(s) found; nothing was copied."), std::string::npos) << shown;
    EXPECT_NE(shown.find("Problem: not a shared object"), std::string::npos) << shown;
    EXPECT_FALSE(fs::exists(folder) && !fs::is_empty(folder)) << "a refused plugin leaves nothing behind";

    // An unsigned plugin: who made it, what it declares, the warning, and a no.
    std::string warning, details;
    {
        WhenOpen<wxDialog> no("plugin-consent", [&](wxDialog* consent) {
            warning = consent->FindWindow("plugin-consent-warning")->GetLabel().utf8_string();
            std::replace(warning.begin(), warning.end(), '\n', ' ');
            details = static_cast<wxTextCtrl*>(consent->FindWindow("plugin-consent-details"))->GetValue().utf8_string();
            snapshot(consent, "plugin-consent");
            click(consent->FindWindow(wxID_CANCEL));
        });
        EXPECT_FALSE(dialog.installFromFile(root + "/good/good.so"));
        EXPECT_TRUE(no.done());
    }
    EXPECT_NE(warning.find("Nothing says who made this plugin"), std::string::npos) << warning;
    EXPECT_NE(warning.find("runs inside Nourish with your full rights"), std::string::npos) << warning;
    EXPECT_NE(details.find("plugin: Test good 1.0.0 (org.nourish.test.good)"), std::string::npos) << details;
    EXPECT_NE(details.find("capabilities: nourish.store-migrations/1"), std::string::npos) << details;
    EXPECT_NE(dialog.details()->GetValue().Find("Not installed: you did not say you trust it."), wxNOT_FOUND);
    EXPECT_FALSE(fs::exists(folder) && !fs::is_empty(folder)) << "no means nothing is copied";
    EXPECT_EQ(dialog.details()->GetValue().Find("init succeeded"), wxNOT_FOUND) << "its code did not run, not even in the checker";

    // Signed by a vendor she trusts: one question, Install by default; and a no is still a no.
    {
        ScopedEnv config("XDG_CONFIG_HOME", (dir / "config").string());
        fs::create_directories(dir / "signed");
        for (const char* f : {"good.so", "org.nourish.test.good.plugin.json"})
            fs::copy_file(fs::path(root) / "good" / f, dir / "signed" / f);
        trust::generateKey(dir / "acme");
        trust::sign(dir / "signed" / "org.nourish.test.good.plugin.json", "org.nourish.test.good", dir / "signed" / "good.so",
                    dir / "acme.key");
        trust::addTrustedVendor(dir / "acme.pub", "Acme Nutrition");
        std::string trustedWarning;
        bool installIsDefault = false;
        WhenOpen<wxDialog> no("plugin-consent", [&](wxDialog* consent) {
            trustedWarning = consent->FindWindow("plugin-consent-warning")->GetLabel().utf8_string();
            std::replace(trustedWarning.begin(), trustedWarning.end(), '\n', ' ');
            installIsDefault = consent->GetDefaultItem() == consent->FindWindow(wxID_OK);
            click(consent->FindWindow(wxID_CANCEL));
        });
        EXPECT_FALSE(dialog.installFromFile((dir / "signed" / "good.so").string()));
        EXPECT_TRUE(no.done());
        EXPECT_NE(trustedWarning.find("It is signed by Acme Nutrition, a vendor you trust"), std::string::npos) << trustedWarning;
        EXPECT_TRUE(installIsDefault);
        EXPECT_FALSE(fs::exists(folder) && !fs::is_empty(folder)) << "Cancel installs nothing, trusted or not";
    }

    // Its files changed while she read the question: what is installed is the
    // copy that was checked (and, signed, verified), not the changed file.
    fs::create_directories(dir / "swap");
    for (const char* f : {"good.so", "org.nourish.test.good.plugin.json"}) fs::copy_file(fs::path(root) / "good" / f, dir / "swap" / f);
    {
        WhenOpen<wxDialog> yes("plugin-consent", [&](wxDialog* consent) {
            std::ofstream(dir / "swap" / "good.so", std::ios::app | std::ios::binary) << "changed";
            click(consent->FindWindow(wxID_OK));
        });
        ASSERT_TRUE(dialog.installFromFile((dir / "swap" / "good.so").string())) << dialog.details()->GetValue().utf8_string();
        EXPECT_TRUE(yes.done());
    }
    EXPECT_EQ(nourish::test::readFile(folder / "good.so"), nourish::test::readFile(fs::path(root) / "good" / "good.so"));
    EXPECT_TRUE(fs::exists(folder / "good.so"));
    EXPECT_TRUE(fs::exists(folder / "org.nourish.test.good.plugin.json"));
    shown = dialog.details()->GetValue().utf8_string();
    EXPECT_NE(shown.find("Installed Test good 1.0.0"), std::string::npos) << shown;
    snapshot(&dialog, "plugin-manager-installed");

    // The same plugin again: its id is taken now.
    EXPECT_FALSE(dialog.installFromFile(root + "/duplicate/good.so"));
    EXPECT_NE(dialog.details()->GetValue().Find("duplicate id"), wxNOT_FOUND);

    // Its next version: asked as an upgrade, and it replaces the files.
    {
        std::string title, heading, button;
        WhenOpen<wxDialog> yes("plugin-consent", [&](wxDialog* consent) {
            title = consent->GetTitle().utf8_string();
            for (wxWindow* child : consent->GetChildren())
                if (auto* label = dynamic_cast<wxStaticText*>(child); label && heading.empty()) heading = label->GetLabel().utf8_string();
            button = consent->FindWindow(wxID_OK)->GetLabel().utf8_string();
            snapshot(consent, "plugin-consent-upgrade");
            click(consent->FindWindow(wxID_OK));
        });
        ASSERT_TRUE(dialog.installFromFile(root + "/good_v2/good.so")) << dialog.details()->GetValue().utf8_string();
        EXPECT_TRUE(yes.done());
        EXPECT_EQ(title, "Upgrade this plugin?");
        EXPECT_EQ(heading, "Test good_v2 1.1.0 by Nourish tests (you have 1.0.0)");
        EXPECT_EQ(button, "Upgrade anyway");
    }
    shown = dialog.details()->GetValue().utf8_string();
    EXPECT_NE(shown.find("Upgraded Test good_v2 from 1.0.0 to 1.1.0 by Nourish tests in " + folder.string()),
              std::string::npos) << shown;
    EXPECT_EQ(nourish::test::readFile(folder / "good.so"), nourish::test::readFile(fs::path(root) / "good_v2" / "good.so"));
    EXPECT_FALSE(dialog.installFromFile(root + "/good/good.so"));
    EXPECT_NE(dialog.details()->GetValue().Find("downgrade refused"), wxNOT_FOUND) << dialog.details()->GetValue();
    dialog.Hide();

    // It runs once over this store: its migrations make its tables.
    {
        PluginHost::Options options;
        options.directories = {PluginHost::userPluginDirectory()};
        PluginHost once(*store, options);
        once.discover();
        once.loadAll();
        ASSERT_EQ(once.find("org.nourish.test.good")->state, PluginState::Loaded);
        once.shutdown();
    }
    ASSERT_TRUE(store->db().tableExists("good_greetings"));
    // Next start: it is listed, and she can uninstall it (a bundled one she can only turn off).
    {
        PluginHost::Options options;
        options.directories = {PluginHost::userPluginDirectory(), host->options().firstPartyDirectory};
        options.firstPartyDirectory = host->options().firstPartyDirectory;
        PluginHost next(*store, options);
        next.discover();
        PluginManagerDialog manager(frame, next);
        manager.Show();
        pumpFor(50);
        long good = -1, bundled = -1;
        for (size_t i = 0; i < next.plugins().size(); ++i) {
            if (next.plugins()[i]->id() == "org.nourish.test.good") good = long(i);
            if (next.plugins()[i]->firstParty) bundled = long(i);
        }
        ASSERT_GE(good, 0);
        ASSERT_GE(bundled, 0);
        wxWindow* uninstall = manager.FindWindow("uninstall-plugin");
        manager.table()->SetItemState(bundled, wxLIST_STATE_SELECTED, wxLIST_STATE_SELECTED);
        pumpFor(50);
        EXPECT_FALSE(uninstall->IsEnabled()) << "a plugin that comes with Nourish is turned off, not uninstalled";
        manager.table()->SetItemState(good, wxLIST_STATE_SELECTED, wxLIST_STATE_SELECTED);
        pumpFor(50);
        EXPECT_TRUE(uninstall->IsEnabled());
        // "Uninstall and delete its data" (GTK_RESPONSE_NO).
        nourish::test::DialogsInFolder answer(dir.path(), 300);
        answer.response = -9;
        EXPECT_TRUE(manager.uninstallSelected(good)) << manager.details()->GetValue().utf8_string();
        ASSERT_EQ(answer.titles.size(), 1u);
        EXPECT_NE(answer.titles[0].find("Uninstall Test good_v2 1.1.0?"), std::string::npos) << answer.titles[0];
        EXPECT_FALSE(fs::exists(folder / "good.so"));
        EXPECT_FALSE(fs::exists(folder / "org.nourish.test.good.plugin.json"));
        std::string said = manager.details()->GetValue().utf8_string();
        EXPECT_NE(said.find("Uninstalled Test good_v2 1.1.0"), std::string::npos) << said;
        EXPECT_NE(said.find("Deleted from the store: 1 table(s), 0 setting(s).\nThe store as it was before: " +
                            (dir / "n.db.before-remove-org.nourish.test.good-").string()),
                  std::string::npos) << said;
        EXPECT_FALSE(uninstall->IsEnabled());
        EXPECT_FALSE(store->db().tableExists("good_greetings"));
        Statement recorded(store->db(), "SELECT detail FROM audit_events WHERE action = 'plugin.uninstall'");
        ASSERT_TRUE(recorded.step());
        EXPECT_NE(recorded.text(0).find("\"data_removed\":true,\"plugin\":\"org.nourish.test.good\",\"tables_kept\":[]"),
                  std::string::npos) << recorded.text(0);
        EXPECT_TRUE(store->check().ok()) << "what was deleted leaves the store's tamper evidence whole";
        manager.Hide();
    }
}

// A data-only plugin (a manifest and JSON documents) from its manifest: the
// question says it runs no code but is clinical content, it goes into a
// folder of its own, the manager says what it is, and it can be uninstalled.
// A plugin whose init never returns: after her yes, the checker tries it in a
// process of its own while the app keeps drawing and says what it is doing;
// at the time limit it is refused, and nothing is copied.
TEST_F(MainWindowTest, PluginManager_AHangingPluginIsTriedWhileTheAppKeepsDrawing_AndRefused) {
    ScopedEnv data("XDG_DATA_HOME", (dir / "xdg").string());
    ScopedEnv limit("NOURISH_PLUGIN_CHECK_SECONDS", "2");
    fs::path folder = dir / "xdg" / "nourish" / "plugins";
    PluginManagerDialog dialog(frame, *host);
    dialog.Show();
    pumpFor(50);
    int ticks = 0;
    bool progressShown = false;
    wxTimer watch;
    watch.Bind(wxEVT_TIMER, [&](wxTimerEvent&) {
        ++ticks;
        if (auto* progress = wxWindow::FindWindowByName("plugin-check-progress"); progress && progress->IsShown()) {
            if (!progressShown) {
                progressShown = true;
                snapshot(progress, "plugin-check-progress");
            }
        }
    });
    WhenOpen<wxDialog> yes("plugin-consent", [&](wxDialog* consent) {
        ticks = 0;
        watch.Start(100);
        click(consent->FindWindow(wxID_OK));
    });
    EXPECT_FALSE(dialog.installFromFile(std::string(NOURISH_TEST_PLUGIN_ROOT) + "/init_hang/init_hang.so"));
    watch.Stop();
    EXPECT_TRUE(yes.done());
    EXPECT_TRUE(progressShown) << "the window says a check is running";
    EXPECT_GE(ticks, 10) << "the app's own events ran while the plugin was tried (2 s at 100 ms)";
    std::string shown = dialog.details()->GetValue().utf8_string();
    EXPECT_NE(shown.find("Problem: init did not return in 2 s"), std::string::npos) << shown;
    EXPECT_FALSE(fs::exists(folder) && !fs::is_empty(folder)) << "nothing is copied";
}

TEST_F(MainWindowTest, PluginManager_InstallsADataOnlyPlugin_AndUninstallsIt) {
    ScopedEnv data("XDG_DATA_HOME", (dir / "xdg").string());
    fs::path own = dir / "xdg" / "nourish" / "plugins" / "org.example.low-fodmap-data";
    fs::path source = fs::path(NOURISH_SDK_EXAMPLES) / "low-fodmap-data" / "org.example.low-fodmap-data.plugin.json";
    {
        PluginManagerDialog dialog(frame, *host);
        dialog.Show();
        pumpFor(50);
        std::string warning, details;
        WhenOpen<wxDialog> yes("plugin-consent", [&](wxDialog* consent) {
            warning = consent->FindWindow("plugin-consent-warning")->GetLabel().utf8_string();
            std::replace(warning.begin(), warning.end(), '\n', ' ');
            details = static_cast<wxTextCtrl*>(consent->FindWindow("plugin-consent-details"))->GetValue().utf8_string();
            snapshot(consent, "plugin-consent-data-only");
            click(consent->FindWindow(wxID_OK));
        });
        ASSERT_TRUE(dialog.installFromFile(source.string())) << dialog.details()->GetValue().utf8_string();
        EXPECT_TRUE(yes.done());
        EXPECT_NE(warning.find("A data-only plugin runs no code, but what it says is shown to you and to families"),
                  std::string::npos) << warning;
        EXPECT_EQ(warning.find("full rights"), std::string::npos) << warning;
        EXPECT_NE(details.find("plugin: Low-FODMAP protocol (data-only) 1.0.0"), std::string::npos) << details;
        EXPECT_NE(details.find("code: none; it is 2 document(s): instruments/ibs-symptoms.json, protocols/low-fodmap.json"),
                  std::string::npos) << details;
        std::string shown = dialog.details()->GetValue().utf8_string();
        EXPECT_NE(shown.find("Installed Low-FODMAP protocol (data-only) 1.0.0 by Example Dietetics in " + own.string()),
                  std::string::npos) << shown;
        EXPECT_TRUE(fs::exists(own / "protocols" / "low-fodmap.json"));
        dialog.Hide();
    }
    {
        PluginHost::Options options;
        options.directories = {PluginHost::userPluginDirectory()};
        PluginHost next(*store, options);
        next.discover();
        next.loadAll();
        ASSERT_EQ(next.plugins().size(), 1u);
        EXPECT_EQ(next.plugins()[0]->state, PluginState::Loaded) << next.plugins()[0]->reason;
        ASSERT_NE(next.findProtocol("org.example.low-fodmap-data.protocol"), nullptr);
        PluginManagerDialog manager(frame, next);
        manager.Show();
        pumpFor(50);
        manager.table()->SetItemState(0, wxLIST_STATE_SELECTED, wxLIST_STATE_SELECTED);
        pumpFor(50);
        std::string about = manager.details()->GetValue().utf8_string();
        EXPECT_NE(about.find("Documents: 2 in " + own.string() + " (data only, no code)"), std::string::npos) << about;
        snapshot(&manager, "plugin-manager-data-only");
        ASSERT_TRUE(manager.FindWindow("uninstall-plugin")->IsEnabled());
        {
            nourish::test::DialogsInFolder cancel(dir.path(), 300);
            cancel.response = -9;  // Cancel is the dialog's "no" here
            EXPECT_FALSE(manager.uninstallSelected(0));
            EXPECT_TRUE(fs::exists(own / "org.example.low-fodmap-data.plugin.json")) << "Cancel removes nothing";
        }
        nourish::test::DialogsInFolder answer(dir.path(), 300);
        EXPECT_TRUE(manager.uninstallSelected(0)) << manager.details()->GetValue().utf8_string();
        ASSERT_EQ(answer.titles.size(), 1u);
        EXPECT_NE(answer.titles[0].find("It is data only and stored nothing of its own"), std::string::npos)
            << answer.titles[0];
        EXPECT_FALSE(fs::exists(own));
        EXPECT_EQ(manager.details()->GetValue().Find("Kept in the store"), wxNOT_FOUND) << manager.details()->GetValue();
        EXPECT_NE(manager.details()->GetValue().Find("Uninstalled Low-FODMAP protocol (data-only) 1.0.0"), wxNOT_FOUND);
        manager.Hide();
        next.shutdown();
    }
}

// Plugins > Manage > Trusted vendors: a vendor's key is added with a name,
// its fingerprint shown to compare; a file that is no key is refused; a
// vendor is removed after a question.
TEST_F(MainWindowTest, TrustedVendors_AddsAKeyWithItsName_AndRemovesIt) {
    namespace fs = std::filesystem;
    ScopedEnv config("XDG_CONFIG_HOME", (dir / "config").string());
    std::string fingerprint = trust::generateKey(dir / "acme");
    TrustedVendorsDialog dialog(frame);
    dialog.Show();
    pumpFor(50);
    EXPECT_EQ(dialog.table()->GetItemCount(), 0);
    EXPECT_NE(dialog.message()->GetLabel().Find("No vendor is trusted yet"), wxNOT_FOUND);

    std::string asked;
    {
        WhenOpen<wxTextEntryDialog> name("trust-vendor-name", [&](wxTextEntryDialog* ask) {
            for (wxWindow* child : ask->GetChildren())
                if (auto* label = dynamic_cast<wxStaticText*>(child)) asked += label->GetLabel().utf8_string() + " ";
            ask->SetValue("  Acme Nutrition ");
            snapshot(ask, "trust-vendor-name");
            click(ask->FindWindow(wxID_OK));
        });
        EXPECT_TRUE(dialog.addFromFile((dir / "acme.pub").string())) << dialog.message()->GetLabel();
        EXPECT_TRUE(name.done());
    }
    EXPECT_NE(asked.find(fingerprint), std::string::npos) << "the fingerprint to compare: " << asked;
    ASSERT_EQ(dialog.table()->GetItemCount(), 1);
    EXPECT_EQ(dialog.table()->GetItemText(0, 0), "Acme Nutrition");
    EXPECT_EQ(dialog.table()->GetItemText(0, 1).utf8_string(), fingerprint);
    ASSERT_EQ(trust::trustedVendors().size(), 1u);
    EXPECT_EQ(trust::trustedVendors()[0].name, "Acme Nutrition");
    snapshot(&dialog, "trusted-vendors");

    nourish::test::writeFile(dir / "not-a-key.pub", "hello\n");
    EXPECT_FALSE(dialog.addFromFile((dir / "not-a-key.pub").string()));
    EXPECT_NE(dialog.message()->GetLabel().Find("Not added:"), wxNOT_FOUND) << dialog.message()->GetLabel();
    EXPECT_EQ(dialog.table()->GetItemCount(), 1);
    {
        WhenOpen<wxTextEntryDialog> cancel("trust-vendor-name", [&](wxTextEntryDialog* ask) { click(ask->FindWindow(wxID_CANCEL)); });
        trust::generateKey(dir / "other");
        EXPECT_FALSE(dialog.addFromFile((dir / "other.pub").string()));
        EXPECT_TRUE(cancel.done());
    }
    EXPECT_EQ(trust::trustedVendors().size(), 1u) << "Cancel adds nothing";

    nourish::test::DialogsInFolder yes(dir.path(), 300);
    EXPECT_TRUE(dialog.removeRow(0));
    ASSERT_EQ(yes.titles.size(), 1u);
    EXPECT_NE(yes.titles[0].find("Stop trusting Acme Nutrition?"), std::string::npos) << yes.titles[0];
    EXPECT_EQ(dialog.table()->GetItemCount(), 0);
    EXPECT_TRUE(trust::trustedVendors().empty());
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

// Every piece of text a window and its children show, for looking for what
// does not belong there.
void collectText(wxWindow* window, std::string& out) {
    if (!window->IsShown()) return;
    if (auto* text = dynamic_cast<wxTextCtrl*>(window)) out += text->GetValue().utf8_string() + "\n";
    else if (auto* list = dynamic_cast<wxListCtrl*>(window)) {
        for (long row = 0; row < list->GetItemCount(); ++row)
            for (int col = 0; col < list->GetColumnCount(); ++col) out += list->GetItemText(row, col).utf8_string() + "\t";
    } else if (auto* grid = dynamic_cast<wxGrid*>(window)) {
        for (int row = 0; row < grid->GetNumberRows(); ++row)
            for (int col = 0; col < grid->GetNumberCols(); ++col) out += grid->GetCellValue(row, col).utf8_string() + "\t";
    } else if (auto* checks = dynamic_cast<wxCheckListBox*>(window)) {
        for (unsigned i = 0; i < checks->GetCount(); ++i) out += checks->GetString(i).utf8_string() + "\n";
    } else {
        out += window->GetLabel().utf8_string() + "\n";
    }
    for (wxWindow* child : window->GetChildren()) collectText(child, out);
}

}  // namespace

TEST_F(MainWindowTest, SwitchingClient_LeavesNothingOfThePreviousOneOnAnyPage) {
    int64_t ollie = ClientStore(*store).search("bennett", 5)[0].id;
    int64_t zoe = ClientStore(*store).search("zoe", 5)[0].id;
    wxNotebook* pages = frame->workspace()->notebook();
    frame->openClient(ollie);
    pumpFor(100);
    for (size_t i = 0; i < pages->GetPageCount(); ++i) {
        pages->SetSelection(i);
        pumpFor(150);
    }
    // His signed follow-up with the family's addendum open in the editor.
    wxWindow* consultations = openPage(frame, ollie, "consultations-page");
    auto* notes = named<wxListCtrl>(consultations, "notes-list");
    ASSERT_NE(notes, nullptr);
    for (long row = 0; row < notes->GetItemCount(); ++row)
        if (notes->GetItemText(row, 2) == "signed +") notes->SetItemState(row, wxLIST_STATE_SELECTED, wxLIST_STATE_SELECTED);
    pumpFor(200);
    ASSERT_NE(named<wxStaticText>(consultations, "addenda")->GetLabel().Find("friend's house"), wxNOT_FOUND);
    // A refused diary week leaves a message on his Protocol page.
    wxWindow* protocol = openProtocolPage(frame, ollie);
    auto* grid = named<wxGrid>(protocol, "diary-grid");
    grid->SetCellValue(6, 2, "12");
    click(protocol->FindWindow("diary-save"));
    ASSERT_NE(named<wxStaticText>(protocol, "protocol-message")->GetLabel().Find("Nothing saved"), wxNOT_FOUND);

    frame->openClient(zoe);
    pumpFor(200);
    for (size_t i = 0; i < pages->GetPageCount(); ++i) {
        pages->SetSelection(i);
        pumpFor(200);
        std::string shown;
        collectText(pages->GetPage(i), shown);
        for (const char* his : {"Ollie", "Oliver", "Bennett", "Sarah", "friend's house", "Nothing saved"})
            EXPECT_EQ(shown.find(his), std::string::npos)
                << "\"" << his << "\" is still on Zoë's " << pages->GetPageText(i).utf8_string() << " page";
    }
}

namespace {

std::string bitmapBytes(wxWindow* window) {
    auto* shown = dynamic_cast<wxStaticBitmap*>(window);
    if (!shown) return {};
    wxImage image = shown->GetBitmap().ConvertToImage();
    return std::string(reinterpret_cast<const char*>(image.GetData()), size_t(image.GetWidth() * image.GetHeight() * 3));
}

}  // namespace

TEST_F(MainWindowTest, WritesFromAnotherProcess_ShowUpWithinTwoSeconds_AndTypedTextStays) {
    auto cli = [&](std::vector<std::string> args) {
        args.insert(args.begin(), {"--store", (dir / "n.db").string()});
        auto r = nourish::test::runProcess(NOURISH_CLI_PATH, args, {"NOURISH_PLUGIN_PATH="});
        EXPECT_EQ(r.exitCode, 0) << r.error;
        return r;
    };
    int64_t minh = ClientStore(*store).search("nguyen", 5)[0].id;
    wxWindow* page = openPage(frame, minh, "consultations-page");
    ASSERT_NE(page, nullptr);
    auto* notes = named<wxListCtrl>(page, "notes-list");
    for (long row = 0; row < notes->GetItemCount(); ++row)
        if (notes->GetItemText(row, 2) != "signed" && notes->GetItemText(row, 2) != "signed +")
            notes->SetItemState(row, wxLIST_STATE_SELECTED, wxLIST_STATE_SELECTED);
    pumpFor(200);
    wxTextCtrl* typing = nullptr;
    for (wxWindow* child : page->GetChildren())
        if (child->GetName().StartsWith("note-section-") && !typing) typing = dynamic_cast<wxTextCtrl*>(child);
    ASSERT_NE(typing, nullptr) << "Minh's draft is open";
    typing->SetFocus();
    typing->SetInsertionPointEnd();
    wxUIActionSimulator sim;
    sim.Text(" still typing");
    pumpFor(100);
    long appointments = named<wxListCtrl>(page, "appointments")->GetItemCount();

    cli({"client", "add", "--given", "Fresh", "--family", "Arrival", "--dob", "2025-05-05"});
    cli({"consult", "book", std::to_string(minh), "--at", notes::localToday() + " 23:00", "--minutes", "30",
         "--type", "review"});
    auto seen = [&] {
        bool listed = false;
        for (auto& c : frame->clientList()->clients()) listed |= c.familyName == "Arrival";
        return listed && named<wxListCtrl>(page, "appointments")->GetItemCount() == appointments + 1;
    };
    EXPECT_TRUE(pumpUntil(seen, 2000)) << "the new client and the booking are not shown after 2 s";
    EXPECT_NE(typing->GetValue().Find("still typing"), wxNOT_FOUND) << "what she typed was thrown away";
    EXPECT_EQ(typing, dynamic_cast<wxTextCtrl*>(page->FindWindow(typing->GetName()))) << "the editor was rebuilt under her";

    // The plan summary in view is drawn again when what it shows changes.
    wxWindow* summary = openPage(frame, minh, "summary-page");
    pumpFor(300);
    std::string before = bitmapBytes(summary->FindWindow("summary-page-1"));
    ASSERT_FALSE(before.empty());
    cli({"settings", "set", "practice.name", "Deep Roots Nutrition"});
    EXPECT_TRUE(pumpUntil([&] { return bitmapBytes(summary->FindWindow("summary-page-1")) != before; }, 2000))
        << "the preview still shows the old practice name";
}

TEST_F(MainWindowTest, SummaryPage_SectionsLeftOutForOneFamily_AreBackForTheNext_AndAPlanStartedElsewhereIsShown) {
    int64_t zoe = ClientStore(*store).search("zoe", 5)[0].id;
    int64_t maya = ClientStore(*store).search("patel", 5)[0].id;
    wxWindow* page = openPage(frame, zoe, "summary-page");
    auto* sections = named<wxCheckListBox>(page, "summary-sections");
    ASSERT_NE(sections, nullptr);
    for (unsigned i = 1; i < sections->GetCount(); ++i) sections->Check(i, false);
    page = openPage(frame, maya, "summary-page");
    for (unsigned i = 0; i < sections->GetCount(); ++i) EXPECT_TRUE(sections->IsChecked(i)) << i;

    // A plan started on the Protocol page: the summary shows it when brought back.
    pumpFor(200);
    std::string before = bitmapBytes(page->FindWindow("summary-page-1"));
    wxWindow* protocol = openProtocolPage(frame, maya);
    WhenOpen<> assign("assign-protocol", [&](wxDialog* dialog) {
        named<wxTextCtrl>(dialog, "start-date")->SetValue(wxString::FromUTF8(elim::isoDay(elim::today() - 3)));
        click(dialog->FindWindow(wxID_OK));
    });
    click(protocol->FindWindow("assign-protocol-button"));
    ASSERT_TRUE(pumpUntil([&] { return assign.done(); }, 8000));
    page = openPage(frame, maya, "summary-page");
    EXPECT_TRUE(pumpUntil([&] { return bitmapBytes(page->FindWindow("summary-page-1")) != before; }, 2500))
        << "the preview still says there is no plan";
}

TEST_F(MainWindowTest, SummaryPage_SaysWhatWasQueuedAndWhy_PointsOutASecondEmail_AndATestSavesNothing) {
    int64_t zoe = ClientStore(*store).search("zoe", 5)[0].id;
    wxWindow* page = openPage(frame, zoe, "summary-page");
    ASSERT_NE(page, nullptr);
    WhenOpen<> email("email-family", [&](wxDialog* dialog) {
        EXPECT_EQ(dialog->FindWindow("already-today"), nullptr) << "nothing was sent to Zoë's family yet";
        click(dialog->FindWindow(wxID_OK));
    });
    click(page->FindWindow("email-family-button"));
    ASSERT_TRUE(pumpUntil([&] { return email.done(); }, 8000));
    auto* message = named<wxStaticText>(page, "summary-message");
    pumpUntil([&] { return message->GetLabel().Find("Queued") != wxNOT_FOUND; }, 8000);
    std::string said = message->GetLabel().utf8_string();
    EXPECT_NE(said.find("Queued 1 email; they cannot be sent yet: smtp.host: is not set"), std::string::npos) << said;
    EXPECT_EQ(said.find("sent in the background"), std::string::npos) << said;
    EXPECT_EQ(said.find("nourish-cli"), std::string::npos) << "a GUI user is not sent to the command line: " << said;

    // The same family again today: pointed out.
    bool warned = false;
    WhenOpen<> again("email-family", [&](wxDialog* dialog) { warned = dialog->FindWindow("already-today") != nullptr; });
    click(page->FindWindow("email-family-button"));
    ASSERT_TRUE(pumpUntil([&] { return again.done(); }, 8000));
    EXPECT_TRUE(warned) << "a second summary the same day is pointed out";

    // Several families: each labelled by its own guardians' consent, and Zoë's as already queued.
    std::map<std::string, std::string> labels;
    WhenOpen<> bulk("bulk-email", [&](wxDialog* dialog) {
        auto* list = named<wxCheckListBox>(dialog, "bulk-clients");
        for (unsigned i = 0; i < list->GetCount(); ++i) {
            std::string label = list->GetString(i).utf8_string();
            labels[label.substr(0, label.find(' '))] = label;
        }
    });
    click(page->FindWindow("bulk-email-button"));
    ASSERT_TRUE(pumpUntil([&] { return bulk.done(); }, 8000));
    EXPECT_EQ(labels["Ollie"].find("no guardian consented"), std::string::npos) << labels["Ollie"];
    EXPECT_NE(labels["Freja"].find("no guardian consented"), std::string::npos) << labels["Freja"];
    EXPECT_NE(labels["Zoë"].find("already queued today"), std::string::npos) << labels["Zoë"];

    // A test email tries what is typed; Cancel keeps none of it.
    WhenOpen<> settings("email-settings", [&](wxDialog* dialog) {
        named<wxTextCtrl>(dialog, "smtp.host")->SetValue("127.0.0.1");
        named<wxTextCtrl>(dialog, "smtp.port")->SetValue("9");
        named<wxTextCtrl>(dialog, "smtp.from")->SetValue("hello@littleroots.example.org");
        wxWindow* test = dialog->FindWindow("smtp-test");
        wxCommandEvent pressed(wxEVT_BUTTON, test->GetId());
        pressed.SetEventObject(test);
        test->GetEventHandler()->ProcessEvent(pressed);
        click(dialog->FindWindow(wxID_CANCEL));
    });
    click(page->FindWindow("email-settings-button"));
    ASSERT_TRUE(pumpUntil([&] { return settings.done(); }, 15000));
    Statement kept(store->db(), "SELECT count(*) FROM plugin_settings WHERE key LIKE 'smtp.%'");
    ASSERT_TRUE(kept.step());
    EXPECT_EQ(kept.int64(0), 0) << "Cancel after a test email kept the server";
}

namespace {

int menuId(wxFrame* frame, const char* menu, const char* item) {
    return frame->GetMenuBar()->FindMenuItem(menu, wxString::FromUTF8(item));
}

}  // namespace

TEST_F(MainWindowTest, EveryFileDialogInTheStoresFolder_KeepsTheLocks_AndNoWriteIsLost) {
    nourish::test::DialogsInFolder dialogs(dir.path());
    auto openMenu = [&](const char* menu, const char* item) {
        int id = menuId(frame, menu, item);
        ASSERT_NE(id, wxNOT_FOUND) << item;
        frame->ProcessCommand(id);
    };
    openMenu("File", "Import clients from CSV…");
    openMenu("File", "Export clients to CSV…");
    openMenu("File", "Back up store…");
    {
        PluginManagerDialog manager(frame, *host);
        manager.Show();
        auto* install = manager.FindWindow("install-plugin");
        ASSERT_NE(install, nullptr);
        wxCommandEvent pressed(wxEVT_BUTTON, install->GetId());
        pressed.SetEventObject(install);
        install->GetEventHandler()->ProcessEvent(pressed);
        manager.Hide();
    }
    int64_t zoe = ClientStore(*store).search("zoe", 5)[0].id;
    for (const char* page : {"summary-page", "consultations-page"}) {
        wxWindow* shown = openPage(frame, zoe, page);
        ASSERT_NE(shown, nullptr) << page;
        const char* button = std::string(page) == "summary-page" ? "save-pdf-button" : "export-calendar-button";
        wxWindow* b = shown->FindWindow(button);
        ASSERT_NE(b, nullptr) << button;
        wxCommandEvent pressed(wxEVT_BUTTON, b->GetId());
        pressed.SetEventObject(b);
        b->GetEventHandler()->ProcessEvent(pressed);
    }
    size_t fileDialogs = 0;
    for (const std::string& t : dialogs.titles)
        if (t == "Import clients" || t == "Export clients" || t == "Back up the store" || t == "Install a plugin" ||
            t == "Save the plan summary" || t == "Save the calendar")
            ++fileDialogs;
    EXPECT_EQ(fileDialogs, 6u) << "every file dialog of the app and its plugins was opened";

    EXPECT_TRUE(store->filesIntact()) << "the app holds a deleted -wal or -shm after the dialogs";
    auto writeFromCli = [&](const char* given) {
        auto r = nourish::test::runProcess(NOURISH_CLI_PATH, {"--store", (dir / "n.db").string(), "client", "add",
                                                              "--given", given, "--family", "Writer", "--dob",
                                                              "2024-01-01"});
        ASSERT_EQ(r.exitCode, 0) << r.error;
    };
    writeFromCli("Cli");
    EXPECT_TRUE(store->filesIntact()) << "the other process deleted the WAL the app writes into";
    ClientStore(*store).create(nourish::test::child("Gui", "Writer"), Actor::currentUser("gui"));
    writeFromCli("Later");
    EXPECT_EQ(ClientStore(*store).search("writer", 10).size(), 3u) << "the app does not see the other writes";

    // Quit, then every write is in the file.
    frame->Close(true);
    pumpFor(100);
    host->shutdown();
    host.reset();
    store.reset();
    store = std::make_unique<Store>(dir / "n.db", Store::Open::ExistingOnly);
    EXPECT_EQ(ClientStore(*store).search("writer", 10).size(), 3u) << "a write was lost";
    EXPECT_TRUE(store->check().ok());
    host = std::make_unique<PluginHost>(*store, PluginHost::Options{});
    frame = new MainFrame(*store, *host);
    frame->Show();
}

TEST_F(MainWindowTest, AnExceptionReachingTheEventLoop_IsShownAndTheAppGoesOn) {
    // What the app's OnExceptionInMainLoop does with it (main.cpp).
    nourish::test::DialogsInFolder dialogs(dir.path());
    try {
        throw std::runtime_error("the test's own failure");
    } catch (...) {
        reportUnhandledException();
    }
    ASSERT_FALSE(dialogs.titles.empty()) << "the practitioner was told";
    EXPECT_NE(dialogs.titles.back().find("the test's own failure"), std::string::npos) << dialogs.titles.back();
    EXPECT_NE(dialogs.titles.back().find("Nothing half-done was kept"), std::string::npos);
    EXPECT_TRUE(frame->IsShown()) << "the app is still running";
    EXPECT_EQ(frame->clientList()->GetItemCount(), 12);
}

TEST_F(MainWindowTest, AStoreBusyForLongerThanTheTimeout_IsSaidWhenOpeningAClient_AndNothingCrashes) {
    int64_t zoe = ClientStore(*store).search("zoe", 5)[0].id;
    int64_t ollie = ClientStore(*store).search("bennett", 5)[0].id;
    frame->openClient(zoe);
    pumpFor(100);
    // Another program holds the write lock for longer than the busy timeout.
    std::string command = "sqlite3 " + nourish::test::shellQuote((dir / "n.db").string()) +
                          " 'BEGIN IMMEDIATE;' '.shell sleep 7' 'COMMIT;' >/dev/null 2>&1 &";
    ASSERT_EQ(std::system(command.c_str()), 0);
    pumpFor(500);
    nourish::test::DialogsInFolder dialogs(dir.path());
    frame->openClient(ollie);
    ASSERT_TRUE(pumpUntil([&] { return !dialogs.titles.empty(); }, 8000));
    EXPECT_NE(dialogs.titles.back().find("busy"), std::string::npos) << dialogs.titles.back();
    pumpFor(1800);
    EXPECT_EQ(frame->workspace()->clientId(), zoe) << "a client that could not be opened (and audited) is not shown";
    ASSERT_TRUE(pumpUntil([&] {
        try {
            frame->openClient(ollie);
            return frame->workspace()->clientId() == ollie;
        } catch (...) {
            return false;
        }
    }, 9000)) << "once the other program is done, the client opens";
}

namespace {

class TestApp : public wxApp {
public:
    bool OnInit() override { return true; }
    // As the app does (main.cpp).
    bool OnExceptionInMainLoop() override {
        nourish::reportUnhandledException();
        return true;
    }
};

}  // namespace

int main(int argc, char** argv) {
    // Listing the tests (ctest does, to run each in a process of its own)
    // needs no X server and starts no wx. Looked for before InitGoogleTest,
    // which takes the flags it knows out of argv.
    bool listing = false;
    for (int i = 1; i < argc; ++i) listing = listing || std::string(argv[i]).rfind("--gtest_list_tests", 0) == 0;
    ::testing::InitGoogleTest(&argc, argv);
    if (listing) return RUN_ALL_TESTS();
    prepareGuiEnvironment();
    setenv("GSETTINGS_BACKEND", "memory", 1);  // the file chooser's settings stay in the test
    // Secret settings are sealed with a key file under XDG_CONFIG_HOME: the
    // tests keep theirs in a folder of their own, never in the real home.
    nourish::test::TempDir config;
    setenv("XDG_CONFIG_HOME", config.path().c_str(), 1);
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

// A family written right to left: each name is isolated in the list (the
// comma between family and given name stays between them) and in the header.
TEST_F(MainWindowTest, ANameWrittenRightToLeft_IsIsolatedInTheListAndTheHeader) {
    Client c = test::child("سارا", "حداد");
    c.guardians.push_back(Guardian{0, "מרים לוי", std::string("mother"), std::string("miriam@example.org"), {}, false, {}, {}});
    int64_t id = ClientStore(*store).create(c, {"claire", "test"});
    ClientListView* list = frame->clientList();
    ASSERT_TRUE(pumpUntil([&] { return list->GetItemCount() == 13; }, 4000)) << "the new client is listed";
    long row = -1;
    for (long i = 0; i < list->GetItemCount(); ++i)
        if (list->clients()[size_t(i)].id == id) row = i;
    ASSERT_GE(row, 0);
    EXPECT_EQ(list->GetItemText(row, 0).utf8_string(), "\u200E\u2068حداد\u2069, \u2068سارا\u2069")
        << "a line of ours, left to right, with each name isolated";
    EXPECT_EQ(list->GetItemText(0, 0).utf8_string().find("\u2068"), std::string::npos) << "Latin names are left as they are";
    frame->workspace()->showClient(id);
    pumpFor(200);
    auto* guardians = dynamic_cast<wxStaticText*>(frame->workspace()->FindWindow("client-guardians"));
    ASSERT_NE(guardians, nullptr);
    EXPECT_EQ(guardians->GetLabel().utf8_string().rfind("\u200E\u2068מרים לוי\u2069 (mother)", 0), 0u)
        << guardians->GetLabel().utf8_string();
    snapshot(frame, "right-to-left-names");
}

TEST_F(MainWindowTest, ConsultationsPage_ANoteChangedOutsideNourish_IsShownInRed_AndLocked) {
    auto shell = [&](const std::string& sql) {
        auto r = nourish::test::runProcess("sqlite3", {"-bail", (dir / "n.db").string(), ".timeout 5000", sql});
        EXPECT_EQ(r.exitCode, 0) << r.error;
        return r.output;
    };
    std::string signedNote = shell("SELECT id || ' ' || client_id FROM notes_notes WHERE signed_at IS NOT NULL ORDER BY id LIMIT 1");
    int64_t noteId = std::stoll(signedNote), client = std::stoll(signedNote.substr(signedNote.find(' ') + 1));
    // Someone with a copy of the file and SQLite's shell, around the triggers.
    shell("DROP TRIGGER notes_notes_signed_update; DROP TRIGGER nourish_seal_update_notes_notes; "
          "UPDATE notes_notes SET answers = replace(answers, 'a', 'o') WHERE id = " + std::to_string(noteId));
    wxWindow* page = openPage(frame, client, "consultations-page");
    ASSERT_NE(page, nullptr);
    pumpFor(200);
    auto* list = named<wxListCtrl>(page, "notes-list");
    ASSERT_GT(list->GetItemCount(), 0);
    auto* state = named<wxStaticText>(page, "note-state");
    for (long row = 0; row < list->GetItemCount(); ++row) {
        list->SetItemState(row, wxLIST_STATE_SELECTED | wxLIST_STATE_FOCUSED, wxLIST_STATE_SELECTED | wxLIST_STATE_FOCUSED);
        pumpFor(150);
        if (state->GetLabel().Find("changed outside") != wxNOT_FOUND) break;
    }
    ASSERT_NE(state->GetLabel().Find("changed outside"), wxNOT_FOUND) << state->GetLabel().utf8_string();
    wxString said = state->GetLabel();
    said.Replace("\n", " ");
    EXPECT_NE(said.Find("never sent to the family"), wxNOT_FOUND) << said.utf8_string();
    EXPECT_EQ(state->GetForegroundColour(), nourish::wxui::kWarningInk) << "the warning is red";
    EXPECT_FALSE(named<wxButton>(page, "sign-note-button")->IsEnabled());
    EXPECT_FALSE(named<wxButton>(page, "addendum-button")->IsEnabled()) << "nothing is added to a changed note";
    bool marked = false;
    for (long row = 0; row < list->GetItemCount(); ++row) marked = marked || list->GetItemText(row, 2) == "changed!";
    EXPECT_TRUE(marked) << "the list marks the changed note";
    snapshot(frame, "consultations-tampered-note");
}

// The Growth page of a demo child whose weight falls across centile spaces:
// the flag with its rule, WHO's lines on the chart, the measurements with
// their z-scores. A measurement added in the dialog (refused first, with
// every problem, and nothing kept), then removed with a reason that the
// history and the audit log keep.
TEST_F(MainWindowTest, GrowthPage_ShowsTheFlagAndChart_AddsAndRemovesAMeasurement) {
    int64_t id = ClientStore(*store).search("nguyen", 5)[0].id;  // Minh, 10 months, faltering in the demo
    wxWindow* page = openPage(frame, id, "growth-page");
    ASSERT_NE(page, nullptr);
    pumpFor(200);
    bool fall = false;
    for (wxWindow* child : page->GetChildren())
        if (child->GetName() == "growth-flag" && child->GetLabel().Find("fell across") != wxNOT_FOUND) {
            fall = true;
            EXPECT_NE(child->GetToolTipText().Find("NICE NG75"), wxNOT_FOUND);
        }
    EXPECT_TRUE(fall) << "the demo's faltering child is flagged";
    auto* list = named<wxListCtrl>(page, "growth-list");
    ASSERT_NE(list, nullptr);
    int rows = list->GetItemCount();
    ASSERT_GE(rows, 20) << "weights, lengths and head circumferences from birth";
    EXPECT_EQ(list->GetItemText(0, 2), "weight") << "newest first";
    EXPECT_TRUE(list->GetItemText(0, 5).EndsWith("th")) << list->GetItemText(0, 5).utf8_string();
    EXPECT_NE(list->GetItemText(0, 4).Find("for length"), wxNOT_FOUND) << list->GetItemText(0, 4).utf8_string();
    EXPECT_NE(named<wxStaticText>(page, "growth-chart-source")->GetLabel().Find("World Health Organization, 2006"),
              wxNOT_FOUND);
    snapshot(frame, "growth-page");

    std::string problem;
    bool added = false;
    WhenOpen<> add("growth-add-dialog", [&](wxDialog* dialog) {
        named<wxTextCtrl>(dialog, "growth-weight")->SetValue("8,1");
        named<wxTextCtrl>(dialog, "growth-length")->SetValue("71.5");
        named<wxTextCtrl>(dialog, "growth-height")->SetValue("71.5");
        click(dialog->FindWindow(wxID_OK));
        problem = named<wxStaticText>(dialog, "dialog-problem")->GetLabel().utf8_string();
        ASSERT_TRUE(dialog->IsModal()) << "refused, and everything typed is still there";
        named<wxTextCtrl>(dialog, "growth-weight")->SetValue("8.1");
        named<wxTextCtrl>(dialog, "growth-height")->SetValue("");
        named<wxTextCtrl>(dialog, "growth-by")->SetValue("Claire");
        added = true;
        click(dialog->FindWindow(wxID_OK));
        if (dialog->IsModal()) problem += " / then: " + named<wxStaticText>(dialog, "dialog-problem")->GetLabel().utf8_string();
    });
    click(page->FindWindow("growth-add"));
    ASSERT_TRUE(pumpUntil([&] { return added && !wxWindow::FindWindowByName("growth-add-dialog"); }, 8000)) << problem;
    EXPECT_NE(problem.find("Weight: '8,1' is not a weight between 0.3 and 150 kg"), std::string::npos) << problem;
    EXPECT_NE(problem.find("Length and Height: one or the other"), std::string::npos) << problem;
    ASSERT_TRUE(pumpUntil([&] { return list->GetItemCount() == rows + 2; })) << list->GetItemCount();

    // The newest weight is today's 8.1 kg: select it and remove it.
    long newest = -1;
    for (long i = 0; i < list->GetItemCount() && newest < 0; ++i)
        if (list->GetItemText(i, 3) == "8.10 kg") newest = i;
    ASSERT_GE(newest, 0);
    list->SetItemState(newest, wxLIST_STATE_SELECTED, wxLIST_STATE_SELECTED);
    ASSERT_TRUE(pumpUntil([&] { return page->FindWindow("growth-remove")->IsEnabled(); }));
    std::string refused;
    bool removed = false;
    WhenOpen<> remove("growth-remove-dialog", [&](wxDialog* dialog) {
        click(dialog->FindWindow(wxID_OK));
        refused = named<wxStaticText>(dialog, "dialog-problem")->GetLabel().utf8_string();
        named<wxTextCtrl>(dialog, "growth-reason")->SetValue("weighed in his coat");
        removed = true;
        click(dialog->FindWindow(wxID_OK));
    });
    click(page->FindWindow("growth-remove"));
    ASSERT_TRUE(pumpUntil([&] { return removed && !wxWindow::FindWindowByName("growth-remove-dialog"); }, 8000));
    EXPECT_NE(refused.find("Reason: say why"), std::string::npos) << refused;
    ASSERT_TRUE(pumpUntil([&] { return list->GetItemCount() == rows + 1; })) << list->GetItemCount();
    bool audited = false;
    for (const AuditEvent& e : AuditLog(*store).forClient(id))
        if (e.action == "org.nourish.nutrition:growth.remove" && e.detail.find("weighed in his coat") != std::string::npos) audited = true;
    EXPECT_TRUE(audited);
}
