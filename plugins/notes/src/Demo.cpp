// Demo consultations and notes for the demo caseload: a signed initial
// consultation for most families, signed follow-ups (one with an addendum),
// a draft left unsigned for three days, and bookings in the coming days.
#include <cstdio>

#include "Notes.h"

namespace notes {

using nlohmann::json;

namespace {

std::string dayOffset(int days) {
    std::string today = localToday();
    return addMinutes(today + " 00:00", days * 24 * 60).substr(0, 10);
}

std::string utcDaysAgo(int days, int hour) {
    return dayOffset(-days) + "T" + (hour < 10 ? "0" : "") + std::to_string(hour) + ":15:00Z";
}

json rec(const char* kind, const char* item, const char* why, const char* dose = "", const char* duration = "") {
    json r = {{"kind", kind}, {"item", item}};
    if (*why) r["why"] = why;
    if (*dose) r["dose"] = dose;
    if (*duration) r["duration"] = duration;
    return r;
}

const char* kInitial = "org.nourish.notes.initial";
const char* kFollowUp = "org.nourish.notes.follow-up";
const char* kSoap = "org.nourish.notes.soap";

}  // namespace

void Notes::seedDemo(const std::vector<int64_t>& clientIds) {
    if (clientIds.size() < 6) return;
    std::vector<std::string> ignored;
    // Backdates a note as if written on the day, and signs it that evening.
    auto written = [&](int64_t clientId, const char* templateId, int daysAgo, const json& content, bool signIt) {
        book({clientId, dayOffset(-daysAgo) + " 10:00", daysAgo > 40 ? 60 : 45,
              std::string(templateId) == kInitial ? "initial" : "follow-up"},
             ignored);
        int64_t id = create(clientId, templateId, dayOffset(-daysAgo), content);
        host_.prepare("UPDATE notes_notes SET created_at = ?2, updated_at = ?2 WHERE id = ?1")
            .bind(1, id)
            .bind(2, utcDaysAgo(daysAgo, 11))
            .step();
        if (signIt) signAt(note(id), utcDaysAgo(daysAgo, 18));
        return id;
    };
    auto booked = [&](int64_t clientId, int inDays, const char* time, int minutes, const char* type) {
        book({clientId, dayOffset(inDays) + " " + time, minutes, type}, ignored);
    };

    // Zoë (7 months), in the elimination phase.
    written(clientIds[0], kInitial, 24,
            {{"concern", "Eczema on cheeks, neck folds and behind the knees since 3 months; worse since solids started."},
             {"history", "Father has asthma and hay fever. Emollient twice daily, hydrocortisone 1% in flares. "
                         "No known reactions, but redness around the mouth after yoghurt twice."},
             {"feeding", "Breastfed on demand, solids since 6 months (vegetables, porridge, yoghurt)."},
             {"feeding_mode", "breast"},
             {"skin", "Dry, red patches on both cheeks, scratching at night. POEM 14 today."},
             {"poem_today", 14},
             {"gut", "Stools soft, once a day. Some reflux after feeds, no vomiting."},
             {"plan", "A four-week milk-free trial: no cow's milk in any form, including yoghurt and baked foods. "
                      "Keep the diary every evening, and answer the seven eczema questions every Sunday. We review together at the end of the four weeks."},
             {"recommendations",
              {rec("include", "Mashed salmon twice a week, ground chia or flax in porridge", "omega-3 calms inflammation"),
               rec("include", "Carrot and sweet potato purée", "vitamin A for skin repair"),
               rec("supplement", "Infant probiotic drops (Lactobacillus rhamnosus)", "support for the gut", "5 drops daily",
                   "8 weeks"),
               rec("avoid", "Cow's milk, including butter, cheese, yoghurt and milk in baked foods", "the milk-free trial"),
               rec("hydration", "Sips of water with every meal", "solids need fluid too")}}},
            true);
    booked(clientIds[0], 4, "09:30", 45, "follow-up");

    // Ollie (14 months), on the milk ladder; an addendum after the follow-up.
    written(clientIds[1], kInitial, 70,
            {{"concern", "Flares and loose stools the day after dairy; never hives or swelling. Milk blood test negative."},
             {"history", "Older sister with egg allergy, outgrown. Emollient and wet wraps at night."},
             {"feeding", "Formula stopped at 12 months; oat drink since."},
             {"feeding_mode", "none"},
             {"skin", "Eczema in elbow and knee folds, POEM 11."},
             {"gut", "Loose stools most days while on dairy."},
             {"plan", "Milk-free since 6 months; the milk ladder from step 1 (malted milk biscuit) after four more weeks."},
             {"recommendations",
              {rec("include", "Pumpkin seeds (ground), lentils, beef", "zinc for skin healing"),
               rec("include", "Bone broth in soups", "collagen and gelatin for the gut lining"),
               rec("avoid", "Cow's milk, butter, cheese, yoghurt and whey in processed foods", "until the ladder starts")}}},
            true);
    int64_t followUp = written(
        clientIds[1], kFollowUp, 30,
        {{"progress", "Much calmer skin, sleeping through most nights."},
         {"diary_review", "Itch 2-3 most days, POEM down from 11 to 5."},
         {"poem_today", 5},
         {"challenges", "Steps 1 and 2 (malted milk biscuit, muffin) tolerated."},
         {"plan_changes", "Go on with the ladder: step 3 (pancake) next, two days per amount."},
         {"recommendations",
          {rec("include", "Coconut yoghurt, sauerkraut in small amounts", "fermented foods for the gut"),
           rec("other", "Tummy time and baby massage after the bath", "movement helps digestion")}}},
        true);
    addAddendum(followUp, "Information from the family after signing",
                "Mother called: soy yoghurt at a friend's house gave red cheeks within two hours. "
                "Avoid soy yoghurt until the next review.");
    booked(clientIds[1], 7, "11:00", 30, "follow-up");

    // Minh (10 months): a follow-up three days ago, its note still a draft.
    written(clientIds[2], kInitial, 62,
            {{"concern", "Weeping eczema on the trunk; reflux."},
             {"skin", "POEM 19 at the first visit."},
             {"plan", "Leave out dairy, wheat, egg and soy for four weeks, then bring them back one at a time. Fill in the "
                      "diary every evening."},
             {"recommendations", {rec("include", "Salmon, chia", "omega-3")}}},
            true);
    written(clientIds[2], kFollowUp, 3,
            {{"progress", "Reaction to egg on day 2 of the challenge: hives around the mouth, vomiting once."},
             {"challenges", "Soy tolerated; egg: reaction. Dairy challenge not started."}},
            false);

    // Freja (26 months): a SOAP note, and a review tomorrow.
    written(clientIds[3], kSoap, 80,
            {{"subjective", "Itchy at night, scratches until it bleeds."},
             {"objective", "Lichenified patches behind the knees."},
             {"weight_kg", 12.4},
             {"length_cm", 88},
             {"assessment", "Probable egg sensitivity; ladder appropriate."},
             {"plan", "Egg ladder from step 1 after four weeks without egg."},
             {"recommendations", {rec("avoid", "Egg, including mayonnaise, meringue and fresh pasta", "until the ladder")}}},
            true);
    booked(clientIds[3], 1, "14:00", 45, "review");

    // Layla (5 months): her first consultation in two days; Noa: a phone call next week.
    booked(clientIds[4], 2, "10:00", 60, "initial");
    booked(clientIds[5], 8, "16:30", 20, "remote");
}

}  // namespace notes
