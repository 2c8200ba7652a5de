#include <emscripten/bind.h>
#include <string>
#include "loanlens/version.h"
static std::string Version() { return loanlens::kEngineVersion; }
EMSCRIPTEN_BINDINGS(loanlens) { emscripten::function("version", &Version); }
