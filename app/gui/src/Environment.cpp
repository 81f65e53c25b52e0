#include "nourish/gui/Environment.h"

#include <langinfo.h>
#include <wx/msgdlg.h>

#include <clocale>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <exception>
#include <iostream>
#include <string>

#include "nourish/core/Errors.h"

namespace nourish {

void prepareGuiEnvironment() {
    std::setlocale(LC_ALL, "");
    if (std::strcmp(nl_langinfo(CODESET), "UTF-8") != 0) {
        setenv("LC_ALL", "C.UTF-8", 1);
        std::setlocale(LC_ALL, "");
    }
    setenv("GDK_GL", "disable", 0);
}

void reportUnhandledException() {
    std::string what;
    bool store = false;
    try {
        throw;
    } catch (const StoreError& e) {
        what = e.what();
        store = true;
    } catch (const std::exception& e) {
        what = e.what();
    } catch (...) {
        what = "an error of unknown kind";
    }
    std::time_t now = std::time(nullptr);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
    std::cerr << "nourish: " << stamp << " unhandled error: " << what << std::endl;
    std::string text = "Nourish could not finish what it was doing:\n\n" + what +
                       "\n\nNothing half-done was kept: the change was undone as a whole." +
                       (store ? " If another program is using the caseload, wait a moment and try again." : "");
    wxMessageDialog dialog(nullptr, wxString::FromUTF8(text), "Something went wrong", wxOK | wxICON_ERROR);
    dialog.SetName("unhandled-error");
    dialog.ShowModal();
}

}  // namespace nourish
