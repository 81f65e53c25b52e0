// Growth against the WHO Child Growth Standards: the bundled tables against
// values WHO publishes, the LMS maths (with WHO's rule beyond ±3 SD), and
// each flag at its boundary.
#include <gtest/gtest.h>

#include <clocale>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "Growth.h"
#include "nourish/core/Catalog.h"
#include "nourish/core/Store.h"
#include "nourish/host/PluginHost.h"
#include "support/TempDir.h"

using namespace nutrition;
using nlohmann::json;

namespace {

json readDocument(const std::string& name) {
    std::ifstream in(std::string(NOURISH_SOURCE_DIR) + "/plugins/who-growth/references/" + name + ".json");
    std::stringstream text;
    text << in.rdbuf();
    return json::parse(text.str());
}

Reference reference(const std::string& name) { return Reference::fromJson(readDocument(name)); }

struct Published {
    const char* sex;
    double x, l, m, s;
};

void expectRows(const Reference& r, const std::vector<Published>& rows) {
    for (const Published& p : rows) {
        SCOPED_TRACE(r.id + " " + p.sex + " at " + std::to_string(p.x));
        auto lms = r.at(p.sex, p.x);
        ASSERT_TRUE(lms);
        EXPECT_NEAR(lms->l, p.l, 1e-9);
        EXPECT_NEAR(lms->m, p.m, 1e-9);
        EXPECT_NEAR(lms->s, p.s, 1e-9);
    }
}

}  // namespace

// The medians the WHO tables give, as a second publication of them prints
// them (CDC's copy of the WHO standards for 0-24 months), at five ages and
// for both sexes, for weight, length and head circumference.
TEST(WhoGrowthStandards, TheTablesAgreeWithThePublishedLmsValues) {
    expectRows(reference("weight-for-age"),
               {{"male", 0, 0.3487, 3.3464, 0.14602},    {"male", 6, 0.1257, 7.934, 0.10958},
                {"male", 12, 0.0644, 9.6479, 0.10925},   {"male", 18, 0.0211, 10.9385, 0.11119},
                {"male", 24, -0.0137, 12.1515, 0.11426}, {"female", 0, 0.3809, 3.2322, 0.14171},
                {"female", 6, -0.0756, 7.297, 0.12204},  {"female", 12, -0.2024, 8.9481, 0.12268},
                {"female", 18, -0.2637, 10.2315, 0.12309}, {"female", 24, -0.2941, 11.4775, 0.1239},
                {"male", 60, -0.1506, 18.3366, 0.13517}});
    expectRows(reference("length-for-age"),
               {{"male", 0, 1, 49.8842, 0.03795},   {"male", 6, 1, 67.6236, 0.03165},  {"male", 12, 1, 75.7488, 0.03137},
                {"male", 18, 1, 82.2587, 0.03279},  {"male", 24, 1, 87.8161, 0.03479}, {"female", 0, 1, 49.1477, 0.0379},
                {"female", 6, 1, 65.7311, 0.03448}, {"female", 12, 1, 74.015, 0.03479}, {"female", 18, 1, 80.7079, 0.03598},
                {"female", 24, 1, 86.4153, 0.03734}});
    expectRows(reference("head-circumference-for-age"),
               {{"male", 0, 1, 34.4618, 0.03686},   {"male", 6, 1, 43.3306, 0.02817},  {"male", 12, 1, 46.0661, 0.02789},
                {"male", 18, 1, 47.3711, 0.028},    {"male", 24, 1, 48.2515, 0.02821}, {"female", 0, 1, 33.8787, 0.03496},
                {"female", 6, 1, 42.1995, 0.03087}, {"female", 12, 1, 44.8965, 0.03027}, {"female", 18, 1, 46.2424, 0.02987},
                {"female", 24, 1, 47.1822, 0.02957}});
    // The median weight-for-age at 12 months, as the standards state it.
    auto wfa = reference("weight-for-age");
    EXPECT_DOUBLE_EQ(wfa.at("male", 12)->m, 9.6479);
    EXPECT_DOUBLE_EQ(wfa.at("female", 12)->m, 8.9481);
    EXPECT_FALSE(wfa.at("other", 12)) << "no table for a sex the reference does not have";
    EXPECT_FALSE(wfa.at("male", 60.5)) << "nothing beyond the table";
}

// Rows put through the LMS formula land on the SD lines WHO prints beside
// them (rounded to 0.1): the -2, +2 and +3 SD weights of boys at four ages,
// as the expanded tables print them.
TEST(WhoGrowthStandards, TheSdLinesOfTheExpandedTablesFollowFromLms) {
    auto wfa = reference("weight-for-age");
    struct Line {
        double month, minus2, plus2, plus3;
    };
    for (Line line : {Line{0, 2.5, 4.4, 5.0}, Line{12, 7.7, 12.0, 13.3}, Line{36, 11.3, 18.3, 20.7},
                      Line{60, 14.1, 24.2, 27.9}}) {
        SCOPED_TRACE(line.month);
        Lms lms = *wfa.at("male", line.month);
        EXPECT_NEAR(valueAt(lms, -2), line.minus2, 0.05);
        EXPECT_NEAR(valueAt(lms, 2), line.plus2, 0.05);
        EXPECT_NEAR(valueAt(lms, 3), line.plus3, 0.05);
    }
    for (const char* name : {"weight-for-age", "length-for-age", "height-for-age", "head-circumference-for-age",
                             "weight-for-length", "weight-for-height"}) {
        SCOPED_TRACE(name);
        json doc = readDocument(name);
        EXPECT_NO_THROW(nourish::GrowthReference::parse(doc));
        EXPECT_EQ(doc["source"]["publisher"], "World Health Organization");
        EXPECT_NE(doc["source"]["terms"].get<std::string>().find("World Health Organization"), std::string::npos);
        for (const json& line : doc["lines"])
            EXPECT_EQ(line["label"].get<std::string>().find("centile"), std::string::npos)
                << "WHO's z-score tables name SD lines, not centiles";
        EXPECT_EQ(doc["tables"].size(), 2u);
    }
    // Length-for-age ends at 24 months, where height-for-age begins, as WHO's tables do.
    EXPECT_TRUE(reference("length-for-age").at("male", 24));
    EXPECT_FALSE(reference("length-for-age").at("male", 24.1));
    EXPECT_TRUE(reference("height-for-age").at("female", 24));
    EXPECT_FALSE(reference("height-for-age").at("female", 23.9));
    EXPECT_NEAR(reference("height-for-age").at("male", 24)->m, 87.1161, 1e-9) << "0.7 cm below the length at 24 months";
    // Weight-for-length starts at 45 cm and weight-for-height at 65 cm, as WHO's tables do.
    expectRows(reference("weight-for-length"), {{"male", 45, -0.3521, 2.441, 0.09182}, {"female", 45, -0.3833, 2.4607, 0.09029}});
    EXPECT_FALSE(reference("weight-for-length").at("male", 44.9));
    EXPECT_TRUE(reference("weight-for-length").at("female", 110));
    EXPECT_TRUE(reference("weight-for-height").at("female", 120));
    EXPECT_FALSE(reference("weight-for-height").at("female", 64.5));
}

TEST(GrowthMaths, ZScoresAndCentilesFollowTheLmsMethod) {
    Lms boys12{0.0644, 9.6479, 0.10925};
    // ((11 / 9.6479)^0.0644 - 1) / (0.0644 × 0.10925), worked by hand.
    EXPECT_NEAR(zScore(boys12, 11.0, false), 1.20559, 1e-4);
    EXPECT_NEAR(zScore(boys12, 9.6479, true), 0, 1e-12);
    for (double z : {-3.0, -2.0, -1.0, 0.5, 2.0, 3.0}) EXPECT_NEAR(zScore(boys12, valueAt(boys12, z), true), z, 1e-9);
    // L = 0: the log form.
    Lms logNormal{0, 10, 0.1};
    EXPECT_NEAR(zScore(logNormal, 10 * std::exp(0.15), false), 1.5, 1e-12);
    // Beyond +3 SD WHO counts in steps of the 2-3 SD distance: 15 kg at 12
    // months is 3 + (15 - 13.3442) / (13.3442 - 11.9857) = 4.2189, not the
    // curve's 4.0974.
    EXPECT_NEAR(zScore(boys12, 15.0, true), 4.21893, 1e-4);
    EXPECT_NEAR(zScore(boys12, 15.0, false), 4.09740, 1e-4);
    double sd3 = valueAt(boys12, -3), sd23 = valueAt(boys12, -2) - sd3;
    EXPECT_NEAR(zScore(boys12, sd3 - sd23, true), -4, 1e-9);
    EXPECT_NEAR(centile(0), 50, 1e-12);
    EXPECT_NEAR(centile(-2), 2.275, 1e-3);
    EXPECT_NEAR(centile(2.0537), 98, 1e-3);
    // Between two months L, M and S are interpolated.
    auto wfa = reference("weight-for-age");
    EXPECT_NEAR(wfa.at("male", 12.5)->m, (9.6479 + 9.8749) / 2, 1e-9);
    EXPECT_NEAR(monthsOfAge(365), 11.9918, 1e-4);
    EXPECT_EQ(daysBetween("2024-02-28", "2024-03-01"), 2);
    EXPECT_THROW(daysBetween("2024-2-28", "2024-03-01"), std::invalid_argument) << "only YYYY-MM-DD";
}

// -------------------------------------------------------------------- flags --

namespace {

std::vector<std::string> rules(const std::vector<Flag>& flags) {
    std::vector<std::string> names;
    for (const Flag& f : flags) {
        names.push_back(f.rule);
        EXPECT_FALSE(f.source.empty()) << f.rule << " names its rule and source";
    }
    return names;
}

std::vector<std::string> weightRules(std::vector<Point> points) { return rules(growthFlags(points, {})); }

using Names = std::vector<std::string>;

}  // namespace

TEST(GrowthFlags, AWeightLowerThanTheOneBefore_AfterThreeWeeks) {
    EXPECT_EQ(weightRules({{"2026-01-01", 400, "weight", 8.40}, {"2026-01-15", 414, "weight", 8.39}}), Names{"weight-lost"});
    EXPECT_EQ(weightRules({{"2026-01-01", 400, "weight", 8.40}, {"2026-01-15", 414, "weight", 8.40}}), Names{});
    // The first days of life: weight loss is expected.
    EXPECT_EQ(weightRules({{"2026-01-01", 3, "weight", 3.40}, {"2026-01-18", 20, "weight", 3.30}}), Names{});
    EXPECT_EQ(weightRules({{"2026-01-01", 4, "weight", 3.40}, {"2026-01-18", 21, "weight", 3.30}}), Names{"weight-lost"});
    // Two weighings of one day are not a loss; the day before is what counts.
    EXPECT_EQ(weightRules({{"2026-01-01", 400, "weight", 8.30}, {"2026-01-15", 414, "weight", 8.50},
                           {"2026-01-15", 414, "weight", 8.45}}),
              Names{});
}

TEST(GrowthFlags, NoWeightGainOverFourWeeks_UnderTwelveMonths) {
    // 27 days without gain is not yet four weeks; 28 is.
    EXPECT_EQ(weightRules({{"2026-01-01", 200, "weight", 7.00}, {"2026-01-28", 227, "weight", 7.00}}), Names{});
    EXPECT_EQ(weightRules({{"2026-01-01", 200, "weight", 7.00}, {"2026-01-29", 228, "weight", 7.00}}),
              Names{"no-gain-4-weeks"});
    EXPECT_EQ(weightRules({{"2026-01-01", 336, "weight", 9.00}, {"2026-01-29", 364, "weight", 9.00}}),
              Names{"no-gain-4-weeks"});
    EXPECT_EQ(weightRules({{"2026-01-01", 337, "weight", 9.00}, {"2026-01-29", 365, "weight", 9.00}}), Names{})
        << "from 12 months the rule no longer applies";
    EXPECT_EQ(weightRules({{"2026-01-01", 200, "weight", 7.00}, {"2026-01-29", 228, "weight", 7.01}}), Names{});
    auto flags = growthFlags({{"2026-01-01", 200, "weight", 7.00}, {"2026-01-29", 228, "weight", 6.90}}, {});
    EXPECT_EQ(rules(flags), (Names{"weight-lost", "no-gain-4-weeks"}));
    EXPECT_NE(flags[0].text.find("7.00 kg (2026-01-01) to 6.90 kg (2026-01-29)"), std::string::npos) << flags[0].text;
}

TEST(GrowthFlags, AFallAcrossCentileSpaces_AsNiceCountsThem) {
    auto fall = [](double first, double last) {
        return rules(growthFlags({}, {{"2026-01-01", "weight-for-age", first}, {"2026-04-01", "weight-for-age", last}}));
    };
    // From the 50th centile two spaces (2 × 2/3 SD) are a concern.
    EXPECT_EQ(fall(0, -1.33), Names{});
    EXPECT_EQ(fall(0, -1.334), Names{"centile-fall"});
    // From below the 9th centile one space is.
    EXPECT_EQ(fall(-1.5, -2.16), Names{"below-2nd-centile"});
    EXPECT_EQ(fall(-1.5, -2.17), (Names{"centile-fall", "below-2nd-centile"}));
    // From above the 91st, three.
    EXPECT_EQ(fall(1.5, -0.49), Names{});
    EXPECT_EQ(fall(1.5, -0.51), Names{"centile-fall"});
    auto flags = growthFlags({}, {{"2026-01-01", "weight-for-age", 0}, {"2026-04-01", "weight-for-age", -1.4}});
    ASSERT_EQ(flags.size(), 1u);
    EXPECT_NE(flags[0].text.find("from the 50th centile (z 0.00, 2026-01-01) to the 8th centile (z -1.40, 2026-04-01)"),
              std::string::npos)
        << flags[0].text;
    EXPECT_NE(flags[0].source.find("NICE NG75"), std::string::npos);
}

TEST(GrowthFlags, BelowTheSecondCentile_Wasting_Stunting) {
    auto one = [](const char* indicator, double z) { return rules(growthFlags({}, {{"2026-01-01", indicator, z}})); };
    EXPECT_EQ(one("weight-for-age", -2.05), Names{});
    EXPECT_EQ(one("weight-for-age", -2.06), Names{"below-2nd-centile"});
    EXPECT_EQ(one("weight-for-length", -2.0), Names{});
    EXPECT_EQ(one("weight-for-length", -2.01), Names{"wasting"});
    EXPECT_EQ(one("weight-for-height", -2.01), Names{"wasting"});
    EXPECT_EQ(one("length-for-age", -2.01), Names{"stunting"});
    EXPECT_EQ(one("height-for-age", -1.99), Names{});
    auto severe = growthFlags({}, {{"2026-01-01", "weight-for-length", -3.01}});
    ASSERT_EQ(severe.size(), 1u);
    EXPECT_EQ(severe[0].severity, "urgent");
    EXPECT_NE(severe[0].text.find("severe wasting"), std::string::npos);
    // Only the latest score counts: a child who has recovered is not flagged.
    EXPECT_EQ(rules(growthFlags({}, {{"2026-01-01", "weight-for-length", -2.5}, {"2026-02-01", "weight-for-length", -1.5}})),
              Names{});
}

// ---------------------------------------------------------- through the host --

// The bundled data-only plugin is loaded, signed as shipped, and its six
// references are accepted and listed for every plugin.
TEST(WhoGrowthStandards, TheBundledPluginsReferencesAreAcceptedByTheHost) {
    nourish::test::TempDir dir;
    nourish::Store store(dir / "n.db");
    nourish::PluginHost::Options options;
    options.directories = {NOURISH_BUNDLED_PLUGINS};
    options.firstPartyDirectory = NOURISH_BUNDLED_PLUGINS;
    options.bundledKey = nourish::PluginHost::builtInBundledKey();  // loaded only as it was signed
    nourish::PluginHost host(store, options);
    host.discover();
    host.loadAll();
    const nourish::PluginRecord* who = host.find("org.nourish.who-growth");
    ASSERT_TRUE(who);
    ASSERT_EQ(who->state, nourish::PluginState::Loaded) << who->reason;
    EXPECT_TRUE(who->notes.empty()) << who->notes.front();
    std::vector<std::string> ids;
    for (const auto& r : host.growthReferences()) {
        EXPECT_EQ(r.pluginId, "org.nourish.who-growth");
        ids.push_back(r.reference.id);
    }
    EXPECT_EQ(ids, (std::vector<std::string>{"who2006.weight-for-age", "who2006.length-for-age", "who2006.height-for-age",
                                             "who2006.head-circumference-for-age", "who2006.weight-for-length",
                                             "who2006.weight-for-height"}));
    ASSERT_TRUE(host.findGrowthReference("who2006.weight-for-age"));
    EXPECT_FALSE(host.findGrowthReference("who2006.bmi-for-age"));
    host.shutdown();
}

// The app runs in the user's locale; a weight typed "8.1" is 8.1 kg where
// the decimal mark is a comma too.
TEST(Growth, TypedNumbersReadTheSameUnderACommaLocale) {
    std::string was = std::setlocale(LC_NUMERIC, nullptr);
    ASSERT_NE(std::setlocale(LC_NUMERIC, "de_DE.UTF-8"), nullptr) << "scripts/deps generates de_DE.UTF-8";
    auto v = nutrition::parseDecimal("8.1");
    auto l = nutrition::parseDecimal("71.5");
    std::setlocale(LC_NUMERIC, was.c_str());
    ASSERT_TRUE(v && l);
    EXPECT_EQ(*v, 8.1);
    EXPECT_EQ(*l, 71.5);
    for (const char* bad : {"", "-", ".", "1e1", "0x10", "9,5", "1.2.3", " 8", "8 "})
        EXPECT_FALSE(nutrition::parseDecimal(bad)) << bad;
    EXPECT_EQ(nutrition::parseDecimal("-0.5"), -0.5);
    EXPECT_EQ(nutrition::parseDecimal(".5"), 0.5);
}
