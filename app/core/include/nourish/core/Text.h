#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace nourish {

std::string trim(std::string_view text);
bool isValidUtf8(std::string_view text);
// Characters as a person counts them (code points), not bytes.
size_t codePointCount(std::string_view utf8);
// CR, LF, NUL and the other C0 controls (tab included) or DEL.
bool hasControlCharacters(std::string_view text);
// A number as a person writes it: "3", "2.5", never "3.000000".
std::string formatNumber(double value);

}  // namespace nourish
