// nourish-plugin-check FOLDER ID: run by `nourish-cli plugin check` and the
// app's installer to load a plugin away from them (see PluginCheck.h).
#include "nourish/host/PluginCheck.h"

int main(int argc, char** argv) { return nourish::runPluginCheckChild(argc, argv); }
