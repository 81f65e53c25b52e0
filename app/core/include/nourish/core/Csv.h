#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace nourish {

// RFC 4180 CSV: fields separated by commas, records by CRLF or LF, fields in
// double quotes may hold commas, quotes (doubled) and line breaks. A UTF-8 byte
// order mark at the start is skipped. Depends on nothing but the standard
// library, so that it can be fuzzed on its own.
struct CsvRecord {
    size_t line = 0;  // the line the record starts on (1-based)
    std::vector<std::string> fields;
};

struct CsvProblem {
    size_t line = 0;
    std::string message;
};

struct CsvDocument {
    std::vector<CsvRecord> records;
    std::vector<CsvProblem> problems;  // a document with problems is not to be used
};

// Parses the whole text; stops collecting problems after `maxProblems`.
CsvDocument parseCsv(std::string_view text, size_t maxProblems = 50);

// One record, quoted where needed, ending in CRLF.
std::string csvLine(const std::vector<std::string>& fields);

// A cell a spreadsheet would run as a formula (it begins with =, +, -, @, a
// TAB or a CR: OWASP's "CSV Injection") gets a leading apostrophe, so the
// spreadsheet shows it as text; so does one that already begins with
// apostrophes before such a character, so that csvCellValue undoes exactly
// what csvCell did: csvCellValue(csvCell(x)) == x for every x.
std::string csvCell(const std::string& value);
std::string csvCellValue(const std::string& cell);

}  // namespace nourish
