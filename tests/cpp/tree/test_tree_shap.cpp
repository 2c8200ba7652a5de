#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <vector>

#include "loanlens/tree/tree_shap.h"
#include "tree_test_util.h"

using loanlens::tree::ExpectedValue;
using loanlens::tree::ShapInteractions;
using loanlens::tree::Tree;
using loanlens::tree::TreeShapExplainer;
using loanlens::tree::TreeShapRecursive;

namespace {
double SumPredict(const std::vector<Tree>& trees, const double* x) {
  double s = 0;
  for (const Tree& t : trees) s += t.Predict(x);
  return s;
}
}  // namespace

TEST_CASE("TreeSHAP equals brute-force Shapley values on small trees") {
  std::mt19937_64 rng(42);
  const int m = 6;
  for (int trial = 0; trial < 30; ++trial) {
    std::vector<Tree> trees;
    for (int t = 0; t < 3; ++t) trees.push_back(tree_test::RandomTree(rng, 1 + trial % 5, m));
    TreeShapExplainer explainer(&trees, m, false);
    for (int r = 0; r < 5; ++r) {
      std::vector<double> x = tree_test::RandomRow(rng, m);
      std::vector<double> brute = tree_test::BruteShap(trees, x.data(), m);
      std::vector<double> fast(m), recursive(m, 0.0);
      const double base = explainer.Explain(x.data(), fast.data());
      for (const Tree& t : trees) TreeShapRecursive(t, x.data(), false, recursive.data());
      double sum = base;
      for (int i = 0; i < m; ++i) {
        CHECK(fast[i] == doctest::Approx(brute[i]).epsilon(1e-12));
        CHECK(std::abs(fast[i] - brute[i]) < 1e-12);
        CHECK(std::abs(recursive[i] - brute[i]) < 1e-12);
        sum += fast[i];
      }
      // Base is v(empty set); base + sum(phi) is the prediction.
      double base_brute = 0;
      for (const Tree& t : trees) base_brute += tree_test::PathExpectation(t, 0, x.data(), 0u);
      CHECK(std::abs(base - base_brute) < 1e-12);
      CHECK(std::abs(sum - SumPredict(trees, x.data())) < 1e-12);
    }
  }
}

TEST_CASE("TreeSHAP additivity on many rows and deep trees (Algorithm 2 fallback)") {
  std::mt19937_64 rng(7);
  const int m = 16;
  std::vector<Tree> trees;
  for (int t = 0; t < 20; ++t) trees.push_back(tree_test::RandomTree(rng, 4, m));
  // Deep trees exceed the table limit and use Algorithm 2; mix them in.
  for (int t = 0; t < 3; ++t) trees.push_back(tree_test::RandomTree(rng, 12, m));
  TreeShapExplainer explainer(&trees, m, false);
  std::vector<double> phi(m), recursive(m);
  for (int r = 0; r < 60; ++r) {
    std::vector<double> x = tree_test::RandomRow(rng, m);
    const double base = explainer.Explain(x.data(), phi.data());
    std::fill(recursive.begin(), recursive.end(), 0.0);
    for (const Tree& t : trees) TreeShapRecursive(t, x.data(), false, recursive.data());
    double sum = base;
    for (int i = 0; i < m; ++i) {
      sum += phi[i];
      CHECK(std::abs(phi[i] - recursive[i]) < 1e-9);
    }
    CHECK(std::abs(sum - SumPredict(trees, x.data())) < 1e-9);
  }
}

TEST_CASE("TreeSHAP: dummy features get zero, symmetric features equal") {
  // f = 1 when x0 < 0 and x1 < 0 (x2 unused); x0 and x1 play symmetric roles.
  Tree t;
  t.nodes.resize(5);
  t.nodes[0] = {1, 2, 0, 0.0, true, 0, 40, 1};
  t.nodes[1] = {3, 4, 1, 0.0, true, 0, 20, 1};
  t.nodes[2] = {-1, -1, -1, 0, true, 0, 20, 0};
  t.nodes[3] = {-1, -1, -1, 0, true, 1, 10, 0};
  t.nodes[4] = {-1, -1, -1, 0, true, 0, 10, 0};
  std::vector<Tree> trees = {t};
  TreeShapExplainer explainer(&trees, 3, false);
  const double x[3] = {-1, -1, 5};
  double phi[3];
  const double base = explainer.Explain(x, phi);
  CHECK(base == doctest::Approx(0.25));
  CHECK(phi[2] == 0.0);
  CHECK(phi[0] == doctest::Approx(phi[1]).epsilon(1e-14));
  CHECK(phi[0] + phi[1] + base == doctest::Approx(1.0));
  SUBCASE("missing values follow default_left") {
    const double xm[3] = {NAN, -1, 0};
    explainer.Explain(xm, phi);
    CHECK(phi[0] == doctest::Approx(phi[1]).epsilon(1e-14));
  }
}

TEST_CASE("SHAP interaction values: brute force, symmetry, rows sum to phi") {
  std::mt19937_64 rng(3);
  const int m = 5;
  for (int trial = 0; trial < 10; ++trial) {
    std::vector<Tree> trees;
    for (int t = 0; t < 2; ++t) trees.push_back(tree_test::RandomTree(rng, 4, m));
    std::vector<double> x = tree_test::RandomRow(rng, m);
    std::vector<double> inter(m * m);
    const double base = ShapInteractions(trees, m, x.data(), false, inter.data());
    std::vector<double> phi = tree_test::BruteShap(trees, x.data(), m);
    double total = base;
    for (int i = 0; i < m; ++i) {
      double row = 0;
      for (int j = 0; j < m; ++j) {
        row += inter[i * m + j];
        total += inter[i * m + j];
        CHECK(std::abs(inter[i * m + j] - inter[j * m + i]) < 1e-12);
        if (i != j)
          CHECK(std::abs(inter[i * m + j] - tree_test::BruteInteraction(trees, x.data(), m, i, j)) <
                1e-12);
      }
      CHECK(std::abs(row - phi[i]) < 1e-12);
    }
    CHECK(std::abs(total - SumPredict(trees, x.data())) < 1e-12);
  }
}

TEST_CASE("ExpectedValue is the cover-weighted mean of the leaves") {
  std::mt19937_64 rng(11);
  Tree t = tree_test::RandomTree(rng, 5, 4);
  double weighted = 0, total = 0;
  for (const auto& n : t.nodes)
    if (n.IsLeaf()) {
      weighted += n.value * n.cover;
      total += n.cover;
    }
  CHECK(ExpectedValue(t) == doctest::Approx(weighted / total).epsilon(1e-12));
}

TEST_CASE("TreeSHAP on deep chains: tables (fast) and Algorithm 2 agree, memory linear") {
  // A chain of depth 256 (the limit) on 4 features: the leaf-path walk is iterative and the
  // tables stay small (4 distinct features per leaf); Algorithm 2 recurses 256 levels.
  Tree chain;
  const int depth = 256, m = 4;
  chain.nodes.resize(2 * depth + 1);
  for (std::size_t i = 0; i < chain.nodes.size(); ++i) {
    chain.nodes[i].value = std::sin(static_cast<double>(i));
    chain.nodes[i].cover = static_cast<double>(chain.nodes.size() - i);
  }
  for (int k = 0; k < depth; ++k) {
    auto& n = chain.nodes[2 * k];
    n.left = 2 * k + 1;
    n.right = 2 * k + 2;
    n.feature = k % m;
    n.threshold = -1 + 2.0 * k / depth;
    chain.nodes[2 * k + 1].cover = 1;
    n.cover = 1 + chain.nodes[2 * k + 2].cover;
  }
  const std::vector<Tree> trees = {chain};
  TreeShapExplainer explainer(&trees, m, false);
  std::mt19937_64 rng(5);
  for (int r = 0; r < 20; ++r) {
    std::vector<double> x = tree_test::RandomRow(rng, m), fast(m), slow(m, 0.0), inter(m * m);
    const double base = explainer.Explain(x.data(), fast.data());
    TreeShapRecursive(chain, x.data(), false, slow.data());
    double sum = base;
    for (int i = 0; i < m; ++i) {
      CHECK(fast[i] == doctest::Approx(slow[i]).epsilon(1e-10));
      sum += fast[i];
    }
    CHECK(sum == doctest::Approx(chain.Predict(x.data())).epsilon(1e-10));
    ShapInteractions(trees, m, x.data(), false, inter.data());
    for (int i = 0; i < m; ++i) {
      double row = 0;
      for (int j = 0; j < m; ++j) row += inter[i * m + j];
      CHECK(row == doctest::Approx(slow[i]).epsilon(1e-9));
    }
  }
}
