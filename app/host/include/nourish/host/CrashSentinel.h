#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace nourish {

// Remembers which plugin the app was running when it died. Around plugin init
// a file names the plugin; around every other plugin call only a variable
// does, and a fatal-signal handler writes it out. A clean exit leaves no file.
class CrashSentinel {
public:
    struct Record {
        std::string pluginId;
        std::string phase;  // "initialising" or "running"
    };

    explicit CrashSentinel(std::filesystem::path file);
    ~CrashSentinel();

    // What the previous run left behind (then forgets it).
    std::optional<Record> takePrevious();

    void arm(const std::string& pluginId, const std::string& phase);  // writes the file
    void disarm();

    // Cheap marker for ordinary calls: no I/O unless the process dies.
    class CallScope {
    public:
        explicit CallScope(const std::string& pluginId);
        ~CallScope();
        CallScope(const CallScope&) = delete;
        CallScope& operator=(const CallScope&) = delete;

    private:
        char previous_[256];  // calls nest: a plugin may call into another
    };

private:
    std::filesystem::path file_;
};

}  // namespace nourish
