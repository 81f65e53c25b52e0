#pragma once

#include <cstdint>
#include <vector>

#include "nourish/plugin.hpp"

// Completed intakes for the first demo families (nourish.demo.created).
void seedIntakeDemo(nourish::Host host, const std::vector<int64_t>& clientIds);
