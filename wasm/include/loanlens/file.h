#pragma once
/// \file
/// Files as the engine reads them (native CLI, tests, the Python package): a whole file, a
/// path's file name.
#include <string>

namespace loanlens {

/// Reads a whole file; throws loanlens::Error naming it when it cannot be read.
std::string ReadFile(const std::string& path);

/// The file name of `path` (after the last '/' or '\'), for messages and bundle provenance.
std::string BaseName(const std::string& path);

}  // namespace loanlens
