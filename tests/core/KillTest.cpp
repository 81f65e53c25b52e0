// A writer killed with SIGKILL at random moments loses nothing it acknowledged
// and never leaves a damaged store.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <thread>

#include "nourish/core/ClientStore.h"
#include "support/TempDir.h"

using namespace nourish;

namespace {

[[noreturn]] void writeClientsForever(const std::filesystem::path& path, int ackFd) {
    try {
        Store store(path);
        ClientStore clients(store);
        for (int n = 0;; ++n) {
            Client c;
            c.givenName = "Kill";
            c.familyName = "Test " + std::to_string(n);
            c.dateOfBirth = "2025-01-01";
            c.guardians.push_back(Guardian{0, "Parent", {}, std::string("p" + std::to_string(n) + "@example.org"),
                                           {}, true, {}, {}});
            int64_t id = clients.create(c, {"writer", "test"});
            // Acknowledge only after the commit returned.
            if (::write(ackFd, &id, sizeof id) != sizeof id) _exit(3);
        }
    } catch (...) {
        _exit(2);
    }
}

}  // namespace

TEST(KillTest, SigkillAtRandomMoments_LosesNoAcknowledgedWrite) {
    nourish::test::TempDir dir;
    auto path = dir / "kill.db";
    { Store init(path); }
    std::mt19937 random(20261126);
    // Long enough, under a sanitizer too, for the writer to open the sealed store and commit.
    std::uniform_int_distribution<int> delayMs(5, 150);
    std::vector<int64_t> acknowledged;
    for (int round = 0; round < 50; ++round) {
        int fds[2];
        ASSERT_EQ(pipe(fds), 0);
        pid_t child = fork();
        ASSERT_GE(child, 0);
        if (child == 0) {
            close(fds[0]);
            writeClientsForever(path, fds[1]);
        }
        close(fds[1]);
        std::this_thread::sleep_for(std::chrono::milliseconds(delayMs(random)));
        kill(child, SIGKILL);
        int status = 0;
        waitpid(child, &status, 0);
        ASSERT_TRUE(WIFSIGNALED(status)) << "the writer stopped by itself with status " << status;
        int64_t id;
        while (read(fds[0], &id, sizeof id) == sizeof id) acknowledged.push_back(id);
        close(fds[0]);

        Store store(path);
        ClientStore clients(store);
        for (int64_t ack : acknowledged) ASSERT_TRUE(clients.exists(ack)) << "round " << round << ": lost client " << ack;
        auto report = store.check();
        ASSERT_TRUE(report.ok()) << "round " << round << ": " << report.problems.front();
    }
    EXPECT_GT(acknowledged.size(), 50u) << "the writer hardly wrote anything; the test proves little";
}
