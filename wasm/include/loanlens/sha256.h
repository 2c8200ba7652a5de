#pragma once
/// \file
/// SHA-256 (FIPS 180-4), written in the engine because it builds to WebAssembly with no system
/// crypto library: the bundle's content hash and the training data's fingerprint.
#include <string>

namespace loanlens {

/// SHA-256 of `data`, lowercase hex (64 characters).
std::string Sha256Hex(const std::string& data);

}  // namespace loanlens
