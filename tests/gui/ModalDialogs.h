#pragma once
// Modal dialogs answered for a test that cannot click them itself.
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <wx/app.h>
#include <wx/dialog.h>
#include <wx/filedlg.h>
#include <wx/modalhook.h>
#include <wx/msgdlg.h>
#include <wx/timer.h>

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace nourish::test {

// A native GTK message dialog runs its own loop: it is answered through GTK
// (already loaded by wx; gtk_dialog_response(dialog, GTK_RESPONSE_YES = -8)).
inline void answerYes(void* gtkDialog, int response = -8) {
    using Respond = void (*)(void*, int);
    static auto respond = reinterpret_cast<Respond>(dlsym(RTLD_DEFAULT, "gtk_dialog_response"));
    ASSERT_NE(respond, nullptr);
    respond(gtkDialog, response);
}

// Every modal dialog opened while it lives: a file chooser is pointed at
// `folder` and left open long enough for GTK to list it (and sniff the type
// of every file in it, the store's included), then cancelled; a message
// dialog is answered yes (or as `response` says).
class DialogsInFolder : public wxModalDialogHook {
public:
    explicit DialogsInFolder(std::filesystem::path folder, int closeAfterMs = 1500)
        : folder_(std::move(folder)), closeAfterMs_(closeAfterMs) {
        Register();
    }
    ~DialogsInFolder() override { Unregister(); }
    std::vector<std::string> titles;
    // How a message dialog is answered: GTK_RESPONSE_YES (-8), or _NO (-9).
    int response = -8;

protected:
    int Enter(wxDialog* dialog) override {
        if (open_[dialog]++ > 0) return wxID_NONE;  // a native dialog may pass through the hook twice
        if (auto* files = dynamic_cast<wxFileDialog*>(dialog)) {
            titles.push_back(files->GetMessage().utf8_string());
            files->SetDirectory(wxString::FromUTF8(folder_.string()));
            closeLater([files] { files->EndModal(wxID_CANCEL); });
        } else if (auto* message = dynamic_cast<wxMessageDialog*>(dialog)) {
            titles.push_back(message->GetMessage().utf8_string());
            closeLater([this, message] { answerYes(message->GetHandle(), response); });
        }
        return wxID_NONE;
    }
    void Exit(wxDialog* dialog) override {
        if (--open_[dialog] == 0) open_.erase(dialog);
    }

private:
    std::map<wxDialog*, int> open_;
    void closeLater(std::function<void()> close) {
        auto* timer = new wxTimer;
        timer->Bind(wxEVT_TIMER, [timer, close](wxTimerEvent&) {
            close();
            timer->Stop();
            wxTheApp->CallAfter([timer] { delete timer; });
        });
        timer->StartOnce(closeAfterMs_);
    }
    std::filesystem::path folder_;
    int closeAfterMs_;
};

}  // namespace nourish::test
