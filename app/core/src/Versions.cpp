#include "nourish/core/Versions.h"

#include <Poco/Environment.h>
#include <sqlite3.h>

namespace nourish {

std::string sqliteVersion() { return sqlite3_libversion(); }

std::string pocoVersion() {
    unsigned v = Poco::Environment::libraryVersion();
    return std::to_string(v >> 24) + "." + std::to_string((v >> 16) & 0xff) + "." + std::to_string((v >> 8) & 0xff);
}

}  // namespace nourish
