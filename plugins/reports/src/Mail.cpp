#include "Mail.h"

#include <Poco/Base64Encoder.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/MailMessage.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/RejectCertificateHandler.h>
#include <Poco/Net/SMTPClientSession.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Timestamp.h>
#include <Poco/UUIDGenerator.h>

#include <mutex>
#include <sstream>

namespace reports {

namespace {

std::string base64Lines(const std::string& bytes) {
    std::ostringstream out;
    Poco::Base64Encoder encoder(out);
    encoder.rdbuf()->setLineLength(76);
    encoder << bytes;
    encoder.close();
    // The encoder ends lines with CRLF already; make sure of the last one.
    std::string text = out.str();
    if (text.size() < 2 || text.compare(text.size() - 2, 2, "\r\n") != 0) text += "\r\n";
    return text;
}

std::string encodeWord(const std::string& text) {
    bool ascii = true;
    for (unsigned char c : text) ascii &= c >= 0x20 && c < 0x7F;
    return ascii ? text : Poco::Net::MailMessage::encodeWord(text, "UTF-8");
}

std::string mailbox(const std::string& name, const std::string& address) {
    if (name.empty()) return "<" + address + ">";
    bool plain = true;
    for (unsigned char c : name) plain &= std::isalnum(c) || c == ' ' || c == '.' || c == '-' || c == '\'';
    std::string shown = plain ? name : encodeWord(name);
    // An encoded word stands alone; a plain name with specials is quoted.
    if (!plain && shown == name) shown = "\"" + name + "\"";
    return shown + " <" + address + ">";
}

// RFC 2231: filename*=UTF-8''percent-encoded
std::string rfc2231(const std::string& text) {
    static const char* hex = "0123456789ABCDEF";
    std::string out = "UTF-8''";
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '.' || c == '-' || c == '_') out += char(c);
        else out += std::string("%") + hex[c >> 4] + hex[c & 15];
    }
    return out;
}

void initialiseTls() {
    static std::once_flag once;
    std::call_once(once, [] {
        Poco::Net::initializeSSL();
        // A certificate that does not verify is refused, never asked about.
        Poco::SharedPtr<Poco::Net::InvalidCertificateHandler> reject = new Poco::Net::RejectCertificateHandler(false);
        Poco::Net::Context::Ptr context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", "",
                                                                 Poco::Net::Context::VERIFY_STRICT, 9, true);
        Poco::Net::SSLManager::instance().initializeClient(nullptr, reject, context);
    });
}

// The session with the commands Poco keeps protected: STARTTLS on our terms
// (the host name we connected to is the one the certificate must name) and
// AUTH PLAIN.
class Session : public Poco::Net::SMTPClientSession {
public:
    explicit Session(const Poco::Net::StreamSocket& socket) : SMTPClientSession(socket) {}
    std::string ehlo(const std::string& name) {
        std::string response;
        int status = sendCommand("EHLO", name, response);
        if (!isPositiveCompletion(status)) throw Poco::Net::SMTPException("the server refused EHLO", response, status);
        return response;
    }
    void startTls(const std::string& host, Poco::Net::Context::Ptr context) {
        std::string response;
        int status = sendCommand("STARTTLS", response);
        if (!isPositiveCompletion(status)) throw SmtpConnectError("the server refused STARTTLS (" + response + "); nothing was sent");
        Poco::Net::SecureStreamSocket secure = Poco::Net::SecureStreamSocket::attach(socket(), host, context);
        secure.completeHandshake();
        secure.verifyPeerCertificate(host);
        socket() = secure;
    }
    void authPlain(const std::string& user, const std::string& password) { loginUsingPlain(user, password); }
};

}  // namespace

void checkHeaderValue(const std::string& value, const std::string& field) {
    for (char c : value)
        if (c == '\r' || c == '\n' || c == '\0')
            throw MailInputError(field + ": holds a line break or NUL, which could forge headers; nothing was sent");
    if (value.size() > 900) throw MailInputError(field + ": is longer than 900 characters");
}

void checkAddress(const std::string& address, const std::string& field) {
    checkHeaderValue(address, field);
    size_t at = address.find('@');
    bool ok = !address.empty() && address.size() <= 254 && at != std::string::npos && at > 0 &&
              at + 1 < address.size() && address.find('@', at + 1) == std::string::npos;
    for (unsigned char c : address) ok &= c > 0x20 && c < 0x7F && std::string("<>()[],;:\\\"").find(char(c)) == std::string::npos;
    if (ok) {
        std::string domain = address.substr(at + 1);
        ok = domain.front() != '.' && domain.back() != '.' && domain.find("..") == std::string::npos;
    }
    if (!ok) throw MailInputError(field + ": '" + address + "' is not an email address");
}

std::string newMessageId(const std::string& fromAddress) {
    std::string domain = fromAddress.substr(fromAddress.find('@') + 1);
    return "<" + Poco::UUIDGenerator::defaultGenerator().createRandom().toString() + "@" + domain + ">";
}

std::string buildMessage(const Envelope& e) {
    checkAddress(e.fromAddress, "from");
    checkAddress(e.toAddress, "to");
    checkHeaderValue(e.fromName, "from name");
    checkHeaderValue(e.toName, "recipient name");
    checkHeaderValue(e.subject, "subject");
    checkHeaderValue(e.attachmentName, "attachment name");
    checkHeaderValue(e.messageId, "Message-ID");
    std::string token = Poco::UUIDGenerator::defaultGenerator().createRandom().toString();
    std::string mixed = "=_mixed_" + token, alternative = "=_alt_" + token;
    std::string m;
    m += "From: " + mailbox(e.fromName, e.fromAddress) + "\r\n";
    m += "To: " + mailbox(e.toName, e.toAddress) + "\r\n";
    m += "Subject: " + encodeWord(e.subject) + "\r\n";
    m += "Date: " + Poco::DateTimeFormatter::format(Poco::Timestamp(), Poco::DateTimeFormat::RFC1123_FORMAT) + "\r\n";
    m += "Message-ID: " + e.messageId + "\r\n";
    m += "MIME-Version: 1.0\r\n";
    bool attach = !e.pdf.empty();
    if (attach) m += "Content-Type: multipart/mixed; boundary=\"" + mixed + "\"\r\n\r\n--" + mixed + "\r\n";
    m += "Content-Type: multipart/alternative; boundary=\"" + alternative + "\"\r\n\r\n";
    m += "--" + alternative + "\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
    // Text is CRLF-delimited in MIME, even inside base64.
    std::string text;
    for (size_t i = 0; i < e.text.size(); ++i) {
        if (e.text[i] == '\n' && (i == 0 || e.text[i - 1] != '\r')) text += '\r';
        text += e.text[i];
    }
    m += base64Lines(text);
    m += "--" + alternative + "\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
    m += base64Lines(e.html);
    m += "--" + alternative + "--\r\n";
    if (attach) {
        std::string name = e.attachmentName.empty() ? "plan-summary.pdf" : e.attachmentName;
        m += "--" + mixed + "\r\nContent-Type: application/pdf; name=\"" + encodeWord(name) + "\"\r\n";
        m += "Content-Disposition: attachment; filename*=" + rfc2231(name) + "\r\n";
        m += "Content-Transfer-Encoding: base64\r\n\r\n";
        m += base64Lines(e.pdf);
        m += "--" + mixed + "--\r\n";
    }
    return m;
}

struct SmtpConnection::Impl {
    std::unique_ptr<Session> session;
};

SmtpConnection::SmtpConnection(const SmtpConfig& c) : impl_(std::make_unique<Impl>()) {
    initialiseTls();
    Poco::Timespan timeout(std::chrono::duration_cast<std::chrono::microseconds>(c.timeout).count());
    try {
        Poco::Net::Context::Ptr context = new Poco::Net::Context(
            Poco::Net::Context::TLS_CLIENT_USE, "", "", c.caFile, Poco::Net::Context::VERIFY_STRICT, 9, c.caFile.empty());
        context->enableExtendedCertificateVerification(true);
        Poco::Net::SocketAddress address(c.host, Poco::UInt16(c.port));
        Poco::Net::StreamSocket socket;
        if (c.security == "tls") {
            Poco::Net::SecureStreamSocket secure(context);
            secure.setPeerHostName(c.host);
            secure.connect(address, timeout);
            secure.setReceiveTimeout(timeout);
            secure.setSendTimeout(timeout);
            secure.completeHandshake();
            secure.verifyPeerCertificate(c.host);
            socket = secure;
        } else {
            socket.connect(address, timeout);
        }
        socket.setNoDelay(true);
        impl_->session = std::make_unique<Session>(socket);
        Session& s = *impl_->session;
        s.setTimeout(timeout);
        s.open();  // the greeting
        std::string features = s.ehlo(c.heloName);
        if (c.security == "starttls") {
            if (features.find("STARTTLS") == std::string::npos)
                throw SmtpConnectError("the server " + c.host + " does not offer STARTTLS; nothing was sent (choose "
                                       "\"none\" only for a test server)");
            s.startTls(c.host, context);
            s.setTimeout(timeout);
            features = s.ehlo(c.heloName);
        }
        if (!c.user.empty()) {
            if (c.security == "none")
                throw SmtpConnectError("the password is never sent over an unencrypted connection (smtp.security "
                                       "none); nothing was sent");
            if (features.find("PLAIN") == std::string::npos)
                throw SmtpConnectError("the server " + c.host + " does not offer AUTH PLAIN");
            s.authPlain(c.user, c.password);
        }
    } catch (const SmtpConnectError&) {
        throw;
    } catch (const Poco::Net::SMTPException& e) {
        throw SmtpConnectError("the server " + c.host + " refused the connection: " + e.message());
    } catch (const Poco::Net::SSLException& e) {
        throw SmtpConnectError("the secure connection to " + c.host + " failed (" + e.displayText() +
                               "); nothing was sent");
    } catch (const Poco::TimeoutException&) {
        throw SmtpConnectError("the server " + c.host + " did not answer within " + std::to_string(c.timeout.count()) + " s");
    } catch (const Poco::Exception& e) {
        throw SmtpConnectError("could not reach " + c.host + ":" + std::to_string(c.port) + ": " + e.displayText());
    }
}

SmtpConnection::~SmtpConnection() {
    if (impl_->session && usable_) {
        try {
            impl_->session->close();
        } catch (...) {
        }
    }
}

SendResult SmtpConnection::send(const std::string& from, const std::string& to, const std::string& message) {
    Session& s = *impl_->session;
    try {
        s.sendAddresses(from, {to});
        s.sendData();
        std::istringstream body(message);
        s.sendMessage(body);
        return {SendResult::Sent, "250"};
    } catch (const Poco::Net::SMTPException& e) {
        int code = e.code();
        std::string reply = e.message();
        try {
            std::string ignored;
            s.sendCommand("RSET", ignored);  // ready for the next message
        } catch (...) {
            usable_ = false;
        }
        if (code >= 500 && code < 600) return {SendResult::Permanent, reply};
        return {SendResult::Transient, reply};
    } catch (const Poco::TimeoutException&) {
        usable_ = false;
        return {SendResult::Transient, "the server stopped answering"};
    } catch (const Poco::Exception& e) {
        usable_ = false;
        return {SendResult::Transient, e.displayText()};
    }
}

}  // namespace reports
