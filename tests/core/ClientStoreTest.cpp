#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "nourish/core/ClientStore.h"
#include "nourish/core/Dates.h"
#include "nourish/core/Errors.h"
#include "support/Clients.h"
#include "support/TempDir.h"

using namespace nourish;

namespace {
class ClientStoreTest : public ::testing::Test {
protected:
    void SetUp() override { store = std::make_unique<Store>(dir / "n.db"); }
    Client make(const std::string& given, const std::string& family, const std::string& dob = "2025-03-01") {
        return test::child(given, family, dob);
    }
    int64_t add(const Client& c) { return ClientStore(*store).create(c, actor); }
    std::string fieldOf(const Client& c) {
        try {
            ClientStore::validate(c);
        } catch (const ValidationError& e) {
            return e.field();
        }
        return "";
    }
    std::vector<std::string> namesFound(const std::string& query, StatusFilter f = StatusFilter::All) {
        std::vector<std::string> names;
        for (auto& c : ClientStore(*store).search(query, 50, f)) names.push_back(c.givenName + " " + c.familyName);
        return names;
    }
    nourish::test::TempDir dir;
    std::unique_ptr<Store> store;
    Actor actor{"claire", "test"};
};
}  // namespace

TEST_F(ClientStoreTest, CreateAndGet_KeepUnicodeAndPunctuationExactly) {
    Client c = make("Zoë 😀", "O'Brien; \"Müller\"");
    c.preferredName = "نور";
    Guardian g;
    g.name = "שרה כהן";
    g.email = "sara@example.org";
    g.emailConsent = true;
    c.guardians.push_back(g);
    int64_t id = add(c);
    Client back = ClientStore(*store).get(id);
    EXPECT_EQ(back.givenName, "Zoë 😀");
    EXPECT_EQ(back.familyName, "O'Brien; \"Müller\"");
    EXPECT_EQ(back.preferredName.value_or(""), "نور");
    ASSERT_EQ(back.guardians.size(), 1u);
    EXPECT_EQ(back.guardians[0].name, "שרה כהן");
    EXPECT_TRUE(back.guardians[0].emailConsent);
    EXPECT_TRUE(back.guardians[0].emailConsentAt.has_value());
}

TEST_F(ClientStoreTest, Validation_NamesTheField) {
    EXPECT_EQ(fieldOf(make("", "X")), "given_name");
    EXPECT_EQ(fieldOf(make("   ", "X")), "given_name");
    EXPECT_EQ(fieldOf(make("A", "")), "family_name");
    EXPECT_EQ(fieldOf(make(std::string(201, 'a'), "X")), "given_name");
    EXPECT_EQ(fieldOf(make(std::string(10000, 'a'), "X")), "given_name");
    EXPECT_EQ(fieldOf(make(std::string(200, 'a'), "X")), "");
    EXPECT_EQ(fieldOf(make("A\nB", "X")), "given_name");
    EXPECT_EQ(fieldOf(make("A", std::string("X\0Y", 3))), "family_name");
    EXPECT_EQ(fieldOf(make("A", "\xff\xfe")), "family_name");
    EXPECT_EQ(fieldOf(make("A", "X", "2025-13-45")), "date_of_birth");
    EXPECT_EQ(fieldOf(make("A", "X", "2025-02-29")), "date_of_birth");
    EXPECT_EQ(fieldOf(make("A", "X", "2024-02-29")), "");
    EXPECT_EQ(fieldOf(make("A", "X", "1.3.2025")), "date_of_birth");
    EXPECT_EQ(fieldOf(make("A", "X", std::to_string(Date::today().year + 1) + "-01-01")), "date_of_birth");
    EXPECT_EQ(fieldOf(make("A", "X", std::to_string(Date::today().year - 121) + "-01-01")), "date_of_birth");
    Client c = make("A", "X");
    c.sex = "robot";
    EXPECT_EQ(fieldOf(c), "sex");
    c = make("A", "X");
    c.guardians.push_back(Guardian{0, "Mum", {}, std::string("no-at-sign"), {}, false, {}, {}});
    EXPECT_EQ(fieldOf(c), "guardians[0].email");
    c.guardians[0].email = "mum@example.org\r\nBcc: x@example.org";
    EXPECT_EQ(fieldOf(c), "guardians[0].email");
    c.guardians[0].email.reset();
    c.guardians[0].emailConsent = true;
    EXPECT_EQ(fieldOf(c), "guardians[0].email_consent");
}

TEST_F(ClientStoreTest, InvalidClient_WritesNothing) {
    EXPECT_THROW(add(make("", "X")), ValidationError);
    EXPECT_EQ(ClientStore(*store).count(), 0);
    EXPECT_EQ(store->check().auditEvents, 1) << "only the event that sealed the new store";
}

TEST_F(ClientStoreTest, Search_FoldsDiacriticsAndMatchesPrefixes) {
    add(make("Zoë", "Müller"));
    add(make("Zoe", "Miller"));
    add(make("Freja", "Ørsted"));
    add(make("Minh", "Nguyễn"));
    EXPECT_EQ(namesFound("zoe").size(), 2u);
    EXPECT_EQ(namesFound("mül"), std::vector<std::string>{"Zoë Müller"});
    EXPECT_EQ(namesFound("MUL"), std::vector<std::string>{"Zoë Müller"});
    EXPECT_EQ(namesFound("nguyen"), std::vector<std::string>{"Minh Nguyễn"});
    EXPECT_EQ(namesFound("zo mi"), std::vector<std::string>{"Zoe Miller"});
    EXPECT_TRUE(namesFound("xyz").empty());
    EXPECT_TRUE(namesFound("\"; DROP TABLE clients; --").empty());
    EXPECT_EQ(ClientStore(*store).count(), 4);
}

TEST_F(ClientStoreTest, Search_FindsGuardianEmailAndName) {
    Client c = make("Oliver", "Bennett");
    c.guardians.push_back(Guardian{0, "Sarah Bennett", {}, std::string("sarah.b@example.org"), {}, true, {}, {}});
    add(c);
    add(make("Other", "Child"));
    EXPECT_EQ(namesFound("sarah.b@exa"), std::vector<std::string>{"Oliver Bennett"});
    EXPECT_EQ(namesFound("sarah"), std::vector<std::string>{"Oliver Bennett"});
}

TEST_F(ClientStoreTest, StatusFilter_SeparatesArchivedClients) {
    int64_t a = add(make("Anna", "Active"));
    int64_t b = add(make("Anna", "Archived"));
    ClientStore(*store).setStatus(b, "archived", actor);
    EXPECT_EQ(namesFound("anna", StatusFilter::Active), std::vector<std::string>{"Anna Active"});
    EXPECT_EQ(namesFound("anna", StatusFilter::Archived), std::vector<std::string>{"Anna Archived"});
    EXPECT_EQ(ClientStore(*store).list(StatusFilter::Active).size(), 1u);
    EXPECT_EQ(ClientStore(*store).count(StatusFilter::All), 2);
    (void)a;
}

TEST_F(ClientStoreTest, Update_ReplacesGuardiansAndReindexes) {
    Client c = make("Layla", "Haddad");
    c.guardians.push_back(Guardian{0, "Yasmin", {}, std::string("yasmin@example.org"), {}, false, {}, {}});
    c.guardians.push_back(Guardian{0, "Omar", {}, std::string("omar@example.org"), {}, false, {}, {}});
    int64_t id = add(c);
    Client stored = ClientStore(*store).get(id);
    stored.guardians.erase(stored.guardians.begin() + 1);
    stored.guardians[0].emailConsent = true;
    stored.familyName = "Haddad-Smith";
    ClientStore(*store).update(stored, actor);
    Client back = ClientStore(*store).get(id);
    ASSERT_EQ(back.guardians.size(), 1u);
    EXPECT_TRUE(back.guardians[0].emailConsent);
    EXPECT_EQ(back.guardians[0].id, stored.guardians[0].id);
    EXPECT_TRUE(namesFound("omar").empty());
    EXPECT_EQ(namesFound("smith").size(), 1u);
    Statement orphans(store->db(), "SELECT count(*) FROM guardians");
    orphans.step();
    EXPECT_EQ(orphans.int64(0), 1);
}

TEST_F(ClientStoreTest, Update_CannotHijackAnotherClientsGuardian) {
    Client a = make("A", "One");
    a.guardians.push_back(Guardian{0, "Parent of A", {}, std::string("a@example.org"), {}, false, {}, {}});
    int64_t idA = add(a);
    int64_t idB = add(make("B", "Two"));
    int64_t guardianOfA = ClientStore(*store).get(idA).guardians[0].id;
    Client b = ClientStore(*store).get(idB);
    b.guardians.push_back(Guardian{guardianOfA, "Renamed", {}, std::string("evil@example.org"), {}, false, {}, {}});
    ClientStore(*store).update(b, actor);
    EXPECT_EQ(ClientStore(*store).get(idA).guardians[0].name, "Parent of A");
}

TEST_F(ClientStoreTest, UnknownClient_IsNotFound) {
    EXPECT_THROW(ClientStore(*store).get(42), NotFoundError);
    Client c = make("A", "B");
    c.id = 42;
    EXPECT_THROW(ClientStore(*store).update(c, actor), NotFoundError);
}

TEST_F(ClientStoreTest, Json_RoundTripsAndNamesBadFields) {
    Client c = make("Zoë", "Müller");
    c.guardians.push_back(Guardian{0, "Hanna", std::string("mother"), std::string("h@example.org"), {}, true, {}, {}});
    int64_t id = add(c);
    nlohmann::json j = toJson(ClientStore(*store).get(id));
    Client back = clientFromJson(j);
    EXPECT_EQ(back.givenName, "Zoë");
    EXPECT_EQ(back.guardians.at(0).relationship.value_or(""), "mother");
    try {
        clientFromJson(nlohmann::json{{"given_name", "A"}, {"family_name", 7}, {"date_of_birth", "2025-01-01"}});
        FAIL();
    } catch (const ValidationError& e) {
        EXPECT_EQ(e.field(), "family_name");
    }
    try {
        clientFromJson(nlohmann::json{{"given_name", "A"}, {"family_name", "B"}, {"date_of_birth", "2025-01-01"},
                                      {"guardians", {{{"email", "x@example.org"}}}}});
        FAIL();
    } catch (const ValidationError& e) {
        EXPECT_EQ(e.field(), "guardians[0].name");
    }
}

TEST(SearchExpression, QuotesEveryWordAsPrefix) {
    EXPECT_EQ(searchExpression("zoe mül"), "\"zoe\"* \"mül\"*");
    EXPECT_EQ(searchExpression("  \"x\" OR y* "), "\"x\"* \"OR\"* \"y\"*");
    EXPECT_EQ(searchExpression("..."), "");
}

TEST_F(ClientStoreTest, CreateMany_IsAllOrNothing) {
    std::vector<Client> batch{make("A", "One"), make("B", "Two"), make("", "Broken"), make("D", "Four")};
    EXPECT_THROW(ClientStore(*store).createMany(batch, actor), ValidationError);
    EXPECT_EQ(ClientStore(*store).count(), 0);
    batch[2].givenName = "C";
    auto ids = ClientStore(*store).createMany(batch, actor);
    EXPECT_EQ(ids.size(), 4u);
    EXPECT_EQ(namesFound("thr").size() + namesFound("two").size(), 1u);
    auto report = store->check();
    EXPECT_TRUE(report.ok()) << (report.problems.empty() ? std::string() : report.problems.front());
    EXPECT_EQ(report.auditEvents, 1 + 1) << "the store sealed, then one import";
}

TEST_F(ClientStoreTest, FindDuplicates_ByNameAndBirthOrGuardianEmail) {
    Client zoe = make("Zoë", "Müller");
    zoe.guardians.push_back(Guardian{0, "Hanna", {}, std::string("hanna@example.org"), {}, false, {}, {}});
    int64_t id = add(zoe);
    EXPECT_EQ(ClientStore(*store).findDuplicates(make("zoë", "MÜLLER")).size(), 0u)
        << "NOCASE folds ASCII only; a different spelling is not claimed to be the same child";
    EXPECT_EQ(ClientStore(*store).findDuplicates(make("zoë", "müller")).size(), 1u) << "ASCII case is ignored";
    auto same = ClientStore(*store).findDuplicates(make("Zoë", "Müller"));
    ASSERT_EQ(same.size(), 1u);
    EXPECT_EQ(same[0].id, id);
    Client sibling = make("Leo", "Müller", "2023-01-01");
    sibling.guardians.push_back(Guardian{0, "Hanna", {}, std::string("HANNA@example.org"), {}, false, {}, {}});
    EXPECT_EQ(ClientStore(*store).findDuplicates(sibling).size(), 1u);
    EXPECT_TRUE(ClientStore(*store).findDuplicates(make("Other", "Child")).empty());
}

TEST_F(ClientStoreTest, EmptyQuery_ListsAlphabeticallyUpToTheLimit) {
    EXPECT_TRUE(ClientStore(*store).isEmpty());
    add(make("Zed", "Young"));
    add(make("Amy", "Adams"));
    add(make("Bob", "Brown"));
    EXPECT_FALSE(ClientStore(*store).isEmpty());
    auto two = ClientStore(*store).search("", 2);
    ASSERT_EQ(two.size(), 2u);
    EXPECT_EQ(two[0].familyName, "Adams");
    EXPECT_EQ(two[1].familyName, "Brown");
    EXPECT_EQ(ClientStore(*store).list(StatusFilter::All).size(), 3u);
}

TEST_F(ClientStoreTest, InvisibleFormattingInNamesAndEmails_IsRefusedWithTheCharacterNamed) {
    struct Case {
        Client c;
        std::string field, words;
    };
    std::vector<Case> cases;
    cases.push_back({make("Ann\u202Eevil.exe\u202C", "Spoof"), "given_name", "U+202E (right-to-left override)"});
    cases.push_back({make("Ann", "Sp\u2066oof"), "family_name", "U+2066 (left-to-right isolate)"});
    cases.push_back({make("Ann\u200B", "Zero"), "given_name", "U+200B (zero width space)"});
    Client mail = make("Ann", "Mail");
    mail.guardians.push_back(Guardian{0, "Mum", {}, std::string("mum\u202E@example.org"), {}, false, {}, {}});
    cases.push_back({mail, "guardians[0].email", "U+202E"});
    Client phone = make("Ann", "Phone");
    phone.guardians.push_back(Guardian{0, "Mum", {}, {}, std::string("+44\u200F 7700"), false, {}, {}});
    cases.push_back({phone, "guardians[0].phone", "U+200F (right-to-left mark)"});
    for (const Case& k : cases) {
        try {
            add(k.c);
            ADD_FAILURE() << k.field << " was accepted";
        } catch (const ValidationError& e) {
            EXPECT_EQ(e.field(), k.field);
            EXPECT_NE(std::string(e.what()).find(k.words), std::string::npos) << e.what();
        }
    }
    EXPECT_EQ(ClientStore(*store).count(), 0);
    // Hebrew, Arabic, Persian with its zero-width non-joiner, emoji with joiners: kept exactly.
    for (std::string name : {"נועה", "يوسف", "می\u200Cخواهم", "Zoë 👩\u200D👧"}) EXPECT_GT(add(make(name, "Kept")), 0) << name;
}
