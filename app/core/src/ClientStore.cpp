#include "nourish/core/ClientStore.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <strings.h>

#include "nourish/core/AuditLog.h"
#include "nourish/core/Dates.h"
#include "nourish/core/Errors.h"
#include "nourish/core/Integrity.h"
#include "nourish/core/Text.h"

namespace nourish {

using nlohmann::json;

std::string Client::displayName() const {
    std::string given = preferredName && !preferredName->empty() ? *preferredName : givenName;
    return given + " " + familyName;
}

std::string ClientSummary::displayName() const {
    return (preferredName.empty() ? givenName : preferredName) + " " + familyName;
}

std::optional<GuardianFieldRef> guardianField(const std::string& field) {
    if (field.rfind("guardians[", 0) != 0) return std::nullopt;
    size_t close = field.find("].");
    if (close == std::string::npos) return std::nullopt;
    return GuardianFieldRef{std::stoi(field.substr(10, close - 10)) + 1, field.substr(close + 2)};
}

bool isPlausibleEmail(std::string_view email) {
    if (email.size() < 3 || email.size() > 254) return false;
    auto at = email.find('@');
    if (at == std::string_view::npos || at == 0 || at == email.size() - 1) return false;
    if (email.find('@', at + 1) != std::string_view::npos) return false;
    std::string_view domain = email.substr(at + 1);
    if (domain.find('.') == std::string_view::npos || domain.front() == '.' || domain.back() == '.') return false;
    for (unsigned char c : email)
        if (c <= ' ' || c == 0x7f || c == '<' || c == '>' || c == ',' || c == ';' || c == '"') return false;
    return true;
}

namespace {

void checkName(const std::string& field, const std::string& value, bool required) {
    if (!isValidUtf8(value)) throw ValidationError(field, "is not valid UTF-8 text");
    if (required && trim(value).empty()) throw ValidationError(field, "must not be empty");
    if (codePointCount(value) > 200)
        throw ValidationError(field, "is " + std::to_string(codePointCount(value)) +
                                         " characters long; at most 200 are allowed");
    if (hasControlCharacters(value)) throw ValidationError(field, "must not contain line breaks or control characters");
    if (auto c = invisibleFormatCharacter(value))
        throw ValidationError(field, "holds the invisible formatting character " + *c +
                                         ", which can make a name show other than it is written");
}

void checkOptional(const std::string& field, const std::optional<std::string>& value, size_t max) {
    if (!value) return;
    if (!isValidUtf8(*value)) throw ValidationError(field, "is not valid UTF-8 text");
    if (codePointCount(*value) > max)
        throw ValidationError(field, "is longer than " + std::to_string(max) + " characters");
    if (hasControlCharacters(*value)) throw ValidationError(field, "must not contain line breaks or control characters");
    if (auto c = invisibleFormatCharacter(*value))
        throw ValidationError(field, "holds the invisible formatting character " + *c +
                                         ", which can make it show other than it is written");
}

std::string statusValue(StatusFilter f) {
    switch (f) {
        case StatusFilter::Active: return "active";
        case StatusFilter::Archived: return "archived";
        case StatusFilter::All: break;
    }
    return "all";
}

ClientSummary readSummary(Statement& s) {
    return ClientSummary{s.int64(0), s.text(1), s.text(2), s.text(3), s.text(4), s.text(5)};
}

std::optional<std::string> blankToNull(const std::optional<std::string>& v) {
    if (!v) return std::nullopt;
    std::string t = trim(*v);
    if (t.empty()) return std::nullopt;
    return t;
}

}  // namespace

void ClientStore::validate(const Client& c) {
    checkName("given_name", c.givenName, true);
    checkName("family_name", c.familyName, true);
    if (c.preferredName) checkName("preferred_name", *c.preferredName, false);
    auto dob = Date::parse(c.dateOfBirth);
    if (!dob) throw ValidationError("date_of_birth", "'" + c.dateOfBirth + "' is not a date (use YYYY-MM-DD)");
    Date today = Date::today();
    if (today < *dob) throw ValidationError("date_of_birth", c.dateOfBirth + " is in the future");
    if (monthsBetween(*dob, today) > 120 * 12)
        throw ValidationError("date_of_birth", c.dateOfBirth + " is more than 120 years ago");
    if (c.sex != "female" && c.sex != "male" && c.sex != "other" && c.sex != "unknown")
        throw ValidationError("sex", "'" + c.sex + "' is not one of female, male, other, unknown");
    if (c.status != "active" && c.status != "archived")
        throw ValidationError("status", "'" + c.status + "' is not one of active, archived");
    checkOptional("health_data_consent_by", c.healthDataConsentBy, 200);
    for (size_t i = 0; i < c.guardians.size(); ++i) {
        const Guardian& g = c.guardians[i];
        std::string at = "guardians[" + std::to_string(i) + "].";
        checkName(at + "name", g.name, true);
        checkOptional(at + "relationship", g.relationship, 100);
        checkOptional(at + "phone", g.phone, 50);
        checkOptional(at + "email_consent_by", g.emailConsentBy, 200);
        checkOptional(at + "email", g.email, 254);
        if (g.email && !trim(*g.email).empty() && !isPlausibleEmail(trim(*g.email)))
            throw ValidationError(at + "email", "'" + *g.email + "' is not an email address");
        if (g.emailConsent && (!g.email || trim(*g.email).empty()))
            throw ValidationError(at + "email_consent", "consent to email needs an email address");
    }
}

void ClientStore::index(const Client& c) {
    std::string names = c.givenName + " " + c.familyName;
    if (c.preferredName) names += " " + *c.preferredName;
    std::string guardians;
    for (const Guardian& g : c.guardians) {
        guardians += g.name + " ";
        if (g.email) guardians += *g.email + " ";
    }
    Database& db = store_.db();
    db.cached("DELETE FROM client_search WHERE rowid = ?1").bind(1, c.id).run();
    db.cached("INSERT INTO client_search (rowid, names, guardians) VALUES (?1, ?2, ?3)")
        .bind(1, c.id)
        .bind(2, names)
        .bind(3, guardians)
        .run();
}

void ClientStore::writeGuardians(Client& c, const Client* previous) {
    Database& db = store_.db();
    std::string now = nowUtc();
    std::vector<int64_t> linked;
    {
        StatementScope s(db.cached("SELECT guardian_id FROM client_guardians WHERE client_id = ?1"));
        s->bind(1, c.id);
        while (s->step()) linked.push_back(s->int64(0));
    }
    db.cached("DELETE FROM client_guardians WHERE client_id = ?1").bind(1, c.id).run();
    int position = 0;
    for (Guardian& g : c.guardians) {
        g.email = blankToNull(g.email);
        g.relationship = blankToNull(g.relationship);
        g.phone = blankToNull(g.phone);
        // Only a guardian already linked to this client can be updated in place.
        bool known = std::find(linked.begin(), linked.end(), g.id) != linked.end();
        const Guardian* before = nullptr;
        if (known && previous)
            for (const Guardian& p : previous->guardians)
                if (p.id == g.id) before = &p;
        // When consent was given is the store's to say: now for a new grant,
        // unchanged for a kept one, whatever the caller sent.
        if (g.emailConsent && before && before->emailConsent) {
            g.emailConsentAt = before->emailConsentAt;
            if (!g.emailConsentBy) g.emailConsentBy = before->emailConsentBy;
        } else if (g.emailConsent) {
            g.emailConsentAt = now;
        }
        if (g.emailConsent && !g.emailConsentBy) g.emailConsentBy = g.name;
        if (!g.emailConsent) {
            g.emailConsentAt.reset();
            g.emailConsentBy.reset();
        }
        if (known) {
            Statement& u = db.cached(
                "UPDATE guardians SET name = ?2, relationship = ?3, email = ?4, phone = ?5, "
                "email_consent = ?6, email_consent_at = ?7, updated_at = ?8, email_consent_by = ?9 WHERE id = ?1");
            u.bind(1, g.id).bind(2, trim(g.name)).bind(3, g.relationship).bind(4, g.email).bind(5, g.phone);
            u.bind(6, g.emailConsent ? 1 : 0).bind(7, g.emailConsentAt).bind(8, now).bind(9, g.emailConsentBy).run();
            linkGuardian(c.id, g.id, position++);
        } else {
            insertGuardian(c.id, g, position++, now);
        }
    }
    // A guardian removed from this client and linked to no other goes too.
    for (int64_t id : linked)
        db.cached("DELETE FROM guardians WHERE id = ?1 AND NOT EXISTS "
                  "(SELECT 1 FROM client_guardians WHERE guardian_id = ?1)")
            .bind(1, id)
            .run();
}

namespace {
Client normalised(const Client& input) {
    Client c = input;
    c.givenName = trim(c.givenName);
    c.familyName = trim(c.familyName);
    c.preferredName = blankToNull(c.preferredName);
    for (Guardian& g : c.guardians) g.id = 0;
    return c;
}
}  // namespace

int64_t ClientStore::insert(Client& c) {
    c.createdAt = c.updatedAt = nowUtc();
    if (c.healthDataConsent) c.healthDataConsentAt = c.createdAt;
    if (!c.healthDataConsent) c.healthDataConsentAt.reset(), c.healthDataConsentBy.reset();
    Database& db = store_.db();
    Statement& ins = db.cached(
        "INSERT INTO clients (given_name, family_name, preferred_name, date_of_birth, sex, status, "
        "created_at, updated_at, health_data_consent, health_data_consent_by, health_data_consent_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8, ?9, ?10)");
    ins.bind(1, c.givenName).bind(2, c.familyName).bind(3, c.preferredName).bind(4, c.dateOfBirth);
    ins.bind(5, c.sex).bind(6, c.status).bind(7, c.createdAt).bind(8, c.healthDataConsent ? 1 : 0);
    ins.bind(9, c.healthDataConsentBy).bind(10, c.healthDataConsentAt).run();
    c.id = db.lastInsertRowid();
    // A new client's guardians are all new: no links to look up or undo.
    int position = 0;
    for (Guardian& g : c.guardians) {
        g.email = blankToNull(g.email);
        g.relationship = blankToNull(g.relationship);
        g.phone = blankToNull(g.phone);
        g.emailConsentAt = g.emailConsent ? std::optional<std::string>(c.createdAt) : std::nullopt;
        if (g.emailConsent && !g.emailConsentBy) g.emailConsentBy = g.name;
        if (!g.emailConsent) g.emailConsentBy.reset();
        insertGuardian(c.id, g, position++, c.createdAt);
    }
    return c.id;
}

void ClientStore::insertGuardian(int64_t clientId, Guardian& g, int position, const std::string& at) {
    Database& db = store_.db();
    Statement& ins = db.cached(
        "INSERT INTO guardians (name, relationship, email, phone, email_consent, "
        "email_consent_at, created_at, updated_at, email_consent_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8)");
    ins.bind(1, trim(g.name)).bind(2, g.relationship).bind(3, g.email).bind(4, g.phone);
    ins.bind(5, g.emailConsent ? 1 : 0).bind(6, g.emailConsentAt).bind(7, at).bind(8, g.emailConsentBy).run();
    g.id = db.lastInsertRowid();
    linkGuardian(clientId, g.id, position);
}

void ClientStore::linkGuardian(int64_t clientId, int64_t guardianId, int position) {
    store_.db()
        .cached("INSERT INTO client_guardians (client_id, guardian_id, position) VALUES (?1, ?2, ?3)")
        .bind(1, clientId)
        .bind(2, guardianId)
        .bind(3, position)
        .run();
}

int64_t ClientStore::create(const Client& input, const Actor& actor) {
    validate(input);
    Client c = normalised(input);
    Transaction tx(store_.db());
    insert(c);
    index(c);
    recordConsentChanges(c, nullptr, actor, /*audit=*/true);
    AuditLog(store_).record(actor, "client.create", c.id, json{{"guardians", c.guardians.size()}}.dump());
    tx.commit();
    return c.id;
}

std::vector<int64_t> ClientStore::createMany(const std::vector<Client>& clients, const Actor& actor,
                                             const std::function<void(size_t)>& progress) {
    for (const Client& c : clients) validate(c);
    std::vector<int64_t> ids;
    ids.reserve(clients.size());
    Database& db = store_.db();
    Transaction tx(db);
    // A large import seals its tables once at the end, not row by row: the
    // same triggers and MACs, in one pass instead of a trigger per row.
    std::vector<std::pair<std::string, std::string>> resealed;  // table, owner
    if (clients.size() >= 1000) {
        Statement sealed(db, "SELECT tbl, owner FROM table_seals WHERE tbl IN ('clients', 'guardians', 'client_guardians', "
                             "'consent_events', 'client_search_content')");
        while (sealed.step()) resealed.emplace_back(sealed.text(0), sealed.text(1));
        // Resealing must never wash out evidence: the tables are verified first.
        for (auto& [table, owner] : resealed)
            for (const integrity::Problem& p : integrity::verifyTable(db, table, 1))
                throw StoreError("nothing was imported: " + table + (p.row.empty() ? "" : " row " + p.row) + " " + p.text +
                                 "; run nourish-cli store check");
        for (auto& [table, owner] : resealed) integrity::unsealTable(db, table);
    }
    for (const Client& input : clients) {
        Client c = normalised(input);
        ids.push_back(insert(c));
        // Consent is kept per client; the one import event below audits them all.
        recordConsentChanges(c, nullptr, actor, /*audit=*/false);
        if (progress && ids.size() % 1000 == 0) progress(ids.size());
    }
    if (!ids.empty()) {
        // The search index in one statement rather than a write per client.
        db.cached("INSERT INTO client_search (rowid, names, guardians) "
                  "SELECT c.id, c.given_name || ' ' || c.family_name || ' ' || coalesce(c.preferred_name, ''), "
                  "coalesce((SELECT group_concat(g.name || ' ' || coalesce(g.email, ''), ' ') "
                  "FROM client_guardians l JOIN guardians g ON g.id = l.guardian_id WHERE l.client_id = c.id), '') "
                  "FROM clients c WHERE c.id BETWEEN ?1 AND ?2")
            .bind(1, ids.front())
            .bind(2, ids.back())
            .run();
        if (ids.size() > 1000) db.exec("INSERT INTO client_search (client_search) VALUES ('optimize')");
    }
    for (auto& [table, owner] : resealed) integrity::sealTable(db, table, owner);
    AuditLog(store_).record(actor, "client.import", std::nullopt,
                            json{{"clients", ids.size()},
                                 {"first_id", ids.empty() ? 0 : ids.front()},
                                 {"last_id", ids.empty() ? 0 : ids.back()}}
                                .dump());
    tx.commit();
    if (progress) progress(ids.size());
    return ids;
}

void ClientStore::update(const Client& input, const Actor& actor) {
    validate(input);
    Client c = input;
    c.givenName = trim(c.givenName);
    c.familyName = trim(c.familyName);
    c.preferredName = blankToNull(c.preferredName);
    Database& db = store_.db();
    Transaction tx(db);
    Client previous = get(c.id);  // NotFoundError for an unknown id
    if (c.healthDataConsent && previous.healthDataConsent) {
        c.healthDataConsentAt = previous.healthDataConsentAt;
        if (!c.healthDataConsentBy) c.healthDataConsentBy = previous.healthDataConsentBy;
    } else if (c.healthDataConsent) {
        c.healthDataConsentAt = nowUtc();
    }
    if (!c.healthDataConsent) c.healthDataConsentAt.reset(), c.healthDataConsentBy.reset();
    Statement& u = db.cached(
        "UPDATE clients SET given_name = ?2, family_name = ?3, preferred_name = ?4, date_of_birth = ?5, "
        "sex = ?6, status = ?7, updated_at = ?8, health_data_consent = ?9, health_data_consent_by = ?10, "
        "health_data_consent_at = ?11 WHERE id = ?1");
    u.bind(1, c.id).bind(2, c.givenName).bind(3, c.familyName).bind(4, c.preferredName);
    u.bind(5, c.dateOfBirth).bind(6, c.sex).bind(7, c.status).bind(8, nowUtc());
    u.bind(9, c.healthDataConsent ? 1 : 0).bind(10, c.healthDataConsentBy).bind(11, c.healthDataConsentAt).run();
    writeGuardians(c, &previous);
    index(c);
    recordConsentChanges(c, &previous, actor, /*audit=*/true);
    AuditLog(store_).record(actor, "client.update", c.id);
    tx.commit();
}

void ClientStore::recordConsentChanges(const Client& now, const Client* previous, const Actor& actor, bool audit) {
    Statement& event = store_.db().cached(
        "INSERT INTO consent_events (client_id, guardian_id, kind, granted, given_by, at, recorded_by) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    std::string at = nowUtc();
    auto record = [&](std::optional<int64_t> guardian, const char* kind, bool granted,
                      const std::optional<std::string>& by) {
        event.bind(1, now.id);
        if (guardian) event.bind(2, *guardian);
        else event.bind(2, nullptr);
        event.bind(3, kind).bind(4, granted ? 1 : 0).bind(5, by).bind(6, at).bind(7, actor.who).run();
        if (audit)
            AuditLog(store_).record(actor, std::string("consent.") + (granted ? "grant" : "revoke"), now.id,
                                json{{"kind", kind}, {"guardian_id", guardian ? json(*guardian) : json(nullptr)}}.dump());
    };
    bool before = previous && previous->healthDataConsent;
    if (now.healthDataConsent != before && (previous || now.healthDataConsent))
        record(std::nullopt, "health_data", now.healthDataConsent, now.healthDataConsentBy);
    for (const Guardian& g : now.guardians) {
        bool had = false;
        if (previous)
            for (const Guardian& p : previous->guardians)
                if (p.id == g.id) had = p.emailConsent;
        if (g.emailConsent != had) record(g.id, "email", g.emailConsent, g.emailConsentBy);
    }
    // A guardian removed while consenting: the consent ends with them.
    if (previous)
        for (const Guardian& p : previous->guardians) {
            bool kept = std::any_of(now.guardians.begin(), now.guardians.end(), [&](auto& g) { return g.id == p.id; });
            if (!kept && p.emailConsent) record(std::nullopt, "email", false, p.name);
        }
}

void ClientStore::setHealthDataConsent(int64_t id, bool granted, const std::optional<std::string>& givenBy,
                                       const Actor& actor) {
    Client c = get(id);
    c.healthDataConsent = granted;
    if (givenBy) c.healthDataConsentBy = givenBy;
    if (granted && !c.healthDataConsentBy && !c.guardians.empty()) c.healthDataConsentBy = c.guardians.front().name;
    c.healthDataConsentAt.reset();
    update(c, actor);
}

void ClientStore::setEmailConsent(int64_t id, const std::string& guardianEmail, bool granted,
                                  const std::optional<std::string>& givenBy, const Actor& actor) {
    Client c = get(id);
    Guardian* guardian = nullptr;
    for (Guardian& g : c.guardians)
        if (g.email && strcasecmp(g.email->c_str(), trim(guardianEmail).c_str()) == 0) guardian = &g;
    if (!guardian)
        throw ValidationError("guardian", "no guardian of client " + std::to_string(id) + " has the email address " +
                                              guardianEmail);
    if (guardian->emailConsent == granted) return;
    guardian->emailConsent = granted;
    guardian->emailConsentAt.reset();
    guardian->emailConsentBy = givenBy;
    update(c, actor);
}

std::vector<ClientStore::ConsentEvent> ClientStore::consentHistory(int64_t id) {
    StatementScope s(store_.db().cached(
        "SELECT kind, granted, guardian_id, coalesce(given_by, ''), at, recorded_by FROM consent_events "
        "WHERE client_id = ?1 ORDER BY id"));
    s->bind(1, id);
    std::vector<ConsentEvent> events;
    while (s->step()) {
        ConsentEvent e{s->text(0), s->int64(1) != 0, std::nullopt, s->text(3), s->text(4), s->text(5)};
        if (!s->isNull(2)) e.guardianId = s->int64(2);
        events.push_back(std::move(e));
    }
    return events;
}

void ClientStore::setStatus(int64_t id, const std::string& status, const Actor& actor) {
    if (status != "active" && status != "archived")
        throw ValidationError("status", "'" + status + "' is not one of active, archived");
    Database& db = store_.db();
    Transaction tx(db);
    db.cached("UPDATE clients SET status = ?2, updated_at = ?3 WHERE id = ?1")
        .bind(1, id)
        .bind(2, status)
        .bind(3, nowUtc())
        .run();
    if (db.changes() == 0) throw NotFoundError("there is no client with id " + std::to_string(id));
    AuditLog(store_).record(actor, "client." + std::string(status == "active" ? "reactivate" : "archive"), id);
    tx.commit();
}

bool ClientStore::exists(int64_t id) {
    StatementScope s(store_.db().cached("SELECT 1 FROM clients WHERE id = ?1"));
    s->bind(1, id);
    return s->step();
}

Client ClientStore::get(int64_t id) {
    Database& db = store_.db();
    Client c;
    {
        StatementScope s(db.cached(
            "SELECT id, given_name, family_name, preferred_name, date_of_birth, sex, status, created_at, "
            "updated_at, health_data_consent, health_data_consent_by, health_data_consent_at "
            "FROM clients WHERE id = ?1"));
        s->bind(1, id);
        if (!s->step()) throw NotFoundError("there is no client with id " + std::to_string(id));
        c.id = s->int64(0);
        c.givenName = s->text(1);
        c.familyName = s->text(2);
        c.preferredName = s->optionalText(3);
        c.dateOfBirth = s->text(4);
        c.sex = s->text(5);
        c.status = s->text(6);
        c.createdAt = s->text(7);
        c.updatedAt = s->text(8);
        c.healthDataConsent = s->int64(9) != 0;
        c.healthDataConsentBy = s->optionalText(10);
        c.healthDataConsentAt = s->optionalText(11);
    }
    StatementScope g(db.cached(
        "SELECT g.id, g.name, g.relationship, g.email, g.phone, g.email_consent, g.email_consent_at, "
        "g.email_consent_by "
        "FROM client_guardians l JOIN guardians g ON g.id = l.guardian_id WHERE l.client_id = ?1 "
        "ORDER BY l.position"));
    g->bind(1, id);
    while (g->step())
        c.guardians.push_back(Guardian{g->int64(0), g->text(1), g->optionalText(2), g->optionalText(3),
                                       g->optionalText(4), g->int64(5) != 0, g->optionalText(6),
                                       g->optionalText(7)});
    return c;
}

std::string searchExpression(std::string_view typed) {
    // Words are runs of letters and digits (any non-ASCII byte counts as a
    // letter, so "Zoë" stays one word); each becomes a quoted prefix term.
    std::string expression, word;
    auto flush = [&] {
        if (word.empty()) return;
        if (!expression.empty()) expression += ' ';
        expression += '"' + word + "\"*";
        word.clear();
    };
    for (unsigned char ch : typed) {
        if (std::isalnum(ch) || ch >= 0x80) word += static_cast<char>(ch);
        else flush();
    }
    flush();
    return expression;
}

std::vector<ClientSummary> ClientStore::search(std::string_view query, int limit, StatusFilter filter) {
    std::string expression = searchExpression(query);
    if (expression.empty()) return list(filter, limit);
    // Children whose own names match come first, then those found through a
    // guardian's name or email. Each group is taken newest first, which FTS5
    // does without scoring every match (a 3-letter prefix can match thousands
    // in a large caseload), and shown alphabetically.
    Statement& s = store_.db().cached(
        "SELECT c.id, c.given_name, c.family_name, coalesce(c.preferred_name, ''), c.date_of_birth, c.status "
        "FROM client_search JOIN clients c ON c.id = client_search.rowid "
        "WHERE client_search MATCH ?1 AND (?2 = 'all' OR c.status = ?2) "
        "ORDER BY client_search.rowid DESC LIMIT ?3");
    std::vector<ClientSummary> result;
    auto collect = [&](const std::string& match, int max) {
        StatementScope scope(s);
        s.bind(1, match).bind(2, statusValue(filter)).bind(3, max);
        while (s.step()) result.push_back(readSummary(s));
    };
    collect("{names} : (" + expression + ")", limit);
    size_t byName = result.size();
    if (static_cast<int>(byName) < limit)
        collect("(" + expression + ") NOT {names} : (" + expression + ")", limit - static_cast<int>(byName));
    auto alphabetical = [](const ClientSummary& a, const ClientSummary& b) {
        int family = strcasecmp(a.familyName.c_str(), b.familyName.c_str());
        if (family != 0) return family < 0;
        return strcasecmp(a.givenName.c_str(), b.givenName.c_str()) < 0;
    };
    std::sort(result.begin(), result.begin() + static_cast<long>(byName), alphabetical);
    std::sort(result.begin() + static_cast<long>(byName), result.end(), alphabetical);
    return result;
}

std::vector<ClientSummary> ClientStore::findDuplicates(const Client& c) {
    std::vector<ClientSummary> found;
    auto add = [&](Statement& s) {
        while (s.step()) {
            ClientSummary summary = readSummary(s);
            bool seen = std::any_of(found.begin(), found.end(), [&](auto& f) { return f.id == summary.id; });
            if (!seen) found.push_back(summary);
        }
    };
    {
        StatementScope s(store_.db().cached(
            "SELECT id, given_name, family_name, coalesce(preferred_name, ''), date_of_birth, status FROM clients "
            "WHERE family_name = ?1 COLLATE NOCASE AND given_name = ?2 COLLATE NOCASE AND date_of_birth = ?3"));
        s->bind(1, trim(c.familyName)).bind(2, trim(c.givenName)).bind(3, c.dateOfBirth);
        add(*s);
    }
    for (const Guardian& g : c.guardians) {
        if (!g.email || trim(*g.email).empty()) continue;
        StatementScope s(store_.db().cached(
            "SELECT c.id, c.given_name, c.family_name, coalesce(c.preferred_name, ''), c.date_of_birth, c.status "
            "FROM guardians g JOIN client_guardians l ON l.guardian_id = g.id JOIN clients c ON c.id = l.client_id "
            "WHERE g.email = ?1 COLLATE NOCASE"));
        s->bind(1, trim(*g.email));
        add(*s);
    }
    return found;
}

std::vector<ClientSummary> ClientStore::list(StatusFilter filter, int limit) {
    StatementScope s(store_.db().cached(
        "SELECT id, given_name, family_name, coalesce(preferred_name, ''), date_of_birth, status FROM clients "
        "WHERE ?1 = 'all' OR status = ?1 ORDER BY family_name COLLATE NOCASE, given_name COLLATE NOCASE, id "
        "LIMIT ?2"));
    s->bind(1, statusValue(filter)).bind(2, limit);
    std::vector<ClientSummary> result;
    while (s->step()) result.push_back(readSummary(*s));
    return result;
}

bool ClientStore::isEmpty() {
    StatementScope s(store_.db().cached("SELECT NOT EXISTS (SELECT 1 FROM clients)"));
    s->step();
    return s->int64(0) != 0;
}

int64_t ClientStore::count(StatusFilter filter) {
    StatementScope s(store_.db().cached("SELECT count(*) FROM clients WHERE ?1 = 'all' OR status = ?1"));
    s->bind(1, statusValue(filter));
    s->step();
    return s->int64(0);
}

json toJson(const Client& c) {
    json guardians = json::array();
    for (const Guardian& g : c.guardians) {
        json j{{"id", g.id}, {"name", g.name}, {"email_consent", g.emailConsent}};
        if (g.relationship) j["relationship"] = *g.relationship;
        if (g.email) j["email"] = *g.email;
        if (g.phone) j["phone"] = *g.phone;
        j["email_consent_at"] = g.emailConsentAt ? json(*g.emailConsentAt) : json(nullptr);
        j["email_consent_by"] = g.emailConsentBy ? json(*g.emailConsentBy) : json(nullptr);
        guardians.push_back(std::move(j));
    }
    json j{{"id", c.id},           {"given_name", c.givenName}, {"family_name", c.familyName},
           {"date_of_birth", c.dateOfBirth}, {"sex", c.sex},   {"status", c.status},
           {"created_at", c.createdAt},      {"updated_at", c.updatedAt}, {"guardians", guardians}};
    if (c.preferredName) j["preferred_name"] = *c.preferredName;
    j["health_data_consent"] = c.healthDataConsent;
    j["health_data_consent_by"] = c.healthDataConsentBy ? json(*c.healthDataConsentBy) : json(nullptr);
    j["health_data_consent_at"] = c.healthDataConsentAt ? json(*c.healthDataConsentAt) : json(nullptr);
    return j;
}

json toJson(const ClientSummary& c) {
    json j{{"id", c.id}, {"given_name", c.givenName}, {"family_name", c.familyName},
           {"date_of_birth", c.dateOfBirth}, {"status", c.status}};
    if (!c.preferredName.empty()) j["preferred_name"] = c.preferredName;
    return j;
}

namespace {
std::string requireString(const json& j, const std::string& key, const std::string& path) {
    if (!j.contains(key)) throw ValidationError(path + key, "is required");
    if (!j[key].is_string()) throw ValidationError(path + key, "must be text");
    return j[key].get<std::string>();
}
std::optional<std::string> optionalString(const json& j, const std::string& key, const std::string& path) {
    if (!j.contains(key) || j[key].is_null()) return std::nullopt;
    if (!j[key].is_string()) throw ValidationError(path + key, "must be text");
    return j[key].get<std::string>();
}
}  // namespace

Client clientFromJson(const json& j) {
    if (!j.is_object()) throw ValidationError("client", "must be a JSON object");
    Client c;
    if (j.contains("id") && j["id"].is_number_integer()) c.id = j["id"].get<int64_t>();
    c.givenName = requireString(j, "given_name", "");
    c.familyName = requireString(j, "family_name", "");
    c.preferredName = optionalString(j, "preferred_name", "");
    c.dateOfBirth = requireString(j, "date_of_birth", "");
    c.sex = optionalString(j, "sex", "").value_or("unknown");
    c.status = optionalString(j, "status", "").value_or("active");
    if (j.contains("health_data_consent")) {
        if (!j["health_data_consent"].is_boolean()) throw ValidationError("health_data_consent", "must be true or false");
        c.healthDataConsent = j["health_data_consent"].get<bool>();
    }
    c.healthDataConsentBy = optionalString(j, "health_data_consent_by", "");
    c.healthDataConsentAt = optionalString(j, "health_data_consent_at", "");
    if (j.contains("guardians")) {
        if (!j["guardians"].is_array()) throw ValidationError("guardians", "must be a list");
        for (size_t i = 0; i < j["guardians"].size(); ++i) {
            const json& g = j["guardians"][i];
            std::string path = "guardians[" + std::to_string(i) + "].";
            if (!g.is_object()) throw ValidationError("guardians[" + std::to_string(i) + "]", "must be an object");
            Guardian guardian;
            if (g.contains("id") && g["id"].is_number_integer()) guardian.id = g["id"].get<int64_t>();
            guardian.name = requireString(g, "name", path);
            guardian.relationship = optionalString(g, "relationship", path);
            guardian.email = optionalString(g, "email", path);
            guardian.phone = optionalString(g, "phone", path);
            if (g.contains("email_consent")) {
                if (!g["email_consent"].is_boolean()) throw ValidationError(path + "email_consent", "must be true or false");
                guardian.emailConsent = g["email_consent"].get<bool>();
            }
            guardian.emailConsentAt = optionalString(g, "email_consent_at", path);
            guardian.emailConsentBy = optionalString(g, "email_consent_by", path);
            c.guardians.push_back(std::move(guardian));
        }
    }
    return c;
}

}  // namespace nourish
