#pragma once

#include <string>

namespace elim {

// The data this plugin ships, as JSON arrays (see the .json files beside src/).
std::string builtInProtocols();
std::string builtInInstruments();
std::string diaryForm();

}  // namespace elim
