#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nourish/host/Manifest.h"
#include "nourish/host/PluginTrust.h"

namespace nourish {

// What `nourish-cli plugin check` and the plugin installer find about a
// plugin file, without loading it into the running app: it is loaded by
// nourish-plugin-check, a process of its own with a throw-away store and home
// folder, through every check the real host makes (a crash, an exit or a step
// that takes longer than 10 s is reported with the step), and compared with
// the plugins already installed.
struct PluginFiles;  // PluginCheck.cpp

struct PluginCheck {
    std::filesystem::path library;
    std::filesystem::path manifestPath;
    std::optional<Manifest> manifest;
    std::vector<std::string> passed;    // what was checked and is fine
    std::vector<std::string> problems;  // each names the problem (and the JSON path)
    std::vector<std::string> notes;     // what the practitioner should know (the signature)
    trust::Signature signature;         // a bad one is also a problem
    // SHA-256 of the files as they were checked: what is installed must be them.
    std::string libraryHash, manifestHash;
    // The plugin's other files, relative to its manifest, with their SHA-256:
    // a data-only plugin's documents, or a library's private libraries.
    std::vector<std::pair<std::string, std::string>> fileHashes;
    std::vector<std::string> privateLibraries;  // beside its library, loaded through RUNPATH $ORIGIN
    // The copy of the files everything above was read from (and that is
    // installed), kept while the check is; and whether its code has run.
    std::shared_ptr<PluginFiles> files;
    bool codeRan = false;
    // The installed plugin with this id that this newer version replaces (an
    // upgrade); an older or the same version is a problem instead.
    struct Installed {
        Manifest manifest;
        std::filesystem::path manifestPath;
    };
    std::optional<Installed> upgrades;

    bool ok() const { return problems.empty() && manifest.has_value(); }
    // A manifest and JSON documents, no library: nothing of it is code.
    bool dataOnly() const { return manifest && manifest->dataOnly(); }
};

// path: the plugin's library (its manifest is found beside it) or its
// <id>.plugin.json. installedDirectories: where installed plugins live, to
// catch an id that is already taken. Everything: inspectPlugin, then
// runPluginCode.
PluginCheck checkPlugin(const std::filesystem::path& path,
                        const std::vector<std::filesystem::path>& installedDirectories);
// What can be known without running any of the plugin's code: its files are
// copied into a folder of their own, the manifest read, the signature
// verified and the id compared with the installed plugins.
PluginCheck inspectPlugin(const std::filesystem::path& path,
                          const std::vector<std::filesystem::path>& installedDirectories);
// Then its code, in nourish-plugin-check (once; nothing if inspecting failed
// before the files were copied).
void runPluginCode(PluginCheck& check);

// Whether the manifest is one of `folder`'s plugins: beside the libraries
// there, or in a folder of its own (<folder>/<id>/<id>.plugin.json).
bool installedIn(const std::filesystem::path& manifest, const std::filesystem::path& folder);

// A plugin is native code that runs with the practitioner's full rights:
// only one signed by a vendor she trusts installs without her explicit yes.
bool needsConsent(const PluginCheck& check);

// What the installer shows before that yes: who made it and what it declares.
std::vector<std::string> describeForConsent(const PluginCheck& check);
// ... and what a plugin may do once installed (said with every untrusted one).
const char* fullRightsWarning();
// What a data-only plugin (no code) is: clinical content as somebody wrote it.
const char* dataOnlyWarning();
// The one of the two that fits this plugin.
const char* consentWarning(const PluginCheck& check);

// installPlugin inspects the plugin (counting what is in `destination` as
// installed), runs its code in the checker only if it is signed by a trusted
// vendor or `consented`, and then installChecked copies the checked copy of
// its library, manifest and signature into `destination` (the
// practitioner's plugin folder) when every check passes and, unless
// needsConsent() is false, `consented`. A check whose code has not run is
// refused; a copy that fails half-way is removed: never half-installed. An
// upgrade replaces the older version's files in `destination` (a bundled
// plugin or one elsewhere is not replaced) and keeps its data and settings;
// a data-only plugin is installed in a folder of its own, destination/<id>;
// if the swap fails the older version is put back. The
// plugin runs from the next start of the app. The GUI asks between
// inspectForInstall and runPluginCode, and calls installChecked only after
// a yes.
struct PluginInstall {
    PluginCheck check;
    std::filesystem::path installedLibrary;
    std::filesystem::path installedManifest;
    bool installed = false;
    std::optional<Manifest> replaced;  // the older version an upgrade replaced
    bool refusedForConsent = false;  // passed, but the practitioner did not say yes
    std::string error;               // why it was not installed, when the checks passed
};
PluginCheck inspectForInstall(const std::filesystem::path& path, const std::filesystem::path& destination,
                              const std::vector<std::filesystem::path>& installedDirectories);
PluginInstall installChecked(PluginCheck check, const std::filesystem::path& destination, bool consented);
PluginInstall installPlugin(const std::filesystem::path& path, const std::filesystem::path& destination,
                            const std::vector<std::filesystem::path>& installedDirectories, bool consented);

// Removes the plugin with this id from `folder` (the practitioner's plugin
// folder): its manifest first (so no host finds it any more), then its library
// and signature. Its tables and settings stay in the store. Throws
// std::runtime_error when no plugin in `folder` has the id; nothing is
// removed then.
struct PluginUninstall {
    Manifest manifest;
    std::vector<std::filesystem::path> removed;
};
PluginUninstall uninstallPlugin(const std::string& id, const std::filesystem::path& folder);

// main() of nourish-plugin-check FOLDER ID: loads the plugin copied into
// FOLDER/plugin over FOLDER/check.db and reports on descriptor 3.
int runPluginCheckChild(int argc, char** argv);

}  // namespace nourish
