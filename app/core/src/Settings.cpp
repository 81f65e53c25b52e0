#include "nourish/core/Settings.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "nourish/core/AuditLog.h"
#include "nourish/core/ClientStore.h"
#include "nourish/core/Errors.h"
#include "nourish/core/Secrets.h"
#include "nourish/core/Text.h"

namespace nourish {

const std::vector<std::string>& PracticeSettings::keys() {
    static const std::vector<std::string> k{"practice.name",    "practice.practitioner", "practice.address",
                                            "practice.phone",   "practice.email",        "practice.logo",
                                            "practice.hours",   "practice.country",      "practice.emergency_number"};
    return k;
}

bool PracticeSettings::isKey(const std::string& key) {
    return std::find(keys().begin(), keys().end(), key) != keys().end();
}

std::optional<std::string> PracticeSettings::get(const std::string& key) {
    if (!isKey(key)) throw ValidationError(key, "is not a practice setting");
    StatementScope s(store_.db().cached("SELECT value FROM settings WHERE key = ?1"));
    s->bind(1, key);
    if (!s->step()) return std::nullopt;
    return s->text(0);
}

std::optional<std::string> PracticeSettings::emergencyNumberOf(const std::string& country) {
    // The public emergency number families are told to call (ETSI/EU 112,
    // national numbers where 112 is not the first one people know).
    static const std::vector<std::pair<std::string, std::string>> numbers = {
        {"GB", "999"}, {"US", "911"}, {"CA", "911"}, {"AU", "000"}, {"NZ", "111"}, {"IE", "112"},
        {"AT", "112"}, {"BE", "112"}, {"BG", "112"}, {"HR", "112"}, {"CY", "112"}, {"CZ", "112"},
        {"DK", "112"}, {"EE", "112"}, {"FI", "112"}, {"FR", "112"}, {"DE", "112"}, {"GR", "112"},
        {"HU", "112"}, {"IT", "112"}, {"LV", "112"}, {"LT", "112"}, {"LU", "112"}, {"MT", "112"},
        {"NL", "112"}, {"PL", "112"}, {"PT", "112"}, {"RO", "112"}, {"SK", "112"}, {"SI", "112"},
        {"ES", "112"}, {"SE", "112"}, {"NO", "113"}, {"IS", "112"}, {"CH", "144"}};
    for (auto& [code, number] : numbers)
        if (code == country) return number;
    return std::nullopt;
}

std::optional<std::string> PracticeSettings::emergencyNumber() {
    if (auto typed = get("practice.emergency_number")) return typed;
    if (auto country = get("practice.country")) return emergencyNumberOf(*country);
    return std::nullopt;
}

namespace {
// The value as it will be stored; throws ValidationError naming the key.
std::string checked(const std::string& key, const std::string& raw) {
    if (!PracticeSettings::isKey(key)) {
        std::string known;
        for (auto& k : PracticeSettings::keys()) known += (known.empty() ? "" : ", ") + k;
        throw ValidationError(key, "is not a setting this version knows (known: " + known + ")");
    }
    std::string value = trim(raw);
    if (!isValidUtf8(value)) throw ValidationError(key, "is not valid UTF-8 text");
    size_t max = key == "practice.address" ? 500 : 200;
    if (codePointCount(value) > max)
        throw ValidationError(key, "is longer than " + std::to_string(max) + " characters");
    // The address may span lines; nothing else may hold control characters.
    std::string check = value;
    if (key == "practice.address") std::erase(check, '\n');
    if (hasControlCharacters(check)) throw ValidationError(key, "must not contain control characters");
    if (key == "practice.country" && !value.empty()) {
        for (char& c : value) c = char(std::toupper(static_cast<unsigned char>(c)));
        if (value.size() != 2 || !std::isalpha(static_cast<unsigned char>(value[0])) ||
            !std::isalpha(static_cast<unsigned char>(value[1])))
            throw ValidationError(key, "'" + value + "' is not a two-letter country code (GB, IE, FR, US...)");
    }
    if (key == "practice.emergency_number" && !value.empty() &&
        (value.size() < 2 || value.size() > 6 ||
         !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })))
        throw ValidationError(key, "'" + value + "' is not an emergency number (2 to 6 digits, such as 999, 112 or 911)");
    if (key == "practice.email" && !value.empty() && !isPlausibleEmail(value))
        throw ValidationError(key, "'" + value + "' is not an email address");
    return value;
}
}  // namespace

void PracticeSettings::set(const std::string& key, const std::string& raw, const Actor& actor) {
    setMany({{key, raw}}, actor);
}

void PracticeSettings::setMany(const std::vector<std::pair<std::string, std::string>>& values, const Actor& actor) {
    std::vector<std::pair<std::string, std::string>> clean;
    for (auto& [key, raw] : values) clean.emplace_back(key, checked(key, raw));
    Database& db = store_.db();
    Transaction tx(db);
    for (auto& [key, value] : clean) {
        if (get(key).value_or("") == value) continue;
        if (value.empty())
            db.cached("DELETE FROM settings WHERE key = ?1").bind(1, key).run();
        else
            db.cached("INSERT INTO settings (key, value) VALUES (?1, ?2) "
                      "ON CONFLICT (key) DO UPDATE SET value = excluded.value")
                .bind(1, key)
                .bind(2, value)
                .run();
        AuditLog(store_).record(actor, "settings.set", std::nullopt, nlohmann::json{{"key", key}}.dump());
    }
    tx.commit();
}

std::optional<std::string> PluginSettings::get(const std::string& key) {
    StatementScope s(store_.db().cached("SELECT value FROM plugin_settings WHERE plugin_id = ?1 AND key = ?2"));
    s->bind(1, pluginId_).bind(2, key);
    if (!s->step()) return std::nullopt;
    return s->text(0);
}

void PluginSettings::set(const std::string& key, const std::string& value) { write(key, value, false); }

void PluginSettings::write(const std::string& key, const std::string& value, bool secret) {
    if (key.empty() || key.size() > 200 || hasControlCharacters(key)) throw ValidationError("key", "is not a valid setting name");
    if (!isValidUtf8(value)) throw ValidationError(key, "is not valid UTF-8 text");
    Transaction tx(store_.db());
    if (get(key).value_or("") == value) return;
    store_.db()
        .cached("INSERT INTO plugin_settings (plugin_id, key, value) VALUES (?1, ?2, ?3) "
                "ON CONFLICT (plugin_id, key) DO UPDATE SET value = excluded.value")
        .bind(1, pluginId_)
        .bind(2, key)
        .bind(3, value)
        .run();
    nlohmann::json detail{{"plugin", pluginId_}, {"key", key}};
    if (secret) detail["secret"] = value.empty() ? "removed" : "changed";
    AuditLog(store_).record(actor_, "settings.set", std::nullopt, detail.dump());
    tx.commit();
}

namespace {

// What a plugin's secret is bound to: this store, this plugin, this key.
std::string secretBinding(const Store& store, const std::string& pluginId, const std::string& key) {
    return std::string("nourish.plugin_settings\n") + store.id() + "\n" + pluginId + "\n" + key;
}

}  // namespace

std::optional<std::string> PluginSettings::getSecret(const std::string& key) {
    auto value = get(key);
    if (!value || value->empty()) return std::nullopt;
    std::string plain;
    try {
        plain = openSecret(*value, secretBinding(store_, pluginId_, key));
    } catch (const StoreError& e) {
        throw StoreError(key + ": " + e.what());
    }
    if (!isBound(*value)) {
        // Sealed before values were bound: bound to this store and key from now on.
        try {
            write(key, sealSecret(plain, secretBinding(store_, pluginId_, key)), true);
        } catch (const std::exception&) {
            // Busy or read-only: it still opens, and is sealed again next time.
        }
    }
    return plain;
}

void PluginSettings::setSecret(const std::string& key, const std::string& value) {
    if (!isValidUtf8(value) || hasControlCharacters(value)) throw ValidationError(key, "holds characters a secret cannot have");
    write(key, value.empty() ? std::string() : sealSecret(value, secretBinding(store_, pluginId_, key)), true);
}

}  // namespace nourish
