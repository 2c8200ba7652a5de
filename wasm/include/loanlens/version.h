#pragma once
namespace loanlens {
/// Semantic version of the engine; written into every bundle as `engine_version`.
inline constexpr const char* kEngineVersion = "0.1.0";
}  // namespace loanlens
