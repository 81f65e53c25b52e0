#pragma once

#include <cstdint>

#include "nourish/plugin.hpp"

class wxWindow;

namespace nutrition {

// The "Growth" page of the client workspace: the growth flags with their
// rules, the chart against the installed references (weight, length or
// height, head circumference for age; weight-for-length or height), the
// measurements with their z-scores and centiles, and adding, correcting and
// removing a measurement (with the reason).
wxWindow* createGrowthPage(wxWindow* parent, nourish::Host host);
void showGrowthClient(wxWindow* page, int64_t clientId);

}  // namespace nutrition
