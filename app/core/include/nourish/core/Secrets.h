#pragma once

#include <filesystem>
#include <string>

namespace nourish {

// Secrets (an SMTP password) are never kept in the store as they were typed:
// they are sealed with AES-256-GCM under a key kept in a file of its own,
// $XDG_CONFIG_HOME/nourish/secret.key (or ~/.config/nourish/secret.key),
// created with mode 0600 on first use. A copy of the store alone reveals
// nothing; a tampered value fails to open. A value is bound to where it was
// sealed (the binding is GCM's associated data, e.g. the store's id, the
// plugin and the setting's key), so a copy in another store or setting does
// not open either.
std::filesystem::path secretKeyPath();
// "sealed:v2:" followed by base64 of nonce, ciphertext and tag; with an empty
// binding "sealed:v1:", as every value was written before values were bound.
std::string sealSecret(const std::string& plain, const std::string& binding);
// Throws StoreError when the key is missing, the binding is not the one it was
// sealed with, or the value was changed. A v1 value opens with any binding.
std::string openSecret(const std::string& sealed, const std::string& binding);
bool isSealed(const std::string& value);
// Whether the value is bound (v2); a v1 value should be sealed again.
bool isBound(const std::string& value);

}  // namespace nourish
