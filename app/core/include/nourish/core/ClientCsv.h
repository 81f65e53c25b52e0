#pragma once

#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "nourish/core/ClientStore.h"

namespace nourish {

// A CSV import refused as a whole: every problem as "line N, column C: ..."
// (the first 50). Nothing was written.
class CsvImportError : public std::runtime_error {
public:
    explicit CsvImportError(std::vector<std::string> problems);
    const std::vector<std::string>& problems() const { return problems_; }

private:
    std::vector<std::string> problems_;
};

// Clients and guardians as CSV (RFC 4180, UTF-8, a header row naming the
// columns in any order, ISO dates). Columns: given_name, family_name,
// date_of_birth (required), preferred_name, sex, status, health_data_consent,
// health_data_consent_by, and for each guardian N = 1, 2, ...:
// guardian_N_name, guardian_N_relationship, guardian_N_email, guardian_N_phone,
// guardian_N_email_consent, guardian_N_email_consent_by. Yes/no columns take
// yes, no, true, false, 1, 0 or nothing.
class ClientCsv {
public:
    explicit ClientCsv(Store& store) : store_(store) {}

    struct Parsed {
        std::vector<Client> clients;
        std::vector<size_t> lines;       // the line each client starts on
        std::vector<std::string> duplicates;  // "line N: ..." for rows already in the store or the file
    };
    // Reads and checks everything without writing; throws CsvImportError.
    Parsed parse(std::string_view text, size_t maxProblems = 50);

    struct Report {
        std::vector<int64_t> ids;
        std::vector<std::string> skipped;  // duplicates left out
    };
    // All or nothing. Duplicates refuse the import unless skipDuplicates.
    Report import(std::string_view text, const Actor& actor, bool skipDuplicates = false,
                  const std::function<void(size_t done, size_t total)>& progress = {});

    // Every client of the filter; audited as an export of each one's data.
    std::string exportText(StatusFilter filter, const Actor& actor);

    static const std::vector<std::string>& clientColumns();

private:
    Store& store_;
};

}  // namespace nourish
