#pragma once

#include <string>

namespace nourish {

// Library versions for Help > About (the GUI may not touch SQLite or Poco itself).
std::string sqliteVersion();
std::string pocoVersion();

}  // namespace nourish
