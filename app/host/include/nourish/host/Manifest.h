#pragma once

#include <filesystem>
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
    std::string library;  // file name beside the manifest
    int sdkMajor = 0;
    int sdkMinor = 0;
    std::vector<std::string> capabilities;
    std::string tablePrefix;
    std::string wxSignature;
    int uiOrder = 100;
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

class ManifestError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace nourish
