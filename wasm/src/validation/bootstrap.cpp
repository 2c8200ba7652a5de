#include "loanlens/validation/bootstrap.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "loanlens/error.h"

namespace loanlens {

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
  for (const auto& s : strata) {
    if (s.size() > std::numeric_limits<std::uint32_t>::max())
      throw Error("bootstrap: a stratum of more than 2^32 - 1 rows");
    DrawIndices(rng, static_cast<std::uint32_t>(s.size()),
                [&](std::uint32_t k) { weights[s[k]] += 1; });
  }
}

void DrawGroupCounts(BootstrapRng& rng, const std::vector<std::uint32_t>& row_group,
                     std::vector<std::uint32_t>& group_counts) {
  std::fill(group_counts.begin(), group_counts.end(), 0u);
  DrawIndices(rng, static_cast<std::uint32_t>(row_group.size()),
              [&](std::uint32_t k) { ++group_counts[row_group[k]]; });
}

void GroupAucKs(const std::vector<std::uint32_t>& group_pos,
                const std::vector<std::uint32_t>& group_neg, double& auc, double& ks) {
  std::uint64_t total_pos = 0, total_neg = 0;
  for (std::uint32_t c : group_pos) total_pos += c;
  for (std::uint32_t c : group_neg) total_neg += c;
  const double pos = static_cast<double>(total_pos), neg = static_cast<double>(total_neg);
  // Ascending pass: each default beats the non-defaults below it, ties count 1/2. Counts and
  // their products are integers (exact in a double below 2^53), divided once at the end.
  double neg_below = 0, pairs = 0, gap = 0;
  double pos_above = pos, neg_above = neg;  // rows with score >= the current group's score
  for (std::size_t g = 0; g < group_pos.size(); ++g) {
    const double gp = group_pos[g], gn = group_neg[g];
    pairs += gp * (neg_below + 0.5 * gn);
    neg_below += gn;
    // "score >= this group's score" flags pos_above / pos of the defaults and neg_above / neg
    // of the others; their difference times pos * neg:
    gap = std::max(gap, pos_above * neg - neg_above * pos);
    pos_above -= gp;
    neg_above -= gn;
  }
  auc = pairs / (pos * neg);
  ks = gap / (pos * neg);
}

namespace {

/// Rows sorted once by score into groups of tied scores (ascending): the group of each default
/// and of each non-default, and how many of each class every group holds.
struct RankedRows {
  std::vector<std::uint32_t> pos_group, neg_group;  ///< group of the k-th row of the class
  std::vector<std::uint32_t> group_pos, group_neg;  ///< rows of each class per group
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
    const auto group = static_cast<std::uint32_t>(r.group_pos.size() - 1);
    const bool positive = y[order[k]] > 0.5;
    ++(positive ? r.group_pos : r.group_neg).back();
    (positive ? r.pos_group : r.neg_group).push_back(group);
  }
  return r;
}

}  // namespace

RankIntervals BootstrapRankMetrics(const std::vector<double>& y, const std::vector<double>& score,
                                   const BootstrapOptions& options) {
  if (y.size() != score.size()) throw Error("bootstrap: y and score differ in length");
  if (y.size() > std::numeric_limits<std::uint32_t>::max())
    throw Error("bootstrap: more than 2^32 - 1 rows");
  const RankedRows ranked = RankRows(y, score);
  if (ranked.pos_group.empty() || ranked.neg_group.empty())
    throw Error("bootstrap: AUC and KS need both defaults and non-defaults");
  double auc = 0, ks = 0;
  GroupAucKs(ranked.group_pos, ranked.group_neg, auc, ks);
  // Each replicate resamples the defaults and the non-defaults separately; only how many draws
  // land in each tied group matters to AUC and KS.
  std::vector<std::uint32_t> pos(ranked.group_pos.size()), neg(ranked.group_neg.size());
  std::vector<double> aucs, kss, ginis;
  BootstrapRng rng(options.seed);
  for (std::size_t r = 0; r < options.replicates; ++r) {
    DrawGroupCounts(rng, ranked.neg_group, neg);
    DrawGroupCounts(rng, ranked.pos_group, pos);
    double a = 0, k = 0;
    GroupAucKs(pos, neg, a, k);
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
