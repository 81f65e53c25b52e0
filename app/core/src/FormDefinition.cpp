#include "nourish/core/FormDefinition.h"

#include <cmath>
#include <map>
#include <set>

#include "nourish/core/Dates.h"
#include "nourish/core/SchemaValidator.h"
#include "nourish/core/Text.h"

namespace nourish {

using nlohmann::json;

const FormOption* FormField::option(const std::string& value) const {
    for (const FormOption& o : options)
        if (o.value == value) return &o;
    return nullptr;
}

bool isUnanswered(const json& v) {
    return v.is_null() || (v.is_string() && trim(v.get<std::string>()).empty()) || (v.is_array() && v.empty());
}

namespace {

std::string number(double v) { return formatNumber(v); }

struct Parser {
    // Ids already seen in the current scope (the form, or one repeat group), with their path.
    using Scope = std::map<std::string, std::string>;

    FormField field(const json& j, const std::string& path, Scope& scope, const Scope* outer) {
        FormField f;
        f.id = j["id"];
        f.type = j["type"];
        f.label = j["label"];
        f.help = j.value("help", "");
        f.unit = j.value("unit", "");
        f.required = j.value("required", false);
        if (j.contains("min")) f.min = j["min"].get<double>();
        if (j.contains("max")) f.max = j["max"].get<double>();
        if (j.contains("max_length")) f.maxLength = j["max_length"].get<int>();
        f.minLabel = j.value("min_label", "");
        f.maxLabel = j.value("max_label", "");
        if (j.contains("min_items")) f.minItems = j["min_items"].get<int>();
        if (j.contains("max_items")) f.maxItems = j["max_items"].get<int>();
        if (auto it = scope.find(f.id); it != scope.end())
            throw FormError(path + ".id: the field id '" + f.id + "' is already used at " + it->second);
        if (f.min && f.max && *f.min > *f.max)
            throw FormError(path + ": min (" + number(*f.min) + ") is greater than max (" + number(*f.max) + ")");
        if (f.type == "scale" && (std::floor(*f.min) != *f.min || std::floor(*f.max) != *f.max))
            throw FormError(path + ": a scale needs whole-number min and max");
        if (f.minItems && f.maxItems && *f.minItems > *f.maxItems)
            throw FormError(path + ": min_items is greater than max_items");
        std::set<std::string> values;
        for (size_t i = 0; i < j.value("options", json::array()).size(); ++i) {
            FormOption o{j["options"][i]["value"], j["options"][i]["label"]};
            if (!values.insert(o.value).second)
                throw FormError(path + ".options[" + std::to_string(i) + "].value: '" + o.value + "' appears twice");
            f.options.push_back(o);
        }
        if (j.contains("show_if")) {
            const json& c = j["show_if"];
            FormField::Condition condition;
            condition.field = c["field"];
            if (c.contains("equals")) condition.values.push_back(c["equals"]);
            else for (auto& v : c["in"]) condition.values.push_back(v);
            if (condition.field == f.id) throw FormError(path + ".show_if.field: a field cannot depend on itself");
            if (!scope.count(condition.field) && !(outer && outer->count(condition.field)))
                throw FormError(path + ".show_if.field: '" + condition.field +
                                "' is not a field that comes before this one");
            f.showIf = condition;
        }
        if (f.type == "repeat") {
            Scope inner;
            for (size_t i = 0; i < j["fields"].size(); ++i) {
                std::string p = path + ".fields[" + std::to_string(i) + "]";
                f.fields.push_back(field(j["fields"][i], p, inner, &scope));
                if (f.fields.back().type == "repeat") throw FormError(p + ".type: repeat groups cannot nest");
            }
        }
        scope[f.id] = path;
        return f;
    }
};

bool conditionHolds(const FormField::Condition& c, const json& value) {
    if (value.is_null()) return false;
    for (const json& wanted : c.values) {
        if (value.is_array()) {
            for (const json& v : value)
                if (v == wanted) return true;
        } else if (value == wanted) {
            return true;
        }
    }
    return false;
}


std::string optionList(const FormField& f) {
    std::string list;
    for (auto& o : f.options) list += (list.empty() ? "" : ", ") + o.value;
    return list;
}

void checkValue(const FormField& f, const json& v, const std::string& name, const json& answers, bool complete,
                std::vector<std::string>& problems);

void checkFields(const std::vector<FormField>& fields, const json& answers, const json& scope, const json* item,
                 const std::string& prefix, bool complete, std::vector<std::string>& problems) {
    std::set<std::string> known;
    for (const FormField& f : fields) {
        known.insert(f.id);
        std::string name = prefix + f.id;
        bool visible = FormDefinition::isVisible(f, answers, item);
        bool present = scope.contains(f.id) && !isUnanswered(scope[f.id]);
        if (!visible) {
            if (present)
                problems.push_back(name + ": is not asked with these answers (it depends on " + f.showIf->field + ")");
            continue;
        }
        if (!present) {
            if (complete && f.required) problems.push_back(name + ": is required");
            continue;
        }
        checkValue(f, scope[f.id], name, answers, complete, problems);
    }
    for (auto& [key, value] : scope.items())
        if (!known.count(key)) problems.push_back(prefix + key + ": is not a field of this form");
}

void checkValue(const FormField& f, const json& v, const std::string& name, const json& answers, bool complete,
                std::vector<std::string>& problems) {
    auto range = [&](double x) {
        if (f.min && x < *f.min)
            problems.push_back(name + ": " + number(x) + " is below the minimum " + number(*f.min) + f.unit);
        else if (f.max && x > *f.max)
            problems.push_back(name + ": " + number(x) + " is above the maximum " + number(*f.max) + f.unit);
    };
    const std::string& t = f.type;
    if (t == "text" || t == "multiline") {
        if (!v.is_string()) return problems.push_back(name + ": must be text");
        std::string s = v.get<std::string>();
        if (!isValidUtf8(s)) return problems.push_back(name + ": is not valid UTF-8 text");
        std::string check = s;
        if (t == "multiline") std::erase_if(check, [](char c) { return c == '\n' || c == '\t' || c == '\r'; });
        if (hasControlCharacters(check)) return problems.push_back(name + ": must not contain control characters");
        if (auto spoof = bidiSpoofProblem(s)) return problems.push_back(name + ": " + *spoof);
        size_t max = f.maxLength ? static_cast<size_t>(*f.maxLength) : (t == "text" ? 500 : 20000);
        if (codePointCount(s) > max)
            problems.push_back(name + ": is longer than " + std::to_string(max) + " characters");
    } else if (t == "integer" || t == "scale") {
        if (!v.is_number() || std::floor(v.get<double>()) != v.get<double>())
            return problems.push_back(name + ": must be a whole number");
        range(v.get<double>());
    } else if (t == "decimal") {
        if (!v.is_number()) return problems.push_back(name + ": must be a number");
        range(v.get<double>());
    } else if (t == "date") {
        if (!v.is_string() || !Date::parse(v.get<std::string>()))
            problems.push_back(name + ": " + (v.is_string() ? "'" + v.get<std::string>() + "'" : v.dump()) +
                               " is not a date (use YYYY-MM-DD)");
    } else if (t == "yes_no") {
        if (!v.is_boolean()) problems.push_back(name + ": must be yes (true) or no (false)");
    } else if (t == "single_choice") {
        if (!v.is_string() || !f.option(v.get<std::string>()))
            problems.push_back(name + ": " + v.dump() + " is not one of " + optionList(f));
    } else if (t == "multiple_choice") {
        if (!v.is_array()) return problems.push_back(name + ": must be a list of choices");
        std::set<std::string> seen;
        for (const json& choice : v) {
            if (!choice.is_string() || !f.option(choice.get<std::string>()))
                problems.push_back(name + ": " + choice.dump() + " is not one of " + optionList(f));
            else if (!seen.insert(choice.get<std::string>()).second)
                problems.push_back(name + ": " + choice.dump() + " is chosen twice");
        }
    } else if (t == "repeat") {
        if (!v.is_array()) return problems.push_back(name + ": must be a list of entries");
        if (f.minItems && static_cast<int>(v.size()) < *f.minItems)
            problems.push_back(name + ": needs at least " + std::to_string(*f.minItems) + " entries");
        if (f.maxItems && static_cast<int>(v.size()) > *f.maxItems)
            problems.push_back(name + ": has more than " + std::to_string(*f.maxItems) + " entries");
        for (size_t i = 0; i < v.size(); ++i) {
            std::string itemName = name + "[" + std::to_string(i) + "]";
            if (!v[i].is_object()) {
                problems.push_back(itemName + ": must be an object of answers");
                continue;
            }
            checkFields(f.fields, answers, v[i], &v[i], itemName + ".", complete, problems);
        }
    }
}

}  // namespace

FormDefinition FormDefinition::parse(const json& document) {
    auto problems = SchemaValidator::forSchema("form.schema.json").validate(document);
    if (!problems.empty()) throw FormError(problems.front());
    FormDefinition form;
    form.document = document;
    form.id = document["id"];
    form.version = document["version"];
    form.title = document["title"];
    form.description = document.value("description", "");
    Parser parser;
    Parser::Scope scope;
    std::set<std::string> sectionIds;
    for (size_t s = 0; s < document["sections"].size(); ++s) {
        const json& sj = document["sections"][s];
        std::string path = "$.sections[" + std::to_string(s) + "]";
        FormSection section{sj["id"], sj["title"], sj.value("help", ""), {}};
        if (!sectionIds.insert(section.id).second)
            throw FormError(path + ".id: the section id '" + section.id + "' is used twice");
        for (size_t f = 0; f < sj["fields"].size(); ++f)
            section.fields.push_back(
                parser.field(sj["fields"][f], path + ".fields[" + std::to_string(f) + "]", scope, nullptr));
        form.sections.push_back(std::move(section));
    }
    return form;
}

bool FormDefinition::isVisible(const FormField& field, const json& answers, const json* item) {
    if (!field.showIf) return true;
    const std::string& on = field.showIf->field;
    if (item && item->contains(on)) return conditionHolds(*field.showIf, (*item)[on]);
    if (answers.is_object() && answers.contains(on)) return conditionHolds(*field.showIf, answers[on]);
    return false;
}

const FormField* FormDefinition::field(const std::string& id) const {
    for (const FormSection& s : sections)
        for (const FormField& f : s.fields)
            if (f.id == id) return &f;
    return nullptr;
}

std::vector<std::string> FormDefinition::validateAnswers(const json& answers, bool complete) const {
    std::vector<std::string> problems;
    if (!answers.is_object()) {
        problems.push_back("answers: must be a JSON object mapping field ids to values");
        return problems;
    }
    std::vector<FormField> all;
    for (const FormSection& s : sections) all.insert(all.end(), s.fields.begin(), s.fields.end());
    checkFields(all, answers, answers, nullptr, "", complete, problems);
    return problems;
}

}  // namespace nourish
