#include "nourish/host/Manifest.h"

#include "nourish/json_input.hpp"

#include <elf.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "nourish/capabilities.h"
#include "nourish/core/SchemaValidator.h"
#include "nourish/core/Text.h"

namespace nourish {

bool Manifest::offers(const std::string& capability) const {
    return std::find(capabilities.begin(), capabilities.end(), capability) != capabilities.end();
}

std::string capabilityOfDocumentKind(const std::string& kind) {
    if (kind == "protocols") return NOURISH_PROTOCOLS_ID;
    if (kind == "instruments") return NOURISH_INSTRUMENTS_ID;
    if (kind == "intake_forms") return NOURISH_INTAKE_FORMS_ID;
    if (kind == "note_templates") return NOURISH_NOTE_TEMPLATES_ID;
    if (kind == "growth_references") return NOURISH_GROWTH_REFERENCES_ID;
    return "";
}

namespace {

std::vector<std::string> splitOn(const std::string& text, char separator) {
    std::vector<std::string> parts;
    size_t start = 0;
    for (size_t at; (at = text.find(separator, start)) != std::string::npos; start = at + 1)
        parts.push_back(text.substr(start, at - start));
    parts.push_back(text.substr(start));
    return parts;
}

bool allDigits(const std::string& s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return c >= '0' && c <= '9'; });
}

// Two numbers written in digits, of any length, without overflow.
int compareNumbers(std::string a, std::string b) {
    a.erase(0, std::min(a.find_first_not_of('0'), a.size()));
    b.erase(0, std::min(b.find_first_not_of('0'), b.size()));
    if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
    return a.compare(b) < 0 ? -1 : a.compare(b) > 0 ? 1 : 0;
}

}  // namespace

int compareVersions(const std::string& a, const std::string& b) {
    auto split = [](const std::string& v) {
        std::string core = v.substr(0, v.find('+'));  // build metadata has no precedence
        size_t dash = core.find('-');
        return std::pair{core.substr(0, dash), dash == std::string::npos ? std::string() : core.substr(dash + 1)};
    };
    auto [coreA, preA] = split(a);
    auto [coreB, preB] = split(b);
    auto numbersA = splitOn(coreA, '.'), numbersB = splitOn(coreB, '.');
    for (size_t i = 0; i < std::max(numbersA.size(), numbersB.size()); ++i) {
        int c = compareNumbers(i < numbersA.size() ? numbersA[i] : "0", i < numbersB.size() ? numbersB[i] : "0");
        if (c) return c;
    }
    // 1.0.0-beta < 1.0.0; identifiers compare numerically or as text, a
    // number before a word, and more identifiers win when the rest is equal.
    if (preA.empty() || preB.empty()) return preA.empty() == preB.empty() ? 0 : preA.empty() ? 1 : -1;
    auto idsA = splitOn(preA, '.'), idsB = splitOn(preB, '.');
    for (size_t i = 0; i < std::min(idsA.size(), idsB.size()); ++i) {
        bool numA = allDigits(idsA[i]), numB = allDigits(idsB[i]);
        int c = numA && numB ? compareNumbers(idsA[i], idsB[i])
                : numA != numB ? (numA ? -1 : 1)
                               : (idsA[i] < idsB[i] ? -1 : idsA[i] > idsB[i] ? 1 : 0);
        if (c) return c;
    }
    return idsA.size() == idsB.size() ? 0 : idsA.size() < idsB.size() ? -1 : 1;
}

Manifest readManifest(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ManifestError("cannot read the manifest " + path.string());
    std::stringstream text;
    text << in.rdbuf();
    return parseManifest(text.str(), path.filename().string());
}

Manifest parseManifest(const std::string& text, const std::string& fileName) {
    nlohmann::json j;
    try {
        j = parseJsonInput(text, JsonLimits{1024 * 1024, 32});
    } catch (const JsonInputError& e) {
        throw ManifestError("the manifest " + fileName + " " + e.what());
    }
    auto problems = SchemaValidator::forSchema("plugin-manifest.schema.json").validate(j);
    if (!problems.empty()) throw ManifestError("the manifest " + fileName + " is invalid at " + problems.front());
    // What says who made it and what it is, as the practitioner reads it
    // before she trusts it, must read as it is written.
    for (const char* field : {"name", "vendor", "version", "homepage", "description"}) {
        if (!j.contains(field)) continue;
        const std::string& text = j[field].get_ref<const std::string&>();
        bool freeText = std::string(field) == "description";
        std::optional<std::string> problem;
        if (!isValidUtf8(text)) problem = "is not valid UTF-8 text";
        else if (!freeText && hasControlCharacters(text)) problem = "holds a line break or control character";
        else if (auto c = freeText ? bidiSpoofProblem(text) : invisibleFormatCharacter(text))
            problem = "holds " + *c + ", which can make it show other than it is written";
        if (problem) throw ManifestError("the manifest " + fileName + " is invalid at $." + field + ": it " + *problem);
    }
    Manifest m;
    m.id = j["id"];
    m.name = j["name"];
    m.version = j["version"];
    m.vendor = j.value("vendor", "");
    m.description = j.value("description", "");
    m.homepage = j.value("homepage", "");
    m.library = j.value("library", "");
    m.sdkMajor = j["sdk"]["major"];
    m.sdkMinor = j["sdk"]["minor"];
    m.capabilities = j["capabilities"].get<std::vector<std::string>>();
    m.tablePrefix = j.value("table_prefix", "");
    m.wxSignature = j.value("wx_signature", "");
    m.uiOrder = j.value("ui_order", 100);
    if (j.contains("limits")) m.sqlStatementMs = j["limits"].value("sql_statement_ms", 0);
    for (auto& setting : j.value("settings", nlohmann::json::array()))
        m.settings.push_back({setting["key"], setting["description"], setting.value("secret", false)});
    auto invalid = [&](const std::string& path, const std::string& problem) {
        return ManifestError("the manifest " + fileName + " is invalid at " + path + ": " + problem);
    };
    bool hasDocuments = j.contains("documents");
    if (m.library.empty() && !hasDocuments)
        throw invalid("$", "it names neither a \"library\" (a plugin with code) nor \"documents\" (a data-only plugin)");
    if (!m.library.empty() && hasDocuments)
        throw invalid("$.documents", "a plugin with a library offers its documents from its code; a data-only "
                                     "plugin has no \"library\"");
    if (hasDocuments) {
        // A plugin without code offers documents only, each kind under its capability.
        for (const char* field : {"table_prefix", "settings", "wx_signature", "limits", "ui_order"})
            if (j.contains(field)) throw invalid(std::string("$.") + field, "a data-only plugin has no code to use it");
        for (auto& [kind, files] : j["documents"].items()) {
            if (!m.offers(capabilityOfDocumentKind(kind)))
                throw invalid("$.documents." + kind, "it lists " + kind + " but $.capabilities does not have " +
                                                         capabilityOfDocumentKind(kind));
            for (const auto& file : files) m.documents.push_back({kind, file.get<std::string>()});
        }
        for (size_t i = 0; i < m.capabilities.size(); ++i) {
            bool listed = false;
            for (const char* kind : {"protocols", "instruments", "intake_forms", "note_templates", "growth_references"})
                listed = listed || (capabilityOfDocumentKind(kind) == m.capabilities[i] && j["documents"].contains(kind));
            if (!listed)
                throw invalid("$.capabilities[" + std::to_string(i) + "]",
                              m.capabilities[i] + " needs code (a library) or documents of its kind under $.documents; "
                                                  "a data-only plugin can offer protocols, instruments, intake_forms, "
                                                  "note_templates and growth_references");
        }
        std::vector<std::string> seen;
        for (const Manifest::Document& d : m.documents) {
            if (std::find(seen.begin(), seen.end(), d.path) != seen.end())
                throw invalid("$.documents." + d.kind, d.path + " is listed twice");
            seen.push_back(d.path);
        }
    }
    return m;
}

bool isElfFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    char magic[4] = {};
    in.read(magic, 4);
    return in.gcount() == 4 && magic[0] == 0x7f && magic[1] == 'E' && magic[2] == 'L' && magic[3] == 'F';
}

std::vector<std::string> neededLibraries(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return neededLibraries(in);
}

std::vector<std::string> neededLibraries(std::istream& in) {
    auto readAt = [&](uint64_t offset, void* into, size_t size) {
        in.clear();
        if (offset > uint64_t(std::numeric_limits<std::streamoff>::max())) return false;
        in.seekg(std::streamoff(offset));
        in.read(static_cast<char*>(into), std::streamsize(size));
        return in.gcount() == std::streamsize(size);
    };
    Elf64_Ehdr header{};
    if (!readAt(0, &header, sizeof header) || std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0 ||
        header.e_ident[EI_CLASS] != ELFCLASS64 || header.e_phentsize != sizeof(Elf64_Phdr) || header.e_phnum > 256)
        return {};
    std::vector<Elf64_Phdr> segments(header.e_phnum);
    if (!readAt(header.e_phoff, segments.data(), segments.size() * sizeof(Elf64_Phdr))) return {};
    // The dynamic section gives the string table as an address: find it in the file.
    auto fileOffset = [&](uint64_t address) -> std::optional<uint64_t> {
        for (const Elf64_Phdr& s : segments)
            if (s.p_type == PT_LOAD && address >= s.p_vaddr && address < s.p_vaddr + s.p_filesz)
                return address - s.p_vaddr + s.p_offset;
        return std::nullopt;
    };
    std::vector<uint64_t> names;
    std::optional<uint64_t> strtab;
    uint64_t strsz = 0;
    for (const Elf64_Phdr& s : segments) {
        if (s.p_type != PT_DYNAMIC || s.p_filesz > (1u << 20)) continue;
        std::vector<Elf64_Dyn> entries(s.p_filesz / sizeof(Elf64_Dyn));
        if (!readAt(s.p_offset, entries.data(), entries.size() * sizeof(Elf64_Dyn))) return {};
        for (const Elf64_Dyn& d : entries) {
            if (d.d_tag == DT_NULL) break;
            if (d.d_tag == DT_NEEDED) names.push_back(d.d_un.d_val);
            if (d.d_tag == DT_STRTAB) strtab = fileOffset(d.d_un.d_ptr);
            if (d.d_tag == DT_STRSZ) strsz = d.d_un.d_val;
        }
    }
    if (!strtab || strsz == 0 || strsz > (1u << 24)) return {};
    std::string table(strsz, '\0');
    if (!readAt(*strtab, table.data(), table.size())) return {};
    std::vector<std::string> out;
    for (uint64_t at : names)
        if (at < table.size()) out.emplace_back(table.c_str() + at);
    return out;
}

std::vector<std::string> privateLibraries(const std::filesystem::path& library) {
    std::vector<std::string> found;
    std::vector<std::filesystem::path> todo{library};
    std::error_code ec;
    while (!todo.empty() && found.size() < 64) {
        std::filesystem::path next = todo.back();
        todo.pop_back();
        for (const std::string& name : neededLibraries(next)) {
            std::filesystem::path beside = library.parent_path() / name;
            if (name.find('/') != std::string::npos || !std::filesystem::is_regular_file(beside, ec) ||
                std::find(found.begin(), found.end(), name) != found.end() || beside == library)
                continue;
            found.push_back(name);
            todo.push_back(beside);
        }
    }
    std::sort(found.begin(), found.end());
    return found;
}

std::optional<std::filesystem::path> manifestBeside(const std::filesystem::path& library) {
    std::error_code ec;
    std::filesystem::path folder = library.parent_path().empty() ? "." : library.parent_path();
    for (const auto& entry : std::filesystem::directory_iterator(folder, ec)) {
        std::string name = entry.path().filename().string();
        if (name.size() <= 12 || name.substr(name.size() - 12) != ".plugin.json") continue;
        try {
            if (readManifest(entry.path()).library == library.filename().string()) return entry.path();
        } catch (const ManifestError&) {
        }
    }
    return std::nullopt;
}

}  // namespace nourish
