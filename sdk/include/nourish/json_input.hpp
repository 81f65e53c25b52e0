// JSON from outside (a file the practitioner gives, a document a plugin
// returns, answers typed in a form) read with limits: its size, how deeply it
// nests, its numbers and its keys are checked before it is used, so that no
// input can crash the reader or be read two ways. Header-only.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace nourish {

struct JsonLimits {
    size_t maxBytes = 16 * 1024 * 1024;
    int maxDepth = 64;
};

// What is wrong with the text, without the name of where it came from:
// "is nested deeper than 64 levels (at byte 65)".
class JsonInputError : public std::runtime_error {
public:
    JsonInputError(const std::string& message, size_t byte) : std::runtime_error(message), byte_(byte) {}
    size_t byte() const noexcept { return byte_; }

private:
    size_t byte_;
};

// Parses `text` or throws JsonInputError: larger than the limit, nested
// deeper than the limit (checked before parsing), not valid JSON, a number
// out of range (1e400), or an object with the same key twice.
inline nlohmann::json parseJsonInput(std::string_view text, const JsonLimits& limits = {}) {
    if (text.size() > limits.maxBytes)
        throw JsonInputError("is " + std::to_string(text.size()) + " bytes; at most " + std::to_string(limits.maxBytes) +
                                 " are read",
                             limits.maxBytes);
    int depth = 0;
    bool inString = false, escaped = false;
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (inString) {
            if (escaped) escaped = false;
            else if (c == '\\') escaped = true;
            else if (c == '"') inString = false;
        } else if (c == '"') {
            inString = true;
        } else if (c == '[' || c == '{') {
            if (++depth > limits.maxDepth)
                throw JsonInputError("is nested deeper than " + std::to_string(limits.maxDepth) + " levels (at byte " +
                                         std::to_string(i + 1) + ")",
                                     i + 1);
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    std::vector<std::set<std::string>> keys;
    std::string duplicate;
    auto callback = [&](int, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
        using E = nlohmann::json::parse_event_t;
        if (event == E::object_start) keys.emplace_back();
        else if (event == E::object_end && !keys.empty()) keys.pop_back();
        else if (event == E::key && !keys.empty() && !keys.back().insert(parsed.get<std::string>()).second &&
                 duplicate.empty())
            duplicate = parsed.get<std::string>();
        return true;
    };
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text.begin(), text.end(), callback);
    } catch (const nlohmann::json::parse_error& e) {
        throw JsonInputError("is not valid JSON (at byte " + std::to_string(e.byte) + ")", e.byte);
    } catch (const nlohmann::json::out_of_range&) {
        throw JsonInputError("holds a number too large to read", 0);
    }
    if (!duplicate.empty()) throw JsonInputError("holds the key \"" + duplicate + "\" twice in one object", 0);
    return j;
}

}  // namespace nourish
