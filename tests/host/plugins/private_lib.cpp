// A plugin with a library of its own beside it, found through RUNPATH $ORIGIN.
#include "nourish/plugin.hpp"

extern "C" const char* nourish_test_private_helper();  // in libnourish_test_helper.so

namespace {

class PrivateLibPlugin : public nourish::Plugin {
public:
    std::string cliCommandsJson() const override {
        return R"([{"name": "helper", "summary": "says what its private library says", "usage": "usage: nourish-cli helper"}])";
    }
    int runCommand(const std::string&, const std::vector<std::string>&, const nourish::Output& out,
                   const nourish::Output&) override {
        out << nourish_test_private_helper() << "\n";
        return 0;
    }
};

}  // namespace

NOURISH_PLUGIN(PrivateLibPlugin, RAW_ID, "Test private_lib", "1.0.0", "Nourish tests")
