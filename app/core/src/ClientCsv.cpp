#include "nourish/core/ClientCsv.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "nourish/core/AuditLog.h"
#include "nourish/core/Csv.h"
#include "nourish/core/Errors.h"
#include "nourish/core/Text.h"

namespace nourish {

namespace {

const std::vector<std::string> kGuardianColumns{"name", "relationship", "email", "phone", "email_consent",
                                                "email_consent_by"};

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string clientKey(const Client& c) {
    return lower(trim(c.givenName)) + "\x1f" + lower(trim(c.familyName)) + "\x1f" + c.dateOfBirth;
}

std::optional<bool> yesNo(const std::string& text) {
    std::string t = lower(trim(text));
    if (t == "yes" || t == "y" || t == "true" || t == "1") return true;
    if (t == "no" || t == "n" || t == "false" || t == "0" || t.empty()) return false;
    return std::nullopt;
}

std::optional<std::string> optionalField(const std::string& text) {
    if (trim(text).empty()) return std::nullopt;
    return text;
}

// The CSV column a ValidationError field refers to.
std::string columnFor(const std::string& field) {
    if (auto g = guardianField(field)) return "guardian_" + std::to_string(g->number) + "_" + g->field;
    return field;
}

}  // namespace

CsvImportError::CsvImportError(std::vector<std::string> problems)
    : std::runtime_error(problems.empty() ? "the CSV file was refused" : problems.front()),
      problems_(std::move(problems)) {}

const std::vector<std::string>& ClientCsv::clientColumns() {
    static const std::vector<std::string> columns{"given_name", "family_name", "preferred_name", "date_of_birth",
                                                  "sex",        "status",      "health_data_consent",
                                                  "health_data_consent_by"};
    return columns;
}

ClientCsv::Parsed ClientCsv::parse(std::string_view text, size_t maxProblems) {
    std::vector<std::string> problems;
    auto problem = [&](std::string p) {
        if (problems.size() < maxProblems) problems.push_back(std::move(p));
    };
    if (!isValidUtf8(text)) throw CsvImportError({"the file is not UTF-8 text (save it as UTF-8 CSV)"});
    CsvDocument doc = parseCsv(text, maxProblems);
    for (auto& p : doc.problems) problem("line " + std::to_string(p.line) + ": " + p.message);
    if (doc.records.empty()) problem("line 1: the file is empty (a header row is needed)");
    if (!problems.empty()) throw CsvImportError(problems);

    // The header: known columns in any order.
    const CsvRecord& header = doc.records.front();
    std::map<std::string, size_t> column;
    std::map<int, std::map<std::string, size_t>> guardianColumns;
    const auto& known = clientColumns();
    for (size_t i = 0; i < header.fields.size(); ++i) {
        std::string name = lower(trim(header.fields[i]));
        if (column.count(name)) {
            problem("line " + std::to_string(header.line) + ", column " + name + ": appears twice in the header");
            continue;
        }
        column[name] = i;
        if (std::find(known.begin(), known.end(), name) != known.end()) continue;
        int n = 0;
        char rest[64] = {};
        if (std::sscanf(name.c_str(), "guardian_%d_%63s", &n, rest) == 2 && n >= 1 && n <= 20 &&
            std::find(kGuardianColumns.begin(), kGuardianColumns.end(), rest) != kGuardianColumns.end()) {
            guardianColumns[n][rest] = i;
            continue;
        }
        problem("line " + std::to_string(header.line) + ", column " + (name.empty() ? "(empty)" : name) +
                ": is not a column this import knows (given_name, family_name, date_of_birth, preferred_name, sex, "
                "status, health_data_consent, health_data_consent_by, guardian_N_name, guardian_N_email, ...)");
    }
    for (const char* required : {"given_name", "family_name", "date_of_birth"})
        if (!column.count(required)) problem("line 1: the required column " + std::string(required) + " is missing");
    for (auto& [n, cols] : guardianColumns)
        if (!cols.count("name"))
            problem("line 1: guardian_" + std::to_string(n) + "_name is missing (each guardian needs a name column)");
    if (!problems.empty()) throw CsvImportError(problems);

    // Who is already in the store, for duplicates.
    std::unordered_map<std::string, int64_t> existing;
    std::unordered_map<std::string, int64_t> existingEmails;
    {
        Statement s(store_.db(), "SELECT id, given_name, family_name, date_of_birth FROM clients");
        while (s.step()) {
            Client c;
            c.givenName = s.text(1);
            c.familyName = s.text(2);
            c.dateOfBirth = s.text(3);
            existing.emplace(clientKey(c), s.int64(0));
        }
        Statement e(store_.db(), "SELECT lower(g.email), l.client_id FROM guardians g "
                                 "JOIN client_guardians l ON l.guardian_id = g.id WHERE g.email IS NOT NULL");
        while (e.step()) existingEmails.emplace(e.text(0), e.int64(1));
    }
    std::unordered_map<std::string, size_t> inFile, emailsInFile;

    Parsed parsed;
    parsed.clients.reserve(doc.records.size());
    for (size_t r = 1; r < doc.records.size(); ++r) {
        CsvRecord rec = doc.records[r];
        for (std::string& f : rec.fields) f = csvCellValue(f);  // what the export protected from spreadsheets
        std::string at = "line " + std::to_string(rec.line);
        if (rec.fields.size() != header.fields.size()) {
            problem(at + ": has " + std::to_string(rec.fields.size()) + " fields, the header has " +
                    std::to_string(header.fields.size()));
            continue;
        }
        auto get = [&](const std::string& name) -> std::string {
            auto it = column.find(name);
            return it == column.end() ? std::string() : rec.fields[it->second];
        };
        Client c;
        c.givenName = get("given_name");
        c.familyName = get("family_name");
        c.preferredName = optionalField(get("preferred_name"));
        c.dateOfBirth = trim(get("date_of_birth"));
        c.sex = trim(get("sex")).empty() ? "unknown" : lower(trim(get("sex")));
        c.status = trim(get("status")).empty() ? "active" : lower(trim(get("status")));
        bool bad = false;
        auto flag = [&](const std::string& col, const std::string& value) -> bool {
            auto v = yesNo(value);
            if (!v) {
                problem(at + ", column " + col + ": '" + value + "' is not yes or no");
                bad = true;
                return false;
            }
            return *v;
        };
        c.healthDataConsent = flag("health_data_consent", get("health_data_consent"));
        c.healthDataConsentBy = optionalField(get("health_data_consent_by"));
        for (auto& [n, cols] : guardianColumns) {
            auto g = [&](const char* name) {
                auto it = cols.find(name);
                return it == cols.end() ? std::string() : rec.fields[it->second];
            };
            bool any = false;
            for (auto& [name, index] : cols) any = any || !trim(rec.fields[index]).empty();
            if (!any) continue;
            Guardian guardian;
            guardian.name = g("name");
            guardian.relationship = optionalField(g("relationship"));
            guardian.email = optionalField(trim(g("email")));
            guardian.phone = optionalField(g("phone"));
            guardian.emailConsent = flag("guardian_" + std::to_string(n) + "_email_consent", g("email_consent"));
            guardian.emailConsentBy = optionalField(g("email_consent_by"));
            c.guardians.push_back(std::move(guardian));
        }
        if (bad) continue;
        try {
            ClientStore::validate(c);
        } catch (const ValidationError& e) {
            std::string message = e.what();
            problem(at + ", column " + columnFor(e.field()) + ": " + message.substr(e.field().size() + 2));
            continue;
        }
        std::string key = clientKey(c);
        std::string name = trim(c.givenName) + " " + trim(c.familyName) + " (" + c.dateOfBirth + ")";
        if (auto it = existing.find(key); it != existing.end())
            parsed.duplicates.push_back(at + ": " + name + " is already client #" + std::to_string(it->second));
        else if (auto f = inFile.find(key); f != inFile.end())
            parsed.duplicates.push_back(at + ": " + name + " is also on line " + std::to_string(f->second));
        else {
            bool duplicateEmail = false;
            for (const Guardian& g : c.guardians) {
                if (!g.email) continue;
                std::string email = lower(*g.email);
                if (auto e = existingEmails.find(email); e != existingEmails.end()) {
                    parsed.duplicates.push_back(at + ": the guardian email " + *g.email +
                                                " already belongs to client #" + std::to_string(e->second));
                    duplicateEmail = true;
                } else if (auto e2 = emailsInFile.find(email); e2 != emailsInFile.end()) {
                    parsed.duplicates.push_back(at + ": the guardian email " + *g.email + " is also on line " +
                                                std::to_string(e2->second));
                    duplicateEmail = true;
                }
            }
            if (duplicateEmail) continue;
            inFile.emplace(key, rec.line);
            for (const Guardian& g : c.guardians)
                if (g.email) emailsInFile.emplace(lower(*g.email), rec.line);
            parsed.clients.push_back(std::move(c));
            parsed.lines.push_back(rec.line);
        }
    }
    if (!problems.empty()) throw CsvImportError(problems);
    return parsed;
}

ClientCsv::Report ClientCsv::import(std::string_view text, const Actor& actor, bool skipDuplicates,
                                    const std::function<void(size_t, size_t)>& progress) {
    Parsed parsed = parse(text);
    if (!parsed.duplicates.empty() && !skipDuplicates) {
        std::vector<std::string> problems;
        for (size_t i = 0; i < parsed.duplicates.size() && i < 50; ++i)
            problems.push_back(parsed.duplicates[i] + " (duplicate; nothing imported)");
        throw CsvImportError(problems);
    }
    size_t total = parsed.clients.size();
    Report report;
    report.skipped = std::move(parsed.duplicates);
    report.ids = ClientStore(store_).createMany(parsed.clients, actor, [&](size_t done) {
        if (progress) progress(done, total);
    });
    return report;
}

std::string ClientCsv::exportText(StatusFilter filter, const Actor& actor) {
    ClientStore clients(store_);
    auto list = clients.list(filter);
    std::vector<Client> full;
    full.reserve(list.size());
    size_t guardians = 0;
    for (auto& summary : list) {
        full.push_back(clients.get(summary.id));
        guardians = std::max(guardians, full.back().guardians.size());
    }
    std::vector<std::string> header = clientColumns();
    for (size_t n = 1; n <= guardians; ++n)
        for (auto& col : kGuardianColumns) header.push_back("guardian_" + std::to_string(n) + "_" + col);
    std::string out = csvLine(header);
    for (const Client& c : full) {
        std::vector<std::string> row{c.givenName, c.familyName, c.preferredName.value_or(""), c.dateOfBirth, c.sex,
                                     c.status, c.healthDataConsent ? "yes" : "no", c.healthDataConsentBy.value_or("")};
        for (size_t n = 0; n < guardians; ++n) {
            if (n < c.guardians.size()) {
                const Guardian& g = c.guardians[n];
                for (const std::string& v : {g.name, g.relationship.value_or(""), g.email.value_or(""),
                                             g.phone.value_or(""), std::string(g.emailConsent ? "yes" : "no"),
                                             g.emailConsentBy.value_or("")})
                    row.push_back(v);
            } else {
                row.insert(row.end(), kGuardianColumns.size(), "");
            }
        }
        for (std::string& cell : row) cell = csvCell(cell);  // never a formula in a spreadsheet
        out += csvLine(row);
    }
    Transaction tx(store_.db());
    AuditLog(store_).record(actor, "client.export", std::nullopt,
                            nlohmann::json{{"clients", full.size()}, {"format", "csv"}}.dump());
    tx.commit();
    return out;
}

}  // namespace nourish
