#pragma once

#include <string>
#include <vector>

#include "Notes.h"

namespace notes {

// The `note` and `consult` commands of nourish-cli.
int runCommand(nourish::Host host, const std::string& command, const std::vector<std::string>& args,
               const nourish::Output& out, const nourish::Output& error);
std::string commandsJson();

}  // namespace notes
