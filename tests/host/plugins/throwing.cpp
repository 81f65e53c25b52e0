// init throws: the wrapper must turn it into an error with the message.
#include <stdexcept>

#include "nourish/plugin.hpp"

namespace {
class ThrowingPlugin : public nourish::Plugin {
public:
    void init(nourish::Host) override { throw std::runtime_error("cannot reach the food database"); }
};
}  // namespace

NOURISH_PLUGIN(ThrowingPlugin, "org.nourish.test.throws", "Throwing test plugin", "1.0.0", "Nourish tests")
