// The plan section of the family summary, through the host: only the client
// asked for, and what a family needs this week.
#include <gtest/gtest.h>

#include <ctime>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "nourish/core/ClientStore.h"
#include "nourish/family.hpp"
#include "nourish/core/Errors.h"
#include "nourish/host/PluginHost.h"
#include "support/TempDir.h"

using namespace nourish;
using nlohmann::json;

TEST(EliminationReport, ThePlanSection_ForOneClientOfTheDemo) {
    nourish::test::TempDir dir;
    Store store(dir / "n.db");
    PluginHost::Options options;
    options.directories = {NOURISH_BUNDLED_PLUGINS};
    options.firstPartyDirectory = NOURISH_BUNDLED_PLUGINS;
    PluginHost host(store, options);
    host.discover();
    host.loadAll();
    ASSERT_EQ(host.find("org.nourish.elimination")->state, PluginState::Loaded) << host.find("org.nourish.elimination")->reason;
    ASSERT_EQ(host.seedDemo(), 12);
    // The demo gives Ollie Bennett a milk ladder and Minh Nguyễn a reaction to egg.
    int64_t ollie = ClientStore(store).search("bennett", 1)[0].id;
    auto sections = host.reportSections(ollie);
    std::erase_if(sections, [](const ReportSection& s) { return s.pluginId != "org.nourish.elimination"; });
    ASSERT_EQ(sections.size(), 1u);
    ASSERT_TRUE(sections[0].error.empty()) << sections[0].error;
    json doc = json::parse(sections[0].documentJson);
    std::string text = doc.dump();
    EXPECT_EQ(doc["title"], "Ollie's food plan");
    EXPECT_NE(text.find("milk ladder"), std::string::npos);
    EXPECT_NE(text.find("Day by day"), std::string::npos);
    EXPECT_NE(text.find("Back in the diet: malted milk biscuit (step 1)"), std::string::npos) << "steps passed";
    EXPECT_NE(text.find("Not yet: hard cheese (step 6)"), std::string::npos) << "steps to come";
    EXPECT_EQ(text.find("Foods to leave out for now"), std::string::npos)
        << "milk is on its ladder: the steps say what is in and what is not, no list says 'avoid cheese'";
    bool chart = false;
    for (const json& b : doc["blocks"])
        if (b["type"] == "chart") chart = b["series"][0]["points"].size() >= 8 && !b["bands"].empty();
    EXPECT_TRUE(chart) << "the POEM trend with the phases";
    EXPECT_EQ(text.find("Nguy"), std::string::npos) << "no other family's data";
    EXPECT_EQ(text.find("egg"), std::string::npos);

    // A client without a plan gets a plain sentence, not an error.
    int64_t maya = ClientStore(store).search("patel", 1)[0].id;
    auto none = host.reportSections(maya);
    std::erase_if(none, [](const ReportSection& s) { return s.pluginId != "org.nourish.elimination"; });
    ASSERT_TRUE(none[0].error.empty()) << none[0].error;
    EXPECT_NE(none[0].documentJson.find("no food plan"), std::string::npos);
    host.shutdown();
}

// The wrapper offers the evaluate hook only when a plugin overrides it: the
// host then asks the protocol's own plugin, and for the others says there is none.
TEST(ProtocolHooks, OnlyAPluginThatOverridesEvaluateHasAHook) {
    nourish::test::TempDir dir;
    Store store(dir / "n.db");
    PluginHost::Options options;
    options.directories = {NOURISH_BUNDLED_PLUGINS, std::string(NOURISH_TEST_PLUGIN_ROOT) + "/protocols"};
    PluginHost host(store, options);
    host.discover();
    host.loadAll();
    std::string state = R"({"protocol_id": "x", "today": "2026-01-01", "schedule": {"current_phase": "elimination"},
                           "diary": []})";
    EXPECT_FALSE(host.evaluateProtocol("org.nourish.elimination.common-triggers", state).has_value());
    auto suggestions = host.evaluateProtocol("org.example.test.two-food", state);
    ASSERT_TRUE(suggestions.has_value());
    ASSERT_EQ(suggestions->size(), 1u);
    EXPECT_EQ((*suggestions)[0]["reason"], "two-food hook for org.example.test.two-food saw 0 diary days, phase elimination");
    EXPECT_THROW(host.evaluateProtocol("org.example.nope", state), NotFoundError);
    host.shutdown();
}

namespace {

// Every demo family's summary sections, as the host renders them.
struct DemoSummaries {
    nourish::test::TempDir dir;
    std::unique_ptr<Store> store;
    std::unique_ptr<PluginHost> host;
    DemoSummaries() {
        store = std::make_unique<Store>(dir / "n.db");
        PluginHost::Options options;
        options.directories = {NOURISH_BUNDLED_PLUGINS};
        options.firstPartyDirectory = NOURISH_BUNDLED_PLUGINS;
        host = std::make_unique<PluginHost>(*store, options);
        host->discover();
        host->loadAll();
        host->seedDemo();
    }
    ~DemoSummaries() { host->shutdown(); }
    json plan(int64_t client) {
        for (const ReportSection& s : host->reportSections(client))
            if (s.pluginId == "org.nourish.elimination") return json::parse(s.documentJson);
        return json();
    }
};

// The blocks under a heading, up to the next heading.
std::vector<json> under(const json& doc, const std::string& headingStart) {
    std::vector<json> out;
    bool in = false;
    for (const json& b : doc["blocks"]) {
        if (b["type"] == "heading") {
            in = b["text"].get<std::string>().rfind(headingStart, 0) == 0;
            continue;
        }
        if (in) out.push_back(b);
    }
    return out;
}

std::set<std::string> labels(const std::vector<json>& blocks) {
    std::set<std::string> out;
    for (const json& b : blocks) {
        if (b["type"] == "table")
            for (const json& row : b["rows"]) out.insert(row[0].get<std::string>());
        if (b["type"] == "bullets")
            for (const json& item : b["items"]) {
                std::string text = item;
                out.insert(text.substr(0, text.find(':')));
            }
    }
    return out;
}

// Every piece of text a family reads in a section document.
void texts(const json& j, std::vector<std::string>& out) {
    if (j.is_string()) out.push_back(j);
    if (j.is_array())
        for (const json& v : j) texts(v, out);
    if (j.is_object())
        for (auto& [k, v] : j.items())
            if (k == "text" || k == "title" || k == "items" || k == "rows" || k == "after" || k == "blocks" ||
                k == "columns")
                texts(v, out);
}

}  // namespace

// Each food is in one place (left out, back, or stopped); nothing before
// today is offered as what to do next; every plan says what to do if the
// child reacts, with the practice's emergency number.
TEST(EliminationReport, EveryDemoPlan_EachFoodInOnePlace_NothingPastAhead_AndWhatToDoIfTheChildReacts) {
    DemoSummaries demo;
    std::string today = nourish::family::today();
    int plans = 0;
    for (const ClientSummary& c : ClientStore(*demo.store).list(StatusFilter::Active)) {
        json doc = demo.plan(c.id);
        if (doc.dump().find("There is no food plan") != std::string::npos) continue;
        ++plans;
        std::string name = c.preferredName.empty() ? c.givenName : c.preferredName;
        SCOPED_TRACE(name);
        auto avoid = labels(under(doc, "Foods to leave out")), back = labels(under(doc, "Back in the diet")),
             reacted = labels(under(doc, "Foods that caused a reaction"));
        for (const std::string& f : avoid) {
            EXPECT_FALSE(back.count(f)) << f << " is both left out and back in the diet";
            EXPECT_FALSE(reacted.count(f)) << f;
        }
        for (const std::string& f : back) EXPECT_FALSE(reacted.count(f)) << f;
        // A ladder's steps: none both back and still to come.
        for (const json& b : doc["blocks"]) {
            if (b["type"] != "bullets") continue;
            std::string passed, toCome;
            for (const json& item : b["items"]) {
                std::string t = item;
                if (t.rfind("Back in the diet: ", 0) == 0) passed = t;
                if (t.rfind("Not yet: ", 0) == 0) toCome = t;
            }
            for (int step = 1; step <= 12 && !passed.empty(); ++step) {
                std::string tag = "(step " + std::to_string(step) + ")";
                EXPECT_FALSE(passed.find(tag) != std::string::npos && toCome.find(tag) != std::string::npos) << tag;
            }
        }
        // Day by day: from today on, never a day gone.
        for (const json& b : under(doc, "Day by day")) {
            if (b["type"] == "table") {
                ASSERT_FALSE(b["rows"].empty());
                EXPECT_EQ(b["rows"][0][0].get<std::string>().rfind(nourish::family::date(today, today), 0), 0u)
                    << "the first day is today: " << b["rows"][0][0];
            }
            for (int back = 1; back <= 120; ++back) {
                std::tm tm{};
                strptime(today.c_str(), "%Y-%m-%d", &tm);
                tm.tm_mday -= back;
                tm.tm_hour = 12;
                std::mktime(&tm);
                char iso[16];
                std::strftime(iso, sizeof iso, "%Y-%m-%d", &tm);
                std::string past = nourish::family::date(iso, today);
                EXPECT_EQ(b.dump().find(past), std::string::npos) << past << " is under Day by day";
            }
        }
        // What to do if the child reacts, with 999 (the demo practice is in the UK).
        auto reacts = under(doc, "If " + name + " reacts");
        ASSERT_EQ(reacts.size(), 3u) << doc.dump(1);
        EXPECT_EQ(reacts[0]["type"], "callout");
        EXPECT_EQ(reacts[1]["tone"], "urgent");
        EXPECT_EQ(reacts[1]["title"], "Call 999 at once if " + name + " has any of these");
        EXPECT_NE(reacts[1].dump().find("anaphylaxis"), std::string::npos);
        EXPECT_NE(reacts[2]["text"].get<std::string>().find("+44 117 496 0000 (Monday to Friday, 9am to 5pm)"),
                  std::string::npos);
    }
    EXPECT_EQ(plans, 4);
}

// A readability check over everything a family reads in the demo summaries
// (every plugin's sections): short sentences, few long words, no clinical
// word left unexplained.
TEST(EliminationReport, EveryDemoSummary_ReadsPlainly) {
    DemoSummaries demo;
    int sentences = 0, words = 0, longWords = 0, longest = 0;
    std::string longestText, all;
    for (const ClientSummary& c : ClientStore(*demo.store).list(StatusFilter::Active)) {
        std::vector<std::string> pieces;
        for (const ReportSection& s : demo.host->reportSections(c.id)) texts(json::parse(s.documentJson), pieces);
        for (const std::string& piece : pieces) {
            all += piece + "\n";
            // Sentences end at ". ", "? ", "! ", ": " before a capital, or at the end of the piece.
            std::string sentence;
            auto flush = [&] {
                std::istringstream in(sentence);
                std::string w;
                int n = 0;
                while (in >> w) {
                    ++n;
                    std::string letters;
                    for (char ch : w)
                        if (std::isalpha(static_cast<unsigned char>(ch))) letters += ch;
                    if (letters.size() >= 13 && w.find('@') == std::string::npos) ++longWords;
                }
                if (n) ++sentences, words += n;
                if (n > longest) longest = n, longestText = sentence;
                sentence.clear();
            };
            for (size_t i = 0; i < piece.size(); ++i) {
                sentence += piece[i];
                char ch = piece[i];
                if ((ch == '.' || ch == '?' || ch == '!' || ch == ';') && (i + 1 == piece.size() || piece[i + 1] == ' '))
                    flush();
            }
            flush();
        }
    }
    ASSERT_GT(sentences, 100);
    double mean = double(words) / sentences, share = 100.0 * longWords / words;
    RecordProperty("mean_sentence_words", std::to_string(mean));
    EXPECT_LE(mean, 14.0) << words << " words in " << sentences << " sentences";
    EXPECT_LE(longest, 40) << longestText;
    EXPECT_LE(share, 2.0) << longWords << " words of 13 letters or more out of " << words;
    std::string lowered = all;
    for (char& ch : lowered) ch = char(std::tolower(static_cast<unsigned char>(ch)));
    for (const char* jargon : {"elimination", "reintroduc", "baseline", "challenge", "ige", "fpies", "protocol",
                               "tolerated", "exclusion"}) {
        size_t at = lowered.find(jargon);
        bool word = at != std::string::npos && (at == 0 || !std::isalpha(static_cast<unsigned char>(lowered[at - 1])));
        EXPECT_FALSE(word) << "'" << jargon << "' in: " << all.substr(at == std::string::npos ? 0 : (at > 60 ? at - 60 : 0), 140);
    }
    // Words a family may not know come with their meaning.
    for (const char* explained : {"caseinates (", "albumin (", "lecithin (", "(called POEM)"}) {
        std::string bare = std::string(explained).substr(0, std::string(explained).find(' '));
        if (all.find(bare) != std::string::npos) EXPECT_NE(all.find(explained), std::string::npos) << explained;
    }
    size_t poem = 0;
    while ((poem = all.find("POEM", poem)) != std::string::npos) {
        EXPECT_EQ(all.compare(poem >= 8 ? poem - 8 : 0, 12, "(called POEM"), 0) << all.substr(poem > 40 ? poem - 40 : 0, 80);
        ++poem;
    }
}
