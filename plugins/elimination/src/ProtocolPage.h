#pragma once

#include <cstdint>

#include "nourish/plugin.hpp"

class wxWindow;

namespace elim {

// The "Protocol" page of the client workspace: the plan's timeline, the
// status of each food, suggestions to confirm, a week of diary as a grid,
// and the trend of POEM, itch and sleep.
wxWindow* createProtocolPage(wxWindow* parent, nourish::Host host);
void showProtocolClient(wxWindow* page, int64_t clientId);

}  // namespace elim
