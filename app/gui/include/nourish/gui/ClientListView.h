#pragma once

#include <wx/listctrl.h>

#include <vector>

#include "nourish/core/ClientStore.h"
#include "nourish/core/Dates.h"

namespace nourish {

// A virtual list: rows are drawn on demand, so 100,000 clients cost nothing
// until they scroll into view.
class ClientListView : public wxListCtrl {
public:
    explicit ClientListView(wxWindow* parent);

    void setClients(std::vector<ClientSummary> clients);
    const std::vector<ClientSummary>& clients() const { return clients_; }
    // The id of the selected row, or 0.
    int64_t selectedId() const;
    void selectRow(long row);
    bool selectId(int64_t id);
    // True while the program itself moves the selection.
    bool selectingQuietly() const { return quiet_; }

private:
    wxString OnGetItemText(long item, long column) const override;
    std::vector<ClientSummary> clients_;
    Date today_;
    bool quiet_ = false;
};

}  // namespace nourish
