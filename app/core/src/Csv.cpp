#include "nourish/core/Csv.h"

#include <algorithm>

namespace nourish {

CsvDocument parseCsv(std::string_view text, size_t maxProblems) {
    CsvDocument doc;
    size_t i = 0, line = 1;
    if (text.substr(0, 3) == "\xEF\xBB\xBF") i = 3;
    auto problem = [&](size_t at, std::string message) {
        if (doc.problems.size() < maxProblems) doc.problems.push_back({at, std::move(message)});
    };
    while (i < text.size()) {
        CsvRecord record;
        record.line = line;
        bool endOfRecord = false;
        while (!endOfRecord) {
            std::string field;
            if (i < text.size() && text[i] == '"') {
                size_t opened = line;
                ++i;
                bool closed = false;
                while (i < text.size()) {
                    // Copy the run up to the next quote in one go.
                    size_t quote = text.find('"', i);
                    size_t end = quote == std::string_view::npos ? text.size() : quote;
                    std::string_view run = text.substr(i, end - i);
                    line += static_cast<size_t>(std::count(run.begin(), run.end(), '\n'));
                    field.append(run);
                    i = end;
                    if (i >= text.size()) break;
                    if (i + 1 < text.size() && text[i + 1] == '"') {
                        field += '"';
                        i += 2;
                        continue;
                    }
                    ++i;
                    closed = true;
                    break;
                }
                if (!closed) {
                    problem(opened, "a quoted field is never closed (a stray quote?)");
                    i = text.size();
                }
                // After a closing quote only a separator or the end of the record may follow.
                if (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
                    problem(line, "text after a closing quote (quotes inside a field must be doubled)");
                    while (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r') ++i;
                }
            } else {
                size_t end = text.find_first_of(",\r\n", i);
                if (end == std::string_view::npos) end = text.size();
                std::string_view run = text.substr(i, end - i);
                if (run.find('"') != std::string_view::npos)
                    problem(line, "a quote inside an unquoted field (quote the whole field)");
                field.assign(run);
                i = end;
            }
            record.fields.push_back(std::move(field));
            if (i >= text.size()) {
                endOfRecord = true;
            } else if (text[i] == ',') {
                ++i;
            } else {
                if (text[i] == '\r') ++i;
                if (i < text.size() && text[i] == '\n') ++i;
                ++line;
                endOfRecord = true;
            }
        }
        // A blank line is not a record.
        if (!(record.fields.size() == 1 && record.fields[0].empty())) doc.records.push_back(std::move(record));
    }
    return doc;
}

std::string csvLine(const std::vector<std::string>& fields) {
    std::string out;
    for (size_t i = 0; i < fields.size(); ++i) {
        if (i) out += ',';
        const std::string& f = fields[i];
        // Quoted too: a field starting with a byte order mark, which a reader
        // would take for the file's own at the start of the text.
        bool quote = f.find_first_of(",\"\r\n") != std::string::npos ||
                     (!f.empty() && (f.front() == ' ' || f.back() == ' ')) || f.rfind("\xEF\xBB\xBF", 0) == 0;
        if (!quote) {
            out += f;
            continue;
        }
        out += '"';
        for (char c : f) {
            if (c == '"') out += '"';
            out += c;
        }
        out += '"';
    }
    out += "\r\n";
    return out;
}

namespace {
bool startsFormula(const std::string& text) {
    size_t i = text.find_first_not_of('\'');
    return i != std::string::npos && std::string_view("=+-@\t\r").find(text[i]) != std::string_view::npos;
}
}  // namespace

std::string csvCell(const std::string& value) { return startsFormula(value) ? "'" + value : value; }

std::string csvCellValue(const std::string& cell) {
    return cell.size() > 1 && cell[0] == '\'' && startsFormula(cell) ? cell.substr(1) : cell;
}

}  // namespace nourish
