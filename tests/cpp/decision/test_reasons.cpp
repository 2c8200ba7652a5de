#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "decision_test_util.h"
#include "loanlens/decision/decision.h"

using namespace loanlens;

namespace {

/// A declined or review applicant of the file (reasons are given to those).
std::size_t NotApproved(const Bundle& b, const Frame& f, std::size_t from) {
  for (std::size_t i = from; i < f.num_rows; ++i)
    if (b.ScoreRow(f.Row(i), false).band != "approve") return i;
  FAIL("no applicant that is not approved");
  return 0;
}

}  // namespace

TEST_CASE("reasons: the most adverse material features, at most max_reasons, in catalogue words") {
  for (const char* model : {"logistic", "gbdt", "random_forest"}) {
    CAPTURE(model);
    const Bundle& b = test::DecisionBundle(model);
    const Frame f = test::GermanRows(b);
    const Policy& p = b.GetPolicy();
    std::size_t i = 0;
    for (int k = 0; k < 10; ++k, ++i) {
      i = NotApproved(b, f, i);
      const Decision d = Decide(b, f.Row(i), {});
      CHECK(d.reasons.size() <= static_cast<std::size_t>(p.max_reasons));
      CHECK(d.factors.empty());
      // Most adverse first; each costs at least min_reason_points; none left out that costs
      // more than the last one given (no protected feature is a model input here).
      for (std::size_t r = 0; r < d.reasons.size(); ++r) {
        CHECK(d.reasons[r].points <= -p.min_reason_points);
        CHECK(d.reasons[r].adverse);
        if (r > 0) CHECK(d.reasons[r - 1].points <= d.reasons[r].points);
        CHECK(d.reasons[r].text.find("odds") == std::string::npos);
        CHECK(d.reasons[r].code.size() == 3);
      }
      std::size_t worse = 0;
      const double last = d.reasons.empty() ? -p.min_reason_points : d.reasons.back().points;
      for (double pts : d.reference_points) worse += pts < last - 1e-12;
      CHECK(worse == (d.reasons.size() == 0 ? 0 : d.reasons.size() - 1));
    }
  }
}

TEST_CASE(
    "reasons: never a prohibited basis, and a missing value reads as incomplete information") {
  Bundle b = Bundle::Parse(test::DecisionBundle("gbdt").Dump());
  const Frame f = test::GermanRows(b);
  std::size_t i = NotApproved(b, f, 0);
  Decision d = Decide(b, f.Row(i), {});
  REQUIRE_FALSE(d.reasons.empty());
  const std::string top = d.reasons[0].feature;
  // An imported model may use a prohibited basis: the bundle marks it and it is never a reason.
  const Bundle marked = decision_test::WithMeta(
      b, [&](nlohmann::json& m) { m["training"]["prohibited_basis"] = {top}; });
  d = Decide(marked, f.Row(i), {});
  for (const auto& r : d.reasons) CHECK(r.feature != top);

  const Bundle& g = test::DecisionBundle("gbdt");
  std::vector<double> raw(f.Row(i), f.Row(i) + b.FeatureNames().size());
  for (std::size_t j = 0; j < raw.size(); ++j) raw[j] = std::numeric_limits<double>::quiet_NaN();
  d = Decide(g, raw.data(), {});
  bool incomplete = false;
  for (const auto& r : d.reasons)
    incomplete |= r.text.rfind("Incomplete information: ", 0) == 0 &&
                  r.text.find("not provided") != std::string::npos;
  CHECK(incomplete);
}

TEST_CASE("reasons: catalogue text by level and by direction") {
  const Bundle& b = test::DecisionBundle("logistic");
  const Frame f = test::GermanRows(b);
  const auto features = b.FeatureNames();
  // An overdrawn checking account and a long duration are the classic adverse reasons.
  std::vector<double> raw(f.Row(0), f.Row(0) + features.size());
  const ColumnSpec& checking = *b.GetSchema().Find("checking_status");
  for (std::size_t c = 0; c < checking.categories.size(); ++c)
    if (checking.categories[c] == "< 0 DM") raw[0] = static_cast<double>(c);
  raw[1] = 72;  // duration_months, the training maximum
  const Decision d = Decide(b, raw.data(), {});
  bool overdrawn = false, duration = false;
  for (const auto& r : d.reasons) {
    overdrawn |= r.feature == "checking_status" && r.text == "Checking account is overdrawn" &&
                 r.code == "R01";
    duration |= r.feature == "duration_months" && r.text == "Loan duration is too long";
  }
  CHECK(overdrawn);
  CHECK(duration);
}

TEST_CASE("main factors for approved applicants, marked as not adverse") {
  const Bundle& b = test::DecisionBundle("logistic");
  const Frame f = test::GermanRows(b);
  for (std::size_t i = 0; i < f.num_rows; ++i) {
    const Decision d = Decide(b, f.Row(i), {});
    if (d.decision != "approve") continue;
    CHECK(d.reasons.empty());
    REQUIRE_FALSE(d.factors.empty());
    for (const auto& r : d.factors) {
      CHECK_FALSE(r.adverse);
      CHECK(r.points > 0);
    }
    return;
  }
  FAIL("no approved applicant");
}
