#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

namespace nourish {

// A file the app writes out of the store (PDF, CSV, calendar, backup, record
// export) was refused, or could not be written. The message names the file.
class OutputError : public std::runtime_error {
public:
    enum class Kind { Refused, Exists, Failed };
    OutputError(Kind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
    Kind kind() const noexcept { return kind_; }

private:
    Kind kind_;
};

// The rules every output follows, whoever writes it:
//  - never the open store, nor its -wal, -shm or -journal;
//  - never any SQLite database (another store, a backup), not even on request;
//  - never a folder;
//  - never an existing file unless `replace` (the practitioner said so).
// Throws OutputError; touches nothing.
void checkOutputPath(const std::filesystem::path& target, const std::filesystem::path& store, bool replace);

// Checks, then writes `bytes` under a temporary name in the target's folder
// (mode 0600: what leaves the store is health data), syncs it, and renames
// it into place; the folder is synced too. On any failure nothing is left.
void writeOutputFile(const std::filesystem::path& target, std::string_view bytes,
                     const std::filesystem::path& store, bool replace);

// For outputs made by something else (SQLite's backup): a private temporary
// file beside `target`, and the final rename by the same rules.
std::filesystem::path createOutputTemp(const std::filesystem::path& target);
void publishOutputFile(const std::filesystem::path& temp, const std::filesystem::path& target, bool replace);

}  // namespace nourish
