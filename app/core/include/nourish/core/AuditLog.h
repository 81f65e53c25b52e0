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
// data, chained by SHA-256: each event's hash covers the previous hash, so an
// edited, deleted or reordered event breaks the chain. The head (count and last
// hash) is kept apart from the events so that dropping the newest shows too.
class AuditLog {
public:
    explicit AuditLog(Store& store) : db_(store.db()) {}

    // Call inside the transaction that makes the change it describes.
    void record(const Actor& actor, const std::string& action, std::optional<int64_t> clientId,
                const std::string& detailJson = {});

    std::vector<AuditEvent> forClient(int64_t clientId, int limit = 200);

    struct Verification {
        int64_t events = 0;
        std::vector<std::string> problems;
    };
    Verification verify();

private:
    Database& db_;
};

}  // namespace nourish
