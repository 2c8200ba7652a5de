#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <deque>
#include <limits>
#include <random>
#include <vector>

#include "loanlens/tree/packed_forest.h"
#include "tree_test_util.h"

using loanlens::tree::Node;
using loanlens::tree::PackedForest;
using loanlens::tree::Tree;

namespace {

/// The same tree with its nodes numbered breadth first (as gbdt grows them), so that packing
/// has to reorder them.
Tree BreadthFirst(const Tree& t) {
  Tree out;
  std::vector<int> order;
  std::deque<int> queue = {0};
  while (!queue.empty()) {
    const int i = queue.front();
    queue.pop_front();
    order.push_back(i);
    if (!t.nodes[i].IsLeaf()) {
      queue.push_back(t.nodes[i].left);
      queue.push_back(t.nodes[i].right);
    }
  }
  std::vector<int> index(t.nodes.size());
  for (std::size_t k = 0; k < order.size(); ++k) index[order[k]] = static_cast<int>(k);
  for (int i : order) {
    Node n = t.nodes[i];
    if (!n.IsLeaf()) {
      n.left = index[n.left];
      n.right = index[n.right];
    }
    out.nodes.push_back(n);
  }
  return out;
}

/// A chain of `depth` splits (a leaf on the left of each), for rows that walk far.
Tree Chain(int depth) {
  Tree t;
  for (int k = 0; k < depth; ++k) {
    Node n;
    n.feature = k % 3;
    n.threshold = -1 + 0.05 * k;
    n.left = static_cast<int>(t.nodes.size()) + 1;
    n.right = n.left + 1;
    n.cover = depth - k + 1;
    t.nodes.push_back(n);
    Node leaf;
    leaf.value = 0.125 * k;
    leaf.cover = 1;
    t.nodes.push_back(leaf);
  }
  Node last;
  last.value = -3;
  last.cover = 1;
  t.nodes.push_back(last);
  return t;
}

/// Rows with the values comparisons are sensitive to: thresholds exactly, their float
/// neighbours, signed zeros, infinities and NaN; a quarter of the rows have a missing value (the
/// level-order walk takes rows with and without one on different paths).
std::vector<double> HardRows(const std::vector<Tree>& trees, std::mt19937_64& rng,
                             std::size_t num_rows, int num_features) {
  std::vector<double> thresholds = {0.0, -0.0, std::numeric_limits<double>::infinity(),
                                    -std::numeric_limits<double>::infinity(), NAN};
  for (const Tree& t : trees)
    for (const Node& n : t.nodes)
      if (!n.IsLeaf()) {
        const double f = static_cast<float>(n.threshold);
        thresholds.insert(thresholds.end(),
                          {n.threshold, f, std::nextafter(f, 2.0), std::nextafter(f, -2.0),
                           std::nextafter(n.threshold, 2.0), std::nextafter(n.threshold, -2.0)});
      }
  std::vector<double> x(num_rows * num_features);
  for (double& v : x)
    v = tree_test::Unit(rng) < 0.5
            ? thresholds[static_cast<std::size_t>(tree_test::Unit(rng) * thresholds.size())]
            : tree_test::Unit(rng) * 2.4 - 1.2;
  for (std::size_t r = 0; r < num_rows; r += 4)
    x[r * num_features + static_cast<std::size_t>(tree_test::Unit(rng) * num_features)] = NAN;
  return x;
}

/// Checks PackedForest's one-row and batch sums against the loop over Tree::Predict, bit for bit,
/// with and without float32 comparisons. Returns the number of differing sums.
std::size_t CountDifferences(const std::vector<Tree>& trees, const std::vector<double>& x,
                             std::size_t num_rows, int num_features) {
  std::size_t differ = 0;
  for (const bool float32 : {false, true}) {
    const PackedForest packed(trees, float32);
    CHECK(packed.NumTrees() == trees.size());
    std::vector<double> batch(num_rows);
    packed.SumBatch(x.data(), num_rows, num_features, 0.5, batch.data());
    for (std::size_t r = 0; r < num_rows; ++r) {
      double expected = 0.5;
      for (const Tree& t : trees) expected += t.Predict(x.data() + r * num_features, float32);
      const double one = packed.Sum(x.data() + r * num_features, 0.5);
      differ += std::memcmp(&expected, &one, sizeof(double)) != 0;
      differ += std::memcmp(&expected, &batch[r], sizeof(double)) != 0;
    }
  }
  return differ;
}

}  // namespace

TEST_CASE("PackedForest: every sum equals the loop over Tree::Predict bit for bit") {
  std::mt19937_64 rng(11);
  constexpr int kFeatures = 5;
  std::vector<Tree> shallow;  // level order; depth 8 is the deepest laid out so
  for (int t = 0; t < 40; ++t) {
    Tree tree = BreadthFirst(tree_test::RandomTree(rng, 1 + t % 8, kFeatures));
    // Kept only when dense enough to be padded (a sparse one goes to the mixed forest below).
    if (PackedForest({tree}, false).NumLevelOrderTrees() == 1) shallow.push_back(tree);
  }
  REQUIRE(shallow.size() >= 20);
  Tree leaf;
  leaf.nodes.resize(1);
  leaf.nodes[0].value = 0.75;
  shallow.push_back(leaf);            // a single leaf (depth 0)
  shallow.push_back(Chain(3));        // one edge, padded to a complete tree of depth 3
  constexpr std::size_t kRows = 203;  // three full blocks of 64 and a partial one
  const std::vector<double> x = HardRows(shallow, rng, kRows, kFeatures);
  REQUIRE(PackedForest(shallow, false).NumLevelOrderTrees() == shallow.size());
  SUBCASE("trees of depth <= 8 (level order)") {
    CHECK(CountDifferences(shallow, x, kRows, kFeatures) == 0);
  }
  SUBCASE("with deeper trees (depth first)") {
    std::vector<Tree> mixed = shallow;
    mixed.push_back(Chain(8));  // depth 8 but too sparse to pad: depth first
    mixed.push_back(Chain(9));
    mixed.push_back(Chain(40));  // deeper than the lock-step levels
    for (int t = 0; t < 10; ++t)
      mixed.push_back(BreadthFirst(tree_test::RandomTree(rng, 12, kFeatures)));
    const std::vector<double> rows = HardRows(mixed, rng, 1500, kFeatures);  // a block of 1024
    CHECK(PackedForest(mixed, false).NumLevelOrderTrees() == shallow.size());
    CHECK(CountDifferences(mixed, rows, 1500, kFeatures) == 0);
  }
}

TEST_CASE("PackedForest: float32 compares as float, double compares as double") {
  // x = 0.1 and threshold 0.1f: as double 0.1 < 0.1f (0.1f is larger), as float they are equal.
  Tree t;
  t.nodes.resize(3);
  t.nodes[0].left = 1;
  t.nodes[0].right = 2;
  t.nodes[0].feature = 0;
  t.nodes[0].threshold = static_cast<float>(0.1);
  t.nodes[1].value = -1;
  t.nodes[2].value = 1;
  const double x = 0.1;
  CHECK(PackedForest({t}, false).Sum(&x, 0) == -1);
  CHECK(PackedForest({t}, true).Sum(&x, 0) == 1);
  const double missing = NAN;
  t.nodes[0].default_left = false;
  CHECK(PackedForest({t}, false).Sum(&missing, 0) == 1);
  t.nodes[0].default_left = true;
  CHECK(PackedForest({t}, true).Sum(&missing, 0) == -1);
}
