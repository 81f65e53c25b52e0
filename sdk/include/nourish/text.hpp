// Text a person typed, checked before it is kept: what could make it show
// other than it is written (Trojan Source, CVE-2021-42574). Header-only; the
// host checks names, emails and form answers with the same functions.
#pragma once

#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

namespace nourish::text {

namespace detail {
// Code points of valid UTF-8 (the callers check validity first).
template <typename Fn>
void forEachCodePoint(std::string_view text, Fn&& fn) {
    for (size_t i = 0; i < text.size();) {
        unsigned char c = static_cast<unsigned char>(text[i]);
        size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        if (i + n > text.size()) return;
        char32_t cp = n == 1 ? c : n == 2 ? c & 0x1F : n == 3 ? c & 0x0F : c & 0x07;
        for (size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
        if (!fn(cp)) return;
        i += n;
    }
}

inline const char* formatName(char32_t cp) {
    switch (cp) {
        case 0x202A: return "left-to-right embedding";
        case 0x202B: return "right-to-left embedding";
        case 0x202C: return "pop directional formatting";
        case 0x202D: return "left-to-right override";
        case 0x202E: return "right-to-left override";
        case 0x2066: return "left-to-right isolate";
        case 0x2067: return "right-to-left isolate";
        case 0x2068: return "first strong isolate";
        case 0x2069: return "pop directional isolate";
        case 0x200E: return "left-to-right mark";
        case 0x200F: return "right-to-left mark";
        case 0x061C: return "Arabic letter mark";
        case 0x200B: return "zero width space";
        case 0x2060: return "word joiner";
        case 0x2061: case 0x2062: case 0x2063: case 0x2064: return "invisible operator";
        case 0xFEFF: return "zero width no-break space";
        case 0x180E: return "Mongolian vowel separator";
        case 0x00AD: return "soft hyphen";
        default: return nullptr;
    }
}

inline std::string codePointName(char32_t cp, const char* name) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "U+%04X", unsigned(cp));
    return std::string(buffer) + " (" + name + ")";
}
}  // namespace detail

inline std::optional<std::string> invisibleFormatCharacter(std::string_view text) {
    std::optional<std::string> found;
    detail::forEachCodePoint(text, [&](char32_t cp) {
        if (const char* name = detail::formatName(cp)) found = detail::codePointName(cp, name);
        return !found;
    });
    return found;
}

inline std::optional<std::string> bidiSpoofProblem(std::string_view text) {
    std::optional<std::string> found;
    int open = 0;
    detail::forEachCodePoint(text, [&](char32_t cp) {
        if (cp >= 0x202A && cp <= 0x202E)
            found = "holds " + detail::codePointName(cp, detail::formatName(cp)) + ", which makes the text show other than it is written";
        else if (cp >= 0x2066 && cp <= 0x2068) ++open;
        else if (cp == 0x2069 && --open < 0) found = "holds a U+2069 (pop directional isolate) that closes nothing";
        else if (cp == '\n' || cp == 0x2029) {
            if (open > 0) found = "holds a directional isolate (U+2066-U+2068) that is not closed before the line ends";
            open = 0;
        }
        return !found;
    });
    if (!found && open > 0) found = "holds a directional isolate (U+2066-U+2068) that is never closed (U+2069)";
    return found;
}


}  // namespace nourish::text
