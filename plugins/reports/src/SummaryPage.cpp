#include "SummaryPage.h"

#include <wx/msgdlg.h>
#include <wx/app.h>
#include <wx/bitmap.h>
#include <wx/button.h>
#include <wx/checkbox.h>
#include <wx/checklst.h>
#include <wx/choice.h>
#include <wx/dialog.h>
#include <wx/filedlg.h>
#include <wx/image.h>
#include <wx/listctrl.h>
#include <wx/progdlg.h>
#include <wx/scrolwin.h>
#include <wx/sizer.h>
#include <wx/statbmp.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>
#include <wx/timer.h>
#include <wx/utils.h>

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>

#include <atomic>
#include <memory>
#include <thread>

#include "Composer.h"
#include "Outbox.h"
#include "Pdf.h"
#include "nourish/wx_dialogs.hpp"

namespace reports {

using nlohmann::json;

namespace {

using nourish::wxui::RowsDialog;
using nourish::wxui::escapeMarkup;
using nourish::wxui::u8;
const auto& str = nourish::wxui::utf8;
const wxColour& kWarning = nourish::wxui::kWarningInk;
const wxColour& kQuiet = nourish::wxui::kQuietInk;

std::string sha256Hex(const std::string& bytes) {
    Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
    engine.update(bytes.data(), static_cast<unsigned>(bytes.size()));
    return Poco::DigestEngine::digestToHex(engine.digest());
}

class SummaryPage : public wxScrolledWindow {
public:
    SummaryPage(wxWindow* parent, nourish::Host host) : wxScrolledWindow(parent), host_(host), timer_(this) {
        SetName("summary-page");
        SetScrollRate(FromDIP(12), FromDIP(12));
        auto* page = new wxBoxSizer(wxVERTICAL);
        title_ = new wxStaticText(this, wxID_ANY, "");
        title_->SetName("summary-title");
        page->Add(title_, 0, wxLEFT | wxRIGHT | wxTOP, FromDIP(10));
        auto* top = new wxBoxSizer(wxHORIZONTAL);
        for (auto [label, name, handler] :
             {std::tuple{"Save PDF…", "save-pdf-button", &SummaryPage::onSave},
              std::tuple{"Email to family…", "email-family-button", &SummaryPage::onEmail},
              std::tuple{"Several families…", "bulk-email-button", &SummaryPage::onBulk},
              std::tuple{"Outbox…", "outbox-button", &SummaryPage::onOutbox},
              std::tuple{"Email settings…", "email-settings-button", &SummaryPage::onSettings}}) {
            auto* b = new wxButton(this, wxID_ANY, label);
            b->SetName(name);
            b->Bind(wxEVT_BUTTON, [this, handler](wxCommandEvent&) { (this->*handler)(); });
            top->Add(b, 0, wxRIGHT, FromDIP(6));
        }
        page->Add(top, 0, wxEXPAND | wxALL, FromDIP(10));
        queue_ = new wxStaticText(this, wxID_ANY, "");
        queue_->SetName("outbox-status");
        page->Add(queue_, 0, wxLEFT | wxRIGHT, FromDIP(10));
        message_ = new wxStaticText(this, wxID_ANY, "");
        message_->SetName("summary-message");
        page->Add(message_, 0, wxLEFT | wxRIGHT | wxTOP, FromDIP(10));

        auto* columns = new wxBoxSizer(wxHORIZONTAL);
        auto* left = new wxBoxSizer(wxVERTICAL);
        auto* heading = new wxStaticText(this, wxID_ANY, "");
        heading->SetLabelMarkup("<b>Sections</b>");
        left->Add(heading, 0, wxBOTTOM, FromDIP(4));
        sections_ = new wxCheckListBox(this, wxID_ANY, wxDefaultPosition, FromDIP(wxSize(230, 140)));
        sections_->SetName("summary-sections");
        sections_->Bind(wxEVT_CHECKLISTBOX, [this](wxCommandEvent&) { preview(); });
        left->Add(sections_, 0, wxEXPAND);
        auto* hint = new wxStaticText(this, wxID_ANY, "Untick a section to leave it out of this summary.");
        hint->SetForegroundColour(kQuiet);
        hint->Wrap(FromDIP(230));
        left->Add(hint, 0, wxTOP, FromDIP(4));
        columns->Add(left, 0, wxRIGHT, FromDIP(14));
        pages_ = new wxBoxSizer(wxVERTICAL);
        columns->Add(pages_, 1, wxEXPAND);
        page->Add(columns, 1, wxEXPAND | wxALL, FromDIP(10));
        SetSizer(page);

        try {
            for (const json& s : json::parse(host_.reportSections())) {
                sectionIds_.push_back(s.value("plugin", "") + "/" + s.value("id", ""));
                sections_->Append(u8(s.value("title", "")));
                sections_->Check(sections_->GetCount() - 1);
            }
        } catch (const std::exception& e) {
            say(e.what(), true);
        }
        // The outbox is sent in the background: now and then, and after a queueing.
        Bind(wxEVT_TIMER, [this](wxTimerEvent&) { pump(); });
        timer_.Start(30000);
        CallAfter([this] { pump(); });
        changes_ = host_.subscribe("nourish.store.changed", [this](const std::string&) { followStore(); });
        // Brought to the front after the store changed behind it: redrawn first.
        Bind(wxEVT_IDLE, [this](wxIdleEvent& e) {
            if (stale_ && IsShownOnScreen()) preview();
            e.Skip();
        });
    }

    ~SummaryPage() override {
        timer_.Stop();
        *alive_ = false;
        if (worker_.joinable()) worker_.join();  // a message on the wire finishes (bounded by smtp.timeout_s)
    }

    void show(int64_t clientId) {
        if (clientId != clientId_) {
            // Sections left out of one family's summary are not left out of the next.
            for (unsigned i = 0; i < sections_->GetCount(); ++i) sections_->Check(i, true);
            report_.clear();
            say("");
        }
        clientId_ = clientId;
        preview();
    }

private:
    std::vector<std::string> without() const {
        std::vector<std::string> off;
        for (unsigned i = 0; i < sections_->GetCount() && i < sectionIds_.size(); ++i)
            if (!sections_->IsChecked(i)) off.push_back(sectionIds_[i]);
        return off;
    }

    void say(const std::string& text, bool problem = false) {
        message_->SetForegroundColour(problem ? kWarning : kQuiet);
        message_->SetLabel(u8(text));
        message_->Wrap(FromDIP(760));
        Layout();
    }

    // The pages, drawn from the same recording as the PDF, whenever anything
    // they show may have changed: when the store changes (redrawn at once if
    // the page is in view, else the next time it is).
    void followStore() {
        stale_ = true;
        if (IsShownOnScreen()) preview();
    }

    void preview() {
        stale_ = false;
        if (!clientId_) return;
        wxBusyCursor busy;
        Freeze();
        pages_->Clear(true);
        try {
            composed_ = compose(host_, clientId_, without());
            title_->SetLabelMarkup("<b>" + escapeMarkup(u8("Plan summary — " + composed_.clientName)) + "</b>");
            auto images = renderPageImages(composed_.report, FromDIP(100) / 100.0 * 0.9);
            if (previewAudited_ != clientId_) {
                // Looking at a family's summary is a view of their record (once per client shown).
                host_.audit(clientId_, "report.preview", json{{"pages", images.size()}}.dump());
                previewAudited_ = clientId_;
            }
            int n = 0;
            for (PageImage& p : images) {
                wxImage image(p.width, p.height, reinterpret_cast<unsigned char*>(p.rgb.data()), true);
                // The edge of the sheet.
                for (int x = 0; x < p.width; ++x) image.SetRGB(x, 0, 180, 184, 188), image.SetRGB(x, p.height - 1, 180, 184, 188);
                for (int y = 0; y < p.height; ++y) image.SetRGB(0, y, 180, 184, 188), image.SetRGB(p.width - 1, y, 180, 184, 188);
                auto* bitmap = new wxStaticBitmap(this, wxID_ANY, wxBitmap(image.Copy()));
                bitmap->SetName("summary-page-" + std::to_string(++n));
                pages_->Add(bitmap, 0, wxBOTTOM, FromDIP(12));
            }
            std::string warnings;
            for (const std::string& w : composed_.warnings) warnings += (warnings.empty() ? "" : "\n") + w;
            if (!report_.empty())
                // What was just done stays said when the pages are redrawn
                // because it changed the store (a queued email, a saved PDF).
                say(report_ + (warnings.empty() ? "" : "\n" + warnings), reportProblem_ || !warnings.empty());
            else
                say(warnings.empty() ? std::to_string(images.size()) + " page" + (images.size() == 1 ? "" : "s") +
                                           ", exactly as the PDF and the email attachment will be."
                                     : warnings,
                    !warnings.empty());
        } catch (const std::exception& e) {
            say(e.what(), true);
        }
        Thaw();
        Layout();
        FitInside();
    }

    void onSave() {
        if (!clientId_) return;
        std::string name = "Plan summary " + composed_.clientName + " " + today() + ".pdf";
        wxFileDialog save(this, "Save the plan summary", wxEmptyString, u8(name), "PDF (*.pdf)|*.pdf",
                          wxFD_SAVE | wxFD_OVERWRITE_PROMPT);
        if (save.ShowModal() != wxID_OK) return;
        savePdf(str(save.GetPath()));
    }

public:
    // Writes the PDF whole (a temporary file renamed), with its audit event.
    void savePdf(const std::string& path) {
        try {
            host_.checkFile(path, /*replace=*/true);
            Composed c = compose(host_, clientId_, without());
            Pdf pdf = renderPdf(c.report);
            host_.writeFile(path, pdf.bytes, /*replace=*/true);  // the file dialog asked before replacing
            std::string hash = sha256Hex(pdf.bytes);
            host_.savepoint([&] {
                host_.audit(clientId_, "report.pdf",
                            json({{"sha256", hash}, {"bytes", pdf.bytes.size()}, {"pages", pdf.pages}, {"sections", c.sections}})
                                .dump());
            });
            tell("Saved " + path + " (" + std::to_string(pdf.pages) + " pages).");
        } catch (const std::exception& e) {
            tell(e.what(), true);
        }
    }

private:
    void onEmail() {
        if (!clientId_) return;
        json client = json::parse(host_.client(clientId_));
        RowsDialog d(this, u8("Email the plan summary of " + composed_.clientName), "email-family");
        auto* intro = new wxStaticText(&d, wxID_ANY, "Send to:");
        d.sizer()->Insert(0, intro, 0, wxLEFT | wxRIGHT | wxTOP, FromDIP(12));
        std::vector<std::pair<wxCheckBox*, std::string>> boxes;
        size_t at = 1;
        for (const json& g : client.value("guardians", json::array())) {
            std::string name = g.value("name", ""), email = g.value("email", "");
            bool consent = g.value("email_consent", false) && !email.empty();
            std::string reason = email.empty() ? " — no email address" : consent ? "" : " — has not consented to email";
            auto* box = new wxCheckBox(&d, wxID_ANY, u8(name + (email.empty() ? "" : " <" + email + ">") + reason));
            box->SetName("recipient-" + std::to_string(boxes.size()));
            box->SetValue(consent);
            box->Enable(consent);  // shown, with the reason, but not to be chosen
            d.sizer()->Insert(at++, box, 0, wxLEFT | wxRIGHT | wxTOP, FromDIP(8));
            boxes.emplace_back(box, email);
        }
        if (auto earlier = Outbox(host_).summaryOn(clientId_, today())) {
            auto* again = new wxStaticText(&d, wxID_ANY,
                                           u8("A summary for this family was already " +
                                              std::string(earlier->status == "sent" ? "sent" : "queued") + " today (to " +
                                              earlier->recipient + "). Queue another only if the plan changed."));
            again->SetName("already-today");
            again->SetForegroundColour(kWarning);
            again->Wrap(FromDIP(480));
            d.sizer()->Insert(at++, again, 0, wxLEFT | wxRIGHT | wxTOP, FromDIP(10));
        }
        std::vector<int64_t> queued;
        d.finish([&] {
            std::vector<std::string> to;
            for (auto& [box, email] : boxes)
                if (box->IsEnabled() && box->GetValue()) to.push_back(email);
            if (to.empty()) throw BadInput("Choose at least one guardian who consented to email.");
            queued = Outbox(host_).enqueueSummary(clientId_, to, without());
        }, "Queue email", 520);
        if (d.ShowModal() != wxID_OK) return;
        sayQueued(int(queued.size()), "");
        pump();
    }

    // What was queued, and whether it can leave: "sent in the background"
    // only when the settings allow sending at all.
    void sayQueued(int queued, const std::string& notQueued) {
        std::string text = "Queued " + std::to_string(queued) + " email" + (queued == 1 ? "" : "s");
        bool problem = !notQueued.empty();
        try {
            Outbox(host_).smtpConfig();
            text += queued ? "; sent in the background (see Outbox…)." : ".";
        } catch (const std::exception& e) {
            text += std::string(queued ? "; they cannot be sent yet: " : "; nothing can be sent yet: ") + e.what() + ".";
            problem = true;
        }
        tell(text + notQueued, problem);
    }

    // Says what was just done, and keeps saying it through redraws of the
    // pages until the practitioner opens another client.
    void tell(const std::string& text, bool problem = false) {
        report_ = text;
        reportProblem_ = problem;
        say(text, problem);
    }

    void onBulk() {
        json clients = json::parse(host_.searchClients("", 1000));
        RowsDialog d(this, "Email summaries to several families", "bulk-email");
        auto* list = new wxCheckListBox(&d, wxID_ANY, wxDefaultPosition, FromDIP(wxSize(460, 260)));
        list->SetName("bulk-clients");
        std::vector<int64_t> ids;
        Outbox outbox(host_);
        std::string day = today();
        for (const json& c : clients) {
            int64_t id = c.value("id", int64_t(0));
            // The search list has no guardians: each family's own document says who consented.
            json full = json::parse(host_.client(id));
            bool any = false;
            for (const json& g : full.value("guardians", json::array()))
                any |= g.value("email_consent", false) && !g.value("email", "").empty();
            std::string given = c.value("preferred_name", "");
            if (given.empty()) given = c.value("given_name", "");
            std::string note = any ? "" : "  — no guardian consented to email";
            if (auto earlier = outbox.summaryOn(id, day))
                note += earlier->status == "sent" ? "  — already sent today" : "  — already queued today";
            list->Append(u8(given + " " + c.value("family_name", "") + note));
            ids.push_back(id);
        }
        d.sizer()->Insert(0, list, 1, wxEXPAND | wxALL, FromDIP(12));
        std::vector<size_t> chosen;
        d.finish([&] {
            for (unsigned i = 0; i < list->GetCount(); ++i)
                if (list->IsChecked(i)) chosen.push_back(i);
            if (chosen.empty()) throw BadInput("Tick the families to send their summaries to.");
        }, "Queue emails", 520);
        if (d.ShowModal() != wxID_OK) return;
        wxProgressDialog progress("Queuing summaries", "Composing…", int(chosen.size()), this,
                                  wxPD_APP_MODAL | wxPD_AUTO_HIDE | wxPD_CAN_ABORT);
        int done = 0, queued = 0;
        std::string skipped;
        for (size_t i : chosen) {
            if (!progress.Update(done, list->GetString(unsigned(i)))) break;
            try {
                queued += int(Outbox(host_).enqueueSummary(ids[i], {}).size());
            } catch (const std::exception& e) {
                skipped += "\n" + str(list->GetString(unsigned(i))) + ": " + e.what();
            }
            ++done;
        }
        progress.Update(int(chosen.size()));
        sayQueued(queued, skipped.empty() ? "" : "\nNot queued:" + skipped);
        pump();
    }

    void onOutbox() {
        wxDialog d(this, wxID_ANY, "Outbox", wxDefaultPosition, FromDIP(wxSize(860, 420)), wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER);
        d.SetName("outbox");
        auto* sizer = new wxBoxSizer(wxVERTICAL);
        auto* list = new wxListCtrl(&d, wxID_ANY, wxDefaultPosition, wxDefaultSize, wxLC_REPORT | wxLC_SINGLE_SEL);
        list->SetName("outbox-list");
        for (auto [title, width] : {std::pair{"", 40}, {"Status", 80}, {"To", 200}, {"Subject", 240}, {"Why", 260}})
            list->AppendColumn(title, wxLIST_FORMAT_LEFT, FromDIP(width));
        sizer->Add(list, 1, wxEXPAND | wxALL, FromDIP(10));
        auto* line = new wxStaticText(&d, wxID_ANY, "");
        sizer->Add(line, 0, wxLEFT | wxRIGHT, FromDIP(10));
        std::vector<OutboxItem> items;
        auto fill = [&] {
            list->DeleteAllItems();
            items = Outbox(host_).list();
            for (size_t i = 0; i < items.size(); ++i) {
                long row = list->InsertItem(long(i), u8(std::to_string(items[i].id)));
                list->SetItem(row, 1, u8(items[i].status));
                list->SetItem(row, 2, u8(items[i].recipient));
                list->SetItem(row, 3, u8(items[i].subject));
                list->SetItem(row, 4, u8(items[i].lastError));
                if (items[i].status == "failed") list->SetItemTextColour(row, kWarning);
            }
        };
        auto selected = [&]() -> const OutboxItem* {
            long row = list->GetNextItem(-1, wxLIST_NEXT_ALL, wxLIST_STATE_SELECTED);
            return row >= 0 && size_t(row) < items.size() ? &items[size_t(row)] : nullptr;
        };
        auto* buttons = new wxBoxSizer(wxHORIZONTAL);
        auto button = [&](const char* label, const char* name, std::function<void()> act) {
            auto* b = new wxButton(&d, wxID_ANY, label);
            b->SetName(name);
            b->Bind(wxEVT_BUTTON, [&, act](wxCommandEvent&) {
                try {
                    act();
                    line->SetForegroundColour(kQuiet);
                } catch (const std::exception& e) {
                    line->SetForegroundColour(kWarning);
                    line->SetLabel(u8(e.what()));
                }
                fill();
            });
            buttons->Add(b, 0, wxRIGHT, FromDIP(6));
        };
        button("Try again", "outbox-retry", [&] {
            if (auto* i = selected()) Outbox(host_).retry(i->id), line->SetLabel("It goes on the next pass.");
        });
        button("Cancel message", "outbox-cancel", [&] {
            if (auto* i = selected()) Outbox(host_).cancel(i->id), line->SetLabel("Cancelled.");
        });
        button("Send now", "outbox-send-now", [&] {
            wxBusyCursor busy;
            SendReport r = Outbox(host_).sendDue();
            line->SetLabel(wxString::Format("%d sent, %d waiting to try again, %d failed.", r.sent, r.waiting, r.failed));
        });
        buttons->AddStretchSpacer();
        buttons->Add(new wxButton(&d, wxID_OK, "Close"));
        sizer->Add(buttons, 0, wxEXPAND | wxALL, FromDIP(10));
        d.SetSizer(sizer);
        fill();
        d.ShowModal();
        updateQueue();
    }

    void onSettings() {
        RowsDialog d(this, "Email settings", "email-settings");
        auto text = [&](const char* label, const char* key, long style = 0) {
            auto* t = d.row(label, new wxTextCtrl(&d, wxID_ANY, style & wxTE_PASSWORD ? wxString() : u8(host_.setting(key)),
                                                  wxDefaultPosition, wxDefaultSize, style),
                            key);
            return t;
        };
        auto* hostName = text("Server", "smtp.host");
        auto* port = text("Port", "smtp.port");
        auto* security = d.row("Security", new wxChoice(&d, wxID_ANY), "smtp.security");
        security->Append("STARTTLS (port 587)");
        security->Append("TLS (port 465)");
        security->Append("No encryption (testing only)");
        std::string current = host_.setting("smtp.security");
        security->SetSelection(current == "tls" ? 1 : current == "none" ? 2 : 0);
        auto* user = text("User name", "smtp.user");
        auto* password = text("Password", "smtp.password", wxTE_PASSWORD);
        password->SetHint(host_.setting("smtp.password").empty() ? "not set" : "unchanged");
        auto* from = text("From address", "smtp.from");
        auto* fromName = text("From name", "smtp.from_name");
        auto* ca = text("Certificate authority file", "smtp.ca_file");
        auto* timeout = text("Timeout (seconds)", "smtp.timeout_s");
        Outbox::Templates current_templates = Outbox(host_).templates();
        auto* subject = d.row("Subject", new wxTextCtrl(&d, wxID_ANY, u8(current_templates.subject)), "email.subject");
        auto* bodyText = d.row("Message (text)", new wxTextCtrl(&d, wxID_ANY, u8(current_templates.text), wxDefaultPosition,
                                                               FromDIP(wxSize(-1, 110)), wxTE_MULTILINE),
                               "email.text");
        auto* bodyHtml = d.row("Message (HTML)", new wxTextCtrl(&d, wxID_ANY, u8(current_templates.html), wxDefaultPosition,
                                                               FromDIP(wxSize(-1, 80)), wxTE_MULTILINE),
                               "email.html");
        auto* fieldsHint = new wxStaticText(&d, wxID_ANY,
                                            "In the subject and messages: {{guardian}}, {{child}}, {{child_given}}, {{date}}, "
                                            "{{practice}}, {{practitioner}}, {{phone}}, and {{#sections}}{{title}}{{/sections}}.");
        fieldsHint->SetForegroundColour(kQuiet);
        fieldsHint->Wrap(FromDIP(500));
        d.sizer()->Add(fieldsHint, 0, wxLEFT | wxRIGHT | wxBOTTOM, FromDIP(12));
        auto* where = new wxStaticText(&d, wxID_ANY,
                                       u8("The password is sealed (AES-256) with a key kept outside the store, in the "
                                          "file ~/.config/nourish/secret.key, readable by you only. The desktop "
                                          "keyring is not used."));
        where->SetForegroundColour(kQuiet);
        where->Wrap(FromDIP(500));
        d.sizer()->Add(where, 0, wxLEFT | wxRIGHT, FromDIP(12));
        auto* test = new wxButton(&d, wxID_ANY, "Send a test email");
        test->SetName("smtp-test");
        d.sizer()->Add(test, 0, wxALL, FromDIP(12));
        static const char* modes[] = {"starttls", "tls", "none"};
        auto typed = [&] {
            Outbox::Values v{{"smtp.host", str(hostName->GetValue())},
                             {"smtp.port", str(port->GetValue())},
                             {"smtp.security", modes[std::max(0, security->GetSelection())]},
                             {"smtp.user", str(user->GetValue())},
                             {"smtp.from", str(from->GetValue())},
                             {"smtp.from_name", str(fromName->GetValue())},
                             {"smtp.ca_file", str(ca->GetValue())},
                             {"smtp.timeout_s", str(timeout->GetValue())}};
            if (!password->GetValue().empty()) v["smtp.password"] = str(password->GetValue());
            return v;
        };
        auto save = [&] {
            Outbox::checkTemplates({str(subject->GetValue()), str(bodyText->GetValue()), str(bodyHtml->GetValue())});
            Outbox::Values values = typed();
            values["smtp.allow_unencrypted"] = "";
            try {
                Outbox(host_, values).smtpConfig();
            } catch (const BadInput& e) {
                // None to another computer: asked, in words that say what it means.
                std::string hostName = values["smtp.host"];
                bool clear = values["smtp.security"] == "none" && values["smtp.user"].empty() &&
                             std::string(e.what()).find("unencrypted across the network") != std::string::npos;
                if (!clear) throw;
                wxMessageDialog ask(&d,
                                    u8("With security \"none\", every plan summary — a child's health record — "
                                       "crosses the network to " + hostName +
                                       " unencrypted, readable by anyone on the way. Use this only for a test "
                                       "server on your own network."),
                                    "Send without encryption?", wxYES_NO | wxNO_DEFAULT | wxICON_WARNING);
                ask.SetYesNoLabels("Send unencrypted", "Cancel");
                if (ask.ShowModal() != wxID_YES) throw BadInput("smtp.security: none was not confirmed; nothing was saved");
                values["smtp.allow_unencrypted"] = "yes";
            }
            Outbox(host_, values).smtpConfig();  // a wrong value names its setting, and nothing is kept
            host_.savepoint([&] {
                // A template left as shipped stays unset, so that it follows the shipped one.
                Outbox::Templates shipped = Outbox::defaultTemplates();
                auto keep = [](const wxString& text, const std::string& original) {
                    std::string value = str(text);
                    return value == original ? std::string() : value;
                };
                host_.setSetting("email.subject", keep(subject->GetValue(), shipped.subject));
                host_.setSetting("email.text", keep(bodyText->GetValue(), shipped.text));
                host_.setSetting("email.html", keep(bodyHtml->GetValue(), shipped.html));
                for (auto& [key, value] : values) host_.setSetting(key, value);
            });
        };
        test->Bind(wxEVT_BUTTON, [&](wxCommandEvent&) {
            // What is typed is tried as it is; only Save keeps it.
            try {
                wxBusyCursor busy;
                Outbox trial(host_, typed());
                std::string to = host_.setting("practice.email");
                if (to.empty()) to = str(from->GetValue());
                d.say(u8(trial.sendTest(to) + ". Nothing is saved until you press Save."), false);
            } catch (const std::exception& e) {
                d.say(u8(e.what()), true);
            }
        });
        d.finish(save, "Save", 520);
        if (d.ShowModal() == wxID_OK) tell("Email settings saved.");
        pump();
    }

    void updateQueue() {
        try {
            auto [waiting, failed] = Outbox(host_).counts();
            wxString text;
            if (waiting || failed)
                text = wxString::Format("Outbox: %d waiting%s%s", waiting, failed ? wxString::Format(", %d failed", failed) : wxString(),
                                        sending_ ? " (sending…)" : "");
            queue_->SetForegroundColour(failed ? kWarning : kQuiet);
            queue_->SetLabel(text);
            host_.setStatus(str(text));  // the app's status bar shows the queue too
        } catch (const std::exception&) {
        }
    }

    // One background pass: the due messages are read and marked here, sent on
    // a worker thread (no store there), and recorded back here.
    void pump() {
        updateQueue();
        if (sending_) return;
        if (worker_.joinable()) worker_.join();
        std::vector<Pending> batch;
        SmtpConfig config;
        try {
            if (Outbox(host_).counts().first == 0) return;
            config = Outbox(host_).smtpConfig();
            batch = Outbox(host_).takeDue(0);
        } catch (const std::exception& e) {
            queue_->SetLabel(queue_->GetLabel() + u8("  — not sending: " + std::string(e.what())));
            return;
        }
        if (batch.empty()) return;
        sending_ = true;
        updateQueue();
        auto shared = std::make_shared<std::vector<Pending>>(std::move(batch));
        auto alive = alive_;
        worker_ = std::thread([this, shared, config, alive] {
            Outbox::transmit(config, *shared);
            wxTheApp->CallAfter([this, shared, alive] {
                if (!*alive) return;  // the page closed; the messages go again next time, same Message-ID
                SendReport report;
                try {
                    Outbox(host_).record(*shared, report);
                } catch (const std::exception& e) {
                    tell(e.what(), true);
                }
                sending_ = false;
                updateQueue();
                if (report.sent + report.failed + report.waiting > 0 && (report.failed || report.waiting))
                    tell(report.lines.back(), true);
                if (report.sent == int(shared->size())) pump();  // more may be due
            });
        });
    }

    nourish::Host host_;
    wxTimer timer_;
    int64_t clientId_ = 0;
    int64_t previewAudited_ = 0;  // the client whose preview was last recorded as viewed
    bool stale_ = false;
    std::string report_;  // what was last done for this client (tell)
    bool reportProblem_ = false;
    nourish::Subscription changes_;
    Composed composed_;
    std::vector<std::string> sectionIds_;
    wxStaticText *title_, *queue_, *message_;
    wxCheckListBox* sections_;
    wxBoxSizer* pages_;
    std::thread worker_;
    bool sending_ = false;
    std::shared_ptr<std::atomic<bool>> alive_ = std::make_shared<std::atomic<bool>>(true);
};

}  // namespace

wxWindow* createSummaryPage(wxWindow* parent, nourish::Host host) { return new SummaryPage(parent, host); }

void showSummaryClient(wxWindow* page, int64_t clientId) {
    if (auto* p = dynamic_cast<SummaryPage*>(page)) p->show(clientId);
}

}  // namespace reports
