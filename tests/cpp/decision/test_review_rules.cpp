#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "decision_test_util.h"
#include "loanlens/decision/decision.h"
#include "loanlens/file.h"

using namespace loanlens;

namespace {

/// An applicant of the file that no rule sends to review: approved, far from the cut-offs,
/// nothing missing or out of range.
std::vector<double> CleanApplicant(const Bundle& b, const Frame& f) {
  for (std::size_t i = 0; i < f.num_rows; ++i) {
    const Decision d = Decide(b, f.Row(i), {});
    if (d.decision == "approve" && d.rules.empty())
      return std::vector<double>(f.Row(i), f.Row(i) + b.FeatureNames().size());
  }
  FAIL("no clean applicant");
  return {};
}

std::vector<std::string> Fired(const Bundle& b, const std::vector<double>& raw,
                               const std::vector<RowWarning>& warnings = {}) {
  std::vector<std::string> ids;
  for (const auto& r : Decide(b, raw.data(), warnings).rules) ids.push_back(r.id);
  return ids;
}

bool Has(const std::vector<std::string>& ids, const std::string& id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

int Index(const Bundle& b, const std::string& name) {
  const auto f = b.FeatureNames();
  return static_cast<int>(std::find(f.begin(), f.end(), name) - f.begin());
}

}  // namespace

TEST_CASE("review rules: each fires on a crafted input and not on a clean one") {
  Bundle b = Bundle::Parse(test::DecisionBundle("logistic").Dump());
  const Frame f = test::GermanRows(b);
  const std::vector<double> clean = CleanApplicant(b, f);
  CHECK(Fired(b, clean).empty());
  const int amount = Index(b, "credit_amount");

  SUBCASE("out of the training range") {
    auto raw = clean;
    raw[amount] = 25000;  // training maximum 18,424
    CHECK(Has(Fired(b, raw), "out_of_range"));
  }
  SUBCASE("a key field missing") {
    REQUIRE_FALSE(b.GetPolicy().key_fields.empty());
    auto raw = clean;
    raw[Index(b, b.GetPolicy().key_fields[0])] = std::numeric_limits<double>::quiet_NaN();
    CHECK(Has(Fired(b, raw), "key_field_missing"));
  }
  SUBCASE("a category not seen in training") {
    auto raw = clean;
    raw[Index(b, "purpose")] = kUnseenLevel;
    const auto ids = Fired(b, raw, {{0, "purpose", "crypto", "category not seen"}});
    CHECK(Has(ids, "unseen_category"));
  }
  SUBCASE("the amount above the policy's maximum") {
    Policy p = b.GetPolicy();
    p.max_amount = clean[amount] - 1;
    b.SetPolicy(p);
    CHECK(Has(Fired(b, clean), "amount_above_max"));
  }
  SUBCASE("within the configured distance of a cut-off") {
    Policy p = b.GetPolicy();
    p.review_near_cutoff_points = 1000;
    b.SetPolicy(p);
    CHECK(Has(Fired(b, clean), "near_cutoff"));
  }
  SUBCASE("above the PD budget") {
    Policy p = b.GetPolicy();
    p.max_pd = 1e-6;
    b.SetPolicy(p);
    CHECK(Has(Fired(b, clean), "above_budget"));
  }
  SUBCASE("a fired rule turns approve into review; a decline stays a decline") {
    auto raw = clean;
    raw[amount] = 25000;
    const Decision d = Decide(b, raw.data(), {});
    if (d.score.band == "approve") CHECK(d.decision == "review");
    CHECK(DecisionOf("decline", d.rules) == "decline");
    CHECK(DecisionOf("approve", {}) == "approve");
  }
}

TEST_CASE("review rules: a derived ratio that disagrees with its parts") {
  TrainOptions o;
  const std::string dir = std::string(LOANLENS_SOURCE_DIR) + "/models/data/";
  o.data_path = dir + "credit_risk_dataset.csv";
  o.schema_path = dir + "credit_risk_dataset.schema.json";
  o.target = "loan_status";
  o.positive = "1";
  o.params = {{"explain_rows", "20"}};
  const Bundle b = TrainBundle(o);
  REQUIRE(b.GetSchema().Find("loan_percent_income")->derived_ratio.size() == 2);
  std::istringstream in(ReadFile(o.data_path));
  CsvReader reader(in, "credit_risk_dataset.csv");
  const Frame f = ReadFrame(reader, b.GetSchema(), ReadOptions{}).frame;
  const int ratio = Index(b, "loan_percent_income"), amount = Index(b, "loan_amnt"),
            income = Index(b, "person_income");
  std::vector<double> raw(f.Row(1), f.Row(1) + b.FeatureNames().size());
  raw[ratio] = raw[amount] / raw[income];  // consistent: no mismatch
  CHECK_FALSE(Has(Fired(b, raw), "derived_mismatch"));
  raw[ratio] += 0.3;
  CHECK(Has(Fired(b, raw), "derived_mismatch"));
}
