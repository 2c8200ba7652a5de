#pragma once
// Helpers for the tree tests: random trees with consistent covers, synthetic data, brute-force
// Shapley values of the path-dependent game (independent of the library's algorithms).
#include <cmath>
#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "loanlens/model.h"
#include "loanlens/train_data.h"
#include "loanlens/tree/tree.h"

namespace tree_test {

using loanlens::tree::Node;
using loanlens::tree::Tree;

/// Random tree of at most `depth` levels on features [0, num_features); covers consistent.
/// Uniform in [0, 1) and standard normal (Box-Muller) from the 64-bit Mersenne Twister, whose
/// output the C++ standard fixes: the same test data natively (libstdc++) and in WebAssembly
/// (libc++), whose std:: distributions differ.
inline double Unit(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }
inline double Normal(std::mt19937_64& rng) {
  const double u1 = Unit(rng), u2 = Unit(rng);
  return std::sqrt(-2.0 * std::log(1.0 - u1)) * std::cos(6.283185307179586 * u2);
}

inline Tree RandomTree(std::mt19937_64& rng, int depth, int num_features) {
  Tree t;
  std::function<int(int)> grow = [&](int d) -> int {
    const int id = static_cast<int>(t.nodes.size());
    t.nodes.emplace_back();
    if (d == depth || (d > 0 && Unit(rng) < 0.2)) {
      t.nodes[id].value = Unit(rng) * 4 - 2;
      t.nodes[id].cover = 1 + std::floor(Unit(rng) * 20);
      return id;
    }
    t.nodes[id].feature = static_cast<int>(Unit(rng) * num_features);
    t.nodes[id].threshold = Unit(rng) * 2 - 1;
    t.nodes[id].default_left = Unit(rng) < 0.5;
    const int l = grow(d + 1);
    const int r = grow(d + 1);
    t.nodes[id].left = l;
    t.nodes[id].right = r;
    t.nodes[id].cover = t.nodes[l].cover + t.nodes[r].cover;
    return id;
  };
  grow(0);
  return t;
}

/// Random row: values in [-1.2, 1.2], some missing.
inline std::vector<double> RandomRow(std::mt19937_64& rng, int num_features) {
  std::vector<double> x(num_features);
  for (double& v : x) v = Unit(rng) < 0.1 ? NAN : Unit(rng) * 2.4 - 1.2;
  return x;
}

/// Column names x0 .. x(m-1).
inline std::vector<std::string> ColumnNames(int m) {
  std::vector<std::string> names;
  for (int j = 0; j < m; ++j) names.push_back("x" + std::to_string(j));
  return names;
}

/// The same trees with leaf values mapped from [-2, 2] (RandomTree's range) to probabilities in
/// [0, 1], as a random forest's leaves hold.
inline std::vector<Tree> AsProbabilities(std::vector<Tree> trees) {
  for (Tree& t : trees)
    for (auto& n : t.nodes) n.value = (n.value + 2) / 4;
  return trees;
}

/// v(S): expectation of the tree with features in S fixed to x, others following covers.
inline double PathExpectation(const Tree& t, int node, const double* x, unsigned coalition) {
  const Node& n = t.nodes[node];
  if (n.IsLeaf()) return n.value;
  if (coalition >> n.feature & 1u) {
    bool left = std::isnan(x[n.feature]) ? n.default_left : x[n.feature] < n.threshold;
    return PathExpectation(t, left ? n.left : n.right, x, coalition);
  }
  return (t.nodes[n.left].cover * PathExpectation(t, n.left, x, coalition) +
          t.nodes[n.right].cover * PathExpectation(t, n.right, x, coalition)) /
         n.cover;
}

inline double Fact(int n) { return n <= 1 ? 1.0 : n * Fact(n - 1); }

/// Shapley values by enumerating every coalition of the M players.
inline std::vector<double> BruteShap(const std::vector<Tree>& trees, const double* x, int m) {
  std::vector<double> value(1u << m, 0.0), phi(m, 0.0);
  for (unsigned s = 0; s < (1u << m); ++s)
    for (const Tree& t : trees) value[s] += PathExpectation(t, 0, x, s);
  for (int i = 0; i < m; ++i)
    for (unsigned s = 0; s < (1u << m); ++s) {
      if (s >> i & 1u) continue;
      const int k = __builtin_popcount(s);
      phi[i] += Fact(k) * Fact(m - k - 1) / Fact(m) * (value[s | (1u << i)] - value[s]);
    }
  return phi;
}

/// Shapley interaction index (off-diagonal, halved as in the SHAP paper) by enumeration.
inline double BruteInteraction(const std::vector<Tree>& trees, const double* x, int m, int i,
                               int j) {
  auto v = [&](unsigned s) {
    double total = 0;
    for (const Tree& t : trees) total += PathExpectation(t, 0, x, s);
    return total;
  };
  double out = 0;
  for (unsigned s = 0; s < (1u << m); ++s) {
    if ((s >> i & 1u) || (s >> j & 1u)) continue;
    const int k = __builtin_popcount(s);
    const unsigned bi = 1u << i, bj = 1u << j;
    out += Fact(k) * Fact(m - k - 2) / (2 * Fact(m - 1)) *
           (v(s | bi | bj) - v(s | bi) - v(s | bj) + v(s));
  }
  return out;
}

/// AUC by counting ordered pairs (ties count half): slow, obviously right.
inline double PairAuc(const std::vector<double>& score, const std::vector<double>& label) {
  double good = 0, pairs = 0;
  for (std::size_t i = 0; i < score.size(); ++i)
    if (label[i] == 1)
      for (std::size_t j = 0; j < score.size(); ++j)
        if (label[j] == 0) {
          pairs += 1;
          good += score[i] > score[j] ? 1 : score[i] == score[j] ? 0.5 : 0;
        }
  return good / pairs;
}

/// Synthetic credit-like data: y depends on x0 (up), x1 (down), x2 x3 interaction; x4 noise;
/// some x1 missing. Row-major.
struct Synthetic {
  std::size_t num_rows, num_inputs = 5;
  std::vector<double> x, y;
  std::vector<double> true_margin;  ///< the generating log-odds (Bayes-optimal score)
};

inline Synthetic MakeSynthetic(std::size_t num_rows, std::uint64_t seed) {
  Synthetic d;
  d.num_rows = num_rows;
  std::mt19937_64 rng(seed);
  for (std::size_t i = 0; i < num_rows; ++i) {
    double f[5];
    for (double& v : f) v = Normal(rng);
    f[3] = Unit(rng) < 0.5 ? 1.0 : 0.0;
    const double margin = 1.2 * f[0] - 0.8 * f[1] + 0.9 * f[2] * (f[3] * 2 - 1) - 0.3;
    const double y = Unit(rng) < 1 / (1 + std::exp(-margin)) ? 1.0 : 0.0;
    if (Unit(rng) < 0.1) f[1] = NAN;
    d.x.insert(d.x.end(), f, f + 5);
    d.y.push_back(y);
    d.true_margin.push_back(margin);
  }
  return d;
}

/// A TrainData view of synthetic data (income, debt_ratio, a, b, noise); with `groups`, each
/// column is its own original feature.
inline loanlens::TrainData View(const Synthetic& d, bool groups) {
  loanlens::TrainData t;
  t.x = d.x.data();
  t.num_rows = d.num_rows;
  t.num_inputs = d.num_inputs;
  t.y = d.y.data();
  t.input_names = {"income", "debt_ratio", "a", "b", "noise"};
  if (groups) {
    t.group = {0, 1, 2, 3, 4};
    t.group_names = t.input_names;
  }
  return t;
}

}  // namespace tree_test
