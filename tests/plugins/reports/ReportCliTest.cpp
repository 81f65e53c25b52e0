// `nourish-cli report` on the demo caseload: one family's summary with every
// plugin's sections, nobody else's data, an audit event with the PDF's hash,
// and bad input refused with nothing written.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "nourish/core/AuditLog.h"
#include "nourish/core/ClientStore.h"
#include "nourish/core/Store.h"
#include "support/Process.h"
#include "support/TempDir.h"

using nlohmann::json;
using nourish::test::ProcessResult;
using nourish::test::runProcess;

namespace {

class ReportCliTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto r = cli({"store", "demo"});
        ASSERT_EQ(r.exitCode, 0) << r.error;
        nourish::Store store(dir / "n.db");
        ollie = nourish::ClientStore(store).search("bennett", 1)[0].id;
    }
    ProcessResult cli(std::vector<std::string> args) {
        args.insert(args.begin(), {"--store", (dir / "n.db").string()});
        return runProcess(NOURISH_CLI, args, {"XDG_DATA_HOME=" + (dir / "xdg").string(), "NOURISH_PLUGIN_PATH="});
    }
    std::string text(const std::filesystem::path& pdf) { return runProcess("pdftotext", {pdf.string(), "-"}).output; }
    nourish::test::TempDir dir;
    int64_t ollie = 0;
};

std::string sha256Of(const std::filesystem::path& path) {
    auto r = runProcess("sha256sum", {path.string()});
    return r.output.substr(0, 64);
}

}  // namespace

// A section with nothing to say for a client (no blocks) is left out whole,
// heading and all; for another client the same section is there.
TEST_F(ReportCliTest, ASectionWithNothingForThisClient_IsLeftOutHeadingAndAll) {
    auto pdf = [&](const std::string& who) {
        nourish::Store store(dir / "n.db");
        int64_t id = nourish::ClientStore(store).search(who, 1)[0].id;
        std::filesystem::path out = dir / (who + ".pdf");
        auto r = runProcess(NOURISH_CLI, {"--store", (dir / "n.db").string(), "report", "pdf", std::to_string(id), "--out", out.string()},
                            {"XDG_DATA_HOME=" + (dir / "xdg").string(),
                             "NOURISH_PLUGIN_PATH=" + std::string(NOURISH_TEST_PLUGIN_ROOT) + "/good"});
        EXPECT_EQ(r.exitCode, 0) << r.error;
        return text(out);
    };
    std::string ollies = pdf("bennett"), mayas = pdf("patel");
    EXPECT_NE(ollies.find("Greeting"), std::string::npos) << ollies;
    EXPECT_NE(ollies.find("Hello "), std::string::npos);
    EXPECT_EQ(mayas.find("Greeting"), std::string::npos) << "no heading over nothing: " << mayas;
    EXPECT_NE(mayas.find("Plan summary for Maya"), std::string::npos);
}

TEST_F(ReportCliTest, OneFamilysSummaryWithEverySection_AndNobodyElses) {
    auto r = cli({"report", "pdf", std::to_string(ollie), "--out", (dir / "ollie.pdf").string()});
    ASSERT_EQ(r.exitCode, 0) << r.error;
    EXPECT_EQ(runProcess("qpdf", {"--check", (dir / "ollie.pdf").string()}).exitCode, 0);
    std::string t = text(dir / "ollie.pdf");
    for (const char* expected : {"Plan summary for Ollie Bennett", "About Ollie", "Your last consultation",
                                 "Ollie's food plan", "Coconut yoghurt", "milk ladder", "Little Roots Nutrition",
                                 "If Ollie reacts", "Call 999 at once", "Growing well", "How to replace what is removed",
                                 "page 1 of 4", "page 4 of 4"})
        EXPECT_NE(t.find(expected), std::string::npos) << expected;
    for (const char* other : {"Zoë", "Müller", "Nguy", "Freja", "Haddad", "Patel", "Layla"})
        EXPECT_EQ(t.find(other), std::string::npos) << other;

    // The export is an audit event with the hash of exactly this file.
    std::string hash = sha256Of(dir / "ollie.pdf");
    EXPECT_NE(r.output.find(hash), std::string::npos) << r.output;
    nourish::Store store(dir / "n.db");
    bool audited = false;
    for (const auto& e : nourish::AuditLog(store).forClient(ollie))
        if (e.action == "org.nourish.reports:report.pdf") audited = json::parse(e.detail)["sha256"] == hash;
    EXPECT_TRUE(audited);
}

TEST_F(ReportCliTest, ASectionCanBeLeftOut) {
    ASSERT_EQ(cli({"report", "pdf", std::to_string(ollie), "--out", (dir / "a.pdf").string(), "--without",
                   "last-consultation, org.intake/none"})
                  .exitCode,
              2)
        << "an unknown section is refused";
    EXPECT_FALSE(std::filesystem::exists(dir / "a.pdf"));
    auto r = cli({"report", "pdf", std::to_string(ollie), "--out", (dir / "a.pdf").string(), "--without",
                  "last-consultation,org.nourish.intake/about-child"});
    ASSERT_EQ(r.exitCode, 0) << r.error;
    std::string t = text(dir / "a.pdf");
    EXPECT_EQ(t.find("Your last consultation"), std::string::npos);
    EXPECT_EQ(t.find("About Ollie"), std::string::npos);
    EXPECT_NE(t.find("Ollie's food plan"), std::string::npos);
}

// The number a family is told to call comes from Practice settings: the
// country's, or the one typed; bad values are refused by name.
TEST_F(ReportCliTest, TheEmergencyNumberComesFromThePracticeSettings) {
    std::string id = std::to_string(ollie);
    auto summary = [&] {
        std::filesystem::remove(dir / "e.pdf");
        auto r = cli({"report", "pdf", id, "--out", (dir / "e.pdf").string()});
        EXPECT_EQ(r.exitCode, 0) << r.error;
        std::string t = text(dir / "e.pdf");
        for (size_t at = t.find('\n'); at != std::string::npos; at = t.find('\n', at)) t[at] = ' ';
        return t;
    };
    EXPECT_NE(summary().find("Call 999 at once if Ollie has any of these"), std::string::npos) << "GB, as the demo";
    ASSERT_EQ(cli({"settings", "set", "practice.country", "ie"}).exitCode, 0);
    EXPECT_EQ(cli({"settings", "get", "practice.country"}).output, "IE\n");
    std::string ie = summary();
    EXPECT_NE(ie.find("Call 112 at once"), std::string::npos);
    EXPECT_EQ(ie.find("999"), std::string::npos);
    ASSERT_EQ(cli({"settings", "set", "practice.emergency_number", "911"}).exitCode, 0);
    EXPECT_NE(summary().find("Call 911 at once"), std::string::npos) << "the typed number wins";
    ASSERT_EQ(cli({"settings", "set", "practice.emergency_number", ""}).exitCode, 0);
    ASSERT_EQ(cli({"settings", "set", "practice.country", ""}).exitCode, 0);
    EXPECT_NE(summary().find("your emergency number (999 in the UK, 112 in Europe, 911 in North America)"),
              std::string::npos)
        << "nothing set: the family still reads which number to call";

    auto bad = cli({"settings", "set", "practice.country", "Ireland"});
    EXPECT_EQ(bad.exitCode, 2);
    EXPECT_NE(bad.error.find("practice.country: 'IRELAND' is not a two-letter country code"), std::string::npos) << bad.error;
    bad = cli({"settings", "set", "practice.emergency_number", "99a"});
    EXPECT_EQ(bad.exitCode, 2);
    EXPECT_NE(bad.error.find("practice.emergency_number: '99a' is not an emergency number"), std::string::npos) << bad.error;
    EXPECT_EQ(cli({"settings", "get", "practice.emergency_number"}).exitCode, 1) << "nothing stored";
}

TEST_F(ReportCliTest, BadInputIsRefusedAndNothingIsWritten) {
    struct Case {
        std::vector<std::string> args;
        std::string says;
    };
    std::vector<Case> cases = {
        {{"report", "pdf", "999", "--out", (dir / "x.pdf").string()}, "no client with id 999"},
        {{"report", "pdf", "abc", "--out", (dir / "x.pdf").string()}, "client: 'abc'"},
        {{"report", "pdf", std::to_string(ollie)}, "--out: is required"},
        {{"report", "pdf", std::to_string(ollie), "--out", (dir / "no" / "dir" / "x.pdf").string()}, "out: cannot write"},
        {{"report", "fax", std::to_string(ollie)}, "unknown 'report fax'"},
    };
    for (const Case& c : cases) {
        auto r = cli(c.args);
        EXPECT_EQ(r.exitCode, 2) << c.args[1];
        EXPECT_NE(r.error.find(c.says), std::string::npos) << r.error;
    }
    EXPECT_FALSE(std::filesystem::exists(dir / "x.pdf"));
    for (const auto& entry : std::filesystem::directory_iterator(dir.path()))
        EXPECT_EQ(entry.path().filename().string().find(".part"), std::string::npos) << entry.path();
}

namespace {
mode_t modeOf(const std::filesystem::path& p) {
    struct stat st{};
    ::stat(p.c_str(), &st);
    return st.st_mode & 0777;
}
}  // namespace

TEST_F(ReportCliTest, NoOutputCanDestroyTheStore_OrAnythingElse) {
    // Every command that writes a file, pointed at the store, its WAL, a
    // backup and an existing file: refused by name, exit 2, nothing changed.
    ASSERT_EQ(cli({"store", "backup", (dir / "backup.db").string()}).exitCode, 0);
    nourish::test::writeFile(dir / "old.pdf", "old");
    std::string id = std::to_string(ollie);
    std::vector<std::vector<std::string>> writers = {
        {"report", "pdf", id, "--out"}, {"consult", "ics", "--out"}, {"client", "export"}};
    for (const auto& writer : writers) {
        for (auto [target, force, words] :
             {std::tuple{"n.db", true, "is the open store"}, std::tuple{"n.db-wal", true, "is the open store"},
              std::tuple{"n.db-shm", true, "is the open store"}, std::tuple{"backup.db", true, "is an SQLite database"},
              std::tuple{"old.pdf", false, "already exists"}}) {
            std::vector<std::string> args = writer;
            args.push_back((dir / target).string());
            if (force) args.push_back("--force");
            auto r = cli(args);
            EXPECT_EQ(r.exitCode, 2) << writer[0] << " " << target << ": " << r.output << r.error;
            EXPECT_NE(r.error.find(words), std::string::npos) << writer[0] << " " << target << ": " << r.error;
        }
        EXPECT_EQ(nourish::test::readFile(dir / "old.pdf"), "old");
    }
    auto check = cli({"store", "check"});
    EXPECT_EQ(check.exitCode, 0) << check.output;
    EXPECT_NE(check.output.find("12 clients"), std::string::npos) << check.output;

    // --force replaces a file that is not a database; every output is private.
    for (const auto& writer : writers) {
        std::vector<std::string> args = writer;
        args.push_back((dir / "old.pdf").string());
        args.push_back("--force");
        auto r = cli(args);
        EXPECT_EQ(r.exitCode, 0) << writer[0] << ": " << r.error;
        EXPECT_EQ(modeOf(dir / "old.pdf"), 0600u) << writer[0];
    }
    for (const auto& writer : writers) {
        std::vector<std::string> args = writer;
        args.push_back((dir / ("new-" + writer[0])).string());
        ASSERT_EQ(cli(args).exitCode, 0) << writer[0];
        EXPECT_EQ(modeOf(dir / ("new-" + writer[0])), 0600u) << writer[0] << " holds health data";
    }
    for (const auto& entry : std::filesystem::directory_iterator(dir.path()))
        EXPECT_EQ(entry.path().filename().string().find(".part"), std::string::npos) << entry.path();
}
