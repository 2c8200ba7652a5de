#include "loanlens/decision/reasons.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "loanlens/bundle.h"
#include "loanlens/decision/text.h"

namespace loanlens {
namespace {

std::string DefaultCode(std::size_t feature_index) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "R%02zu", feature_index + 1);
  return buf;
}

/// The reason text for feature j of the applicant (catalogue first, then defaults).
std::string AdverseText(const Bundle& b, const ColumnSpec& c, double raw, double reference_mean) {
  if (std::isnan(raw)) return "Incomplete information: " + Label(c) + " not provided";
  if (c.type != ColumnType::kNumeric) {
    const std::string level = ValueText(c, raw);
    const auto it = c.level_reasons.find(level);
    if (it != c.level_reasons.end()) return it->second;
    if (!c.reason_high.empty()) return c.reason_high;
    return Label(c) + ": " + Quoted(level);
  }
  const bool high = std::isnan(reference_mean) ? true : raw > reference_mean;
  const std::string& catalogue = high ? c.reason_high : c.reason_low;
  if (!catalogue.empty()) return catalogue;
  (void)b;
  return Label(c) + (high ? " is too high" : " is too low");
}

std::string FactorText(const ColumnSpec& c, double raw) {
  if (std::isnan(raw)) return Label(c) + ": not provided";
  return Label(c) + ": " + Quoted(ValueText(c, raw));
}

/// Features ordered by points (most negative first when `adverse`, most positive otherwise),
/// ties by name.
std::vector<std::size_t> Ranked(const std::vector<std::string>& features,
                                const std::vector<double>& points, bool adverse) {
  std::vector<std::size_t> order(points.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const double pa = adverse ? points[a] : -points[a], pb = adverse ? points[b] : -points[b];
    if (pa != pb) return pa < pb;
    return features[a] < features[b];
  });
  return order;
}

}  // namespace

std::vector<double> ContributionPoints(const Bundle& bundle, double margin, double base_margin,
                                       const std::vector<double>& contributions) {
  const Policy& p = bundle.GetPolicy();
  auto points = [&](double m) { return p.Points(bundle.MarginToPd(m)); };
  double scale;
  if (std::abs(margin - base_margin) > 1e-9) {
    scale = (points(margin) - points(base_margin)) / (margin - base_margin);
  } else {
    const double h = 1e-4;  // the local slope: a central difference
    scale = (points(margin + h) - points(margin - h)) / (2 * h);
  }
  std::vector<double> out(contributions.size());
  for (std::size_t j = 0; j < out.size(); ++j) out[j] = contributions[j] * scale;
  return out;
}

std::vector<ReasonItem> AdverseReasons(const Bundle& bundle, const double* raw,
                                       const std::vector<double>& contributions,
                                       const std::vector<double>& points) {
  const Policy& p = bundle.GetPolicy();
  const auto& features = bundle.FeatureNames();
  const auto& mean = bundle.GetReference().MeanRaw();
  std::vector<ReasonItem> out;
  for (std::size_t j : Ranked(features, points, true)) {
    if (static_cast<int>(out.size()) >= p.max_reasons) break;
    if (!(points[j] <= -p.min_reason_points) || points[j] >= 0) break;
    if (bundle.Fields().prohibited[j]) continue;
    const ColumnSpec& c = bundle.Feature(j);
    const double ref_mean = j < mean.size() ? mean[j] : std::nan("");
    out.push_back({features[j], c.reason_code.empty() ? DefaultCode(j) : c.reason_code,
                   AdverseText(bundle, c, raw[j], ref_mean), points[j], contributions[j], true});
  }
  return out;
}

std::vector<ReasonItem> MainFactors(const Bundle& bundle, const double* raw,
                                    const std::vector<double>& contributions,
                                    const std::vector<double>& points) {
  const Policy& p = bundle.GetPolicy();
  const auto& features = bundle.FeatureNames();
  std::vector<ReasonItem> out;
  for (std::size_t j : Ranked(features, points, false)) {
    if (static_cast<int>(out.size()) >= p.max_reasons || !(points[j] > 0)) break;
    if (bundle.Fields().prohibited[j]) continue;
    const ColumnSpec& c = bundle.Feature(j);
    out.push_back({features[j], c.reason_code.empty() ? DefaultCode(j) : c.reason_code,
                   FactorText(c, raw[j]), points[j], contributions[j], false});
  }
  return out;
}

std::string ReasonColumn(const ReasonItem& r) { return r.code + ": " + r.text; }

}  // namespace loanlens
