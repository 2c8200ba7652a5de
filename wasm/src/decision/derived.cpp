#include "loanlens/decision/derived.h"

#include <cmath>
#include <limits>

namespace loanlens::decision {

std::vector<DerivedRatio> DerivedRatios(const Schema& schema,
                                        const std::vector<std::string>& features) {
  auto index = [&](const std::string& name, std::size_t& out) {
    for (std::size_t i = 0; i < features.size(); ++i)
      if (features[i] == name) return out = i, true;
    return false;
  };
  std::vector<DerivedRatio> ratios;
  for (const ColumnSpec& c : schema.columns) {
    if (c.derived_ratio.size() != 2) continue;
    DerivedRatio r;
    if (index(c.name, r.feature) && index(c.derived_ratio[0], r.numerator) &&
        index(c.derived_ratio[1], r.denominator))
      ratios.push_back(r);
  }
  return ratios;
}

double RatioValue(double numerator, double denominator) {
  if (std::isnan(numerator) || std::isnan(denominator) || denominator == 0)
    return std::numeric_limits<double>::quiet_NaN();
  return numerator / denominator;
}

void RecomputeDependents(const std::vector<DerivedRatio>& ratios, std::vector<bool>& changed,
                         double* raw) {
  // One pass per ratio at most: a chain of k ratios settles in k passes (a cycle, which a
  // sensible schema does not have, stops there instead of looping).
  for (std::size_t pass = 0; pass < ratios.size(); ++pass) {
    bool progressed = false;
    for (const DerivedRatio& r : ratios) {
      if (!changed[r.numerator] && !changed[r.denominator]) continue;
      const double v = RatioValue(raw[r.numerator], raw[r.denominator]);
      const bool same = v == raw[r.feature] || (std::isnan(v) && std::isnan(raw[r.feature]));
      if (!changed[r.feature] || !same) progressed = true;
      raw[r.feature] = v;
      changed[r.feature] = true;
    }
    if (!progressed) break;
  }
}

void RecomputeDerived(const Schema& schema, const std::vector<std::string>& features,
                      double* raw) {
  const std::vector<DerivedRatio> ratios = DerivedRatios(schema, features);
  std::vector<bool> changed(features.size(), true);
  RecomputeDependents(ratios, changed, raw);
}

std::vector<DerivedMismatch> DerivedMismatches(const Schema& schema,
                                               const std::vector<std::string>& features,
                                               const double* raw,
                                               const DerivedTolerance& tolerance) {
  std::vector<DerivedMismatch> out;
  for (const DerivedRatio& r : DerivedRatios(schema, features)) {
    const double given = raw[r.feature], num = raw[r.numerator], den = raw[r.denominator];
    if (std::isnan(given) || std::isnan(num) || std::isnan(den)) continue;
    const double computed = RatioValue(num, den);
    const bool bad = std::isnan(computed) || std::abs(given - computed) >
                                                 tolerance.absolute +
                                                     tolerance.relative * std::abs(computed);
    if (bad) out.push_back({features[r.feature], r.feature, given, computed});
  }
  return out;
}

}  // namespace loanlens::decision
