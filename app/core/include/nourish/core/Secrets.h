#pragma once

#include <filesystem>
#include <string>

namespace nourish {

// Secrets (an SMTP password) are never kept in the store as they were typed:
// they are sealed with AES-256-GCM under a key kept in a file of its own,
// $XDG_CONFIG_HOME/nourish/secret.key (or ~/.config/nourish/secret.key),
// created with mode 0600 on first use. A copy of the store alone reveals
// nothing; a tampered value fails to open.
std::filesystem::path secretKeyPath();
// "sealed:v1:" followed by base64 of nonce, ciphertext and tag.
std::string sealSecret(const std::string& plain);
// Throws StoreError when the key is missing or the value was changed.
std::string openSecret(const std::string& sealed);
bool isSealed(const std::string& value);

}  // namespace nourish
