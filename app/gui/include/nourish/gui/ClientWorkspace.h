#pragma once

#include <wx/panel.h>

#include <cstdint>
#include <vector>

#include "nourish/core/ClientStore.h"
#include "nourish/host/PluginHost.h"

class wxNotebook;
class wxStaticText;

namespace nourish {

// One client: a header (name, age, guardians) over a notebook whose pages
// come from plugins (nourish.ui.wx/1), ordered by their manifest hint.
class ClientWorkspace : public wxPanel {
public:
    ClientWorkspace(wxWindow* parent, Store& store, PluginHost& host);
    ~ClientWorkspace() override;

    // Opens a client: header, plugin pages, an audit "client.view" event.
    void showClient(int64_t clientId);
    // Re-reads the header after the client changed elsewhere.
    void refreshHeader();
    int64_t clientId() const { return clientId_; }
    wxNotebook* notebook() const { return notebook_; }
    // Destroys plugin pages; call before the plugins shut down.
    void destroyPages();

private:
    void createPages();

    Store& store_;
    PluginHost& host_;
    int64_t clientId_ = 0;
    wxStaticText* name_ = nullptr;
    wxStaticText* details_ = nullptr;
    wxStaticText* guardians_ = nullptr;
    wxNotebook* notebook_ = nullptr;
    struct Page {
        UiPage page;
        wxWindow* window;
    };
    std::vector<Page> pages_;
    bool pagesCreated_ = false;
};

}  // namespace nourish
