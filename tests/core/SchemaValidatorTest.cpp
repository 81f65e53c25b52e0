#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "nourish/core/Errors.h"
#include "nourish/core/SchemaValidator.h"

using namespace nourish;
using nlohmann::json;

TEST(SchemaValidator, ValidReportDocumentPasses) {
    json doc = json::parse(R"({"title": "About Zoë", "blocks": [
        {"type": "heading", "text": "Foods to avoid", "level": 2},
        {"type": "bullets", "items": ["cow's milk", "egg"]},
        {"type": "table", "columns": ["Food", "Status"], "rows": [["egg", "avoiding"]]},
        {"type": "chart", "series": [{"name": "POEM", "points": [{"date": "2026-01-01", "value": 12}]}]}]})");
    EXPECT_TRUE(SchemaValidator::forSchema("report-document.schema.json").validate(doc).empty());
}

TEST(SchemaValidator, ProblemsCarryTheJsonPath) {
    json doc = json::parse(R"({"blocks": [{"type": "paragraph", "text": "ok"}, {"type": "bullets", "items": [3]}]})");
    auto problems = SchemaValidator::forSchema("report-document.schema.json").validate(doc);
    ASSERT_FALSE(problems.empty());
    EXPECT_EQ(problems.front().rfind("$.blocks[1].items[0]", 0), 0u) << problems.front();
}

TEST(SchemaValidator, ManifestSchemaRejectsBadIds) {
    json manifest = json::parse(R"({"id": "Not An Id", "name": "x", "version": "1.0.0", "library": "x.so",
                                    "sdk": {"major": 1, "minor": 0}, "capabilities": []})");
    auto problems = SchemaValidator::forSchema("plugin-manifest.schema.json").validate(manifest);
    ASSERT_FALSE(problems.empty());
    EXPECT_EQ(problems.front().rfind("$.id", 0), 0u) << problems.front();
}

TEST(SchemaValidator, BadJsonTextNamesWhat) {
    try {
        parseJson("{not json", "client");
        FAIL();
    } catch (const ValidationError& e) {
        EXPECT_EQ(e.field(), "client");
        EXPECT_NE(std::string(e.what()).find("client: is not valid JSON (at byte 3)"), std::string::npos) << e.what();
    }
}

TEST(ParseJson, DeepHugeNumbersAndDuplicateKeys_AreRefusedWithAMessage_NeverACrash) {
    auto refusal = [](const std::string& text) {
        try {
            parseJson(text, "answers");
        } catch (const ValidationError& e) {
            EXPECT_EQ(e.field(), "answers");
            return std::string(e.what());
        }
        return std::string();
    };
    EXPECT_NE(refusal(std::string(100000, '[') + std::string(100000, ']')).find("nested deeper than 64 levels (at byte 65)"),
              std::string::npos);
    EXPECT_NE(refusal("{\"a\": 1e400}").find("a number too large"), std::string::npos);
    EXPECT_NE(refusal("{\"a\": 1, \"b\": {\"c\": 1, \"c\": 2}}").find("the key \"c\" twice"), std::string::npos);
    EXPECT_NE(refusal("{\"a\": ").find("not valid JSON"), std::string::npos);
    EXPECT_EQ(refusal("{\"a\": \"[[[[\", \"b\": [{\"a\": 1}, {\"a\": 2}]}"), "") << "brackets in strings and keys in sibling objects are fine";
    EXPECT_EQ(refusal(std::string(64, '[') + std::string(64, ']')), "");
}
