// Test plugins written against the C door directly, each broken in one way
// chosen by RAW_CASE at compile time.
#include <boost/dll/alias.hpp>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <unistd.h>

#include "nourish/plugin.h"

namespace {

#ifndef RAW_SDK_MAJOR
#define RAW_SDK_MAJOR NOURISH_SDK_MAJOR
#endif
#ifndef RAW_SDK_MINOR
#define RAW_SDK_MINOR NOURISH_SDK_MINOR
#endif

#ifndef RAW_NO_ENTRY
int32_t init(const nourish_plugin*, const nourish_host*, const nourish_sink* error) {
#if defined(RAW_INIT_ERROR)
    const char* message = "the licence file for this protocol is missing";
    error->write(error->context, message, std::strlen(message));
    return NOURISH_ERROR;
#elif defined(RAW_INIT_CRASH)
    (void)error;
    if (std::getenv("NOURISH_TEST_CRASH")) std::abort();
    return NOURISH_OK;
#elif defined(RAW_INIT_SEGFAULT)
    (void)error;
    // Dies of SIGSEGV as a wild pointer would make it (raised, so that a
    // sanitizer build's own checks do not stop it first).
    std::raise(SIGSEGV);
    return NOURISH_OK;
#elif defined(RAW_INIT_EXIT)
    (void)error;
    std::exit(0);
#elif defined(RAW_INIT_HANG)
    (void)error;
    for (;;) pause();
#else
    (void)error;
    return NOURISH_OK;
#endif
}

void shutdown(const nourish_plugin*) {}
const void* getExtension(const nourish_plugin*, const char*) { return nullptr; }

#ifdef RAW_UNDEFINED_SYMBOL
}  // namespace
extern "C" void nourish_test_symbol_nobody_defines();
namespace {
#endif

const nourish_plugin* entry() {
#ifdef RAW_UNDEFINED_SYMBOL
    nourish_test_symbol_nobody_defines();
#endif
    static const nourish_plugin descriptor{sizeof(nourish_plugin), RAW_SDK_MAJOR, RAW_SDK_MINOR, RAW_ID, "Raw test plugin",
                                           "1.0.0", "Nourish tests", &init, &shutdown, &getExtension};
    return &descriptor;
}
#endif

}  // namespace

#ifndef RAW_NO_ENTRY
BOOST_DLL_ALIAS(entry, nourish_plugin_entry)
#else
extern "C" {
__attribute__((visibility("default"))) const void* nourish_unrelated_symbol = nullptr;
}
#endif
