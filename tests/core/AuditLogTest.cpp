#include <gtest/gtest.h>

#include "nourish/core/AuditLog.h"
#include "nourish/core/ClientStore.h"
#include "support/Clients.h"
#include "support/TempDir.h"

using namespace nourish;

namespace {
class AuditLogTest : public ::testing::Test {
protected:
    void SetUp() override {
        store = std::make_unique<Store>(dir / "n.db");
        for (const char* name : {"Zoë", "Oliver", "Minh", "Freja"})
            ids.push_back(ClientStore(*store).create(test::child(name, "Test"), {"claire", "test"}));
    }
    bool problemMentions(const std::string& word) {
        for (auto& p : store->check().problems)
            if (p.find(word) != std::string::npos) return true;
        return false;
    }
    nourish::test::TempDir dir;
    std::unique_ptr<Store> store;
    std::vector<int64_t> ids;
};
}  // namespace

TEST_F(AuditLogTest, EveryClientChangeIsRecorded) {
    auto events = AuditLog(*store).forClient(ids[0]);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].action, "client.create");
    EXPECT_EQ(events[0].actor, "claire");
    Client c = ClientStore(*store).get(ids[0]);
    c.familyName = "Changed";
    ClientStore(*store).update(c, {"claire", "test"});
    EXPECT_EQ(AuditLog(*store).forClient(ids[0]).front().action, "client.update");
    EXPECT_TRUE(store->check().ok());
}

TEST_F(AuditLogTest, EditedEvent_IsDetected) {
    store->db().exec("UPDATE audit_events SET actor = 'someone else' WHERE id = 2");
    EXPECT_TRUE(problemMentions("event 2 was changed"));
}

TEST_F(AuditLogTest, DeletedEvent_IsDetected) {
    store->db().exec("DELETE FROM audit_events WHERE id = 2");
    EXPECT_TRUE(problemMentions("event 2 is missing"));
}

TEST_F(AuditLogTest, DeletedNewestEvent_IsDetected) {
    store->db().exec("DELETE FROM audit_events WHERE id = 4");
    EXPECT_TRUE(problemMentions("head"));
}

TEST_F(AuditLogTest, ReorderedEvents_AreDetected) {
    // Swap the contents of events 2 and 3, hashes included.
    store->db().exec(
        "UPDATE audit_events SET id = -2 WHERE id = 2; UPDATE audit_events SET id = 2 WHERE id = 3; "
        "UPDATE audit_events SET id = 3 WHERE id = -2;");
    EXPECT_TRUE(problemMentions("does not follow"));
}

TEST_F(AuditLogTest, ChainHoldsAcrossReopen) {
    store.reset();
    store = std::make_unique<Store>(dir / "n.db");
    ClientStore(*store).create(test::child("Layla", "Haddad"), {"claire", "test"});
    auto report = store->check();
    EXPECT_TRUE(report.ok()) << (report.problems.empty() ? "" : report.problems.front());
    EXPECT_EQ(report.auditEvents, 5 + 1) << "the event that sealed the new store, and five of clients";
}
