#include <gtest/gtest.h>

#include "nourish/core/Dates.h"
#include "nourish/core/Text.h"

using namespace nourish;

TEST(Dates, ParseAcceptsOnlyRealCalendarDates) {
    EXPECT_TRUE(Date::parse("2024-02-29"));
    EXPECT_FALSE(Date::parse("2025-02-29"));
    EXPECT_FALSE(Date::parse("2025-13-01"));
    EXPECT_FALSE(Date::parse("2025-00-10"));
    EXPECT_FALSE(Date::parse("2025-1-1"));
    EXPECT_FALSE(Date::parse("20250101"));
    EXPECT_FALSE(Date::parse(""));
    EXPECT_EQ(Date::parse("2025-03-07")->iso(), "2025-03-07");
}

TEST(Dates, AgeIsSaidTheWayPractitionersSayIt) {
    Date dob{2025, 1, 31};
    EXPECT_EQ(ageText(dob, {2025, 2, 10}), "10 days");
    EXPECT_EQ(ageText(dob, {2025, 2, 28}), "28 days");
    EXPECT_EQ(ageText(dob, {2025, 3, 31}), "2 months");
    EXPECT_EQ(ageText(dob, {2026, 1, 30}), "11 months");
    EXPECT_EQ(ageText(dob, {2026, 1, 31}), "12 months");
    EXPECT_EQ(ageText(dob, {2027, 4, 1}), "2 years 2 months");
    EXPECT_EQ(ageText(dob, {2027, 1, 31}), "2 years");
    EXPECT_EQ(ageText(dob, {2031, 6, 1}), "6 years");
    EXPECT_EQ(ageText(dob, {2024, 6, 1}), "not born yet");
}

TEST(Text, Utf8ValidationAndCounting) {
    EXPECT_TRUE(isValidUtf8("Zoë Nguyễn 😀"));
    EXPECT_FALSE(isValidUtf8("\xc3"));
    EXPECT_FALSE(isValidUtf8("\xc0\xaf"));          // overlong '/'
    EXPECT_FALSE(isValidUtf8("\xed\xa0\x80"));      // surrogate
    EXPECT_EQ(codePointCount("Zoë😀"), 4u);
    EXPECT_TRUE(hasControlCharacters("a\tb"));
    EXPECT_FALSE(hasControlCharacters("Ørsted"));
    EXPECT_EQ(trim("  a b \n"), "a b");
}
