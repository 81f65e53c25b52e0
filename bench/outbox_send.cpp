// Sending 1,000 queued plan summaries over STARTTLS to a real SMTP server on
// loopback (aiosmtpd): one `outbox send` pass through the host, against raw
// Poco sending the same bytes over one STARTTLS session, in the same run.
#include <Poco/Net/Context.h>
#include <Poco/Net/SecureSMTPClientSession.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/RejectCertificateHandler.h>
#include <Poco/Net/StreamSocket.h>
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "SmtpServer.h"
#include "nourish/core/ClientStore.h"
#include "nourish/core/Database.h"
#include "nourish/core/Settings.h"
#include "nourish/core/Store.h"
#include "nourish/host/PluginHost.h"

namespace fs = std::filesystem;
using namespace nourish;

namespace {

constexpr int kMessages = 1000;

struct Fixture {
    fs::path dir;
    std::unique_ptr<Store> store;
    std::unique_ptr<PluginHost> host;
    std::unique_ptr<test::SmtpServer> server;
    std::optional<CliCommand> outbox, report;
    std::string message;  // one queued message, as sent
    double messageKB = 0;

    Fixture() {
        dir = fs::temp_directory_path() / ("nourish-bench-outbox-" + std::to_string(getpid()));
        fs::create_directories(dir);
        test::makeCertificates(dir / "certs", "localhost");
        test::SmtpServer::Options o;
        o.mode = "starttls";
        o.certificates = dir / "certs";
        server = std::make_unique<test::SmtpServer>(dir / "smtp", o);

        store = std::make_unique<Store>(dir / "n.db");
        PluginHost::Options options;
        options.directories = {NOURISH_BUNDLED_PLUGINS};
        options.firstPartyDirectory = NOURISH_BUNDLED_PLUGINS;
        host = std::make_unique<PluginHost>(*store, options);
        host->discover();
        host->loadAll();
        host->seedDemo();
        PluginSettings settings(*store, "org.nourish.reports");
        settings.set("smtp.host", "localhost");
        settings.set("smtp.port", std::to_string(server->port()));
        settings.set("smtp.ca_file", (dir / "certs" / "ca.pem").string());
        for (const CliCommand& c : host->cliCommands()) {
            if (c.name == "outbox") outbox = c;
            if (c.name == "report") report = c;
        }
        int64_t ollie = ClientStore(*store).search("bennett", 1)[0].id;
        run(*report, {"email", std::to_string(ollie)});
        // 999 more of the same summary, each with its own Message-ID.
        Transaction tx(store->db());
        Statement copy(store->db(),
                       "INSERT INTO reports_outbox (client_id, recipient, recipient_name, message_id, subject, sender, "
                       "message, pdf, pdf_sha256, next_attempt_at, created_at, created_by) SELECT client_id, recipient, "
                       "recipient_name, message_id || ?1, subject, sender, message, pdf, pdf_sha256, next_attempt_at, "
                       "created_at, created_by FROM reports_outbox WHERE id = 1");
        for (int i = 1; i < kMessages; ++i) {
            copy.reset();
            copy.bind(1, "." + std::to_string(i));
            copy.step();
        }
        tx.commit();
        Statement first(store->db(), "SELECT message FROM reports_outbox WHERE id = 1");
        first.step();
        message = first.text(0);
        messageKB = double(message.size()) / 1024;
    }
    ~Fixture() {
        host->shutdown();
        host.reset();
        store.reset();
        server.reset();
        fs::remove_all(dir);
    }
    std::string run(const CliCommand& c, const std::vector<std::string>& args) {
        std::string out, error;
        if (host->runCliCommand(c, args, out, error) != 0) throw std::runtime_error(error);
        return out;
    }
};

Fixture& fixture() {
    static Fixture f;
    return f;
}

void BM_OutboxSend1000(benchmark::State& state) {
    Fixture& f = fixture();
    std::string last;
    for (auto _ : state) {
        state.PauseTiming();
        f.store->db().exec("UPDATE reports_outbox SET status = 'queued', attempts = 0, sent_at = NULL");
        state.ResumeTiming();
        last = f.run(*f.outbox, {"send"});
    }
    if (last.find(std::to_string(kMessages) + " sent") == std::string::npos)
        state.SkipWithError(("not every message was sent: " + last.substr(last.rfind('\n', last.size() - 2) + 1)).c_str());
    state.counters["messages_per_s"] = benchmark::Counter(double(kMessages) * double(state.iterations()), benchmark::Counter::kIsRate);
    state.counters["KB_each"] = f.messageKB;
}

// Poco keeps the socket protected; the baseline wants TCP_NODELAY too.
struct RawSession : Poco::Net::SecureSMTPClientSession {
    using Poco::Net::SecureSMTPClientSession::SecureSMTPClientSession;
    using Poco::Net::SMTPClientSession::socket;
};

// Baseline: Poco alone, the same bytes, one STARTTLS session, no store.
void BM_RawPocoStartTls1000(benchmark::State& state) {
    Fixture& f = fixture();
    Poco::Net::initializeSSL();
    Poco::Net::Context::Ptr context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "",
                                                             (f.dir / "certs" / "ca.pem").string(),
                                                             Poco::Net::Context::VERIFY_STRICT, 9, false);
    Poco::SharedPtr<Poco::Net::InvalidCertificateHandler> reject = new Poco::Net::RejectCertificateHandler(false);
    Poco::Net::SSLManager::instance().initializeClient(nullptr, reject, context);
    for (auto _ : state) {
        RawSession session("localhost", Poco::UInt16(f.server->port()));
        session.socket().setNoDelay(true);
        session.login();
        session.startTLS(context);
        session.login();
        for (int i = 0; i < kMessages; ++i) {
            session.sendAddresses("hello@littleroots.example.org", {"sarah.bennett@example.org"});
            session.sendData();
            std::istringstream body(f.message);
            session.sendMessage(body);
            std::string ignored;
            session.sendCommand("RSET", ignored);
        }
        session.close();
    }
    state.counters["messages_per_s"] = benchmark::Counter(double(kMessages) * double(state.iterations()), benchmark::Counter::kIsRate);
}

}  // namespace

BENCHMARK(BM_OutboxSend1000)->Unit(benchmark::kMillisecond)->Iterations(1)->Repetitions(3)->UseRealTime();
BENCHMARK(BM_RawPocoStartTls1000)->Unit(benchmark::kMillisecond)->Iterations(1)->Repetitions(3)->UseRealTime();

BENCHMARK_MAIN();
