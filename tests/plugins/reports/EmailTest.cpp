// Emailing a family's summary through nourish-cli to a real SMTP server on
// loopback (aiosmtpd), over STARTTLS, implicit TLS and plain (testing only),
// and the failure matrix: no STARTTLS, a certificate for another host, 451
// twice, 550, a server that stops answering mid-DATA, header injection, a
// guardian without consent, a crash between sending and marking sent.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <ctime>

#include "SmtpServer.h"
#include "nourish/core/ClientStore.h"
#include "nourish/core/Database.h"
#include "nourish/core/Store.h"
#include "support/Clients.h"
#include "support/Process.h"
#include "support/TempDir.h"

using nlohmann::json;
using nourish::test::ProcessResult;
using nourish::test::runProcess;
using nourish::test::SmtpServer;

namespace {

// Reads a received message with Python's email package: the headers, the
// text, and the attachment's SHA-256 and first bytes.
const char* kReadMessage = R"(
import email, email.policy, hashlib, json, sys
m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default)
out = {'to': str(m['To']), 'from': str(m['From']), 'subject': str(m['Subject']), 'message_id': str(m['Message-ID']),
       'date': str(m['Date']), 'text': '', 'html': '', 'attachments': []}
for part in m.walk():
    if part.get_content_maintype() == 'multipart':
        continue
    if part.get_filename():
        data = part.get_payload(decode=True)
        out['attachments'].append({'name': part.get_filename(), 'sha256': hashlib.sha256(data).hexdigest(),
                                   'start': data[:5].decode('latin-1')})
    elif part.get_content_type() == 'text/plain':
        out['text'] = part.get_content()
    elif part.get_content_type() == 'text/html':
        out['html'] = part.get_content()
print(json.dumps(out))
)";

class EmailTest : public ::testing::Test {
protected:
    void SetUp() override {
        // The keys (the sealed password, the audit key) live under this
        // test's own config folder, for the commands and for this process.
        if (const char* v = std::getenv("XDG_CONFIG_HOME")) previousConfig = v;
        setenv("XDG_CONFIG_HOME", (dir / "config").c_str(), 1);
        auto r = cli({"store", "demo"});
        ASSERT_EQ(r.exitCode, 0) << r.error;
        nourish::Store store(dir / "n.db");
        ollie = nourish::ClientStore(store).search("bennett", 1)[0].id;
        freja = nourish::ClientStore(store).search("orsted", 1)[0].id;
    }
    void TearDown() override {
        if (previousConfig.empty()) unsetenv("XDG_CONFIG_HOME");
        else setenv("XDG_CONFIG_HOME", previousConfig.c_str(), 1);
    }
    std::string previousConfig;
    ProcessResult cli(std::vector<std::string> args) {
        args.insert(args.begin(), {"--store", (dir / "n.db").string()});
        return runProcess(NOURISH_CLI, args,
                          {"XDG_DATA_HOME=" + (dir / "xdg").string(), "XDG_CONFIG_HOME=" + (dir / "config").string(),
                           "NOURISH_PLUGIN_PATH="});
    }
    void set(const std::string& key, const std::string& value) {
        auto r = cli({"settings", "set", key, value});
        ASSERT_EQ(r.exitCode, 0) << key << ": " << r.error;
    }
    // The server and the settings that reach it.
    std::unique_ptr<SmtpServer> serve(SmtpServer::Options o, const std::string& security, const std::string& certHost = "localhost") {
        if (o.mode != "plain" && o.mode != "no-starttls") {
            nourish::test::makeCertificates(dir / "certs", certHost);
            o.certificates = dir / "certs";
        }
        auto server = std::make_unique<SmtpServer>(dir / "smtp", o);
        set("smtp.host", "localhost");
        set("smtp.port", std::to_string(server->port()));
        set("smtp.security", security);
        if (!o.certificates.empty()) set("smtp.ca_file", (dir / "certs" / "ca.pem").string());
        if (!o.user.empty()) {
            set("smtp.user", o.user);
            set("smtp.password", o.password);
        }
        set("smtp.timeout_s", "2");
        set("outbox.retry_initial_s", "1");
        return server;
    }
    json outbox() {
        auto r = cli({"outbox", "list", "--json"});
        EXPECT_EQ(r.exitCode, 0) << r.error;
        return r.exitCode == 0 ? json::parse(r.output) : json::array();
    }
    std::string send() {
        auto r = cli({"outbox", "send"});
        EXPECT_EQ(r.exitCode, 0) << r.error;
        return r.output;
    }
    json read(const std::filesystem::path& eml) {
        auto r = runProcess("/usr/bin/python3", {"-c", kReadMessage, eml.string()});
        EXPECT_EQ(r.exitCode, 0) << r.error;
        return r.exitCode == 0 ? json::parse(r.output) : json();
    }
    void queueOllie() {
        auto r = cli({"report", "email", std::to_string(ollie)});
        ASSERT_EQ(r.exitCode, 0) << r.error;
    }
    nourish::test::TempDir dir;
    int64_t ollie = 0, freja = 0;
};

}  // namespace

TEST_F(EmailTest, StartTlsWithAuthPlain_TheFamilyGetsTheirSummaryAndNobodyElses) {
    auto server = serve({"starttls", {}, "claire", "pa55 word", ""}, "starttls");
    queueOllie();
    json queued = outbox();
    ASSERT_EQ(queued.size(), 1u);
    EXPECT_EQ(queued[0]["status"], "queued");
    std::string report = send();
    EXPECT_NE(report.find("1 sent"), std::string::npos) << report;
    auto received = server->received();
    ASSERT_EQ(received.size(), 1u);
    json m = read(received[0]);
    EXPECT_EQ(m["to"], "Sarah Bennett <sarah.bennett@example.org>") << "a guardian of this child who consented";
    EXPECT_EQ(m["message_id"], outbox()[0]["message_id"]);
    EXPECT_FALSE(m["date"].get<std::string>().empty());
    EXPECT_NE(m["subject"].get<std::string>().find("Ollie"), std::string::npos);
    EXPECT_NE(m["text"].get<std::string>().find("Ollie"), std::string::npos);
    EXPECT_NE(m["html"].get<std::string>().find("Ollie&apos;s food plan</li>"), std::string::npos) << m["html"];
    ASSERT_EQ(m["attachments"].size(), 1u);
    EXPECT_EQ(m["attachments"][0]["start"], "%PDF-");
    EXPECT_EQ(m["attachments"][0]["sha256"], outbox()[0]["pdf_sha256"]) << "the bytes the plugin made, unchanged";
    std::string whole = m.dump();
    for (const char* other : {"Zoë", "Müller", "Nguy", "Freja", "Haddad", "Patel"})
        EXPECT_EQ(whole.find(other), std::string::npos) << other;
    EXPECT_EQ(outbox()[0]["status"], "sent");

    // The password is sealed in the store and never shown.
    nourish::Store store(dir / "n.db");
    nourish::Statement s(store.db(), "SELECT value FROM plugin_settings WHERE key = 'smtp.password'");
    ASSERT_TRUE(s.step());
    EXPECT_EQ(s.text(0).rfind("sealed:v2:", 0), 0u) << "sealed, bound to this store and key";
    EXPECT_EQ(s.text(0).find("pa55"), std::string::npos);
    auto shown = cli({"settings", "get", "smtp.password"});
    EXPECT_NE(shown.exitCode, 0);
    EXPECT_EQ(shown.output.find("pa55"), std::string::npos);
}

// A name written right to left stands inside our English sentences without
// moving them: each piece of someone's text is isolated (U+2068 ... U+2069)
// in the subject and both bodies; text without right-to-left letters is
// left exactly as it was. Nothing directional reaches the attachment's name.
TEST_F(EmailTest, ANameWrittenRightToLeft_IsIsolatedInTheSubjectAndBodies_LatinTextIsLeftAsItIs) {
    int64_t sara = 0;
    {
        nourish::Store store(dir / "n.db");
        nourish::Client c = nourish::test::child("سارا", "حداد");
        c.guardians.push_back(nourish::Guardian{0, "מרים לוי", std::string("mother"), std::string("miriam@example.org"), {},
                                                true, {}, std::string("guardian")});
        sara = nourish::ClientStore(store).create(c, {"claire", "test"});
    }
    auto server = serve({"starttls", {}, "claire", "pa55 word", ""}, "starttls");
    auto queued = cli({"report", "email", std::to_string(sara)});
    ASSERT_EQ(queued.exitCode, 0) << queued.error;
    queueOllie();
    send();
    auto received = server->received();
    ASSERT_EQ(received.size(), 2u);
    const std::string fsi = "\u2068", pdi = "\u2069";
    for (const auto& eml : received) {
        json m = read(eml);
        std::string subject = m["subject"], text = m["text"], html = m["html"], whole = m.dump(-1, ' ', false);
        ASSERT_EQ(m["attachments"].size(), 1u);
        std::string attachment = m["attachments"][0]["name"];
        for (const char* control : {"\u202A", "\u202B", "\u202C", "\u202D", "\u202E", "\u2066", "\u2067", "\u2068", "\u2069"})
            EXPECT_EQ(attachment.find(control), std::string::npos) << attachment;
        EXPECT_EQ(attachment.substr(attachment.size() - 4), ".pdf");
        if (m["to"].get<std::string>().find("miriam") != std::string::npos) {
            EXPECT_EQ(subject.rfind(fsi + "سارا" + pdi + "'s plan summary from ", 0), 0u) << subject;
            EXPECT_NE(text.find("Dear " + fsi + "מרים לוי" + pdi + ","), std::string::npos) << text;
            EXPECT_NE(text.find("Attached is " + fsi + "سارا" + pdi + "'s plan summary"), std::string::npos) << text;
            EXPECT_NE(html.find("Dear " + fsi + "מרים לוי" + pdi + ","), std::string::npos) << html;
            EXPECT_NE(attachment.find("سارا"), std::string::npos) << attachment;
        } else {
            EXPECT_EQ(subject.rfind("Ollie's plan summary from ", 0), 0u) << subject;
            EXPECT_EQ(whole.find(fsi), std::string::npos) << "nothing added to text without right-to-left letters";
        }
    }
}

TEST_F(EmailTest, ImplicitTls_AndPlainOnlyWhenChosen) {
    {
        auto server = serve({"tls", {}, "", "", ""}, "tls");
        queueOllie();
        send();
        EXPECT_EQ(server->received().size(), 1u);
    }
    std::filesystem::remove_all(dir / "smtp");
    auto plain = serve({"plain", {}, "", "", ""}, "none");
    queueOllie();
    send();
    EXPECT_EQ(plain->received().size(), 1u) << "no encryption, because the practitioner chose it";
    EXPECT_EQ(outbox()[0]["status"], "sent");
}

TEST_F(EmailTest, NoStartTls_NothingIsSentAndTheMessageStaysQueued) {
    auto server = serve({"no-starttls", {}, "", "", ""}, "starttls");
    queueOllie();
    send();
    EXPECT_TRUE(server->received().empty());
    json item = outbox()[0];
    EXPECT_EQ(item["status"], "queued");
    EXPECT_NE(item["last_error"].get<std::string>().find("does not offer STARTTLS"), std::string::npos) << item;

    // Still failing after the give-up time (one hour here): failed for good, with the reason.
    set("outbox.give_up_after_h", "1");
    {
        nourish::Store store(dir / "n.db");
        store.db().exec("UPDATE reports_outbox SET created_at = '2020-01-01T00:00:00Z', next_attempt_at = '2020-01-01T00:00:00Z'");
    }
    send();
    item = outbox()[0];
    EXPECT_EQ(item["status"], "failed");
    EXPECT_EQ(item["last_error"].get<std::string>().rfind("gave up after 1 h", 0), 0u) << item;
    EXPECT_TRUE(server->received().empty());
}

TEST_F(EmailTest, ACertificateForAnotherHost_NothingIsSent) {
    auto server = serve({"starttls", {}, "", "", ""}, "starttls", "mail.other.example");
    queueOllie();
    send();
    EXPECT_TRUE(server->received().empty());
    json item = outbox()[0];
    EXPECT_EQ(item["status"], "queued");
    EXPECT_NE(item["last_error"].get<std::string>().find("nothing was sent"), std::string::npos) << item;
}

TEST_F(EmailTest, Transient451Twice_ThenDeliveredExactlyOnce) {
    auto server = serve({"starttls", {}, "", "", "451,451"}, "starttls");
    set("outbox.retry_initial_s", "100");
    // Seconds from now until the message is due again.
    auto dueIn = [&] {
        std::tm tm{};
        strptime(outbox()[0]["next_attempt_at"].get<std::string>().c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
        return long(timegm(&tm) - std::time(nullptr));
    };
    auto timePasses = [&] {
        nourish::Store store(dir / "n.db");
        store.db().exec("UPDATE reports_outbox SET next_attempt_at = '2000-01-01T00:00:00Z'");
    };
    queueOllie();
    send();
    EXPECT_EQ(outbox()[0]["status"], "queued");
    EXPECT_NE(outbox()[0]["last_error"].get<std::string>().find("451"), std::string::npos);
    long first = dueIn();
    EXPECT_GT(first, 60);
    EXPECT_LE(first, 100) << "the first wait is retry_initial_s";
    send();  // not due yet
    EXPECT_EQ(outbox()[0]["attempts"], 1);
    timePasses();
    send();  // the second 451
    EXPECT_EQ(outbox()[0]["attempts"], 2);
    long second = dueIn();
    EXPECT_GT(second, 160);
    EXPECT_LE(second, 200) << "the wait doubles";
    timePasses();
    send();
    EXPECT_EQ(outbox()[0]["status"], "sent");
    EXPECT_EQ(server->received().size(), 1u);
    timePasses();
    send();
    EXPECT_EQ(server->received().size(), 1u) << "sent once";
}

TEST_F(EmailTest, Permanent550_FailsWithTheServersReply_NoRetry) {
    auto server = serve({"starttls", {}, "", "", "550"}, "starttls");
    queueOllie();
    std::string report = send();
    EXPECT_NE(report.find("1 failed"), std::string::npos) << report;
    json item = outbox()[0];
    EXPECT_EQ(item["status"], "failed");
    EXPECT_NE(item["last_error"].get<std::string>().find("550"), std::string::npos) << item;
    send();
    EXPECT_TRUE(server->received().empty());
    // She may send it again on purpose.
    ASSERT_EQ(cli({"outbox", "retry", std::to_string(item["id"].get<int64_t>())}).exitCode, 0);
    send();
    EXPECT_EQ(server->received().size(), 1u);
}

TEST_F(EmailTest, AServerThatStopsAnsweringMidData_TimesOut_OneDeliveryWithOneMessageId) {
    auto server = serve({"starttls", {}, "", "", "stall"}, "starttls");
    queueOllie();
    std::string first = send();
    EXPECT_NE(first.find("will try again"), std::string::npos) << first;
    EXPECT_EQ(outbox()[0]["status"], "queued");
    {
        nourish::Store store(dir / "n.db");  // the wait is over
        store.db().exec("UPDATE reports_outbox SET next_attempt_at = '2000-01-01T00:00:00Z'");
    }
    send();
    auto received = server->received();
    ASSERT_EQ(received.size(), 1u);
    EXPECT_EQ(read(received[0])["message_id"], outbox()[0]["message_id"]);
}

TEST_F(EmailTest, ACrashBetweenSendingAndMarkingSent_ResendsWithTheSameMessageId) {
    auto server = serve({"starttls", {}, "", "", ""}, "starttls");
    queueOllie();
    send();
    ASSERT_EQ(server->received().size(), 1u);
    {
        // As if the app died after the server took it and before it was marked.
        nourish::Store store(dir / "n.db");
        store.db().exec("UPDATE reports_outbox SET status = 'sending', sent_at = NULL");
    }
    send();
    auto received = server->received();
    ASSERT_EQ(received.size(), 2u);
    EXPECT_EQ(read(received[0])["message_id"], read(received[1])["message_id"]) << "the family's mail client sees one message";
    send();
    EXPECT_EQ(server->received().size(), 2u) << "at most once more";
}

TEST_F(EmailTest, HeaderInjectionAndGuardiansWithoutConsent_RefusedBeforeAnythingIsQueued) {
    auto server = serve({"starttls", {}, "", "", ""}, "starttls");
    set("email.subject", "Summary\r\nBcc: everyone@example.org");
    auto injected = cli({"report", "email", std::to_string(ollie)});
    EXPECT_EQ(injected.exitCode, 2);
    EXPECT_NE(injected.error.find("subject: holds a line break"), std::string::npos) << injected.error;
    set("email.subject", "Summary for {{child_given}}");
    set("smtp.from_name", "Claire\nBcc: x@example.org");
    EXPECT_EQ(cli({"report", "email", std::to_string(ollie)}).exitCode, 2);
    set("smtp.from_name", "Little Roots");

    auto noConsent = cli({"report", "email", std::to_string(freja)});
    EXPECT_EQ(noConsent.exitCode, 2);
    EXPECT_NE(noConsent.error.find("has not consented to email"), std::string::npos) << noConsent.error;
    auto stranger = cli({"report", "email", std::to_string(ollie), "--to", "someone@example.org"});
    EXPECT_EQ(stranger.exitCode, 2);
    EXPECT_NE(stranger.error.find("not the email of a guardian"), std::string::npos) << stranger.error;
    EXPECT_TRUE(outbox().empty()) << "nothing queued";
    send();
    EXPECT_TRUE(server->received().empty());
}

TEST_F(EmailTest, SmtpTestSaysWhatHappened) {
    auto server = serve({"starttls", {}, "", "", ""}, "starttls");
    auto ok = cli({"smtp", "test", "--to", "claire@example.org"});
    EXPECT_EQ(ok.exitCode, 0) << ok.error;
    EXPECT_EQ(server->received().size(), 1u);
    set("smtp.security", "sometimes");
    auto bad = cli({"smtp", "test", "--to", "claire@example.org"});
    EXPECT_EQ(bad.exitCode, 2);
    EXPECT_NE(bad.error.find("smtp.security: 'sometimes'"), std::string::npos) << bad.error;
}

TEST_F(EmailTest, Unencrypted_NeverWithAPassword_OnlyToThisComputerUnlessConfirmed_AndSaidEachTime) {
    auto plain = serve({"plain", {}, "", "", ""}, "none");
    auto local = cli({"smtp", "test", "--to", "claire@example.org"});
    EXPECT_EQ(local.exitCode, 0) << local.error;
    EXPECT_NE(local.output.find("UNENCRYPTED"), std::string::npos) << local.output;
    // A login is never sent in the clear: refused before any connection.
    set("smtp.user", "claire");
    set("smtp.password", "pa55 word");
    auto login = cli({"smtp", "test", "--to", "claire@example.org"});
    EXPECT_EQ(login.exitCode, 2);
    EXPECT_NE(login.error.find("would send the password (smtp.user claire) unencrypted"), std::string::npos) << login.error;
    EXPECT_EQ(plain->received().size(), 1u) << "only the first test reached the server";
    set("smtp.user", "");
    // Another computer: refused until the practitioner says so.
    set("smtp.host", "mail.example.invalid");
    auto away = cli({"smtp", "test", "--to", "claire@example.org"});
    EXPECT_EQ(away.exitCode, 2);
    EXPECT_NE(away.error.find("unencrypted across the network to mail.example.invalid"), std::string::npos) << away.error;
    EXPECT_NE(away.error.find("smtp.allow_unencrypted yes"), std::string::npos) << away.error;
    queueOllie();
    auto refused = cli({"outbox", "send"});
    EXPECT_EQ(refused.exitCode, 2);
    EXPECT_NE(refused.error.find("unencrypted across the network"), std::string::npos) << refused.error;
    EXPECT_EQ(outbox()[0]["status"], "queued") << "nothing left unencrypted for another computer";
    set("smtp.allow_unencrypted", "yes");
    auto confirmed = cli({"smtp", "test", "--to", "claire@example.org"});
    EXPECT_EQ(confirmed.error.find("unencrypted across the network"), std::string::npos) << "now it is only tried: "
                                                                                         << confirmed.error;
}

TEST_F(EmailTest, APasswordWhoseKeyIsMissing_FailsSayingSo_NeverSendsWithAnEmptyOne) {
    auto server = serve({"starttls", {}, "claire", "pa55 word", ""}, "starttls");
    std::filesystem::path key = dir / "config" / "nourish" / "secret.key";
    if (const char* xdg = std::getenv("XDG_CONFIG_HOME")) key = std::filesystem::path(xdg) / "nourish" / "secret.key";
    ASSERT_TRUE(std::filesystem::exists(key)) << key;
    std::filesystem::rename(key, key.string() + ".away");
    auto r = cli({"smtp", "test", "--to", "claire@example.org"});
    std::filesystem::rename(key.string() + ".away", key);
    EXPECT_NE(r.exitCode, 0) << r.output;
    EXPECT_NE(r.error.find("smtp.password could not be read"), std::string::npos) << r.error;
    EXPECT_NE(r.error.find("set it again"), std::string::npos) << r.error;
    EXPECT_TRUE(server->received().empty());
}
