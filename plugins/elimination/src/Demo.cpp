// Demo plans for the demo caseload: children at different points of a plan,
// with a diary and weekly POEM so that the page and the charts show something.
#include "Plans.h"
#include "Report.h"

namespace elim {

using nlohmann::json;

namespace {

// A small deterministic generator: the same demo every time.
struct Noise {
    uint32_t state;
    double next() {
        state = state * 1664525u + 1013904223u;
        return double(state >> 8) / double(1u << 24);
    }
};

}  // namespace

void Plans::seedDemo(const std::vector<int64_t>& clientIds) {
    Day now = today();
    struct Story {
        const char* protocol;
        int startDaysAgo;
        std::vector<Reaction> decisions;  // for successive challenges, as they come due
        int minAgeMonths;
        std::vector<std::string> foods;   // empty: all the protocol removes
        int avoidedMonthsBefore = 0;      // the foods were avoided this long before the plan
        std::string reason;               // why the practitioner goes ahead against a rule
        bool reviewImproved = false;      // the review at the end of the elimination
        int dietitianDaysAgo = 0;         // a dietitian's review, this many days ago (0: none)
        bool byMother = false;            // the breastfeeding mother follows the diet too
    };
    // A milk-free trial waiting for its review; mid-way up the milk ladder; an
    // elimination gone ahead with for a baby, with an immediate reaction
    // referred; one stepped back on the egg ladder.
    const std::vector<Story> stories = {
        {"org.nourish.elimination.milk-trial", 30, {}, 6, {}, 0, "", false, 0, true},
        {"org.nourish.elimination.milk-ladder", 53, {Reaction::None, Reaction::None, Reaction::None, Reaction::None}, 11,
         {}, 6, "", false, 20},
        {"org.nourish.elimination.common-triggers", 58, {Reaction::None, Reaction::Immediate, Reaction::None}, 8,
         {"dairy", "gluten", "egg", "soy"}, 0,
         "Reflux and weeping eczema despite treatment; a four-week elimination agreed with the family's GP, with "
         "dietitian follow-up",
         true, 30},
        {"org.nourish.elimination.egg-ladder", 75, {Reaction::None, Reaction::DelayedModerate}, 12, {}, 0, "", false, 0},
    };
    size_t used = 0;
    for (int64_t clientId : clientIds) {
        if (used == stories.size()) break;
        const Story& story = stories[used];
        json client = json::parse(host_.client(clientId));
        Day start = now - story.startDaysAgo;
        if (ageInMonths(parseDay(client["date_of_birth"]), start) < story.minAgeMonths) continue;
        ++used;

        Assignment a;
        a.protocolId = story.protocol;
        a.start = start;
        a.foods = story.foods;
        if (story.avoidedMonthsBefore) a.avoidingSince = addMonths(start, -story.avoidedMonthsBefore);
        a.overrideReason = story.reason;
        a.byMother = story.byMother;
        assign(clientId, a);
        if (story.reviewImproved) {
            LoadedPlan p = *active(clientId);
            Schedule s = computeSchedule(p.protocol, p.plan, now);
            if (s.reviewDueOn && *s.reviewDueOn < now)
                review(clientId, {*s.reviewDueOn, "improved", "POEM 19 -> 9; weeping has stopped"});
        }
        if (story.dietitianDaysAgo) dietitianReview(clientId, now - story.dietitianDaysAgo, "Calcium and energy checked");
        // Decide each challenge as it comes due, as the practitioner would have.
        std::vector<Day> reactionDays;
        for (Reaction result : story.decisions) {
            LoadedPlan p = *active(clientId);
            Schedule s = computeSchedule(p.protocol, p.plan, now);
            const Block* open = nullptr;
            for (const Block& b : s.blocks)
                if (b.state == BlockState::AwaitingDecision || b.state == BlockState::Current) {
                    open = &b;
                    break;
                }
            if (!open || open->end >= now) break;
            Outcome o;
            o.food = open->food;
            o.step = open->step;
            o.reaction = result;
            o.date = result != Reaction::None ? open->start + 1 : open->end;
            if (result == Reaction::Immediate) {
                o.symptoms = "hives around the mouth and vomiting once, 20 minutes after the egg";
                o.delayHours = 0;
                o.note = "settled with antihistamine; GP letter asks for an allergy clinic referral";
                reactionDays.push_back(o.date);
            } else if (result != Reaction::None) {
                o.symptoms = "red, itchy patches on cheeks and behind knees; woke three times in the night";
                o.delayHours = 20;
                o.note = "settled within three days of stopping";
                reactionDays.push_back(o.date);
            }
            recordOutcome(clientId, o);
        }

        // A diary from a week before the start until yesterday, and POEM weekly.
        Noise noise{uint32_t(clientId * 7919)};
        LoadedPlan p = *active(clientId);
        Schedule s = computeSchedule(p.protocol, p.plan, now);
        const PhaseSpan* elimination = s.phase("elimination");
        std::vector<std::pair<Day, json>> days;
        for (Day d = start - 7; d < now; ++d) {
            if (noise.next() < 0.08) continue;  // families miss a day now and then
            double settle = elimination && d >= elimination->start ? std::min(1.0, (d - elimination->start) / 21.0)
                                                                   : 0.0;
            double itch = 6.5 - 4.0 * settle + noise.next() * 1.5;
            double sleep = 5.0 - 3.5 * settle + noise.next() * 1.5;
            bool flare = false;
            for (Day r : reactionDays)
                if (d >= r - 1 && d <= r + 2) flare = true;
            if (flare) itch += 3.5, sleep += 3;
            json answers = {{"itch", std::min(10, int(itch))}, {"sleep", std::min(10, int(sleep))},
                            {"stool_scale", "infant"}, {"stool", flare ? 6 : 4}, {"reflux", false},
                            {"vomiting", false}};
            if (const Block* b = s.blockOn(d); b && b->doseOn(d) > 0) {
                answers["challenge_eaten"] = true;
                answers["challenge_amount"] = b->amountOn(d);
            }
            if (flare) {
                answers["flare_areas"] = json::array({"face", "legs"});
                answers["symptoms"] = "cheeks red and scratching at night";
            }
            days.emplace_back(d, answers);
        }
        saveDiaryDays(clientId, days);
        for (Day d = start - 7; d < now; d += 7) {
            double settle = elimination && d >= elimination->start ? std::min(1.0, (d - elimination->start) / 21.0) : 0.0;
            int level = int(3.2 - 2.2 * settle + noise.next());
            for (Day r : reactionDays)
                if (d >= r && d < r + 7) level = 3;
            static const char* values[] = {"none", "1-2", "3-4", "5-6", "every"};
            json answers = json::object();
            for (const char* item : {"itch", "sleep", "bleeding", "weeping", "cracked", "flaking", "dry"}) {
                int v = std::max(0, std::min(4, level + int(noise.next() * 2.0) - (item[0] == 'b' || item[0] == 'w' ? 1 : 0)));
                answers[item] = values[v];
            }
            recordScore(clientId, kPoemId(), d, answers);
        }
    }
}

}  // namespace elim
