// A real SMTP server on loopback for tests and benchmarks: Debian's aiosmtpd
// run by tests/plugins/reports/smtp_server.py, with a certificate authority
// and a server certificate made at test time by openssl.
#pragma once

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace nourish::test {

// Makes ca.pem, server.pem and server.key in `dir`, the server certificate
// naming `hostName` (and 127.0.0.1 when it is "localhost").
inline void makeCertificates(const std::filesystem::path& dir, const std::string& hostName) {
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "san.ext") << "subjectAltName=DNS:" << hostName
                                   << (hostName == "localhost" ? ",IP:127.0.0.1" : "") << "\n";
    auto run = [&](const std::string& command) {
        if (std::system(("cd '" + dir.string() + "' && " + command + " >/dev/null 2>&1").c_str()) != 0)
            throw std::runtime_error("openssl failed: " + command);
    };
    run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key -out ca.pem "
        "-days 2 -subj '/CN=Nourish Test CA'");
    run("openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout server.key -out server.csr "
        "-subj '/CN=" + hostName + "'");
    run("openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 "
        "-extfile san.ext");
}

class SmtpServer {
public:
    struct Options {
        std::string mode = "starttls";  // plain, starttls, tls, no-starttls
        std::filesystem::path certificates;  // from makeCertificates; empty: none
        std::string user, password;
        std::string replies;  // e.g. "451,451" or "550" or "stall"
    };

    SmtpServer(const std::filesystem::path& folder, const Options& o) : folder_(folder) {
        std::filesystem::create_directories(folder_ / "mail");
        std::vector<std::string> args = {"/usr/bin/python3", SMTP_SERVER_SCRIPT, "--mode", o.mode, "--dir",
                                         (folder_ / "mail").string(), "--port-file", (folder_ / "port").string()};
        if (!o.certificates.empty()) {
            args.insert(args.end(), {"--cert", (o.certificates / "server.pem").string(), "--key",
                                     (o.certificates / "server.key").string()});
        }
        if (!o.user.empty()) args.insert(args.end(), {"--user", o.user, "--password", o.password});
        if (!o.replies.empty()) args.insert(args.end(), {"--replies", o.replies});
        std::vector<char*> argv;
        for (std::string& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        if (posix_spawn(&pid_, argv[0], nullptr, nullptr, argv.data(), environ) != 0)
            throw std::runtime_error("could not start the SMTP server");
        for (int i = 0; i < 200 && !std::filesystem::exists(folder_ / "port"); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        std::ifstream in(folder_ / "port");
        if (!(in >> port_)) throw std::runtime_error("the SMTP server did not start (is python3-aiosmtpd installed?)");
    }
    ~SmtpServer() {
        if (pid_ > 0) {
            kill(pid_, SIGKILL);
            waitpid(pid_, nullptr, 0);
        }
    }
    int port() const { return port_; }
    // The messages accepted so far, in order.
    std::vector<std::filesystem::path> received() const {
        std::vector<std::filesystem::path> files;
        for (int i = 1; std::filesystem::exists(folder_ / "mail" / (std::to_string(i) + ".eml")); ++i)
            files.push_back(folder_ / "mail" / (std::to_string(i) + ".eml"));
        return files;
    }

private:
    std::filesystem::path folder_;
    pid_t pid_ = -1;
    int port_ = 0;
};

}  // namespace nourish::test
