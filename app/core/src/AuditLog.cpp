#include "nourish/core/AuditLog.h"

#include <nlohmann/json.hpp>

#include "nourish/core/Dates.h"
#include "nourish/core/Errors.h"
#include "nourish/core/Hash.h"
#include "nourish/core/Integrity.h"

namespace nourish {

namespace {
const char* kGenesis = "0000000000000000000000000000000000000000000000000000000000000000";

std::string fieldsOf(const std::string& prev, const AuditEvent& e) {
    // A unit separator between fields so that no two field lists read alike.
    std::string text = prev;
    for (const std::string& part :
         {std::to_string(e.id), e.at, e.actor, e.source, e.action,
          e.clientId ? std::to_string(*e.clientId) : std::string(), e.detail}) {
        text += '\x1f';
        text += part;
    }
    return text;
}

int64_t sealedFrom(Database& db) {
    StatementScope s(db.cached("SELECT value FROM settings WHERE key = 'audit.sealed_from'"));
    return s->step() ? std::stoll(s->text(0)) : 0;
}

}  // namespace

AuditLog::AuditLog(Store& store) : db_(store.db()), key_(store.auditKey()) {}

void AuditLog::record(const Actor& actor, const std::string& action, std::optional<int64_t> clientId,
                      const std::string& detailJson) {
    Transaction sp(db_);
    std::string prev = kGenesis;
    int64_t count = 0;
    {
        StatementScope head(db_.cached("SELECT value FROM settings WHERE key = 'audit.head'"));
        if (head->step()) {
            std::string value = head->text(0);  // "<count>:<link>"
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
    int64_t from = sealedFrom(db_);
    std::string link;
    if (from && e.id >= from) {
        if (!key_) throw StoreError("the audit key is not available; nothing was recorded");
        link = integrity::hmacHex(*key_, fieldsOf(prev, e));
    } else {
        link = sha256Hex(fieldsOf(prev, e));
    }

    Statement& insert = db_.cached(
        "INSERT INTO audit_events (id, at, actor, source, action, client_id, detail, prev_hash, hash) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    insert.bind(1, e.id).bind(2, e.at).bind(3, e.actor).bind(4, e.source).bind(5, e.action);
    if (clientId) insert.bind(6, *clientId);
    else insert.bind(6, nullptr);
    if (detailJson.empty()) insert.bind(7, nullptr);
    else insert.bind(7, detailJson);
    insert.bind(8, prev).bind(9, link).run();

    db_.cached("INSERT INTO settings (key, value) VALUES ('audit.head', ?1) "
               "ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        .bind(1, std::to_string(count + 1) + ":" + link)
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

AuditLog::Verification AuditLog::verify(std::optional<int64_t> lastEvents, int64_t linkOfEvent) {
    Verification result;
    result.sealedFrom = sealedFrom(db_);
    auto problem = [&](std::string text) {
        if (result.problems.size() < 20) result.problems.push_back(std::move(text));
    };
    int64_t total = 0;
    {
        Statement count(db_, "SELECT count(*), coalesce(max(id), 0) FROM audit_events");
        count.step();
        total = count.int64(0);
    }
    int64_t skip = lastEvents && total > *lastEvents ? total - *lastEvents : 0;
    // The links cover each field's text; its stored type is checked beside them.
    Statement s(db_, "SELECT id, at, actor, source, action, client_id, coalesce(detail, ''), prev_hash, hash, "
                     "typeof(at) || typeof(actor) || typeof(source) || typeof(action) || typeof(prev_hash) || "
                     "typeof(hash) = 'texttexttexttexttexttext' AND typeof(client_id) IN ('integer', 'null') AND "
                     "typeof(detail) IN ('text', 'null') "
                     "FROM audit_events ORDER BY id LIMIT -1 OFFSET ?1");
    s.bind(1, skip);
    std::string prev = kGenesis;
    int64_t expectedId = skip + 1;
    bool first = true;
    result.events = skip;
    while (s.step()) {
        AuditEvent e{s.int64(0), s.text(1), s.text(2), s.text(3), s.text(4), std::nullopt, s.text(6)};
        if (!s.isNull(5)) e.clientId = s.int64(5);
        std::string storedPrev = s.text(7), storedLink = s.text(8);
        if (first && skip) prev = storedPrev;  // a quick check trusts what came before
        first = false;
        ++result.events;
        if (e.id != expectedId) problem("event " + std::to_string(expectedId) + " is missing");
        expectedId = e.id + 1;
        if (storedPrev != prev)
            problem("event " + std::to_string(e.id) + " does not follow the event before it (deleted or reordered events)");
        bool keyed = result.sealedFrom && e.id >= result.sealedFrom;
        std::string expected;
        if (keyed) {
            if (!key_) {
                problem("the audit key is not available: the keyed chain cannot be verified");
                break;
            }
            expected = integrity::hmacHex(*key_, fieldsOf(storedPrev, e));
        } else {
            expected = sha256Hex(fieldsOf(storedPrev, e));
        }
        if (expected != storedLink)
            problem("event " + std::to_string(e.id) + (keyed ? " was changed after it was written, or the log was "
                                                               "re-chained without the audit key"
                                                             : " was changed after it was written"));
        if (s.int64(9) == 0) problem("event " + std::to_string(e.id) + " was changed after it was written (a field's stored type)");
        if (result.events == linkOfEvent) result.linkAt = storedLink;
        prev = storedLink;
    }
    result.head = result.events ? prev : kGenesis;
    Statement head(db_, "SELECT value FROM settings WHERE key = 'audit.head'");
    std::string expected = std::to_string(result.events) + ":" + result.head;
    if (head.step()) {
        if (head.text(0) != expected)
            problem("the newest events do not match the recorded head of the log (events removed from the end?)");
    } else if (result.events > 0) {
        problem("the head of the audit log is missing");
    }
    return result;
}

void AuditLog::seal(const Actor& actor) {
    if (sealedFrom(db_)) return;
    Verification earlier = verify();
    int64_t next = 0;
    {
        Statement s(db_, "SELECT coalesce(max(id), 0) + 1 FROM audit_events");
        s.step();
        next = s.int64(0);
    }
    db_.cached("INSERT INTO settings (key, value) VALUES ('audit.sealed_from', ?1)").bind(1, std::to_string(next)).run();
    nlohmann::json detail = {{"earlier_events", earlier.events},
                             {"earlier_chain", earlier.problems.empty() ? "verified" : "broken"},
                             {"key_id", key_ ? integrity::keyId(*key_) : ""}};
    if (!earlier.problems.empty()) detail["earlier_problems"] = earlier.problems;
    record(actor, "audit.sealed", std::nullopt, detail.dump());
}

}  // namespace nourish
