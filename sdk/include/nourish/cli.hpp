// Helpers for a plugin's nourish-cli commands (header-only, C++17): the words
// after the command taken apart into flags, options with a value and the rest,
// with one-line errors that name the option. Optional: plugin.hpp does not
// need it.
#ifndef NOURISH_CLI_HPP
#define NOURISH_CLI_HPP

#include "nourish/plugin.hpp"

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace nourish {

// A command line the practitioner can correct; the message starts with the
// option or argument it is about ("--minutes: needs a value"). Catch it in
// runCommand, print "error: " + what(), return 2.
struct UsageError : std::invalid_argument {
    using std::invalid_argument::invalid_argument;
};

class CommandArgs {
public:
    explicit CommandArgs(std::vector<std::string> args) : rest(std::move(args)) {}

    // The first word, taken off ("list" in `note list 1`).
    std::string subcommand() {
        if (rest.empty()) throw UsageError("subcommand: missing");
        std::string word = rest.front();
        rest.erase(rest.begin());
        return word;
    }
    // Takes `name` off if it is there.
    bool flag(const std::string& name) {
        auto it = std::find(rest.begin(), rest.end(), name);
        if (it == rest.end()) return false;
        rest.erase(it);
        return true;
    }
    // Takes `name VALUE` off if it is there.
    std::optional<std::string> option(const std::string& name) {
        auto it = std::find(rest.begin(), rest.end(), name);
        if (it == rest.end()) return std::nullopt;
        if (it + 1 == rest.end()) throw UsageError(name + ": needs a value");
        std::string value = *(it + 1);
        rest.erase(it, it + 2);
        return value;
    }
    std::string required(const std::string& name, const std::string& what) {
        auto v = option(name);
        if (!v) throw UsageError(name + ": is required (" + what + ")");
        return *v;
    }
    // After the options: exactly `count` words left, none looking like an option.
    void expect(size_t count, const std::string& what) const {
        for (const std::string& r : rest)
            if (r.rfind("--", 0) == 0) throw UsageError(r + ": is not an option here");
        if (rest.size() != count) throw UsageError(what);
    }

    std::vector<std::string> rest;
};

// A whole number typed for `field`, or UsageError naming it.
inline int parseInt(const std::string& text, const std::string& field) {
    try {
        size_t used = 0;
        int v = std::stoi(text, &used);
        if (used == text.size()) return v;
    } catch (const std::exception&) {
    }
    throw UsageError(field + ": '" + text + "' is not a whole number");
}

// A command's output file, by the host's rules (Host::checkFile/writeFile): a
// path they refuse is input the practitioner can correct, named as `option`
// ("--out: summary.pdf already exists; add --force to replace it").
namespace detail {
template <typename Fn>
void asOutputOption(const std::string& option, Fn&& fn) {
    try {
        fn();
    } catch (const Error& e) {
        if (e.status() == NOURISH_EXISTS) throw UsageError(option + ": " + e.what() + "; add --force to replace it");
        // Refused, or not writable there (no such folder, no permission, disk full): say so, by option.
        throw UsageError(option + ": " + e.what());
    }
}
}  // namespace detail
inline void checkOutputFile(const Host& host, const std::string& option, const std::string& path, bool force) {
    detail::asOutputOption(option, [&] { host.checkFile(path, force); });
}
inline void writeOutputFile(const Host& host, const std::string& option, const std::string& path,
                            std::string_view bytes, bool force) {
    detail::asOutputOption(option, [&] { host.writeFile(path, bytes, force); });
}

// Runs a command's body and turns what it throws into one line on `error`
// and the exit code: 2 for input the practitioner can correct (UsageError,
// the plugin's own `Input` exception, a host NOT_FOUND or INVALID), with
// `usage` after a missing or unknown subcommand; 1 for anything else.
template <typename Input, typename Body>
int runCommandBody(Body&& body, const Output& error, const std::string& usage) {
    auto said = [&](const char* what) {
        error << "error: " << what << "\n";
        if (std::string(what).find("subcommand") != std::string::npos) error << usage;
        return 2;
    };
    try {
        return body();
    } catch (const UsageError& e) {
        return said(e.what());
    } catch (const Input& e) {
        return said(e.what());
    } catch (const Error& e) {
        error << "error: " << e.what() << "\n";
        return e.status() == NOURISH_NOT_FOUND || e.status() == NOURISH_INVALID ? 2 : 1;
    } catch (const std::exception& e) {
        error << "error: " << e.what() << "\n";
        return 1;
    }
}

}  // namespace nourish

#endif  // NOURISH_CLI_HPP
