#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "../explain/background_test_util.h"
#include "../fixture_json.h"
#include "loanlens/error.h"
#include "loanlens/model_registry.h"
#include "loanlens/parallel.h"
#include "loanlens/tree/gbdt.h"
#include "loanlens/tree/interventional_shap.h"
#include "loanlens/tree/random_forest.h"
#include "loanlens/tree/xgboost_import.h"
#include "tree_test_util.h"

using background_test::BruteInterventional;
using background_test::MeanMargin;
using loanlens::Model;
using loanlens::tree::GbdtModel;
using loanlens::tree::InterventionalArgs;
using loanlens::tree::InterventionalTreeShap;
using loanlens::tree::RandomForestModel;
using loanlens::tree::Tree;

namespace {

using loanlens::test::ReadJson;

/// num_rows random design rows (values in [-1.2, 1.2], about 10% missing), row-major.
std::vector<double> RandomRows(std::mt19937_64& rng, int num_rows, int m) {
  std::vector<double> rows;
  for (int r = 0; r < num_rows; ++r) {
    const std::vector<double> x = tree_test::RandomRow(rng, m);
    rows.insert(rows.end(), x.begin(), x.end());
  }
  return rows;
}

struct Worst {
  double brute = 0;  ///< max |phi - brute-force phi|
  double sum = 0;    ///< max |sum(phi) - (f(x) - mean f(z))|
};

/// Explains x against the background and compares with brute force and additivity.
void Compare(const Model& model, const std::vector<double>& x, const std::vector<double>& bg,
             const std::vector<int>& group, int num_players, Worst& worst) {
  std::vector<double> phi(num_players, NAN);
  REQUIRE(model.ExplainAgainst(x.data(), bg.data(), bg.size() / x.size(), group, num_players,
                               phi.data()));
  const std::vector<double> brute = BruteInterventional(model, x, bg, group, num_players);
  double sum = 0;
  for (int i = 0; i < num_players; ++i) {
    worst.brute = std::max(worst.brute, std::abs(phi[i] - brute[i]));
    sum += phi[i];
  }
  const double gap = model.PredictMargin(x.data()) - MeanMargin(model, bg);
  worst.sum = std::max(worst.sum, std::abs(sum - gap));
}

}  // namespace

TEST_CASE("interventional TreeSHAP equals brute-force Shapley values (gbdt, random_forest)") {
  std::mt19937_64 rng(2020);
  const int m = 8;
  // Each design column its own player, and one-hot-like groups (several columns per player,
  // split at several nodes of one path: conflicting requirements must drop the path).
  const std::vector<std::vector<int>> groups = {{0, 1, 2, 3, 4, 5, 6, 7}, {0, 0, 1, 2, 2, 2, 3, 4}};
  const std::vector<int> players = {8, 5};
  Worst gbdt, forest;
  for (int trial = 0; trial < 24; ++trial) {
    std::vector<Tree> trees;
    for (int t = 0; t < 3; ++t) trees.push_back(tree_test::RandomTree(rng, 1 + trial % 6, m));
    GbdtModel g(trees, 0.25, tree_test::ColumnNames(m), false);
    RandomForestModel rf(tree_test::AsProbabilities(trees), tree_test::ColumnNames(m), NAN);
    const std::vector<int>& group = groups[trial % 2];
    const int num_players = players[trial % 2];
    for (int r = 0; r < 4; ++r) {
      const std::vector<double> x = tree_test::RandomRow(rng, m);
      const std::vector<double> bg = RandomRows(rng, 7, m);
      Compare(g, x, bg, group, num_players, gbdt);
      Compare(rf, x, bg, group, num_players, forest);
    }
  }
  CHECK(gbdt.brute < 1e-12);
  CHECK(gbdt.sum < 1e-12);
  CHECK(forest.brute < 1e-12);
  CHECK(forest.sum < 1e-12);
}

TEST_CASE("interventional TreeSHAP on trained models: additivity with missing values") {
  const auto train = tree_test::MakeSynthetic(800, 31);
  const auto test = tree_test::MakeSynthetic(300, 32);
  const std::vector<double> bg(train.x.begin(), train.x.begin() + 150 * 5);
  auto gbdt = loanlens::TrainModel("gbdt", tree_test::View(train, true),
                                   {{"n_trees", "60"}, {"max_depth", "4"}}, {});
  auto rf = loanlens::TrainModel("random_forest", tree_test::View(train, true),
                                 {{"n_trees", "20"}, {"max_depth", "8"}}, {});
  // Players: each column, and groups of columns (income + debt_ratio, a + b, noise).
  const std::vector<std::vector<int>> groups = {{0, 1, 2, 3, 4}, {0, 0, 1, 1, 2}};
  const std::vector<int> players = {5, 3};
  int missing = 0;
  for (std::size_t k = 0; k < groups.size(); ++k)
    for (const Model* model : {gbdt.get(), rf.get()}) {
      CAPTURE(model->Kind());
      double worst = 0;
      std::vector<double> phi(players[k]);
      for (std::size_t i = 0; i < 120; ++i) {
        const double* x = &test.x[i * 5];
        missing += std::isnan(x[1]) ? 1 : 0;
        REQUIRE(model->ExplainAgainst(x, bg.data(), 150, groups[k], players[k], phi.data()));
        double sum = 0;
        for (double v : phi) sum += v;
        worst = std::max(worst, std::abs(sum - (model->PredictMargin(x) - MeanMargin(*model, bg))));
      }
      CHECK(worst < 1e-9);
      // Brute force on a few rows (5 players: 32 coalitions x 150 background rows).
      Worst w;
      for (std::size_t i = 0; i < 6; ++i) {
        const std::vector<double> x(test.x.begin() + i * 5, test.x.begin() + i * 5 + 5);
        Compare(*model, x, bg, groups[k], players[k], w);
      }
      CHECK(w.brute < 1e-12);
    }
  CHECK(missing > 0);  // rows with a missing debt_ratio were explained
}

TEST_CASE("interventional TreeSHAP: dummy players get exactly zero") {
  std::mt19937_64 rng(5);
  const int m = 8;
  std::vector<Tree> trees;
  for (int t = 0; t < 10; ++t) trees.push_back(tree_test::RandomTree(rng, 4, 6));  // x6, x7 unused
  GbdtModel g(trees, -1.0, tree_test::ColumnNames(m), false);
  // Player 6 owns the unused columns 6 and 7; player 7 owns no column at all.
  const std::vector<int> group = {0, 1, 2, 3, 4, 5, 6, 6};
  Worst w;
  for (int r = 0; r < 20; ++r) {
    const std::vector<double> x = tree_test::RandomRow(rng, m);
    const std::vector<double> bg = RandomRows(rng, 5, m);
    std::vector<double> phi(8, NAN);
    REQUIRE(g.ExplainAgainst(x.data(), bg.data(), 5, group, 8, phi.data()));
    CHECK(phi[6] == 0.0);
    CHECK(phi[7] == 0.0);
    Compare(g, x, bg, group, 8, w);
  }
  CHECK(w.brute < 1e-12);
  SUBCASE("a row explained against itself gets all zeros") {
    const std::vector<double> x = tree_test::RandomRow(rng, m);
    std::vector<double> phi(8, NAN);
    REQUIRE(g.ExplainAgainst(x.data(), x.data(), 1, group, 8, phi.data()));
    for (double v : phi) CHECK(v == 0.0);
  }
}

TEST_CASE("interventional TreeSHAP respects float32 split semantics (imported XGBoost)") {
  SUBCASE("a crafted split where float and double comparisons disagree") {
    // Root: x0 < 1 + 1e-9 ? -1 : 2. As double, 1.0 goes left; as float, 1.0f < 1.0f fails.
    Tree t;
    t.nodes.resize(3);
    t.nodes[0] = {1, 2, 0, 1 + 1e-9, true, 0, 2, 0};
    t.nodes[1].value = -1;
    t.nodes[2].value = 2;
    const std::vector<double> x = {1.0}, z = {5.0};
    std::vector<double> phi(1);
    GbdtModel as_double({t}, 0, tree_test::ColumnNames(1), false),
        as_float({t}, 0, tree_test::ColumnNames(1), true);
    REQUIRE(as_double.ExplainAgainst(x.data(), z.data(), 1, {0}, 1, phi.data()));
    CHECK(phi[0] == -3.0);
    REQUIRE(as_float.ExplainAgainst(x.data(), z.data(), 1, {0}, 1, phi.data()));
    CHECK(phi[0] == 0.0);
  }
  SUBCASE("random float32 ensembles on rows at the thresholds") {
    std::mt19937_64 rng(32);
    const int m = 6;
    Worst w;
    int disagree = 0;
    for (int trial = 0; trial < 12; ++trial) {
      std::vector<Tree> trees;
      for (int t = 0; t < 4; ++t) trees.push_back(tree_test::RandomTree(rng, 2 + trial % 4, m));
      GbdtModel as_float(trees, 0.5, tree_test::ColumnNames(m), true),
          as_double(trees, 0.5, tree_test::ColumnNames(m), false);
      // Rows whose values sit 1e-10 either side of a threshold of the column.
      auto near = [&](int num_rows) {
        std::vector<double> rows = RandomRows(rng, num_rows, m);
        for (double& v : rows) {
          const Tree& t = trees[static_cast<int>(tree_test::Unit(rng) * trees.size())];
          const auto& n = t.nodes[static_cast<int>(tree_test::Unit(rng) * t.nodes.size())];
          if (!n.IsLeaf() && !std::isnan(v)) v = n.threshold + (tree_test::Unit(rng) - 0.5) * 2e-10;
        }
        return rows;
      };
      for (int r = 0; r < 4; ++r) {
        const std::vector<double> x = near(1), bg = near(6);
        Compare(as_float, x, bg, {0, 1, 2, 3, 4, 5}, m, w);
        disagree += as_float.PredictMargin(x.data()) != as_double.PredictMargin(x.data());
      }
    }
    CHECK(disagree > 0);  // the rows do exercise float-versus-double differences
    CHECK(w.brute < 1e-12);
    CHECK(w.sum < 1e-12);
  }
  SUBCASE("the XGBoost fixture: brute force and additivity, with missing values") {
    const nlohmann::json xgb = ReadJson("tests/fixtures/xgboost/model.json");
    const nlohmann::json data = ReadJson("tests/fixtures/xgboost/data.json");
    const auto names = data["input_names"].get<std::vector<std::string>>();
    auto model = loanlens::tree::ImportXgboostJson(xgb, names);
    REQUIRE(model->Float32());
    const std::size_t m = names.size();
    std::vector<double> rows;
    int missing = 0;
    for (const auto& row : data["x"])
      for (const auto& v : row) {
        rows.push_back(v.is_null() ? NAN : v.get<double>());
        missing += v.is_null();
      }
    REQUIRE(missing > 0);
    const std::size_t num_rows = rows.size() / m;
    // Background: every 10th row; explained: every 23rd (both include rows with missing values).
    std::vector<double> bg;
    for (std::size_t r = 0; r < num_rows; r += 10)
      bg.insert(bg.end(), rows.begin() + r * m, rows.begin() + (r + 1) * m);
    std::vector<int> group(m);
    for (std::size_t j = 0; j < m; ++j) group[j] = static_cast<int>(j);
    Worst w;
    for (std::size_t r = 0; r < num_rows; r += 23) {
      const std::vector<double> x(rows.begin() + r * m, rows.begin() + (r + 1) * m);
      Compare(*model, x, bg, group, static_cast<int>(m), w);
    }
    CHECK(w.brute < 1e-12);
    CHECK(w.sum < 1e-9);
  }
}

TEST_CASE("interventional TreeSHAP on deep trees (no recursion) and bad arguments") {
  std::mt19937_64 rng(99);
  const int m = 30;
  std::vector<Tree> trees;
  for (int t = 0; t < 3; ++t) trees.push_back(tree_test::RandomTree(rng, 14, m));
  // A chain 20000 splits deep: each split's left child is a leaf, its right child splits again.
  Tree chain;
  const int depth = 20000;
  for (int d = 0; d < depth; ++d) {
    const int id = static_cast<int>(chain.nodes.size());
    chain.nodes.emplace_back();
    chain.nodes[id].feature = d % m;
    chain.nodes[id].threshold = tree_test::Unit(rng) * 2 - 1;
    chain.nodes[id].default_left = d % 3 == 0;
    chain.nodes[id].left = id + 1;
    chain.nodes[id].right = id + 2;
    chain.nodes.emplace_back();
    chain.nodes[id + 1].value = tree_test::Unit(rng) * 4 - 2;
  }
  chain.nodes.emplace_back();
  chain.nodes.back().value = 0.5;
  trees.push_back(chain);
  REQUIRE(chain.MaxDepth() == depth);
  std::vector<int> group(m);
  for (int j = 0; j < m; ++j) group[j] = j / 2;  // 15 players of two columns each
  InterventionalArgs args;
  args.num_inputs = m;
  args.group = &group;
  args.num_players = 15;
  args.tree_scale = 0.5;
  auto f = [&](const double* row) {
    double s = 0;
    for (const Tree& t : trees) s += 0.5 * t.Predict(row);
    return s;
  };
  double worst = 0;
  for (int r = 0; r < 10; ++r) {
    const std::vector<double> x = tree_test::RandomRow(rng, m), bg = RandomRows(rng, 8, m);
    args.background = bg.data();
    args.num_background = 8;
    std::vector<double> phi(15);
    InterventionalTreeShap(trees, x.data(), args, phi.data());
    double sum = 0, mean = 0;
    for (double v : phi) sum += v;
    for (int b = 0; b < 8; ++b) mean += f(&bg[b * m]) / 8;
    worst = std::max(worst, std::abs(sum - (f(x.data()) - mean)));
  }
  CHECK(worst < 1e-9);

  SUBCASE("bad arguments are loanlens::Error, also through the models") {
    std::vector<double> phi(15), x(m, 0.0);
    args.background = x.data();
    args.num_background = 0;
    CHECK_THROWS_AS(InterventionalTreeShap(trees, x.data(), args, phi.data()), loanlens::Error);
    args.group = nullptr;
    args.num_background = 1;
    CHECK_THROWS_AS(InterventionalTreeShap(trees, x.data(), args, phi.data()), loanlens::Error);
    GbdtModel g({trees[0]}, 0, tree_test::ColumnNames(m), false);
    CHECK_THROWS_WITH_AS(g.ExplainAgainst(x.data(), x.data(), 1, {0, 1}, 2, phi.data()),
                         doctest::Contains("group has 2 entries, expected 30"), loanlens::Error);
    RandomForestModel rf(tree_test::AsProbabilities({trees[0]}), tree_test::ColumnNames(m), NAN);
    CHECK_THROWS_WITH_AS(rf.ExplainAgainst(x.data(), x.data(), 1, group, 3, phi.data()),
                         doctest::Contains("expected a player index in [0, 3)"), loanlens::Error);
  }
}

TEST_CASE("interventional TreeSHAP: the table walk equals the plain walk bit for bit") {
  // InterventionalCache: the same frames in the same order, so the same doubles, for background
  // sets below, at and above 64 rows (one and several mask words).
  std::mt19937_64 rng(64);
  const int m = 6;
  const std::vector<int> group = {0, 0, 1, 2, 3, 3};
  for (int num_bg : {1, 7, 63, 64, 65, 130}) {
    std::vector<Tree> trees;
    for (int t = 0; t < 5; ++t) trees.push_back(tree_test::RandomTree(rng, 2 + t % 5, m));
    const std::vector<double> bg = RandomRows(rng, num_bg, m);
    InterventionalArgs args;
    args.background = bg.data();
    args.num_background = static_cast<std::size_t>(num_bg);
    args.num_inputs = m;
    args.group = &group;
    args.num_players = 4;
    args.float32 = num_bg % 2 == 1;
    args.tree_scale = 0.5;
    loanlens::tree::InterventionalCache cache;
    for (int r = 0; r < 6; ++r) {
      const std::vector<double> x = tree_test::RandomRow(rng, m);
      std::vector<double> plain(4), table(4);
      InterventionalTreeShap(trees, x.data(), args, plain.data());
      InterventionalTreeShap(trees, x.data(), args, cache, table.data());
      for (int p = 0; p < 4; ++p) CHECK(table[p] == plain[p]);
    }
    // A different background of the same shape is not served from the first one's table.
    std::vector<double> other = bg;
    other[0] = other[0] + 0.5;
    args.background = other.data();
    const std::vector<double> x = tree_test::RandomRow(rng, m);
    std::vector<double> plain(4), table(4);
    InterventionalTreeShap(trees, x.data(), args, plain.data());
    InterventionalTreeShap(trees, x.data(), args, cache, table.data());
    for (int p = 0; p < 4; ++p) CHECK(table[p] == plain[p]);
  }
}

TEST_CASE("interventional TreeSHAP: one model explained on several threads agrees") {
  // GbdtModel::ExplainAgainst shares its InterventionalCache between threads (score --threads).
  std::mt19937_64 rng(12);
  const int m = 5;
  std::vector<Tree> trees;
  for (int t = 0; t < 40; ++t) trees.push_back(tree_test::RandomTree(rng, 4, m));
  const GbdtModel g(trees, 0.1, tree_test::ColumnNames(m), false);
  const std::vector<int> group = {0, 1, 2, 3, 4};
  const std::vector<double> bg = RandomRows(rng, 50, m);
  const std::size_t n = 64;
  const std::vector<double> rows = RandomRows(rng, static_cast<int>(n), m);
  std::vector<double> serial(n * m), parallel(n * m);
  for (std::size_t i = 0; i < n; ++i) {
    InterventionalArgs args;
    args.background = bg.data();
    args.num_background = 50;
    args.num_inputs = m;
    args.group = &group;
    args.num_players = m;
    InterventionalTreeShap(g.Trees(), rows.data() + i * m, args, serial.data() + i * m);
  }
  loanlens::ParallelRows(n, 4, [&](std::size_t i) {
    g.ExplainAgainst(rows.data() + i * m, bg.data(), 50, group, m, parallel.data() + i * m);
  });
  for (std::size_t k = 0; k < n * m; ++k) CHECK(parallel[k] == serial[k]);
}
