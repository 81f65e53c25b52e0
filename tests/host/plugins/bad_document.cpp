// Offers report sections whose list breaks its schema.
#include "nourish/plugin.hpp"

namespace {
class BadDocumentPlugin : public nourish::Plugin {
public:
    std::string reportSectionsJson() const override { return R"([{"id": "Bad Id!"}])"; }
};
}  // namespace

NOURISH_PLUGIN(BadDocumentPlugin, "org.nourish.test.bad-document", "Bad document test plugin", "1.0.0",
               "Nourish tests")
