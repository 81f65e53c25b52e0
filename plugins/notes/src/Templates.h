#pragma once

#include <string>

namespace notes {

// The note templates this plugin ships (templates/*.json), as a JSON array.
std::string builtInTemplates();

}  // namespace notes
