#pragma once
/// \file
/// A small deterministic random generator (SplitMix64, Steele, Lea & Flood 2014) whose output is
/// the same on every platform and compiler (std:: distributions are not), for seeded shuffles and
/// sampling in the SVM solvers and Kernel SHAP.
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace loanlens::detail {

class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t Next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  /// Uniform in [0, 1) with 53 random bits.
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  /// Uniform integer in [0, n) (n > 0; modulo bias is below 2^-40 for n < 2^24).
  std::size_t Below(std::size_t n) { return static_cast<std::size_t>(Next() % n); }
  template <typename T>
  void Shuffle(std::vector<T>& v) {
    for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[Below(i)]);
  }

 private:
  std::uint64_t state_;
};

}  // namespace loanlens::detail
