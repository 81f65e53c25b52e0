// libFuzzer target for answers (intake, diary, instrument, note), the JSON a
// practitioner's command line or a plugin hands the one answer validator:
// checked against every form Nourish ships, complete and as a draft, and
// scored by every instrument. Nothing may crash or escape as a JSON library
// exception.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string_view>
#include <utility>
#include <vector>

#include "nourish/core/Catalog.h"
#include "nourish/core/FormDefinition.h"
#include "nourish/json_input.hpp"

namespace {

std::vector<nourish::FormDefinition> forms;
std::vector<std::pair<nourish::Instrument, nourish::FormDefinition>> instruments;

nlohmann::json readFile(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return nlohmann::json::parse(text.str());
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    namespace fs = std::filesystem;
    fs::path plugins = fs::path(NOURISH_SOURCE_DIR) / "plugins";
    for (const char* folder : {"intake/forms", "elimination/forms"})
        for (const auto& entry : fs::directory_iterator(plugins / folder))
            forms.push_back(nourish::FormDefinition::parse(readFile(entry.path())));
    for (const auto& entry : fs::directory_iterator(plugins / "elimination/instruments")) {
        nourish::Instrument instrument = nourish::Instrument::parse(readFile(entry.path()));
        nourish::FormDefinition form = nourish::FormDefinition::parse(instrument.toForm());
        forms.push_back(form);
        instruments.emplace_back(std::move(instrument), std::move(form));
    }
    for (const auto& entry : fs::directory_iterator(plugins / "notes/templates"))
        forms.push_back(nourish::FormDefinition::parse(nourish::NoteTemplate::parse(readFile(entry.path())).toForm()));
    if (forms.size() < 7) {  // two intake forms, the diary, POEM, three note templates
        std::fprintf(stderr, "answers_fuzz: found only %zu of the shipped forms under %s\n", forms.size(),
                     plugins.c_str());
        std::abort();
    }
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    nlohmann::json answers;
    try {
        answers = nourish::parseJsonInput(std::string_view(reinterpret_cast<const char*>(data), size));
    } catch (const nourish::JsonInputError&) {
        return 0;
    }
    try {
        for (const nourish::FormDefinition& form : forms) {
            bool valid = form.validateAnswers(answers, true).empty();
            form.validateAnswers(answers, false);
            if (valid && !answers.is_object()) std::abort();  // answers are an object of field ids
        }
        for (const auto& [instrument, form] : instruments)
            if (form.validateAnswers(answers, false).empty()) instrument.score(answers);
    } catch (const nlohmann::json::exception&) {
        std::abort();
    }
    return 0;
}
