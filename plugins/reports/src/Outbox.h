// The durable outbox (table reports_outbox): a family's summary is queued as
// the complete message (recipient, Message-ID, subject, bodies, the PDF and
// its SHA-256) in one savepoint, then sent by one pass of the worker:
// 4xx and network trouble wait and try again (doubling delays, up to a give-up
// time), 5xx fails with the server's reply, a message caught between sending
// and being marked sent goes again once with the same Message-ID.
#pragma once

#include <optional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "Mail.h"
#include "nourish/plugin.hpp"

namespace reports {

struct OutboxItem {
    int64_t id = 0;
    int64_t clientId = 0;
    std::string recipient, recipientName, messageId, subject, pdfSha256;
    std::string status;  // queued, sending, sent, failed, cancelled
    int attempts = 0;
    std::string nextAttemptAt, lastError, createdAt, sentAt;
};

struct SendReport {
    int sent = 0, failed = 0, waiting = 0;
    std::vector<std::string> lines;  // one per message handled, for the practitioner
};

// A message on its way: read and marked `sending` on the main thread,
// transmitted on any thread (no store), then recorded on the main thread.
struct Pending {
    OutboxItem item;
    std::string sender, message;
    SendResult result;
    bool tried = false;
};

class Outbox {
public:
    explicit Outbox(nourish::Host host) : host_(host) {}
    // Reads these values instead of the stored settings (the email settings
    // dialog tries what is typed before anything is saved).
    using Values = std::map<std::string, std::string>;
    Outbox(nourish::Host host, Values typed) : host_(host), typed_(std::move(typed)) {}

    static std::string migrationsJson();

    // The summary for this client to each guardian who consented to email,
    // or only to those in `to` (each must be one of them), without the
    // sections in `without`. Throws BadInput naming the problem (no consenting
    // guardian, settings missing, a bad header value) before anything is queued.
    std::vector<int64_t> enqueueSummary(int64_t clientId, const std::vector<std::string>& to,
                                        const std::vector<std::string>& without = {});
    std::vector<OutboxItem> list() const;
    // One pass over what is due now: takeDue, transmit and record in turn.
    SendReport sendDue();
    // Up to `limit` due messages after `afterId`, marked sending (committed).
    std::vector<Pending> takeDue(int64_t afterId, int limit = 50);
    // Sends them over one connection (reconnecting if it breaks); a connection
    // that cannot be made leaves every message with the reason. No store.
    static void transmit(const SmtpConfig& config, std::vector<Pending>& batch);
    // What happened, in one savepoint; adds to the report.
    void record(std::vector<Pending>& batch, SendReport& report);
    // How many messages wait (queued or sending) and how many failed.
    std::pair<int, int> counts() const;
    // The newest summary queued or sent for this client on the local date
    // `day` (YYYY-MM-DD), if any: to point out a second one the same day.
    std::optional<OutboxItem> summaryOn(int64_t clientId, const std::string& day) const;
    void retry(int64_t id);
    void cancel(int64_t id);

    // The SMTP settings, checked: a bad one names its key.
    SmtpConfig smtpConfig() const;
    // The email templates in use (the settings, or the defaults), and a check
    // that each parses; throws BadInput naming the setting.
    struct Templates {
        std::string subject, text, html;
    };
    Templates templates() const;
    static void checkTemplates(const Templates& t);
    static Templates defaultTemplates();
    // Sends one short message now, outside the outbox; says what happened.
    std::string sendTest(const std::string& to);

private:
    std::string setting(const std::string& key, const std::string& fallback = {}) const;
    nourish::Host host_;
    Values typed_;
};

}  // namespace reports
