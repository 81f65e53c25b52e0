// Offers two forms: one valid, one whose show_if points at a field that does
// not exist. The valid one must be registered, the other refused.
#include "nourish/plugin.hpp"

namespace {
class BadFormPlugin : public nourish::Plugin {
public:
    std::string intakeFormsJson() const override {
        return R"json([
          {"id": "org.nourish.test.good-form", "version": 1, "title": "Good",
           "sections": [{"id": "s", "title": "S", "fields": [{"id": "a", "type": "yes_no", "label": "A?"}]}]},
          {"id": "org.nourish.test.bad-form", "version": 1, "title": "Bad",
           "sections": [{"id": "s", "title": "S", "fields": [
             {"id": "a", "type": "text", "label": "A", "show_if": {"field": "nowhere", "equals": "x"}}]}]}
        ])json";
    }
};
}  // namespace

NOURISH_PLUGIN(BadFormPlugin, "org.nourish.test.bad-form", "Bad form test plugin", "1.0.0", "Nourish tests")
