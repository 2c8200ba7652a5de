#include <doctest/doctest.h>

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <random>

#include "../explain/background_test_util.h"
#include "../fixture_json.h"
#include "loanlens/error.h"
#include "loanlens/linear/logistic.h"

using loanlens::ParamMap;

namespace {

using loanlens::test::ReadJson;

struct Design {
  std::vector<double> x, y;
  std::size_t rows = 0, cols = 0;
};

Design LoadDesign(const nlohmann::json& f) {
  Design d;
  d.rows = f["x"].size();
  d.cols = f["x"][0].size();
  for (const auto& row : f["x"])
    for (const auto& v : row) d.x.push_back(v.get<double>());
  for (const auto& v : f["y"]) d.y.push_back(v.get<double>());
  return d;
}

loanlens::TrainData AsTrainData(const Design& d) {
  loanlens::TrainData t;
  t.x = d.x.data();
  t.y = d.y.data();
  t.num_rows = d.rows;
  t.num_inputs = d.cols;
  for (std::size_t j = 0; j < d.cols; ++j) t.group.push_back(static_cast<int>(j));
  return t;
}

}  // namespace

TEST_CASE("logistic regression agrees with scikit-learn on the German credit design") {
  const auto f = ReadJson("tests/fixtures/logistic/german_design.json");
  const Design d = LoadDesign(f);
  const auto data = AsTrainData(d);
  for (const char* solver : {"newton", "lbfgs"})
    for (const auto& c : f["cases"]) {
      ParamMap p{{"C", std::to_string(c["C"].get<double>())}, {"solver", solver}};
      CAPTURE(solver);
      if (!c["class_weight"].is_null()) p["class_weight"] = c["class_weight"].get<std::string>();
      CAPTURE(c["C"].get<double>());
      CAPTURE(p["class_weight"]);
      auto model = loanlens::LogisticRegression::Train(data, p, {});
      const auto& lr = dynamic_cast<const loanlens::LogisticRegression&>(*model);
      const auto& ref = c["sklearn_converged"];
      double max_diff = std::abs(lr.Intercept() - ref["intercept"].get<double>());
      for (std::size_t j = 0; j < d.cols; ++j)
        max_diff = std::max(max_diff, std::abs(lr.Coef()[j] - ref["coef"][j].get<double>()));
      // The issue asks for 1e-4. Newton reaches the optimum to rounding; L-BFGS stops at a gradient
      // norm of 1e-10 along a flat direction (all one-hot levels kept), i.e. within ~1e-6.
      CHECK(max_diff < (std::string(solver) == "newton" ? 1e-9 : 1e-5));
      for (std::size_t i = 0; i < ref["decision"].size(); ++i)
        CHECK(model->PredictMargin(d.x.data() + i * d.cols) ==
              doctest::Approx(ref["decision"][i].get<double>()).epsilon(1e-6));
    }
}

TEST_CASE("linear SHAP is exact: phi_j = w_j (x_j - mean_j), sum + base = margin") {
  const auto f = ReadJson("tests/fixtures/logistic/german_design.json");
  const Design d = LoadDesign(f);
  auto model = loanlens::LogisticRegression::Train(AsTrainData(d), {}, {});
  std::vector<double> phi(d.cols);
  for (std::size_t i = 0; i < d.rows; i += 7) {
    const double* x = d.x.data() + i * d.cols;
    const double base = model->Explain(x, phi.data());
    double sum = base;
    for (double v : phi) sum += v;
    CHECK(std::abs(sum - model->PredictMargin(x)) < 1e-9);
  }
  SUBCASE("the base value is the margin at the training mean") {
    std::vector<double> mean(d.cols, 0.0);
    for (std::size_t i = 0; i < d.rows; ++i)
      for (std::size_t j = 0; j < d.cols; ++j) mean[j] += d.x[i * d.cols + j] / d.rows;
    CHECK(model->Explain(mean.data(), phi.data()) ==
          doctest::Approx(model->PredictMargin(mean.data())).epsilon(1e-12));
    for (double v : phi) CHECK(std::abs(v) < 1e-12);
  }
}

TEST_CASE("logistic ExplainAgainst: w (x - mean background) summed by player, exact") {
  SUBCASE("German credit design, one player per original feature (one-hot levels together)") {
    const auto f = ReadJson("tests/fixtures/logistic/german_design.json");
    const Design d = LoadDesign(f);
    auto model = loanlens::LogisticRegression::Train(AsTrainData(d), {}, {});
    const auto& lr = dynamic_cast<const loanlens::LogisticRegression&>(*model);
    // "checking_status=< 0 DM" belongs to the player "checking_status".
    std::vector<int> group;
    std::map<std::string, int> player;
    for (const auto& c : f["columns"]) {
      const std::string name = c.get<std::string>();
      const std::string feature = name.substr(0, name.find('='));
      group.push_back(player.emplace(feature, static_cast<int>(player.size())).first->second);
    }
    const std::size_t num_players = player.size();
    REQUIRE(num_players < d.cols);  // some players own several columns
    const std::size_t nb = 200;
    const std::vector<double> bg(d.x.begin(), d.x.begin() + nb * d.cols);
    const double mean_margin = background_test::MeanMargin(*model, bg);
    const int duration = player.at("duration_months");
    const std::size_t duration_col = 4;
    REQUIRE(f["columns"][duration_col] == "duration_months");
    std::vector<double> phi(num_players);
    double worst = 0;
    for (std::size_t i = 0; i < d.rows; i += 37) {
      const double* x = d.x.data() + i * d.cols;
      REQUIRE(model->ExplainAgainst(x, bg.data(), nb, group, num_players, phi.data()));
      double sum = 0;
      for (double v : phi) sum += v;
      worst = std::max(worst, std::abs(sum - (model->PredictMargin(x) - mean_margin)));
      double mean = 0;
      for (std::size_t b = 0; b < nb; ++b) mean += bg[b * d.cols + duration_col] / nb;
      CHECK(phi[duration] ==
            doctest::Approx(lr.Coef()[duration_col] * (x[duration_col] - mean)).epsilon(1e-12));
    }
    CHECK(worst < 1e-9);
  }
  SUBCASE("brute-force Shapley values on a small model with groups and dummy players") {
    std::mt19937_64 rng(17);
    auto unit = [&] { return static_cast<double>(rng() >> 11) * 0x1.0p-53; };
    // 10 columns, 8 players: player 5 has a zero weight, player 7 owns no column.
    const std::vector<int> group = {0, 0, 0, 1, 2, 3, 3, 4, 5, 6};
    std::vector<double> coef(10), mean(10, 0.0);
    for (double& w : coef) w = unit() * 4 - 2;
    coef[8] = 0;
    loanlens::LogisticRegression model(coef, 0.3, mean, {}, nlohmann::json::object());
    double worst_brute = 0, worst_sum = 0;
    for (int r = 0; r < 10; ++r) {
      std::vector<double> x(10), bg(10 * 6);
      for (double& v : x) v = unit() * 6 - 3;
      for (double& v : bg) v = unit() * 6 - 3;
      std::vector<double> phi(8, NAN);
      REQUIRE(model.ExplainAgainst(x.data(), bg.data(), 6, group, 8, phi.data()));
      const auto brute = background_test::BruteInterventional(model, x, bg, group, 8);
      double sum = 0;
      for (int i = 0; i < 8; ++i) {
        worst_brute = std::max(worst_brute, std::abs(phi[i] - brute[i]));
        sum += phi[i];
      }
      worst_sum = std::max(worst_sum, std::abs(sum - (model.PredictMargin(x.data()) -
                                                      background_test::MeanMargin(model, bg))));
      CHECK(phi[5] == 0.0);
      CHECK(phi[7] == 0.0);
    }
    CHECK(worst_brute < 1e-12);
    CHECK(worst_sum < 1e-12);
    std::vector<double> phi(8), x(10, 0.0);
    CHECK_THROWS_WITH_AS(model.ExplainAgainst(x.data(), x.data(), 1, {0, 1}, 8, phi.data()),
                         doctest::Contains("group has 2 entries, expected 10"), loanlens::Error);
  }
}

TEST_CASE("logistic save -> load -> predict is bit-identical") {
  const auto f = ReadJson("tests/fixtures/logistic/german_design.json");
  const Design d = LoadDesign(f);
  auto model = loanlens::LogisticRegression::Train(AsTrainData(d), {{"C", "0.5"}}, {});
  const std::string text = model->ToJson().dump();
  auto loaded = loanlens::LogisticRegression::Load(nlohmann::json::parse(text));
  for (std::size_t i = 0; i < d.rows; ++i) {
    const double* x = d.x.data() + i * d.cols;
    CHECK(loaded->PredictMargin(x) == model->PredictMargin(x));
  }
  CHECK(loaded->ToJson().dump() == text);
}

TEST_CASE("logistic rejects bad parameters and data with clear messages") {
  Design d;
  d.rows = 4;
  d.cols = 1;
  d.x = {0, 1, 2, 3};
  d.y = {0, 0, 1, 1};
  const auto data = AsTrainData(d);
  CHECK_THROWS_WITH_AS(loanlens::LogisticRegression::Train(data, {{"C", "-1"}}, {}),
                       "parameter 'C': expected a positive number, got '-1'", loanlens::Error);
  CHECK_THROWS_WITH_AS(loanlens::LogisticRegression::Train(data, {{"depth", "3"}}, {}),
                       "parameter 'depth' is not known for model 'logistic' (known: C, "
                       "class_weight, max_iterations, solver, tolerance)",
                       loanlens::Error);
  d.y = {1, 1, 1, 1};
  CHECK_THROWS_WITH_AS(loanlens::LogisticRegression::Train(AsTrainData(d), {}, {}),
                       doctest::Contains("only one class"), loanlens::Error);
  SUBCASE("a tampered model is rejected on load") {
    auto m = loanlens::LogisticRegression::Train(
        AsTrainData(Design{{0, 1, 2, 3}, {0, 1, 0, 1}, 4, 1}), {}, {});
    auto j = m->ToJson();
    j["input_mean"] = {1.0, 2.0};
    CHECK_THROWS_WITH_AS(loanlens::LogisticRegression::Load(j),
                         "model.input_mean: expected 1 values, got 2", loanlens::Error);
    j = m->ToJson();
    j["coef"][0] = "x";
    CHECK_THROWS_WITH_AS(loanlens::LogisticRegression::Load(j),
                         "model.coef[0]: expected a finite number", loanlens::Error);
  }
}

TEST_CASE("logistic reads its --param keys with their defaults and ranges") {
  using loanlens::LogisticParams;
  const LogisticParams d = LogisticParams::FromParams({});
  CHECK(d.c == 1.0);
  CHECK(d.class_weight == "none");
  CHECK(d.solver == "auto");
  CHECK(d.max_iterations == 10000);
  CHECK(d.tolerance == 1e-10);
  const LogisticParams p = LogisticParams::FromParams({{"C", "0.25"},
                                                       {"class_weight", "balanced"},
                                                       {"solver", "lbfgs"},
                                                       {"max_iterations", "7"},
                                                       {"tolerance", "1e-6"}});
  CHECK(p.c == 0.25);
  CHECK(p.class_weight == "balanced");
  CHECK(p.solver == "lbfgs");
  CHECK(p.max_iterations == 7);
  CHECK(p.tolerance == 1e-6);
  // Saved parameters read back the same (Load parses the JSON values as --param text).
  CHECK(LogisticParams::FromParams({{"C", "1.0"}, {"max_iterations", "10000"}}).c == 1.0);

  const auto fails = [](const ParamMap& m, const std::string& message) {
    CHECK_THROWS_WITH_AS(LogisticParams::FromParams(m), message.c_str(), loanlens::Error);
  };
  fails({{"C", "0"}}, "parameter 'C': expected a positive number, got '0'");
  fails({{"C", "abc"}}, "parameter 'C': expected a number, got 'abc'");
  fails({{"C", "inf"}}, "parameter 'C': expected a number, got 'inf'");
  fails({{"class_weight", "auto"}},
        "parameter 'class_weight': expected one of none, balanced, got 'auto'");
  fails({{"solver", "sgd"}}, "parameter 'solver': expected one of auto, newton, lbfgs, got 'sgd'");
  fails({{"max_iterations", "0"}},
        "parameter 'max_iterations': expected an integer in [1, 2147483647], got '0'");
  fails({{"max_iterations", "2.5"}},
        "parameter 'max_iterations': expected an integer in [1, 2147483647], got '2.5'");
  fails({{"tolerance", "-1e-9"}}, "parameter 'tolerance': expected a positive number, got '-1e-9'");
}
