// The store keeps its SQLite locks for as long as it is open, whatever else
// the process does with the store's files. A GTK file chooser listing the
// store's folder opens and closes those files; with plain POSIX locks that
// close drops every lock the process holds, the next process believes it is
// alone, checkpoints and deletes the live WAL, and writes are lost.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "nourish/core/ClientStore.h"
#include "nourish/core/Store.h"
#include "support/Clients.h"
#include "support/Process.h"
#include "support/TempDir.h"

using namespace nourish;
using nourish::test::child;
using nourish::test::TempDir;
namespace fs = std::filesystem;

namespace {

// What a file chooser does when it sniffs a file's type.
void openAndClose(const fs::path& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0) << path;
    char buffer[64];
    ASSERT_GE(::read(fd, buffer, sizeof buffer), 0);
    ::close(fd);
}

// Another process writing to the store with SQLite's own shell, into a table
// of its own (the store's tables are sealed: the shell cannot write them).
void writeFromAnotherProcess(const fs::path& store, const std::string& sql) {
    auto r = nourish::test::runProcess(
        "sqlite3", {"-bail", store.string(), ".timeout 5000", "CREATE TABLE IF NOT EXISTS probe (key TEXT PRIMARY KEY, value TEXT)", sql});
    ASSERT_EQ(r.exitCode, 0) << r.error;
}

std::string settingValue(Store& store, const std::string& key) {
    Statement s(store.db(), "SELECT value FROM probe WHERE key = ?1");
    s.bind(1, key);
    return s.step() ? s.text(0) : "";
}

}  // namespace

TEST(StoreLocks, ClosingAnotherDescriptorOfTheStoresFiles_KeepsTheLocksAndLosesNothing) {
    TempDir dir;
    fs::path path = dir / "s.db";
    {
        Store store(path);
        ClientStore(store).create(child("Before"), {"t", "test"});
    }
    auto store = std::make_unique<Store>(path, Store::Open::ExistingOnly);
    ClientStore(*store).create(child("Opened"), {"t", "test"});  // the WAL and -shm are live now
    ASSERT_TRUE(fs::exists(fs::path(path.string() + "-wal")));

    for (const char* suffix : {"", "-wal", "-shm"}) openAndClose(path.string() + suffix);
    writeFromAnotherProcess(path, "INSERT INTO probe(key, value) VALUES ('from.other', 'kept')");

    EXPECT_TRUE(store->filesIntact()) << "the store writes into a deleted -wal or -shm";
    ClientStore(*store).create(child("After"), {"t", "test"});
    EXPECT_EQ(settingValue(*store, "from.other"), "kept") << "the other process's write is not seen";
    store.reset();

    Store reopened(path, Store::Open::ExistingOnly);
    EXPECT_EQ(settingValue(reopened, "from.other"), "kept");
    EXPECT_EQ(ClientStore(reopened).count(), 3) << "a write made after the descriptor closed was lost";
    // The shell's table was made outside Nourish, and the check says so; nothing else is amiss.
    auto report = reopened.check();
    ASSERT_FALSE(report.problems.empty());
    for (const std::string& p : report.problems) EXPECT_NE(p.find("probe"), std::string::npos) << p;
}

TEST(StoreLocks, AnotherProcessSeesTheStoreInUse_AfterADescriptorClosed) {
    TempDir dir;
    fs::path path = dir / "s.db";
    Store store(path);
    ClientStore(store).create(child("Zoë"), {"t", "test"});
    openAndClose(path);
    openAndClose(path.string() + "-shm");
    // The shell's last close checkpoints and deletes the WAL only when it is alone.
    writeFromAnotherProcess(path, "SELECT count(*) FROM clients");
    EXPECT_TRUE(fs::exists(fs::path(path.string() + "-wal"))) << "the other process thought it was alone";
    EXPECT_TRUE(fs::exists(fs::path(path.string() + "-shm")));
    EXPECT_TRUE(store.filesIntact());
}

TEST(StoreLocks, TwoConnectionsInOneProcess_StillShareTheirLocksLikeOne) {
    TempDir dir;
    fs::path path = dir / "s.db";
    Store first(path);
    {
        Store second(path, Store::Open::ExistingOnly);
        ClientStore(second).create(child("Second"), {"t", "test"});
    }  // closing one connection must not take the other's locks with it
    ClientStore(first).create(child("First"), {"t", "test"});
    writeFromAnotherProcess(path, "SELECT count(*) FROM clients");
    EXPECT_TRUE(fs::exists(fs::path(path.string() + "-wal")));
    EXPECT_EQ(ClientStore(first).count(), 2);
    EXPECT_TRUE(first.filesIntact());
}

TEST(StoreLocks, ClosingTheStore_ReleasesEveryLock) {
    TempDir dir;
    fs::path path = dir / "s.db";
    {
        Store first(path);
        Store second(path, Store::Open::ExistingOnly);
        ClientStore(first).create(child("First"), {"t", "test"});
        Statement reading(second.db(), "SELECT count(*) FROM clients");  // holds a read snapshot
        ASSERT_TRUE(reading.step());
        ClientStore(first).create(child("Second"), {"t", "test"});
        openAndClose(path);
    }
    // Alone now, the shell may take the store whole, and folds the WAL away when it leaves.
    writeFromAnotherProcess(path, "BEGIN EXCLUSIVE; INSERT INTO probe(key, value) VALUES ('x', 'y'); COMMIT");
    EXPECT_FALSE(fs::exists(fs::path(path.string() + "-wal"))) << "a lock outlived the connections that took it";
    Store reopened(path, Store::Open::ExistingOnly);
    EXPECT_EQ(ClientStore(reopened).count(), 2);
    EXPECT_EQ(settingValue(reopened, "x"), "y");
}
