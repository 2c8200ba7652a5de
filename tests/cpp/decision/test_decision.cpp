#include <doctest/doctest.h>

#include <cmath>
#include <numeric>

#include "decision_test_util.h"
#include "loanlens/decision/decision.h"
#include "loanlens/sha256.h"

using namespace loanlens;

TEST_CASE("decision: points and reference contributions add up, for every family") {
  for (const char* model : {"logistic", "gbdt", "random_forest", "svm"}) {
    CAPTURE(model);
    const Bundle& b = test::DecisionBundle(model);
    REQUIRE_FALSE(b.GetReference().Empty());
    const Frame f = test::GermanRows(b);
    const std::size_t rows = std::string(model) == "svm" ? 3 : 40;
    for (std::size_t i = 0; i < rows; ++i) {
      const Decision d = Decide(b, f.Row(i * 7), {});
      const double ref_sum = std::accumulate(d.reference_contributions.begin(),
                                             d.reference_contributions.end(), 0.0);
      CHECK(std::abs(ref_sum - (d.score.margin - d.reference_margin)) < 1e-9);
      // Points by feature add up to the score; points against the reference to the score minus
      // the reference's score.
      const double pts = std::accumulate(d.points_by_feature.begin(), d.points_by_feature.end(),
                                         d.base_points);
      CHECK(std::abs(pts - d.score.points) < 1e-9);
      const Policy& p = b.GetPolicy();
      const double ref_pts = std::accumulate(d.reference_points.begin(), d.reference_points.end(),
                                             0.0);
      CHECK(std::abs(ref_pts - (d.score.points - p.Points(b.MarginToPd(d.reference_margin)))) <
            1e-6);
      CHECK(d.decision == DecisionOf(d.score.band, d.rules));
    }
  }
}

TEST_CASE("decision: a logistic model's points are -pdo/ln2 per unit of margin") {
  const Bundle& b = test::DecisionBundle("logistic");
  const Frame f = test::GermanRows(b);
  const Decision d = Decide(b, f.Row(3), {});
  const double factor = -b.GetPolicy().pdo / std::log(2.0);
  for (std::size_t j = 0; j < d.points_by_feature.size(); ++j)
    CHECK(d.points_by_feature[j] == doctest::Approx(factor * d.score.contributions[j]).epsilon(1e-9));
}

TEST_CASE("decision: price is PD x LGD x amount, rate by formula or grid") {
  Bundle b = Bundle::Parse(test::DecisionBundle("logistic").Dump());
  const Frame f = test::GermanRows(b);
  const double* raw = f.Row(0);
  const int amount = 4;  // credit_amount
  REQUIRE(b.FeatureNames()[amount] == "credit_amount");
  Decision d = Decide(b, raw, {});
  const Policy& p = b.GetPolicy();
  REQUIRE(d.price.has_expected_loss);
  CHECK(d.price.expected_loss == doctest::Approx(d.score.pd * p.lgd * raw[amount]));
  CHECK(d.price.rate == doctest::Approx(p.cost_of_funds + d.score.pd * p.lgd + p.rate_margin));
  Policy grid = p;
  grid.Set("rate_grid", "approve:0.07,review:0.11,decline:0.2");
  b.SetPolicy(grid);
  d = Decide(b, raw, {});
  CHECK(d.price.rate == grid.rate_grid.at(d.score.band));
}

TEST_CASE("decision: moving the approval cut-off moves the reference population") {
  Bundle b = Bundle::Parse(test::DecisionBundle("gbdt").Dump());
  Policy p = b.GetPolicy();
  for (double cut : {0.05, 0.1, 0.2, 0.3}) {
    CAPTURE(cut);
    p.approve_below = cut;
    p.decline_at = std::max(cut, 0.3);
    b.SetPolicy(p);
    const Reference& ref = b.GetReference();
    REQUIRE_FALSE(ref.Empty());
    if (!ref.Widened()) {
      CHECK(ref.LowPoints() >= p.ApprovePoints() - 1e-9);
      CHECK(ref.HighPoints() <= p.ApprovePoints() + p.reference_band_points + 1e-9);
    }
    CHECK(ref.NumRows() <= static_cast<std::size_t>(p.reference_rows));
    // The bundle re-loads with the same reference.
    const Bundle again = Bundle::Parse(b.Dump());
    CHECK(again.GetReference().MeanMargin() == ref.MeanMargin());
  }
}

TEST_CASE("decision: bundles without a reference pool explain against the training mean") {
  nlohmann::json j = test::DecisionBundle("logistic").ToJson();
  j["explain"].erase("reference_pool");
  j.erase("content_sha256");
  j.erase("created_at");
  j["content_sha256"] = Sha256Hex(j.dump());  // re-sealed (the canonical content)
  const Bundle b = Bundle::FromJson(j);
  CHECK(b.GetReference().Empty());
  const Frame f = test::GermanRows(b);
  const Decision d = Decide(b, f.Row(1), {});
  CHECK(d.reference_margin == d.score.base_value);
  const nlohmann::json out = DecisionJson(b, d);
  CHECK(out["reference"]["rows"] == 0);
}
