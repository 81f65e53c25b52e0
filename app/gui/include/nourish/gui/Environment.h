#pragma once

namespace nourish {

// Call before wx starts: a UTF-8 locale (wx converts narrow strings through
// it; under the C locale every non-ASCII label would come out empty) and no
// GTK OpenGL probe (the app draws no OpenGL and the probe costs start-up time).
void prepareGuiEnvironment();

}  // namespace nourish
