#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace nourish {

// Lower-case hex SHA-256 of the bytes (OpenSSL).
std::string sha256Hex(std::string_view bytes);
// The same of a file's bytes, read in 1 MiB pieces; nothing when it cannot be read.
std::optional<std::string> sha256FileHex(const std::filesystem::path& file);

}  // namespace nourish
