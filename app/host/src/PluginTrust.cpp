#include "nourish/host/PluginTrust.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <memory>
#include <sstream>

#include <nlohmann/json.hpp>

#include "nourish/core/Dates.h"
#include "nourish/core/Hash.h"
#include "nourish/core/Integrity.h"
#include "nourish/core/OutputFile.h"
#include "nourish/host/Manifest.h"
#include "nourish/json_input.hpp"

namespace nourish::trust {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr size_t kPublicKeySize = 32;
constexpr size_t kSignatureSize = 64;

using Key = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using Bio = std::unique_ptr<BIO, decltype(&BIO_free)>;
using MdContext = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

std::string readAll(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw TrustError("cannot read " + file.string());
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string hex(const std::string& bytes) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    return out;
}

std::optional<std::string> unhex(const std::string& text) {
    if (text.size() % 2) return std::nullopt;
    std::string out;
    for (size_t i = 0; i < text.size(); i += 2) {
        auto digit = [](char c) -> int {
            if (c >= '0' && c <= '9') return c - '0';
            if (c >= 'a' && c <= 'f') return c - 'a' + 10;
            return -1;
        };
        int hi = digit(text[i]), lo = digit(text[i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out += char(hi * 16 + lo);
    }
    return out;
}

std::string rawPublicKey(EVP_PKEY* key) {
    std::string raw(kPublicKeySize, '\0');
    size_t size = raw.size();
    if (EVP_PKEY_get_raw_public_key(key, reinterpret_cast<unsigned char*>(raw.data()), &size) != 1 ||
        size != kPublicKeySize)
        throw TrustError("the key is not an Ed25519 key");
    return raw;
}

Key loadKey(const fs::path& file, bool wantPrivate) {
    std::string pem = readAll(file);
    Bio bio(BIO_new_mem_buf(pem.data(), int(pem.size())), &BIO_free);
    EVP_PKEY* key = nullptr;
    if (wantPrivate || pem.find("PRIVATE KEY") != std::string::npos)
        key = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
    else
        key = PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
    if (!key)
        throw TrustError(file.string() + " is not " + (wantPrivate ? "a private" : "a public") +
                         " key file (PEM, as nourish-cli plugin keygen writes)");
    Key owned(key, &EVP_PKEY_free);
    if (EVP_PKEY_get_id(key) != EVP_PKEY_ED25519) throw TrustError(file.string() + " holds a key that is not Ed25519");
    return owned;
}

std::string signedText(const fs::path& manifest, const fs::path& library) {
    auto hashOf = [](const fs::path& file) {
        auto hash = sha256FileHex(file);
        if (!hash) throw TrustError("cannot read " + file.string());
        return *hash;
    };
    std::string text = "nourish plugin signature 1\nmanifest " + hashOf(manifest) + "\n";
    if (!library.empty()) {
        text += "library " + hashOf(library) + "\n";
        // The libraries beside it that it loads (RUNPATH $ORIGIN) are its code too.
        for (const std::string& name : privateLibraries(library))
            text += "private " + name + " " + hashOf(library.parent_path() / name) + "\n";
        return text;
    }
    // A data-only plugin: each of its documents, as its manifest lists them.
    Manifest m;
    try {
        m = readManifest(manifest);
    } catch (const ManifestError& e) {
        throw TrustError(e.what());
    }
    for (const Manifest::Document& d : m.documents)
        text += "document " + d.path + " " + hashOf(manifest.parent_path() / d.path) + "\n";
    return text;
}

fs::path vendorsPath() { return integrity::configDirectory() / "trusted-vendors.json"; }

std::string normalised(const std::string& fingerprintText) {
    std::string out;
    for (char c : fingerprintText)
        if (std::isxdigit(static_cast<unsigned char>(c))) out += char(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

void writeVendors(const std::vector<VendorKey>& vendors) {
    json list = json::array();
    for (const VendorKey& v : vendors)
        list.push_back({{"name", v.name}, {"key", v.publicKey}, {"fingerprint", v.fingerprint}, {"added", v.added}});
    fs::path path = vendorsPath();
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    writeOutputFile(path, json{{"format", 1}, {"vendors", list}}.dump(2) + "\n", {}, true);
}

}  // namespace

std::string fingerprint(const std::string& rawPublicKey) {
    std::string digest = sha256Hex(rawPublicKey).substr(0, 32);
    std::string out;
    for (size_t i = 0; i < digest.size(); i += 4) out += (i ? " " : "") + digest.substr(i, 4);
    return out;
}

std::string generateKey(const fs::path& prefix) {
    fs::path privateFile = prefix.string() + ".key", publicFile = prefix.string() + ".pub";
    std::error_code ec;
    for (const fs::path& f : {privateFile, publicFile})
        if (fs::exists(f, ec)) throw TrustError(f.string() + " already exists; choose another name");
    Key key(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"), &EVP_PKEY_free);
    if (!key) throw TrustError("could not make an Ed25519 key");
    auto pem = [](auto write) {
        Bio bio(BIO_new(BIO_s_mem()), &BIO_free);
        if (write(bio.get()) != 1) throw TrustError("could not write the key");
        char* data = nullptr;
        long size = BIO_get_mem_data(bio.get(), &data);
        return std::string(data, size_t(size));
    };
    std::string privatePem = pem([&](BIO* b) {
        return PEM_write_bio_PrivateKey(b, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    });
    std::string publicPem = pem([&](BIO* b) { return PEM_write_bio_PUBKEY(b, key.get()); });
    writeOutputFile(privateFile, privatePem, {}, false);
    try {
        writeOutputFile(publicFile, publicPem, {}, false);
    } catch (...) {
        fs::remove(privateFile, ec);
        throw;
    }
    ::chmod(publicFile.c_str(), 0644);  // the public half is for giving away
    return fingerprint(rawPublicKey(key.get()));
}

VendorKey readPublicKey(const fs::path& file) {
    Key key = loadKey(file, false);
    VendorKey v;
    std::string raw = rawPublicKey(key.get());
    v.publicKey = hex(raw);
    v.fingerprint = fingerprint(raw);
    v.name = file.stem().string();
    return v;
}

std::vector<VendorKey> trustedVendors() {
    std::error_code ec;
    fs::path path = vendorsPath();
    if (!fs::exists(path, ec)) return {};
    json j;
    try {
        j = parseJsonInput(readAll(path), JsonLimits{1024 * 1024, 8});
    } catch (const std::exception& e) {
        throw TrustError("the trusted vendors list " + path.string() + " cannot be read: " + e.what());
    }
    std::vector<VendorKey> out;
    const json& list = j.contains("vendors") && j["vendors"].is_array() ? j["vendors"] : json::array();
    for (const json& v : list) {
        if (!v.is_object() || !v.contains("key") || !v["key"].is_string()) continue;
        auto raw = unhex(v["key"].get<std::string>());
        if (!raw || raw->size() != kPublicKeySize) continue;
        out.push_back({v.value("name", ""), v["key"], fingerprint(*raw), v.value("added", "")});
    }
    return out;
}

VendorKey addTrustedVendor(const fs::path& keyFile, const std::string& name) {
    VendorKey key = readPublicKey(keyFile);
    if (!name.empty()) key.name = name;
    key.added = Date::today().iso();
    auto vendors = trustedVendors();
    for (const VendorKey& v : vendors)
        if (v.publicKey == key.publicKey) return v;
    vendors.push_back(key);
    writeVendors(vendors);
    return key;
}

bool removeTrustedVendor(const std::string& fingerprintText) {
    auto vendors = trustedVendors();
    std::string wanted = normalised(fingerprintText);
    auto it = std::remove_if(vendors.begin(), vendors.end(), [&](const VendorKey& v) {
        return !wanted.empty() && normalised(v.fingerprint) == wanted;
    });
    if (it == vendors.end()) return false;
    vendors.erase(it, vendors.end());
    writeVendors(vendors);
    return true;
}

fs::path signaturePath(const fs::path& manifest, const std::string& id) {
    return manifest.parent_path() / (id + ".plugin.sig");
}

fs::path sign(const fs::path& manifest, const std::string& id, const fs::path& library, const fs::path& keyFile) {
    Key key = loadKey(keyFile, true);
    std::string text = signedText(manifest, library);
    MdContext context(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    std::string signature(kSignatureSize, '\0');
    size_t size = signature.size();
    if (!context || EVP_DigestSignInit(context.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
        EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(signature.data()), &size,
                       reinterpret_cast<const unsigned char*>(text.data()), text.size()) != 1 ||
        size != kSignatureSize)
        throw TrustError("could not sign with " + keyFile.string());
    fs::path out = signaturePath(manifest, id);
    json file = {{"format", 1}, {"key", hex(rawPublicKey(key.get()))}, {"signature", hex(signature)}};
    writeOutputFile(out, file.dump(2) + "\n", {}, true);
    ::chmod(out.c_str(), 0644);  // shipped with the plugin
    return out;
}

Signature verify(const fs::path& manifest, const std::string& id, const fs::path& library) {
    Signature result;
    result.file = signaturePath(manifest, id);
    std::error_code ec;
    if (!fs::exists(result.file, ec)) return result;
    result.state = Signature::State::Bad;
    try {
        json j = parseJsonInput(readAll(result.file), JsonLimits{64 * 1024, 4});
        if (!j.is_object() || j.value("format", 0) != 1 || !j.contains("key") || !j["key"].is_string() ||
            !j.contains("signature") || !j["signature"].is_string()) {
            result.problem = result.file.filename().string() + " is not a Nourish plugin signature (format 1)";
            return result;
        }
        auto raw = unhex(j["key"].get<std::string>());
        auto signature = unhex(j["signature"].get<std::string>());
        if (!raw || raw->size() != kPublicKeySize || !signature || signature->size() != kSignatureSize) {
            result.problem = result.file.filename().string() + " has a key or signature of the wrong size";
            return result;
        }
        result.fingerprint = fingerprint(*raw);
        Key key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                            reinterpret_cast<const unsigned char*>(raw->data()), raw->size()),
                &EVP_PKEY_free);
        std::string text = signedText(manifest, library);
        MdContext context(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
        bool valid = key && context &&
                     EVP_DigestVerifyInit(context.get(), nullptr, nullptr, nullptr, key.get()) == 1 &&
                     EVP_DigestVerify(context.get(), reinterpret_cast<const unsigned char*>(signature->data()),
                                      signature->size(), reinterpret_cast<const unsigned char*>(text.data()),
                                      text.size()) == 1;
        if (!valid) {
            result.problem = std::string("the signature does not match the ") +
                             (library.empty() ? "manifest and documents" : "library and manifest") +
                             ": they were changed after they were signed, or the signature is not theirs";
            return result;
        }
        result.state = Signature::State::UnknownKey;
        result.publicKey = j["key"].get<std::string>();
        try {
            for (const VendorKey& v : trustedVendors())
                if (v.publicKey == j["key"]) {
                    result.state = Signature::State::Trusted;
                    result.vendor = v.name;
                }
        } catch (const TrustError& e) {
            result.problem = e.what();  // the signature is fine; her list is not: nobody is trusted
        }
    } catch (const std::exception& e) {
        result.state = Signature::State::Bad;
        result.problem = e.what();
    }
    return result;
}

std::string describe(const Signature& s) {
    switch (s.state) {
        case Signature::State::Unsigned:
            return "unsigned: nothing says who made this file or that it is as they made it";
        case Signature::State::Trusted:
            return "signed by " + s.vendor + " (key " + s.fingerprint + "), one of your trusted vendors";
        case Signature::State::UnknownKey:
            if (!s.problem.empty())
                return "signed with key " + s.fingerprint + "; whether you trust it is not known: " + s.problem;
            return "signed with key " + s.fingerprint +
                   ", which is not among your trusted vendors (nourish-cli plugin trust add KEYFILE)";
        case Signature::State::Bad:
            return "bad signature: " + s.problem;
    }
    return "";
}

}  // namespace nourish::trust
