#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "../fixture_json.h"
#include "loanlens/error.h"
#include "loanlens/model_registry.h"
#include "loanlens/tree/tree_shap.h"
#include "loanlens/tree/xgboost_import.h"

using loanlens::test::ReadJson;

TEST_CASE("XGBoost import matches xgboost's margins and pred_contribs") {
  const nlohmann::json xgb = ReadJson("tests/fixtures/xgboost/model.json");
  const nlohmann::json data = ReadJson("tests/fixtures/xgboost/data.json");
  const auto names = data["input_names"].get<std::vector<std::string>>();
  // Our design columns in another order: the import maps features by name.
  std::vector<std::string> inputs(names.rbegin(), names.rend());
  auto model = loanlens::tree::ImportXgboostJson(xgb, inputs);
  CHECK(model->Float32());
  const std::size_t m = names.size();
  int missing_rows = 0;
  double worst_margin = 0, worst_phi = 0;
  for (std::size_t r = 0; r < data["x"].size(); ++r) {
    std::vector<double> x(m);
    bool missing = false;
    for (std::size_t j = 0; j < m; ++j) {
      const auto& v = data["x"][r][j];
      x[m - 1 - j] = v.is_null() ? NAN : v.get<double>();
      missing = missing || v.is_null();
    }
    missing_rows += missing;
    const double margin = model->PredictMargin(x.data());
    worst_margin = std::max(worst_margin, std::abs(margin - data["margin"][r].get<double>()));
    std::vector<double> phi(m);
    const double base = model->Explain(x.data(), phi.data());
    double sum = base;
    for (std::size_t j = 0; j < m; ++j) {
      sum += phi[j];
      worst_phi =
          std::max(worst_phi, std::abs(phi[m - 1 - j] - data["contribs"][r][j].get<double>()));
    }
    worst_phi = std::max(worst_phi, std::abs(base - data["contribs"][r][m].get<double>()));
    CHECK(std::abs(sum - margin) < 1e-9);
  }
  CHECK(missing_rows > 0);
  CHECK(worst_margin < 1e-5);
  CHECK(worst_phi < 1e-5);

  SUBCASE("the imported model saves and loads as gbdt with the float32 flag") {
    auto loaded = loanlens::ModelFromJson(nlohmann::json::parse(model->ToJson().dump()));
    CHECK(loaded->Kind() == "gbdt");
    std::vector<double> x(m, 1.0);
    CHECK(loaded->PredictMargin(x.data()) == model->PredictMargin(x.data()));
  }
  SUBCASE("unsupported models are clear errors") {
    nlohmann::json bad = xgb;
    bad["learner"]["objective"]["name"] = "reg:squarederror";
    CHECK_THROWS_WITH_AS(loanlens::tree::ImportXgboostJson(bad, inputs),
                         doctest::Contains("reg:squarederror"), loanlens::Error);
    bad = xgb;
    bad["learner"]["gradient_booster"]["name"] = "dart";
    CHECK_THROWS_WITH_AS(loanlens::tree::ImportXgboostJson(bad, inputs), doctest::Contains("dart"),
                         loanlens::Error);
    CHECK_THROWS_WITH_AS(loanlens::tree::ImportXgboostJson(xgb, {"a", "b"}),
                         doctest::Contains("person_age"), loanlens::Error);
  }
  SUBCASE("models that could not load are refused: base_score 0 or 1 in float32, 1e39") {
    for (const char* base : {"0", "1", "1E-50", "9.99999999E-1"}) {
      nlohmann::json bad = xgb;
      bad["learner"]["learner_model_param"]["base_score"] = base;
      CHECK_THROWS_WITH_AS(loanlens::tree::ImportXgboostJson(bad, inputs),
                           doctest::Contains("strictly between 0 and 1 in float32"),
                           loanlens::Error);
    }
    nlohmann::json bad = xgb;
    bad["learner"]["gradient_booster"]["model"]["trees"][0]["split_conditions"][0] = 1e39;
    CHECK_THROWS_WITH_AS(loanlens::tree::ImportXgboostJson(bad, inputs),
                         doctest::Contains("trees[0].split_conditions[0]: 1e+39 is not a finite "
                                           "float32"),
                         loanlens::Error);
    bad = xgb;
    bad["learner"]["feature_names"][1] = bad["learner"]["feature_names"][0];
    CHECK_THROWS_WITH_AS(loanlens::tree::ImportXgboostJson(bad, inputs), doctest::Contains("twice"),
                         loanlens::Error);
  }
  SUBCASE("base_score as a bracketed string (XGBoost 2.x) is read") {
    nlohmann::json v2 = xgb;
    v2["learner"]["learner_model_param"]["base_score"] = "[4.165E-1]";
    v2["version"] = {2, 1, 0};
    auto m2 = loanlens::tree::ImportXgboostJson(v2, inputs);
    CHECK(m2->BaseScore() == model->BaseScore());
  }
}

TEST_CASE("XGBoost import refuses indices and values it cannot represent (fuzz findings)") {
  // tests/fuzz/regression/xgboost_import: a child index of 1.5e107 was converted to int
  // (undefined behaviour); floats, out-of-range integers, strings and non-finite float32 values
  // are now errors naming the node.
  const nlohmann::json xgb = ReadJson("tests/fixtures/xgboost/model.json");
  const auto inputs = xgb["learner"]["feature_names"].get<std::vector<std::string>>();
  auto with = [&xgb](const char* array, const nlohmann::json& value) {
    nlohmann::json bad = xgb;
    bad["learner"]["gradient_booster"]["model"]["trees"][0][array][0] = value;
    return bad;
  };
  using loanlens::tree::ImportXgboostJson;
  CHECK_THROWS_WITH_AS(ImportXgboostJson(with("left_children", 1.55556e107), inputs),
                       doctest::Contains("trees[0].left_children[0]: expected an integer"),
                       loanlens::Error);
  CHECK_THROWS_WITH_AS(ImportXgboostJson(with("right_children", 4294967298LL), inputs),
                       doctest::Contains("right_children[0]: expected an integer"),
                       loanlens::Error);
  CHECK_THROWS_WITH_AS(ImportXgboostJson(with("split_indices", "0"), inputs),
                       doctest::Contains("split_indices[0]: expected an integer"), loanlens::Error);
  CHECK_THROWS_WITH_AS(ImportXgboostJson(with("split_conditions", 1e39), inputs),
                       doctest::Contains("is not a finite float32"), loanlens::Error);
  nlohmann::json version = xgb;
  version["version"] = {1e300, 0, 0};
  CHECK_THROWS_WITH_AS(ImportXgboostJson(version, inputs), doctest::Contains("version ?.0.0"),
                       loanlens::Error);
  nlohmann::json base = xgb;
  base["learner"]["learner_model_param"]["base_score"] = "1E-50";
  CHECK_THROWS_WITH_AS(ImportXgboostJson(base, inputs),
                       doctest::Contains("strictly between 0 and 1 in float32"), loanlens::Error);
}
