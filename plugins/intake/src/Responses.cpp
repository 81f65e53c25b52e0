#include "Responses.h"

#include <chrono>
#include <cstdio>

std::string utcNow() { return nourish::utcTimestamp(); }

std::string Responses::migrationsJson() {
    const char* v1 =
        "CREATE TABLE intake_form_versions (form_id TEXT NOT NULL, version INTEGER NOT NULL, "
        "document TEXT NOT NULL, PRIMARY KEY (form_id, version));"
        "CREATE TABLE intake_responses (id INTEGER PRIMARY KEY, client_id INTEGER NOT NULL, "
        "form_id TEXT NOT NULL, form_version INTEGER NOT NULL, "
        "status TEXT NOT NULL CHECK (status IN ('draft', 'complete')), answers TEXT NOT NULL, "
        "entered_by TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, "
        "replaces INTEGER, replaced_by INTEGER);"
        "CREATE INDEX intake_responses_by_client ON intake_responses (client_id, form_id, id);";
    const char* v2 =
        "CREATE TABLE intake_summary_points (client_id INTEGER PRIMARY KEY, points TEXT NOT NULL, "
        "updated_at TEXT NOT NULL, updated_by TEXT NOT NULL);";
    return nlohmann::json::array({{{"version", 1}, {"name", "responses"}, {"sql", v1}},
                                  {{"version", 2}, {"name", "summary points"}, {"sql", v2}}})
        .dump();
}

int64_t Responses::save(int64_t clientId, const nlohmann::json& form, const nlohmann::json& answers, bool complete) {
    std::string formId = form["id"];
    int version = form["version"];
    std::string now = utcNow();
    std::string user = host_.user();
    int64_t written = 0;
    host_.savepoint([&] {
        host_.prepare("INSERT OR IGNORE INTO intake_form_versions (form_id, version, document) VALUES (?1, ?2, ?3)")
            .bind(1, formId)
            .bind(2, version)
            .bind(3, form.dump())
            .step();
        auto current = host_.prepare(
            "SELECT id, status FROM intake_responses WHERE client_id = ?1 AND form_id = ?2 AND replaced_by IS NULL "
            "ORDER BY id DESC LIMIT 1");
        current.bind(1, clientId).bind(2, formId);
        std::optional<int64_t> previous;
        bool previousIsDraft = false;
        if (current.step()) {
            previous = current.int64(0);
            previousIsDraft = current.text(1) == "draft";
        }
        if (previous && previousIsDraft) {
            host_.prepare("UPDATE intake_responses SET form_version = ?2, status = ?3, answers = ?4, entered_by = ?5, "
                          "updated_at = ?6 WHERE id = ?1")
                .bind(1, *previous)
                .bind(2, version)
                .bind(3, complete ? "complete" : "draft")
                .bind(4, answers.dump())
                .bind(5, user)
                .bind(6, now)
                .step();
            written = *previous;
        } else {
            auto insert = host_.prepare(
                "INSERT INTO intake_responses (client_id, form_id, form_version, status, answers, entered_by, "
                "created_at, updated_at, replaces) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8)");
            insert.bind(1, clientId).bind(2, formId).bind(3, version).bind(4, complete ? "complete" : "draft");
            insert.bind(5, answers.dump()).bind(6, user).bind(7, now);
            if (previous) insert.bind(8, *previous);
            else insert.bind(8, nullptr);
            insert.step();
            written = host_.lastInsertRowid();
            if (previous)
                host_.prepare("UPDATE intake_responses SET replaced_by = ?2 WHERE id = ?1")
                    .bind(1, *previous)
                    .bind(2, written)
                    .step();
        }
        host_.audit(clientId, complete ? "intake.complete" : "intake.draft",
                    nlohmann::json{{"form", formId}, {"version", version}, {"response", written}}.dump());
    });
    return written;
}

std::vector<Response> Responses::forClient(int64_t clientId, bool history) {
    auto s = host_.prepare(
        "SELECT id, form_id, form_version, status, answers, entered_by, created_at, updated_at, replaces, replaced_by "
        "FROM intake_responses WHERE client_id = ?1 AND (?2 OR replaced_by IS NULL) ORDER BY id DESC");
    s.bind(1, clientId).bind(2, history ? 1 : 0);
    std::vector<Response> list;
    while (s.step()) {
        Response r;
        r.id = s.int64(0);
        r.clientId = clientId;
        r.formId = s.text(1);
        r.formVersion = static_cast<int>(s.int64(2));
        r.status = s.text(3);
        r.answers = nlohmann::json::parse(s.text(4));
        r.enteredBy = s.text(5);
        r.createdAt = s.text(6);
        r.updatedAt = s.text(7);
        if (!s.isNull(8)) r.replaces = s.int64(8);
        if (!s.isNull(9)) r.replacedBy = s.int64(9);
        list.push_back(std::move(r));
    }
    return list;
}

std::optional<nlohmann::json> Responses::formVersion(const std::string& formId, int version) {
    auto s = host_.prepare("SELECT document FROM intake_form_versions WHERE form_id = ?1 AND version = ?2");
    s.bind(1, formId).bind(2, version);
    if (!s.step()) return std::nullopt;
    return nlohmann::json::parse(s.text(0));
}

std::vector<std::string> Responses::summaryPoints(int64_t clientId) {
    auto s = host_.prepare("SELECT points FROM intake_summary_points WHERE client_id = ?1");
    s.bind(1, clientId);
    std::vector<std::string> points;
    if (!s.step()) return points;
    std::string text = s.text(0);
    size_t start = 0;
    while (start <= text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        std::string line = text.substr(start, end - start);
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
        size_t first = line.find_first_not_of(" -*\t");
        if (first != std::string::npos) points.push_back(line.substr(first));
        start = end + 1;
    }
    return points;
}

void Responses::setSummaryPoints(int64_t clientId, const std::string& text) {
    host_.savepoint([&] {
        host_.prepare("INSERT INTO intake_summary_points (client_id, points, updated_at, updated_by) "
                      "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (client_id) DO UPDATE SET points = excluded.points, "
                      "updated_at = excluded.updated_at, updated_by = excluded.updated_by")
            .bind(1, clientId)
            .bind(2, text)
            .bind(3, utcNow())
            .bind(4, host_.user())
            .step();
        host_.audit(clientId, "intake.summary-points");
    });
}
