#include "Commands.h"
#include <nourish/json_input.hpp>

#include "nourish/cli.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "Report.h"

namespace elim {

using nlohmann::json;

namespace {

const char* kProtocolUsage =
    "usage: nourish-cli protocol list [--json]\n"
    "       nourish-cli protocol show PROTOCOL_ID [--json]\n"
    "       nourish-cli protocol assign CLIENT PROTOCOL_ID --start YYYY-MM-DD [--foods dairy,egg]\n"
    "                 [--avoiding-since D] [--supervised FOOD,FOOD] [--override-reason R] [--mother]\n"
    "       nourish-cli protocol check CLIENT PROTOCOL_ID --start YYYY-MM-DD [--foods ...] [--avoiding-since D] [--mother]\n"
    "                 (--mother: the breastfeeding mother follows the diet for her baby)\n"
    "       nourish-cli protocol schedule CLIENT [--json]\n"
    "       nourish-cli protocol outcome CLIENT FOOD tolerated|immediate|fpies|delayed-mild|delayed-moderate\n"
    "                 [--date D] [--note T] [--symptoms S] [--delay-hours N]\n"
    "       nourish-cli protocol suggestions CLIENT [--json]\n"
    "       nourish-cli protocol review CLIENT --outcome improved|no-improvement [--date D] [--note T]\n"
    "       nourish-cli protocol dietitian-review CLIENT [--date D] [--note T]\n"
    "       nourish-cli protocol override CLIENT --rule RULE [--food FOOD] (--supervised | --reason R)\n"
    "       nourish-cli protocol change CLIENT --phase PHASE --days N --reason R\n"
    "       nourish-cli protocol pause CLIENT [--from D] --reason R\n"
    "       nourish-cli protocol resume CLIENT [--date D]   (a pause that has not begun is called off)\n"
    "       nourish-cli protocol skip CLIENT FOOD --reason R\n"
    "       nourish-cli protocol move CLIENT FOOD --position N --reason R\n"
    "       nourish-cli protocol end CLIENT --reason R\n"
    "       nourish-cli protocol history CLIENT [--json]\n";
const char* kDiaryUsage =
    "usage: nourish-cli diary add CLIENT --date YYYY-MM-DD --answers FILE.json\n"
    "       nourish-cli diary show CLIENT [--from D] [--to D] [--json]\n";
const char* kInstrumentUsage =
    "usage: nourish-cli instrument list [--json]\n"
    "       nourish-cli instrument show INSTRUMENT_ID --json\n"
    "       nourish-cli instrument score INSTRUMENT_ID --answers FILE.json [--json]\n"
    "       nourish-cli instrument record CLIENT INSTRUMENT_ID --answers FILE.json [--date D]\n"
    "       nourish-cli instrument history CLIENT INSTRUMENT_ID [--json]\n";

using Args = nourish::CommandArgs;

Day dayOption(Args& a, const std::string& name, Day fallback) {
    auto v = a.option(name);
    return v ? parseDay(*v, name) : fallback;
}

int64_t clientIdFrom(const std::string& text) {
    if (auto id = nourish::parseId(text)) return *id;
    throw BadInput("client: '" + text + "' is not a client id");
}


std::vector<std::string> splitList(const std::string& text) {
    std::vector<std::string> items;
    std::stringstream list(text);
    std::string item;
    while (std::getline(list, item, ','))
        if (!item.empty()) items.push_back(item);
    return items;
}

json readAnswers(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw BadInput("--answers: cannot read " + path);
    std::stringstream text;
    text << in.rdbuf();
    json j;
    try {
        j = nourish::parseJsonInput(text.str());
    } catch (const nourish::JsonInputError& e) {
        throw BadInput("--answers: " + path + " " + e.what());
    }
    if (!j.is_object()) throw BadInput("--answers: " + path + " must hold a JSON object (field id -> value)");
    return j;
}

std::string number(double v) {
    std::ostringstream s;
    s << v;
    return s.str();
}

// Columns for the terminal: at least two spaces after the text, however long.
std::string pad(std::string text, size_t width) {
    text.append(text.size() + 2 > width ? 2 : width - text.size(), ' ');
    return text;
}

void printSchedule(const PlanView& v, Day now, const nourish::Output& out) {
    const Protocol& p = v.plan.protocol;
    const Schedule& s = v.schedule;
    auto day = [](Day d) { return scheduled(d) ? isoDay(d) : std::string("(when the plan resumes)"); };
    out << p.title << " (" << p.id << ") from " << isoDay(v.plan.plan.start) << " to " << day(s.end)
        << (s.paused ? "  [paused]" : "") << (s.reviewDue ? "  [review due]" : "") << "\n";
    if (v.plan.plan.byMother) out << "followed by the breastfeeding mother\n";
    for (const std::string& w : v.warnings) out << "warning: " << w << "\n";
    out << "\nphases\n";
    for (const PhaseSpan& ph : s.phases) {
        if (ph.end < ph.start) continue;
        out << "  " << pad(ph.title, 18) << day(ph.start) << " .. " << day(ph.end)
            << (scheduled(ph.end) ? "  (" + std::to_string(ph.end - ph.start + 1) + " days)" : std::string())
            << (s.phaseOn(now) == &ph ? "  <- today" : "") << "\n";
    }
    if (s.reviewDueOn) out << "  review of the elimination due on " << isoDay(*s.reviewDueOn) << "\n";
    if (!s.blocks.empty()) out << "\nchallenges\n";
    for (const Block& b : s.blocks) {
        std::string what = b.ladder ? b.food + " step " + std::to_string(b.step + 1) + "/" + std::to_string(b.steps) +
                                          " " + b.title
                                    : b.title;
        if (b.attempt > 1) what += " (attempt " + std::to_string(b.attempt) + ")";
        if (b.setting == "supervised") what += " [supervised]";
        out << "  " << pad(what, 44) << day(b.start) << " .. " << day(b.end) << "  " << toString(b.state);
        if (b.outcome) out << " on " << isoDay(b.outcome->date) << " (" << toString(b.outcome->reaction) << ")";
        if (b.retryAfter) out << ", retry after " << isoDay(*b.retryAfter);
        if (b.holdUntil) out << ", same amount until " << isoDay(*b.holdUntil);
        out << "\n";
        if ((b.state == BlockState::Planned || b.state == BlockState::Current) && scheduled(b.start)) {
            std::string doses;
            for (size_t i = 0; i < b.doses.size(); ++i) {
                Day d = b.start + int(i) * b.daysPerDose;
                doses += (i ? ", " : "") + isoDay(d) + " " + b.amountOn(d);
            }
            out << "      " << doses << "\n";
        }
    }
    out << "\nfoods\n";
    for (const FoodStatus& f : s.foods) out << "  " << pad(f.label, 28) << f.text << "\n";
    if (!v.suggestions.empty()) out << "\nsuggestions (confirm with `protocol outcome` or `protocol review`)\n";
    for (const Suggestion& sg : v.suggestions)
        out << "  " << (sg.kind == "outcome" ? sg.food + ": " + sg.outcome + " - " : sg.kind == "review" ? "review: " + sg.outcome + " - " : std::string())
            << sg.reason << "\n";
}

json suggestionsJson(const std::vector<Suggestion>& list) {
    json a = json::array();
    for (const Suggestion& s : list) {
        json j = {{"kind", s.kind}, {"reason", s.reason}, {"source", s.source}};
        if (!s.food.empty()) j["food"] = s.food, j["step"] = s.step;
        if (!s.outcome.empty()) j["outcome"] = s.outcome;
        a.push_back(j);
    }
    return a;
}

int protocolCommand(nourish::Host host, Args& a, const nourish::Output& out) {
    Plans plans(host);
    std::string verb = a.rest.empty() ? "" : a.rest.front();
    if (!a.rest.empty()) a.rest.erase(a.rest.begin());
    Day now = today();
    if (verb == "list") {
        bool asJson = a.flag("--json");
        a.expect(0, "protocol list takes no arguments");
        json list = json::parse(host.protocols());
        if (asJson) {
            json brief = json::array();
            for (const json& p : list)
                brief.push_back({{"id", p["id"]}, {"version", p["version"]}, {"title", p["title"]},
                                 {"audience", p["audience"]}, {"plugin", p["plugin"]}});
            out << brief.dump(2) << "\n";
        } else {
            for (const json& p : list)
                out << pad(p["id"].get<std::string>(), 44) << p["title"].get<std::string>() << "  ["
                    << p["plugin"].get<std::string>() << "]\n";
        }
        return 0;
    }
    if (verb == "show") {
        a.flag("--json");
        a.expect(1, "protocol show takes one protocol id");
        out << plans.protocol(a.rest[0]).document.dump(2) << "\n";
        return 0;
    }
    if (verb == "assign" || verb == "check") {
        Assignment as;
        as.start = parseDay(a.required("--start", "the first day of the plan, YYYY-MM-DD"), "--start");
        if (auto since = a.option("--avoiding-since")) as.avoidingSince = parseDay(*since, "--avoiding-since");
        as.byMother = a.flag("--mother");
        if (auto foods = a.option("--foods")) {
            as.foods = splitList(*foods);
            if (as.foods.empty()) throw BadInput("--foods: give at least one food, e.g. dairy,egg");
        }
        if (verb == "assign") {
            for (const std::string& f : splitList(a.option("--supervised").value_or(""))) as.supervised.insert(f);
            as.overrideReason = a.option("--override-reason").value_or("");
        }
        a.expect(2, "protocol " + verb + " takes a client id and a protocol id");
        int64_t client = clientIdFrom(a.rest[0]);
        as.protocolId = a.rest[1];
        if (verb == "check") {
            auto findings = plans.check(client, as);
            int refused = 0;
            for (const Finding& f : findings) {
                out << (f.blocking ? "REFUSED  " : "warning  ") << f.rule << (f.food.empty() ? "" : " (" + f.food + ")")
                    << ": " << f.text << " [" << f.source << "]\n";
                refused += f.blocking;
            }
            if (findings.empty()) out << "no rule refuses this plan\n";
            return refused ? 2 : 0;
        }
        plans.assign(client, as);
        auto v = plans.view(client, now);
        out << "assigned " << v->plan.protocol.title << " from " << isoDay(as.start)
            << (scheduled(v->schedule.end) ? "; planned to end on " + isoDay(v->schedule.end) : std::string()) << "\n";
        for (const std::string& w : v->warnings) out << "warning: " << w << "\n";
        return 0;
    }
    if (verb == "review") {
        Review r;
        r.outcome = a.required("--outcome", "improved or no-improvement");
        r.date = dayOption(a, "--date", now);
        r.note = a.option("--note").value_or("");
        a.expect(1, "protocol review takes one client id");
        int64_t client = clientIdFrom(a.rest[0]);
        plans.review(client, r);
        auto v = plans.view(client, now);
        out << "reviewed on " << isoDay(r.date) << ": " << r.outcome << "\n";
        for (const FoodStatus& f : v->schedule.foods) out << "  " << pad(f.label, 28) << f.text << "\n";
        return 0;
    }
    if (verb == "dietitian-review") {
        Day on = dayOption(a, "--date", now);
        std::string note = a.option("--note").value_or("");
        a.expect(1, "protocol dietitian-review takes one client id");
        plans.dietitianReview(clientIdFrom(a.rest[0]), on, note);
        out << "dietitian's review recorded on " << isoDay(on) << "\n";
        return 0;
    }
    if (verb == "override") {
        std::string rule = a.required("--rule", "the rule that refuses, as the schedule names it");
        std::string food = a.option("--food").value_or("");
        bool supervised = a.flag("--supervised");
        std::string reason = a.option("--reason").value_or("");
        if (!supervised && reason.empty()) throw BadInput("--reason: is required (or --supervised for a challenge)");
        a.expect(1, "protocol override takes one client id");
        plans.addOverride(clientIdFrom(a.rest[0]), rule, food, supervised, reason);
        out << rule << (food.empty() ? "" : " (" + food + ")") << ": gone ahead with, "
            << (supervised ? "supervised" : "because: " + reason) << "\n";
        return 0;
    }
    if (verb == "schedule" || verb == "suggestions") {
        bool asJson = a.flag("--json");
        a.expect(1, "protocol " + verb + " takes one client id");
        int64_t client = clientIdFrom(a.rest[0]);
        host.client(client);
        auto v = plans.view(client, now);
        if (!v) throw BadInput("client: " + a.rest[0] + " has no elimination plan (see `protocol assign`)");
        if (verb == "suggestions") {
            if (asJson) out << suggestionsJson(v->suggestions).dump(2) << "\n";
            else
                for (const Suggestion& s : v->suggestions)
                    out << (s.kind == "outcome" ? s.food + ": " + s.outcome + " - " : std::string()) << s.reason << "\n";
            return 0;
        }
        if (asJson) {
            json j = v->schedule.toJson(v->plan.protocol);
            j["start"] = isoDay(v->plan.plan.start);
            j["suggestions"] = suggestionsJson(v->suggestions);
            j["warnings"] = v->warnings;
            out << j.dump(2) << "\n";
        } else {
            printSchedule(*v, now, out);
        }
        host.audit(client, "protocol.view");
        return 0;
    }
    if (verb == "outcome") {
        Outcome o;
        o.date = dayOption(a, "--date", now);
        o.note = a.option("--note").value_or("");
        o.symptoms = a.option("--symptoms").value_or("");
        if (auto delay = a.option("--delay-hours")) o.delayHours = nourish::parseInt(*delay, "--delay-hours");
        a.expect(3, "protocol outcome takes a client id, a food and tolerated|immediate|fpies|delayed-mild|delayed-moderate");
        o.food = a.rest[1];
        std::string result = a.rest[2] == "mild" ? "delayed-mild" : a.rest[2];
        auto reaction = reactionFrom(result);
        if (result == "reaction")
            throw BadInput("outcome: say which kind of reaction: immediate (within about 2 hours, or hives, swelling, "
                           "wheeze, repeated vomiting, floppiness), fpies, delayed-mild or delayed-moderate");
        if (!reaction)
            throw BadInput("outcome: '" + a.rest[2] + "' is not one of tolerated, immediate, fpies, delayed-mild, delayed-moderate");
        o.reaction = *reaction;
        int64_t client = clientIdFrom(a.rest[0]);
        plans.recordOutcome(client, o);
        auto v = plans.view(client, now);
        if (const FoodStatus* f = v->schedule.food(o.food)) out << f->label << ": " << f->text << "\n";
        return 0;
    }
    if (verb == "change") {
        std::string phase = a.required("--phase", "elimination, baseline or maintenance");
        int days = nourish::parseInt(a.required("--days", "the new length in days"), "--days");
        std::string reason = a.option("--reason").value_or("");
        a.expect(1, "protocol change takes one client id");
        plans.changePhase(clientIdFrom(a.rest[0]), phase, days, reason);
        return 0;
    }
    if (verb == "pause") {
        Day from = dayOption(a, "--from", now);
        std::string reason = a.option("--reason").value_or("");
        a.expect(1, "protocol pause takes one client id");
        plans.pause(clientIdFrom(a.rest[0]), from, reason);
        return 0;
    }
    if (verb == "resume") {
        Day on = dayOption(a, "--date", now);
        a.expect(1, "protocol resume takes one client id");
        plans.resume(clientIdFrom(a.rest[0]), on);
        return 0;
    }
    if (verb == "skip") {
        std::string reason = a.option("--reason").value_or("");
        a.expect(2, "protocol skip takes a client id and a food");
        plans.skip(clientIdFrom(a.rest[0]), a.rest[1], reason);
        return 0;
    }
    if (verb == "move") {
        int position = nourish::parseInt(a.required("--position", "1 for first"), "--position");
        std::string reason = a.option("--reason").value_or("");
        a.expect(2, "protocol move takes a client id and a food");
        plans.move(clientIdFrom(a.rest[0]), a.rest[1], position - 1, reason);
        return 0;
    }
    if (verb == "end") {
        std::string reason = a.option("--reason").value_or("");
        a.expect(1, "protocol end takes one client id");
        plans.end(clientIdFrom(a.rest[0]), reason);
        return 0;
    }
    if (verb == "history") {
        bool asJson = a.flag("--json");
        a.expect(1, "protocol history takes one client id");
        int64_t client = clientIdFrom(a.rest[0]);
        auto p = plans.active(client);
        if (!p) throw BadInput("client: " + a.rest[0] + " has no elimination plan");
        json list = json::array();
        for (const HistoryEntry& h : plans.history(p->id)) {
            if (asJson) list.push_back({{"at", h.at}, {"who", h.who}, {"change", h.change}, {"reason", h.reason}, {"detail", h.detail}});
            else out << h.at << "  " << pad(h.who, 12) << pad(h.change, 14) << h.detail.dump()
                     << (h.reason.empty() ? "" : "  because: " + h.reason) << "\n";
        }
        if (asJson) out << list.dump(2) << "\n";
        return 0;
    }
    throw BadInput(verb.empty() ? "protocol: which subcommand?" : "protocol: unknown subcommand '" + verb + "'");
}

int diaryCommand(nourish::Host host, Args& a, const nourish::Output& out) {
    Plans plans(host);
    std::string verb = a.rest.empty() ? "" : a.rest.front();
    if (!a.rest.empty()) a.rest.erase(a.rest.begin());
    if (verb == "add") {
        Day day = parseDay(a.required("--date", "the diary day, YYYY-MM-DD"), "--date");
        json answers = readAnswers(a.required("--answers", "a JSON file of answers"));
        a.expect(1, "diary add takes one client id");
        plans.saveDiary(clientIdFrom(a.rest[0]), day, answers);
        out << "saved the diary for " << isoDay(day) << "\n";
        return 0;
    }
    if (verb == "show") {
        bool asJson = a.flag("--json");
        Day now = today();
        Day to = dayOption(a, "--to", now);
        Day from = dayOption(a, "--from", to - 13);
        a.expect(1, "diary show takes one client id");
        int64_t client = clientIdFrom(a.rest[0]);
        host.client(client);
        json list = json::array();
        for (const DiaryEntry& e : plans.diary(client, from, to)) {
            if (asJson) list.push_back({{"date", isoDay(e.scores.day)}, {"answers", e.answers}});
            else
                out << isoDay(e.scores.day) << "  itch " << (e.scores.itch ? number(*e.scores.itch) : "-") << "  sleep "
                    << (e.scores.sleep ? number(*e.scores.sleep) : "-") << "  stool "
                    << (e.scores.stool ? std::to_string(*e.scores.stool) : "-") << (e.scores.vomiting ? "  vomiting" : "")
                    << "\n";
        }
        if (asJson) out << list.dump(2) << "\n";
        host.audit(client, "diary.view");
        return 0;
    }
    throw BadInput(verb.empty() ? "diary: which subcommand?" : "diary: unknown subcommand '" + verb + "'");
}

int instrumentCommand(nourish::Host host, Args& a, const nourish::Output& out) {
    Plans plans(host);
    std::string verb = a.rest.empty() ? "" : a.rest.front();
    if (!a.rest.empty()) a.rest.erase(a.rest.begin());
    auto instrument = [&](const std::string& id) {
        try {
            return json::parse(host.instrument(id));
        } catch (const nourish::Error& e) {
            if (e.status() == NOURISH_NOT_FOUND)
                throw BadInput("instrument: there is no instrument '" + id + "' (see `instrument list`)");
            throw;
        }
    };
    if (verb == "list") {
        bool asJson = a.flag("--json");
        a.expect(0, "instrument list takes no arguments");
        json list = json::parse(host.instruments());
        if (asJson) {
            json brief = json::array();
            for (const json& i : list)
                brief.push_back({{"id", i["id"]}, {"version", i["version"]}, {"title", i["title"]}, {"plugin", i["plugin"]},
                                 {"items", i["items"].size()}, {"licence", i["licence"]}});
            out << brief.dump(2) << "\n";
        } else {
            for (const json& i : list)
                out << pad(i["id"].get<std::string>(), 36) << i["title"].get<std::string>() << "  ("
                    << std::to_string(i["items"].size()) << " items)\n";
        }
        return 0;
    }
    if (verb == "show") {
        a.flag("--json");
        a.expect(1, "instrument show takes one instrument id");
        out << instrument(a.rest[0]).dump(2) << "\n";
        return 0;
    }
    if (verb == "score") {
        bool asJson = a.flag("--json");
        json answers = readAnswers(a.required("--answers", "a JSON file of answers"));
        a.expect(1, "instrument score takes one instrument id");
        instrument(a.rest[0]);
        json result;
        try {
            result = json::parse(host.scoreInstrument(a.rest[0], answers.dump()));
        } catch (const nourish::Error& e) {
            if (e.status() == NOURISH_INVALID) throw BadInput(e.what());
            throw;
        }
        if (asJson) {
            out << result.dump(2) << "\n";
        } else {
            if (result["total"].is_null())
                out << "no total: " << std::to_string(result["missing"].get<int>()) << " items unanswered\n";
            else
                out << "total " << number(result["total"].get<double>()) << " (" << result["band"].get<std::string>()
                    << ")\n";
            for (const json& item : result["items"])
                out << "  " << pad(item["id"].get<std::string>(), 16)
                    << (item["score"].is_null() ? std::string("-") : number(item["score"].get<double>())) << "\n";
        }
        return 0;
    }
    if (verb == "record") {
        json answers = readAnswers(a.required("--answers", "a JSON file of answers"));
        Day day = dayOption(a, "--date", today());
        a.expect(2, "instrument record takes a client id and an instrument id");
        instrument(a.rest[1]);
        ScoreEntry e = plans.recordScore(clientIdFrom(a.rest[0]), a.rest[1], day, answers);
        out << "recorded " << isoDay(day) << ": " << (e.total ? number(*e.total) + " (" + e.band + ")" : "no total")
            << "\n";
        return 0;
    }
    if (verb == "history") {
        bool asJson = a.flag("--json");
        a.expect(2, "instrument history takes a client id and an instrument id");
        int64_t client = clientIdFrom(a.rest[0]);
        host.client(client);
        json list = json::array();
        for (const ScoreEntry& e : plans.scores(client, a.rest[1])) {
            if (asJson) list.push_back({{"date", isoDay(e.takenOn)}, {"total", e.total ? json(*e.total) : json()}, {"band", e.band}});
            else out << isoDay(e.takenOn) << "  " << (e.total ? number(*e.total) : "-") << "  " << e.band << "\n";
        }
        if (asJson) out << list.dump(2) << "\n";
        host.audit(client, "instrument.view", json{{"instrument", a.rest[1]}}.dump());
        return 0;
    }
    throw BadInput(verb.empty() ? "instrument: which subcommand?" : "instrument: unknown subcommand '" + verb + "'");
}

}  // namespace

std::string commandsJson() {
    return json::array({{{"name", "protocol"}, {"summary", "elimination protocols and a client's plan"}, {"usage", kProtocolUsage}},
                        {{"name", "diary"}, {"summary", "a client's daily symptom diary"}, {"usage", kDiaryUsage}},
                        {{"name", "instrument"}, {"summary", "scored questionnaires such as POEM"}, {"usage", kInstrumentUsage}}})
        .dump();
}

int runCommand(nourish::Host host, const std::string& command, const std::vector<std::string>& args,
               const nourish::Output& out, const nourish::Output& error) {
    Args a{args};
    const char* usage = command == "protocol" ? kProtocolUsage : command == "diary" ? kDiaryUsage : kInstrumentUsage;
    return nourish::runCommandBody<BadInput>(
        [&] {
            if (command == "protocol") return protocolCommand(host, a, out);
            if (command == "diary") return diaryCommand(host, a, out);
            if (command == "instrument") return instrumentCommand(host, a, out);
            error << "unknown command " << command << "\n";
            return 2;
        },
        error, usage);
}

}  // namespace elim
