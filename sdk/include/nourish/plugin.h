/*
 * Nourish SDK 1.x -- the plugin door (C ABI).
 *
 * A plugin is a shared library exporting one entry named
 * "nourish_plugin_entry" that returns a pointer to a static nourish_plugin
 * descriptor: in C++, NOURISH_PLUGIN in plugin.hpp exports it (as a variable
 * of type nourish_entry_fn holding the function); in plain C, export the
 * function itself:
 *
 *   __attribute__((visibility("default")))
 *   const nourish_plugin* nourish_plugin_entry(void) { return &descriptor; }
 *
 * The host tells the two apart by the symbol's ELF type. Everything else -- the
 * capabilities the plugin offers and the services the host provides -- is an
 * extension found by a versioned string id.
 *
 * Rules that hold for every function in this SDK:
 *  - Threads: every function is [main-thread] unless its comment says otherwise.
 *  - Strings are UTF-8 and NUL-terminated unless a size is passed.
 *  - Whoever allocates, frees. Strings a plugin hands to the host are either
 *    owned by the plugin and valid until shutdown ("plugin-owned"), or written
 *    through a nourish_sink the host passes in. Strings the host returns are
 *    valid until the point named next to the function.
 *  - Structs start with struct_size. A reader never reads past struct_size;
 *    fields are only ever appended within a major version.
 */
#ifndef NOURISH_PLUGIN_H
#define NOURISH_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NOURISH_SDK_MAJOR 1
#define NOURISH_SDK_MINOR 2

/* The entry every plugin library exports (a function, or a variable of type
 * nourish_entry_fn holding one). */
#define NOURISH_ENTRY_NAME "nourish_plugin_entry"

/* Status codes returned across the door. */
enum {
    NOURISH_OK = 0,
    NOURISH_ERROR = 1,      /* failure; a message was written to the error sink */
    NOURISH_NOT_FOUND = 2,  /* the thing asked for does not exist */
    NOURISH_INVALID = 3,    /* the input was refused (validation) */
    NOURISH_DENIED = 4,     /* not allowed for this plugin */
    NOURISH_EXISTS = 5,     /* SDK 1.1: the file is already there (nourish.host.files/1) */
    NOURISH_ROW = 100,      /* nourish_host_store.step: a row is ready */
    NOURISH_DONE = 101      /* nourish_host_store.step: no more rows */
};

/*
 * A write callback owned by whoever passes it. The receiver calls write() zero
 * or more times, synchronously, before the function it was passed to returns;
 * it must not keep the pointer. data need not be NUL-terminated.
 */
typedef struct nourish_sink {
    void* context;
    void (*write)(void* context, const char* data, size_t size);
} nourish_sink;

struct nourish_host;

/*
 * The descriptor a plugin returns from its entry. Static, plugin-owned, valid
 * while the library is loaded. The host cross-checks id, version and SDK
 * version against the manifest beside the library before calling init.
 */
typedef struct nourish_plugin {
    uint32_t struct_size; /* sizeof(nourish_plugin) as the plugin was built */
    uint16_t sdk_major;   /* NOURISH_SDK_MAJOR the plugin was built against */
    uint16_t sdk_minor;   /* NOURISH_SDK_MINOR the plugin was built against */
    const char* id;       /* reverse-DNS, e.g. "org.example.low-fodmap" */
    const char* name;     /* shown to the practitioner */
    const char* version;  /* the plugin's own version, e.g. "1.2.0" */
    const char* vendor;

    /*
     * [main-thread] Called once after the host has applied the plugin's store
     * migrations. Return NOURISH_OK, or an error code after writing a sentence
     * the practitioner can act on to `error`. host stays valid until shutdown
     * returns.
     */
    int32_t (*init)(const struct nourish_plugin* self, const struct nourish_host* host,
                    const nourish_sink* error);

    /*
     * [main-thread] Called once at exit, after every page the plugin created
     * has been destroyed and before the library is released. Not called when
     * init failed.
     */
    void (*shutdown)(const struct nourish_plugin* self);

    /*
     * [main-thread] Returns the plugin's struct for a capability id such as
     * "nourish.cli-commands/1", or NULL when it does not offer it. The struct
     * is plugin-owned and valid until shutdown. May be called before init
     * (the host reads "nourish.store-migrations/1" before init); what it
     * returns must not depend on init having run.
     */
    const void* (*get_extension)(const struct nourish_plugin* self, const char* id);
} nourish_plugin;

/* The entry's type: returns the plugin's static descriptor. */
typedef const nourish_plugin* (*nourish_entry_fn)(void);

/*
 * What the host hands to init. One instance per plugin: the host knows which
 * plugin is calling from the pointer, so store access is scoped to it.
 */
typedef struct nourish_host {
    uint32_t struct_size;
    uint16_t sdk_major; /* the SDK version the host provides */
    uint16_t sdk_minor;
    const char* app_version; /* valid until shutdown */
    void* host_data;         /* private to the host; do not touch */

    /*
     * [thread-safe] Returns the host service for an id such as
     * "nourish.host.store/1", or NULL when this host does not provide it.
     * The struct is host-owned and valid until the plugin's shutdown returns.
     */
    const void* (*get_extension)(const struct nourish_host* host, const char* id);
} nourish_host;

#ifdef __cplusplus
}
#endif

#endif /* NOURISH_PLUGIN_H */
