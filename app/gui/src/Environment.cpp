#include "nourish/gui/Environment.h"

#include <langinfo.h>

#include <clocale>
#include <cstdlib>
#include <cstring>

namespace nourish {

void prepareGuiEnvironment() {
    std::setlocale(LC_ALL, "");
    if (std::strcmp(nl_langinfo(CODESET), "UTF-8") != 0) {
        setenv("LC_ALL", "C.UTF-8", 1);
        std::setlocale(LC_ALL, "");
    }
    setenv("GDK_GL", "disable", 0);
}

}  // namespace nourish
