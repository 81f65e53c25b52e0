// The plan drawn with wx graphics: the timeline (phases as bands, challenges
// as blocks, pauses, today) and the trend of the protocol's questionnaire
// scores (POEM for the built-in ones) and daily itch and sleep.
#pragma once

#include <wx/panel.h>

#include <optional>
#include <string>
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
    // One questionnaire's totals, drawn against the left axis: the first one's
    // own range (0 to max), any other scaled to the same height.
    struct Series {
        std::string label;
        double max = 0;
        std::vector<Point> points;  // oldest first
    };
    void set(std::vector<Series> scores, std::vector<DiaryDay> diary, const Schedule& schedule, Day today);
    void clear();

private:
    void paint();
    std::vector<Series> scores_;
    std::vector<DiaryDay> diary_;
    Schedule schedule_;
    Day today_ = 0;
    bool empty_ = true;
};

}  // namespace elim
