#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "decision_test_util.h"
#include "loanlens/decision/derived.h"
#include "loanlens/decision/limit.h"
#include "loanlens/error.h"

using namespace loanlens;
using namespace loanlens::decision;

namespace {

std::string BandAt(const Bundle& b, const std::vector<double>& raw, std::size_t a, double amount) {
  return decision_test::DecisionBand(b, ApplyAmount(b, raw.data(), a, amount).data());
}

/// The checks every limit must pass: approvable at max_amount (score reproduced), inside the
/// training range, and nothing approvable on a fine grid above max_amount + step.
void CheckLimit(const Bundle& b, const std::vector<double>& raw, std::size_t a,
                const LimitResult& r, double grid) {
  CHECK(r.requested_approvable == (decision_test::DecisionBand(b, raw.data()) == "approve"));
  if (!r.max_amount) {
    for (double v = r.range_min; v <= r.range_max; v += grid)
      CHECK(BandAt(b, raw, a, v) != "approve");
    return;
  }
  const double m = *r.max_amount;
  CHECK(m >= r.range_min);
  CHECK(m <= r.range_max);
  const std::vector<double> at_row = ApplyAmount(b, raw.data(), a, m);
  const Score at = b.ScoreRow(at_row.data(), false);
  CHECK(decision_test::DecisionBand(b, at_row.data()) == "approve");
  CHECK(at.pd == r.pd);
  CHECK(at.points == r.points);
  std::size_t above = 0;
  for (double v = m + 1; v <= r.range_max; v += grid) above += BandAt(b, raw, a, v) == "approve";
  CHECK(above == 0);
}

}  // namespace

TEST_CASE("limit: exact over the split thresholds of tree models") {
  for (const char* name : {"german_credit_gbdt", "german_credit_random_forest"}) {
    CAPTURE(name);
    const Bundle& b = decision_test::Shipped(name);
    const std::size_t a = FeatureIndex(b, "credit_amount");
    const Frame frame = decision_test::ReadRows(b, "german_credit.csv");
    std::size_t found = 0, approved_requests = 0;
    for (std::size_t i = 0; i < 40; ++i) {
      const std::vector<double> raw(frame.Row(i * 23),
                                    frame.Row(i * 23) + frame.feature_names.size());
      const LimitResult r = FindLimit(b, raw.data(), a);
      CHECK(r.method == "thresholds");
      CHECK(r.range_max == std::min(b.GetSchema().Find("credit_amount")->max,
                                    b.GetPolicy().max_amount > 0 ? b.GetPolicy().max_amount
                                                                 : 1e300));
      const auto thresholds =
          b.GetModel().SplitThresholds(b.GetPreprocessor().Features()[a].first_column);
      REQUIRE(thresholds);
      CHECK(r.evaluations <= thresholds->size() + 2);
      found += r.max_amount.has_value();
      approved_requests += r.requested_approvable;
      // A coarse brute-force grid for all, a fine one (every 0.5 DM) for a few.
      CheckLimit(b, raw, a, r, i < 3 ? 0.5 : 37.0);
      // Integer amounts: the answer is a whole DM unless the approvable stretch holds none.
      if (r.max_amount) CHECK(std::floor(*r.max_amount) == *r.max_amount);
    }
    MESSAGE(name << ": " << found << " of 40 with a limit");
    CHECK(found > 2);  // some applicants have a limit (the checks above hold for each)
    CHECK(found < 40);  // some applicants are approvable at no amount
    CHECK(approved_requests > 0);
  }
}

TEST_CASE("limit: derived features move with the amount (credit_risk, loan / income)") {
  const Bundle b =
      decision_test::WithSchema(decision_test::Shipped("credit_risk_gbdt"), [](Schema& s) {
        s.Find("loan_percent_income")->derived_ratio = {"loan_amnt", "person_income"};
      });
  const std::size_t a = FeatureIndex(b, "loan_amnt");
  const std::size_t ratio = FeatureIndex(b, "loan_percent_income");
  const Frame frame = decision_test::ReadRows(b, "credit_risk_dataset.csv");
  const auto rows = decision_test::NotApproved(b, frame, 12, 31);
  REQUIRE(rows.size() == 12);
  std::size_t found = 0;
  for (const auto& raw : rows) {
    const LimitResult r = FindLimit(b, raw.data(), a);
    CHECK(r.method == "thresholds");
    found += r.max_amount.has_value();
    CheckLimit(b, raw, a, r, 25.0);
    if (r.max_amount) {
      const auto moved = ApplyAmount(b, raw.data(), a, *r.max_amount);
      CHECK(moved[ratio] == *r.max_amount / raw[FeatureIndex(b, "person_income")]);
    }
  }
  CHECK(found > 0);
}

TEST_CASE("limit: monotone search for models without thresholds (logistic)") {
  const Bundle& b = decision_test::Shipped("german_credit_logistic");
  const std::size_t a = FeatureIndex(b, "credit_amount");
  const Frame frame = decision_test::ReadRows(b, "german_credit.csv");
  std::size_t interior = 0;
  for (std::size_t i = 0; i < 60; ++i) {
    const std::vector<double> raw(frame.Row(i * 13),
                                  frame.Row(i * 13) + frame.feature_names.size());
    const LimitResult r = FindLimit(b, raw.data(), a);
    CHECK(r.method == "search");
    CHECK(r.monotone_on_grid);  // the margin is linear in the amount
    CHECK(r.evaluations < 1 + 64 + 20);
    CheckLimit(b, raw, a, r, 11.0);
    if (r.max_amount && *r.max_amount < r.range_max) {
      ++interior;
      // Exact to the step: one DM more is not approvable.
      CHECK(BandAt(b, raw, a, *r.max_amount + 1) != "approve");
    }
  }
  CHECK(interior > 3);
}

TEST_CASE("limit: bad arguments are errors") {
  const Bundle& b = decision_test::Shipped("german_credit_logistic");
  std::vector<double> raw(b.FeatureNames().size(), 0.0);
  CHECK_THROWS_WITH_AS(FindLimit(b, raw.data(), 999), doctest::Contains("out of range"), Error);
  CHECK_THROWS_WITH_AS(FindLimit(b, raw.data(), FeatureIndex(b, "purpose")),
                       doctest::Contains("'purpose' must be numeric"), Error);
  LimitOptions o;
  o.step = 0;
  CHECK_THROWS_WITH_AS(FindLimit(b, raw.data(), FeatureIndex(b, "credit_amount"), o),
                       doctest::Contains("step must be a positive number"), Error);
  CHECK_THROWS_WITH_AS(FeatureIndex(b, "nope"), doctest::Contains("'nope' is not a feature"),
                       Error);
}
