#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace nourish {

// <id>.plugin.json, read and validated without running any plugin code.
struct Manifest {
    std::string id;
    std::string name;
    std::string version;
    std::string vendor;
    std::string description;
    std::string homepage;
    std::string library;  // file name beside the manifest
    int sdkMajor = 0;
    int sdkMinor = 0;
    std::vector<std::string> capabilities;
    std::string tablePrefix;
    std::string wxSignature;
    int uiOrder = 100;
    // limits.sql_statement_ms: how long one of its SQL statements may run
    // (0: the host's default, PluginSql::kDefaultTimeLimit).
    int sqlStatementMs = 0;
    struct Setting {
        std::string key;
        std::string description;
        bool secret = false;
    };
    std::vector<Setting> settings;

    bool offers(const std::string& capability) const;
};

// Throws ManifestError naming the file and the JSON path of the problem.
Manifest readManifest(const std::filesystem::path& path);
// The same from the manifest's text; fileName is only for messages.
Manifest parseManifest(const std::string& text, const std::string& fileName);

// Orders two manifest versions (MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]) as
// Semantic Versioning 2.0.0 does: < 0 when a is older than b, 0 when they
// are the same version (build metadata does not count), > 0 when a is newer.
int compareVersions(const std::string& a, const std::string& b);

// Whether the file starts as an ELF object does (what the library a manifest
// names must be before anything tries to open it).
bool isElfFile(const std::filesystem::path& path);

// The <id>.plugin.json beside `library` that names it as its "library", if any.
std::optional<std::filesystem::path> manifestBeside(const std::filesystem::path& library);

class ManifestError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace nourish
