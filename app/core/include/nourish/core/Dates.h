#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace nourish {

// A calendar date (no time zone), as stored: "YYYY-MM-DD".
struct Date {
    int year = 0;
    int month = 0;
    int day = 0;

    static std::optional<Date> parse(std::string_view iso);
    static Date today();
    std::string iso() const;
    int daysSinceEpoch() const;
    auto operator<=>(const Date&) const = default;
};

// Whole months between two dates (dob -> on), counting a month only once its day is reached.
int monthsBetween(const Date& from, const Date& to);

// "10 days", "7 months", "2 years 3 months", "9 years": how practitioners say a child's age.
std::string ageText(const Date& dateOfBirth, const Date& on);

// Now, UTC, "2026-11-26T07:21:03Z".
std::string nowUtc();

}  // namespace nourish
