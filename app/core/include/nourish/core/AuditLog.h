#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nourish/core/Store.h"

namespace nourish {

struct AuditEvent {
    int64_t id = 0;
    std::string at;
    std::string actor;
    std::string source;
    std::string action;
    std::optional<int64_t> clientId;
    std::string detail;  // JSON object or empty
};

// Every change of clinical data and every view, export or email of a client's
// data, chained: each event's link is an HMAC-SHA256, under the audit key kept
// outside the store, of the previous link and this event's fields, so that an
// edited, deleted, reordered or re-chained event shows and nobody without the
// key can write a chain that verifies. Events written before a store was
// sealed keep their SHA-256 links and are verified as such. The head (count
// and last link) is kept apart from the events, and outside the store in the
// anchor (Integrity.h), so that dropping the newest events shows too.
class AuditLog {
public:
    explicit AuditLog(Store& store);

    // Call inside the transaction that makes the change it describes.
    void record(const Actor& actor, const std::string& action, std::optional<int64_t> clientId,
                const std::string& detailJson = {});

    std::vector<AuditEvent> forClient(int64_t clientId, int limit = 200);

    struct Verification {
        int64_t events = 0;
        std::string head;              // the last link
        int64_t sealedFrom = 0;        // the first keyed event (0: none)
        std::vector<std::string> problems;
        std::string linkAt;            // the link of the event asked for (`linkOfEvent`), if read
    };
    // The whole chain, or only its last `lastEvents` events (links before them
    // taken as stored) for a quick check. `linkOfEvent`: the n-th event whose
    // link to keep (the anchor's).
    Verification verify(std::optional<int64_t> lastEvents = std::nullopt, int64_t linkOfEvent = 0);

    // Seals the chain from the next event on (a store made before the audit
    // key): the earlier SHA-256 chain is verified first and the event that
    // seals it says what was found.
    void seal(const Actor& actor);

private:
    Database& db_;
    const std::string* key_;
};

}  // namespace nourish
