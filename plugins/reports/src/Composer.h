// The plan summary of one client, composed from every plugin's sections
// (through the host, for that client only) with the practice's details.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "nourish/plugin.hpp"

namespace reports {

struct BadInput : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct Composed {
    nlohmann::json report;              // what renderPdf takes
    std::vector<std::string> sections;  // "plugin/section" of those included
    std::vector<std::string> warnings;  // sections left out because they failed
    std::string clientName;
};

// `without`: section ids (or "plugin/section") to leave out of this report.
Composed compose(nourish::Host host, int64_t clientId, const std::vector<std::string>& without);

// "26 November 2026" for "2026-11-26".
std::string longDate(const std::string& iso);
std::string today();

}  // namespace reports
