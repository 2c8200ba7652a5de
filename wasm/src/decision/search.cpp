#include "search.h"

#include <algorithm>
#include <cmath>

#include "loanlens/decision/review_rules.h"
#include "loanlens/pipeline.h"
#include "loanlens/portable_math.h"

namespace loanlens::decision::detail {

Rescorer::Rescorer(const Bundle& bundle, const double* raw, std::size_t budget)
    : bundle_(bundle),
      raw_(raw, raw + bundle.GetPreprocessor().NumFeatures()),
      ratios_(DerivedRatios(bundle.GetSchema(), bundle.FeatureNames())),
      budget_(budget) {}

std::vector<double> Rescorer::Apply(const std::vector<Change>& changes) const {
  std::vector<double> row = raw_;
  std::vector<bool> changed(row.size(), false);
  for (const auto& [index, value] : changes) {
    row[index] = value;
    changed[index] = true;
  }
  RecomputeDependents(ratios_, changed, row.data());
  return row;
}

Score Rescorer::Evaluate(const std::vector<Change>& changes) {
  ++calls_;
  if (!probe_) probe_ = bundle_.Probe(raw_.data());
  const std::vector<double> row = Apply(changes);
  Score s = bundle_.ScoreRowWith(row.data(), *probe_);
  // The decision, not only the score: an approvable amount or option must not land near a
  // cut-off, above the maximum amount or the budget (review rules on the changed values). Rules
  // only turn an approval into a review, so they are not asked otherwise.
  if (s.band == "approve" && AnyReviewRuleFires(bundle_, row.data(), s)) s.band = "review";
  return s;
}

namespace {

/// Breakpoints of feature j in its own raw units: the design column's split thresholds (or WoE
/// bin edges) mapped back through standardisation and clipping. nullopt: not piecewise constant.
std::optional<std::vector<double>> OwnBreakpoints(const Bundle& bundle, std::size_t j) {
  const Preprocessor& pre = bundle.GetPreprocessor();
  const FeatureTransform& t = pre.Features()[j];
  std::vector<double> out;
  if (pre.Options().encoding == Encoding::kWoe) {
    // upper_bound binning: v moves to the next bin when v >= edge.
    for (double e : t.woe_edges)
      if (std::isfinite(e)) out.push_back(e);
    return out;
  }
  const auto thresholds = bundle.GetModel().SplitThresholds(t.first_column);
  if (!thresholds) return std::nullopt;
  for (double th : *thresholds) {
    const double v = th * t.scale + t.mean;
    // A clipped value never crosses a threshold outside (clip_low, clip_high].
    if (t.clip && (v <= t.clip_low || v > t.clip_high)) continue;
    out.push_back(v);
  }
  return out;
}

}  // namespace

std::optional<std::vector<double>> Breakpoints(const Bundle& bundle,
                                               const std::vector<DerivedRatio>& ratios,
                                               const double* raw, std::size_t f) {
  auto own = OwnBreakpoints(bundle, f);
  if (!own) return std::nullopt;
  std::vector<double> out = *own;
  for (const DerivedRatio& r : ratios) {
    if (r.numerator != f && r.denominator != f) continue;
    for (const DerivedRatio& s : ratios)  // a ratio of this ratio: not mapped here
      if (s.numerator == r.feature || s.denominator == r.feature) return std::nullopt;
    const auto part = OwnBreakpoints(bundle, r.feature);
    if (!part) return std::nullopt;
    const double other = r.numerator == f ? raw[r.denominator] : raw[r.numerator];
    if (std::isnan(other) || (r.numerator == f && other == 0)) continue;  // ratio stays NaN
    for (double t : *part) {
      // ratio = f / other  ->  f = t * other;  ratio = other / f  ->  f = other / t.
      if (r.numerator == f)
        out.push_back(t * other);
      else if (t != 0)
        out.push_back(other / t);
    }
  }
  out.erase(std::remove_if(out.begin(), out.end(), [](double v) { return !std::isfinite(v); }),
            out.end());
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

double DefaultStep(const ColumnSpec& spec, double current) {
  auto integer = [](double v) { return std::isfinite(v) && std::floor(v) == v; };
  if (integer(spec.min) && integer(spec.max) && (std::isnan(current) || integer(current))) return 1;
  const double range = spec.max - spec.min;
  if (!(range > 0)) return 1;
  // 10^(e - 3) for the range's decimal exponent e: powers of ten up to 10^22 are exact doubles,
  // so a product or one division rounds once (the same on every machine, unlike std::pow).
  const int e = static_cast<int>(std::floor(std::log10(range))) - 3;
  return e >= 0 ? PowInt(10.0, e) : 1.0 / PowInt(10.0, -e);
}

namespace {

/// k * step, computed as k / (1 / step) for decimal steps below 1 so that 0.001 * 357 prints as
/// 0.357 rather than 0.35700000000000004.
double Multiple(double k, double step) {
  if (step < 1) {
    const double inv = std::round(1 / step);
    if (std::abs(inv * step - 1) < 1e-12) return k / inv;
  }
  return k * step;
}

}  // namespace

double RoundValueIn(double lo, double hi, bool hi_closed, double target, double step) {
  auto in = [&](double v) { return v >= lo && (v < hi || (hi_closed && v <= hi)); };
  if (in(target)) return target;
  if (target >= hi) {  // the interval lies below the target: its largest round value
    double k = std::floor(hi / step);
    for (int i = 0; i < 3 && !in(Multiple(k, step)) && Multiple(k, step) >= hi; ++i) k -= 1;
    if (in(Multiple(k, step))) return Multiple(k, step);
  } else {  // the interval lies above the target: its smallest round value
    double k = std::ceil(lo / step);
    for (int i = 0; i < 3 && Multiple(k, step) < lo; ++i) k += 1;
    if (in(Multiple(k, step))) return Multiple(k, step);
  }
  return lo == hi ? lo : lo + (hi - lo) / 2;
}

double RoundToward(double v, double step, int dir) {
  double k = dir < 0 ? std::floor(v / step) : std::ceil(v / step);
  // v / step can round across an integer; step back when the multiple lies on the wrong side.
  if (dir < 0 && Multiple(k, step) > v) k -= 1;
  if (dir > 0 && Multiple(k, step) < v) k += 1;
  return Multiple(k, step);
}

std::string LevelName(const ColumnSpec& spec, double value) {
  if (spec.type == ColumnType::kNumeric || std::isnan(value)) return "";
  const auto code = static_cast<std::size_t>(value);
  if (value >= 0 && code < spec.categories.size()) return spec.categories[code];
  if (spec.type == ColumnType::kBoolean) return value != 0 ? "true" : "false";
  return "";
}

bool IsProtected(const ColumnSpec& spec) {
  return spec.role == Role::kProtected || IsDefaultProtected(spec.name);
}

}  // namespace loanlens::decision::detail
