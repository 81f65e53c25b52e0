#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <functional>
#include <cstdio>
#include <string>
#include <vector>

namespace nourish::test {

struct ProcessResult {
    int exitCode = -1;
    std::string output;  // stdout
    std::string error;   // stderr
};

inline std::string shellQuote(const std::string& s) {
    std::string q = "'";
    for (char c : s) {
        if (c == '\'') q += "'\\''";
        else q += c;
    }
    return q + "'";
}

// Runs a program with arguments (and extra "NAME=value" environment entries),
// capturing stdout and stderr separately.
inline ProcessResult runProcess(const std::string& program, const std::vector<std::string>& args,
                                const std::vector<std::string>& env = {}) {
    char errPath[] = "/tmp/nourish-stderr-XXXXXX";
    int fd = mkstemp(errPath);
    close(fd);
    std::string command = "env";
    for (auto& e : env) command += " " + shellQuote(e);
    command += " " + shellQuote(program);
    for (auto& a : args) command += " " + shellQuote(a);
    command += " 2>" + shellQuote(errPath) + " </dev/null";
    ProcessResult result;
    FILE* pipe = popen(command.c_str(), "r");
    std::array<char, 4096> buffer{};
    size_t n;
    while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.output.append(buffer.data(), n);
    int status = pclose(pipe);
    result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (FILE* err = fopen(errPath, "r")) {
        while ((n = fread(buffer.data(), 1, buffer.size(), err)) > 0) result.error.append(buffer.data(), n);
        fclose(err);
    }
    remove(errPath);
    return result;
}

// Runs `body` as an ordinary user and returns what it returned: in a child
// process that drops to "nobody" when the tests run as root (root may write
// to read-only files), else right here.
inline std::string asOrdinaryUser(const std::function<std::string()>& body) {
    if (geteuid() != 0) return body();
    int pipeFds[2];
    if (pipe(pipeFds) != 0) return "pipe failed";
    pid_t pid = fork();
    if (pid == 0) {
        close(pipeFds[0]);
        std::string result = (setgid(65534) == 0 && setuid(65534) == 0) ? body() : "cannot become nobody";
        ssize_t written = write(pipeFds[1], result.data(), result.size());
        _exit(written == ssize_t(result.size()) ? 0 : 1);
    }
    close(pipeFds[1]);
    std::string result;
    char buffer[512];
    ssize_t n;
    while ((n = read(pipeFds[0], buffer, sizeof buffer)) > 0) result.append(buffer, size_t(n));
    close(pipeFds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    return result;
}

}  // namespace nourish::test
