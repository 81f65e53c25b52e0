#include "nourish/host/CrashSentinel.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cstring>
#include <fstream>

namespace nourish {

namespace {

// Only async-signal-safe state: fixed buffers written before any crash.
char gSentinelPath[4096];
char gCurrentPlugin[256];
char gPhase[32] = "running";
volatile sig_atomic_t gHandlersInstalled = 0;

constexpr int kFatalSignals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
struct sigaction gPrevious[32];

void onFatalSignal(int signal) {
    if (gCurrentPlugin[0] && gSentinelPath[0]) {
        int fd = ::open(gSentinelPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd >= 0) {
            ssize_t ignored = ::write(fd, gCurrentPlugin, std::strlen(gCurrentPlugin));
            ignored = ::write(fd, "\n", 1);
            ignored = ::write(fd, gPhase, std::strlen(gPhase));
            ignored = ::write(fd, "\n", 1);
            (void)ignored;
            ::close(fd);
        }
    }
    // Hand the signal on to whoever handled it before us (the default action,
    // a sanitizer, a debugger): it is delivered again once we return.
    sigaction(signal, &gPrevious[signal], nullptr);
    ::raise(signal);
}

void installHandlers() {
    if (gHandlersInstalled) return;
    struct sigaction action {};
    action.sa_handler = onFatalSignal;
    sigemptyset(&action.sa_mask);
    for (int s : kFatalSignals) sigaction(s, &action, &gPrevious[s]);
    gHandlersInstalled = 1;
}

void copyInto(char* buffer, size_t size, const std::string& text) {
    size_t n = std::min(size - 1, text.size());
    std::memcpy(buffer, text.data(), n);
    buffer[n] = '\0';
}

}  // namespace

CrashSentinel::CrashSentinel(std::filesystem::path file) : file_(std::move(file)) {
    copyInto(gSentinelPath, sizeof gSentinelPath, file_.string());
    copyInto(gPhase, sizeof gPhase, "running");
    gCurrentPlugin[0] = '\0';
    installHandlers();
}

CrashSentinel::~CrashSentinel() { gCurrentPlugin[0] = '\0'; }

std::optional<CrashSentinel::Record> CrashSentinel::takePrevious() {
    std::ifstream in(file_);
    if (!in) return std::nullopt;
    Record record;
    std::getline(in, record.pluginId);
    std::getline(in, record.phase);
    in.close();
    std::filesystem::remove(file_);
    if (record.pluginId.empty()) return std::nullopt;
    return record;
}

void CrashSentinel::arm(const std::string& pluginId, const std::string& phase) {
    copyInto(gCurrentPlugin, sizeof gCurrentPlugin, pluginId);
    copyInto(gPhase, sizeof gPhase, phase);
    std::ofstream out(file_, std::ios::trunc);
    out << pluginId << '\n' << phase << '\n';
}

void CrashSentinel::disarm() {
    gCurrentPlugin[0] = '\0';
    copyInto(gPhase, sizeof gPhase, "running");
    std::error_code ec;
    std::filesystem::remove(file_, ec);
}

CrashSentinel::CallScope::CallScope(const std::string& pluginId) {
    std::memcpy(previous_, gCurrentPlugin, sizeof previous_);
    copyInto(gCurrentPlugin, sizeof gCurrentPlugin, pluginId);
}

CrashSentinel::CallScope::~CallScope() { std::memcpy(gCurrentPlugin, previous_, sizeof previous_); }

}  // namespace nourish
