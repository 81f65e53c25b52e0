/*
 * Nourish SDK 1.x -- services the host offers to plugins.
 *
 * Each service is found with nourish_host.get_extension(host, ID) and every
 * function takes the plugin's own `host` pointer first: that is how the host
 * knows which plugin is asking.
 */
#ifndef NOURISH_HOST_SERVICES_H
#define NOURISH_HOST_SERVICES_H

#include "nourish/plugin.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ log -- */
#define NOURISH_HOST_LOG_ID "nourish.host.log/1"

enum { NOURISH_LOG_DEBUG = 0, NOURISH_LOG_INFO = 1, NOURISH_LOG_WARNING = 2, NOURISH_LOG_ERROR = 3 };

typedef struct nourish_host_log {
    uint32_t struct_size;
    /* [thread-safe] message is copied. Never put health data in a log line. */
    void (*log)(const nourish_host* host, int32_t level, const char* message);
} nourish_host_log;

/* ---------------------------------------------------------------- store -- */
/*
 * SQL against the shared store, scoped to the plugin: it may create, read and
 * write tables whose names start with its manifest's "table_prefix", and read
 * the host views host_clients, host_guardians, host_client_guardians and
 * host_consent_events.
 * Anything else (core tables, ATTACH, PRAGMA, transactions) is refused at
 * prepare time with NOURISH_DENIED. Use savepoint() to group writes.
 */
#define NOURISH_HOST_STORE_ID "nourish.host.store/1"

/* Column types, as reported by column_type. */
enum {
    NOURISH_TYPE_INTEGER = 1,
    NOURISH_TYPE_FLOAT = 2,
    NOURISH_TYPE_TEXT = 3,
    NOURISH_TYPE_BLOB = 4,
    NOURISH_TYPE_NULL = 5
};

/* Host-owned, freed by finalize. A statement left mid-iteration is reset when
 * the host call that led to the plugin running returns, so that it does not
 * hold an old snapshot of the store; prepare once and reuse freely. */
typedef struct nourish_stmt nourish_stmt;

typedef struct nourish_host_store {
    uint32_t struct_size;

    /* Compiles one SQL statement. Returns NULL after writing the reason to
     * `error` (NOURISH_DENIED reasons name the refused table or action). */
    nourish_stmt* (*prepare)(const nourish_host* host, const char* sql, const nourish_sink* error);

    /* Parameters are 1-based. Text is copied. size < 0: up to the NUL. */
    int32_t (*bind_null)(nourish_stmt* stmt, int32_t index);
    int32_t (*bind_int64)(nourish_stmt* stmt, int32_t index, int64_t value);
    int32_t (*bind_double)(nourish_stmt* stmt, int32_t index, double value);
    int32_t (*bind_text)(nourish_stmt* stmt, int32_t index, const char* utf8, int64_t size);

    /* Returns NOURISH_ROW, NOURISH_DONE, or an error after writing to `error`.
     * A writing statement outside savepoint() commits on its own. */
    int32_t (*step)(nourish_stmt* stmt, const nourish_sink* error);
    /* Makes the statement ready to run again; bindings are kept. */
    int32_t (*reset)(nourish_stmt* stmt);

    /* Columns are 0-based; valid after step returned NOURISH_ROW. */
    int32_t (*column_count)(nourish_stmt* stmt);
    int32_t (*column_type)(nourish_stmt* stmt, int32_t column);
    int64_t (*column_int64)(nourish_stmt* stmt, int32_t column);
    double (*column_double)(nourish_stmt* stmt, int32_t column);
    /* Host-owned; valid until the next step, reset or finalize. NULL for NULL. */
    const char* (*column_text)(nourish_stmt* stmt, int32_t column);

    void (*finalize)(nourish_stmt* stmt);

    /* Rows changed by this plugin's last writing statement, and the rowid it
     * last inserted (writes the host makes on its behalf do not count). */
    int64_t (*changes)(const nourish_host* host);
    int64_t (*last_insert_rowid)(const nourish_host* host);

    /*
     * Runs body inside a savepoint: if body returns anything but NOURISH_OK
     * every write it made is rolled back and that code is returned. Savepoints
     * nest. body must not keep statements it prepared open after returning.
     */
    int32_t (*savepoint)(const nourish_host* host,
                         int32_t (*body)(void* user_data, const nourish_sink* error),
                         void* user_data, const nourish_sink* error);

    /* Bytes, for BLOB columns and text that may hold NUL. Data is copied. */
    int32_t (*bind_blob)(nourish_stmt* stmt, int32_t index, const void* data, int64_t size);
    /* Host-owned; valid until the next step, reset or finalize. */
    const void* (*column_blob)(nourish_stmt* stmt, int32_t column);
    int64_t (*column_bytes)(nourish_stmt* stmt, int32_t column);
} nourish_host_store;

/* -------------------------------------------------------------- clients -- */
/*
 * Clients (the children) and their guardians, as JSON documents described by
 * schemas/client.schema.json. The host validates every write, keeps the search
 * index current and writes the audit event; plugins never write core tables.
 */
#define NOURISH_HOST_CLIENTS_ID "nourish.host.clients/1"

typedef struct nourish_host_clients {
    uint32_t struct_size;
    /* Writes one client document to `json`. NOURISH_NOT_FOUND if no such id. */
    int32_t (*get)(const nourish_host* host, int64_t client_id, const nourish_sink* json,
                   const nourish_sink* error);
    /* Writes a JSON array of client documents (without guardians) matching
     * `query` (name prefixes, diacritics ignored; guardian emails too), best
     * match first, at most `limit` (1..1000). */
    int32_t (*search)(const nourish_host* host, const char* query, int32_t limit,
                      const nourish_sink* json, const nourish_sink* error);
    /* Creates a client (with guardians) from a client document; ids in it are
     * ignored. On NOURISH_INVALID the error names the field and the problem. */
    int32_t (*create)(const nourish_host* host, const char* client_json, int64_t* new_id,
                      const nourish_sink* error);
    /* Replaces the client's fields (and guardians, when "guardians" is given). */
    int32_t (*update)(const nourish_host* host, int64_t client_id, const char* client_json,
                      const nourish_sink* error);
} nourish_host_clients;

/* ------------------------------------------------------------- registry -- */
/* Every loaded plugin's struct for a capability id, so that a plugin can list
 * what others contribute (e.g. protocols from every plugin). */
#define NOURISH_HOST_REGISTRY_ID "nourish.host.registry/1"

/* plugin_id is valid during the call; extension until the caller's shutdown. */
typedef void (*nourish_registry_visitor)(void* user_data, const char* plugin_id,
                                         const void* extension);

typedef struct nourish_host_registry {
    uint32_t struct_size;
    /* Calls visit once per loaded plugin offering `extension_id` (the caller
     * included), in load order; returns how many. The extension passed to
     * visit stays valid until the caller's shutdown; plugin_id only during
     * the call. */
    int32_t (*for_each)(const nourish_host* host, const char* extension_id,
                        nourish_registry_visitor visit, void* user_data);
} nourish_host_registry;

/* --------------------------------------------------------------- events -- */
/*
 * Events the host publishes:
 *   "nourish.client.selected"  {"client_id": N}  the practitioner opened a client
 *   "nourish.client.changed"   {"client_id": N}  a client or its guardians changed
 *   "nourish.demo.created"     {"client_ids": [N, ...]}  the demo caseload was just
 *                              created: a plugin may add its own demo data for them
 *   "nourish.store.changed"    {"external": true|false}  (SDK 1.1, the app only)
 *                              the store changed since the last time this was
 *                              said -- through another process (external) or this
 *                              one -- other than audit events: a page shows
 *                              fresh data, without throwing away what is being
 *                              typed. Said at most once a second, never while a
 *                              modal dialog is open.
 * Plugins may publish their own events, named with their plugin id as prefix.
 */
#define NOURISH_HOST_EVENTS_ID "nourish.host.events/1"

/* event and payload_json are valid during the call only. */
typedef void (*nourish_event_handler)(void* user_data, const char* event,
                                      const char* payload_json);

typedef struct nourish_host_events {
    uint32_t struct_size;
    /* Returns a subscription id, or 0 when event or handler is NULL. Handlers
     * run on the main thread, after the change is committed (never for a
     * change that was rolled back). user_data must stay valid until
     * unsubscribe or the plugin's shutdown, when the host drops every
     * subscription the plugin still holds. */
    uint64_t (*subscribe)(const nourish_host* host, const char* event,
                          nourish_event_handler handler, void* user_data);
    void (*unsubscribe)(const nourish_host* host, uint64_t subscription);
    int32_t (*publish)(const nourish_host* host, const char* event, const char* payload_json);
} nourish_host_events;

/* ------------------------------------------------------------- settings -- */
/*
 * Keys "practice.*" (name, practitioner, address, phone, email) are the
 * practice details: readable by every plugin, writable only by the host.
 * Every other key belongs to the calling plugin alone.
 */
#define NOURISH_HOST_SETTINGS_ID "nourish.host.settings/1"

typedef struct nourish_host_settings {
    uint32_t struct_size;
    /* Writes the value to `value`; NOURISH_NOT_FOUND when the key is unset. */
    int32_t (*get)(const nourish_host* host, const char* key, const nourish_sink* value);
    int32_t (*set)(const nourish_host* host, const char* key, const char* value,
                   const nourish_sink* error);
} nourish_host_settings;

/* ---------------------------------------------------------------- audit -- */
/* Records who did what to which client. Call it for every change of clinical
 * data a plugin makes and every view, export or email of a client's data. */
#define NOURISH_HOST_AUDIT_ID "nourish.host.audit/1"

typedef struct nourish_host_audit {
    uint32_t struct_size;
    /* client_id 0 means "no client". action is short and stable
     * ("protocol.assign"); detail is a JSON object or NULL. */
    int32_t (*record)(const nourish_host* host, int64_t client_id, const char* action,
                      const char* detail_json, const nourish_sink* error);
} nourish_host_audit;

/* ---------------------------------------------------------------- forms -- */
/*
 * Every form any plugin contributed (nourish.intake-forms/1), the one answer
 * validator, and the host's form window. Answers are a JSON object mapping
 * field id to value (a repeat group: an array of such objects; a multiple
 * choice: an array of option values).
 */
#define NOURISH_HOST_FORMS_ID "nourish.host.forms/1"

typedef struct nourish_host_forms {
    uint32_t struct_size;
    /* Writes [{"id", "version", "title", "purpose", "plugin"}] for every accepted
     * form; purpose is "intake", "diary", "instrument" (an instrument shown as a
     * form) or "note". */
    int32_t (*list)(const nourish_host* host, const nourish_sink* json);
    /* Writes the form's document. NOURISH_NOT_FOUND if no plugin offers it. */
    int32_t (*get)(const nourish_host* host, const char* form_id, const nourish_sink* json);
    /* NOURISH_OK, or NOURISH_INVALID with one line per problem written to
     * `problems`, each naming the field ("itch_now: 11 is above the maximum 10").
     * complete = 0 checks a draft: required fields may be missing. */
    int32_t (*validate)(const nourish_host* host, const char* form_id, const char* answers_json,
                        int32_t complete, const nourish_sink* problems);
    /*
     * [main-thread] Opens the host's form window on `answers_json` (NULL: empty)
     * and blocks until the practitioner closes it. NOURISH_OK: the answers she
     * saved, validated, are written to `answers`; its first line is "draft" or
     * "complete", the rest the JSON. NOURISH_NOT_FOUND when she cancelled or
     * the app has no windows (the command line).
     */
    int32_t (*edit)(const nourish_host* host, const char* form_id, const char* answers_json,
                    const nourish_sink* answers);
} nourish_host_forms;

/* -------------------------------------------------------------- session -- */
/* Who is at the keyboard, for records a plugin keeps ("entered by"). */
#define NOURISH_HOST_SESSION_ID "nourish.host.session/1"

typedef struct nourish_host_session {
    uint32_t struct_size;
    /* [thread-safe] The practitioner's user name. */
    int32_t (*user)(const nourish_host* host, const nourish_sink* name);
    /* [thread-safe] "gui", "cli", or "check" while `nourish-cli plugin check`
     * tries the plugin in a throw-away host. */
    int32_t (*source)(const nourish_host* host, const nourish_sink* name);
} nourish_host_session;

/* ------------------------------------------------------------ protocols -- */
/* Every protocol any plugin contributed (nourish.protocols/1) that the host
 * accepted, and the way to ask its owner's evaluate hook. */
#define NOURISH_HOST_PROTOCOLS_ID "nourish.host.protocols/1"

typedef struct nourish_host_protocols {
    uint32_t struct_size;
    /* Writes a JSON array of the accepted protocol documents, each with an
     * added "plugin" member naming the plugin that offers it, in load order. */
    int32_t (*list)(const nourish_host* host, const nourish_sink* json);
    /* Writes one protocol document (with "plugin"). NOURISH_NOT_FOUND if none. */
    int32_t (*get)(const nourish_host* host, const char* protocol_id, const nourish_sink* json);
    /* Runs the evaluate hook of the plugin offering protocol_id and writes its
     * validated suggestions (a JSON array). NOURISH_NOT_FOUND when no plugin
     * offers protocol_id or that plugin has no hook (with plugin.hpp, one
     * that does not override evaluateProtocol);
     * NOURISH_INVALID when its answer breaks the schema. */
    int32_t (*evaluate)(const nourish_host* host, const char* protocol_id, const char* state_json,
                        const nourish_sink* suggestions, const nourish_sink* error);
} nourish_host_protocols;

/* ---------------------------------------------------------- instruments -- */
/* Every accepted instrument (nourish.instruments/1) and the one scoring engine. */
#define NOURISH_HOST_INSTRUMENTS_ID "nourish.host.instruments/1"

typedef struct nourish_host_instruments {
    uint32_t struct_size;
    /* Writes a JSON array of the accepted instrument documents, each with "plugin". */
    int32_t (*list)(const nourish_host* host, const nourish_sink* json);
    /* Writes one instrument document (with "plugin"). NOURISH_NOT_FOUND if none. */
    int32_t (*get)(const nourish_host* host, const char* instrument_id, const nourish_sink* json);
    /* Scores answers (item id -> scale value) and writes
     * {"total": N|null, "band": "..."|null, "missing": N, "items": [{"id", "score"}]};
     * total is null when more items are unanswered than the instrument allows.
     * NOURISH_INVALID with a line naming the item for an unknown item or value. */
    int32_t (*score)(const nourish_host* host, const char* instrument_id, const char* answers_json,
                     const nourish_sink* result, const nourish_sink* error);
} nourish_host_instruments;

/* ------------------------------------------------------- note templates -- */
/* Every accepted note template (nourish.note-templates/1). */
#define NOURISH_HOST_NOTE_TEMPLATES_ID "nourish.host.note-templates/1"

typedef struct nourish_host_note_templates {
    uint32_t struct_size;
    /* Writes a JSON array of the accepted template documents, each with "plugin". */
    int32_t (*list)(const nourish_host* host, const nourish_sink* json);
    /* Writes one template document (with "plugin"). NOURISH_NOT_FOUND if none. */
    int32_t (*get)(const nourish_host* host, const char* template_id, const nourish_sink* json);
} nourish_host_note_templates;

/* ----------------------------------------------------- growth references -- */
/* SDK 1.2. The accepted growth references of every plugin
 * (nourish.growth-references/1). */
#define NOURISH_HOST_GROWTH_REFERENCES_ID "nourish.host.growth-references/1"

typedef struct nourish_host_growth_references {
    uint32_t struct_size;
    /* Writes a JSON array of the accepted reference documents, each with "plugin". */
    int32_t (*list)(const nourish_host* host, const nourish_sink* json);
    /* Writes one reference document (with "plugin"). NOURISH_NOT_FOUND if none. */
    int32_t (*get)(const nourish_host* host, const char* reference_id, const nourish_sink* json);
} nourish_host_growth_references;

/* ---------------------------------------------------------------- status -- */
/* A short line of the plugin's own in the app's status bar ("Outbox: 2
 * waiting"). One line per plugin; the newest replaces the last. */
#define NOURISH_HOST_STATUS_ID "nourish.host.status/1"

typedef struct nourish_host_status {
    uint32_t struct_size;
    /* [main-thread] Shows `text` (≤ 120 bytes of UTF-8, no line breaks; empty
     * or NULL clears it). NOURISH_INVALID for text that breaks those rules.
     * Does nothing, successfully, on the command line. */
    int32_t (*set)(const nourish_host* host, const char* text);
} nourish_host_status;

/* --------------------------------------------------------------- reports -- */
/* The sections every plugin offers for a client's plan summary
 * (nourish.report-sections/1), rendered by their owners, for a plugin that
 * composes the summary (PDF, email). */
#define NOURISH_HOST_REPORTS_ID "nourish.host.reports/1"

typedef struct nourish_host_reports {
    uint32_t struct_size;
    /* Writes a JSON array [{"plugin", "id", "title", "order"}] of every
     * section any loaded plugin offers, in order. */
    int32_t (*sections)(const nourish_host* host, const nourish_sink* json);
    /* Asks each plugin for its sections for exactly this client and writes a
     * JSON array in order: [{"plugin", "id", "title", "order", "document"}],
     * where a section that failed has "error" (a line naming the plugin)
     * instead of "document". A document follows
     * schemas/report-document.schema.json; the host checked it.
     * NOURISH_NOT_FOUND when there is no such client. */
    int32_t (*render)(const nourish_host* host, int64_t client_id, const nourish_sink* json,
                      const nourish_sink* error);
} nourish_host_reports;

/* ------------------------------------------------------- allergy history -- */
/* SDK 1.1. Every plugin's nourish.allergy-history/1 for one client, checked
 * and put together, for a plugin that must triage before a home challenge. */
#define NOURISH_HOST_ALLERGY_HISTORY_ID "nourish.host.allergy-history/1"

typedef struct nourish_host_allergy_history {
    uint32_t struct_size;
    /* Writes one document following schemas/allergy-history.schema.json with
     * the items of every plugin that offers the capability, each item with an
     * added "plugin"; a plugin whose answer fails or breaks the schema is left
     * out and named in an added top-level "problems" array of strings.
     * NOURISH_NOT_FOUND when there is no such client. */
    int32_t (*get)(const nourish_host* host, int64_t client_id, const nourish_sink* json,
                   const nourish_sink* error);
} nourish_host_allergy_history;

/* ----------------------------------------------------------------- files -- */
/* Files a plugin writes out of the store for the practitioner (a PDF, a
 * calendar, an export), written by the host under the rules every output of
 * the app follows, so that no output can destroy the caseload. */
#define NOURISH_HOST_FILES_ID "nourish.host.files/1"

/* flags for write */
enum { NOURISH_FILE_REPLACE = 1 /* the practitioner agreed to replace an existing file */ };

typedef struct nourish_host_files {
    uint32_t struct_size;
    /*
     * [main-thread] Writes `size` bytes to `path`. Refused with NOURISH_DENIED
     * (and the reason) for the open store or its -wal/-shm/-journal, any
     * SQLite database, and a folder -- whatever the flags; NOURISH_EXISTS for
     * an existing file without NOURISH_FILE_REPLACE. The bytes go to a
     * temporary file in the same folder, created mode 0600, synced, then
     * renamed into place; on NOURISH_ERROR (with the reason) nothing is left.
     * data is read during the call only.
     */
    int32_t (*write)(const nourish_host* host, const char* path, const void* data, int64_t size, uint32_t flags,
                     const nourish_sink* error);
    /* [main-thread] The same checks without writing (e.g. before a long
     * render): NOURISH_OK when write would be allowed. */
    int32_t (*check)(const nourish_host* host, const char* path, uint32_t flags, const nourish_sink* error);
} nourish_host_files;

/* ------------------------------------------------------------- integrity -- */
/* SDK 1.1. The host seals every row of every table in the store (core and
 * plugin) with a keyed MAC as it is written; `nourish-cli store check` checks
 * them all. A plugin asks about one of its own rows before it relies on it,
 * e.g. before showing or sending a signed note. */
#define NOURISH_HOST_INTEGRITY_ID "nourish.host.integrity/1"

typedef struct nourish_host_integrity {
    uint32_t struct_size;
    /*
     * [main-thread] Whether the row of `table` (one of the plugin's own
     * tables) whose key is `row_key` -- its rowid or INTEGER PRIMARY KEY as
     * decimal text, or for a WITHOUT ROWID table its primary key -- still
     * matches the seal written with it. NOURISH_OK with *intact = 1, or
     * *intact = 0 and the reason in `why` (changed, missing, or written
     * outside Nourish); NOURISH_DENIED for a table that is not the plugin's.
     */
    int32_t (*row_intact)(const nourish_host* host, const char* table, const char* row_key, int32_t* intact,
                          const nourish_sink* why);
} nourish_host_integrity;

/* ------------------------------------------------------------------ plans -- */
/* SDK 1.1. Every plugin's nourish.plans/1 for one client, checked and put
 * together: what is removed from the child's diet, back in, or under
 * challenge, for a report section or a nutrition plugin. */
#define NOURISH_HOST_PLANS_ID "nourish.host.plans/1"

typedef struct nourish_host_plans {
    uint32_t struct_size;
    /* [main-thread] Writes {"plans": [...]} following schemas/plans.schema.json
     * with the plans of every plugin that offers nourish.plans/1, each with an
     * added "plugin"; a plugin whose answer fails or breaks the schema is left
     * out and named in an added top-level "problems" array of strings.
     * NOURISH_NOT_FOUND when there is no such client. */
    int32_t (*get)(const nourish_host* host, int64_t client_id, const nourish_sink* json, const nourish_sink* error);
} nourish_host_plans;

#ifdef __cplusplus
}
#endif

#endif /* NOURISH_HOST_SERVICES_H */
