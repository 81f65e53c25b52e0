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

// Whether the text holds right-to-left letters (Hebrew, Arabic, Syriac,
// Thaana, N'Ko and their presentation forms) or directional marks and
// controls: text that can reorder what stands beside it when shown.
inline bool hasRightToLeft(std::string_view text) {
    bool found = false;
    detail::forEachCodePoint(text, [&](char32_t cp) {
        found = (cp >= 0x0590 && cp <= 0x08FF) || (cp >= 0xFB1D && cp <= 0xFDFF) || (cp >= 0xFE70 && cp <= 0xFEFF) ||
                (cp >= 0x10800 && cp <= 0x10FFF) || (cp >= 0x1E800 && cp <= 0x1EFFF) || cp == 0x200F ||
                (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
        return !found;
    });
    return found;
}

// A piece of someone's text, ready to stand inside a sentence of ours (an
// email's subject and body, a line of a list): when it could reorder what is
// around it (hasRightToLeft), it is wrapped in a first strong isolate
// (U+2068 ... U+2069), so that "سارا's food plan" reads with "'s food plan"
// after the name; other text is returned as it is.
inline std::string isolated(std::string_view text) {
    if (!hasRightToLeft(text)) return std::string(text);
    return "\xE2\x81\xA8" + std::string(text) + "\xE2\x81\xA9";  // U+2068 ... U+2069
}

// A line of ours (in English) that holds someone's text: when it holds
// right-to-left letters it starts with a left-to-right mark (U+200E), so that
// it reads left to right even when its first word is a name in Arabic or
// Hebrew ("حداد, سارا" stays family, comma, given name, from the left).
inline std::string leftToRightLine(std::string_view line) {
    if (!hasRightToLeft(line)) return std::string(line);
    return "\xE2\x80\x8E" + std::string(line);  // U+200E
}

// The text without directional marks, embeddings, overrides and isolates
// (U+200E, U+200F, U+061C, U+202A-U+202E, U+2066-U+2069): for a file name,
// where they would only hide what the name says. Valid UTF-8 in, valid out.
inline std::string withoutDirectionalControls(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    size_t at = 0;
    detail::forEachCodePoint(text, [&](char32_t cp) {
        size_t n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        bool directional = cp == 0x200E || cp == 0x200F || cp == 0x061C || (cp >= 0x202A && cp <= 0x202E) ||
                           (cp >= 0x2066 && cp <= 0x2069);
        if (!directional) out.append(text.substr(at, n));
        at += n;
        return true;
    });
    return out;
}

}  // namespace nourish::text
