// Helpers for what a family reads (plan summaries, emails): dates the way a
// family says them. Header-only; needs nothing but the C++ standard library.
#pragma once

#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>

namespace nourish::family {

// Today's local date, YYYY-MM-DD.
inline std::string today() {
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    localtime_r(&now, &tm);
    char buffer[16];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%d", &tm);
    return buffer;
}

// "Tuesday 3 December" for a YYYY-MM-DD date (a longer text's first ten
// characters are read); with the year when it is not the year of `todayIso`,
// or always when `withYear`. Anything that is not a date comes back as it was.
inline std::string date(const std::string& iso, const std::string& todayIso = today(), bool withYear = false) {
    namespace chr = std::chrono;
    static const char* months[] = {"January", "February", "March",     "April",   "May",      "June",
                                   "July",    "August",   "September", "October", "November", "December"};
    static const char* weekdays[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
    int y = 0, m = 0, d = 0, ty = 0;
    if (iso.size() < 10 || std::sscanf(iso.c_str(), "%4d-%2d-%2d", &y, &m, &d) != 3) return iso;
    chr::year_month_day ymd{chr::year{y}, chr::month{unsigned(m)}, chr::day{unsigned(d)}};
    if (!ymd.ok()) return iso;
    chr::weekday wd{chr::sys_days{ymd}};
    std::string text = std::string(weekdays[wd.c_encoding()]) + " " + std::to_string(d) + " " + months[m - 1];
    if (withYear || std::sscanf(todayIso.c_str(), "%4d", &ty) != 1 || ty != y) text += " " + std::to_string(y);
    return text;
}

}  // namespace nourish::family
