// A native page in the client workspace, for the GUI tests.
#include <wx/defs.h>
#include <wx/build.h>
#include <wx/panel.h>
#include <wx/sizer.h>
#include <wx/stattext.h>

#include "nourish/plugin.hpp"

namespace {
class UiPagePlugin : public nourish::Plugin {
public:
    std::string uiPagesJson() const override { return R"([{"id": "test", "title": "Test page", "order": 50}])"; }
    void* createPage(const std::string&, void* parent) override {
        auto* panel = new wxPanel(static_cast<wxWindow*>(parent));
        panel->SetName("test-page");
        auto* label = new wxStaticText(panel, wxID_ANY, "no client");
        label->SetName("test-page-label");
        auto* sizer = new wxBoxSizer(wxVERTICAL);
        sizer->Add(label, 0, wxALL, 10);
        panel->SetSizer(sizer);
        return static_cast<wxWindow*>(panel);
    }
    void showClient(const std::string&, void* page, int64_t clientId) override {
        auto* panel = static_cast<wxWindow*>(page);
        if (auto* label = dynamic_cast<wxStaticText*>(panel->FindWindow("test-page-label")))
            label->SetLabel(wxString::Format("client %lld", static_cast<long long>(clientId)));
    }
};
}  // namespace

NOURISH_PLUGIN(UiPagePlugin, "org.nourish.test.ui-page", "UI page test plugin", "1.0.0", "Nourish tests")
