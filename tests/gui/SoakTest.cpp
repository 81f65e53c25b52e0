// A minute of the app under load: the GUI (its own process, under Xvfb)
// saves diary weeks and opens a file dialog in the store's folder every few
// seconds while two command-line writers add clients, diary days and notes;
// in some rounds the GUI is killed with SIGKILL at a random moment. Every
// write that was acknowledged — exit 0 from the command line, "Saved" from
// the GUI — must be in the store afterwards, and `store check` must be clean.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <wx/app.h>
#include <wx/build.h>
#include <wx/dialog.h>
#include <wx/grid.h>
#include <wx/menu.h>
#include <wx/notebook.h>
#include <wx/stattext.h>
#include <wx/timer.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "Engine.h"
#include "ModalDialogs.h"
#include "nourish/core/ClientStore.h"
#include "nourish/core/Store.h"
#include "nourish/gui/ClientWorkspace.h"
#include "nourish/gui/Environment.h"
#include "nourish/gui/MainFrame.h"
#include "nourish/host/PluginHost.h"
#include "support/Process.h"
#include "support/TempDir.h"

using namespace nourish;
namespace fs = std::filesystem;

namespace {

// ---- the GUI, in a process of its own ----

// Appends one line and makes it durable before the write counts as reported.
void acknowledge(const fs::path& file, const std::string& line) {
    int fd = ::open(file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    std::string text = line + "\n";
    if (fd < 0 || ::write(fd, text.data(), text.size()) != ssize_t(text.size()) || ::fsync(fd) != 0) std::abort();
    ::close(fd);
}

class SoakApp : public wxApp {
public:
    SoakApp(fs::path store, fs::path acks, int seconds) : storePath_(std::move(store)), acks_(std::move(acks)), seconds_(seconds) {}

    bool OnInit() override {
        store_ = std::make_unique<Store>(storePath_, Store::Open::ExistingOnly);
        PluginHost::Options options;
        options.directories = {NOURISH_BUNDLED_PLUGINS};
        options.firstPartyDirectory = NOURISH_BUNDLED_PLUGINS;
        options.source = "gui";
        options.wxSignature = WX_BUILD_OPTIONS_SIGNATURE;
        host_ = std::make_unique<PluginHost>(*store_, options);
        host_->discover();
        host_->loadAll();
        frame_ = new MainFrame(*store_, *host_);
        frame_->Show();
        maya_ = ClientStore(*store_).search("patel", 1).at(0).id;
        frame_->openClient(maya_);
        wxNotebook* pages = frame_->workspace()->notebook();
        for (size_t i = 0; i < pages->GetPageCount(); ++i)
            if (pages->GetPage(i)->GetName() == "protocol-page") pages->SetSelection(i);
        page_ = pages->FindWindow("protocol-page");
        dialogs_ = std::make_unique<test::DialogsInFolder>(storePath_.parent_path(), 700);
        writes_.Bind(wxEVT_TIMER, [this](wxTimerEvent&) { saveDiary(); });
        writes_.Start(250);
        files_.Bind(wxEVT_TIMER, [this](wxTimerEvent&) { openFileDialog(); });
        files_.Start(2500);
        end_.Bind(wxEVT_TIMER, [this](wxTimerEvent&) {
            // No more typing once the window (and the page it types into) is going.
            writes_.Stop();
            files_.Stop();
            // A file dialog may still be open in its own event loop, on the
            // window's stack: end it first, and close the window once it has
            // returned (a window destroyed under its open dialog is not what
            // a practitioner can do, and crashes in the dialog's destructor).
            for (wxWindow* w : wxTopLevelWindows)
                if (auto* dialog = dynamic_cast<wxDialog*>(w); dialog && dialog->IsModal()) {
                    dialog->EndModal(wxID_CANCEL);
                    end_.StartOnce(200);
                    return;
                }
            frame_->Close(true);
        });
        end_.StartOnce(seconds_ * 1000);
        return true;
    }
    int OnExit() override {
        writes_.Stop();
        files_.Stop();
        dialogs_.reset();
        host_->shutdown();
        host_.reset();
        store_.reset();
        return wxApp::OnExit();
    }

private:
    // Types an itch score into one day of the diary week and presses Save,
    // as the practitioner does; acknowledged only when the page says "Saved".
    void saveDiary() {
        auto* grid = dynamic_cast<wxGrid*>(page_->FindWindow("diary-grid"));
        auto* save = page_->FindWindow("diary-save");
        auto* message = dynamic_cast<wxStaticText*>(page_->FindWindow("protocol-message"));
        if (!grid || !save || !message || grid->IsCellEditControlEnabled()) return;
        int row = int(count_ % 7);
        int itch = int(count_ % 11);
        ++count_;
        std::string day = elim::isoDay(elim::today() - 6 + row);
        acknowledge(acks_, "try " + day + " " + std::to_string(itch));
        grid->SetCellValue(row, 1, wxString::Format("%d", itch));
        wxCommandEvent pressed(wxEVT_BUTTON, save->GetId());
        pressed.SetEventObject(save);
        save->GetEventHandler()->ProcessEvent(pressed);
        if (message->GetLabel().StartsWith("Saved")) acknowledge(acks_, "saved " + day + " " + std::to_string(itch));
        // Writing into a -wal another process deleted loses every write after it.
        if (!store_->filesIntact()) acknowledge(acks_, "deleted " + day + " 0");
    }
    void openFileDialog() {
        int id = frame_->GetMenuBar()->FindMenuItem("File", wxString::FromUTF8("Export clients to CSV…"));
        if (id != wxNOT_FOUND) frame_->ProcessCommand(id);
    }

    fs::path storePath_, acks_;
    int seconds_;
    std::unique_ptr<Store> store_;
    std::unique_ptr<PluginHost> host_;
    MainFrame* frame_ = nullptr;
    wxWindow* page_ = nullptr;
    int64_t maya_ = 0;
    uint64_t count_ = 0;
    std::unique_ptr<test::DialogsInFolder> dialogs_;
    wxTimer writes_, files_, end_;
};

int runGui(const fs::path& store, const fs::path& acks, int seconds) {
    prepareGuiEnvironment();
    setenv("GSETTINGS_BACKEND", "memory", 1);  // the file chooser's settings stay in the test
    int argc = 1;
    char name[] = "gui_soak";
    char* argv[] = {name, nullptr};
    wxApp::SetInstance(new SoakApp(store, acks, seconds));
    return wxEntry(argc, argv);
}

// ---- the test ----

class SoakTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto r = cli({"store", "demo"});
        ASSERT_EQ(r.exitCode, 0) << r.error;
        Store store(dir / "n.db", Store::Open::ExistingOnly);
        zoe = ClientStore(store).search("zoe", 1).at(0).id;
        nourish::test::writeFile(dir / "soap.json", R"({"subjective": "Soak test note", "plan": "Keep the diary"})");
    }
    test::ProcessResult cli(std::vector<std::string> args) {
        args.insert(args.begin(), {"--store", (dir / "n.db").string()});
        return test::runProcess(NOURISH_CLI_PATH, args, {"NOURISH_PLUGIN_PATH="});
    }
    pid_t startGui(int seconds) {
        std::string self = fs::read_symlink("/proc/self/exe").string();
        std::vector<std::string> args{self, "--soak-gui", (dir / "n.db").string(), (dir / "acks").string(),
                                      std::to_string(seconds)};
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        pid_t pid = 0;
        EXPECT_EQ(posix_spawn(&pid, self.c_str(), nullptr, nullptr, argv.data(), environ), 0);
        return pid;
    }

    nourish::test::TempDir dir;
    int64_t zoe = 0;
};

}  // namespace

TEST_F(SoakTest, AMinuteOfWritersDialogsAndKills_LosesNoAcknowledgedWrite) {
    std::atomic<bool> running{true};
    std::mutex mutex;
    std::vector<std::string> clients;  // given names the command line was told were added
    std::set<std::string> diaryDays;   // Zoë's days the command line saved
    std::vector<int64_t> notes;        // note ids the command line added
    std::vector<std::string> failures;

    std::thread addClients([&] {
        for (int i = 0; running; ++i) {
            std::string given = "Soak" + std::to_string(i);
            auto r = cli({"client", "add", "--given", given, "--family", "Writer", "--dob", "2024-01-01"});
            std::lock_guard<std::mutex> lock(mutex);
            if (r.exitCode == 0) clients.push_back(given);
            else failures.push_back("client add: " + r.error);
        }
    });
    std::thread addDiaryAndNotes([&] {
        for (int i = 0; running; ++i) {
            if (i % 2 == 0) {
                std::string day = elim::isoDay(elim::today() - 40 - i / 2);
                nourish::test::writeFile(dir / "day.json", "{\"itch\": " + std::to_string(i % 10) + "}");
                auto r = cli({"diary", "add", std::to_string(zoe), "--date", day, "--answers", (dir / "day.json").string()});
                std::lock_guard<std::mutex> lock(mutex);
                if (r.exitCode == 0) diaryDays.insert(day);
                else failures.push_back("diary add: " + r.error);
            } else {
                auto r = cli({"note", "add", std::to_string(zoe), "--template", "org.nourish.notes.soap", "--answers",
                              (dir / "soap.json").string()});
                std::lock_guard<std::mutex> lock(mutex);
                if (r.exitCode == 0) notes.push_back(std::stoll(r.output.substr(r.output.find("note ") + 5)));
                else failures.push_back("note add: " + r.error);
            }
        }
    });

    // Rounds for a minute: every other one ends with SIGKILL at a random moment,
    // the others with the app closing itself.
    std::mt19937 random(20261201);
    int killed = 0, closed = 0;
    auto start = std::chrono::steady_clock::now();
    for (int round = 0; std::chrono::steady_clock::now() - start < std::chrono::seconds(60); ++round) {
        bool kill = round % 2 == 0;
        pid_t gui = startGui(12);
        int status = 0;
        if (kill) {
            std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(2500, 11000)(random)));
            if (::kill(gui, SIGKILL) == 0) ++killed;
            waitpid(gui, &status, 0);
        } else {
            waitpid(gui, &status, 0);
            EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "round " << round << ": status " << status;
            ++closed;
        }
    }
    running = false;
    addClients.join();
    addDiaryAndNotes.join();
    EXPECT_GE(killed, 2);
    EXPECT_GE(closed, 2);
    EXPECT_TRUE(failures.empty()) << failures.size() << " command-line writes failed, first: " << failures.front();

    Store store(dir / "n.db", Store::Open::ExistingOnly);
    ClientStore people(store);
    for (const std::string& given : clients) {
        Statement s(store.db(), "SELECT count(*) FROM clients WHERE given_name = ?1");
        s.bind(1, given);
        ASSERT_TRUE(s.step());
        EXPECT_EQ(s.int64(0), 1) << "client " << given << " was acknowledged, then lost";
    }
    for (const std::string& day : diaryDays) {
        Statement s(store.db(), "SELECT count(*) FROM elim_diary WHERE client_id = ?1 AND day = ?2");
        s.bind(1, zoe).bind(2, day);
        ASSERT_TRUE(s.step());
        EXPECT_EQ(s.int64(0), 1) << "Zoë's diary day " << day << " was acknowledged, then lost";
    }
    for (int64_t id : notes) {
        Statement s(store.db(), "SELECT count(*) FROM notes_notes WHERE id = ?1");
        s.bind(1, id);
        ASSERT_TRUE(s.step());
        EXPECT_EQ(s.int64(0), 1) << "note " << id << " was acknowledged, then lost";
    }
    // The GUI's diary saves: each day holds the last value it reported saved,
    // or one it tried after that (saved, then killed before it could say so).
    std::map<std::string, std::vector<std::pair<std::string, int>>> gui;  // day -> (try|saved, itch) in order
    std::istringstream acks(nourish::test::readFile(dir / "acks"));
    std::string kind, day;
    int itch = 0;
    size_t saved = 0;
    size_t deleted = 0;
    while (acks >> kind >> day >> itch) {
        if (kind == "deleted") ++deleted;
        else gui[day].emplace_back(kind, itch);
        saved += kind == "saved";
    }
    EXPECT_EQ(deleted, 0u) << "the GUI found itself writing into a deleted -wal or -shm";
    EXPECT_GT(saved, 40u) << "the GUI saved too little to test anything";
    int64_t maya = people.search("patel", 1).at(0).id;
    for (auto& [d, events] : gui) {
        std::optional<int> last;
        size_t after = 0;
        for (size_t i = 0; i < events.size(); ++i)
            if (events[i].first == "saved") last = events[i].second, after = i + 1;
        if (!last) continue;
        std::set<int> allowed{*last};
        for (size_t i = after; i < events.size(); ++i)
            if (events[i].first == "try") allowed.insert(events[i].second);
        Statement s(store.db(), "SELECT itch FROM elim_diary WHERE client_id = ?1 AND day = ?2");
        s.bind(1, maya).bind(2, d);
        ASSERT_TRUE(s.step()) << "Maya's diary day " << d << " was saved by the GUI, then lost";
        EXPECT_TRUE(allowed.count(int(s.real(0)))) << d << ": itch " << s.real(0) << ", last saved " << *last;
    }
    auto check = cli({"store", "check"});
    EXPECT_EQ(check.exitCode, 0) << check.output << check.error;
    std::cout << "soak: " << clients.size() << " clients, " << diaryDays.size() << " diary days, " << notes.size()
              << " notes from the command line; " << saved << " diary saves from the GUI; " << killed << " kills, " << closed
              << " closes\n";
}

int main(int argc, char** argv) {
    if (argc == 5 && std::string(argv[1]) == "--soak-gui") return runGui(argv[2], argv[3], std::stoi(argv[4]));
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
