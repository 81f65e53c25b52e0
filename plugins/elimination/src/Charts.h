// The plan drawn with wx graphics: the timeline (phases as bands, challenges
// as blocks, pauses, today) and the trend of POEM and daily itch and sleep.
#pragma once

#include <wx/panel.h>

#include <optional>
#include <vector>

#include "Engine.h"

namespace elim {

class TimelinePanel : public wxPanel {
public:
    explicit TimelinePanel(wxWindow* parent);
    void set(const Protocol& protocol, const Plan& plan, const Schedule& schedule, Day today);
    void clear();

private:
    void paint();
    std::optional<Protocol> protocol_;
    Plan plan_;
    Schedule schedule_;
    Day today_ = 0;
};

class TrendChart : public wxPanel {
public:
    explicit TrendChart(wxWindow* parent);
    struct Point {
        Day day;
        double value;
    };
    void set(std::vector<Point> poem, std::vector<DiaryDay> diary, const Schedule& schedule, Day today);
    void clear();

private:
    void paint();
    std::vector<Point> poem_;
    std::vector<DiaryDay> diary_;
    Schedule schedule_;
    Day today_ = 0;
    bool empty_ = true;
};

}  // namespace elim
