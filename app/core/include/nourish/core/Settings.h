#pragma once

#include <optional>
#include <string>
#include <vector>

#include "nourish/core/Store.h"

namespace nourish {

// The practice's own details (practice.*), kept in the core settings table.
class PracticeSettings {
public:
    explicit PracticeSettings(Store& store) : store_(store) {}

    static const std::vector<std::string>& keys();
    static bool isKey(const std::string& key);

    std::optional<std::string> get(const std::string& key);
    // The number a family calls in an emergency: practice.emergency_number
    // when set, otherwise the number of practice.country (GB 999, IE and the
    // EU 112, US and CA 911, AU 000, NZ 111); nothing when neither is known.
    std::optional<std::string> emergencyNumber();
    static std::optional<std::string> emergencyNumberOf(const std::string& country);
    // Throws ValidationError for an unknown key or a bad value.
    void set(const std::string& key, const std::string& value, const Actor& actor);
    // Several at once: all are checked before any is written, one transaction,
    // unchanged values are skipped.
    void setMany(const std::vector<std::pair<std::string, std::string>>& values, const Actor& actor);

private:
    Store& store_;
};

// Settings a plugin keeps for itself (plugin_settings).
class PluginSettings {
public:
    PluginSettings(Store& store, std::string pluginId) : PluginSettings(store, pluginId, Actor::currentUser(pluginId)) {}
    PluginSettings(Store& store, std::string pluginId, Actor actor)
        : store_(store), pluginId_(std::move(pluginId)), actor_(std::move(actor)) {}
    std::optional<std::string> get(const std::string& key);
    // A change is audited (settings.set with the plugin and key, never the value).
    void set(const std::string& key, const std::string& value);
    // A secret (the manifest marks it) is sealed before it is stored and
    // opened when read (see Secrets.h); an empty value removes it.
    std::optional<std::string> getSecret(const std::string& key);
    void setSecret(const std::string& key, const std::string& value);

private:
    void write(const std::string& key, const std::string& value, bool secret);
    Store& store_;
    std::string pluginId_;
    Actor actor_;
};

}  // namespace nourish
