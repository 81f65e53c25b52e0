// The notes plugin's text work on its own: calendar files as RFC 5545 wants
// them, search queries, times, initials and word counts.
#include <gtest/gtest.h>

#include "NoteText.h"

using namespace notes;

namespace {

std::vector<std::string> physicalLines(const std::string& text) {
    std::vector<std::string> lines;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find("\r\n", start);
        EXPECT_NE(end, std::string::npos) << "every line ends with CRLF";
        if (end == std::string::npos) break;
        lines.push_back(text.substr(start, end - start));
        start = end + 2;
    }
    return lines;
}

bool validUtf8(const std::string& s) {
    for (size_t i = 0; i < s.size();) {
        unsigned char c = s[i];
        size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (!n || i + n > s.size()) return false;
        for (size_t k = 1; k < n; ++k)
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
        i += n;
    }
    return true;
}

// Unfolds per RFC 5545 3.1: a CRLF followed by one space or tab is removed.
std::string unfold(const std::string& text) {
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
        if (text.compare(i, 3, "\r\n ") == 0) {
            i += 2;
            continue;
        }
        out += text[i];
    }
    return out;
}

}  // namespace

TEST(NoteText, IcsEscapesCommasSemicolonsBackslashesAndNewlines) {
    EXPECT_EQ(icsEscape("Review, 45 minutes; room 2\\3"), "Review\\, 45 minutes\\; room 2\\\\3");
    EXPECT_EQ(icsEscape("12 Orchard Lane\nBristol\r\nBS1"), "12 Orchard Lane\\nBristol\\nBS1");
    EXPECT_EQ(icsEscape(std::string("bell\a here", 10)), "bell here") << "control characters are dropped";
}

TEST(NoteText, IcsFoldsAt75OctetsWithoutSplittingACharacter) {
    std::string line = "DESCRIPTION:" + std::string(70, 'a') + "ØØØØØØØØØØ" + std::string(100, 'b') + "—end";
    std::string folded = icsFold(line);
    auto lines = physicalLines(folded);
    ASSERT_GE(lines.size(), 3u);
    for (size_t i = 0; i < lines.size(); ++i) {
        EXPECT_LE(lines[i].size(), 75u) << "line " << i;
        if (i > 0) {
            EXPECT_EQ(lines[i][0], ' ') << "a continuation starts with one space";
        }
        EXPECT_TRUE(validUtf8(i > 0 ? lines[i].substr(1) : lines[i])) << "line " << i << " splits a character";
    }
    EXPECT_EQ(unfold(folded), line + "\r\n");
    EXPECT_EQ(icsFold(std::string(75, 'x')), std::string(75, 'x') + "\r\n") << "exactly 75 octets stay on one line";
    EXPECT_EQ(physicalLines(icsFold(std::string(76, 'x'))).size(), 2u);
}

TEST(NoteText, ACalendarHasTheRequiredPropertiesAndFloatingTimes) {
    CalendarEvent e;
    e.uid = "consultation-7-3@nourish";
    e.start = "2026-12-31 23:30";
    e.minutes = 45;
    e.summary = "Consultation — Z. M.";
    e.description = "Follow-up, 45 minutes; Little Roots";
    e.location = "12 Orchard Lane\nBristol";
    std::string ics = icsCalendar({e}, "2026-11-26T12:00:00Z");
    auto lines = physicalLines(ics);
    ASSERT_FALSE(lines.empty());
    EXPECT_EQ(lines.front(), "BEGIN:VCALENDAR");
    EXPECT_EQ(lines.back(), "END:VCALENDAR");
    std::string text = unfold(ics);
    for (const char* expected :
         {"\r\nVERSION:2.0\r\n", "\r\nPRODID:-//Nourish//Consultations//EN\r\n", "\r\nBEGIN:VEVENT\r\n",
          "\r\nUID:consultation-7-3@nourish\r\n", "\r\nDTSTAMP:20261126T120000Z\r\n", "\r\nDTSTART:20261231T233000\r\n",
          "\r\nDTEND:20270101T001500\r\n", "\r\nSUMMARY:Consultation — Z. M.\r\n",
          "\r\nDESCRIPTION:Follow-up\\, 45 minutes\\; Little Roots\r\n", "\r\nLOCATION:12 Orchard Lane\\nBristol\r\n",
          "\r\nEND:VEVENT\r\n"})
        EXPECT_NE(text.find(expected), std::string::npos) << expected;
    for (const std::string& l : lines) EXPECT_LE(l.size(), 75u);
}

TEST(NoteText, TimesAreCheckedAndAddedAcrossMonthsAndYears) {
    EXPECT_EQ(parseLocalTime("2028-02-29 09:30", "at"), "2028-02-29 09:30");
    EXPECT_THROW(parseLocalTime("2027-02-29 09:30", "at"), BadInput);
    EXPECT_THROW(parseLocalTime("2026-03-14 24:00", "at"), BadInput);
    EXPECT_THROW(parseLocalTime("2026-03-14T09:30", "at"), BadInput);
    try {
        parseLocalTime("tomorrow", "at");
        FAIL();
    } catch (const BadInput& e) {
        EXPECT_EQ(std::string(e.what()), "at: 'tomorrow' is not a time like 2026-03-14 09:30");
    }
    EXPECT_THROW(parseDate("2026-13-01", "date"), BadInput);
    EXPECT_EQ(addMinutes("2026-01-31 23:50", 20), "2026-02-01 00:10");
    EXPECT_EQ(addMinutes("2028-02-28 12:00", 24 * 60), "2028-02-29 12:00");
    EXPECT_EQ(hoursBetween("2026-11-24T10:00:00Z", "2026-11-26T10:00:00Z"), 48);
}

TEST(NoteText, SearchQueriesCannotBeBrokenByPunctuation) {
    EXPECT_EQ(ftsQuery("soy yoghurt"), "\"soy\"* \"yoghurt\"*");
    EXPECT_EQ(ftsQuery("  \"soy\" OR (NEAR-yoghurt*) "), "\"soy\"* \"OR\"* \"NEAR\"* \"yoghurt\"*");
    EXPECT_EQ(ftsQuery("Ørsted crème"), "\"Ørsted\"* \"crème\"*");
    EXPECT_EQ(ftsQuery(" -- ; "), "");
}

TEST(NoteText, TextForARecordThatNeverChangesIsCheckedFirst) {
    EXPECT_TRUE(validText("Zoë's mother called;\tfine.\r\nAgain."));
    EXPECT_FALSE(validText(std::string("bad \xC3", 5))) << "a cut UTF-8 character";
    EXPECT_FALSE(validText("\xFF\xFE"));
    EXPECT_FALSE(validText(std::string("nul\0here", 8)));
    EXPECT_FALSE(validText("bell\a"));
}

TEST(NoteText, InitialsAndWords) {
    EXPECT_EQ(initials("Zoë", "Müller"), "Z. M.");
    EXPECT_EQ(initials("ørjan", "Østergaard"), "ø. Ø.") << "the first character, whatever the script";
    EXPECT_EQ(initials("Minh", ""), "M.");
    EXPECT_EQ(wordCount("Dry, red patches — on both cheeks."), 6);
    EXPECT_EQ(wordCount("crème brûlée isn't dairy-free"), 5);
    EXPECT_EQ(wordCount(""), 0);
}
