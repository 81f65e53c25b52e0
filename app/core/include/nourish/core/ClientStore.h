#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nourish/core/Store.h"

namespace nourish {

struct Guardian {
    int64_t id = 0;
    std::string name;
    std::optional<std::string> relationship;
    std::optional<std::string> email;
    std::optional<std::string> phone;
    bool emailConsent = false;
    std::optional<std::string> emailConsentAt;
    std::optional<std::string> emailConsentBy;  // who gave it (usually the guardian)
};

struct Client {
    int64_t id = 0;
    std::string givenName;
    std::string familyName;
    std::optional<std::string> preferredName;
    std::string dateOfBirth;  // YYYY-MM-DD
    std::string sex = "unknown";
    std::string status = "active";
    bool healthDataConsent = false;  // consent to store the child's health data
    std::optional<std::string> healthDataConsentBy;
    std::optional<std::string> healthDataConsentAt;
    std::string createdAt;
    std::string updatedAt;
    std::vector<Guardian> guardians;

    std::string displayName() const;
};

// One line of the client list.
struct ClientSummary {
    int64_t id = 0;
    std::string givenName;
    std::string familyName;
    std::string preferredName;
    std::string dateOfBirth;
    std::string status;

    std::string displayName() const;
};

enum class StatusFilter { Active, Archived, All };

// Clients and guardians: validated writes that keep the search index and the
// audit log in step, and fast reads for the client list.
class ClientStore {
public:
    explicit ClientStore(Store& store) : store_(store) {}

    // Throws ValidationError naming the field; nothing is written then.
    static void validate(const Client& client);

    int64_t create(const Client& client, const Actor& actor);
    // Many clients in one transaction (imports): all are validated first and
    // either all are stored or none; one audit event records the import.
    std::vector<int64_t> createMany(const std::vector<Client>& clients, const Actor& actor,
                                    const std::function<void(size_t done)>& progress = {});
    // Replaces the client's fields and guardians.
    void update(const Client& client, const Actor& actor);
    void setStatus(int64_t id, const std::string& status, const Actor& actor);
    // Grants or revokes consent; each change is kept as a consent event and audited.
    void setHealthDataConsent(int64_t id, bool granted, const std::optional<std::string>& givenBy,
                              const Actor& actor);
    // The guardian is found by email among the client's guardians (NotFoundError otherwise).
    void setEmailConsent(int64_t id, const std::string& guardianEmail, bool granted,
                         const std::optional<std::string>& givenBy, const Actor& actor);

    struct ConsentEvent {
        std::string kind;  // health_data | email
        bool granted = false;
        std::optional<int64_t> guardianId;
        std::string givenBy;
        std::string at;
        std::string recordedBy;
    };
    std::vector<ConsentEvent> consentHistory(int64_t id);
    Client get(int64_t id);  // NotFoundError if missing
    bool exists(int64_t id);

    // Clients that look like this one: same name and date of birth (ignoring
    // case), or a guardian with the same email.
    std::vector<ClientSummary> findDuplicates(const Client& client);

    // Name prefixes in any order ("zoe mul" finds Zoë Müller), guardian
    // names and emails too; best match first.
    std::vector<ClientSummary> search(std::string_view query, int limit,
                                      StatusFilter filter = StatusFilter::All);
    // Every client of the filter, by family name then given name.
    // limit < 0: no limit.
    std::vector<ClientSummary> list(StatusFilter filter, int limit = -1);
    bool isEmpty();
    int64_t count(StatusFilter filter = StatusFilter::All);

private:
    int64_t insert(Client& client);
    void insertGuardian(int64_t clientId, Guardian& guardian, int position, const std::string& at);
    void linkGuardian(int64_t clientId, int64_t guardianId, int position);
    void index(const Client& client);
    void writeGuardians(Client& client, const Client* previous);
    void recordConsentChanges(const Client& now, const Client* previous, const Actor& actor, bool audit);
    Store& store_;
};

// The FTS5 query for what a practitioner typed: every word a prefix, all required.
std::string searchExpression(std::string_view typed);

// A validation field that names one guardian ("guardians[1].email"): the
// guardian's number counted from 1, and the field within it.
struct GuardianFieldRef {
    int number = 0;
    std::string field;
};
std::optional<GuardianFieldRef> guardianField(const std::string& field);

// A well-formed email address (what we accept before we ever send to it).
bool isPlausibleEmail(std::string_view email);

// schemas/client.schema.json <-> Client. fromJson throws ValidationError.
nlohmann::json toJson(const Client& client);
nlohmann::json toJson(const ClientSummary& client);
Client clientFromJson(const nlohmann::json& json);

}  // namespace nourish
