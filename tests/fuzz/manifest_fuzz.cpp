// libFuzzer target for a plugin's manifest, read before any of its code runs:
// any bytes are read whole or refused with a ManifestError naming the file;
// and the same bytes as a library whose DT_NEEDED names are read (an ELF
// object or not, nothing is read out of bounds).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "nourish/host/Manifest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    {
        std::istringstream elf(std::string(reinterpret_cast<const char*>(data), size));
        for (const std::string& name : nourish::neededLibraries(elf))
            if (name.size() > size) std::abort();  // a name comes from the bytes given
    }
    try {
        nourish::Manifest m = nourish::parseManifest(std::string(reinterpret_cast<const char*>(data), size), "fuzz.plugin.json");
        // A plugin is a library or data, never both or neither.
        if (m.id.empty() || m.library.empty() == m.documents.empty()) std::abort();
    } catch (const nourish::ManifestError&) {
    } catch (const nlohmann::json::exception&) {
        std::abort();
    }
    return 0;
}
