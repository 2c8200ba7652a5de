#include "loanlens/decision/limit.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "loanlens/bundle.h"
#include "loanlens/error.h"
#include "loanlens/policy/policy.h"
#include "search.h"

namespace loanlens::decision {
namespace {

constexpr std::size_t kNoBudget = std::numeric_limits<std::size_t>::max();

void SetAnswer(LimitResult& out, double amount, const Score& s) {
  out.max_amount = amount;
  out.pd = s.pd;
  out.points = s.points;
  out.band = s.band;
}

/// Tree models: the margin is constant between consecutive breakpoints, so one score per
/// stretch, from the top down, finds the highest approvable one.
void ScanIntervals(detail::Rescorer& rescorer, std::size_t a, const std::vector<double>& breaks,
                   double step, LimitResult& out) {
  std::vector<double> starts = {out.range_min};
  for (double b : breaks)
    if (b > out.range_min && b <= out.range_max) starts.push_back(b);
  for (std::size_t k = starts.size(); k-- > 0;) {
    const bool last = k + 1 == starts.size();
    const double hi = last ? out.range_max : starts[k + 1];
    const double c = detail::RoundValueIn(starts[k], hi, last, out.range_max, step);
    const Score s = rescorer.Evaluate({{a, c}});
    if (s.band == "approve") return SetAnswer(out, c, s);
  }
}

/// Other models: a grid over the range, then bisection between the highest approvable grid
/// point and the next one, to `step`.
void SearchGrid(detail::Rescorer& rescorer, std::size_t a, const LimitOptions& o,
                LimitResult& out) {
  const std::size_t n = std::max<std::size_t>(o.grid_points, 2);
  const double lo = out.range_min, hi = out.range_max, step = o.step;
  std::vector<double> grid(n), pd(n);
  std::ptrdiff_t best = -1;
  Score best_score;
  for (std::size_t i = 0; i < n; ++i) {
    grid[i] = i + 1 == n ? hi : lo + (hi - lo) * static_cast<double>(i) / (n - 1);
    const Score s = rescorer.Evaluate({{a, grid[i]}});
    pd[i] = s.pd;
    if (s.band == "approve") best = static_cast<std::ptrdiff_t>(i), best_score = s;
  }
  bool up = true, down = true;
  for (std::size_t i = 1; i < n; ++i)
    up = up && pd[i] >= pd[i - 1], down = down && pd[i] <= pd[i - 1];
  out.monotone_on_grid = up || down;
  if (best < 0) return;
  double yes = grid[best];
  if (static_cast<std::size_t>(best) + 1 == n) return SetAnswer(out, yes, best_score);
  double no = grid[best + 1];
  for (int it = 0; it < 80 && no - yes > step; ++it) {
    const double mid = yes + (no - yes) / 2;
    const Score s = rescorer.Evaluate({{a, mid}});
    if (s.band == "approve")
      yes = mid, best_score = s;
    else
      no = mid;
  }
  // A round amount: the multiple of step in [yes, no) if approvable, else the largest multiple
  // of step at or below yes (approvable when the PD is monotone), else the bisection's value.
  for (const double c : {detail::RoundValueIn(yes, no, false, no, step),
                         detail::RoundValueIn(grid[best], yes, true, no, step)}) {
    if (c == yes) break;
    const Score s = rescorer.Evaluate({{a, c}});
    if (s.band == "approve") return SetAnswer(out, c, s);
  }
  SetAnswer(out, yes, best_score);
}

}  // namespace

std::size_t FeatureIndex(const Bundle& bundle, const std::string& name) {
  const int j = bundle.FeatureIndex(name);
  if (j < 0) throw Error("'" + name + "' is not a feature of the model");
  return static_cast<std::size_t>(j);
}

std::vector<double> ApplyAmount(const Bundle& bundle, const double* raw, std::size_t amount_feature,
                                double amount) {
  return detail::Rescorer(bundle, raw, 0).Apply({{amount_feature, amount}});
}

LimitResult FindLimit(const Bundle& bundle, const double* raw, std::size_t amount_feature,
                      const LimitOptions& options) {
  const auto& names = bundle.FeatureNames();
  if (amount_feature >= names.size())
    throw Error("limit: amount feature index " + std::to_string(amount_feature) +
                " is out of range (the model has " + std::to_string(names.size()) + " features)");
  const ColumnSpec* spec = &bundle.Feature(amount_feature);
  if (spec->type != ColumnType::kNumeric)
    throw Error("limit: amount feature '" + names[amount_feature] + "' must be numeric");
  if (!(options.step > 0) || !std::isfinite(options.step))
    throw Error("limit: step must be a positive number, got " + std::to_string(options.step));
  LimitResult out;
  out.range_min = spec->min;
  out.range_max = spec->max;
  // Above the policy's maximum amount an application goes to review: never approvable.
  const Policy& policy = bundle.GetPolicy();
  if (policy.max_amount > 0 && policy.amount_feature == names[amount_feature])
    out.range_max = std::max(out.range_min, std::min(out.range_max, policy.max_amount));
  out.requested_amount = raw[amount_feature];
  detail::Rescorer rescorer(bundle, raw, kNoBudget);
  out.requested_approvable = rescorer.Evaluate({}).band == "approve";
  const auto breaks = detail::Breakpoints(bundle, rescorer.Ratios(), raw, amount_feature);
  if (breaks) {
    out.method = "thresholds";
    ScanIntervals(rescorer, amount_feature, *breaks, options.step, out);
  } else {
    out.method = "search";
    SearchGrid(rescorer, amount_feature, options, out);
  }
  out.evaluations = rescorer.Calls();
  return out;
}

std::optional<double> MaxApprovableAmount(const Bundle& bundle, const double* raw,
                                          std::size_t amount_feature) {
  return FindLimit(bundle, raw, amount_feature).max_amount;
}

nlohmann::json ToJson(const LimitResult& limit) {
  nlohmann::json j = {{"max_amount", nullptr},
                      {"requested_approvable", limit.requested_approvable},
                      {"range", {limit.range_min, limit.range_max}},
                      {"method", limit.method},
                      {"evaluations", limit.evaluations}};
  j["requested_amount"] = std::isnan(limit.requested_amount)
                              ? nlohmann::json()
                              : nlohmann::json(limit.requested_amount);
  if (limit.max_amount) {
    j["max_amount"] = *limit.max_amount;
    j["pd"] = limit.pd;
    j["points"] = limit.points;
    j["band"] = limit.band;
  }
  if (limit.method == "search") j["monotone_on_grid"] = limit.monotone_on_grid;
  return j;
}

}  // namespace loanlens::decision
