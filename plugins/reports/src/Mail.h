// Email for the family: the message built whole (MIME, ready to send again
// byte for byte), header values checked before anything is built, and the
// SMTP conversation with the server (STARTTLS or implicit TLS, verified, with
// timeouts). No store here: the outbox keeps what this builds.
#pragma once

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace reports {

// A header value that would break the message (CR, LF or NUL), an address
// that is not one: refused before a message is built. Names the field.
struct MailInputError : std::invalid_argument {
    using std::invalid_argument::invalid_argument;
};

struct Envelope {
    std::string fromAddress, fromName;
    std::string toAddress, toName;
    std::string subject;
    std::string text, html;
    std::string attachmentName;  // e.g. "Plan summary Zoë Müller.pdf"
    std::string pdf;             // the bytes; none: no attachment
    std::string messageId;       // "<...@...>"
};

void checkHeaderValue(const std::string& value, const std::string& field);
void checkAddress(const std::string& address, const std::string& field);
// A new Message-ID under the sender's domain.
std::string newMessageId(const std::string& fromAddress);
// The whole message, CRLF line ends, ready for DATA.
std::string buildMessage(const Envelope& e);

struct SmtpConfig {
    std::string host;
    int port = 587;
    std::string security = "starttls";  // starttls | tls | none
    std::string user, password;
    std::string caFile;  // empty: the system's certificate authorities
    std::chrono::seconds timeout{30};
    std::string heloName = "localhost";
};

// What happened to one message: sent, refused for good (5xx), or worth trying
// again (4xx, network, TLS). `reply` is the server's words or the reason.
struct SendResult {
    enum Kind { Sent, Permanent, Transient } kind = Transient;
    std::string reply;
};

// One connection, many messages (RSET between them). Connecting fails closed:
// no STARTTLS offered, or a certificate that does not verify for the host
// name, and nothing is sent (throws SmtpConnectError, always transient).
struct SmtpConnectError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class SmtpConnection {
public:
    explicit SmtpConnection(const SmtpConfig& config);
    ~SmtpConnection();
    SendResult send(const std::string& from, const std::string& to, const std::string& message);
    bool usable() const { return usable_; }

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    bool usable_ = true;
};

}  // namespace reports
