// libFuzzer target for the CSV reader: any bytes must parse without crashing,
// and every record the reader accepts must survive a write/read round trip.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "nourish/core/Csv.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    nourish::CsvDocument doc = nourish::parseCsv(text);
    if (!doc.problems.empty()) return 0;
    for (const nourish::CsvRecord& record : doc.records) {
        nourish::CsvDocument again = nourish::parseCsv(nourish::csvLine(record.fields));
        bool blank = record.fields.size() == 1 && record.fields[0].empty();
        if (blank) continue;
        if (!again.problems.empty() || again.records.size() != 1 || again.records[0].fields != record.fields) std::abort();
    }
    return 0;
}
