#include "nourish/core/Secrets.h"

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>

#include "nourish/core/Errors.h"

namespace nourish {

namespace {

// v1 values (written before secrets were bound) carry no associated data;
// v2 values are bound to what sealed them (see sealSecret).
constexpr const char* kPrefix = "sealed:v1:";
constexpr const char* kBoundPrefix = "sealed:v2:";
constexpr size_t kKeySize = 32, kNonceSize = 12, kTagSize = 16;

std::string readKey(bool create) {
    std::filesystem::path path = secretKeyPath();
    std::string key(kKeySize, '\0');
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 && create) {
        std::error_code ec;
        std::filesystem::create_directories(path.parent_path(), ec);
        ::chmod(path.parent_path().c_str(), 0700);
        if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), int(kKeySize)) != 1)
            throw StoreError("could not make a secret key");
        int out = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (out >= 0) {
            bool ok = ::write(out, key.data(), kKeySize) == ssize_t(kKeySize) && ::fsync(out) == 0;
            ::close(out);
            if (!ok) {
                std::filesystem::remove(path, ec);
                throw StoreError("could not write the secret key " + path.string());
            }
            return key;
        }
        fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);  // another process made it first
    }
    if (fd < 0) throw StoreError("the secret key " + path.string() + " is missing; set the secret again");
    struct stat st {};
    if (::fstat(fd, &st) == 0 && ((st.st_mode & 077) != 0 || st.st_uid != ::getuid())) {
        ::close(fd);
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", unsigned(st.st_mode & 07777));
        throw StoreError("the secret key " + path.string() + " is " +
                         (st.st_uid != ::getuid() ? std::string("not owned by you") : "readable by others (mode " + std::string(mode) + ")") +
                         "; it must be yours alone: chmod 600 " + path.string());
    }
    ssize_t n = ::read(fd, key.data(), kKeySize);
    ::close(fd);
    if (n != ssize_t(kKeySize)) throw StoreError("the secret key " + path.string() + " is damaged; set the secret again");
    return key;
}

std::string base64(const std::string& bytes) {
    std::ostringstream out;
    Poco::Base64Encoder encoder(out, Poco::BASE64_NO_PADDING);
    encoder.rdbuf()->setLineLength(0);
    encoder << bytes;
    encoder.close();
    return out.str();
}

std::string unbase64(const std::string& text) {
    std::istringstream in(text);
    Poco::Base64Decoder decoder(in, Poco::BASE64_NO_PADDING);
    std::string out((std::istreambuf_iterator<char>(decoder)), std::istreambuf_iterator<char>());
    return out;
}

using Cipher = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

}  // namespace

std::filesystem::path secretKeyPath() {
    if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg)
        return std::filesystem::path(xdg) / "nourish" / "secret.key";
    const char* home = std::getenv("HOME");
    if (!home || !*home) {
        const passwd* pw = getpwuid(getuid());
        home = pw ? pw->pw_dir : "/tmp";
    }
    return std::filesystem::path(home) / ".config" / "nourish" / "secret.key";
}

bool isSealed(const std::string& value) { return value.rfind(kPrefix, 0) == 0 || value.rfind(kBoundPrefix, 0) == 0; }

bool isBound(const std::string& value) { return value.rfind(kBoundPrefix, 0) == 0; }

std::string sealSecret(const std::string& plain, const std::string& binding) {
    std::string key = readKey(true);
    std::string nonce(kNonceSize, '\0'), tag(kTagSize, '\0'), sealed(plain.size(), '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(nonce.data()), int(kNonceSize)) != 1)
        throw StoreError("could not seal the secret");
    Cipher ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
    int n = 0, total = 0;
    bool ok = ctx && EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr,
                                        reinterpret_cast<const unsigned char*>(key.data()),
                                        reinterpret_cast<const unsigned char*>(nonce.data())) == 1 &&
              (binding.empty() ||
               EVP_EncryptUpdate(ctx.get(), nullptr, &n, reinterpret_cast<const unsigned char*>(binding.data()),
                                 int(binding.size())) == 1) &&
              EVP_EncryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(sealed.data()), &n,
                                reinterpret_cast<const unsigned char*>(plain.data()), int(plain.size())) == 1;
    total = n;
    ok = ok && EVP_EncryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(sealed.data()) + total, &n) == 1 &&
         EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, int(kTagSize), tag.data()) == 1;
    if (!ok) throw StoreError("could not seal the secret");
    return (binding.empty() ? kPrefix : kBoundPrefix) + base64(nonce + sealed + tag);
}

std::string openSecret(const std::string& value, const std::string& binding) {
    if (!isSealed(value)) throw StoreError("the secret is not sealed");
    bool bound = isBound(value);
    if (bound && binding.empty()) throw StoreError("the secret is bound to a store and setting that were not given");
    std::string bytes = unbase64(value.substr(std::string(kPrefix).size()));
    if (bytes.size() < kNonceSize + kTagSize) throw StoreError("the secret is damaged; set it again");
    std::string key = readKey(false);
    std::string nonce = bytes.substr(0, kNonceSize), tag = bytes.substr(bytes.size() - kTagSize);
    std::string sealed = bytes.substr(kNonceSize, bytes.size() - kNonceSize - kTagSize), plain(sealed.size(), '\0');
    Cipher ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
    int n = 0;
    bool ok = ctx && EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr,
                                        reinterpret_cast<const unsigned char*>(key.data()),
                                        reinterpret_cast<const unsigned char*>(nonce.data())) == 1 &&
              (!bound ||
               EVP_DecryptUpdate(ctx.get(), nullptr, &n, reinterpret_cast<const unsigned char*>(binding.data()),
                                 int(binding.size())) == 1) &&
              EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()), &n,
                                reinterpret_cast<const unsigned char*>(sealed.data()), int(sealed.size())) == 1 &&
              EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, int(kTagSize), tag.data()) == 1;
    int last = 0;
    ok = ok && EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()) + n, &last) == 1;
    if (!ok)
        throw StoreError("the secret does not open here: it was sealed with a key other than " + secretKeyPath().string() +
                         (bound ? ", for another store or setting," : "") + " or changed since; set it again");
    return plain;
}

}  // namespace nourish
