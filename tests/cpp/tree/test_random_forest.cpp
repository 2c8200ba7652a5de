#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "loanlens/error.h"
#include "loanlens/model_registry.h"
#include "loanlens/tree/random_forest.h"
#include "tree_test_util.h"

using loanlens::ParamMap;
using loanlens::TrainContext;
using loanlens::TrainData;
using loanlens::tree::RandomForestModel;

namespace {}  // namespace

TEST_CASE("random_forest learns, averages probabilities and explains them exactly") {
  const auto train = tree_test::MakeSynthetic(1200, 11);
  const auto test = tree_test::MakeSynthetic(1000, 12);
  auto model =
      loanlens::TrainModel("random_forest", tree_test::View(train, false), {{"n_trees", "25"}}, {});
  CHECK(model->Kind() == "random_forest");
  CHECK(model->MarginIsProbability());
  std::vector<double> score;
  for (std::size_t i = 0; i < test.num_rows; ++i) {
    const double p = model->PredictMargin(&test.x[i * 5]);
    CHECK(p >= 0);
    CHECK(p <= 1);
    score.push_back(p);
  }
  const double auc = tree_test::PairAuc(score, test.y);
  const double best = tree_test::PairAuc(test.true_margin, test.y);
  CHECK(auc > best - 0.06);
  // Out-of-bag AUC estimates the test AUC (pessimistically with few trees: each row is scored
  // by about a third of them).
  const double oob = model->Importance()["oob_auc"].get<double>();
  CHECK(std::abs(oob - auc) < 0.08);
  CHECK(oob > 0.7);

  SUBCASE("sum(phi) + base == PredictMargin (probability space)") {
    std::vector<double> phi(5);
    for (std::size_t i = 0; i < 20; ++i) {
      const double* x = &test.x[i * 5];
      double sum = model->Explain(x, phi.data());
      for (double v : phi) sum += v;
      CHECK(std::abs(sum - model->PredictMargin(x)) < 1e-9);
    }
  }
  SUBCASE("save -> load -> predict identical") {
    auto loaded = loanlens::ModelFromJson(nlohmann::json::parse(model->ToJson().dump()));
    for (std::size_t i = 0; i < 100; ++i)
      CHECK(loaded->PredictMargin(&test.x[i * 5]) == model->PredictMargin(&test.x[i * 5]));
    CHECK(loaded->Importance()["oob_auc"] == model->Importance()["oob_auc"]);
  }
  SUBCASE("batch margins (packed layout) == row margins == the trees' average, bit for bit") {
    const auto& forest = static_cast<const RandomForestModel&>(*model);
    std::vector<double> batch(test.num_rows);
    model->PredictMargins(test.x.data(), test.num_rows, batch.data());
    std::size_t differ = 0;
    for (std::size_t i = 0; i < test.num_rows; ++i) {
      const double* x = &test.x[i * 5];
      double sum = 0;
      for (const auto& t : forest.Trees()) sum += t.Predict(x);
      sum /= static_cast<double>(forest.Trees().size());
      differ += batch[i] != sum || model->PredictMargin(x) != sum;
    }
    CHECK(differ == 0);
  }
  SUBCASE("min_samples_leaf holds and leaves are probabilities") {
    const auto& forest = static_cast<const RandomForestModel&>(*model);
    for (const auto& t : forest.Trees())
      for (const auto& n : t.nodes)
        if (n.IsLeaf()) {
          CHECK(n.value >= 0);
          CHECK(n.value <= 1);
        }
  }
}

TEST_CASE("random_forest is deterministic for a seed, whatever the threads") {
  const auto train = tree_test::MakeSynthetic(600, 13);
  ParamMap p = {{"n_trees", "6"}, {"max_features", "0.6"}, {"max_depth", "6"}};
  auto a = loanlens::TrainModel("random_forest", tree_test::View(train, false), p, {});
  TrainContext c;
  c.threads = 2;
  auto b = loanlens::TrainModel("random_forest", tree_test::View(train, false), p, c);
  CHECK(a->ToJson() == b->ToJson());
  for (const auto& t : static_cast<const RandomForestModel&>(*a).Trees()) CHECK(t.MaxDepth() <= 6);
}

TEST_CASE("random_forest max_features forms and parameter errors") {
  loanlens::tree::RandomForestParams p;
  CHECK(p.FeaturesPerSplit(26) == 5);
  p.max_features = "log2";
  CHECK(p.FeaturesPerSplit(26) == 4);
  p.max_features = "0.5";
  CHECK(p.FeaturesPerSplit(26) == 13);
  p.max_features = "7";
  CHECK(p.FeaturesPerSplit(26) == 7);
  p.max_features = "1";
  CHECK(p.FeaturesPerSplit(26) == 1);
  const auto train = tree_test::MakeSynthetic(100, 14);
  CHECK_THROWS_WITH_AS(loanlens::TrainModel("random_forest", tree_test::View(train, false),
                                            {{"max_features", "half"}}, {}),
                       doctest::Contains("max_features"), loanlens::Error);
  CHECK_THROWS_WITH_AS(loanlens::TrainModel("random_forest", tree_test::View(train, false),
                                            {{"learning_rate", "0.1"}}, {}),
                       doctest::Contains("learning_rate"), loanlens::Error);
}
