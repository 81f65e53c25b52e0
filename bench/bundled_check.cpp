// What the start-up check of the bundled plugins costs: verifying each one's
// signature (SHA-256 of its manifest and library, one Ed25519 verify) beside
// the raw baseline, OpenSSL's SHA-256 of the same files read in 1 MiB pieces;
// and what a start costs once they were verified (the stamps of the files
// compared with those remembered); and reading the libraries' DT_NEEDED
// names to find their private libraries.
#include <benchmark/benchmark.h>
#include <openssl/evp.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "nourish/host/Manifest.h"
#include "nourish/host/PluginHost.h"
#include "nourish/host/PluginTrust.h"

namespace fs = std::filesystem;
using namespace nourish;

namespace {

struct Bundled {
    fs::path manifest, library;
    std::string id;
};

std::vector<Bundled> bundled() {
    std::vector<Bundled> out;
    fs::path folder = NOURISH_BUNDLED_PLUGINS;
    for (const auto& entry : fs::directory_iterator(folder)) {
        std::string name = entry.path().filename().string();
        if (name.size() <= 12 || name.substr(name.size() - 12) != ".plugin.json") continue;
        Manifest m = readManifest(entry.path());
        out.push_back({entry.path(), folder / m.library, m.id});
    }
    return out;
}

void BM_VerifyBundledSignatures(benchmark::State& state) {
    auto plugins = bundled();
    for (auto _ : state)
        for (const Bundled& p : plugins) {
            trust::Signature s = trust::verify(p.manifest, p.id, p.library);
            if (s.publicKey.empty()) state.SkipWithError(("not signed: " + p.id).c_str());
            benchmark::DoNotOptimize(s);
        }
    state.counters["plugins"] = double(plugins.size());
}

void BM_RawSha256OfTheSameFiles(benchmark::State& state) {
    auto plugins = bundled();
    for (auto _ : state)
        for (const Bundled& p : plugins)
            for (const fs::path& f : {p.manifest, p.library}) {
                std::ifstream in(f, std::ios::binary);
                std::vector<char> buffer(1 << 20);
                EVP_MD_CTX* context = EVP_MD_CTX_new();
                EVP_DigestInit_ex(context, EVP_sha256(), nullptr);
                while (in) {
                    in.read(buffer.data(), std::streamsize(buffer.size()));
                    EVP_DigestUpdate(context, buffer.data(), size_t(in.gcount()));
                }
                unsigned char digest[EVP_MAX_MD_SIZE];
                unsigned int size = 0;
                EVP_DigestFinal_ex(context, digest, &size);
                EVP_MD_CTX_free(context);
                benchmark::DoNotOptimize(digest);
            }
}

void BM_RememberedBundledCheck(benchmark::State& state) {
    auto plugins = bundled();
    fs::path config = fs::temp_directory_path() / ("nourish-bench-config-" + std::to_string(::getpid()));
    setenv("XDG_CONFIG_HOME", config.c_str(), 1);
    std::string key = PluginHost::builtInBundledKey();
    for (const Bundled& p : plugins) PluginHost::rememberBundledVerified(p.manifest, p.library, p.id, key);
    for (auto _ : state)
        for (const Bundled& p : plugins)
            if (!PluginHost::bundledVerified(p.manifest, p.library, p.id, key)) state.SkipWithError("not remembered");
    fs::remove_all(config);
}

// What discovering a plugin's private libraries adds to each start: the
// DT_NEEDED names of the four libraries read from their ELF headers, beside
// the raw baseline of reading each one's first 4 KiB.
void BM_PrivateLibrariesOfTheBundledPlugins(benchmark::State& state) {
    auto plugins = bundled();
    for (auto _ : state)
        for (const Bundled& p : plugins) benchmark::DoNotOptimize(privateLibraries(p.library));
}

void BM_RawFirst4KiBOfTheSameLibraries(benchmark::State& state) {
    auto plugins = bundled();
    for (auto _ : state)
        for (const Bundled& p : plugins) {
            std::ifstream in(p.library, std::ios::binary);
            char head[4096];
            in.read(head, sizeof head);
            benchmark::DoNotOptimize(head);
        }
}

}  // namespace

BENCHMARK(BM_PrivateLibrariesOfTheBundledPlugins)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_RawFirst4KiBOfTheSameLibraries)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_RememberedBundledCheck)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_VerifyBundledSignatures)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RawSha256OfTheSameFiles)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
