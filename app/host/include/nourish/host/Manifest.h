#pragma once

#include <filesystem>
#include <istream>
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
    std::string library;  // file name beside the manifest; empty for a data-only plugin
    // A data-only plugin's JSON documents (no library): each is one protocol,
    // instrument, intake form or note template, in a file named relative to
    // the manifest's folder.
    struct Document {
        std::string kind;  // "protocols", "instruments", "intake_forms", "note_templates",
                           // "growth_references"
        std::string path;  // e.g. "protocols/low-fodmap.json"
    };
    std::vector<Document> documents;
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
    bool dataOnly() const { return library.empty(); }
};

// The capability a data-only document kind stands for ("protocols" ->
// nourish.protocols/1); empty for a kind that is not one.
std::string capabilityOfDocumentKind(const std::string& kind);

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

// The shared libraries an ELF object needs (its DT_NEEDED names), read from
// its headers without loading it; empty when it is not a 64-bit ELF object.
std::vector<std::string> neededLibraries(const std::filesystem::path& path);
std::vector<std::string> neededLibraries(std::istream& elf);

// The libraries a plugin's library needs that sit beside it (found through
// RUNPATH $ORIGIN), and theirs in turn: its private libraries, file names only.
std::vector<std::string> privateLibraries(const std::filesystem::path& library);

// The <id>.plugin.json beside `library` that names it as its "library", if any.
std::optional<std::filesystem::path> manifestBeside(const std::filesystem::path& library);

class ManifestError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace nourish
