#pragma once

#include <string>
#include <vector>

#include "nourish/plugin.hpp"

namespace reports {

// The `report` command of nourish-cli.
int runCommand(nourish::Host host, const std::string& command, const std::vector<std::string>& args,
               const nourish::Output& out, const nourish::Output& error);
std::string commandsJson();

}  // namespace reports
