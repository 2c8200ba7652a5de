#include "loanlens/validation/hosmer_lemeshow.h"

#include <cmath>

#include "loanlens/error.h"
#include "loanlens/metrics.h"
#include "loanlens/portable_math.h"

namespace loanlens {
namespace {

/// log Gamma(a) for a > 0: the recurrence Gamma(a) = Gamma(a + n) / (a (a + 1) ... (a + n - 1))
/// up to a + n >= 15, then Stirling's series to its 1 / a^9 term (error below 3e-16 there).
/// Written out rather than std::lgamma, whose logarithms are the C library's CPU-dependent ones.
double LogGamma(double a) {
  double shift = 1;
  for (; a < 15; a += 1) shift *= a;
  const double inv = 1 / a, inv2 = inv * inv;
  const double series =
      inv *
      (1.0 / 12 - inv2 * (1.0 / 360 - inv2 * (1.0 / 1260 - inv2 * (1.0 / 1680 - inv2 / 1188))));
  constexpr double kHalfLog2Pi = 0.91893853320467274178;
  return (a - 0.5) * Log(a) - a + kHalfLog2Pi + series - Log(shift);
}

/// Regularised lower incomplete gamma P(a, x) by its series (x < a + 1).
double GammaSeries(double a, double x) {
  double sum = 1 / a, term = sum;
  for (int n = 1; n < 1000; ++n) {
    term *= x / (a + n);
    sum += term;
    if (std::abs(term) < std::abs(sum) * 1e-16) break;
  }
  return sum * Exp(-x + a * Log(x) - LogGamma(a));
}

/// Regularised upper incomplete gamma Q(a, x) by its continued fraction (x >= a + 1), Lentz.
double GammaContinuedFraction(double a, double x) {
  constexpr double kTiny = 1e-300;
  double b = x + 1 - a, c = 1 / kTiny, d = 1 / b, h = d;
  for (int i = 1; i < 1000; ++i) {
    const double an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (std::abs(d) < kTiny) d = kTiny;
    c = b + an / c;
    if (std::abs(c) < kTiny) c = kTiny;
    d = 1 / d;
    const double delta = d * c;
    h *= delta;
    if (std::abs(delta - 1) < 1e-16) break;
  }
  return Exp(-x + a * Log(x) - LogGamma(a)) * h;
}

}  // namespace

double ChiSquareSurvival(double x, double df) {
  if (!(df > 0)) throw Error("chi-square: degrees of freedom must be positive");
  if (!(x > 0)) return 1;
  const double a = df / 2, h = x / 2;
  return h < a + 1 ? 1 - GammaSeries(a, h) : GammaContinuedFraction(a, h);
}

HosmerLemeshowResult HosmerLemeshow(const std::vector<double>& y, const std::vector<double>& pd,
                                    std::size_t groups) {
  HosmerLemeshowResult out;
  for (const CalibrationBin& bin : CalibrationTable(y, pd, groups)) {
    HlGroup g;
    g.n = bin.n;
    g.observed = bin.observed * bin.n;
    g.expected = bin.mean_pd * bin.n;
    const double variance = g.expected * (1 - g.expected / g.n);
    if (variance > 0)
      out.statistic += (g.observed - g.expected) * (g.observed - g.expected) / variance;
    out.groups.push_back(g);
  }
  out.df = static_cast<int>(out.groups.size()) - 2;
  out.p_value = out.df >= 1 ? ChiSquareSurvival(out.statistic, out.df) : 1.0;
  return out;
}

nlohmann::json ToJson(const HosmerLemeshowResult& r) {
  nlohmann::json groups = nlohmann::json::array();
  for (const auto& g : r.groups)
    groups.push_back({{"n", g.n}, {"observed", g.observed}, {"expected", g.expected}});
  return {{"statistic", r.statistic}, {"df", r.df}, {"p_value", r.p_value}, {"groups", groups}};
}

}  // namespace loanlens
