#pragma once

#include <string>

// The intake forms this plugin ships (forms/*.json, embedded at build time),
// as one JSON array.
std::string intakeForms();
