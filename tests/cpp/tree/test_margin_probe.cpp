#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "loanlens/tree/gbdt.h"
#include "loanlens/tree/margin_probe.h"
#include "loanlens/tree/random_forest.h"
#include "tree_test_util.h"

using loanlens::Model;
using loanlens::tree::GbdtModel;
using loanlens::tree::RandomForestModel;
using loanlens::tree::Tree;

namespace {

/// Probe(x).Margin(row) == PredictMargin(row) exactly, for rows that differ from x in no, one,
/// two or every column (NaN included), and for x itself after other rows.
void CheckProbe(const Model& model, std::mt19937_64& rng, int m) {
  const std::vector<double> x = tree_test::RandomRow(rng, m);
  const auto probe = model.Probe(x.data());
  std::uniform_int_distribution<int> column(0, m - 1);
  for (int k = 0; k < 40; ++k) {
    std::vector<double> row = x;
    const int changes = k % 4 == 3 ? m : k % 3;
    const std::vector<double> other = tree_test::RandomRow(rng, m);
    for (int c = 0; c < changes; ++c) {
      const int j = changes == m ? c : column(rng);
      row[j] = other[j];
    }
    if (k % 5 == 0) row[column(rng)] = NAN;
    CHECK(probe->Margin(row.data()) == model.PredictMargin(row.data()));
    CHECK(probe->Margin(x.data()) == model.PredictMargin(x.data()));
  }
}

}  // namespace

TEST_CASE("tree margin probe: the same margin as PredictMargin, bit for bit") {
  std::mt19937_64 rng(7);
  const int m = 7;
  for (int trial = 0; trial < 12; ++trial) {
    std::vector<Tree> trees;
    for (int t = 0; t < 30; ++t) trees.push_back(tree_test::RandomTree(rng, 1 + t % 5, m));
    const GbdtModel g(trees, -0.3, tree_test::ColumnNames(m), trial % 2 == 1);
    CheckProbe(g, rng, m);
    const RandomForestModel rf(tree_test::AsProbabilities(trees), tree_test::ColumnNames(m), NAN);
    CheckProbe(rf, rng, m);
  }
}

TEST_CASE("tree margin probe: a column swept across its split thresholds, as the limit search") {
  // Values exactly at, just below and just above every threshold of column 2, from the top
  // down and back up: each row differs from the previous one in that column only.
  std::mt19937_64 rng(11);
  const int m = 5;
  std::vector<Tree> trees;
  for (int t = 0; t < 40; ++t) trees.push_back(tree_test::RandomTree(rng, 1 + t % 6, m));
  for (bool float32 : {false, true}) {
    const GbdtModel g(trees, 0.7, tree_test::ColumnNames(m), float32);
    const std::vector<double> thresholds = *g.SplitThresholds(2);
    std::vector<double> values;
    for (double t : thresholds)
      for (double v : {std::nextafter(t, -1e9), t, std::nextafter(t, 1e9)}) values.push_back(v);
    std::vector<double> row = tree_test::RandomRow(rng, m);
    const auto probe = g.Probe(row.data());
    for (int pass = 0; pass < 2; ++pass)
      for (std::size_t k = 0; k < values.size(); ++k) {
        row[2] = values[pass == 0 ? values.size() - 1 - k : k];
        CHECK(probe->Margin(row.data()) == g.PredictMargin(row.data()));
      }
  }
}
