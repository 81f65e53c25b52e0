#include "nourish/core/Paths.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>

namespace nourish {

std::filesystem::path userDataDir() {
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) return std::filesystem::path(xdg) / "nourish";
    const char* home = std::getenv("HOME");
    if (!home || !*home) {
        const passwd* pw = getpwuid(getuid());
        home = pw ? pw->pw_dir : "/tmp";
    }
    return std::filesystem::path(home) / ".local" / "share" / "nourish";
}

std::filesystem::path defaultStorePath() { return userDataDir() / "nourish.db"; }
std::filesystem::path demoStorePath() { return userDataDir() / "demo.db"; }

}  // namespace nourish
