#include "Commands.h"

#include "nourish/cli.hpp"

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>

#include <algorithm>
#include <filesystem>

#include "Composer.h"
#include "Outbox.h"
#include "Pdf.h"

namespace reports {

using nlohmann::json;

namespace {

const char* kUsage =
    "usage: nourish-cli report sections [--json]\n"
    "       nourish-cli report pdf CLIENT --out FILE.pdf [--force] [--without SECTION,SECTION]\n"
    "       nourish-cli report email CLIENT [--to EMAIL]   (queued; nourish-cli outbox send sends)\n"
    "Sections are named by id (e.g. last-consultation) or plugin/id. Email goes to\n"
    "the guardians who consented to it, or to one of them with --to.\n";
const char* kOutboxUsage =
    "usage: nourish-cli outbox list [--json]\n"
    "       nourish-cli outbox send            (one pass over what is due, then a report)\n"
    "       nourish-cli outbox retry ID | outbox cancel ID\n";
const char* kSmtpUsage = "usage: nourish-cli smtp test [--to EMAIL]   (default: the practice's own address)\n";

using Args = nourish::CommandArgs;

std::string sha256Hex(const std::string& bytes) {
    Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
    engine.update(bytes.data(), static_cast<unsigned>(bytes.size()));
    return Poco::DigestEngine::digestToHex(engine.digest());
}

std::vector<std::string> splitList(const std::string& text) {
    std::vector<std::string> items;
    size_t start = 0;
    while (start <= text.size()) {
        size_t end = text.find(',', start);
        if (end == std::string::npos) end = text.size();
        std::string item = text.substr(start, end - start);
        item.erase(0, item.find_first_not_of(' '));
        item.erase(item.find_last_not_of(' ') + 1);
        if (!item.empty()) items.push_back(item);
        start = end + 1;
    }
    return items;
}

int reportCommand(nourish::Host host, Args& a, const nourish::Output& out) {
    if (a.rest.empty()) throw BadInput("subcommand: missing");
    std::string sub = a.rest.front();
    a.rest.erase(a.rest.begin());
    bool asJson = a.flag("--json");
    if (sub == "sections") {
        a.expect(0, "report sections takes no arguments");
        json list = json::parse(host.reportSections());
        if (asJson) {
            out << list.dump(2) << "\n";
            return 0;
        }
        for (const json& s : list)
            out << s.value("id", "") << "  " << s.value("title", "") << "  (" << s.value("plugin", "") << ")\n";
        return 0;
    }
    if (sub == "pdf") {
        auto path = a.option("--out");
        if (!path) throw BadInput("--out: is required (the PDF file to write)");
        bool force = a.flag("--force");
        std::vector<std::string> without = splitList(a.option("--without").value_or(""));
        a.expect(1, "report pdf needs the client id");
        auto id = nourish::parseId(a.rest[0]);
        if (!id) throw BadInput("client: '" + a.rest[0] + "' is not a client id");
        nourish::checkOutputFile(host, "--out", *path, force);  // before the work: a refused path is said at once
        Composed composed = compose(host, *id, without);
        Pdf pdf = renderPdf(composed.report);
        nourish::writeOutputFile(host, "--out", *path, pdf.bytes, force);
        std::string hash = sha256Hex(pdf.bytes);
        host.audit(*id, "report.pdf",
                   json({{"sha256", hash}, {"bytes", pdf.bytes.size()}, {"pages", pdf.pages}, {"sections", composed.sections}})
                       .dump());
        for (const std::string& w : composed.warnings) out << "warning: " << w << "\n";
        out << "wrote " << std::to_string(pdf.pages) << " page" << (pdf.pages == 1 ? "" : "s") << " ("
            << std::to_string((pdf.bytes.size() + 1023) / 1024) << " KB) to " << *path << "; SHA-256 " << hash << "\n";
        return 0;
    }
    if (sub == "email") {
        auto to = a.option("--to");
        a.expect(1, "report email needs the client id");
        auto id = nourish::parseId(a.rest[0]);
        if (!id) throw BadInput("client: '" + a.rest[0] + "' is not a client id");
        auto ids = Outbox(host).enqueueSummary(*id, to ? std::vector<std::string>{*to} : std::vector<std::string>{});
        for (const OutboxItem& item : Outbox(host).list())
            if (std::find(ids.begin(), ids.end(), item.id) != ids.end())
                out << "queued message " << std::to_string(item.id) << " to " << item.recipientName << " <" << item.recipient
                    << ">, " << item.messageId << "\n";
        return 0;
    }
    throw BadInput("subcommand: unknown 'report " + sub + "'");
}

int outboxCommand(nourish::Host host, Args& a, const nourish::Output& out) {
    if (a.rest.empty()) throw BadInput("subcommand: missing");
    std::string sub = a.rest.front();
    a.rest.erase(a.rest.begin());
    bool asJson = a.flag("--json");
    Outbox outbox(host);
    if (sub == "list") {
        a.expect(0, "outbox list takes no arguments");
        auto items = outbox.list();
        if (asJson) {
            json list = json::array();
            for (const OutboxItem& i : items)
                list.push_back({{"id", i.id},           {"client_id", i.clientId},   {"recipient", i.recipient},
                                {"message_id", i.messageId}, {"subject", i.subject}, {"pdf_sha256", i.pdfSha256},
                                {"status", i.status},   {"attempts", i.attempts},    {"next_attempt_at", i.nextAttemptAt},
                                {"last_error", i.lastError}, {"created_at", i.createdAt}, {"sent_at", i.sentAt}});
            out << list.dump(2) << "\n";
            return 0;
        }
        if (items.empty()) out << "the outbox is empty\n";
        for (const OutboxItem& i : items)
            out << std::to_string(i.id) << "  " << i.status << "  " << i.recipient << "  " << i.subject
                << (i.lastError.empty() ? "" : "  (" + i.lastError + ")") << "\n";
        return 0;
    }
    if (sub == "send") {
        a.expect(0, "outbox send takes no arguments");
        SendReport r = outbox.sendDue();
        for (const std::string& line : r.lines) out << line << "\n";
        out << std::to_string(r.sent) << " sent, " << std::to_string(r.waiting) << " waiting to try again, "
            << std::to_string(r.failed) << " failed\n";
        return 0;
    }
    if (sub == "retry" || sub == "cancel") {
        a.expect(1, "outbox " + sub + " needs the message id");
        auto id = nourish::parseId(a.rest[0]);
        if (!id) throw BadInput("outbox: '" + a.rest[0] + "' is not a message id");
        if (sub == "retry") outbox.retry(*id);
        else outbox.cancel(*id);
        out << "message " << a.rest[0] << (sub == "retry" ? " will be sent on the next pass" : " cancelled") << "\n";
        return 0;
    }
    throw BadInput("subcommand: unknown 'outbox " + sub + "'");
}

int smtpCommand(nourish::Host host, Args& a, const nourish::Output& out) {
    if (a.rest.empty() || a.rest.front() != "test") throw BadInput("subcommand: use 'smtp test'");
    a.rest.erase(a.rest.begin());
    auto to = a.option("--to");
    a.expect(0, "smtp test takes only --to");
    std::string address = to ? *to : host.setting("practice.email");
    if (address.empty()) throw BadInput("--to: is required (no practice email is set)");
    out << Outbox(host).sendTest(address) << "\n";
    return 0;
}

}  // namespace

std::string commandsJson() {
    return json::array({{{"name", "report"}, {"summary", "a family's plan summary as a PDF or by email"}, {"usage", kUsage}},
                        // Sending commits each message's state as it goes: a crash never loses what was sent.
                        {{"name", "outbox"}, {"summary", "email waiting to go, sent or failed"}, {"usage", kOutboxUsage},
                         {"commits", "each"}},
                        {{"name", "smtp"}, {"summary", "check the email settings with a test message"}, {"usage", kSmtpUsage}}})
        .dump();
}

int runCommand(nourish::Host host, const std::string& command, const std::vector<std::string>& args,
               const nourish::Output& out, const nourish::Output& error) {
    Args a{args};
    const char* usage = command == "outbox" ? kOutboxUsage : command == "smtp" ? kSmtpUsage : kUsage;
    return nourish::runCommandBody<BadInput>(
        [&] {
            if (command == "report") return reportCommand(host, a, out);
            if (command == "outbox") return outboxCommand(host, a, out);
            if (command == "smtp") return smtpCommand(host, a, out);
            error << "unknown command " << command << "\n";
            return 2;
        },
        error, usage);
}

}  // namespace reports
