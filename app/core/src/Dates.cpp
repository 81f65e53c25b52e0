#include "nourish/core/Dates.h"

#include <chrono>
#include <cstdio>

namespace nourish {

namespace chr = std::chrono;

std::optional<Date> Date::parse(std::string_view s) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
    auto digits = [&](size_t from, size_t count) -> std::optional<int> {
        int value = 0;
        for (size_t i = from; i < from + count; ++i) {
            if (s[i] < '0' || s[i] > '9') return std::nullopt;
            value = value * 10 + (s[i] - '0');
        }
        return value;
    };
    auto y = digits(0, 4), m = digits(5, 2), d = digits(8, 2);
    if (!y || !m || !d) return std::nullopt;
    chr::year_month_day ymd{chr::year{*y}, chr::month{static_cast<unsigned>(*m)},
                            chr::day{static_cast<unsigned>(*d)}};
    if (!ymd.ok()) return std::nullopt;
    return Date{*y, *m, *d};
}

Date Date::today() {
    auto days = chr::floor<chr::days>(chr::system_clock::now());
    // Local calendar day: what the practitioner sees on her wall calendar.
    std::time_t t = chr::system_clock::to_time_t(chr::system_clock::now());
    std::tm local{};
    if (localtime_r(&t, &local)) return Date{local.tm_year + 1900, local.tm_mon + 1, local.tm_mday};
    chr::year_month_day ymd{days};
    return Date{int(ymd.year()), int(unsigned(ymd.month())), int(unsigned(ymd.day()))};
}

std::string Date::iso() const {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", year, month, day);
    return buffer;
}

int Date::daysSinceEpoch() const {
    chr::year_month_day ymd{chr::year{year}, chr::month{static_cast<unsigned>(month)},
                            chr::day{static_cast<unsigned>(day)}};
    return static_cast<int>(chr::sys_days{ymd}.time_since_epoch().count());
}

int monthsBetween(const Date& from, const Date& to) {
    int months = (to.year - from.year) * 12 + (to.month - from.month);
    if (to.day < from.day) --months;
    return months;
}

std::string ageText(const Date& dob, const Date& on) {
    if (on < dob) return "not born yet";
    auto plural = [](int n, const char* unit) {
        return std::to_string(n) + " " + unit + (n == 1 ? "" : "s");
    };
    int months = monthsBetween(dob, on);
    if (months < 1) return plural(on.daysSinceEpoch() - dob.daysSinceEpoch(), "day");
    if (months < 24) return plural(months, "month");
    int years = months / 12, rest = months % 12;
    if (years < 5 && rest) return plural(years, "year") + " " + plural(rest, "month");
    return plural(years, "year");
}

std::string nowUtc() {
    auto now = chr::floor<chr::seconds>(chr::system_clock::now());
    auto days = chr::floor<chr::days>(now);
    chr::year_month_day ymd{days};
    chr::hh_mm_ss hms{now - days};
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02dZ", int(ymd.year()),
                  unsigned(ymd.month()), unsigned(ymd.day()), int(hms.hours().count()),
                  int(hms.minutes().count()), int(hms.seconds().count()));
    return buffer;
}

}  // namespace nourish
