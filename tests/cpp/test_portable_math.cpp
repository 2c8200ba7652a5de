#include <doctest/doctest.h>

#include <Eigen/Core>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "loanlens/portable_math.h"
#include "loanlens/sha256.h"

using loanlens::Exp;
using loanlens::Log;
using loanlens::Log1p;

namespace {

std::int64_t Ordered(double x) {
  std::int64_t b;
  std::memcpy(&b, &x, sizeof b);
  return b < 0 ? std::numeric_limits<std::int64_t>::min() - b : b;
}

/// Distance in units in the last place between two finite doubles.
std::int64_t UlpDistance(double a, double b) {
  const std::int64_t d = Ordered(a) - Ordered(b);
  return d < 0 ? -d : d;
}

/// Deterministic points spread over [lo, hi]: a fixed linear congruential sequence.
template <typename Visit>
void ForPoints(double lo, double hi, int n, Visit visit) {
  std::uint64_t state = 12345;
  for (int i = 0; i < n; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    visit(lo + (hi - lo) * static_cast<double>(state >> 11) * 0x1p-53);
  }
}

/// The SHA-256 of the bit patterns of f over a fixed grid: the same on every machine.
template <typename F>
std::string BitsDigest(double lo, double hi, F f) {
  std::string bytes;
  ForPoints(lo, hi, 20000, [&](double x) {
    const double y = f(x);
    bytes.append(reinterpret_cast<const char*>(&y), sizeof y);
  });
  return loanlens::Sha256Hex(bytes);
}

}  // namespace

TEST_CASE("Exp is within one ulp of the C library's exp over its whole range") {
  std::int64_t worst = 0;
  for (const auto range : {std::pair{-745.0, 709.0}, std::pair{-1.0, 1.0}, std::pair{-1e-6, 1e-6}})
    ForPoints(range.first, range.second, 200000,
              [&](double x) { worst = std::max(worst, UlpDistance(Exp(x), std::exp(x))); });
  CHECK(worst <= 1);
}

TEST_CASE("Log and Log1p are within one ulp of the C library's over their ranges") {
  std::int64_t worst_log = 0, worst_log1p = 0;
  for (const auto range : {std::pair{1e-300, 1e300}, std::pair{0.5, 2.0}, std::pair{0.99, 1.01}})
    ForPoints(range.first, range.second, 200000,
              [&](double x) { worst_log = std::max(worst_log, UlpDistance(Log(x), std::log(x))); });
  ForPoints(0.0, 1e-300 * 1e-8, 20000,
            [&](double x) { worst_log = std::max(worst_log, UlpDistance(Log(x), std::log(x))); });
  for (const auto range : {std::pair{-0.9, 10.0}, std::pair{-1e-3, 1e-3}, std::pair{0.0, 1.0}})
    ForPoints(range.first, range.second, 200000, [&](double x) {
      worst_log1p = std::max(worst_log1p, UlpDistance(Log1p(x), std::log1p(x)));
    });
  CHECK(worst_log <= 1);
  CHECK(worst_log1p <= 2);
}

TEST_CASE("Exp, Log and Log1p at the edges of their domains") {
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  CHECK(Exp(0.0) == 1.0);
  CHECK(Exp(710.0) == inf);
  CHECK(Exp(inf) == inf);
  CHECK(Exp(-inf) == 0.0);
  CHECK(Exp(-746.0) == 0.0);
  CHECK(std::isnan(Exp(nan)));
  CHECK(Exp(709.78) == doctest::Approx(std::exp(709.78)).epsilon(1e-15));
  CHECK(Exp(-744.0) > 0.0);  // subnormal, not flushed
  CHECK(UlpDistance(Exp(-744.0), std::exp(-744.0)) <= 1);
  CHECK(Log(1.0) == 0.0);
  CHECK(Log(0.0) == -inf);
  CHECK(Log(inf) == inf);
  CHECK(std::isnan(Log(-1.0)));
  CHECK(std::isnan(Log(nan)));
  CHECK(Log(std::numeric_limits<double>::denorm_min()) == doctest::Approx(-744.44007192138126));
  CHECK(Log1p(0.0) == 0.0);
  CHECK(Log1p(1e-300) == 1e-300);
  CHECK(Log1p(-1.0) == -inf);
  CHECK(std::isnan(Log1p(-2.0)));
  CHECK(Log1p(inf) == inf);
  CHECK(loanlens::PowInt(3.0, 0) == 1.0);
  CHECK(loanlens::PowInt(1.5, 5) == 1.5 * 1.5 * 1.5 * 1.5 * 1.5);
}

// These digests are the engine's promise that a bundle trained here has the same bits as one
// trained anywhere else: the same digests natively and in WebAssembly (this file runs in both
// ctest suites), whatever CPU or C library is underneath. A change to portable_math.h that
// changes any bit changes every bundle's content_sha256; then update the digests on purpose.
TEST_CASE("Exp, Log and Log1p give the same bits on every platform") {
  CHECK(BitsDigest(-40.0, 40.0, Exp) ==
        "37271d790a12509655bbbc8ba10ff9c183911aad35a2e0742a91517613ad4520");
  CHECK(BitsDigest(1e-12, 1e12, Log) ==
        "9ad7d031cb50976d1d340fccff378ee326c2ffbaeafe77ae5d38c433f42101c2");
  CHECK(BitsDigest(-0.5, 2.0, Log1p) ==
        "af5cdbe90befd889dec7c9514e960aaab61c43bc308cdb1e18747cc098be6170");
}

TEST_CASE("Eigen blocks its matrix products by fixed cache sizes, not by the CPU's") {
  // The build defines EIGEN_NO_CPUID and these sizes (CMakeLists.txt): the block sizes, and so the
  // order of the sums in a long product such as the logistic Hessian, are the same everywhere.
  CHECK(Eigen::l1CacheSize() == 49152);
  CHECK(Eigen::l2CacheSize() == 2097152);
  CHECK(Eigen::l3CacheSize() == 33554432);
}
