#include "loanlens/validation/bootstrap.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "loanlens/error.h"

namespace loanlens {

std::size_t UniformBelow(std::mt19937_64& rng, std::size_t n) {
  const std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  std::uint64_t v;
  do v = rng();
  while (v >= limit);
  return static_cast<std::size_t>(v % n);
}

double Percentile(std::vector<double> values, double q) {
  if (values.empty()) throw Error("Percentile: no values");
  std::sort(values.begin(), values.end());
  const double pos = q * static_cast<double>(values.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, values.size() - 1);
  return values[lo] + (pos - static_cast<double>(lo)) * (values[hi] - values[lo]);
}

Interval PercentileInterval(double estimate, const std::vector<double>& replicates, double level) {
  Interval out;
  out.estimate = out.lower = out.upper = estimate;
  if (replicates.empty()) return out;
  out.lower = Percentile(replicates, (1 - level) / 2);
  out.upper = Percentile(replicates, (1 + level) / 2);
  return out;
}

void DrawStratified(const std::vector<std::vector<std::size_t>>& strata, std::mt19937_64& rng,
                    std::vector<double>& weights) {
  std::fill(weights.begin(), weights.end(), 0.0);
  for (const auto& s : strata)
    for (std::size_t k = 0; k < s.size(); ++k) weights[s[UniformBelow(rng, s.size())]] += 1;
}

void WeightedAucKs(const std::vector<double>& y_sorted, const std::vector<std::size_t>& group_end,
                   const std::vector<double>& weights, double& auc, double& ks) {
  double pos = 0, neg = 0;
  for (std::size_t k = 0; k < y_sorted.size(); ++k) (y_sorted[k] > 0.5 ? pos : neg) += weights[k];
  // Ascending pass for AUC: each positive beats the negatives below it, ties count 1/2.
  double neg_below = 0, pairs = 0;
  ks = 0;
  double pos_above = pos, neg_above = neg;  // rows with score >= the current group's score
  std::size_t a = 0;
  for (std::size_t b : group_end) {
    double gp = 0, gn = 0;
    for (std::size_t k = a; k < b; ++k) (y_sorted[k] > 0.5 ? gp : gn) += weights[k];
    pairs += gp * (neg_below + 0.5 * gn);
    neg_below += gn;
    // "score >= this group's score" flags pos_above of the positives, neg_above of the negatives.
    ks = std::max(ks, pos_above / pos - neg_above / neg);
    pos_above -= gp;
    neg_above -= gn;
    a = b;
  }
  auc = pairs / (pos * neg);
}

RankIntervals BootstrapRankMetrics(const std::vector<double>& y, const std::vector<double>& score,
                                   const BootstrapOptions& options) {
  if (y.size() != score.size()) throw Error("bootstrap: y and score differ in length");
  // Rows sorted once by score; the resampling weights live in sorted positions so that every
  // replicate is one contiguous pass.
  std::vector<std::size_t> order(y.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&score](std::size_t a, std::size_t b) { return score[a] < score[b]; });
  std::vector<std::size_t> position(y.size()), group_end;
  std::vector<double> y_sorted(y.size());
  for (std::size_t k = 0; k < order.size(); ++k) {
    position[order[k]] = k;
    y_sorted[k] = y[order[k]];
    if (k + 1 == order.size() || score[order[k + 1]] != score[order[k]]) group_end.push_back(k + 1);
  }
  // Strata in row order (defaults and non-defaults), holding the rows' sorted positions.
  std::vector<std::vector<std::size_t>> strata(2);
  for (std::size_t i = 0; i < y.size(); ++i) strata[y[i] > 0.5 ? 1 : 0].push_back(position[i]);
  if (strata[0].empty() || strata[1].empty())
    throw Error("bootstrap: AUC and KS need both defaults and non-defaults");
  std::vector<double> weights(y.size(), 1.0);
  double auc = 0, ks = 0;
  WeightedAucKs(y_sorted, group_end, weights, auc, ks);
  std::vector<double> aucs, kss, ginis;
  std::mt19937_64 rng(options.seed);
  for (std::size_t r = 0; r < options.replicates; ++r) {
    DrawStratified(strata, rng, weights);
    double a = 0, k = 0;
    WeightedAucKs(y_sorted, group_end, weights, a, k);
    aucs.push_back(a);
    kss.push_back(k);
    ginis.push_back(2 * a - 1);
  }
  RankIntervals out;
  out.auc = PercentileInterval(auc, aucs, options.level);
  out.ks = PercentileInterval(ks, kss, options.level);
  out.gini = PercentileInterval(2 * auc - 1, ginis, options.level);
  return out;
}

nlohmann::json ToJson(const Interval& i) {
  return {{"estimate", i.estimate}, {"lower", i.lower}, {"upper", i.upper}};
}

nlohmann::json ToJson(const RankIntervals& r, const BootstrapOptions& options) {
  return {{"auc", ToJson(r.auc)},
          {"ks", ToJson(r.ks)},
          {"gini", ToJson(r.gini)},
          {"replicates", options.replicates},
          {"seed", options.seed},
          {"level", options.level},
          {"method", "percentile bootstrap, resampling defaults and non-defaults separately"}};
}

}  // namespace loanlens
