#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <numeric>
#include <vector>

#include "loanlens/error.h"
#include "loanlens/metrics.h"
#include "loanlens/validation/bootstrap.h"

using namespace loanlens;

namespace {
void Sample(std::vector<double>& y, std::vector<double>& s, std::size_t n) {
  BootstrapRng rng(99);
  for (std::size_t i = 0; i < n; ++i) {
    y.push_back(rng.Below(3) == 0 ? 1.0 : 0.0);
    // Scores on a coarse grid so that there are ties.
    s.push_back(static_cast<double>(rng.Below(50)) / 100 + 0.3 * y.back());
  }
}
}  // namespace

TEST_CASE("the generator is SplitMix64 and DrawIndices is uniform over its range") {
  BootstrapRng rng(0);  // the reference implementation's first output for seed 0
  CHECK(rng.Next() == 0xe220a8397b1dcdafULL);
  // Each output gives two indices: its low 32 bits, then its high 32 bits, scaled to [0, n).
  BootstrapRng a(3), b(3);
  std::vector<std::uint32_t> drawn;
  DrawIndices(a, 1000, [&](std::uint32_t k) { drawn.push_back(k); });
  REQUIRE(drawn.size() == 1000);
  const std::uint64_t word = b.Next();
  CHECK(drawn[0] == ((word & 0xffffffffu) * 1000) >> 32);
  CHECK(drawn[1] == ((word >> 32) * 1000) >> 32);
  // An odd count takes its last index from the low half of a fresh output.
  BootstrapRng e(5), f(5);
  std::vector<std::uint32_t> three;
  DrawIndices(e, 3, [&](std::uint32_t k) { three.push_back(k); });
  REQUIRE(three.size() == 3);
  f.Next();
  CHECK(three[2] == ((f.Next() & 0xffffffffu) * 3) >> 32);
  CHECK(e.Next() == f.Next());  // three indices took exactly two outputs
  // No rows, no draws (and no generator output consumed).
  BootstrapRng g(5), h(5);
  DrawIndices(g, 0, [](std::uint32_t) { FAIL("a draw from an empty range"); });
  CHECK(g.Next() == h.Next());
  std::vector<int> count(7, 0);
  BootstrapRng r(7);
  for (int k = 0; k < 10000; ++k)
    DrawIndices(r, 7, [&](std::uint32_t v) {
      REQUIRE(v < 7);
      ++count[v];
    });
  for (int c : count) CHECK(std::abs(c - 10000) < 500);  // 5 standard deviations
  DrawIndices(r, 1, [](std::uint32_t v) { CHECK(v == 0); });
  // A range near 2^32: draws reach its upper half too.
  const std::uint32_t big = 0xfffffff0u;
  bool above_half = false;
  for (int k = 0; k < 64; ++k)
    above_half |=
        MapToRange(static_cast<std::uint32_t>(r.Next()), big, (0u - big) % big, r) >= big / 2;
  CHECK(above_half);
  // Bits whose product falls in the biased 2^32 mod n are redrawn from the next output.
  const std::uint32_t n = 0xc0000000u, biased = (0u - n) % n;  // 2^30
  REQUIRE(biased == 0x40000000u);
  BootstrapRng c(11), d(11);
  std::uint64_t next = d.Next();
  while (((next & 0xffffffffu) * n & 0xffffffffu) < biased) next = d.Next();
  CHECK(MapToRange(0, n, biased, c) == ((next & 0xffffffffu) * n) >> 32);
}

TEST_CASE("percentiles interpolate like numpy") {
  CHECK(Percentile({1, 2, 3, 4}, 0.5) == doctest::Approx(2.5));
  CHECK(Percentile({4, 1, 3, 2}, 0.25) == doctest::Approx(1.75));
  CHECK(Percentile({5}, 0.975) == 5);
}

TEST_CASE("weighted AUC and KS with unit weights equal RocAuc and KsStatistic") {
  std::vector<double> y, s;
  Sample(y, s, 400);
  const auto r = BootstrapRankMetrics(y, s, BootstrapOptions{0, 1, 0.95});
  CHECK(r.auc.estimate == doctest::Approx(RocAuc(y, s)).epsilon(1e-14));
  CHECK(r.ks.estimate == doctest::Approx(KsStatistic(y, s).ks).epsilon(1e-14));
  CHECK(r.gini.estimate == doctest::Approx(2 * RocAuc(y, s) - 1).epsilon(1e-14));
  CHECK(r.auc.lower == r.auc.estimate);  // no replicates: no interval
}

TEST_CASE(
    "AUC and KS of one resample counted per tied group equal RocAuc and KsStatistic of "
    "the rows drawn") {
  std::vector<double> y, s;
  Sample(y, s, 300);
  // Rows in score order (stable), their tied-score groups, and each class's rows by group.
  std::vector<std::size_t> order(y.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return s[a] < s[b]; });
  std::vector<double> group_score;
  std::vector<std::uint32_t> pos_group, neg_group;
  for (std::size_t k = 0; k < order.size(); ++k) {
    if (k == 0 || s[order[k]] != s[order[k - 1]]) group_score.push_back(s[order[k]]);
    const auto g = static_cast<std::uint32_t>(group_score.size() - 1);
    (y[order[k]] > 0.5 ? pos_group : neg_group).push_back(g);
  }
  REQUIRE(group_score.size() < order.size());  // the sample has ties
  std::vector<std::uint32_t> pos(group_score.size()), neg(group_score.size());
  BootstrapRng rng(5);
  DrawGroupCounts(rng, pos_group, pos);
  DrawGroupCounts(rng, neg_group, neg);
  CHECK(std::accumulate(pos.begin(), pos.end(), 0u) == pos_group.size());
  CHECK(std::accumulate(neg.begin(), neg.end(), 0u) == neg_group.size());
  // The drawn rows written out: group g's score pos[g] times as a default, neg[g] times not.
  std::vector<double> y_drawn, s_drawn;
  for (std::size_t g = 0; g < group_score.size(); ++g) {
    y_drawn.insert(y_drawn.end(), pos[g], 1.0);
    y_drawn.insert(y_drawn.end(), neg[g], 0.0);
    s_drawn.insert(s_drawn.end(), pos[g] + neg[g], group_score[g]);
  }
  double auc = 0, ks = 0;
  GroupAucKs(pos, neg, auc, ks);
  CHECK(auc == doctest::Approx(RocAuc(y_drawn, s_drawn)).epsilon(1e-12));
  CHECK(ks == doctest::Approx(KsStatistic(y_drawn, s_drawn).ks).epsilon(1e-12));
  // A row's draws go to its own group: a class held in one group draws every row there.
  std::vector<std::uint32_t> one(3);
  DrawGroupCounts(rng, {1, 1, 1, 1}, one);
  CHECK(one == std::vector<std::uint32_t>{0, 4, 0});
}

TEST_CASE("bootstrap intervals are reproducible by seed, the same natively and in WebAssembly") {
  std::vector<double> y, s;
  Sample(y, s, 400);
  const BootstrapOptions o{200, 7, 0.95};
  const auto a = BootstrapRankMetrics(y, s, o);
  const auto b = BootstrapRankMetrics(y, s, o);
  CHECK(a.auc.lower == b.auc.lower);
  CHECK(a.auc.upper == b.auc.upper);
  CHECK(a.ks.upper == b.ks.upper);
  CHECK(a.auc.lower < a.auc.estimate);
  CHECK(a.auc.estimate < a.auc.upper);
  CHECK(a.gini.lower == doctest::Approx(2 * a.auc.lower - 1).epsilon(1e-12));
  // Golden values from this implementation (SplitMix64 and our own index mapping only), so
  // the WebAssembly run of this suite checks it reproduces the native numbers.
  CHECK(a.auc.lower == doctest::Approx(0.8962384974).epsilon(1e-9));
  CHECK(a.auc.upper == doctest::Approx(0.9429704158).epsilon(1e-9));
  CHECK(a.ks.lower == doctest::Approx(0.5923226911).epsilon(1e-9));
  const auto c = BootstrapRankMetrics(y, s, BootstrapOptions{200, 8, 0.95});
  CHECK((c.auc.lower != a.auc.lower || c.auc.upper != a.auc.upper));
}

TEST_CASE("stratified draws keep each stratum's size") {
  BootstrapRng rng(3);
  std::vector<double> w(6);
  DrawStratified({{0, 1, 2}, {3, 4, 5}}, rng, w);
  CHECK(w[0] + w[1] + w[2] == 3);
  CHECK(w[3] + w[4] + w[5] == 3);
  CHECK_THROWS_AS(BootstrapRankMetrics({0, 0}, {0.1, 0.2}), Error);
}
