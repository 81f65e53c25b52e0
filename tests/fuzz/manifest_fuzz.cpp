// libFuzzer target for a plugin's manifest, read before any of its code runs:
// any bytes are read whole or refused with a ManifestError naming the file.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

#include "nourish/host/Manifest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    try {
        nourish::Manifest m = nourish::parseManifest(std::string(reinterpret_cast<const char*>(data), size), "fuzz.plugin.json");
        if (m.id.empty() || m.library.empty()) std::abort();
    } catch (const nourish::ManifestError&) {
    } catch (const nlohmann::json::exception&) {
        std::abort();
    }
    return 0;
}
