#include "nourish/core/AuditLog.h"

#include "nourish/core/Dates.h"
#include "nourish/core/Hash.h"

namespace nourish {

namespace {
const char* kGenesis = "0000000000000000000000000000000000000000000000000000000000000000";

std::string eventHash(const std::string& prev, const AuditEvent& e) {
    // A unit separator between fields so that no two field lists hash alike.
    std::string text = prev;
    for (const std::string& part :
         {std::to_string(e.id), e.at, e.actor, e.source, e.action,
          e.clientId ? std::to_string(*e.clientId) : std::string(), e.detail}) {
        text += '\x1f';
        text += part;
    }
    return sha256Hex(text);
}
}  // namespace

void AuditLog::record(const Actor& actor, const std::string& action, std::optional<int64_t> clientId,
                      const std::string& detailJson) {
    Transaction sp(db_);
    std::string prev = kGenesis;
    int64_t count = 0;
    {
        StatementScope head(db_.cached("SELECT value FROM settings WHERE key = 'audit.head'"));
        if (head->step()) {
            std::string value = head->text(0);  // "<count>:<hash>"
            auto colon = value.find(':');
            count = std::stoll(value.substr(0, colon));
            prev = value.substr(colon + 1);
        }
    }
    AuditEvent e;
    {
        StatementScope last(db_.cached("SELECT coalesce(max(id), 0) + 1 FROM audit_events"));
        last->step();
        e.id = last->int64(0);
    }
    e.at = nowUtc();
    e.actor = actor.who;
    e.source = actor.source;
    e.action = action;
    e.clientId = clientId;
    e.detail = detailJson;
    std::string hash = eventHash(prev, e);

    Statement& insert = db_.cached(
        "INSERT INTO audit_events (id, at, actor, source, action, client_id, detail, prev_hash, hash) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    insert.bind(1, e.id).bind(2, e.at).bind(3, e.actor).bind(4, e.source).bind(5, e.action);
    if (clientId) insert.bind(6, *clientId);
    else insert.bind(6, nullptr);
    if (detailJson.empty()) insert.bind(7, nullptr);
    else insert.bind(7, detailJson);
    insert.bind(8, prev).bind(9, hash).run();

    db_.cached("INSERT INTO settings (key, value) VALUES ('audit.head', ?1) "
               "ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        .bind(1, std::to_string(count + 1) + ":" + hash)
        .run();
    sp.commit();
}

std::vector<AuditEvent> AuditLog::forClient(int64_t clientId, int limit) {
    std::vector<AuditEvent> events;
    StatementScope s(db_.cached(
        "SELECT id, at, actor, source, action, client_id, coalesce(detail, '') FROM audit_events "
        "WHERE client_id = ?1 ORDER BY id DESC LIMIT ?2"));
    s->bind(1, clientId).bind(2, limit);
    while (s->step())
        events.push_back({s->int64(0), s->text(1), s->text(2), s->text(3), s->text(4), s->int64(5), s->text(6)});
    return events;
}

AuditLog::Verification AuditLog::verify() {
    Verification result;
    Statement s(db_, "SELECT id, at, actor, source, action, client_id, coalesce(detail, ''), prev_hash, hash "
                     "FROM audit_events ORDER BY id");
    std::string prev = kGenesis;
    int64_t expectedId = 1;
    while (s.step()) {
        AuditEvent e{s.int64(0), s.text(1), s.text(2), s.text(3), s.text(4), std::nullopt, s.text(6)};
        if (!s.isNull(5)) e.clientId = s.int64(5);
        std::string storedPrev = s.text(7), storedHash = s.text(8);
        ++result.events;
        if (e.id != expectedId && result.problems.size() < 20)
            result.problems.push_back("event " + std::to_string(expectedId) + " is missing");
        expectedId = e.id + 1;
        if (storedPrev != prev && result.problems.size() < 20)
            result.problems.push_back("event " + std::to_string(e.id) +
                                      " does not follow the event before it (deleted or reordered events)");
        if (eventHash(storedPrev, e) != storedHash && result.problems.size() < 20)
            result.problems.push_back("event " + std::to_string(e.id) + " was changed after it was written");
        prev = storedHash;
    }
    Statement head(db_, "SELECT value FROM settings WHERE key = 'audit.head'");
    std::string expected = std::to_string(result.events) + ":" + (result.events ? prev : kGenesis);
    if (head.step()) {
        if (head.text(0) != expected)
            result.problems.push_back("the newest events do not match the recorded head of the log "
                                      "(events removed from the end?)");
    } else if (result.events > 0) {
        result.problems.push_back("the head of the audit log is missing");
    }
    return result;
}

}  // namespace nourish
