#pragma once

#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

namespace nourish {

// Validates JSON documents against the schemas embedded from schemas/.
class SchemaValidator {
public:
    // name: the schema's file name, e.g. "report-document.schema.json".
    explicit SchemaValidator(const std::string& name);
    ~SchemaValidator();
    SchemaValidator(SchemaValidator&&) noexcept;

    // Problems as "$.blocks[2].items: message"; empty when valid.
    std::vector<std::string> validate(const nlohmann::json& document) const;

    // One shared validator per schema, built on first use.
    static const SchemaValidator& forSchema(const std::string& name);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Parses JSON text; on failure throws ValidationError naming `what`.
nlohmann::json parseJson(const std::string& text, const std::string& what);

}  // namespace nourish
