#include "nourish/core/SchemaValidator.h"

#include "nourish/json_input.hpp"

#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include "nourish/core/Errors.h"
#include "nourish/core/Resource.h"

namespace nourish {

struct SchemaValidator::Impl {
    nlohmann::json document;
    valijson::Schema schema;
};

SchemaValidator::SchemaValidator(const std::string& name) : impl_(std::make_unique<Impl>()) {
    const char* content = nullptr;
    for (const Resource& r : resources::schemas())
        if (name == r.name) content = r.content;
    if (!content) throw std::logic_error("no embedded schema named " + name);
    impl_->document = nlohmann::json::parse(content);
    valijson::SchemaParser parser;
    valijson::adapters::NlohmannJsonAdapter adapter(impl_->document);
    parser.populateSchema(adapter, impl_->schema);
}

SchemaValidator::~SchemaValidator() = default;
SchemaValidator::SchemaValidator(SchemaValidator&&) noexcept = default;

namespace {
// valijson reports a path as ["<root>", "[blocks]", "[2]"]; show it as $.blocks[2].
std::string jsonPath(const std::vector<std::string>& context) {
    std::string path = "$";
    for (const std::string& part : context) {
        if (part == "<root>" || part.size() < 2) continue;
        std::string inner = part.substr(1, part.size() - 2);
        bool index = !inner.empty() && std::all_of(inner.begin(), inner.end(), ::isdigit);
        if (index) path += "[" + inner + "]";
        else path += "." + inner;
    }
    return path;
}
}  // namespace

std::vector<std::string> SchemaValidator::validate(const nlohmann::json& document) const {
    valijson::Validator validator;
    valijson::ValidationResults results;
    valijson::adapters::NlohmannJsonAdapter target(document);
    std::vector<std::string> problems;
    if (validator.validate(impl_->schema, target, &results)) return problems;
    valijson::ValidationResults::Error error;
    while (results.popError(error)) problems.push_back(jsonPath(error.context) + ": " + error.description);
    // The most specific problem (the deepest path) first.
    std::stable_sort(problems.begin(), problems.end(), [](const std::string& a, const std::string& b) {
        return a.find(':') > b.find(':');
    });
    return problems;
}

const SchemaValidator& SchemaValidator::forSchema(const std::string& name) {
    static std::mutex mutex;
    static std::map<std::string, std::unique_ptr<SchemaValidator>> validators;
    std::lock_guard lock(mutex);
    auto& slot = validators[name];
    if (!slot) slot = std::make_unique<SchemaValidator>(name);
    return *slot;
}

nlohmann::json parseJson(const std::string& text, const std::string& what) {
    try {
        return parseJsonInput(text);
    } catch (const JsonInputError& e) {
        throw ValidationError(what, e.what());
    }
}

}  // namespace nourish
