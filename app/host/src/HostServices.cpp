// The host services behind the C door: each function finds the calling plugin
// from its nourish_host pointer, converts C++ exceptions to status + message,
// and never lets one escape into plugin code.
#include <cstring>
#include <iostream>
#include <mutex>
#include <thread>
#include <type_traits>
#include <nlohmann/json.hpp>

#include "PluginRuntime.h"
#include "nourish/core/AuditLog.h"
#include "nourish/core/ClientStore.h"
#include "nourish/core/Errors.h"
#include "nourish/core/OutputFile.h"
#include "nourish/core/PluginSql.h"
#include "nourish/core/SchemaValidator.h"
#include "nourish/core/Settings.h"
#include "nourish/core/Text.h"
#include "nourish/host_services.h"

// The opaque statement handle plugins hold.
struct nourish_stmt {
    std::unique_ptr<nourish::PluginStatement> statement;
    std::thread::id thread = std::this_thread::get_id();  // the one it was prepared on
};

namespace nourish {

namespace {

PluginRuntime& runtimeOf(const nourish_host* host) { return *static_cast<PluginRuntime*>(host->host_data); }

void put(const nourish_sink* sink, std::string_view text) {
    if (sink && sink->write && !text.empty()) sink->write(sink->context, text.data(), text.size());
}

Actor actorFor(const PluginRuntime& rt) { return Actor::currentUser(rt.record->id()); }

// Runs fn, mapping exceptions to status codes with the message in `error`.
template <typename Fn>
int32_t guarded(const nourish_sink* error, Fn&& fn) noexcept {
    try {
        return fn();
    } catch (const AccessDenied& e) {
        put(error, e.what());
        return NOURISH_DENIED;
    } catch (const ValidationError& e) {
        put(error, e.what());
        return NOURISH_INVALID;
    } catch (const NotFoundError& e) {
        put(error, e.what());
        return NOURISH_NOT_FOUND;
    } catch (const std::exception& e) {
        put(error, e.what());
        return NOURISH_ERROR;
    } catch (...) {
        put(error, "unexpected error in the host");
        return NOURISH_ERROR;
    }
}

// Every service is [main-thread] unless the reference says [thread-safe]:
// called from another thread, it answers with an error (in the call's last
// sink) and an empty result before touching anything, and says so in the log.
constexpr const char* kWrongThread = "called from a thread other than the main thread";

std::thread::id threadOf(const nourish_host* host) { return runtimeOf(host).mainThread; }
std::thread::id threadOf(nourish_stmt* s) { return s ? s->thread : std::this_thread::get_id(); }

template <typename T>
const nourish_sink* lastSink(T, const nourish_sink* sofar) { return sofar; }
const nourish_sink* lastSink(const nourish_sink* sink, const nourish_sink*) { return sink; }

void logMessage(const nourish_host* host, int32_t level, const char* message);

// What a service answers on another thread: an error status, or for the
// column functions no columns and NULL (specialised beside them).
template <auto Fn>
constexpr int32_t kRefusedStatus = NOURISH_ERROR;

template <auto Fn>
struct MainThreadOnly;
template <typename R, typename First, typename... Rest, R (*Fn)(First, Rest...)>
struct MainThreadOnly<Fn> {
    static R call(First first, Rest... rest) {
        if (std::this_thread::get_id() == threadOf(first)) return Fn(first, rest...);
        const nourish_sink* error = nullptr;
        ((error = lastSink(rest, error)), ...);
        put(error, kWrongThread);
        if constexpr (std::is_same_v<First, const nourish_host*>)
            logMessage(first, NOURISH_LOG_ERROR, (std::string("a host service was ") + kWrongThread).c_str());
        if constexpr (std::is_same_v<R, int32_t>) return kRefusedStatus<Fn>;
        else if constexpr (!std::is_void_v<R>) return R{};
    }
};
// The service function Fn, answering only on the plugin's main thread.
#define MAIN_THREAD(Fn) &MainThreadOnly<&Fn>::call

// ---- log ----
void logMessage(const nourish_host* host, int32_t level, const char* message) {
    static std::mutex mutex;
    static const int threshold = [] {
        const char* env = std::getenv("NOURISH_LOG");
        if (!env) return int(NOURISH_LOG_WARNING);
        if (std::strcmp(env, "debug") == 0) return int(NOURISH_LOG_DEBUG);
        if (std::strcmp(env, "info") == 0) return int(NOURISH_LOG_INFO);
        if (std::strcmp(env, "error") == 0) return int(NOURISH_LOG_ERROR);
        return int(NOURISH_LOG_WARNING);
    }();
    if (level < threshold || !message) return;
    static const char* names[] = {"debug", "info", "warning", "error"};
    std::lock_guard lock(mutex);
    std::cerr << "[" << runtimeOf(host).record->id() << "] " << names[std::clamp(level, 0, 3)] << ": "
              << message << '\n';
}
const nourish_host_log kLog{sizeof(nourish_host_log), &logMessage};

// ---- store ----
nourish_stmt* storePrepare(const nourish_host* host, const char* sql, const nourish_sink* error) {
    nourish_stmt* result = nullptr;
    guarded(error, [&] {
        if (!sql) throw ValidationError("sql", "is missing");
        result = new nourish_stmt{runtimeOf(host).sql->prepare(sql)};
        return NOURISH_OK;
    });
    return result;
}
int32_t bindNull(nourish_stmt* s, int32_t i) {
    return guarded(nullptr, [&] { s->statement->bindNull(i); return NOURISH_OK; });
}
int32_t bindInt64(nourish_stmt* s, int32_t i, int64_t v) {
    return guarded(nullptr, [&] { s->statement->bindInt64(i, v); return NOURISH_OK; });
}
int32_t bindDouble(nourish_stmt* s, int32_t i, double v) {
    return guarded(nullptr, [&] { s->statement->bindDouble(i, v); return NOURISH_OK; });
}
int32_t bindText(nourish_stmt* s, int32_t i, const char* text, int64_t size) {
    return guarded(nullptr, [&] {
        if (!text) s->statement->bindNull(i);
        else s->statement->bindText(i, text, size);
        return NOURISH_OK;
    });
}
int32_t bindBlob(nourish_stmt* s, int32_t i, const void* data, int64_t size) {
    return guarded(nullptr, [&] {
        if (!data) s->statement->bindNull(i);
        else s->statement->bindBlob(i, data, size);
        return NOURISH_OK;
    });
}
const void* columnBlob(nourish_stmt* s, int32_t c) { return s->statement->columnBlob(c); }
int64_t columnBytes(nourish_stmt* s, int32_t c) { return s->statement->columnBytes(c); }
int32_t stmtStep(nourish_stmt* s, const nourish_sink* error) {
    return guarded(error, [&] { return s->statement->step() ? int32_t(NOURISH_ROW) : int32_t(NOURISH_DONE); });
}
int32_t stmtReset(nourish_stmt* s) {
    s->statement->reset();
    return NOURISH_OK;
}
int32_t columnCount(nourish_stmt* s) { return s->statement->columnCount(); }
int32_t columnType(nourish_stmt* s, int32_t c) { return s->statement->columnType(c); }
int64_t columnInt64(nourish_stmt* s, int32_t c) { return s->statement->columnInt64(c); }
double columnDouble(nourish_stmt* s, int32_t c) { return s->statement->columnDouble(c); }
const char* columnText(nourish_stmt* s, int32_t c) { return s->statement->columnText(c); }
void stmtFinalize(nourish_stmt* s) { delete s; }
int64_t storeChanges(const nourish_host* host) { return runtimeOf(host).sql->changes(); }
int64_t storeLastRowid(const nourish_host* host) { return runtimeOf(host).sql->lastInsertRowid(); }
int32_t storeSavepoint(const nourish_host* host, int32_t (*body)(void*, const nourish_sink*), void* userData,
                       const nourish_sink* error) {
    auto& rt = runtimeOf(host);
    size_t mark = rt.host->pendingEventMark();
    int32_t result = guarded(error, [&]() -> int32_t {
        Transaction sp(rt.sql->store().db());
        int32_t rc = body(userData, error);
        if (rc == NOURISH_OK) sp.commit();
        return rc;  // otherwise the savepoint rolls back as it goes out of scope
    });
    if (result != NOURISH_OK) rt.host->dropEventsAfter(mark);
    rt.host->deliverPendingEvents();
    return result;
}
template <>
constexpr int32_t kRefusedStatus<&columnCount> = 0;
template <>
constexpr int32_t kRefusedStatus<&columnType> = NOURISH_TYPE_NULL;

const nourish_host_store kStore{sizeof(nourish_host_store),
                                MAIN_THREAD(storePrepare),
                                MAIN_THREAD(bindNull),
                                MAIN_THREAD(bindInt64),
                                MAIN_THREAD(bindDouble),
                                MAIN_THREAD(bindText),
                                MAIN_THREAD(stmtStep),
                                MAIN_THREAD(stmtReset),
                                MAIN_THREAD(columnCount),
                                MAIN_THREAD(columnType),
                                MAIN_THREAD(columnInt64),
                                MAIN_THREAD(columnDouble),
                                MAIN_THREAD(columnText),
                                MAIN_THREAD(stmtFinalize),
                                MAIN_THREAD(storeChanges),
                                MAIN_THREAD(storeLastRowid),
                                MAIN_THREAD(storeSavepoint),
                                MAIN_THREAD(bindBlob),
                                MAIN_THREAD(columnBlob),
                                MAIN_THREAD(columnBytes)};

// ---- clients ----
void publishChanged(PluginRuntime& rt, int64_t id) {
    rt.host->publish("nourish.client.changed", nlohmann::json{{"client_id", id}}.dump());
}
int32_t clientGet(const nourish_host* host, int64_t id, const nourish_sink* json, const nourish_sink* error) {
    return guarded(error, [&] {
        ClientStore clients(runtimeOf(host).sql->store());
        put(json, toJson(clients.get(id)).dump());
        return NOURISH_OK;
    });
}
int32_t clientSearch(const nourish_host* host, const char* query, int32_t limit, const nourish_sink* json,
                     const nourish_sink* error) {
    return guarded(error, [&] {
        if (limit < 1 || limit > 1000) throw ValidationError("limit", "must be between 1 and 1000");
        ClientStore clients(runtimeOf(host).sql->store());
        nlohmann::json list = nlohmann::json::array();
        for (auto& c : clients.search(query ? query : "", limit)) list.push_back(toJson(c));
        put(json, list.dump());
        return NOURISH_OK;
    });
}
int32_t clientCreate(const nourish_host* host, const char* text, int64_t* newId, const nourish_sink* error) {
    return guarded(error, [&] {
        auto& rt = runtimeOf(host);
        Client c = clientFromJson(parseJson(text ? text : "", "client"));
        int64_t id = ClientStore(rt.sql->store()).create(c, actorFor(rt));
        if (newId) *newId = id;
        publishChanged(rt, id);
        return NOURISH_OK;
    });
}
int32_t clientUpdate(const nourish_host* host, int64_t id, const char* text, const nourish_sink* error) {
    return guarded(error, [&] {
        auto& rt = runtimeOf(host);
        ClientStore clients(rt.sql->store());
        nlohmann::json patch = parseJson(text ? text : "", "client");
        if (!patch.is_object()) throw ValidationError("client", "must be a JSON object");
        // Fields not given keep their value; "guardians" replaces the list when present.
        nlohmann::json merged = toJson(clients.get(id));
        for (auto& [key, value] : patch.items()) merged[key] = value;
        Client c = clientFromJson(merged);
        c.id = id;
        clients.update(c, actorFor(rt));
        publishChanged(rt, id);
        return NOURISH_OK;
    });
}
const nourish_host_clients kClients{sizeof(nourish_host_clients), MAIN_THREAD(clientGet), MAIN_THREAD(clientSearch), MAIN_THREAD(clientCreate),
                                    MAIN_THREAD(clientUpdate)};

// ---- registry ----
int32_t registryForEach(const nourish_host* host, const char* id, nourish_registry_visitor visit, void* userData) {
    int32_t count = 0;
    if (!id || !visit) return 0;
    for (auto& record : runtimeOf(host).host->plugins()) {
        PluginRuntime* rt = record->runtime.get();
        if (!rt || !rt->started) continue;
        const void* ext = rt->descriptor->get_extension(rt->descriptor, id);
        if (!ext) continue;
        visit(userData, record->id().c_str(), ext);
        ++count;
    }
    return count;
}
const nourish_host_registry kRegistry{sizeof(nourish_host_registry), MAIN_THREAD(registryForEach)};

// ---- settings ----
// A setting the plugin's manifest marks as secret is sealed in the store.
bool isSecret(const PluginRecord& record, const std::string& key) {
    for (const Manifest::Setting& s : record.manifest.settings)
        if (s.key == key) return s.secret;
    return false;
}
int32_t settingGet(const nourish_host* host, const char* key, const nourish_sink* value) {
    return guarded(nullptr, [&] {
        auto& rt = runtimeOf(host);
        std::string k = key ? key : "";
        std::optional<std::string> v;
        if (k.rfind("practice.", 0) == 0) {
            if (!PracticeSettings::isKey(k)) return int32_t(NOURISH_NOT_FOUND);
            // The emergency number a family reads: the one typed, or the country's.
            v = k == "practice.emergency_number" ? PracticeSettings(rt.sql->store()).emergencyNumber()
                                                 : PracticeSettings(rt.sql->store()).get(k);
        } else {
            PluginSettings settings(rt.sql->store(), rt.record->id());
            v = isSecret(*rt.record, k) ? settings.getSecret(k) : settings.get(k);
        }
        if (!v) return int32_t(NOURISH_NOT_FOUND);
        put(value, *v);
        return int32_t(NOURISH_OK);
    });
}
int32_t settingSet(const nourish_host* host, const char* key, const char* value, const nourish_sink* error) {
    return guarded(error, [&] {
        auto& rt = runtimeOf(host);
        std::string k = key ? key : "";
        if (k.rfind("practice.", 0) == 0)
            throw AccessDenied("practice details are changed by the practitioner in the app, not by plugins");
        PluginSettings settings(rt.sql->store(), rt.record->id(), actorFor(rt));
        if (isSecret(*rt.record, k)) settings.setSecret(k, value ? value : "");
        else settings.set(k, value ? value : "");
        return NOURISH_OK;
    });
}
const nourish_host_settings kSettings{sizeof(nourish_host_settings), MAIN_THREAD(settingGet), MAIN_THREAD(settingSet)};

// ---- audit ----
int32_t auditRecord(const nourish_host* host, int64_t clientId, const char* action, const char* detail,
                    const nourish_sink* error) {
    return guarded(error, [&] {
        auto& rt = runtimeOf(host);
        std::string a = action ? action : "";
        if (a.empty() || a.size() > 100 || hasControlCharacters(a))
            throw ValidationError("action", "must be a short name such as \"protocol.assign\"");
        std::string d;
        if (detail && *detail) {
            auto j = parseJson(detail, "detail");
            if (!j.is_object()) throw ValidationError("detail", "must be a JSON object");
            d = j.dump();
        }
        if (clientId != 0 && !ClientStore(rt.sql->store()).exists(clientId))
            throw NotFoundError("there is no client with id " + std::to_string(clientId));
        AuditLog(rt.sql->store())
            .record(actorFor(rt), rt.record->id() + ":" + a,
                    clientId ? std::optional<int64_t>(clientId) : std::nullopt, d);
        return NOURISH_OK;
    });
}
const nourish_host_audit kAudit{sizeof(nourish_host_audit), MAIN_THREAD(auditRecord)};

// ---- forms ----
int32_t formsList(const nourish_host* host, const nourish_sink* out) {
    return guarded(nullptr, [&] {
        nlohmann::json list = nlohmann::json::array();
        for (const RegisteredForm& f : runtimeOf(host).host->forms())
            list.push_back({{"id", f.form.id}, {"version", f.form.version}, {"title", f.form.title},
                            {"purpose", f.form.document.value("purpose", "intake")}, {"plugin", f.pluginId}});
        put(out, list.dump());
        return NOURISH_OK;
    });
}
const RegisteredForm& requireForm(PluginRuntime& rt, const char* id) {
    const RegisteredForm* form = rt.host->findForm(id ? id : "");
    if (!form) throw NotFoundError("there is no form with the id '" + std::string(id ? id : "") + "'");
    return *form;
}
int32_t formsGet(const nourish_host* host, const char* id, const nourish_sink* out) {
    return guarded(nullptr, [&] {
        put(out, requireForm(runtimeOf(host), id).form.document.dump());
        return NOURISH_OK;
    });
}
int32_t formsValidate(const nourish_host* host, const char* id, const char* answers, int32_t complete,
                      const nourish_sink* problems) {
    return guarded(problems, [&] {
        const RegisteredForm& form = requireForm(runtimeOf(host), id);
        nlohmann::json parsed = parseJson(answers ? answers : "", "answers");
        std::string lines;
        for (const std::string& p : form.form.validateAnswers(parsed, complete != 0)) lines += p + "\n";
        if (lines.empty()) return int32_t(NOURISH_OK);
        put(problems, lines);
        return int32_t(NOURISH_INVALID);
    });
}
int32_t formsEdit(const nourish_host* host, const char* id, const char* answers, const nourish_sink* out) {
    return guarded(nullptr, [&] {
        auto& rt = runtimeOf(host);
        const RegisteredForm& form = requireForm(rt, id);
        if (!rt.host->formEditor()) return int32_t(NOURISH_NOT_FOUND);
        nlohmann::json initial = answers && *answers ? parseJson(answers, "answers") : nlohmann::json::object();
        auto edited = rt.host->formEditor()(form.form, initial);
        if (!edited) return int32_t(NOURISH_NOT_FOUND);
        put(out, std::string(edited->complete ? "complete" : "draft") + "\n" + edited->answers.dump());
        return int32_t(NOURISH_OK);
    });
}
const nourish_host_forms kForms{sizeof(nourish_host_forms), MAIN_THREAD(formsList), MAIN_THREAD(formsGet), MAIN_THREAD(formsValidate), MAIN_THREAD(formsEdit)};

// ---- protocols ----
nlohmann::json withPlugin(const nlohmann::json& document, const std::string& pluginId) {
    nlohmann::json d = document;
    d["plugin"] = pluginId;
    return d;
}
int32_t protocolsList(const nourish_host* host, const nourish_sink* out) {
    return guarded(nullptr, [&] {
        nlohmann::json list = nlohmann::json::array();
        for (const RegisteredProtocol& p : runtimeOf(host).host->protocols())
            list.push_back(withPlugin(p.protocol.document, p.plugin->id()));
        put(out, list.dump());
        return NOURISH_OK;
    });
}
int32_t protocolsGet(const nourish_host* host, const char* id, const nourish_sink* out) {
    return guarded(nullptr, [&] {
        const RegisteredProtocol* p = runtimeOf(host).host->findProtocol(id ? id : "");
        if (!p) return int32_t(NOURISH_NOT_FOUND);
        put(out, withPlugin(p->protocol.document, p->plugin->id()).dump());
        return int32_t(NOURISH_OK);
    });
}
int32_t protocolsEvaluate(const nourish_host* host, const char* id, const char* state, const nourish_sink* out,
                          const nourish_sink* error) {
    return guarded(error, [&] {
        auto result = runtimeOf(host).host->evaluateProtocol(id ? id : "", state ? state : "{}");
        if (!result) return int32_t(NOURISH_NOT_FOUND);
        put(out, result->dump());
        return int32_t(NOURISH_OK);
    });
}
const nourish_host_protocols kProtocols{sizeof(nourish_host_protocols), MAIN_THREAD(protocolsList), MAIN_THREAD(protocolsGet),
                                        MAIN_THREAD(protocolsEvaluate)};

// ---- instruments ----
int32_t instrumentsList(const nourish_host* host, const nourish_sink* out) {
    return guarded(nullptr, [&] {
        nlohmann::json list = nlohmann::json::array();
        for (const RegisteredInstrument& in : runtimeOf(host).host->instruments())
            list.push_back(withPlugin(in.instrument.document, in.pluginId));
        put(out, list.dump());
        return NOURISH_OK;
    });
}
int32_t instrumentsGet(const nourish_host* host, const char* id, const nourish_sink* out) {
    return guarded(nullptr, [&] {
        const RegisteredInstrument* in = runtimeOf(host).host->findInstrument(id ? id : "");
        if (!in) return int32_t(NOURISH_NOT_FOUND);
        put(out, withPlugin(in->instrument.document, in->pluginId).dump());
        return int32_t(NOURISH_OK);
    });
}
int32_t instrumentsScore(const nourish_host* host, const char* id, const char* answers, const nourish_sink* out,
                         const nourish_sink* error) {
    return guarded(error, [&] {
        const RegisteredInstrument* in = runtimeOf(host).host->findInstrument(id ? id : "");
        if (!in) throw NotFoundError("there is no instrument with the id '" + std::string(id ? id : "") + "'");
        put(out, in->instrument.score(parseJson(answers ? answers : "", "answers")).toJson().dump());
        return NOURISH_OK;
    });
}

// ---- note templates ----
int32_t noteTemplatesList(const nourish_host* host, const nourish_sink* out) {
    return guarded(nullptr, [&] {
        nlohmann::json list = nlohmann::json::array();
        for (const RegisteredNoteTemplate& t : runtimeOf(host).host->noteTemplates())
            list.push_back(withPlugin(t.noteTemplate.document, t.pluginId));
        put(out, list.dump());
        return NOURISH_OK;
    });
}
int32_t noteTemplatesGet(const nourish_host* host, const char* id, const nourish_sink* out) {
    return guarded(nullptr, [&] {
        const RegisteredNoteTemplate* t = runtimeOf(host).host->findNoteTemplate(id ? id : "");
        if (!t) return int32_t(NOURISH_NOT_FOUND);
        put(out, withPlugin(t->noteTemplate.document, t->pluginId).dump());
        return int32_t(NOURISH_OK);
    });
}
// ---- growth references ----
int32_t growthReferencesList(const nourish_host* host, const nourish_sink* out) {
    return guarded(nullptr, [&] {
        nlohmann::json list = nlohmann::json::array();
        for (const RegisteredGrowthReference& r : runtimeOf(host).host->growthReferences())
            list.push_back(withPlugin(r.reference.document, r.pluginId));
        put(out, list.dump());
        return NOURISH_OK;
    });
}
int32_t growthReferencesGet(const nourish_host* host, const char* id, const nourish_sink* out) {
    return guarded(nullptr, [&] {
        const RegisteredGrowthReference* r = runtimeOf(host).host->findGrowthReference(id ? id : "");
        if (!r) return int32_t(NOURISH_NOT_FOUND);
        put(out, withPlugin(r->reference.document, r->pluginId).dump());
        return int32_t(NOURISH_OK);
    });
}
// ---- status ----
int32_t statusSet(const nourish_host* host, const char* text) {
    return guarded(nullptr, [&] {
        std::string t = text ? text : "";
        if (t.size() > 120 || hasControlCharacters(t) || !isValidUtf8(t)) return int32_t(NOURISH_INVALID);
        auto& rt = runtimeOf(host);
        rt.host->setPluginStatus(rt.record->id(), t);
        return int32_t(NOURISH_OK);
    });
}
const nourish_host_status kStatus{sizeof(nourish_host_status), MAIN_THREAD(statusSet)};

// ---- reports ----
int32_t reportsSections(const nourish_host* host, const nourish_sink* out) {
    return guarded(nullptr, [&] {
        nlohmann::json list = nlohmann::json::array();
        for (const ReportSection& s : runtimeOf(host).host->reportSectionList())
            list.push_back({{"plugin", s.pluginId}, {"id", s.id}, {"title", s.title}, {"order", s.order}});
        put(out, list.dump());
        return NOURISH_OK;
    });
}
int32_t reportsRender(const nourish_host* host, int64_t clientId, const nourish_sink* out, const nourish_sink* error) {
    return guarded(error, [&] {
        ClientStore(runtimeOf(host).sql->store()).get(clientId);  // NotFoundError for a client that is not there
        nlohmann::json list = nlohmann::json::array();
        for (const ReportSection& s : runtimeOf(host).host->reportSections(clientId)) {
            nlohmann::json item = {{"plugin", s.pluginId}, {"id", s.id}, {"title", s.title}, {"order", s.order}};
            if (s.error.empty()) item["document"] = nlohmann::json::parse(s.documentJson);
            else item["error"] = s.error;
            list.push_back(std::move(item));
        }
        put(out, list.dump());
        return NOURISH_OK;
    });
}
const nourish_host_reports kReports{sizeof(nourish_host_reports), MAIN_THREAD(reportsSections), MAIN_THREAD(reportsRender)};

const nourish_host_note_templates kNoteTemplates{sizeof(nourish_host_note_templates), MAIN_THREAD(noteTemplatesList),
                                                 MAIN_THREAD(noteTemplatesGet)};
const nourish_host_growth_references kGrowthReferences{sizeof(nourish_host_growth_references),
                                                       MAIN_THREAD(growthReferencesList),
                                                       MAIN_THREAD(growthReferencesGet)};

const nourish_host_instruments kInstruments{sizeof(nourish_host_instruments), MAIN_THREAD(instrumentsList), MAIN_THREAD(instrumentsGet),
                                            MAIN_THREAD(instrumentsScore)};

// ---- allergy history ----
int32_t allergyHistoryGet(const nourish_host* host, int64_t clientId, const nourish_sink* out, const nourish_sink* error) {
    return guarded(error, [&] {
        ClientStore(runtimeOf(host).sql->store()).get(clientId);  // NotFoundError for a client that is not there
        put(out, runtimeOf(host).host->allergyHistory(clientId).dump());
        return NOURISH_OK;
    });
}
const nourish_host_allergy_history kAllergyHistory{sizeof(nourish_host_allergy_history), MAIN_THREAD(allergyHistoryGet)};

// ---- plans ----
int32_t plansGet(const nourish_host* host, int64_t clientId, const nourish_sink* out, const nourish_sink* error) {
    return guarded(error, [&] {
        ClientStore(runtimeOf(host).sql->store()).get(clientId);  // NotFoundError for a client that is not there
        put(out, runtimeOf(host).host->plans(clientId).dump());
        return NOURISH_OK;
    });
}
const nourish_host_plans kPlans{sizeof(nourish_host_plans), MAIN_THREAD(plansGet)};

// ---- files ----
int32_t outputStatus(const OutputError& e) {
    switch (e.kind()) {
        case OutputError::Kind::Refused: return NOURISH_DENIED;
        case OutputError::Kind::Exists: return NOURISH_EXISTS;
        case OutputError::Kind::Failed: break;
    }
    return NOURISH_ERROR;
}
int32_t filesWrite(const nourish_host* host, const char* path, const void* data, int64_t size, uint32_t flags,
                   const nourish_sink* error) {
    if (!path || size < 0 || (size > 0 && !data)) {
        put(error, "files.write: a path and the bytes are required");
        return NOURISH_INVALID;
    }
    try {
        writeOutputFile(path, std::string_view(static_cast<const char*>(data), size_t(size)),
                        runtimeOf(host).sql->store().path(), flags & NOURISH_FILE_REPLACE);
        return NOURISH_OK;
    } catch (const OutputError& e) {
        put(error, e.what());
        return outputStatus(e);
    } catch (const std::exception& e) {
        put(error, e.what());
        return NOURISH_ERROR;
    }
}
int32_t filesCheck(const nourish_host* host, const char* path, uint32_t flags, const nourish_sink* error) {
    if (!path) return NOURISH_INVALID;
    try {
        checkOutputPath(path, runtimeOf(host).sql->store().path(), flags & NOURISH_FILE_REPLACE);
        return NOURISH_OK;
    } catch (const OutputError& e) {
        put(error, e.what());
        return outputStatus(e);
    }
}
const nourish_host_files kFiles{sizeof(nourish_host_files), MAIN_THREAD(filesWrite), MAIN_THREAD(filesCheck)};

// ---- integrity ----
int32_t integrityRowIntact(const nourish_host* host, const char* table, const char* rowKey, int32_t* intact,
                           const nourish_sink* why) {
    if (!table || !rowKey || !intact) {
        put(why, "integrity.row_intact: a table, a row key and somewhere to answer are required");
        return NOURISH_INVALID;
    }
    return guarded(why, [&] {
        std::string reason;
        *intact = runtimeOf(host).sql->rowIntact(table, rowKey, reason) ? 1 : 0;
        if (!*intact) put(why, reason);
        return int32_t(NOURISH_OK);
    });
}
const nourish_host_integrity kIntegrity{sizeof(nourish_host_integrity), MAIN_THREAD(integrityRowIntact)};

// ---- session ----
int32_t sessionUser(const nourish_host* host, const nourish_sink* out) {
    put(out, actorFor(runtimeOf(host)).who);
    return NOURISH_OK;
}
int32_t sessionSource(const nourish_host* host, const nourish_sink* out) {
    put(out, runtimeOf(host).host->options().source);
    return NOURISH_OK;
}
const nourish_host_session kSession{sizeof(nourish_host_session), &sessionUser, &sessionSource};

// ---- events ----
uint64_t eventsSubscribe(const nourish_host* host, const char* event, nourish_event_handler handler, void* ud);
void eventsUnsubscribe(const nourish_host* host, uint64_t id);
int32_t eventsPublish(const nourish_host* host, const char* event, const char* payload);
const nourish_host_events kEvents{sizeof(nourish_host_events), MAIN_THREAD(eventsSubscribe), MAIN_THREAD(eventsUnsubscribe),
                                  MAIN_THREAD(eventsPublish)};

}  // namespace

namespace {
uint64_t eventsSubscribe(const nourish_host* host, const char* event, nourish_event_handler handler, void* ud) {
    if (!event || !handler) return 0;
    return HostServices::subscribe(runtimeOf(host), event, handler, ud);
}
void eventsUnsubscribe(const nourish_host* host, uint64_t id) { HostServices::unsubscribe(runtimeOf(host), id); }
int32_t eventsPublish(const nourish_host* host, const char* event, const char* payload) {
    return guarded(nullptr, [&] {
        auto& rt = runtimeOf(host);
        std::string name = event ? event : "";
        // Plugins publish under their own id so that nobody can fake a host event.
        if (name.rfind(rt.record->id() + ".", 0) != 0) return int32_t(NOURISH_DENIED);
        std::string body = payload && *payload ? payload : "{}";
        parseJson(body, "payload");
        rt.host->publish(name, body);
        return int32_t(NOURISH_OK);
    });
}
}  // namespace

const void* hostExtension(const nourish_host*, const char* id) {
    if (!id) return nullptr;
    std::string_view which(id);
    if (which == NOURISH_HOST_LOG_ID) return &kLog;
    if (which == NOURISH_HOST_STORE_ID) return &kStore;
    if (which == NOURISH_HOST_CLIENTS_ID) return &kClients;
    if (which == NOURISH_HOST_REGISTRY_ID) return &kRegistry;
    if (which == NOURISH_HOST_EVENTS_ID) return &kEvents;
    if (which == NOURISH_HOST_SETTINGS_ID) return &kSettings;
    if (which == NOURISH_HOST_AUDIT_ID) return &kAudit;
    if (which == NOURISH_HOST_FORMS_ID) return &kForms;
    if (which == NOURISH_HOST_SESSION_ID) return &kSession;
    if (which == NOURISH_HOST_PROTOCOLS_ID) return &kProtocols;
    if (which == NOURISH_HOST_INSTRUMENTS_ID) return &kInstruments;
    if (which == NOURISH_HOST_NOTE_TEMPLATES_ID) return &kNoteTemplates;
    if (which == NOURISH_HOST_GROWTH_REFERENCES_ID) return &kGrowthReferences;
    if (which == NOURISH_HOST_REPORTS_ID) return &kReports;
    if (which == NOURISH_HOST_STATUS_ID) return &kStatus;
    if (which == NOURISH_HOST_FILES_ID) return &kFiles;
    if (which == NOURISH_HOST_ALLERGY_HISTORY_ID) return &kAllergyHistory;
    if (which == NOURISH_HOST_PLANS_ID) return &kPlans;
    if (which == NOURISH_HOST_INTEGRITY_ID) return &kIntegrity;
    return nullptr;
}

}  // namespace nourish
