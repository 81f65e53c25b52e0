// What the app writes out of the store can never destroy anything.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "nourish/core/ClientStore.h"
#include "nourish/core/OutputFile.h"
#include "nourish/core/Store.h"
#include "support/Clients.h"
#include "support/TempDir.h"

using namespace nourish;
using nourish::test::readFile;
using nourish::test::TempDir;
using nourish::test::writeFile;
namespace fs = std::filesystem;

namespace {

class OutputFileTest : public ::testing::Test {
protected:
    void SetUp() override {
        store = std::make_unique<Store>(dir / "caseload.db");
        ClientStore(*store).create(nourish::test::child("Zoë"), {"t", "test"});
    }
    void expectRefused(const fs::path& target, bool replace, const std::string& words) {
        std::string before = fs::exists(target) && !fs::is_directory(target) ? readFile(target) : "";
        try {
            writeOutputFile(target, "%PDF-1.5 new bytes", store->path(), replace);
            ADD_FAILURE() << target << " was written";
        } catch (const OutputError& e) {
            EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
        }
        if (fs::exists(target) && !fs::is_directory(target)) {
            EXPECT_EQ(readFile(target), before);
        }
        expectNoTemporaryFiles();
    }
    void expectNoTemporaryFiles() {
        for (auto& entry : fs::directory_iterator(dir.path()))
            EXPECT_EQ(entry.path().filename().string().find(".part"), std::string::npos) << entry.path();
    }
    TempDir dir;
    std::unique_ptr<Store> store;
};

mode_t modeOf(const fs::path& p) {
    struct stat st{};
    ::stat(p.c_str(), &st);
    return st.st_mode & 0777;
}

}  // namespace

TEST_F(OutputFileTest, TheOpenStoreAndItsCompanions_AreRefusedEvenWhenReplacing) {
    for (bool replace : {false, true}) {
        expectRefused(dir / "caseload.db", replace, "is the open store");
        expectRefused(dir / "caseload.db-wal", replace, "is the open store");
        expectRefused(dir / "caseload.db-shm", replace, "is the open store");
        expectRefused(dir / "caseload.db-journal", replace, "is the open store");
        fs::create_directory(dir / "sub");
        expectRefused(dir / "sub" / ".." / "caseload.db", replace, "is the open store");
    }
    fs::create_symlink(dir / "caseload.db", dir / "link.pdf");
    expectRefused(dir / "link.pdf", true, "is the open store");
    EXPECT_EQ(ClientStore(*store).count(), 1);
    EXPECT_TRUE(store->check().ok());
}

TEST_F(OutputFileTest, AnySqliteDatabase_IsRefusedEvenWhenReplacing) {
    store->backupTo(dir / "backup.db", {"t", "test"});
    expectRefused(dir / "backup.db", true, "is an SQLite database");
    writeFile(dir / "backup.db-wal", "x");
    expectRefused(dir / "backup.db-wal", true, "belongs to an SQLite database");
    Store other(dir / "other.db");
    expectRefused(dir / "other.db", true, "is an SQLite database");
}

TEST_F(OutputFileTest, AnExistingFile_OnlyWhenReplacing_AndAFolderNever) {
    writeFile(dir / "summary.pdf", "old");
    expectRefused(dir / "summary.pdf", false, "already exists");
    writeOutputFile(dir / "summary.pdf", "new", store->path(), true);
    EXPECT_EQ(readFile(dir / "summary.pdf"), "new");
    fs::create_directory(dir / "folder");
    expectRefused(dir / "folder", true, "is a folder");
}

TEST_F(OutputFileTest, WrittenWholeAndPrivate) {
    std::string bytes(3 << 20, 'x');
    writeOutputFile(dir / "big.pdf", bytes, store->path(), false);
    EXPECT_EQ(readFile(dir / "big.pdf"), bytes);
    EXPECT_EQ(modeOf(dir / "big.pdf"), 0600u);
    writeFile(dir / "shared.csv", "old");
    ::chmod((dir / "shared.csv").c_str(), 0644);
    writeOutputFile(dir / "shared.csv", "new", store->path(), true);
    EXPECT_EQ(modeOf(dir / "shared.csv"), 0600u) << "a replaced file is health data too";
    expectNoTemporaryFiles();
}

TEST_F(OutputFileTest, AFolderThatDoesNotExist_FailsAndLeavesNothing) {
    try {
        writeOutputFile(dir / "missing" / "x.pdf", "bytes", store->path(), false);
        FAIL();
    } catch (const OutputError& e) {
        EXPECT_EQ(e.kind(), OutputError::Kind::Failed);
        EXPECT_NE(std::string(e.what()).find("missing/x.pdf"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(fs::exists(dir / "missing"));
}
