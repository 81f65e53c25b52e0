#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nourish/host/CrashSentinel.h"
#include "support/TempDir.h"

using namespace nourish;

TEST(CrashSentinel, CleanRun_LeavesNothing) {
    nourish::test::TempDir dir;
    {
        CrashSentinel sentinel(dir / "s");
        sentinel.arm("org.example.p", "initialising");
        sentinel.disarm();
    }
    CrashSentinel next(dir / "s");
    EXPECT_FALSE(next.takePrevious());
}

TEST(CrashSentinel, DeathDuringInit_IsRememberedOnce) {
    nourish::test::TempDir dir;
    {
        CrashSentinel sentinel(dir / "s");
        sentinel.arm("org.example.p", "initialising");
    }  // no disarm: as if the process died here
    CrashSentinel next(dir / "s");
    auto record = next.takePrevious();
    ASSERT_TRUE(record);
    EXPECT_EQ(record->pluginId, "org.example.p");
    EXPECT_EQ(record->phase, "initialising");
    EXPECT_FALSE(next.takePrevious());
}

TEST(CrashSentinel, FatalSignalDuringACall_NamesThePlugin) {
    nourish::test::TempDir dir;
    pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        CrashSentinel sentinel(dir / "s");
        CrashSentinel::CallScope call("org.example.crashy");
        raise(SIGSEGV);
        _exit(0);
    }
    int status = 0;
    waitpid(child, &status, 0);
    // Killed by the signal, or (under a sanitizer, whose handler we chain to) exited non-zero.
    ASSERT_FALSE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CrashSentinel next(dir / "s");
    auto record = next.takePrevious();
    ASSERT_TRUE(record);
    EXPECT_EQ(record->pluginId, "org.example.crashy");
    EXPECT_EQ(record->phase, "running");
}
