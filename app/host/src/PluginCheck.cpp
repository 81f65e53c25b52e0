#include "nourish/host/PluginCheck.h"

#include <unistd.h>

#include <fstream>

#include "nourish/core/Store.h"
#include "nourish/host/PluginHost.h"

namespace nourish {

namespace fs = std::filesystem;

namespace {

// The manifest beside a library that names it, if any.
std::optional<fs::path> manifestFor(const fs::path& library) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(library.parent_path(), ec)) {
        std::string name = entry.path().filename().string();
        if (name.size() <= 12 || name.substr(name.size() - 12) != ".plugin.json") continue;
        try {
            if (readManifest(entry.path()).library == library.filename().string()) return entry.path();
        } catch (const ManifestError&) {
        }
    }
    return std::nullopt;
}

struct TempDir {
    fs::path path;
    TempDir() {
        path = fs::temp_directory_path() / ("nourish-plugin-check-" + std::to_string(getpid()));
        fs::remove_all(path);
        fs::create_directories(path / "plugin");
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

}  // namespace

PluginCheck checkPlugin(const fs::path& given, const std::vector<fs::path>& installedDirectories) {
    PluginCheck check;
    std::error_code ec;
    if (!fs::exists(given, ec)) {
        check.problems.push_back(given.string() + ": no such file");
        return check;
    }
    if (fs::is_directory(given, ec)) {
        check.problems.push_back(given.string() + ": is a folder; give the plugin's library (.so) or its manifest");
        return check;
    }
    std::string name = given.filename().string();
    bool isManifest = name.size() > 12 && name.substr(name.size() - 12) == ".plugin.json";
    if (isManifest) {
        check.manifestPath = given;
    } else {
        check.library = given;
        auto found = manifestFor(given);
        if (!found) {
            check.problems.push_back("missing manifest: no <id>.plugin.json beside " + name +
                                     " names it as its \"library\"");
            return check;
        }
        check.manifestPath = *found;
    }
    try {
        check.manifest = readManifest(check.manifestPath);
    } catch (const ManifestError& e) {
        check.problems.push_back(std::string("bad manifest: ") + e.what());
        return check;
    }
    const Manifest& m = *check.manifest;
    if (check.library.empty()) check.library = check.manifestPath.parent_path() / m.library;
    check.passed.push_back("manifest " + check.manifestPath.filename().string() + ": " + m.id + " " + m.version +
                           ", SDK " + std::to_string(m.sdkMajor) + "." + std::to_string(m.sdkMinor));
    if (!fs::exists(check.library, ec)) {
        check.problems.push_back("the library " + m.library + " named by the manifest is not beside it");
        return check;
    }

    // Load it the way the app would, alone, over a throw-away store.
    TempDir temp;
    fs::copy_file(check.library, temp.path / "plugin" / check.library.filename());
    fs::copy_file(check.manifestPath, temp.path / "plugin" / check.manifestPath.filename());
    {
        Store store(temp.path / "check.db");
        PluginHost::Options options;
        options.directories = {temp.path / "plugin"};
        options.source = "check";
        PluginHost host(store, options);
        host.discover();
        host.loadAll();
        PluginRecord* record = host.find(m.id);
        if (!record) {
            check.problems.push_back("the manifest was not accepted");
        } else if (record->state != PluginState::Loaded) {
            check.problems.push_back(std::string(toString(record->failure)) + ": " + record->reason);
        } else {
            check.passed.push_back("ELF shared object with the entry point; SDK " + std::to_string(m.sdkMajor) + "." +
                                   std::to_string(m.sdkMinor) + " loads in this host (SDK " +
                                   std::to_string(NOURISH_SDK_MAJOR) + "." + std::to_string(NOURISH_SDK_MINOR) + ")");
            check.passed.push_back("the manifest matches the binary; store migrations applied; init succeeded");
            std::string caps;
            for (const std::string& c : m.capabilities) caps += (caps.empty() ? "" : ", ") + c;
            check.passed.push_back("capabilities: " + (caps.empty() ? std::string("none") : caps) +
                                   " (every JSON document valid against its schema)");
            // Forms, protocols and instruments are checked one by one on first use.
            size_t forms = 0, protocols = 0, instruments = 0;
            for (const auto& f : host.forms()) forms += f.pluginId == m.id;
            for (const auto& p : host.protocols()) protocols += p.plugin->id() == m.id;
            for (const auto& i : host.instruments()) instruments += i.pluginId == m.id;
            if (forms + protocols + instruments > 0)
                check.passed.push_back(std::to_string(protocols) + " protocol(s), " + std::to_string(instruments) +
                                       " instrument(s), " + std::to_string(forms) + " form(s) accepted");
            for (const std::string& note : record->notes) check.problems.push_back(note);
        }
        host.shutdown();
    }

    // An id already taken by an installed plugin.
    {
        Store store(temp.path / "installed.db");
        PluginHost::Options options;
        options.directories = installedDirectories;
        PluginHost installed(store, options);
        installed.discover();  // manifests only: no plugin code runs
        for (const auto& other : installed.plugins()) {
            if (other->id() != m.id) continue;
            if (fs::equivalent(other->manifestPath, check.manifestPath, ec)) continue;
            check.problems.push_back("duplicate id: an installed plugin already has the id " + m.id + " (" +
                                     other->manifestPath.string() + ")");
        }
    }
    return check;
}

PluginInstall installPlugin(const fs::path& path, const fs::path& destination,
                            const std::vector<fs::path>& installedDirectories) {
    PluginInstall result;
    // What is already in the destination counts as installed, wherever the host looks.
    std::vector<fs::path> directories = installedDirectories;
    directories.push_back(destination);
    result.check = checkPlugin(path, directories);
    if (!result.check.ok()) return result;
    std::error_code ec;
    fs::create_directories(destination, ec);
    fs::path library = destination / result.check.library.filename();
    fs::path manifest = destination / result.check.manifestPath.filename();
    if (fs::exists(library, ec) || fs::exists(manifest, ec)) {
        result.error = "the plugin folder already has " +
                       (fs::exists(library, ec) ? library.filename().string() : manifest.filename().string()) +
                       "; remove it first";
        return result;
    }
    // Copy under temporary names, then rename: the host never sees half a plugin.
    fs::path tmpLibrary = destination / (".installing-" + library.filename().string());
    fs::path tmpManifest = destination / (".installing-" + manifest.filename().string());
    auto cleanUp = [&] {
        std::error_code ignored;
        fs::remove(tmpLibrary, ignored);
        fs::remove(tmpManifest, ignored);
    };
    fs::copy_file(result.check.library, tmpLibrary, fs::copy_options::overwrite_existing, ec);
    if (!ec) fs::copy_file(result.check.manifestPath, tmpManifest, fs::copy_options::overwrite_existing, ec);
    if (!ec) fs::rename(tmpLibrary, library, ec);
    if (!ec) {
        fs::rename(tmpManifest, manifest, ec);
        if (ec) fs::remove(library);
    }
    if (ec) {
        cleanUp();
        result.error = "could not copy into " + destination.string() + ": " + ec.message();
        return result;
    }
    result.installedLibrary = library;
    result.installedManifest = manifest;
    result.installed = true;
    return result;
}

}  // namespace nourish
