#include "loanlens/validation/bootstrap.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "loanlens/error.h"

namespace loanlens {

std::size_t UniformBelow(BootstrapRng& rng, std::size_t n) {
  __extension__ using Wide = unsigned __int128;
  const std::uint64_t range = n;
  Wide product = static_cast<Wide>(rng.Next()) * range;
  if (static_cast<std::uint64_t>(product) < range) {
    // The low half falls below 2^64 mod n for (2^64 mod n) of the 2^64 draws: redraw those.
    const std::uint64_t biased = (0 - range) % range;
    while (static_cast<std::uint64_t>(product) < biased)
      product = static_cast<Wide>(rng.Next()) * range;
  }
  return static_cast<std::size_t>(product >> 64);
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

void DrawStratified(const std::vector<std::vector<std::size_t>>& strata, BootstrapRng& rng,
                    std::vector<double>& weights) {
  std::fill(weights.begin(), weights.end(), 0.0);
  for (const auto& s : strata)
    for (std::size_t k = 0; k < s.size(); ++k) weights[s[UniformBelow(rng, s.size())]] += 1;
}

void DrawCounts(BootstrapRng& rng, std::vector<std::uint32_t>& counts) {
  const std::size_t n = counts.size();
  std::fill(counts.begin(), counts.end(), 0u);
  for (std::size_t k = 0; k < n; ++k) ++counts[UniformBelow(rng, n)];
}

namespace {

/// Rows sorted once by score, as groups of tied scores: how many defaults and non-defaults each
/// group holds (ascending score).
struct RankedRows {
  std::vector<std::uint32_t> group_pos, group_neg;
  std::size_t num_positive = 0;
};

RankedRows RankRows(const std::vector<double>& y, const std::vector<double>& score) {
  std::vector<std::size_t> order(y.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&score](std::size_t a, std::size_t b) { return score[a] < score[b]; });
  RankedRows r;
  for (std::size_t k = 0; k < order.size(); ++k) {
    if (k == 0 || score[order[k]] != score[order[k - 1]]) {
      r.group_pos.push_back(0);
      r.group_neg.push_back(0);
    }
    const bool positive = y[order[k]] > 0.5;
    ++(positive ? r.group_pos : r.group_neg).back();
    r.num_positive += positive;
  }
  return r;
}

}  // namespace

void WeightedAucKs(const std::vector<std::uint32_t>& group_pos,
                   const std::vector<std::uint32_t>& group_neg,
                   const std::vector<std::uint32_t>& weight_pos,
                   const std::vector<std::uint32_t>& weight_neg, double& auc, double& ks) {
  std::uint64_t total_pos = 0, total_neg = 0;
  for (std::uint32_t w : weight_pos) total_pos += w;
  for (std::uint32_t w : weight_neg) total_neg += w;
  const double pos = static_cast<double>(total_pos), neg = static_cast<double>(total_neg);
  // Ascending pass for AUC: each positive beats the negatives below it, ties count 1/2. A
  // group's defaults are the next group_pos[g] defaults in score order: one contiguous run of
  // weight_pos (and likewise for the non-defaults).
  double neg_below = 0, pairs = 0;
  ks = 0;
  double pos_above = pos, neg_above = neg;  // rows with score >= the current group's score
  const std::uint32_t* wp = weight_pos.data();
  const std::uint32_t* wn = weight_neg.data();
  for (std::size_t g = 0; g < group_pos.size(); ++g) {
    std::uint64_t gp = 0, gn = 0;
    for (std::uint32_t k = 0; k < group_pos[g]; ++k) gp += *wp++;
    for (std::uint32_t k = 0; k < group_neg[g]; ++k) gn += *wn++;
    pairs += static_cast<double>(gp) * (neg_below + 0.5 * static_cast<double>(gn));
    neg_below += static_cast<double>(gn);
    // "score >= this group's score" flags pos_above of the positives, neg_above of the negatives.
    ks = std::max(ks, pos_above / pos - neg_above / neg);
    pos_above -= static_cast<double>(gp);
    neg_above -= static_cast<double>(gn);
  }
  auc = pairs / (pos * neg);
}

RankIntervals BootstrapRankMetrics(const std::vector<double>& y, const std::vector<double>& score,
                                   const BootstrapOptions& options) {
  if (y.size() != score.size()) throw Error("bootstrap: y and score differ in length");
  const RankedRows ranked = RankRows(y, score);
  if (ranked.num_positive == 0 || ranked.num_positive == y.size())
    throw Error("bootstrap: AUC and KS need both defaults and non-defaults");
  // Each replicate resamples the defaults and the non-defaults separately: draw counts per rank
  // within the class, so the pass in score order reads them in order.
  std::vector<std::uint32_t> pos(ranked.num_positive, 1), neg(y.size() - ranked.num_positive, 1);
  double auc = 0, ks = 0;
  WeightedAucKs(ranked.group_pos, ranked.group_neg, pos, neg, auc, ks);
  std::vector<double> aucs, kss, ginis;
  BootstrapRng rng(options.seed);
  for (std::size_t r = 0; r < options.replicates; ++r) {
    DrawCounts(rng, neg);
    DrawCounts(rng, pos);
    double a = 0, k = 0;
    WeightedAucKs(ranked.group_pos, ranked.group_neg, pos, neg, a, k);
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
