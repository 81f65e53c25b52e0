// Full-text search over 50,000 consultation notes (and their addenda) through
// the consultations plugin's `note search` command, in-process through the
// host, against plain SQLite FTS5 on the same file and index as the baseline.
#include <benchmark/benchmark.h>

#include <chrono>
#include <vector>
#include <algorithm>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <nlohmann/json.hpp>
#include <random>

#include "SqlTimeLimitCost.h"
#include "nourish/core/ClientStore.h"
#include "nourish/core/Database.h"
#include "nourish/core/Store.h"
#include "nourish/host/PluginHost.h"

namespace fs = std::filesystem;
using namespace nourish;
using nlohmann::json;

namespace {

constexpr int kNotes = 50000;
constexpr int kClients = 500;

// Sentences a practitioner writes, combined at random; a few rare phrases
// ("soy yoghurt") are what she later looks for.
const std::vector<std::string> kSentences = {
    "Itchy at night, scratches until it bleeds.", "Eczema on both cheeks and in the elbow folds.",
    "Sleeps better since the emollient twice a day.", "Stools loose most days, type 6 on the Bristol scale.",
    "Reflux after feeds, no vomiting.", "Dairy out for four weeks, then the milk ladder.",
    "Egg challenge tolerated over three days.", "Baby massage and tummy time after the bath.",
    "Omega-3 from salmon, chia and flax twice a week.", "Vitamin A from carrot and sweet potato purée.",
    "Zinc from pumpkin seeds and lentils.", "Bone broth in soups for the gut lining.",
    "Probiotic drops, five a day for eight weeks.", "Mother keeps the diary every evening.",
    "POEM down from 14 to 6 since the last visit.", "Red patches behind the knees, dry skin on the trunk.",
    "Gluten back in the diet without a flare.", "Wheat, barley and rye avoided during elimination.",
    "Crème fraîche at Christmas, red cheeks the next day.", "Coconut water and water with every meal.",
};

struct Fixture {
    fs::path path;
    std::unique_ptr<Store> store;
    std::unique_ptr<PluginHost> host;
    std::optional<CliCommand> note;

    Fixture() {
        path = fs::temp_directory_path() / ("nourish-bench-notes-" + std::to_string(getpid()) + ".db");
        fs::remove(path);
        store = std::make_unique<Store>(path);
        std::vector<int64_t> clients;
        for (int i = 0; i < kClients; ++i) {
            Client c;
            c.givenName = "Child" + std::to_string(i);
            c.familyName = "Family" + std::to_string(i % 97);
            c.dateOfBirth = "2024-01-15";
            c.healthDataConsent = true;
            c.healthDataConsentBy = "Parent";
            clients.push_back(ClientStore(*store).create(c, {"bench", "bench"}));
        }
        PluginHost::Options options;
        options.directories = {NOURISH_BUNDLED_PLUGINS};
        options.firstPartyDirectory = NOURISH_BUNDLED_PLUGINS;
        host = std::make_unique<PluginHost>(*store, options);
        host->discover();
        host->loadAll();
        for (const CliCommand& c : host->cliCommands())
            if (c.name == "note") note = c;
        if (!note) throw std::runtime_error("the consultations plugin did not load");
        run({"templates"});  // the plugin's tables exist once it has loaded

        // The notes as the plugin stores them, written in one transaction.
        std::mt19937 random(20261126);
        std::string templateJson = json::parse(run({"templates", "--json"}))[0].dump();
        Transaction tx(store->db());
        Statement insert(store->db(),
                         "INSERT INTO notes_notes (client_id, template_id, template_version, template_json, date, "
                         "answers, created_at, created_by, updated_at, signed_at, signed_by, content_sha256) "
                         "VALUES (?1, 'org.nourish.notes.soap', 1, ?2, ?3, ?4, '2026-01-01T10:00:00Z', 'bench', "
                         "'2026-01-01T10:00:00Z', '2026-01-01T18:00:00Z', 'bench', 'x')");
        Statement index(store->db(), "INSERT INTO notes_search (rowid, body) VALUES (?1, ?2)");
        for (int i = 0; i < kNotes; ++i) {
            std::string subjective, plan;
            for (int k = 0; k < 6; ++k) subjective += kSentences[random() % kSentences.size()] + " ";
            for (int k = 0; k < 3; ++k) plan += kSentences[random() % kSentences.size()] + " ";
            if (random() % 200 == 0) subjective += "Reacted to soy yoghurt within two hours.";
            json answers = {{"subjective", subjective}, {"plan", plan}};
            char date[16];
            std::snprintf(date, sizeof date, "2025-%02d-%02d", 1 + i % 12, 1 + i % 28);
            insert.reset();
            insert.bind(1, clients[size_t(i) % clients.size()]).bind(2, templateJson).bind(3, date).bind(4, answers.dump());
            insert.step();
            index.reset();
            index.bind(1, store->db().lastInsertRowid()).bind(2, "SOAP note\nSubjective\n" + subjective + "\nPlan\n" + plan);
            index.step();
        }
        tx.commit();
        store->db().exec("INSERT INTO notes_search (notes_search) VALUES ('optimize')");
    }
    ~Fixture() {
        host->shutdown();
        host.reset();
        store.reset();
        fs::remove(path);
    }
    std::string run(const std::vector<std::string>& args) {
        std::string out, error;
        if (host->runCliCommand(*note, args, out, error) != 0) throw std::runtime_error(error);
        return out;
    }
};

Fixture& fixture() {
    static Fixture f;
    return f;
}

// Through the plugin: the command, the host's store door, client names
// joined, snippets, JSON out.
void BM_PluginNoteSearch(benchmark::State& state, const char* term) {
    Fixture& f = fixture();
    size_t hits = 0;
    for (auto _ : state) {
        std::string out = f.run({"search", term, "--json"});
        hits = json::parse(out).size();
        benchmark::DoNotOptimize(out);
    }
    state.counters["hits"] = double(hits);
}

// What the time limit on a plugin's SQL costs a search (each search also adds
// an audit event, so the store grows as the run goes on: the two sides
// alternate rather than run one after the other).
void BM_SqlTimeLimitCost(benchmark::State& state, const char* term) {
    Fixture& f = fixture();
    nourish::bench::measureSqlTimeLimitCost(state, *f.host, [] {},
                                            [&] { benchmark::DoNotOptimize(f.run({"search", term, "--json"})); });
}

// Baseline: plain SQLite FTS5 on the same index with snippets, newest first
// like the plugin (or ranked by bm25, which has to score every match).
void BM_RawFts5(benchmark::State& state, const char* query, bool ranked) {
    Fixture& f = fixture();
    sqlite3* db = nullptr;
    sqlite3_open_v2(f.path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* s = nullptr;
    std::string sql = std::string("SELECT rowid, snippet(notes_search, 0, '[', ']', '…', 12) FROM notes_search ") +
                      (ranked ? "WHERE notes_search MATCH ?1 ORDER BY rank LIMIT 50"
                              : "WHERE notes_search MATCH ?1 ORDER BY rowid DESC LIMIT 50");
    sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr);
    size_t hits = 0;
    for (auto _ : state) {
        sqlite3_reset(s);
        sqlite3_bind_text(s, 1, query, -1, SQLITE_STATIC);
        hits = 0;
        while (sqlite3_step(s) == SQLITE_ROW) {
            benchmark::DoNotOptimize(sqlite3_column_text(s, 1));
            ++hits;
        }
    }
    state.counters["hits"] = double(hits);
    sqlite3_finalize(s);
    sqlite3_close(db);
}

}  // namespace

// A rare phrase (about 250 notes), and a word in about a third of them.
BENCHMARK_CAPTURE(BM_PluginNoteSearch, rare_soy_yoghurt, "soy yoghurt")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_RawFts5, rare_soy_yoghurt, "\"soy\"* \"yoghurt\"*", false)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_PluginNoteSearch, folded_creme_fraiche, "creme fraiche")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_RawFts5, folded_creme_fraiche, "\"creme\"* \"fraiche\"*", false)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_PluginNoteSearch, common_lentils, "lentils")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_SqlTimeLimitCost, common_lentils, "lentils")->Unit(benchmark::kMillisecond)->MinTime(3.0);
BENCHMARK_CAPTURE(BM_SqlTimeLimitCost, rare_soy_yoghurt, "soy yoghurt")->Unit(benchmark::kMillisecond)->MinTime(3.0);
BENCHMARK_CAPTURE(BM_RawFts5, common_lentils, "\"lentils\"*", false)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_RawFts5, common_lentils_ranked_bm25, "\"lentils\"*", true)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
