#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <set>

#include "decision_test_util.h"
#include "loanlens/decision/derived.h"
#include "loanlens/decision/limit.h"
#include "loanlens/decision/recourse.h"
#include "loanlens/error.h"
#include "loanlens/file.h"
#include "loanlens/tree/xgboost_bundle.h"

using namespace loanlens;
using namespace loanlens::decision;

namespace {

/// A numeric change that is smaller than `cost` and approves, on a grid of `step` (brute force);
/// NaN when there is none.
double SmallerApprovable(const Bundle& b, const std::vector<double>& raw, std::size_t f,
                         double cost, double step) {
  const ColumnSpec& spec = *b.GetSchema().Find(b.FeatureNames()[f]);
  const double range = spec.max - spec.min;
  for (double v = spec.min; v <= spec.max; v += step) {
    if (std::abs(v - raw[f]) / range >= cost - 1e-12 || v == raw[f]) continue;
    std::vector<double> row = raw;
    row[f] = v;
    RecomputeDerived(b.GetSchema(), b.FeatureNames(), row.data());
    if (decision_test::DecisionBand(b, row.data()) == "approve") return v;
  }
  return NAN;
}

/// Every property an option list must have.
void CheckRecourse(const Bundle& b, const std::vector<double>& raw, const RecourseResult& r,
                   const std::set<std::string>& actionable, std::size_t max_options = 3) {
  const auto names = b.FeatureNames();
  const Score own = b.ScoreRow(raw.data(), false);
  CHECK(r.band == own.band);
  if (own.band == "approve") CHECK(r.options.empty());
  CHECK(r.options.size() <= max_options);
  const std::vector<int> mono = b.GetModel().MonotoneConstraints();
  std::set<std::vector<std::string>> seen;
  std::size_t prev_size = 1;
  double prev_cost = 0;
  for (const RecourseOption& o : r.options) {
    CHECK(o.band == "approve");
    // Applying the option by hand (set the values, recompute derived features) gives its score.
    std::vector<double> row = raw;
    std::set<std::size_t> changed;
    for (const RecourseChange& c : o.changes) row[c.index] = c.to, changed.insert(c.index);
    // Ratios of a changed feature are recomputed (the others keep their given value).
    for (const DerivedRatio& d : DerivedRatios(b.GetSchema(), names))
      if (changed.count(d.numerator) || changed.count(d.denominator))
        row[d.feature] = RatioValue(row[d.numerator], row[d.denominator]);
    const Score again = b.ScoreRow(row.data(), false);
    CHECK(again.band == o.band);
    CHECK(again.pd == o.pd);
    CHECK(again.points == o.points);
    const std::vector<double> applied = ApplyRecourse(b, raw.data(), o);
    for (std::size_t j = 0; j < row.size(); ++j)
      CHECK((applied[j] == row[j] || (std::isnan(applied[j]) && std::isnan(row[j]))));
    std::vector<std::string> fs;
    double cost = 0;
    for (const RecourseChange& c : o.changes) {
      const ColumnSpec& spec = *b.GetSchema().Find(c.feature);
      CHECK(names[c.index] == c.feature);
      CHECK(actionable.count(c.feature) == 1);
      CHECK_FALSE(IsDefaultProtected(c.feature));
      CHECK(spec.role == Role::kFeature);
      CHECK(spec.derived_ratio.empty());
      CHECK(c.from == raw[c.index]);
      CHECK(c.to != c.from);
      if (spec.type == ColumnType::kNumeric) {
        CHECK(c.to >= spec.min);
        CHECK(c.to <= spec.max);
        CHECK(c.cost == doctest::Approx(std::abs(c.to - c.from) / (spec.max - spec.min)));
        const int m = mono.empty() ? 0 : mono[b.GetPreprocessor().Features()[c.index].first_column];
        if (m != 0) CHECK((c.to - c.from) * m < 0);  // the direction that lowers risk
      } else {
        CHECK(c.to >= 0);
        CHECK(c.to < static_cast<double>(std::max<std::size_t>(spec.categories.size(), 2)));
        CHECK(std::floor(c.to) == c.to);
        if (!spec.categories.empty()) CHECK(c.to_level == spec.categories[c.to]);
        CHECK(c.cost == 1.0);
      }
      cost += c.cost;
      fs.push_back(c.feature);
    }
    CHECK(o.cost == doctest::Approx(cost));
    CHECK(seen.insert(fs).second);  // distinct feature sets
    // Single changes first, each group by cost.
    CHECK(o.changes.size() >= prev_size);
    if (o.changes.size() == prev_size) CHECK(o.cost >= prev_cost - 1e-12);
    prev_size = o.changes.size();
    prev_cost = o.cost;
  }
}

RecourseOptions With(std::vector<std::string> actionable) {
  RecourseOptions o;
  o.actionable = std::move(actionable);
  return o;
}

struct Case {
  const char* bundle;
  const char* data;
  std::vector<std::string> actionable;
};

const std::vector<Case>& ShippedCases() {
  static const std::vector<Case> cases = {
      {"german_credit_gbdt",
       "german_credit.csv",
       {"duration_months", "credit_amount", "savings_status", "checking_status"}},
      {"german_credit_random_forest",
       "german_credit.csv",
       {"duration_months", "credit_amount", "savings_status", "checking_status"}},
      {"german_credit_logistic",
       "german_credit.csv",
       {"duration_months", "credit_amount", "savings_status", "checking_status"}},
      {"german_credit_svm",
       "german_credit.csv",
       {"duration_months", "credit_amount", "savings_status"}},
      {"credit_risk_gbdt", "credit_risk_dataset.csv", {"loan_amnt"}},
      {"credit_risk_logistic", "credit_risk_dataset.csv", {"loan_amnt"}},
      {"credit_data_random_forest", "credit_data.csv", {"Time", "Amount", "Debt"}},
      {"loan_default_gbdt", "loan_default_sample.csv", {"LoanAmount", "LoanTerm", "HasCoSigner"}},
      {"loan_default_logistic",
       "loan_default_sample.csv",
       {"LoanAmount", "LoanTerm", "HasCoSigner"}},
      {"taiwan_gbdt", "default_of_credit_card_clients.csv", {"LIMIT_BAL"}},
  };
  return cases;
}

}  // namespace

TEST_CASE("recourse: options on every shipped bundle give their band when applied") {
  for (const Case& c : ShippedCases()) {
    const std::string bundle_name = c.bundle;
    CAPTURE(bundle_name);
    // credit_risk: loan_percent_income is loan_amnt / person_income (declared here: the shipped
    // schema does not say so yet), so changing the amount moves it too.
    const Bundle derived =
        decision_test::WithSchema(decision_test::Shipped(c.bundle), [](Schema& s) {
          if (auto* col = s.Find("loan_percent_income"))
            col->derived_ratio = {"loan_amnt", "person_income"};
        });
    const Bundle& b = derived;
    const Frame frame = decision_test::ReadRows(b, c.data);
    const bool svm = std::string(c.bundle).find("svm") != std::string::npos;
    const auto rows = decision_test::NotApproved(b, frame, svm ? 3 : 6, 17);
    REQUIRE(rows.size() >= 3);
    const std::set<std::string> actionable(c.actionable.begin(), c.actionable.end());
    std::size_t with_options = 0;
    for (const auto& raw : rows) {
      const RecourseResult r = FindRecourse(b, raw.data(), With(c.actionable));
      CHECK(r.complete);
      CHECK(r.evaluations <= RecourseOptions().max_evaluations + 1);
      CheckRecourse(b, raw, r, actionable);
      with_options += !r.options.empty();
    }
    MESSAGE(bundle_name << ": " << with_options << " of " << rows.size() << " with options");
    // The RBF SVM's bounded search finds no option clear of the near-cut-off review margin on
    // these rows (known limit; every option it does return is checked above).
    if (!svm) CHECK(with_options > 0);
  }
}

namespace {

/// Recourse on duration and amount for `count` German applicants not approved by `bundle`
/// (drawn with `seed`): calls check(row, change) for every single-change option found, and
/// returns how many there were.
std::size_t ForEachSingleChange(
    const Bundle& b, std::size_t count, unsigned seed,
    const std::function<void(const std::vector<double>&, const RecourseChange&)>& check) {
  const Frame frame = decision_test::ReadRows(b, "german_credit.csv");
  std::size_t found = 0;
  for (const auto& raw : decision_test::NotApproved(b, frame, count, seed)) {
    const RecourseResult r =
        FindRecourse(b, raw.data(), With({"duration_months", "credit_amount"}));
    for (const RecourseOption& o : r.options) {
      if (o.changes.size() != 1) continue;
      CAPTURE(o.changes[0].feature);
      check(raw, o.changes[0]);
      ++found;
    }
  }
  return found;
}

}  // namespace

TEST_CASE("recourse: single changes on trees are the smallest (brute force)") {
  const Bundle& b = decision_test::Shipped("german_credit_gbdt");
  const std::size_t checked =
      ForEachSingleChange(b, 8, 5, [&b](const std::vector<double>& raw, const RecourseChange& c) {
        // Integer features: on the integer grid, nothing smaller than the option approves.
        CHECK(std::isnan(SmallerApprovable(b, raw, c.index, c.cost, 1.0)));
      });
  CHECK(checked > 3);
}

TEST_CASE("recourse: logistic boundary is exact to the step") {
  const Bundle& b = decision_test::Shipped("german_credit_logistic");
  const std::size_t checked =
      ForEachSingleChange(b, 40, 1, [&b](const std::vector<double>& raw, const RecourseChange& c) {
        // One unit closer to the applicant's value is not approved.
        std::vector<double> row = raw;
        row[c.index] = c.to + (c.from > c.to ? 1 : -1);
        CHECK(decision_test::DecisionBand(b, row.data()) != "approve");
      });
  CHECK(checked > 3);
}

TEST_CASE("recourse: derived features, protected attributes, float32 models (XGBoost import)") {
  TrainOptions t;
  t.data_path = decision_test::Source("models/data/credit_risk_dataset.csv");
  t.target = "loan_status";
  t.schema_path = decision_test::Source("tests/fixtures/xgboost/sample_schema.json");
  const Bundle imported =
      ImportXgboostBundle(t, decision_test::Source("tests/fixtures/xgboost/model.json"));
  const Bundle b = decision_test::WithSchema(imported, [](Schema& s) {
    s.Find("loan_percent_income")->derived_ratio = {"loan_amnt", "person_income"};
    for (const char* name : {"person_age", "loan_amnt", "loan_int_rate", "loan_percent_income"})
      s.Find(name)->actionable = true;  // the schema's flags this time
  });
  CHECK(b.GetModel().SplitThresholds(0).has_value());
  const Frame frame = decision_test::ReadRows(b, "credit_risk_dataset.csv");
  const auto rows = decision_test::NotApproved(b, frame, 8, 41);
  REQUIRE(rows.size() == 8);
  std::size_t pairs = 0;
  for (const auto& raw : rows) {
    const RecourseResult r = FindRecourse(b, raw.data());
    CheckRecourse(b, raw, r, {"loan_amnt", "loan_int_rate"});
    CHECK(r.features == std::vector<std::string>{"loan_amnt", "loan_int_rate"});
    REQUIRE(r.skipped.size() == 2);
    CHECK(r.skipped[0].feature == "person_age");
    CHECK(r.skipped[0].reason == "protected attribute: never changed");
    CHECK(r.skipped[1].feature == "loan_percent_income");
    for (const auto& o : r.options) pairs += o.changes.size() == 2;
  }
  CHECK(pairs > 0);
}

TEST_CASE("recourse: other families (linear SVM, WoE logistic)") {
  const std::vector<std::pair<std::string, std::pair<std::string, std::string>>> cases = {
      {"svm", {"kernel", "linear"}}, {"logistic", {"encoding", "woe"}}};
  for (const auto& one : cases) {
    const std::string model = one.first;
    const auto param = one.second;
    CAPTURE(model);
    TrainOptions t;
    t.data_path = decision_test::Source("models/data/german_credit.csv");
    t.target = "class";
    t.positive = "2";
    t.model = model;
    t.params[param.first] = param.second;
    const Bundle b = TrainBundle(t);
    const Frame frame = decision_test::ReadRows(b, "german_credit.csv");
    const auto rows = decision_test::NotApproved(b, frame, 5, 11);
    const std::vector<std::string> act = {"duration_months", "credit_amount", "savings_status"};
    std::size_t with_options = 0;
    for (const auto& raw : rows) {
      const RecourseResult r = FindRecourse(b, raw.data(), With(act));
      CheckRecourse(b, raw, r, {act.begin(), act.end()});
      with_options += !r.options.empty();
    }
    CHECK(with_options > 0);
  }
}

TEST_CASE("recourse: approved applicants, budgets, options and errors") {
  const Bundle& b = decision_test::Shipped("german_credit_gbdt");
  const Frame frame = decision_test::ReadRows(b, "german_credit.csv");
  const std::size_t m = frame.feature_names.size();
  const std::vector<std::string> act = {"duration_months", "credit_amount", "savings_status"};
  SUBCASE("an approved applicant needs no change") {
    for (std::size_t i = 0; i < frame.num_rows; ++i) {
      if (b.ScoreRow(frame.Row(i), false).band != "approve") continue;
      const RecourseResult r = FindRecourse(b, frame.Row(i), With(act));
      CHECK(r.options.empty());
      CHECK(r.evaluations == 1);
      break;
    }
  }
  const auto rows = decision_test::NotApproved(b, frame, 4, 3);
  SUBCASE("the evaluation budget is a hard bound") {
    RecourseOptions o = With(act);
    o.max_evaluations = 5;
    for (const auto& raw : rows) {
      const RecourseResult r = FindRecourse(b, raw.data(), o);
      CHECK(r.evaluations <= 6);
      CheckRecourse(b, raw, r, {act.begin(), act.end()});
    }
  }
  SUBCASE("max_options and no pairs") {
    RecourseOptions o = With(act);
    o.max_options = 1;
    o.pairs = false;
    for (const auto& raw : rows) {
      const RecourseResult r = FindRecourse(b, raw.data(), o);
      CheckRecourse(b, raw, r, {act.begin(), act.end()}, 1);
      for (const auto& opt : r.options) CHECK(opt.changes.size() == 1);
    }
  }
  SUBCASE("a missing value is not changed") {
    std::vector<double> raw = rows[0];
    raw[FeatureIndex(b, "duration_months")] = NAN;
    const RecourseResult r = FindRecourse(b, raw.data(), With(act));
    CHECK(r.skipped.at(0).feature == "duration_months");
    CHECK(r.skipped.at(0).reason == "not provided");
  }
  SUBCASE("JSON") {
    const RecourseResult r = FindRecourse(b, rows[0].data(), With(act));
    const nlohmann::json j = ToJson(r);
    CHECK(j["options"].size() == r.options.size());
    for (std::size_t k = 0; k < r.options.size(); ++k) {
      CHECK(j["options"][k]["band"] == "approve");
      CHECK(j["options"][k]["pd"].get<double>() == r.options[k].pd);
      for (const auto& c : r.options[k].changes)
        CHECK(j["options"][k]["changes"].contains(c.feature));
    }
  }
  CHECK_THROWS_WITH_AS(FindRecourse(b, rows[0].data(), With({"age_years"})),
                       doctest::Contains("'age_years' is not a feature"), Error);
  (void)m;
}

TEST_CASE("recourse: timing on 300-tree gbdt bundles (benchmark, not a test)" * doctest::skip()) {
  const std::vector<Case> cases = {
      {"german_credit_gbdt",
       "german_credit.csv",
       {"duration_months", "credit_amount", "savings_status", "checking_status"}},
      {"credit_risk_gbdt", "credit_risk_dataset.csv", {"loan_amnt", "person_income"}}};
  for (const Case& c : cases) {
    const std::string name = c.bundle, data = c.data;
    const std::vector<std::string> act = c.actionable;
    const Bundle b = decision_test::WithSchema(decision_test::Shipped(name), [](Schema& s) {
      if (auto* c = s.Find("loan_percent_income"))
        c->derived_ratio = {"loan_amnt", "person_income"};
    });
    const Frame frame = decision_test::ReadRows(b, data);
    const auto rows = decision_test::NotApproved(b, frame, 50, 3);
    double worst = 0, total = 0;
    std::size_t evals = 0, worst_evals = 0;
    for (const auto& raw : rows) {
      const auto t0 = std::chrono::steady_clock::now();
      const RecourseResult r = FindRecourse(b, raw.data(), With(act));
      const double ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      total += ms, worst = std::max(worst, ms), evals += r.evaluations;
      worst_evals = std::max(worst_evals, r.evaluations);
    }
    // The limit on the same applicants.
    const std::size_t a =
        FeatureIndex(b, act[1] == "person_income" ? "loan_amnt" : "credit_amount");
    double limit_total = 0, limit_worst = 0;
    for (const auto& raw : rows) {
      const auto t0 = std::chrono::steady_clock::now();
      (void)FindLimit(b, raw.data(), a);
      const double ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      limit_total += ms, limit_worst = std::max(limit_worst, ms);
    }
    MESSAGE(name << ": limit mean " << limit_total / rows.size() << " ms, worst " << limit_worst
                 << " ms");
    MESSAGE(name << ": " << rows.size() << " applicants, mean " << total / rows.size()
                 << " ms, worst " << worst << " ms, mean ScoreRow calls " << evals / rows.size()
                 << ", worst " << worst_evals);
  }
}

TEST_CASE("shipped schemas: actionable flags only on features an applicant can change") {
  for (const char* file : {"german_credit", "credit_risk_dataset", "credit_data",
                           "loan_default_sample", "default_of_credit_card_clients"}) {
    CAPTURE(std::string(file));
    const nlohmann::json j = nlohmann::json::parse(
        ReadFile(decision_test::Source(std::string("models/data/") + file + ".schema.json")));
    std::size_t flagged = 0;
    for (const auto& c : j["columns"]) {
      if (!c.value("actionable", false)) continue;
      ++flagged;
      const std::string name = c["name"].get<std::string>();
      CAPTURE(name);
      CHECK_FALSE(IsDefaultProtected(name));
      CHECK(c.value("role", "feature") == "feature");
      CHECK_FALSE(c.contains("derived"));
    }
    CHECK(flagged > 0);
  }
}
