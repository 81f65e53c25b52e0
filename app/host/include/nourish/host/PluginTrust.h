#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace nourish::trust {

// Plugin signatures: Ed25519 (OpenSSL) over a plugin's manifest and library.
//
// The signature is a small JSON file beside the manifest, <id>.plugin.sig:
//   {"format": 1, "key": "<public key, 64 hex>", "signature": "<128 hex>"}
// It signs the text
//   "nourish plugin signature 1\nmanifest <sha256 of the manifest's bytes>\n"
//   "library <sha256 of the library's bytes>\n"
// so that changing either file, or the key named, breaks it. A library with
// private libraries beside it (privateLibraries()) adds, after its own line,
//   "private <file name> <sha256 of its bytes>\n" for each, by name. A data-only
// plugin (an empty library path) has, instead of the library line, a line
//   "document <path as the manifest lists it> <sha256 of its bytes>\n"
// for each of its documents: the kinds in alphabetical order (instruments,
// intake_forms, note_templates, protocols), each kind's files as listed.
//
// The practitioner's trusted vendors live in trusted-vendors.json in the
// configuration folder (beside the keys, mode 0600).

class TrustError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Writes PREFIX.key (the private key, PEM, mode 0600: keep it secret) and
// PREFIX.pub (the public key, PEM, to give to practitioners). Never over an
// existing file. Returns the key's fingerprint.
std::string generateKey(const std::filesystem::path& prefix);

// A key's fingerprint as practitioners compare it: the first 16 bytes of the
// SHA-256 of the raw public key, hex, in groups of four.
std::string fingerprint(const std::string& rawPublicKey);

struct VendorKey {
    std::string name;
    std::string publicKey;  // raw 32 bytes, hex
    std::string fingerprint;
    std::string added;      // YYYY-MM-DD
};

// Reads a public key file (PEM, as generateKey writes), or the public half of
// a private key file. Throws TrustError naming the file.
VendorKey readPublicKey(const std::filesystem::path& file);

std::vector<VendorKey> trustedVendors();
// Adds the key under `name`; a key already there keeps its entry (returned).
VendorKey addTrustedVendor(const std::filesystem::path& keyFile, const std::string& name);
// Removes the key with this fingerprint (spaces and case ignored); false if none.
bool removeTrustedVendor(const std::string& fingerprint);

std::filesystem::path signaturePath(const std::filesystem::path& manifest, const std::string& id);

// Signs the manifest and library with the private key in `keyFile` and writes
// the signature beside the manifest (replacing an older one). Returns its path.
std::filesystem::path sign(const std::filesystem::path& manifest, const std::string& id,
                           const std::filesystem::path& library, const std::filesystem::path& keyFile);

struct Signature {
    enum class State {
        Unsigned,    // no signature file
        Trusted,     // valid, by a key in the trusted list
        UnknownKey,  // valid, by a key the practitioner has not trusted
        Bad,         // present, and does not match the files (or cannot be read)
    };
    State state = State::Unsigned;
    std::string fingerprint;
    std::string publicKey;  // the signing key, raw, as 64 hex (valid signatures only)
    std::string vendor;   // the trusted vendor's name (Trusted only)
    std::string problem;  // what is wrong (Bad only)
    std::filesystem::path file;
};

// Never throws: a signature that cannot be read is Bad, with the reason.
Signature verify(const std::filesystem::path& manifest, const std::string& id, const std::filesystem::path& library);

// One line saying what the signature is, for the checker and the installer.
std::string describe(const Signature& signature);

}  // namespace nourish::trust
