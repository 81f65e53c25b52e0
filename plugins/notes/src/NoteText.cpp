#include "NoteText.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <regex>

namespace notes {

namespace {

using namespace std::chrono;

bool realDate(int y, int m, int d) {
    return year_month_day{year{y}, month{unsigned(m)}, day{unsigned(d)}}.ok();
}

std::string format(const char* pattern, const std::tm& tm) {
    char buffer[32];
    std::strftime(buffer, sizeof buffer, pattern, &tm);
    return buffer;
}

std::tm localTm() {
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    localtime_r(&now, &tm);
    return tm;
}

sys_seconds parseUtc(const std::string& text) {
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
    if (std::sscanf(text.c_str(), "%d-%d-%dT%d:%d:%dZ", &y, &mo, &d, &h, &mi, &s) != 6) return {};
    return sys_days{year{y} / mo / d} + hours{h} + minutes{mi} + seconds{s};
}

// The length of the UTF-8 character that starts with this byte.
size_t charLength(unsigned char c) {
    if (c < 0x80) return 1;
    if ((c >> 5) == 0x6) return 2;
    if ((c >> 4) == 0xE) return 3;
    if ((c >> 3) == 0x1E) return 4;
    return 1;
}

std::string firstCharacter(const std::string& name) {
    size_t start = name.find_first_not_of(" \t");
    if (start == std::string::npos) return {};
    size_t n = charLength(static_cast<unsigned char>(name[start]));
    std::string c = name.substr(start, n);
    if (c.size() == 1) c[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(c[0])));
    return c;
}

}  // namespace

std::string parseLocalTime(const std::string& text, const std::string& field) {
    static const std::regex shape(R"(^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})$)");
    std::smatch m;
    if (!std::regex_match(text, m, shape))
        throw BadInput(field + ": '" + text + "' is not a time like 2026-03-14 09:30");
    int y = std::stoi(m[1]), mo = std::stoi(m[2]), d = std::stoi(m[3]), h = std::stoi(m[4]), mi = std::stoi(m[5]);
    if (!realDate(y, mo, d)) throw BadInput(field + ": " + m[1].str() + "-" + m[2].str() + "-" + m[3].str() + " is not a real date");
    if (h > 23 || mi > 59) throw BadInput(field + ": " + m[4].str() + ":" + m[5].str() + " is not a time of day");
    return text;
}

std::string parseDate(const std::string& text, const std::string& field) {
    static const std::regex shape(R"(^(\d{4})-(\d{2})-(\d{2})$)");
    std::smatch m;
    if (!std::regex_match(text, m, shape)) throw BadInput(field + ": '" + text + "' is not a date like 2026-03-14");
    if (!realDate(std::stoi(m[1]), std::stoi(m[2]), std::stoi(m[3])))
        throw BadInput(field + ": " + text + " is not a real date");
    return text;
}

std::string localNow() { return format("%Y-%m-%d %H:%M", localTm()); }
std::string localToday() { return format("%Y-%m-%d", localTm()); }

std::string utcNow() {
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    return format("%Y-%m-%dT%H:%M:%SZ", tm);
}

std::string addMinutes(const std::string& localTime, int minutesToAdd) {
    int y = 0, mo = 0, d = 0, h = 0, mi = 0;
    std::sscanf(localTime.c_str(), "%d-%d-%d %d:%d", &y, &mo, &d, &h, &mi);
    // Wall-clock arithmetic: the calendar has no time zone.
    sys_seconds t = sys_days{year{y} / mo / d} + hours{h} + minutes{mi} + minutes{minutesToAdd};
    sys_days day = floor<days>(t);
    year_month_day ymd{day};
    hh_mm_ss hms{t - day};
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u %02d:%02d", int(ymd.year()), unsigned(ymd.month()),
                  unsigned(ymd.day()), int(hms.hours().count()), int(hms.minutes().count()));
    return buffer;
}

int64_t hoursBetween(const std::string& fromUtc, const std::string& toUtc) {
    return duration_cast<hours>(parseUtc(toUtc) - parseUtc(fromUtc)).count();
}

std::string initials(const std::string& given, const std::string& family) {
    std::string result;
    for (const std::string* name : {&given, &family}) {
        std::string c = firstCharacter(*name);
        if (c.empty()) continue;
        if (!result.empty()) result += ' ';
        result += c + ".";
    }
    return result;
}

bool validText(std::string_view text) {
    for (size_t i = 0; i < text.size();) {
        auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return false;
        if (c == 0x7F) return false;
        size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        if (n == 0 || i + n > text.size()) return false;
        for (size_t k = 1; k < n; ++k)
            if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return false;
        i += n;
    }
    return true;
}

int wordCount(std::string_view text) {
    int count = 0;
    bool inWord = false;
    for (size_t i = 0; i < text.size();) {
        auto c = static_cast<unsigned char>(text[i]);
        size_t n = std::min(charLength(c), text.size() - i);
        bool letter;
        if (n == 1) {
            letter = std::isalnum(c) || c == '\'';
        } else {
            // No-break space and the General Punctuation block (dashes,
            // quotes, ellipsis) separate words; other characters are letters.
            uint32_t cp = c & (0xFF >> (n + 1));
            for (size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
            letter = cp != 0xA0 && (cp < 0x2000 || cp > 0x206F);
        }
        if (letter && !inWord) ++count;
        inWord = letter;
        i += n;
    }
    return count;
}

std::string ftsQuery(const std::string& typed) {
    std::string query, word;
    auto flush = [&] {
        if (word.empty()) return;
        if (!query.empty()) query += ' ';
        query += '"' + word + "\"*";
        word.clear();
    };
    for (unsigned char c : typed) {
        if (c >= 0x80 || std::isalnum(c)) word += static_cast<char>(c);
        else flush();
    }
    flush();
    return query;
}

std::string icsEscape(std::string_view text) {
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        switch (c) {
            case '\\': out += "\\\\"; break;
            case ';': out += "\\;"; break;
            case ',': out += "\\,"; break;
            case '\r':
                if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
                out += "\\n";
                break;
            case '\n': out += "\\n"; break;
            case '\t': out += c; break;
            default:
                // Other control characters have no place in a TEXT value.
                if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) out += c;
        }
    }
    return out;
}

std::string icsFold(std::string_view line) {
    std::string out;
    size_t used = 0;  // octets on the current physical line
    size_t i = 0;
    while (i < line.size()) {
        size_t n = charLength(static_cast<unsigned char>(line[i]));
        if (i + n > line.size()) n = line.size() - i;
        if (used + n > 75) {
            out += "\r\n ";
            used = 1;
        }
        out.append(line.substr(i, n));
        used += n;
        i += n;
    }
    return out + "\r\n";
}

std::string icsCalendar(const std::vector<CalendarEvent>& events, const std::string& stamp) {
    auto compact = [](std::string local) {  // "2026-03-14 09:30" -> "20260314T093000"
        std::string out;
        for (char c : local)
            if (std::isdigit(static_cast<unsigned char>(c))) out += c;
        return out.substr(0, 8) + "T" + out.substr(8, 4) + "00";
    };
    std::string utc;
    for (char c : stamp)
        if (std::isdigit(static_cast<unsigned char>(c))) utc += c;
    utc = utc.substr(0, 8) + "T" + utc.substr(8, 6) + "Z";

    std::string out;
    auto line = [&](const std::string& text) { out += icsFold(text); };
    line("BEGIN:VCALENDAR");
    line("VERSION:2.0");
    line("PRODID:-//Nourish//Consultations//EN");
    line("CALSCALE:GREGORIAN");
    line("METHOD:PUBLISH");
    for (const CalendarEvent& e : events) {
        line("BEGIN:VEVENT");
        line("UID:" + e.uid);
        line("DTSTAMP:" + utc);
        line("DTSTART:" + compact(e.start));
        line("DTEND:" + compact(addMinutes(e.start, e.minutes)));
        line("SUMMARY:" + icsEscape(e.summary));
        if (!e.description.empty()) line("DESCRIPTION:" + icsEscape(e.description));
        if (!e.location.empty()) line("LOCATION:" + icsEscape(e.location));
        line(std::string("STATUS:") + (e.cancelled ? "CANCELLED" : "CONFIRMED"));
        line(std::string("SEQUENCE:") + (e.cancelled ? "1" : "0"));
        line("TRANSP:OPAQUE");
        line("END:VEVENT");
    }
    line("END:VCALENDAR");
    return out;
}

}  // namespace notes
