// The demo families' intakes: the answers the stories of the other plugins
// rest on (who reacted to what, how fast, which tests were done), so that the
// triage before every demo challenge has something true to read.
#include <chrono>
#include <cstdio>

#include "IntakeDemo.h"
#include "Responses.h"

namespace {

using nlohmann::json;

std::string isoMonthsAgo(int months) {
    using namespace std::chrono;
    year_month_day today{floor<days>(system_clock::now())};
    year_month_day then = year_month_day{today.year(), today.month(), day{1}} - std::chrono::months{months};
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", int(then.year()), unsigned(then.month()), 10u);
    return buffer;
}

json base(const char* feeding, bool solids, int onset, json areas, const char* scale, int stool, const char* goals) {
    json a = {{"feeding_type", feeding},   {"solids_started", solids}, {"eczema_onset_months", onset},
              {"eczema_areas", areas},     {"stool_scale", scale},     {"usual_stool", stool},
              {"asthma", false},           {"adrenaline", false},      {"goals", goals},
              {"family_atopy", json::array({"eczema"})}};
    return a;
}

}  // namespace

void seedIntakeDemo(nourish::Host host, const std::vector<int64_t>& clientIds) {
    if (clientIds.size() < 4) return;
    json form = json::parse(host.form("org.nourish.intake.infant-eczema"));
    Responses responses(host);
    auto save = [&](int64_t client, const json& answers) {
        auto problems = host.validateAnswers(form["id"], answers.dump(), true);
        if (!problems.empty()) throw std::runtime_error("demo intake: " + problems.front());
        responses.save(client, form, answers, true);
    };

    // Zoë (7 months): redness around the mouth after yoghurt, later the same day.
    json zoe = base("breast", true, 3, {"face", "neck", "creases"}, "infant", 4, "Calm skin and a full night's sleep");
    zoe["family_atopy"] = {"asthma", "hay_fever"};
    zoe["food_reactions"] = {{{"food", "milk"}, {"onset", "later_same_day"}, {"signs", {"eczema_flare"}},
                              {"anaphylaxis", false}, {"details", "Red around the mouth and cheeks after yoghurt, twice"}}};
    save(clientIds[0], zoe);

    // Ollie (14 months): flares and loose stools the day after dairy; milk IgE negative.
    json ollie = base("solids", true, 5, {"creases", "legs"}, "infant", 6, "Back on dairy without flares");
    ollie["food_reactions"] = {{{"food", "milk"}, {"onset", "next_day_or_later"}, {"signs", {"eczema_flare", "loose_stools"}},
                                {"anaphylaxis", false}, {"last_date", isoMonthsAgo(8)},
                                {"details", "Eczema worse and loose stools the day after cow's milk formula"}}};
    ollie["allergy_tests"] = {{{"food", "milk"}, {"test", "specific_ige"}, {"date", isoMonthsAgo(7)},
                               {"result", "negative"}, {"value", "< 0.1 kU/L"}}};
    save(clientIds[1], ollie);

    // Minh (10 months): weeping eczema, reflux; nothing immediate known before the plan.
    json minh = base("mixed", true, 2, {"trunk", "face"}, "infant", 5, "Skin that stops weeping");
    minh["formula_type"] = "Standard formula at night since 4 months";
    minh["reflux"] = true;
    minh["food_reactions"] = {{{"food", "milk"}, {"onset", "next_day_or_later"}, {"signs", {"eczema_flare", "reflux"}},
                               {"anaphylaxis", false}}};
    save(clientIds[2], minh);

    // Freja (26 months): egg brought on a flare the next day, a year ago.
    json freja = base("solids", true, 8, {"creases", "hands"}, "bristol", 4, "Eggs back in her diet");
    freja["food_reactions"] = {{{"food", "egg"}, {"onset", "next_day_or_later"}, {"signs", {"eczema_flare"}},
                                {"anaphylaxis", false}, {"last_date", isoMonthsAgo(12)},
                                {"details", "Scrambled egg: knees and hands flared the next day"}}};
    save(clientIds[3], freja);
}
