#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "nourish/plugin.hpp"

// A client's answers to one form, as stored: each edit of a completed
// response is a new row that replaces the old one, so history is kept.
struct Response {
    int64_t id = 0;
    int64_t clientId = 0;
    std::string formId;
    int formVersion = 0;
    std::string status;  // draft | complete
    nlohmann::json answers;
    std::string enteredBy;
    std::string createdAt;
    std::string updatedAt;
    std::optional<int64_t> replaces;
    std::optional<int64_t> replacedBy;
};

class Responses {
public:
    explicit Responses(nourish::Host host) : host_(host) {}

    static std::string migrationsJson();

    // Saves answers already validated by the host. A draft is updated in
    // place; answers to a form with a completed response become a new
    // response that replaces it. Returns the id written.
    int64_t save(int64_t clientId, const nlohmann::json& form, const nlohmann::json& answers, bool complete);

    // The current response per form (newest first); with history, replaced ones too.
    std::vector<Response> forClient(int64_t clientId, bool history = false);
    // The form document as it was in the version a response was answered in.
    std::optional<nlohmann::json> formVersion(const std::string& formId, int version);

    // What the practitioner chose to tell the family in "About your child",
    // one point per line.
    std::vector<std::string> summaryPoints(int64_t clientId);
    void setSummaryPoints(int64_t clientId, const std::string& text);

private:
    nourish::Host host_;
};

std::string utcNow();
