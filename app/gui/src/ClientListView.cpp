#include "nourish/gui/ClientListView.h"
#include "nourish/text.hpp"

namespace nourish {

ClientListView::ClientListView(wxWindow* parent)
    : wxListCtrl(parent, wxID_ANY, wxDefaultPosition, wxDefaultSize,
                 wxLC_REPORT | wxLC_VIRTUAL | wxLC_SINGLE_SEL | wxLC_HRULES),
      today_(Date::today()) {
    AppendColumn("Name", wxLIST_FORMAT_LEFT, FromDIP(160));
    AppendColumn("Age", wxLIST_FORMAT_LEFT, FromDIP(140));
    AppendColumn("Born", wxLIST_FORMAT_LEFT, FromDIP(90));
    SetName("client-list");
}

void ClientListView::setClients(std::vector<ClientSummary> clients) {
    // The selection is by row: clear it, or it would land on another child.
    for (long row = GetNextItem(-1, wxLIST_NEXT_ALL, wxLIST_STATE_SELECTED); row != -1;
         row = GetNextItem(row, wxLIST_NEXT_ALL, wxLIST_STATE_SELECTED))
        SetItemState(row, 0, wxLIST_STATE_SELECTED | wxLIST_STATE_FOCUSED);
    clients_ = std::move(clients);
    today_ = Date::today();
    SetItemCount(static_cast<long>(clients_.size()));
    Refresh();
}

wxString ClientListView::OnGetItemText(long item, long column) const {
    if (item < 0 || item >= static_cast<long>(clients_.size())) return {};
    const ClientSummary& c = clients_[static_cast<size_t>(item)];
    switch (column) {
        case 0: {
            // Each name isolated: a name written right to left never moves the comma.
            wxString name = wxString::FromUTF8(nourish::text::leftToRightLine(
                nourish::text::isolated(c.familyName) + ", " +
                nourish::text::isolated(c.preferredName.empty() ? c.givenName : c.preferredName)));
            return c.status == "archived" ? name + " (archived)" : name;
        }
        case 1:
            if (auto dob = Date::parse(c.dateOfBirth)) return wxString::FromUTF8(ageText(*dob, today_));
            return {};
        case 2: return wxString::FromUTF8(c.dateOfBirth);
    }
    return {};
}

int64_t ClientListView::selectedId() const {
    long row = GetNextItem(-1, wxLIST_NEXT_ALL, wxLIST_STATE_SELECTED);
    if (row < 0 || row >= static_cast<long>(clients_.size())) return 0;
    return clients_[static_cast<size_t>(row)].id;
}

void ClientListView::selectRow(long row) {
    if (row < 0 || row >= static_cast<long>(clients_.size())) return;
    quiet_ = true;  // a selection made by the program is not the practitioner opening a client
    SetItemState(row, wxLIST_STATE_SELECTED | wxLIST_STATE_FOCUSED, wxLIST_STATE_SELECTED | wxLIST_STATE_FOCUSED);
    EnsureVisible(row);
    quiet_ = false;
}

bool ClientListView::selectId(int64_t id) {
    for (size_t i = 0; i < clients_.size(); ++i)
        if (clients_[i].id == id) {
            selectRow(static_cast<long>(i));
            return true;
        }
    return false;
}

}  // namespace nourish
