#pragma once
/// \file
/// exp, log and log1p computed the same way on every machine, natively and in WebAssembly.
///
/// The C library's versions are not: glibc picks an FMA or a plain implementation of exp and
/// log by the CPU it runs on, and Emscripten's musl has others again, so the same training run
/// gave bundles that differ in their last digits (and different content_sha256) from one
/// machine to the next. Everything that feeds a bundle or a score calls these instead.
///
/// Method: plain IEEE double arithmetic in a fixed order (no table, no FMA; the build sets
/// -ffp-contract=off), so every platform rounds each step the same way. exp reduces x to
/// r = x - k ln2 with |r| <= ln2 / 2 and evaluates the Taylor series of e^r to degree 13
/// (truncation below 1e-17 relative); log writes x = 2^e m with m in [sqrt(1/2), sqrt(2)) and
/// evaluates log(m) = 2 atanh(s), s = (m - 1) / (m + 1), to s^21; both polynomials by Estrin's
/// scheme, whose independent products keep the latency short. Both are within one unit in the
/// last place of the true value (tests/cpp/test_portable_math.cpp measures it against the C
/// library), not correctly rounded: what they guarantee is the same bits everywhere.
#include <cstdint>
#include <cstring>
#include <limits>

namespace loanlens {
namespace portable_math_detail {

// ln 2 split so that k * kLn2Hi is exact for |k| < 2^20: kLn2Hi has 32 significant bits.
constexpr double kLn2Hi = 0x1.62e42fee00000p-1;
constexpr double kLn2Lo = 0x1.a39ef35793c76p-33;
constexpr double kInvLn2 = 0x1.71547652b82fep0;
// Adding and subtracting 1.5 * 2^52 rounds a double of magnitude below 2^51 to an integer.
constexpr double kRoundShift = 0x1.8p52;

inline std::uint64_t Bits(double x) {
  std::uint64_t b;
  std::memcpy(&b, &x, sizeof b);
  return b;
}

inline double FromBits(std::uint64_t b) {
  double x;
  std::memcpy(&x, &b, sizeof x);
  return x;
}

/// e^r for |r| <= 0.35: 1 + r + r^2 P(r), P the Taylor series of (e^r - 1 - r) / r^2 to degree
/// 11 (e^r to degree 13), evaluated by Estrin's scheme (independent products, short latency).
inline double ExpReduced(double r) {
  constexpr double a2 = 1.0 / 2, a3 = 1.0 / 6, a4 = 1.0 / 24, a5 = 1.0 / 120, a6 = 1.0 / 720,
                   a7 = 1.0 / 5040, a8 = 1.0 / 40320, a9 = 1.0 / 362880, a10 = 1.0 / 3628800,
                   a11 = 1.0 / 39916800, a12 = 1.0 / 479001600, a13 = 1.0 / 6227020800;
  const double r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;
  const double low = (a2 + a3 * r) + (a4 + a5 * r) * r2;
  const double mid = (a6 + a7 * r) + (a8 + a9 * r) * r2;
  const double high = (a10 + a11 * r) + (a12 + a13 * r) * r2;
  const double p = (low + mid * r4) + high * r8;
  return 1.0 + (r + r2 * p);
}

/// log(m) for m in [sqrt(1/2), sqrt(2)), returned as f - (hfsq - tail), f = m - 1, so that the
/// caller adds e ln2 without losing the low bits.
struct LogParts {
  double f, hfsq, tail;
};

inline LogParts LogReduced(double m) {
  const double f = m - 1.0;  // exact (Sterbenz)
  const double s = f / (2.0 + f), z = s * s;
  // R = sum_{k=1..10} 2 z^k / (2k + 1) (Estrin's scheme): 2 atanh(s) = 2s + s R, 2s = f - s f.
  constexpr double c1 = 2.0 / 3, c2 = 2.0 / 5, c3 = 2.0 / 7, c4 = 2.0 / 9, c5 = 2.0 / 11,
                   c6 = 2.0 / 13, c7 = 2.0 / 15, c8 = 2.0 / 17, c9 = 2.0 / 19, c10 = 2.0 / 21;
  const double z2 = z * z, z4 = z2 * z2, z8 = z4 * z4;
  const double low = (c1 + c2 * z) + (c3 + c4 * z) * z2;
  const double mid = (c5 + c6 * z) + (c7 + c8 * z) * z2;
  const double high = c9 + c10 * z;
  const double r = z * ((low + mid * z4) + high * z8);
  const double hfsq = 0.5 * f * f;
  return {f, hfsq, s * (hfsq + r)};
}

/// log(2^extra x) for a positive normal x. x = 2^e m with m in [sqrt(1/2), sqrt(2)): subtract
/// sqrt(1/2)'s bits, and the exponent field of the difference is e.
inline double LogOfNormal(double x, std::int64_t extra) {
  constexpr std::uint64_t kSqrtHalfBits = 0x3fe6a09e667f3bcdULL;
  const std::uint64_t bits = Bits(x);
  const std::int64_t e = static_cast<std::int64_t>(bits - kSqrtHalfBits) >> 52;
  const LogParts p = LogReduced(FromBits(bits - (static_cast<std::uint64_t>(e) << 52)));
  const double ed = static_cast<double>(e + extra);
  return ed * kLn2Hi - ((p.hfsq - (p.tail + ed * kLn2Lo)) - p.f);
}

/// The slow paths: NaN, infinities, results that overflow or are subnormal, and x <= 0 or
/// subnormal for log.
double ExpSpecial(double x);
double LogSpecial(double x);

}  // namespace portable_math_detail

/// e^x for |x| <= 708 (the range where 2^k stays normal), with no branch, so that a loop over it
/// vectorises. Exp for other x.
inline double ExpOfModerate(double x) {
  namespace d = portable_math_detail;
  // k = round(x / ln 2): the low bits of `shifted` hold k + 2^51, from which 2^k is built with
  // integer arithmetic (vectorisable, unlike a conversion to an integer type).
  const double shifted = x * d::kInvLn2 + d::kRoundShift;
  const double kd = shifted - d::kRoundShift;
  const double r = (x - kd * d::kLn2Hi) - kd * d::kLn2Lo;
  constexpr std::uint64_t kBias = 1023 - (std::uint64_t{1} << 51);
  return d::ExpReduced(r) * d::FromBits((d::Bits(shifted) + kBias) << 52);
}

/// e^x: +inf above about 709.78, 0 below about -745.13, NaN for NaN.
inline double Exp(double x) {
  if (!(x <= 708.0 && x >= -708.0)) return portable_math_detail::ExpSpecial(x);
  return ExpOfModerate(x);
}

/// Natural logarithm: -inf at 0, NaN below 0 and for NaN, +inf at +inf.
inline double Log(double x) {
  namespace d = portable_math_detail;
  const std::uint64_t bits = d::Bits(x);
  constexpr std::uint64_t kMinNormal = 0x0010000000000000ULL, kInf = 0x7ff0000000000000ULL;
  if (bits - kMinNormal >= kInf - kMinNormal) return d::LogSpecial(x);  // not positive normal
  return d::LogOfNormal(x, 0);
}

/// log(1 + x), accurate for small x: log(u) x / (u - 1) with u = 1 + x rounded (the rounding
/// error of u cancels to first order; Goldberg 1991, Theorem 4).
inline double Log1p(double x) {
  if (x != x) return x;
  const double u = 1.0 + x;
  if (u == 1.0) return x;
  if (u == std::numeric_limits<double>::infinity()) return u;
  return Log(u) * (x / (u - 1.0));
}

/// x^n for an integer n >= 0 by repeated squaring (std::pow is the C library's, CPU-dependent).
inline double PowInt(double x, int n) {
  double result = 1.0;
  for (; n > 0; n >>= 1) {
    if (n & 1) result *= x;
    x *= x;
  }
  return result;
}

}  // namespace loanlens
