/* A plugin in plain C, as an author without C++ writes one: the entry is a
 * function named nourish_plugin_entry (C_ENTRY_AS_DATA: a variable of type
 * nourish_entry_fn holding it, as BOOST_DLL_ALIAS exports it). */
#include <string.h>

#include "nourish/plugin.h"

static int32_t init(const nourish_plugin* self, const nourish_host* host, const nourish_sink* error) {
    (void)self;
    (void)host;
    (void)error;
    return NOURISH_OK;
}

static void shutdown(const nourish_plugin* self) { (void)self; }

static const void* get_extension(const nourish_plugin* self, const char* id) {
    (void)self;
    (void)id;
    return NULL;
}

static const nourish_plugin descriptor = {sizeof(nourish_plugin), NOURISH_SDK_MAJOR, NOURISH_SDK_MINOR, RAW_ID,
                                          "C test plugin", "1.0.0", "Nourish tests", init, shutdown, get_extension};

#ifdef C_ENTRY_AS_DATA
static const nourish_plugin* entry(void) { return &descriptor; }
__attribute__((visibility("default"))) const nourish_entry_fn nourish_plugin_entry = entry;
#else
__attribute__((visibility("default"))) const nourish_plugin* nourish_plugin_entry(void) { return &descriptor; }
#endif
