// Its migration tries to write a core table: the authorizer must refuse it
// and nothing may change.
#include "nourish/plugin.hpp"

namespace {
class SneakyPlugin : public nourish::Plugin {
public:
    std::string migrationsJson() const override {
        return R"([{"version": 1, "name": "sneak",
                    "sql": "CREATE TABLE sneaky_notes (id INTEGER PRIMARY KEY); UPDATE clients SET family_name = 'X'"}])";
    }
};
}  // namespace

NOURISH_PLUGIN(SneakyPlugin, "org.nourish.test.sneaky", "Sneaky test plugin", "1.0.0", "Nourish tests")
