// Model::SplitThresholds and Model::MonotoneConstraints of the tree ensembles.
#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <vector>

#include "loanlens/model_registry.h"
#include "loanlens/tree/gbdt.h"
#include "loanlens/tree/random_forest.h"
#include "tree_test_util.h"

using loanlens::tree::GbdtModel;
using loanlens::tree::RandomForestModel;
using loanlens::tree::Tree;

namespace {

/// For random rows and every column: the margin is the same at each threshold and at points up
/// to the next one (and below the first), so one evaluation per stretch tells its value.
void CheckPiecewiseConstant(const loanlens::Model& model, int m, std::mt19937_64& rng) {
  int stretches = 0;
  for (int r = 0; r < 20; ++r) {
    std::vector<double> x = tree_test::RandomRow(rng, m);
    for (int c = 0; c < m; ++c) {
      const auto t = model.SplitThresholds(c);
      REQUIRE(t.has_value());
      for (std::size_t k = 0; k + 1 < t->size(); ++k) CHECK((*t)[k] < (*t)[k + 1]);
      std::vector<double> starts = {-10};
      starts.insert(starts.end(), t->begin(), t->end());
      for (std::size_t k = 0; k < starts.size(); ++k) {
        const double lo = starts[k], hi = k + 1 < starts.size() ? starts[k + 1] : 10;
        x[c] = lo;
        const double at = model.PredictMargin(x.data());
        for (int s = 1; s < 8; ++s) {
          // Inside the stretch, away from its upper end by more than a float's rounding.
          x[c] = lo + (hi - lo) * s / 8;
          if (hi - x[c] < 1e-6 * (1 + std::abs(hi))) continue;
          CHECK(model.PredictMargin(x.data()) == at);
        }
        ++stretches;
      }
    }
  }
  CHECK(stretches > 100);
}

std::vector<Tree> RandomTrees(std::mt19937_64& rng, int n, int m) {
  std::vector<Tree> trees;
  for (int i = 0; i < n; ++i) trees.push_back(tree_test::RandomTree(rng, 4, m));
  return trees;
}

}  // namespace

TEST_CASE("tree ensembles: margin is constant between split thresholds") {
  std::mt19937_64 rng(11);
  const int m = 4;
  const std::vector<std::string> names = {"a", "b", "c", "d"};
  for (const bool float32 : {false, true}) {
    CAPTURE(float32);
    GbdtModel gbdt(RandomTrees(rng, 30, m), 0.1, names, float32);
    CheckPiecewiseConstant(gbdt, m, rng);
    const std::vector<double> t0 = *gbdt.SplitThresholds(0);
    CHECK_FALSE(t0.empty());
    if (float32)
      for (double t : t0) CHECK(static_cast<double>(static_cast<float>(t)) == t);
  }
  RandomForestModel forest(RandomTrees(rng, 30, m), names, NAN);
  CheckPiecewiseConstant(forest, m, rng);
  // A column no tree uses has no thresholds (the margin does not depend on it).
  GbdtModel one({tree_test::RandomTree(rng, 0, m)}, 0, names, false);
  CHECK(one.SplitThresholds(2)->empty());
  CHECK(one.MonotoneConstraints().empty());
}

TEST_CASE("gbdt: monotone constraints are read back per design column") {
  const auto train = tree_test::MakeSynthetic(1500, 4);
  auto model = loanlens::TrainModel("gbdt", tree_test::View(train, true),
                                    {{"n_trees", "10"}, {"monotone", "income:-1,a:+1"}}, {});
  const auto loaded = loanlens::ModelFromJson(nlohmann::json::parse(model->ToJson().dump()));
  for (const auto* m : {model.get(), loaded.get()})
    CHECK(m->MonotoneConstraints() == std::vector<int>{-1, 0, 1, 0, 0});
  // Models of other families have none.
  RandomForestModel forest({}, {"a"}, NAN);
  CHECK(forest.MonotoneConstraints().empty());
}
