// libFuzzer target for the plugin documents a host reads: protocols,
// instruments, note templates, forms and report documents. Any bytes must be
// refused with the reader's own error (naming the JSON path) or read whole;
// a raw JSON library exception escaping means a check is missing.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string_view>

#include "nourish/core/Catalog.h"
#include "nourish/core/FormDefinition.h"
#include "nourish/core/SchemaValidator.h"
#include "nourish/json_input.hpp"

namespace {

template <typename Read>
void expectOwnError(Read&& read) {
    try {
        read();
    } catch (const nourish::DocumentError&) {
    } catch (const nourish::FormError&) {
    } catch (const nlohmann::json::exception&) {
        std::abort();  // a document past the schema that the reader still misreads
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    nlohmann::json document;
    try {
        document = nourish::parseJsonInput(std::string_view(reinterpret_cast<const char*>(data), size));
    } catch (const nourish::JsonInputError&) {
        return 0;
    }
    expectOwnError([&] { nourish::ProtocolDefinition::parse(document); });
    expectOwnError([&] {
        nourish::Instrument instrument = nourish::Instrument::parse(document);
        nourish::FormDefinition::parse(instrument.toForm());
    });
    expectOwnError([&] {
        nourish::NoteTemplate note = nourish::NoteTemplate::parse(document);
        nourish::FormDefinition::parse(note.toForm());
    });
    expectOwnError([&] { nourish::FormDefinition::parse(document); });
    nourish::SchemaValidator::forSchema("report-document.schema.json").validate(document);
    return 0;
}
