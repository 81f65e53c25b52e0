#include "nourish/host/Manifest.h"

#include "nourish/json_input.hpp"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "nourish/core/SchemaValidator.h"
#include "nourish/core/Text.h"

namespace nourish {

bool Manifest::offers(const std::string& capability) const {
    return std::find(capabilities.begin(), capabilities.end(), capability) != capabilities.end();
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
    m.library = j["library"];
    m.sdkMajor = j["sdk"]["major"];
    m.sdkMinor = j["sdk"]["minor"];
    m.capabilities = j["capabilities"].get<std::vector<std::string>>();
    m.tablePrefix = j.value("table_prefix", "");
    m.wxSignature = j.value("wx_signature", "");
    m.uiOrder = j.value("ui_order", 100);
    if (j.contains("limits")) m.sqlStatementMs = j["limits"].value("sql_statement_ms", 0);
    for (auto& setting : j.value("settings", nlohmann::json::array()))
        m.settings.push_back({setting["key"], setting["description"], setting.value("secret", false)});
    return m;
}

bool isElfFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    char magic[4] = {};
    in.read(magic, 4);
    return in.gcount() == 4 && magic[0] == 0x7f && magic[1] == 'E' && magic[2] == 'L' && magic[3] == 'F';
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
