#include <doctest/doctest.h>

#include <cmath>

#include "decision_test_util.h"
#include "loanlens/decision/derived.h"

using namespace loanlens;
using namespace loanlens::decision;

namespace {

Schema RatioSchema() {
  Schema s;
  auto add = [&](const std::string& name, std::vector<std::string> ratio = {}) {
    ColumnSpec c;
    c.name = name;
    c.derived_ratio = std::move(ratio);
    s.columns.push_back(c);
  };
  add("amount");
  add("income");
  add("ratio", {"amount", "income"});
  add("per_ratio", {"ratio", "income"});  // a ratio of a ratio, listed first would be fine too
  return s;
}

}  // namespace

TEST_CASE("derived: recompute ratios from their parts") {
  const Schema s = RatioSchema();
  const std::vector<std::string> f = s.FeatureNames();
  std::vector<double> raw = {35000, 59000, 0.59, 1};
  RecomputeDerived(s, f, raw.data());
  CHECK(raw[2] == 35000.0 / 59000.0);
  CHECK(raw[3] == (35000.0 / 59000.0) / 59000.0);

  SUBCASE("a missing part or a zero denominator gives a missing ratio") {
    raw = {35000, 0, 0.5, 1};
    RecomputeDerived(s, f, raw.data());
    CHECK(std::isnan(raw[2]));
    raw = {NAN, 1000, 0.5, 1};
    RecomputeDerived(s, f, raw.data());
    CHECK(std::isnan(raw[2]));
    CHECK(std::isnan(raw[3]));
  }
  SUBCASE("only dependents of a changed feature are recomputed") {
    raw = {1000, 2000, 0.9, 7};
    std::vector<bool> changed = {false, false, false, false};
    RecomputeDependents(DerivedRatios(s, f), changed, raw.data());
    CHECK(raw[2] == 0.9);
    changed[0] = true;
    RecomputeDependents(DerivedRatios(s, f), changed, raw.data());
    CHECK(raw[2] == 0.5);
    CHECK(raw[3] == 0.5 / 2000);
  }
  SUBCASE("ratios whose parts are not features are ignored") {
    CHECK(DerivedRatios(s, {"amount", "ratio"}).empty());
  }
}

TEST_CASE("derived: mismatches beyond rounding are listed") {
  const Schema s = RatioSchema();
  const std::vector<std::string> f = {"amount", "income", "ratio"};
  // 35000 / 59000 = 0.5932..., given with two decimals as 0.59: within 0.005.
  std::vector<double> raw = {35000, 59000, 0.59};
  CHECK(DerivedMismatches(s, f, raw.data()).empty());
  raw[2] = 0.6;  // off by 0.0068
  auto m = DerivedMismatches(s, f, raw.data());
  REQUIRE(m.size() == 1);
  CHECK(m[0].feature == "ratio");
  CHECK(m[0].index == 2);
  CHECK(m[0].given == 0.6);
  CHECK(m[0].computed == doctest::Approx(35000.0 / 59000.0));
  SUBCASE("boundary: exactly half a unit of the second decimal is still rounding") {
    raw = {1, 8, 0.13};  // 0.125 given as 0.13
    CHECK(DerivedMismatches(s, f, raw.data()).empty());
    raw[2] = 0.1301;
    CHECK(DerivedMismatches(s, f, raw.data()).size() == 1);
    CHECK(DerivedMismatches(s, f, raw.data(), {0.01, 0}).empty());
  }
  SUBCASE("a missing given value or part is not a mismatch; a zero denominator is") {
    raw = {35000, 59000, NAN};
    CHECK(DerivedMismatches(s, f, raw.data()).empty());
    raw = {NAN, 59000, 0.5};
    CHECK(DerivedMismatches(s, f, raw.data()).empty());
    raw = {35000, 0, 0.5};
    m = DerivedMismatches(s, f, raw.data());
    REQUIRE(m.size() == 1);
    CHECK(std::isnan(m[0].computed));
  }
}

TEST_CASE("derived: loan_percent_income in the shipped credit_risk data is the rounded ratio") {
  const Bundle b = decision_test::WithSchema(decision_test::Shipped("credit_risk_gbdt"),
                                             [](Schema& s) {
                                               s.Find("loan_percent_income")->derived_ratio = {
                                                   "loan_amnt", "person_income"};
                                             });
  const Frame frame = decision_test::ReadRows(b, "credit_risk_dataset.csv");
  REQUIRE(frame.num_rows > 30000);
  std::size_t bad = 0;
  for (std::size_t i = 0; i < frame.num_rows; ++i) {
    const auto m = DerivedMismatches(b.GetSchema(), frame.feature_names, frame.Row(i));
    bad += m.size();
    if (i == 0) CHECK(m.empty());  // 35000 / 59000 given as 0.59
    for (const auto& x : m) CHECK(std::abs(x.given - x.computed) > 0.005);
  }
  // The dataset rounds to two decimals; about 1.3% of its rows disagree for real (35000 / 54400
  // given as 0.55): those, and only a few, are flagged.
  CHECK(bad > 0);
  CHECK(bad * 50 < frame.num_rows);
}
