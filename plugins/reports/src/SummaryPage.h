#pragma once

#include <cstdint>

#include "nourish/plugin.hpp"

class wxWindow;

namespace reports {

// The "Plan summary" page of the client workspace: the summary previewed
// page by page exactly as the PDF will be, sections switched on and off,
// Save PDF…, Email to family… (only guardians who consented can be chosen),
// the outbox (sent in the background), several families at once, and the
// email settings with a test message.
wxWindow* createSummaryPage(wxWindow* parent, nourish::Host host);
void showSummaryClient(wxWindow* page, int64_t clientId);

}  // namespace reports
