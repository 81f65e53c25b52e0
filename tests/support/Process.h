#pragma once

#include <sys/wait.h>

#include <array>
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

}  // namespace nourish::test
