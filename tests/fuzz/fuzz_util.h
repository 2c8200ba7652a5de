#pragma once
/// \file
/// Helpers shared by the libFuzzer targets in tests/fuzz. Each target defines
/// LLVMFuzzerTestOneInput; built with -DLOANLENS_FUZZ=ON it links libFuzzer, otherwise
/// replay_main.cpp turns it into a plain program that CTest runs over the committed corpora
/// (tests/fuzz/corpus/<target>, tests/fuzz/regression/<target>).
///
/// A target treats a loanlens::Error as the expected answer to bad input. Anything else (another
/// exception, a broken invariant, a sanitizer report, a crash) is a finding.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace loanlens::fuzz {

/// True when the engine's own shape check (loanlens::CheckJsonShape: nesting depth, string
/// length) refuses `text`. A harness never parses such an input itself (nlohmann's dump()
/// recurses): it hands the text to the engine's entry point, which must refuse it with a
/// loanlens::Error.
bool ShapeRefused(std::string_view text);

/// `relative` under the source tree (LOANLENS_SOURCE_DIR).
std::string SourcePath(const std::string& relative);

/// Whole file as bytes; aborts with a message if it cannot be read.
std::string ReadFileOrDie(const std::string& path);

/// Prints "fuzz finding: <what>" to stderr and aborts (libFuzzer saves the input).
[[noreturn]] void Finding(const std::string& what);

/// Sets content_sha256 of a bundle document to the hash of its canonical content, as
/// Bundle::ToJson computes it (the document without content_sha256 and created_at, dumped
/// compactly with sorted keys), so that mutated bundles pass the hash check and reach the deep
/// validation. No-op for non-objects.
void Reseal(nlohmann::json& bundle);

/// A cheap deterministic generator (SplitMix64) for choices driven by the input.
struct Rng {
  std::uint64_t state;
  std::uint64_t Next();
  /// Uniform in [0, n) (n > 0).
  std::size_t Below(std::size_t n) { return static_cast<std::size_t>(Next() % n); }
};

/// FNV-1a of the bytes (seeds Rng from the input, so a finding replays identically).
std::uint64_t HashBytes(std::string_view bytes);

}  // namespace loanlens::fuzz
