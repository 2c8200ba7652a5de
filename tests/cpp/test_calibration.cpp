#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <vector>

#include "loanlens/calibration.h"
#include "loanlens/error.h"

using loanlens::CalibrationKind;
using loanlens::Calibrator;

namespace {

nlohmann::json ReadCalibrationFixture() {
  std::ifstream in(LOANLENS_SOURCE_DIR "/tests/fixtures/calibration/calibration.json");
  REQUIRE(in.good());
  return nlohmann::json::parse(in);
}

}  // namespace

TEST_CASE("Calibrator matches sklearn (fixture from make_calibration_fixture.py)") {
  const auto fx = ReadCalibrationFixture();
  const auto margin = fx["margin"].get<std::vector<double>>();
  const auto y = fx["y"].get<std::vector<double>>();

  SUBCASE("isotonic: same knots and clipped interpolation as IsotonicRegression") {
    const Calibrator c = Calibrator::Fit(margin, y, CalibrationKind::kIsotonic);
    const auto knots_margin = fx["isotonic"]["knots_margin"].get<std::vector<double>>();
    const auto knots_pd = fx["isotonic"]["knots_pd"].get<std::vector<double>>();
    REQUIRE(c.knots_margin.size() == knots_margin.size());
    for (std::size_t i = 0; i < knots_margin.size(); ++i) {
      CHECK(c.knots_margin[i] == knots_margin[i]);
      CHECK(c.knots_pd[i] == doctest::Approx(knots_pd[i]).epsilon(1e-12));
    }
    const auto query = fx["isotonic"]["query"].get<std::vector<double>>();
    const auto pd = fx["isotonic"]["pd"].get<std::vector<double>>();
    for (std::size_t i = 0; i < query.size(); ++i)
      CHECK(c.Apply(query[i]) == doctest::Approx(pd[i]).epsilon(1e-12));
  }
  SUBCASE("Platt without smoothing equals LogisticRegression(C=1e12) on the margin") {
    const auto p = loanlens::FitPlatt(margin, y, false);
    CHECK(p.a == doctest::Approx(fx["logistic"]["a"].get<double>()).epsilon(1e-6));
    CHECK(p.b == doctest::Approx(fx["logistic"]["b"].get<double>()).epsilon(1e-6));
  }
  SUBCASE("Platt with smoothing equals sklearn's _sigmoid_calibration") {
    const Calibrator c = Calibrator::Fit(margin, y, CalibrationKind::kPlatt);
    // sklearn minimises the same objective with BFGS (gtol 1e-5): agree to its tolerance.
    CHECK(c.platt.a == doctest::Approx(fx["platt_smoothed"]["a"].get<double>()).epsilon(1e-4));
    CHECK(c.platt.b == doctest::Approx(fx["platt_smoothed"]["b"].get<double>()).epsilon(1e-4));
    CHECK(c.Apply(0.3) == doctest::Approx(loanlens::Sigmoid(c.platt.a * 0.3 + c.platt.b)));
  }
}

TEST_CASE("Calibrator JSON round trip and validation") {
  const auto fx = ReadCalibrationFixture();
  const auto margin = fx["margin"].get<std::vector<double>>();
  const auto y = fx["y"].get<std::vector<double>>();
  for (auto kind : {CalibrationKind::kNone, CalibrationKind::kPlatt, CalibrationKind::kIsotonic}) {
    const Calibrator c = Calibrator::Fit(margin, y, kind);
    const Calibrator back = Calibrator::FromJson(nlohmann::json::parse(c.ToJson().dump()));
    CHECK(back.kind == kind);
    for (double m : {-5.0, -1.0, 0.0, 0.37, 2.5, 9.0}) CHECK(back.Apply(m) == c.Apply(m));
  }
  SUBCASE("none is the logistic link") {
    CHECK(Calibrator{}.Apply(0.0) == 0.5);
    CHECK(Calibrator{}.Apply(-800.0) >= 0.0);
  }
  SUBCASE("invalid JSON is rejected with the key named") {
    auto j = Calibrator::Fit(margin, y, CalibrationKind::kIsotonic).ToJson();
    j["knots_pd"][1] = 1.5;
    CHECK_THROWS_WITH_AS(Calibrator::FromJson(j), doctest::Contains("knots_pd[1]"),
                         loanlens::Error);
    auto k = Calibrator::Fit(margin, y, CalibrationKind::kIsotonic).ToJson();
    std::swap(k["knots_margin"][0], k["knots_margin"][2]);
    CHECK_THROWS_AS(Calibrator::FromJson(k), loanlens::Error);
    CHECK_THROWS_WITH_AS(Calibrator::FromJson({{"kind", "beta"}}), doctest::Contains("beta"),
                         loanlens::Error);
    CHECK_THROWS_AS(Calibrator::FromJson({{"kind", "platt"}, {"a", 1.0}}), loanlens::Error);
  }
  SUBCASE("bad labels are rejected") {
    CHECK_THROWS_WITH_AS(Calibrator::Fit({0.1, 0.2}, {0.0, 2.0}, CalibrationKind::kPlatt),
                         doctest::Contains("row 2"), loanlens::Error);
  }
}
