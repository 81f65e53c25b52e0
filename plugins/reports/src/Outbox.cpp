#include "Outbox.h"

#include "nourish/text.hpp"

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>
#include <kainjow/mustache.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <fstream>

#include "Composer.h"
#include "Pdf.h"

namespace reports {

using nlohmann::json;
using kainjow::mustache::data;
using kainjow::mustache::mustache;

namespace {

const char* kSubject = "{{child_given}}'s plan summary from {{practice}}";
const char* kText =
    "Dear {{guardian}},\n\n"
    "Attached is {{child_given}}'s plan summary, prepared on {{date}}. It covers:\n"
    "{{#sections}}\n  - {{title}}\n{{/sections}}\n\n"
    "If anything is unclear, reply to this email{{#phone}} or call {{phone}}{{/phone}}.\n\n"
    "Warm regards,\n{{practitioner}}\n{{practice}}\n";
const char* kHtml =
    "<!DOCTYPE html><html><body style=\"font-family: sans-serif; font-size: 15px; line-height: 1.5; color: #222;\">"
    "<p>Dear {{guardian}},</p>"
    "<p>Attached is {{child_given}}'s plan summary, prepared on {{date}}. It covers:</p>"
    "<ul>{{#sections}}<li>{{title}}</li>{{/sections}}</ul>"
    "<p>If anything is unclear, reply to this email{{#phone}} or call {{phone}}{{/phone}}.</p>"
    "<p>Warm regards,<br>{{practitioner}}<br>{{practice}}</p></body></html>";

std::string utcAt(std::time_t t) {
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buffer;
}
std::string utcNow() { return utcAt(std::time(nullptr)); }
std::time_t parseUtc(const std::string& text) {
    std::tm tm{};
    if (!strptime(text.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm)) return 0;
    return timegm(&tm);
}

std::string sha256Hex(const std::string& bytes) {
    Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
    engine.update(bytes.data(), static_cast<unsigned>(bytes.size()));
    return Poco::DigestEngine::digestToHex(engine.digest());
}

std::string render(const std::string& templ, const data& values, bool html, const std::string& key) {
    mustache m(templ);
    if (!m.is_valid()) throw BadInput(key + ": the template does not parse: " + m.error_message());
    if (!html) m.set_custom_escape([](const std::string& s) { return s; });  // plain text is not HTML
    return m.render(values);
}

int intSetting(const std::string& text, const std::string& key, int lo, int hi, int fallback) {
    if (text.empty()) return fallback;
    try {
        size_t used = 0;
        int v = std::stoi(text, &used);
        if (used == text.size() && v >= lo && v <= hi) return v;
    } catch (const std::exception&) {
    }
    throw BadInput(key + ": '" + text + "' is not a whole number from " + std::to_string(lo) + " to " + std::to_string(hi));
}

OutboxItem readItem(nourish::Statement& s) {
    OutboxItem i;
    i.id = s.int64(0);
    i.clientId = s.int64(1);
    i.recipient = s.text(2);
    i.recipientName = s.text(3);
    i.messageId = s.text(4);
    i.subject = s.text(5);
    i.pdfSha256 = s.text(6);
    i.status = s.text(7);
    i.attempts = int(s.int64(8));
    i.nextAttemptAt = s.text(9);
    i.lastError = s.text(10);
    i.createdAt = s.text(11);
    i.sentAt = s.text(12);
    return i;
}

const char* kColumns =
    "SELECT id, client_id, recipient, recipient_name, message_id, subject, pdf_sha256, status, attempts, "
    "next_attempt_at, last_error, created_at, coalesce(sent_at, '') FROM reports_outbox ";

}  // namespace

std::string Outbox::migrationsJson() {
    const char* v1 =
        "CREATE TABLE reports_outbox (id INTEGER PRIMARY KEY, client_id INTEGER NOT NULL, recipient TEXT NOT NULL, "
        "recipient_name TEXT NOT NULL, message_id TEXT NOT NULL UNIQUE, subject TEXT NOT NULL, "
        "sender TEXT NOT NULL, message BLOB NOT NULL, pdf BLOB NOT NULL, pdf_sha256 TEXT NOT NULL, "
        "status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'cancelled')), "
        "attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at TEXT NOT NULL, last_error TEXT NOT NULL DEFAULT '', "
        "created_at TEXT NOT NULL, created_by TEXT NOT NULL, sent_at TEXT);"
        "CREATE INDEX reports_outbox_due ON reports_outbox (status, next_attempt_at);";
    return json::array({{{"version", 1}, {"name", "the outbox"}, {"sql", v1}}}).dump();
}

std::string Outbox::setting(const std::string& key, const std::string& fallback) const {
    auto typed = typed_.find(key);
    std::string v = typed != typed_.end() ? typed->second : host_.setting(key);
    return v.empty() ? fallback : v;
}

SmtpConfig Outbox::smtpConfig() const {
    SmtpConfig c;
    c.host = setting("smtp.host");
    if (c.host.empty())
        throw BadInput(host_.source() == "gui" ? "smtp.host: is not set (Email settings… on the Plan summary page)"
                                               : "smtp.host: is not set (nourish-cli settings set smtp.host mail.example.org)");
    checkHeaderValue(c.host, "smtp.host");
    c.security = setting("smtp.security", "starttls");
    if (c.security != "starttls" && c.security != "tls" && c.security != "none")
        throw BadInput("smtp.security: '" + c.security + "' is not starttls, tls or none");
    c.port = intSetting(setting("smtp.port"), "smtp.port", 1, 65535, c.security == "tls" ? 465 : 587);
    c.user = setting("smtp.user");
    if (c.security == "none") {
        // A plan summary is a child's health record: in the clear only to this
        // computer, or where the practitioner said so knowing what it means.
        if (!c.user.empty())
            throw BadInput("smtp.security: none would send the password (smtp.user " + c.user +
                           ") unencrypted; a login is only ever sent over starttls or tls");
        bool loopback = c.host == "localhost" || c.host.rfind("127.", 0) == 0 || c.host == "::1" || c.host == "[::1]";
        if (!loopback && setting("smtp.allow_unencrypted") != "yes")
            throw BadInput("smtp.security: none sends the family's health data unencrypted across the network to " +
                           c.host + "; it is allowed only to this computer (localhost), or after " +
                           (host_.source() == "gui" ? std::string("confirming it in Email settings…")
                                                    : std::string("nourish-cli settings set smtp.allow_unencrypted yes")));
    }
    c.password = typed_.count("smtp.password") ? typed_.at("smtp.password") : host_.setting("smtp.password");
    c.caFile = setting("smtp.ca_file");
    if (!c.caFile.empty() && !std::ifstream(c.caFile)) throw BadInput("smtp.ca_file: cannot read " + c.caFile);
    c.timeout = std::chrono::seconds(intSetting(setting("smtp.timeout_s"), "smtp.timeout_s", 1, 600, 30));
    return c;
}

Outbox::Templates Outbox::templates() const {
    return {setting("email.subject", kSubject), setting("email.text", kText), setting("email.html", kHtml)};
}

Outbox::Templates Outbox::defaultTemplates() { return {kSubject, kText, kHtml}; }

void Outbox::checkTemplates(const Templates& t) {
    for (auto [text, key] : {std::pair{&t.subject, "email.subject"}, {&t.text, "email.text"}, {&t.html, "email.html"}}) {
        mustache m(*text);
        if (!m.is_valid()) throw BadInput(std::string(key) + ": the template does not parse: " + m.error_message());
    }
}

std::vector<int64_t> Outbox::enqueueSummary(int64_t clientId, const std::vector<std::string>& to,
                                            const std::vector<std::string>& without) {
    std::string from = setting("smtp.from", host_.setting("practice.email"));
    if (from.empty()) throw BadInput("smtp.from: is not set (the address families see the email come from)");
    try {
        checkAddress(from, "smtp.from");
    } catch (const MailInputError& e) {
        throw BadInput(e.what());
    }
    json client;
    try {
        client = json::parse(host_.client(clientId));
    } catch (const nourish::Error& e) {
        if (e.status() == NOURISH_NOT_FOUND) throw BadInput("client: there is no client with id " + std::to_string(clientId));
        throw;
    }
    // Recipients: guardians who consented to email; the others are named with the reason.
    struct Recipient {
        std::string name, address;
    };
    std::vector<Recipient> recipients;
    std::string refused;
    std::vector<std::string> unmatched = to;
    for (const json& g : client.value("guardians", json::array())) {
        std::string name = g.value("name", ""), email = g.value("email", "");
        bool consent = g.value("email_consent", false);
        if (!to.empty() && std::find(to.begin(), to.end(), email) == to.end()) continue;
        std::erase(unmatched, email);
        if (email.empty()) refused += (refused.empty() ? "" : "; ") + name + " has no email address";
        else if (!consent) refused += (refused.empty() ? "" : "; ") + name + " has not consented to email";
        else recipients.push_back({name, email});
    }
    if (!unmatched.empty()) throw BadInput("to: " + unmatched.front() + " is not the email of a guardian of this client");
    if (!to.empty() && !refused.empty()) throw BadInput("to: " + refused);
    if (recipients.empty())
        throw BadInput("to: nobody to send to (" + (refused.empty() ? std::string("no guardians") : refused) + ")");

    Composed composed = compose(host_, clientId, without);
    Pdf pdf = renderPdf(composed.report);
    std::string pdfHash = sha256Hex(pdf.bytes);
    std::string given = client.value("preferred_name", "");
    if (given.empty()) given = client.value("given_name", "");
    // Each piece of someone's text stands isolated in our sentences, so that a
    // name written right to left never moves the words around it.
    using nourish::text::isolated;
    data values;
    values.set("child", isolated(composed.clientName));
    values.set("child_given", isolated(given));
    values.set("practice", isolated(host_.setting("practice.name")));
    values.set("practitioner", isolated(host_.setting("practice.practitioner")));
    values.set("phone", isolated(host_.setting("practice.phone")));
    values.set("date", longDate(today()));
    data sections{data::type::list};
    for (const json& s : composed.report["sections"]) sections.push_back(data("title", isolated(s.value("title", ""))));
    values.set("sections", sections);
    std::string fromName = setting("smtp.from_name", host_.setting("practice.name"));

    std::vector<std::pair<Recipient, Envelope>> messages;
    for (const Recipient& r : recipients) {
        data v = values;
        v.set("guardian", isolated(r.name));
        Envelope e;
        e.fromAddress = from;
        e.fromName = fromName;
        e.toAddress = r.address;
        e.toName = r.name;
        e.subject = render(setting("email.subject", kSubject), v, false, "email.subject");
        e.text = render(setting("email.text", kText), v, false, "email.text");
        e.html = render(setting("email.html", kHtml), v, true, "email.html");
        e.attachmentName =
            "Plan summary " + nourish::text::withoutDirectionalControls(composed.clientName) + " " + today() + ".pdf";
        e.pdf = pdf.bytes;
        e.messageId = newMessageId(from);
        messages.emplace_back(r, std::move(e));
    }
    std::vector<std::string> built;
    try {
        for (auto& [r, e] : messages) built.push_back(buildMessage(e));
    } catch (const MailInputError& e) {
        throw BadInput(e.what());
    }
    // All or nothing: every message of this summary is queued, or none.
    std::vector<int64_t> ids;
    host_.savepoint([&] {
        std::string now = utcNow();
        for (size_t i = 0; i < messages.size(); ++i) {
            const auto& [r, e] = messages[i];
            auto insert = host_.prepare(
                "INSERT INTO reports_outbox (client_id, recipient, recipient_name, message_id, subject, sender, message, "
                "pdf, pdf_sha256, next_attempt_at, created_at, created_by) "
                "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?11)");
            insert.bind(1, clientId).bind(2, r.address).bind(3, r.name).bind(4, e.messageId).bind(5, e.subject);
            insert.bind(6, from).bindBlob(7, built[i]).bindBlob(8, pdf.bytes).bind(9, pdfHash).bind(10, now);
            insert.bind(11, host_.user());
            insert.step();
            ids.push_back(host_.lastInsertRowid());
            host_.audit(clientId, "report.email.queued",
                        json({{"outbox_id", ids.back()}, {"recipient", r.address}, {"message_id", e.messageId},
                              {"pdf_sha256", pdfHash}})
                            .dump());
        }
    });
    return ids;
}

namespace {
// "2026-12-01T22:30:00Z" -> the practitioner's local date of that moment.
std::string localDateOf(const std::string& utc) {
    std::tm tm{};
    if (!strptime(utc.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm)) return utc.substr(0, 10);
    std::time_t t = timegm(&tm);
    std::tm local{};
    localtime_r(&t, &local);
    char buffer[16];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%d", &local);
    return buffer;
}
}  // namespace

std::optional<OutboxItem> Outbox::summaryOn(int64_t clientId, const std::string& day) const {
    auto s = host_.prepare(std::string(kColumns) +
                           "WHERE client_id = ?1 AND status <> 'cancelled' ORDER BY id DESC LIMIT 20");
    s.bind(1, clientId);
    while (s.step()) {
        OutboxItem item = readItem(s);
        if (localDateOf(item.createdAt) == day) return item;
    }
    return std::nullopt;
}

std::vector<OutboxItem> Outbox::list() const {
    auto s = host_.prepare(std::string(kColumns) + "ORDER BY id DESC LIMIT 500");
    std::vector<OutboxItem> items;
    while (s.step()) items.push_back(readItem(s));
    return items;
}

void Outbox::retry(int64_t id) {
    auto s = host_.prepare("SELECT status, client_id FROM reports_outbox WHERE id = ?1");
    s.bind(1, id);
    if (!s.step()) throw BadInput("outbox: there is no message " + std::to_string(id));
    std::string status = s.text(0);
    if (status == "sent") throw BadInput("outbox: message " + std::to_string(id) + " was already sent");
    host_.savepoint([&] {
        host_.prepare("UPDATE reports_outbox SET status = 'queued', next_attempt_at = ?2, attempts = 0 WHERE id = ?1")
            .bind(1, id)
            .bind(2, utcNow())
            .step();
    });
}

void Outbox::cancel(int64_t id) {
    auto s = host_.prepare("SELECT status FROM reports_outbox WHERE id = ?1");
    s.bind(1, id);
    if (!s.step()) throw BadInput("outbox: there is no message " + std::to_string(id));
    if (s.text(0) == "sent") throw BadInput("outbox: message " + std::to_string(id) + " was already sent");
    host_.savepoint([&] {
        host_.prepare("UPDATE reports_outbox SET status = 'cancelled' WHERE id = ?1").bind(1, id).step();
    });
}

std::vector<Pending> Outbox::takeDue(int64_t afterId, int limit) {
    std::vector<Pending> batch;
    {
        auto s = host_.prepare(std::string(kColumns).replace(std::string(kColumns).find(" FROM"), 0, ", sender, message") +
                               "WHERE status IN ('queued', 'sending') AND next_attempt_at <= ?1 AND id > ?2 "
                               "ORDER BY id LIMIT ?3");
        s.bind(1, utcNow()).bind(2, afterId).bind(3, limit);
        while (s.step()) batch.push_back({readItem(s), s.text(13), s.blob(14), {}, false});
    }
    if (batch.empty()) return batch;
    // Marked before they leave: after a crash each goes again, once, with the
    // same Message-ID.
    host_.savepoint([&] {
        for (const Pending& p : batch)
            host_.prepare("UPDATE reports_outbox SET status = 'sending' WHERE id = ?1").bind(1, p.item.id).step();
    });
    return batch;
}

void Outbox::transmit(const SmtpConfig& config, std::vector<Pending>& batch) {
    std::unique_ptr<SmtpConnection> connection;
    std::string connectError;
    for (Pending& p : batch) {
        p.tried = true;
        if (!connection || !connection->usable()) {
            connection.reset();
            if (connectError.empty()) {
                try {
                    connection = std::make_unique<SmtpConnection>(config);
                } catch (const SmtpConnectError& e) {
                    // Fail closed: nothing is sent; this batch stops trying.
                    connectError = e.what();
                }
            }
            if (!connection) {
                p.result = {SendResult::Transient, connectError};
                continue;
            }
        }
        p.result = connection->send(p.sender, p.item.recipient, p.message);
    }
}

void Outbox::record(std::vector<Pending>& batch, SendReport& report) {
    int initial = intSetting(setting("outbox.retry_initial_s"), "outbox.retry_initial_s", 1, 86400, 60);
    int giveUpHours = intSetting(setting("outbox.give_up_after_h"), "outbox.give_up_after_h", 1, 24 * 60, 96);
    host_.savepoint([&] {
        std::time_t t = std::time(nullptr);
        for (Pending& d : batch) {
            if (!d.tried) continue;
            std::string who = "message " + std::to_string(d.item.id) + " to " + d.item.recipient;
            if (d.result.kind == SendResult::Sent) {
                host_.prepare("UPDATE reports_outbox SET status = 'sent', sent_at = ?2, attempts = attempts + 1, "
                              "last_error = '' WHERE id = ?1")
                    .bind(1, d.item.id)
                    .bind(2, utcAt(t))
                    .step();
                host_.audit(d.item.clientId, "report.email.sent",
                            json({{"outbox_id", d.item.id}, {"recipient", d.item.recipient},
                                  {"message_id", d.item.messageId}, {"pdf_sha256", d.item.pdfSha256}})
                                .dump());
                ++report.sent;
                report.lines.push_back(who + ": sent");
            } else if (d.result.kind == SendResult::Permanent) {
                host_.prepare("UPDATE reports_outbox SET status = 'failed', attempts = attempts + 1, last_error = ?2 "
                              "WHERE id = ?1")
                    .bind(1, d.item.id)
                    .bind(2, "the server refused it: " + d.result.reply)
                    .step();
                ++report.failed;
                report.lines.push_back(who + ": failed, the server refused it: " + d.result.reply);
            } else {
                int attempts = d.item.attempts + 1;
                bool giveUp = t - parseUtc(d.item.createdAt) >= std::time_t(giveUpHours) * 3600;
                double delay = double(initial) * std::pow(2.0, std::min(attempts - 1, 20));
                std::string reason =
                    giveUp ? "gave up after " + std::to_string(giveUpHours) + " h: " + d.result.reply : d.result.reply;
                host_.prepare("UPDATE reports_outbox SET status = ?2, attempts = ?3, next_attempt_at = ?4, "
                              "last_error = ?5 WHERE id = ?1")
                    .bind(1, d.item.id)
                    .bind(2, giveUp ? "failed" : "queued")
                    .bind(3, attempts)
                    .bind(4, utcAt(t + std::time_t(std::min(delay, 86400.0 * 7))))
                    .bind(5, reason)
                    .step();
                ++(giveUp ? report.failed : report.waiting);
                report.lines.push_back(who + (giveUp ? ": failed, " : ": will try again: ") + reason);
            }
        }
    });
}

SendReport Outbox::sendDue() {
    SendReport report;
    auto any = host_.prepare("SELECT 1 FROM reports_outbox WHERE status IN ('queued', 'sending') AND next_attempt_at <= ?1 LIMIT 1");
    any.bind(1, utcNow());
    if (!any.step()) return report;
    SmtpConfig config = smtpConfig();  // settings that are wrong stop the pass before anything is marked
    int64_t after = 0;
    for (;;) {
        std::vector<Pending> batch = takeDue(after);
        if (batch.empty()) break;
        after = batch.back().item.id;
        transmit(config, batch);
        record(batch, report);
    }
    return report;
}

std::pair<int, int> Outbox::counts() const {
    auto s = host_.prepare(
        "SELECT count(*) FILTER (WHERE status IN ('queued', 'sending')), count(*) FILTER (WHERE status = 'failed') "
        "FROM reports_outbox");
    s.step();
    return {int(s.int64(0)), int(s.int64(1))};
}

std::string Outbox::sendTest(const std::string& to) {
    std::string from = setting("smtp.from", host_.setting("practice.email"));
    Envelope e;
    e.fromAddress = from;
    e.fromName = setting("smtp.from_name", host_.setting("practice.name"));
    e.toAddress = to;
    e.subject = "Nourish test email";
    e.text = "This is a test from Nourish: email from this practice reaches you.\n";
    e.html = "<p>This is a test from Nourish: email from this practice reaches you.</p>";
    std::string message;
    try {
        checkAddress(from, "smtp.from");
        e.messageId = newMessageId(from);
        message = buildMessage(e);
    } catch (const MailInputError& ex) {
        throw BadInput(ex.what());
    }
    SmtpConfig config = smtpConfig();
    try {
        SmtpConnection connection(config);
        SendResult r = connection.send(from, to, message);
        if (r.kind != SendResult::Sent) throw BadInput("the server did not take the test email: " + r.reply);
    } catch (const SmtpConnectError& ex) {
        throw BadInput(ex.what());
    }
    return "sent a test email to " + to + " through " + config.host + ":" + std::to_string(config.port) + " (" +
           (config.security == "none" ? std::string("none: UNENCRYPTED, anyone on the network path can read it")
                                      : config.security) +
           ")";
}

}  // namespace reports
