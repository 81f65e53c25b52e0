// Nourish SDK 1.x -- header-only C++ wrapper over the C door.
//
// Derive from nourish::Plugin, override what you offer, and name the class in
// NOURISH_PLUGIN(...) once in one source file. Every call from the host goes
// through a noexcept trampoline: an exception thrown by your code becomes an
// error code plus its what() text, never a crash across the door.
#pragma once

#include <boost/dll/alias.hpp>
#include <charconv>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "nourish/capabilities.h"
#include "nourish/host_services.h"
#include "nourish/plugin.h"

namespace nourish {

// Thrown by the wrapper when a host call fails; what() is the host's message.
class Error : public std::runtime_error {
public:
    Error(int32_t status, const std::string& message)
        : std::runtime_error(message), status_(status) {}
    int32_t status() const noexcept { return status_; }

private:
    int32_t status_;
};

// A sink that appends into a std::string it owns.
class StringSink {
public:
    const nourish_sink* get() noexcept { return &sink_; }
    const std::string& str() const noexcept { return text_; }
    std::string take() noexcept { return std::move(text_); }

private:
    static void append(void* context, const char* data, size_t size) {
        static_cast<std::string*>(context)->append(data, size);
    }
    std::string text_;
    nourish_sink sink_{&text_, &append};
};

// A host-provided sink, written to from plugin code.
class Output {
public:
    explicit Output(const nourish_sink* sink) noexcept : sink_(sink) {}
    void write(std::string_view text) const {
        if (sink_ && sink_->write && !text.empty()) sink_->write(sink_->context, text.data(), text.size());
    }
    const Output& operator<<(std::string_view text) const {
        write(text);
        return *this;
    }

private:
    const nourish_sink* sink_;
};

class Statement {
public:
    Statement(const nourish_host_store* api, nourish_stmt* stmt) noexcept : api_(api), stmt_(stmt) {}
    Statement(Statement&& other) noexcept
        : api_(other.api_), stmt_(std::exchange(other.stmt_, nullptr)) {}
    Statement& operator=(Statement&& other) noexcept {
        if (this != &other) {
            close();
            api_ = other.api_;
            stmt_ = std::exchange(other.stmt_, nullptr);
        }
        return *this;
    }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    ~Statement() { close(); }

    Statement& bind(int index, std::nullptr_t) { return check(api_->bind_null(stmt_, index)); }
    Statement& bind(int index, int64_t value) { return check(api_->bind_int64(stmt_, index, value)); }
    Statement& bind(int index, int value) { return bind(index, static_cast<int64_t>(value)); }
    Statement& bind(int index, long long value) { return bind(index, static_cast<int64_t>(value)); }
    Statement& bind(int index, double value) { return check(api_->bind_double(stmt_, index, value)); }
    Statement& bind(int index, std::string_view text) {
        return check(api_->bind_text(stmt_, index, text.data(), static_cast<int64_t>(text.size())));
    }
    Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
    Statement& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }

    // True while there is a row to read; false when done. Throws on error.
    bool step() {
        StringSink error;
        int32_t rc = api_->step(stmt_, error.get());
        if (rc == NOURISH_ROW) return true;
        if (rc == NOURISH_DONE) return false;
        throw Error(rc, error.str());
    }
    void reset() { api_->reset(stmt_); }
    // Bytes as they are (a PDF, a whole email).
    Statement& bindBlob(int index, std::string_view bytes) {
        return check(api_->bind_blob(stmt_, index, bytes.data(), static_cast<int64_t>(bytes.size())));
    }
    std::string blob(int column) const {
        const void* value = api_->column_blob(stmt_, column);
        if (!value) return std::string();
        return std::string(static_cast<const char*>(value), static_cast<size_t>(api_->column_bytes(stmt_, column)));
    }
    bool isNull(int column) const { return api_->column_type(stmt_, column) == NOURISH_TYPE_NULL; }
    int64_t int64(int column) const { return api_->column_int64(stmt_, column); }
    double real(int column) const { return api_->column_double(stmt_, column); }
    std::string text(int column) const {
        const char* value = api_->column_text(stmt_, column);
        if (!value) return std::string();
        // A host older than this header may not have column_bytes: never read past struct_size.
        if (api_->struct_size < offsetof(nourish_host_store, column_bytes) + sizeof(api_->column_bytes))
            return std::string(value);
        return std::string(value, static_cast<size_t>(api_->column_bytes(stmt_, column)));
    }

private:
    Statement& check(int32_t rc) {
        if (rc != NOURISH_OK) throw Error(rc, "could not bind a statement parameter");
        return *this;
    }
    void close() noexcept {
        if (stmt_) api_->finalize(stmt_);
        stmt_ = nullptr;
    }
    const nourish_host_store* api_;
    nourish_stmt* stmt_;
};

// A subscription to a host event (nourish.host.events/1) that ends when this
// object does: keep it as a member of whatever handles the event (a page),
// so that the handler never outlives it. Move-only.
class Subscription {
public:
    using Handler = std::function<void(const std::string& payloadJson)>;
    Subscription() = default;
    Subscription(const nourish_host* host, const std::string& event, Handler handler) : host_(host) {
        auto api = static_cast<const nourish_host_events*>(host->get_extension(host, NOURISH_HOST_EVENTS_ID));
        if (!api) throw Error(NOURISH_NOT_FOUND, "this host does not provide " NOURISH_HOST_EVENTS_ID);
        handler_ = std::make_unique<Handler>(std::move(handler));
        id_ = api->subscribe(host, event.c_str(), &Subscription::deliver, handler_.get());
        if (!id_) throw Error(NOURISH_INVALID, "could not subscribe to " + event);
    }
    Subscription(Subscription&& other) noexcept { *this = std::move(other); }
    Subscription& operator=(Subscription&& other) noexcept {
        if (this != &other) {
            end();
            host_ = other.host_;
            id_ = other.id_;
            handler_ = std::move(other.handler_);
            other.id_ = 0;
        }
        return *this;
    }
    Subscription(const Subscription&) = delete;
    Subscription& operator=(const Subscription&) = delete;
    ~Subscription() { end(); }

private:
    static void deliver(void* userData, const char*, const char* payload) noexcept {
        try {
            (*static_cast<Handler*>(userData))(payload ? payload : "{}");
        } catch (...) {
            // A handler's failure stays in the plugin: the host's event loop goes on.
        }
    }
    void end() noexcept {
        if (!id_) return;
        if (auto api = static_cast<const nourish_host_events*>(host_->get_extension(host_, NOURISH_HOST_EVENTS_ID)))
            api->unsubscribe(host_, id_);
        id_ = 0;
    }
    const nourish_host* host_ = nullptr;
    uint64_t id_ = 0;
    std::unique_ptr<Handler> handler_;
};

// The host as seen from plugin code. Cheap to copy.
class Host {
public:
    explicit Host(const nourish_host* host) noexcept : host_(host) {}
    const nourish_host* raw() const noexcept { return host_; }

    template <typename Api>
    const Api* service(const char* id) const {
        auto api = static_cast<const Api*>(host_->get_extension(host_, id));
        if (!api) throw Error(NOURISH_NOT_FOUND, std::string("this host does not provide ") + id);
        return api;
    }

    void log(int32_t level, const std::string& message) const {
        if (auto api = static_cast<const nourish_host_log*>(host_->get_extension(host_, NOURISH_HOST_LOG_ID)))
            api->log(host_, level, message.c_str());
    }

    Statement prepare(const std::string& sql) const {
        auto api = service<nourish_host_store>(NOURISH_HOST_STORE_ID);
        StringSink error;
        nourish_stmt* stmt = api->prepare(host_, sql.c_str(), error.get());
        if (!stmt) throw Error(NOURISH_ERROR, error.str());
        return Statement(api, stmt);
    }

    int64_t lastInsertRowid() const {
        return service<nourish_host_store>(NOURISH_HOST_STORE_ID)->last_insert_rowid(host_);
    }

    // Runs body() in a savepoint; an exception rolls every write back and is rethrown.
    template <typename Body>
    void savepoint(Body&& body) const {
        auto api = service<nourish_host_store>(NOURISH_HOST_STORE_ID);
        struct Frame {
            Body* body;
            std::exception_ptr failure;
        } frame{&body, nullptr};
        StringSink error;
        int32_t rc = api->savepoint(
            host_,
            [](void* data, const nourish_sink*) -> int32_t {
                auto* f = static_cast<Frame*>(data);
                try {
                    (*f->body)();
                    return NOURISH_OK;
                } catch (...) {
                    f->failure = std::current_exception();
                    return NOURISH_ERROR;
                }
            },
            &frame, error.get());
        if (frame.failure) std::rethrow_exception(frame.failure);
        if (rc != NOURISH_OK) throw Error(rc, error.str());
    }

    // Client documents (schemas/client.schema.json) as JSON text.
    std::string client(int64_t clientId) const {
        return call<nourish_host_clients>(NOURISH_HOST_CLIENTS_ID, [&](auto api, auto out, auto err) {
            return api->get(host_, clientId, out, err);
        });
    }
    std::string searchClients(const std::string& query, int32_t limit = 50) const {
        return call<nourish_host_clients>(NOURISH_HOST_CLIENTS_ID, [&](auto api, auto out, auto err) {
            return api->search(host_, query.c_str(), limit, out, err);
        });
    }

    // The value of a setting, or an empty string when unset.
    std::string setting(const std::string& key) const {
        auto api = service<nourish_host_settings>(NOURISH_HOST_SETTINGS_ID);
        StringSink value;
        int32_t rc = api->get(host_, key.c_str(), value.get());
        if (rc == NOURISH_OK) return value.take();
        if (rc == NOURISH_NOT_FOUND) return {};
        // A secret that cannot be opened is never read as empty.
        throw Error(rc, "the setting " + key + " could not be read: a secret opens only with the key that sealed it "
                        "(~/.config/nourish/secret.key), which is missing, damaged or another; set it again");
    }
    void setSetting(const std::string& key, const std::string& value) const {
        auto api = service<nourish_host_settings>(NOURISH_HOST_SETTINGS_ID);
        StringSink error;
        int32_t rc = api->set(host_, key.c_str(), value.c_str(), error.get());
        if (rc != NOURISH_OK) throw Error(rc, error.str());
    }

    // The form document (schemas/form.schema.json) any plugin registered under this id.
    std::string form(const std::string& formId) const {
        return call<nourish_host_forms>(NOURISH_HOST_FORMS_ID, [&](auto api, auto out, auto) {
            return api->get(host_, formId.c_str(), out);
        });
    }
    std::string forms() const {
        return call<nourish_host_forms>(NOURISH_HOST_FORMS_ID, [&](auto api, auto out, auto) {
            return api->list(host_, out);
        });
    }
    // Problems with answers, one per entry, each naming the field; empty when valid.
    std::vector<std::string> validateAnswers(const std::string& formId, const std::string& answersJson,
                                             bool complete) const {
        auto api = service<nourish_host_forms>(NOURISH_HOST_FORMS_ID);
        StringSink problems;
        int32_t rc = api->validate(host_, formId.c_str(), answersJson.c_str(), complete ? 1 : 0, problems.get());
        std::vector<std::string> lines;
        if (rc == NOURISH_OK) return lines;
        if (rc != NOURISH_INVALID) throw Error(rc, problems.str());
        size_t start = 0;
        const std::string& text = problems.str();
        while (start < text.size()) {
            size_t end = text.find('\n', start);
            if (end == std::string::npos) end = text.size();
            if (end > start) lines.push_back(text.substr(start, end - start));
            start = end + 1;
        }
        return lines;
    }
    // Accepted protocols of every plugin (schemas/protocol.schema.json, each
    // with "plugin"), as a JSON array; one by id.
    std::string protocols() const {
        return call<nourish_host_protocols>(NOURISH_HOST_PROTOCOLS_ID, [&](auto api, auto out, auto) {
            return api->list(host_, out);
        });
    }
    std::string protocol(const std::string& protocolId) const {
        return call<nourish_host_protocols>(NOURISH_HOST_PROTOCOLS_ID, [&](auto api, auto out, auto) {
            return api->get(host_, protocolId.c_str(), out);
        });
    }
    // The suggestions of the protocol owner's evaluate hook (a JSON array), or
    // nothing when it has no hook.
    std::optional<std::string> evaluateProtocol(const std::string& protocolId, const std::string& stateJson) const {
        auto api = service<nourish_host_protocols>(NOURISH_HOST_PROTOCOLS_ID);
        StringSink out, error;
        int32_t rc = api->evaluate(host_, protocolId.c_str(), stateJson.c_str(), out.get(), error.get());
        if (rc == NOURISH_NOT_FOUND) return std::nullopt;
        if (rc != NOURISH_OK) throw Error(rc, error.str());
        return out.take();
    }

    // Accepted instruments of every plugin, as a JSON array; one by id; and
    // the host's scoring of answers (item id -> scale value).
    std::string instruments() const {
        return call<nourish_host_instruments>(NOURISH_HOST_INSTRUMENTS_ID, [&](auto api, auto out, auto) {
            return api->list(host_, out);
        });
    }
    std::string instrument(const std::string& instrumentId) const {
        return call<nourish_host_instruments>(NOURISH_HOST_INSTRUMENTS_ID, [&](auto api, auto out, auto) {
            return api->get(host_, instrumentId.c_str(), out);
        });
    }
    // Accepted note templates of every plugin (nourish.host.note-templates/1).
    std::string noteTemplates() const {
        return call<nourish_host_note_templates>(NOURISH_HOST_NOTE_TEMPLATES_ID, [&](auto api, auto out, auto) {
            return api->list(host_, out);
        });
    }
    std::string noteTemplate(const std::string& templateId) const {
        return call<nourish_host_note_templates>(NOURISH_HOST_NOTE_TEMPLATES_ID, [&](auto api, auto out, auto) {
            return api->get(host_, templateId.c_str(), out);
        });
    }
    // Accepted growth references of every plugin (nourish.host.growth-references/1,
    // SDK 1.2), as a JSON array; one by id.
    std::string growthReferences() const {
        return call<nourish_host_growth_references>(NOURISH_HOST_GROWTH_REFERENCES_ID, [&](auto api, auto out, auto) {
            return api->list(host_, out);
        });
    }
    std::string growthReference(const std::string& referenceId) const {
        return call<nourish_host_growth_references>(NOURISH_HOST_GROWTH_REFERENCES_ID, [&](auto api, auto out, auto) {
            return api->get(host_, referenceId.c_str(), out);
        });
    }
    // Every plugin's allergy history of this client, put together by the host
    // (nourish.host.allergy-history/1), as JSON.
    std::string allergyHistory(int64_t clientId) const {
        return call<nourish_host_allergy_history>(NOURISH_HOST_ALLERGY_HISTORY_ID, [&](auto api, auto out, auto err) {
            return api->get(host_, clientId, out, err);
        });
    }
    // Every plugin's plans of this client (nourish.host.plans/1, SDK 1.1), as
    // JSON: {"plans": [...]} with "plugin" on each plan (schemas/plans.schema.json).
    std::string clientPlans(int64_t clientId) const {
        return call<nourish_host_plans>(NOURISH_HOST_PLANS_ID, [&](auto api, auto out, auto err) {
            return api->get(host_, clientId, out, err);
        });
    }

    // Whether a row of one of this plugin's own tables still matches the seal
    // the host wrote with it (nourish.host.integrity/1): nothing when it does,
    // else why not ("row 3 of notes_notes does not match its seal: ..."). A
    // host older than SDK 1.1 cannot say: nothing.
    std::optional<std::string> rowProblem(const std::string& table, const std::string& rowKey) const {
        auto* api = static_cast<const nourish_host_integrity*>(host_->get_extension(host_, NOURISH_HOST_INTEGRITY_ID));
        if (!api) return std::nullopt;
        StringSink why;
        int32_t intact = 0;
        int32_t rc = api->row_intact(host_, table.c_str(), rowKey.c_str(), &intact, why.get());
        if (rc != NOURISH_OK) throw Error(rc, why.str());
        if (intact) return std::nullopt;
        return why.take();
    }

    // This plugin's line in the app's status bar; empty clears it.
    void setStatus(const std::string& text) const {
        auto api = service<nourish_host_status>(NOURISH_HOST_STATUS_ID);
        int32_t rc = api->set(host_, text.c_str());
        if (rc == NOURISH_INVALID) throw Error(rc, "the status line was refused (at most 120 bytes, one line)");
        if (rc != NOURISH_OK)
            throw Error(rc, "the status line was not set (it can be set only from the main thread)");
    }
    // Writes a file for the practitioner by the host's output rules
    // (nourish.host.files/1): never the store or any SQLite database, never an
    // existing file unless `replace`; whole or not at all, mode 0600. Throws
    // Error with code NOURISH_EXISTS, NOURISH_DENIED or NOURISH_ERROR.
    void writeFile(const std::string& path, std::string_view bytes, bool replace) const {
        auto api = service<nourish_host_files>(NOURISH_HOST_FILES_ID);
        StringSink error;
        int32_t rc = api->write(host_, path.c_str(), bytes.data(), int64_t(bytes.size()),
                                replace ? uint32_t(NOURISH_FILE_REPLACE) : 0u, error.get());
        if (rc != NOURISH_OK) throw Error(rc, error.str());
    }
    void checkFile(const std::string& path, bool replace) const {
        auto api = service<nourish_host_files>(NOURISH_HOST_FILES_ID);
        StringSink error;
        int32_t rc = api->check(host_, path.c_str(), replace ? uint32_t(NOURISH_FILE_REPLACE) : 0u, error.get());
        if (rc != NOURISH_OK) throw Error(rc, error.str());
    }

    // The plan summary's sections of every plugin (nourish.host.reports/1): the
    // list, and every section rendered for one client.
    std::string reportSections() const {
        return call<nourish_host_reports>(NOURISH_HOST_REPORTS_ID, [&](auto api, auto out, auto) {
            return api->sections(host_, out);
        });
    }
    std::string renderReport(int64_t clientId) const {
        return call<nourish_host_reports>(NOURISH_HOST_REPORTS_ID, [&](auto api, auto out, auto err) {
            return api->render(host_, clientId, out, err);
        });
    }
    std::string scoreInstrument(const std::string& instrumentId, const std::string& answersJson) const {
        return call<nourish_host_instruments>(NOURISH_HOST_INSTRUMENTS_ID, [&](auto api, auto out, auto err) {
            return api->score(host_, instrumentId.c_str(), answersJson.c_str(), out, err);
        });
    }

    // [main-thread] The host's form window on these answers. Returns
    // {complete, answers JSON}, or nothing when the practitioner cancelled or
    // there is no window (the command line).
    struct EditedForm {
        bool complete = false;
        std::string answersJson;
    };
    std::optional<EditedForm> editForm(const std::string& formId, const std::string& answersJson = {}) const {
        auto api = service<nourish_host_forms>(NOURISH_HOST_FORMS_ID);
        StringSink result;
        int32_t rc = api->edit(host_, formId.c_str(), answersJson.empty() ? nullptr : answersJson.c_str(),
                               result.get());
        if (rc != NOURISH_OK) return std::nullopt;
        const std::string& text = result.str();
        size_t newline = text.find('\n');
        if (newline == std::string::npos) return std::nullopt;
        return EditedForm{text.compare(0, newline, "complete") == 0, text.substr(newline + 1)};
    }

    // [main-thread] Calls handler with the payload of every `event` until the
    // returned Subscription ends (see nourish.host.events/1 for the events).
    Subscription subscribe(const std::string& event, Subscription::Handler handler) const {
        return Subscription(host_, event, std::move(handler));
    }

    // Publishes an event named with the plugin id as prefix; delivered after commit.
    void publish(const std::string& event, const std::string& payloadJson) const {
        auto api = service<nourish_host_events>(NOURISH_HOST_EVENTS_ID);
        int32_t rc = api->publish(host_, event.c_str(), payloadJson.c_str());
        if (rc != NOURISH_OK) throw Error(rc, "could not publish " + event);
    }

    // The practitioner's user name.
    std::string user() const {
        return call<nourish_host_session>(NOURISH_HOST_SESSION_ID, [&](auto api, auto out, auto) {
            return api->user(host_, out);
        });
    }

    // "gui", "cli", or "check" (nourish-cli plugin check): where the practitioner
    // is, so that a message can point at the right place to fix something.
    std::string source() const {
        return call<nourish_host_session>(NOURISH_HOST_SESSION_ID, [&](auto api, auto out, auto) {
            return api->source(host_, out);
        });
    }

    void audit(int64_t clientId, const std::string& action, const std::string& detailJson = {}) const {
        auto api = service<nourish_host_audit>(NOURISH_HOST_AUDIT_ID);
        StringSink error;
        int32_t rc = api->record(host_, clientId, action.c_str(),
                                 detailJson.empty() ? nullptr : detailJson.c_str(), error.get());
        if (rc != NOURISH_OK) throw Error(rc, error.str());
    }

private:
    template <typename Api, typename Fn>
    std::string call(const char* id, Fn&& fn) const {
        auto api = service<Api>(id);
        StringSink out, error;
        int32_t rc = fn(api, out.get(), error.get());
        if (rc != NOURISH_OK) throw Error(rc, error.str());
        return out.take();
    }
    const nourish_host* host_;
};

// A record id typed on a command line ("12"): a whole number above zero and
// nothing else, or nothing ("12a", "-3", "" and numbers out of range).
inline std::optional<int64_t> parseId(std::string_view text) {
    int64_t id = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (error != std::errc() || end != text.data() + text.size() || id <= 0) return std::nullopt;
    return id;
}

// "2026-11-26T09:41:07Z": the current time in UTC, for "entered at" columns.
inline std::string utcTimestamp() {
    using namespace std::chrono;
    auto now = floor<seconds>(system_clock::now());
    auto day = floor<days>(now);
    year_month_day ymd{day};
    hh_mm_ss hms{now - day};
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02dZ", int(ymd.year()), unsigned(ymd.month()),
                  unsigned(ymd.day()), int(hms.hours().count()), int(hms.minutes().count()),
                  int(hms.seconds().count()));
    return buffer;
}

// Base class of a plugin written in C++. Override only what the plugin offers:
// a capability whose JSON is left empty is not offered.
class Plugin {
public:
    virtual ~Plugin() = default;

    // Called once; throw to refuse to start (the message reaches the practitioner).
    virtual void init(Host host) { (void)host; }
    virtual void shutdown() noexcept {}

    // nourish.store-migrations/1 -- must not depend on init.
    virtual std::string migrationsJson() const { return {}; }

    // nourish.cli-commands/1 -- return an exit code (0 ok, 2 bad input, 1 failure).
    virtual std::string cliCommandsJson() const { return {}; }
    virtual int runCommand(const std::string& command, const std::vector<std::string>& args,
                           const Output& out, const Output& error) {
        (void)command, (void)args, (void)out;
        error << "this plugin has no commands\n";
        return 1;
    }

    // nourish.ui.wx/1 -- parent and the returned page are wxWindow*.
    virtual std::string uiPagesJson() const { return {}; }
    virtual void* createPage(const std::string& pageId, void* parent) {
        (void)pageId, (void)parent;
        return nullptr;
    }
    virtual void showClient(const std::string& pageId, void* page, int64_t clientId) {
        (void)pageId, (void)page, (void)clientId;
    }

    // nourish.intake-forms/1 -- a JSON array of form documents.
    virtual std::string intakeFormsJson() const { return {}; }

    // nourish.protocols/1 -- a JSON array of protocol documents, and the
    // optional decision hook: return a JSON array of suggestions
    // (schemas/protocol-suggestions.schema.json), or nothing to add none. The
    // hook is offered to the host only when this is overridden.
    virtual std::string protocolsJson() const { return {}; }
    virtual std::optional<std::string> evaluateProtocol(const std::string& protocolId, const std::string& stateJson) {
        (void)protocolId, (void)stateJson;
        return std::nullopt;
    }

    // nourish.instruments/1 -- a JSON array of instrument documents.
    virtual std::string instrumentsJson() const { return {}; }
    // nourish.note-templates/1 -- a JSON array of note template documents.
    virtual std::string noteTemplatesJson() const { return {}; }
    // nourish.growth-references/1 (SDK 1.2) -- a JSON array of growth
    // reference documents (schemas/growth-reference.schema.json).
    virtual std::string growthReferencesJson() const { return {}; }

    // nourish.allergy-history/1 (SDK 1.1) -- this client's allergy history as
    // a document (schemas/allergy-history.schema.json). Offered to the host
    // only when overridden.
    virtual std::string allergyHistory(int64_t clientId) {
        (void)clientId;
        return R"({"facts": [], "reactions": [], "tests": []})";
    }

    // nourish.plans/1 (SDK 1.1) -- the diet plans this plugin keeps for the
    // client, as a document (schemas/plans.schema.json). Offered to the host
    // only when overridden.
    virtual std::string clientPlans(int64_t clientId) {
        (void)clientId;
        return R"({"plans": []})";
    }

    // nourish.report-sections/1 -- return a report document as JSON.
    virtual std::string reportSectionsJson() const { return {}; }
    virtual std::string renderReportSection(const std::string& sectionId, int64_t clientId) {
        (void)sectionId, (void)clientId;
        throw std::runtime_error("this plugin has no report sections");
    }
};

namespace detail {

inline void writeError(const nourish_sink* sink, const char* fallback) noexcept {
    try {
        throw;
    } catch (const std::exception& e) {
        Output(sink).write(e.what());
    } catch (...) {
        Output(sink).write(fallback);
    }
}

// One instance of T per library, built on first use, destroyed at shutdown.
template <typename T>
struct Entry {
    static std::unique_ptr<T>& instance() {
        static std::unique_ptr<T> object;
        return object;
    }
    static T& get() {
        auto& object = instance();
        if (!object) object = std::make_unique<T>();
        return *object;
    }

    // JSON texts, asked for once and kept, so that the pointers handed out
    // stay valid until shutdown.
    struct Documents {
        std::optional<std::string> migrations, commands, pages, sections, forms, protocols, instruments, noteTemplates,
            growthReferences;
    };
    static Documents& documents() {
        static Documents docs;
        return docs;
    }

    static int32_t init(const nourish_plugin*, const nourish_host* host, const nourish_sink* error) noexcept {
        try {
            get().init(Host(host));
            return NOURISH_OK;
        } catch (...) {
            writeError(error, "initialisation failed with an unknown exception");
            return NOURISH_ERROR;
        }
    }

    static void shutdown(const nourish_plugin*) noexcept {
        if (auto& object = instance()) {
            object->shutdown();
            object.reset();
        }
    }

    static int32_t runCommand(const nourish_plugin*, const char* command, int32_t argc,
                              const char* const* argv, const nourish_sink* out,
                              const nourish_sink* error) noexcept {
        try {
            std::vector<std::string> args(argv, argv + argc);
            return get().runCommand(command, args, Output(out), Output(error));
        } catch (...) {
            writeError(error, "the command failed with an unknown exception");
            return 1;
        }
    }

    static void* createPage(const nourish_plugin*, const char* pageId, void* parent,
                            const nourish_sink* error) noexcept {
        try {
            return get().createPage(pageId, parent);
        } catch (...) {
            writeError(error, "the page could not be created");
            return nullptr;
        }
    }

    static void showClient(const nourish_plugin*, const char* pageId, void* page, int64_t clientId) noexcept {
        try {
            get().showClient(pageId, page, clientId);
        } catch (...) {
        }
    }

    static int32_t renderSection(const nourish_plugin*, const char* sectionId, int64_t clientId,
                                 const nourish_sink* document, const nourish_sink* error) noexcept {
        try {
            Output(document).write(get().renderReportSection(sectionId, clientId));
            return NOURISH_OK;
        } catch (...) {
            writeError(error, "the report section could not be rendered");
            return NOURISH_ERROR;
        }
    }

    // Name lookup finds Plugin::evaluateProtocol unless T (or a base of it) declares its own.
    static constexpr bool overridesEvaluate =
        !std::is_same_v<decltype(&T::evaluateProtocol), decltype(&Plugin::evaluateProtocol)>;

    static constexpr bool overridesAllergyHistory =
        !std::is_same_v<decltype(&T::allergyHistory), decltype(&Plugin::allergyHistory)>;

    static int32_t history(const nourish_plugin*, int64_t clientId, const nourish_sink* json,
                           const nourish_sink* error) noexcept {
        try {
            Output(json).write(get().allergyHistory(clientId));
            return NOURISH_OK;
        } catch (...) {
            writeError(error, "the allergy history could not be read");
            return NOURISH_ERROR;
        }
    }

    static constexpr bool overridesClientPlans =
        !std::is_same_v<decltype(&T::clientPlans), decltype(&Plugin::clientPlans)>;

    static int32_t plans(const nourish_plugin*, int64_t clientId, const nourish_sink* json,
                         const nourish_sink* error) noexcept {
        try {
            Output(json).write(get().clientPlans(clientId));
            return NOURISH_OK;
        } catch (...) {
            writeError(error, "the plans could not be read");
            return NOURISH_ERROR;
        }
    }

    static int32_t evaluate(const nourish_plugin*, const char* protocolId, const char* stateJson,
                            const nourish_sink* suggestions, const nourish_sink* error) noexcept {
        try {
            auto result = get().evaluateProtocol(protocolId, stateJson);
            Output(suggestions).write(result ? *result : std::string("[]"));
            return NOURISH_OK;
        } catch (...) {
            writeError(error, "the protocol could not be evaluated");
            return NOURISH_ERROR;
        }
    }

    static const void* getExtension(const nourish_plugin*, const char* id) noexcept {
        try {
            auto& docs = documents();
            std::string_view which(id);
            if (which == NOURISH_STORE_MIGRATIONS_ID) {
                static nourish_store_migrations ext{sizeof(ext), nullptr};
                if (!docs.migrations) docs.migrations = get().migrationsJson();
                ext.migrations_json = docs.migrations->c_str();
                return docs.migrations->empty() ? nullptr : &ext;
            }
            if (which == NOURISH_CLI_COMMANDS_ID) {
                static nourish_cli_commands ext{sizeof(ext), nullptr, &runCommand};
                if (!docs.commands) docs.commands = get().cliCommandsJson();
                ext.commands_json = docs.commands->c_str();
                return docs.commands->empty() ? nullptr : &ext;
            }
            if (which == NOURISH_UI_WX_ID) {
#ifdef WX_BUILD_OPTIONS_SIGNATURE
                static nourish_ui_wx ext{sizeof(ext), WX_BUILD_OPTIONS_SIGNATURE, nullptr, &createPage,
                                         &showClient};
                if (!docs.pages) docs.pages = get().uiPagesJson();
                ext.pages_json = docs.pages->c_str();
                return docs.pages->empty() ? nullptr : &ext;
#else
                return nullptr;  // include <wx/build.h> before this header to offer pages
#endif
            }
            if (which == NOURISH_INTAKE_FORMS_ID) {
                static nourish_intake_forms ext{sizeof(ext), nullptr};
                if (!docs.forms) docs.forms = get().intakeFormsJson();
                ext.forms_json = docs.forms->c_str();
                return docs.forms->empty() ? nullptr : &ext;
            }
            if (which == NOURISH_PROTOCOLS_ID) {
                // The hook is offered only by a plugin that overrides evaluateProtocol.
                static nourish_protocols ext{sizeof(ext), nullptr, overridesEvaluate ? &evaluate : nullptr};
                if (!docs.protocols) docs.protocols = get().protocolsJson();
                ext.protocols_json = docs.protocols->c_str();
                return docs.protocols->empty() ? nullptr : &ext;
            }
            if (which == NOURISH_INSTRUMENTS_ID) {
                static nourish_instruments ext{sizeof(ext), nullptr};
                if (!docs.instruments) docs.instruments = get().instrumentsJson();
                ext.instruments_json = docs.instruments->c_str();
                return docs.instruments->empty() ? nullptr : &ext;
            }
            if (which == NOURISH_ALLERGY_HISTORY_ID) {
                static nourish_allergy_history ext{sizeof(ext), &history};
                return overridesAllergyHistory ? &ext : nullptr;
            }
            if (which == NOURISH_PLANS_ID) {
                static nourish_plans ext{sizeof(ext), &plans};
                return overridesClientPlans ? &ext : nullptr;
            }
            if (which == NOURISH_NOTE_TEMPLATES_ID) {
                static nourish_note_templates ext{sizeof(ext), nullptr};
                if (!docs.noteTemplates) docs.noteTemplates = get().noteTemplatesJson();
                ext.templates_json = docs.noteTemplates->c_str();
                return docs.noteTemplates->empty() ? nullptr : &ext;
            }
            if (which == NOURISH_GROWTH_REFERENCES_ID) {
                static nourish_growth_references ext{sizeof(ext), nullptr};
                if (!docs.growthReferences) docs.growthReferences = get().growthReferencesJson();
                ext.references_json = docs.growthReferences->c_str();
                return docs.growthReferences->empty() ? nullptr : &ext;
            }
            if (which == NOURISH_REPORT_SECTIONS_ID) {
                static nourish_report_sections ext{sizeof(ext), nullptr, &renderSection};
                if (!docs.sections) docs.sections = get().reportSectionsJson();
                ext.sections_json = docs.sections->c_str();
                return docs.sections->empty() ? nullptr : &ext;
            }
        } catch (...) {
        }
        return nullptr;
    }
};

}  // namespace detail
}  // namespace nourish

// Declares the plugin's entry. Use once, at namespace scope, in one source file:
//   NOURISH_PLUGIN(MyPlugin, "org.example.my-plugin", "My plugin", "1.0.0", "Example Ltd")
#define NOURISH_PLUGIN(Class, Id, Name, Version, Vendor)                                      \
    namespace {                                                                               \
    const nourish_plugin* nourish_entry_impl() {                                              \
        using E = ::nourish::detail::Entry<Class>;                                            \
        static const nourish_plugin descriptor{sizeof(nourish_plugin),                        \
                                               NOURISH_SDK_MAJOR,                             \
                                               NOURISH_SDK_MINOR,                             \
                                               Id,                                            \
                                               Name,                                          \
                                               Version,                                       \
                                               Vendor,                                        \
                                               &E::init,                                      \
                                               &E::shutdown,                                  \
                                               &E::getExtension};                             \
        return &descriptor;                                                                   \
    }                                                                                         \
    }                                                                                         \
    BOOST_DLL_ALIAS(nourish_entry_impl, nourish_plugin_entry)
