#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "nourish/host/Manifest.h"

namespace nourish {

// What `nourish-cli plugin check` and the plugin installer find about a
// plugin file, without loading it into the running app: it is loaded by
// nourish-plugin-check, a process of its own with a throw-away store and home
// folder, through every check the real host makes (a crash, an exit or a step
// that takes longer than 10 s is reported with the step), and compared with
// the plugins already installed.
struct PluginCheck {
    std::filesystem::path library;
    std::filesystem::path manifestPath;
    std::optional<Manifest> manifest;
    std::vector<std::string> passed;    // what was checked and is fine
    std::vector<std::string> problems;  // each names the problem (and the JSON path)

    bool ok() const { return problems.empty() && manifest.has_value(); }
};

// path: the plugin's library (its manifest is found beside it) or its
// <id>.plugin.json. installedDirectories: where installed plugins live, to
// catch an id that is already taken.
PluginCheck checkPlugin(const std::filesystem::path& path,
                        const std::vector<std::filesystem::path>& installedDirectories);

// Checks the plugin, then copies its library and manifest into `destination`
// (the practitioner's plugin folder). Nothing is copied unless every check
// passes, and a copy that fails half-way is removed: never half-installed.
// The plugin runs from the next start of the app.
struct PluginInstall {
    PluginCheck check;
    std::filesystem::path installedLibrary;
    std::filesystem::path installedManifest;
    bool installed = false;
    std::string error;  // why the copy failed, when the checks passed
};
PluginInstall installPlugin(const std::filesystem::path& path, const std::filesystem::path& destination,
                            const std::vector<std::filesystem::path>& installedDirectories);

// main() of nourish-plugin-check FOLDER ID: loads the plugin copied into
// FOLDER/plugin over FOLDER/check.db and reports on descriptor 3.
int runPluginCheckChild(int argc, char** argv);

}  // namespace nourish
