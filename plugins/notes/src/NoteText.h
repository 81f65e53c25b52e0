// The text work of the notes plugin that needs no store: times, calendar
// files (RFC 5545), search queries, word counts, initials. Tests and the
// benchmark link it directly.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace notes {

// Input the practitioner can correct; the message names the field.
struct BadInput : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// "YYYY-MM-DD HH:MM" (local wall-clock time), checked to be a real time.
// Throws BadInput naming `field`.
std::string parseLocalTime(const std::string& text, const std::string& field);
// "YYYY-MM-DD", checked. Throws BadInput naming `field`.
std::string parseDate(const std::string& text, const std::string& field);
// Now and today on this machine's clock, local time, in the forms above.
std::string localNow();
std::string localToday();
// UTC now as "YYYY-MM-DDTHH:MM:SSZ".
std::string utcNow();
// Adds minutes to a local time ("YYYY-MM-DD HH:MM"), across days and months.
std::string addMinutes(const std::string& localTime, int minutes);
// Whole hours from a UTC timestamp to another (both "YYYY-MM-DDTHH:MM:SSZ").
int64_t hoursBetween(const std::string& fromUtc, const std::string& toUtc);

// "Zoë", "Andersen" -> "Z. A." (the first letter of each name, any script).
std::string initials(const std::string& given, const std::string& family);
// Valid UTF-8 without control characters other than tab and line breaks.
bool validText(std::string_view text);
// Words as a reader counts them: runs of letters or digits.
int wordCount(std::string_view text);

// An FTS5 query for what the practitioner typed: every word must appear (as
// a prefix), punctuation cannot break the query. Empty when nothing is left.
std::string ftsQuery(const std::string& typed);

// ---- calendar (RFC 5545) ----
struct CalendarEvent {
    std::string uid;
    std::string start;  // local "YYYY-MM-DD HH:MM" (a floating time)
    int minutes = 0;
    std::string summary, description, location;
    bool cancelled = false;  // STATUS:CANCELLED, SEQUENCE:1
};
// Escapes a TEXT value: backslash, semicolon, comma and newlines.
std::string icsEscape(std::string_view text);
// Folds a content line at 75 octets (CRLF + space), never inside a UTF-8
// character; the result ends with CRLF.
std::string icsFold(std::string_view line);
// A VCALENDAR with one VEVENT per event; stamp is UTC "YYYY-MM-DDTHH:MM:SSZ".
std::string icsCalendar(const std::vector<CalendarEvent>& events, const std::string& stamp);

}  // namespace notes
