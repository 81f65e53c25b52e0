#pragma once

#include <cstdint>

#include "nourish/plugin.hpp"

class wxWindow;

namespace notes {

// The "Consultations" page of the client workspace: the client's
// consultations and notes, the note editor (template sections with their
// guidance, recommendations, autosave, word count, sign, addenda), and the
// agenda, search and calendar export across all clients.
wxWindow* createConsultationsPage(wxWindow* parent, nourish::Host host);
void showConsultationsClient(wxWindow* page, int64_t clientId);

}  // namespace notes
