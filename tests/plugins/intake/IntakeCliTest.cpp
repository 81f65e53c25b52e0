// The intake plugin through nourish-cli: forms, answers, history.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/Process.h"
#include "support/TempDir.h"

using nlohmann::json;
using nourish::test::ProcessResult;
using nourish::test::runProcess;

namespace {

const char* kIntake = "org.nourish.intake.infant-eczema";

class IntakeCliTest : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_EQ(cli({"store", "demo"}).exitCode, 0); }
    ProcessResult cli(std::vector<std::string> args, std::vector<std::string> env = {}) {
        args.insert(args.begin(), {"--store", (dir / "n.db").string()});
        env.push_back("XDG_DATA_HOME=" + (dir / "xdg").string());
        return runProcess(NOURISH_CLI, args, env);
    }
    std::string answersFile(const json& answers, const std::string& name = "answers.json") {
        nourish::test::writeFile(dir / name, answers.dump());
        return (dir / name).string();
    }
    json responses(bool history = false) {
        std::vector<std::string> args{"intake", "show", "5", "--json"};
        if (history) args.push_back("--history");
        auto r = cli(args);
        EXPECT_EQ(r.exitCode, 0) << r.error;
        return json::parse(r.output)["responses"];
    }
    static json good() {
        return json::parse(R"({"feeding_type": "breast", "solids_started": false, "eczema_onset_months": 2,
            "eczema_areas": ["face"], "stool_scale": "infant", "usual_stool": 4, "asthma": false, "adrenaline": false,
            "food_reactions": [{"food": "egg", "onset": "minutes", "signs": ["hives"]}], "goals": "Calm skin"})");
    }
    nourish::test::TempDir dir;
};

}  // namespace

TEST_F(IntakeCliTest, FormsAreListedWithVersions) {
    auto r = cli({"intake", "forms", "--json"});
    ASSERT_EQ(r.exitCode, 0) << r.error;
    auto forms = json::parse(r.output);
    ASSERT_EQ(forms.size(), 2u);
    EXPECT_EQ(forms[0]["id"], kIntake);
    EXPECT_EQ(forms[0]["version"], 2);
    auto form = json::parse(cli({"intake", "form", kIntake, "--json"}).output);
    EXPECT_EQ(form["sections"].size(), 8u);
}

TEST_F(IntakeCliTest, SubmitStoresAnswersWithFormVersionAndWho) {
    auto r = cli({"intake", "submit", "5", kIntake, "--answers", answersFile(good())});
    ASSERT_EQ(r.exitCode, 0) << r.error;
    auto list = responses();
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0]["form_version"], 2);
    EXPECT_EQ(list[0]["status"], "complete");
    EXPECT_EQ(list[0]["answers"], good());
    EXPECT_FALSE(list[0]["entered_by"].get<std::string>().empty());
    auto text = cli({"intake", "show", "5"});
    EXPECT_NE(text.output.find("Where does the eczema show?: Face and cheeks"), std::string::npos) << text.output;
}

TEST_F(IntakeCliTest, BadAnswers_OneLinePerProblemExit2NothingStored) {
    json bad = good();
    bad["eczema_areas"] = json::array({"face", "elbows"});
    bad["food_reactions"][0]["signs"] = json::array({"sneezing"});
    bad["colour"] = "blue";
    auto r = cli({"intake", "submit", "5", kIntake, "--answers", answersFile(bad)});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.error.find("error: eczema_areas: \"elbows\" is not one of"), std::string::npos) << r.error;
    EXPECT_NE(r.error.find("error: food_reactions[0].signs: \"sneezing\" is not one of"), std::string::npos) << r.error;
    EXPECT_NE(r.error.find("error: colour: is not a field of this form"), std::string::npos);
    EXPECT_EQ(std::count(r.error.begin(), r.error.end(), '\n'), 3);
    EXPECT_TRUE(responses().empty());
}

TEST_F(IntakeCliTest, BadInvocations_AreRefused) {
    nourish::test::writeFile(dir / "broken.json", "{\"feeding_type\": ");
    EXPECT_EQ(cli({"intake", "submit", "5", kIntake, "--answers", (dir / "broken.json").string()}).exitCode, 2);
    EXPECT_EQ(cli({"intake", "submit", "999", kIntake, "--answers", answersFile(good())}).exitCode, 2);
    EXPECT_EQ(cli({"intake", "submit", "1", "org.nowhere.form", "--answers", answersFile(good())}).exitCode, 2);
    EXPECT_EQ(cli({"intake", "submit", "5", kIntake}).exitCode, 2);
    EXPECT_EQ(cli({"intake", "submit", "x", kIntake, "--answers", answersFile(good())}).exitCode, 2);
    EXPECT_TRUE(responses().empty());
}

TEST_F(IntakeCliTest, DraftIsUpdatedInPlaceThenCompleted) {
    json draft = {{"feeding_type", "formula"}};
    auto first = cli({"intake", "submit", "5", kIntake, "--answers", answersFile(draft), "--draft"});
    ASSERT_EQ(first.exitCode, 0) << first.error;
    EXPECT_EQ(cli({"intake", "submit", "5", kIntake, "--answers", answersFile(draft)}).exitCode, 2)
        << "an incomplete response must not be accepted as complete";
    auto second = cli({"intake", "submit", "5", kIntake, "--answers", answersFile(good())});
    ASSERT_EQ(second.exitCode, 0) << second.error;
    EXPECT_EQ(first.output, second.output) << "completing a draft keeps the same response";
    auto list = responses(true);
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0]["status"], "complete");
}

TEST_F(IntakeCliTest, EditingACompletedIntake_KeepsTheEarlierVersion) {
    cli({"intake", "submit", "5", kIntake, "--answers", answersFile(good())});
    json changed = good();
    changed["goals"] = "Fewer night wakings";
    ASSERT_EQ(cli({"intake", "submit", "5", kIntake, "--answers", answersFile(changed)}).exitCode, 0);
    auto current = responses();
    ASSERT_EQ(current.size(), 1u);
    EXPECT_EQ(current[0]["answers"]["goals"], "Fewer night wakings");
    auto all = responses(true);
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[1]["answers"]["goals"], "Calm skin");
    EXPECT_EQ(all[1]["replaced_by"], all[0]["id"]);
    EXPECT_EQ(all[0]["replaces"], all[1]["id"]);
    auto check = cli({"store", "check"});
    EXPECT_EQ(check.exitCode, 0) << check.output;
}

TEST_F(IntakeCliTest, InvalidFormFromAPlugin_IsRefusedWithPluginIdAndPath) {
    std::string path = "NOURISH_PLUGIN_PATH=" + std::string(NOURISH_TEST_PLUGIN_ROOT) + "/bad_form";
    auto forms = json::parse(cli({"intake", "forms", "--json"}, {path}).output);
    std::vector<std::string> ids;
    for (auto& f : forms) ids.push_back(f["id"]);
    EXPECT_NE(std::find(ids.begin(), ids.end(), "org.nourish.test.good-form"), ids.end());
    EXPECT_EQ(std::find(ids.begin(), ids.end(), "org.nourish.test.bad-form"), ids.end());
    auto plugins = json::parse(cli({"plugins", "--json"}, {path}).output);
    bool noted = false;
    for (auto& p : plugins)
        if (p["id"] == "org.nourish.test.bad-form")
            for (auto& note : p.value("notes", json::array()))
                if (note.get<std::string>().find("$[1].sections[0].fields[0].show_if.field") != std::string::npos &&
                    note.get<std::string>().find("org.nourish.test.bad-form") != std::string::npos)
                    noted = true;
    EXPECT_TRUE(noted) << plugins.dump(2);
}
