#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace nourish {

std::string trim(std::string_view text);
bool isValidUtf8(std::string_view text);
// Characters as a person counts them (code points), not bytes.
size_t codePointCount(std::string_view utf8);
// CR, LF, NUL and the other C0 controls (tab included) or DEL.
bool hasControlCharacters(std::string_view text);
// For names, emails, phone numbers and identifiers: the first invisible
// formatting character, named ("U+202E (right-to-left override)"): the
// bidirectional controls U+202A-U+202E and U+2066-U+2069, the marks U+200E,
// U+200F and U+061C, and the invisible U+200B, U+2060-U+2064, U+FEFF, U+180E,
// U+00AD. Nothing when there is none. The joiners U+200C and U+200D stay
// allowed: Persian and Indic names and emoji need them.
std::optional<std::string> invisibleFormatCharacter(std::string_view utf8);
// For free text, which may hold Hebrew and Arabic and balanced isolates:
// what would make it display other than it is stored: an embedding or
// override (U+202A-U+202E), or an isolate (U+2066-U+2068) not closed by
// U+2069 (or a U+2069 that closes nothing). Nothing when there is none.
std::optional<std::string> bidiSpoofProblem(std::string_view utf8);
// A number as a person writes it: "3", "2.5", never "3.000000".
std::string formatNumber(double value);

}  // namespace nourish
