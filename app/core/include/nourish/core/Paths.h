#pragma once

#include <filesystem>

namespace nourish {

// $XDG_DATA_HOME/nourish, or ~/.local/share/nourish.
std::filesystem::path userDataDir();
// The practitioner's store when no --store is given.
std::filesystem::path defaultStorePath();
// The demo caseload scripts/run opens.
std::filesystem::path demoStorePath();

}  // namespace nourish
