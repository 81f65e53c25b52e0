/*
 * Nourish SDK 1.x -- capabilities a plugin may offer.
 *
 * Each is returned by nourish_plugin.get_extension(self, ID). JSON documents
 * named here are plugin-owned strings, valid until shutdown, and are validated
 * by the host against the schema named next to them; an invalid document is
 * refused with the plugin id and the JSON path of the problem.
 */
#ifndef NOURISH_CAPABILITIES_H
#define NOURISH_CAPABILITIES_H

#include "nourish/plugin.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------ store migrations -- */
/* Tables the plugin owns. migrations_json follows schemas/migrations.schema.json:
 *   [{"version": 1, "name": "create tables", "sql": "CREATE TABLE x_..."}]
 * The host applies pending ones in order, each in one transaction, before
 * init, and refuses to start the plugin if an applied migration changed. */
#define NOURISH_STORE_MIGRATIONS_ID "nourish.store-migrations/1"

typedef struct nourish_store_migrations {
    uint32_t struct_size;
    const char* migrations_json;
} nourish_store_migrations;

/* ----------------------------------------------------------- CLI commands -- */
/* Subcommands of nourish-cli. commands_json follows
 * schemas/cli-commands.schema.json: [{"name", "summary", "usage"}]. */
#define NOURISH_CLI_COMMANDS_ID "nourish.cli-commands/1"

typedef struct nourish_cli_commands {
    uint32_t struct_size;
    const char* commands_json;
    /*
     * Runs `command` with the arguments after it (argv[0] is the first
     * argument, not the command; command and argv are valid during the call).
     * It runs inside a savepoint: unless it returns 0, every write it made is
     * rolled back. Output goes to `out`, messages for the
     * practitioner to `error`. Returns the process exit code: 0 success,
     * 2 bad input (one line per problem, nothing written), 1 other failure.
     */
    int32_t (*run)(const nourish_plugin* self, const char* command, int32_t argc,
                   const char* const* argv, const nourish_sink* out, const nourish_sink* error);
} nourish_cli_commands;

/* ---------------------------------------------------------- wx UI (tier 2) -- */
/*
 * Native pages in the client workspace. Offered only when the manifest's
 * "wx_signature" and this struct's wx_signature both equal the host's
 * WX_BUILD_OPTIONS_SIGNATURE. pages_json follows schemas/ui-pages.schema.json:
 * [{"id", "title", "order"}] (pages sorted by order, then title).
 */
#define NOURISH_UI_WX_ID "nourish.ui.wx/1"

typedef struct nourish_ui_wx {
    uint32_t struct_size;
    const char* wx_signature; /* WX_BUILD_OPTIONS_SIGNATURE as the plugin was built */
    const char* pages_json;
    /* Creates the page as a child of `parent` (a wxWindow*) and returns it as a
     * wxWindow*, or NULL after writing to `error`. The page is owned by the wx
     * parent; the host destroys it before shutdown. */
    void* (*create_page)(const nourish_plugin* self, const char* page_id, void* parent,
                         const nourish_sink* error);
    /* Shows `client_id` on a page this plugin created (0: no client).
     * page_id is valid during the call. */
    void (*show_client)(const nourish_plugin* self, const char* page_id, void* page,
                        int64_t client_id);
} nourish_ui_wx;

/* -------------------------------------------------------- report sections -- */
/* Parts of a client's plan summary. sections_json follows
 * schemas/report-sections.schema.json: [{"id", "title", "order"}]. */
#define NOURISH_REPORT_SECTIONS_ID "nourish.report-sections/1"

typedef struct nourish_report_sections {
    uint32_t struct_size;
    const char* sections_json;
    /* Writes the section for exactly this client as a document following
     * schemas/report-document.schema.json. */
    int32_t (*render)(const nourish_plugin* self, const char* section_id, int64_t client_id,
                      const nourish_sink* document_json, const nourish_sink* error);
} nourish_report_sections;

/* ----------------------------------------------------------- intake forms -- */
/* Declarative forms (questionnaires) the host renders and validates.
 * forms_json is a JSON array of documents following schemas/form.schema.json.
 * A form that breaks the schema or is inconsistent is refused (the others
 * stay) and the reason, with its JSON path, is shown in the plugin manager. */
#define NOURISH_INTAKE_FORMS_ID "nourish.intake-forms/1"

typedef struct nourish_intake_forms {
    uint32_t struct_size;
    const char* forms_json;
} nourish_intake_forms;

/* -------------------------------------------------------------- protocols -- */
/*
 * Elimination-diet protocols as data. protocols_json is a JSON array of
 * documents following schemas/protocol.schema.json. The host checks each one
 * (schema and consistency: every challenge is for a food the protocol removes,
 * a ladder has steps, durations within their bounds, ...); a refused protocol
 * is left out with the reason and its JSON path shown in the plugin manager,
 * the others stay. Every plugin reads the accepted ones from every plugin
 * through nourish.host.protocols/1.
 */
#define NOURISH_PROTOCOLS_ID "nourish.protocols/1"

typedef struct nourish_protocols {
    uint32_t struct_size;
    const char* protocols_json;
    /*
     * Optional (NULL: the engine's own rules decide). Called for a client on
     * one of this plugin's protocols with `state_json`: {"protocol_id", "today",
     * "client": {"age_months"}, "schedule": {...}, "diary": [...],
     * "outcomes": [...], "scores": [...]} (every field: sdk/README.md). Writes a JSON array following
     * schemas/protocol-suggestions.schema.json to `suggestions`; the host
     * validates it and shows each as a suggestion the practitioner confirms
     * or overrides. Never decides anything by itself. Returns NOURISH_OK or
     * an error after writing to `error`.
     */
    int32_t (*evaluate)(const nourish_plugin* self, const char* protocol_id, const char* state_json,
                        const nourish_sink* suggestions, const nourish_sink* error);
} nourish_protocols;

/* ------------------------------------------------------------ instruments -- */
/*
 * Scored questionnaires (POEM, ...). instruments_json is a JSON array of
 * documents following schemas/instrument.schema.json. Accepted ones are shown
 * with the host's form window (the form id is the instrument id) and scored by
 * the host's one engine (nourish.host.instruments/1).
 */
#define NOURISH_INSTRUMENTS_ID "nourish.instruments/1"

typedef struct nourish_instruments {
    uint32_t struct_size;
    const char* instruments_json;
} nourish_instruments;

/* --------------------------------------------------------- note templates -- */
/*
 * Consultation note templates (SOAP, a clinic's own follow-up, ...).
 * templates_json is a JSON array of documents following
 * schemas/note-template.schema.json: sections with guidance for the
 * practitioner, free text under the section's id, optional structured fields
 * (form field objects) and at most one recommendation list. The host checks
 * each one; a refused template is left out with its JSON path as a note on the
 * plugin. Accepted ones are listed by nourish.host.note-templates/1 and are
 * also forms (purpose "note", the form id is the template id).
 */
#define NOURISH_NOTE_TEMPLATES_ID "nourish.note-templates/1"

typedef struct nourish_note_templates {
    uint32_t struct_size;
    const char* templates_json;
} nourish_note_templates;

/* -------------------------------------------------------- allergy history -- */
/*
 * SDK 1.1. What this plugin holds about a child's allergy history (reactions
 * to foods with their onset and signs, anaphylaxis, asthma, a prescribed
 * adrenaline auto-injector, current eczema, allergy tests), for the triage
 * the host runs before any home challenge. The host gathers every plugin's
 * answer through nourish.host.allergy-history/1.
 */
#define NOURISH_ALLERGY_HISTORY_ID "nourish.allergy-history/1"

typedef struct nourish_allergy_history {
    uint32_t struct_size;
    /* Writes the history of exactly this client as a document following
     * schemas/allergy-history.schema.json (empty arrays when nothing is
     * known). Every item's "source" says where it came from. */
    int32_t (*history)(const nourish_plugin* self, int64_t client_id, const nourish_sink* json,
                       const nourish_sink* error);
} nourish_allergy_history;

/* ------------------------------------------------------------------ plans -- */
/*
 * SDK 1.1. The diet plans this plugin keeps for a child (an elimination and
 * reintroduction, say): for each, its protocol, whether it is still running,
 * and for a running one the schedule of today with every food's status, and
 * the outcomes recorded. Other plugins read every plugin's answer through
 * nourish.host.plans/1.
 */
#define NOURISH_PLANS_ID "nourish.plans/1"

typedef struct nourish_plans {
    uint32_t struct_size;
    /* Writes exactly this client's plans as a document following
     * schemas/plans.schema.json ({"plans": []} when there are none). */
    int32_t (*plans)(const nourish_plugin* self, int64_t client_id, const nourish_sink* json,
                     const nourish_sink* error);
} nourish_plans;

/* ------------------------------------------------------ growth references -- */
/*
 * SDK 1.2. Growth references as data: LMS tables (indicator, sex, the unit of
 * the axis, and L, M, S at each point) from which a child's measurement
 * becomes a z-score and a centile (the WHO Child Growth Standards, say).
 * references_json is a JSON array of documents following
 * schemas/growth-reference.schema.json; the host checks each one (schema,
 * points in order, M and S above zero) and lists the accepted ones of every
 * plugin through nourish.host.growth-references/1. A data-only plugin offers
 * them under "growth_references" in its manifest's "documents".
 */
#define NOURISH_GROWTH_REFERENCES_ID "nourish.growth-references/1"

typedef struct nourish_growth_references {
    uint32_t struct_size;
    const char* references_json;
} nourish_growth_references;

#ifdef __cplusplus
}
#endif

#endif /* NOURISH_CAPABILITIES_H */
