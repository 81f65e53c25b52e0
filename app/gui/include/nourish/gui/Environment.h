#pragma once

namespace nourish {

// Call before wx starts: a UTF-8 locale (wx converts narrow strings through
// it; under the C locale every non-ASCII label would come out empty) and no
// GTK OpenGL probe (the app draws no OpenGL and the probe costs start-up time).
void prepareGuiEnvironment();

// What the app does with an exception that reached the event loop (call it
// from wxApp::OnExceptionInMainLoop, inside the catch): the practitioner is
// told what happened in a sentence she can act on, the message goes to
// standard error, and the app carries on. Whatever was half-done is rolled
// back by the transaction it was in, so the store stays consistent.
void reportUnhandledException();

}  // namespace nourish
