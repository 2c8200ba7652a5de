#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <sstream>

#include "german_credit_test_util.h"
#include "loanlens/bundle.h"
#include "loanlens/error.h"
#include "loanlens/file.h"
#include "loanlens/pipeline.h"
#include "loanlens/sha256.h"

using namespace loanlens;
using loanlens::test::GermanCreditBundle;
using loanlens::test::ReadGermanCredit;

TEST_CASE("bundle: save -> load -> predict is bit-identical") {
  const Bundle& b = GermanCreditBundle();
  const std::string text = b.Dump();
  const Bundle loaded = Bundle::Parse(text, "german.json");
  CHECK(loaded.Dump() == text);
  const Frame f = ReadGermanCredit(b);
  REQUIRE(f.num_rows == 1000);
  for (std::size_t i = 0; i < f.num_rows; ++i) {
    const Score s1 = b.ScoreRow(f.Row(i), true), s2 = loaded.ScoreRow(f.Row(i), true);
    CHECK(s1.margin == s2.margin);
    CHECK(s1.pd == s2.pd);
    CHECK(s1.contributions == s2.contributions);
  }
}

TEST_CASE("bundle: explanations add up to the margin for every row") {
  const Bundle& b = GermanCreditBundle();
  const Frame f = ReadGermanCredit(b);
  double worst = 0;
  for (std::size_t i = 0; i < f.num_rows; ++i) {
    const Score s = b.ScoreRow(f.Row(i), true);
    double sum = s.base_value;
    for (double c : s.contributions) sum += c;
    worst = std::max(worst, std::abs(sum - s.margin));
    CHECK(s.pd == doctest::Approx(1 / (1 + std::exp(-s.margin))).epsilon(1e-15));
  }
  CHECK(worst < 1e-9);
  CHECK(b.Meta()["explain"]["base_value"].get<double>() == b.ScoreRow(f.Row(0), true).base_value);
}

TEST_CASE("bundle: tampering and malformed bundles are detected on load") {
  const nlohmann::json good = nlohmann::json::parse(GermanCreditBundle().Dump());
  SUBCASE("a changed coefficient breaks the content hash") {
    auto j = good;
    j["model"]["coef"][0] = j["model"]["coef"][0].get<double>() + 0.5;
    CHECK_THROWS_WITH_AS(Bundle::FromJson(j, "m.json"),
                         doctest::Contains("m.json: bundle.content_sha256: the content does not "
                                           "match its hash"),
                         Error);
  }
  SUBCASE("a changed policy threshold breaks the content hash") {
    auto j = good;
    j["policy"]["decline_at"] = 0.9;
    CHECK_THROWS_AS(Bundle::FromJson(j), Error);
  }
  SUBCASE("created_at is outside the hash (same seed, same content)") {
    auto j = good;
    j["created_at"] = "2000-01-01T00:00:00Z";
    CHECK_NOTHROW(Bundle::FromJson(j));
  }
  SUBCASE("structural errors name the JSON path, even with a correct hash") {
    auto rehash = [](nlohmann::json j) {
      nlohmann::json c = j;
      c.erase("content_sha256");
      c.erase("created_at");
      j["content_sha256"] = Sha256Hex(c.dump());
      return j;
    };
    auto j = good;
    j["model"]["coef"].erase(0);
    CHECK_THROWS_WITH_AS(Bundle::FromJson(rehash(j), "m.json"),
                         doctest::Contains("m.json: model.input_mean: expected"), Error);
    j = good;
    j["format_version"] = 2;
    CHECK_THROWS_WITH_AS(Bundle::FromJson(rehash(j), "m.json"),
                         doctest::Contains("bundle.format_version: this engine reads version 1"),
                         Error);
    j = good;
    j.erase("explain");
    CHECK_THROWS_WITH_AS(Bundle::FromJson(rehash(j), "m.json"),
                         "m.json: bundle.explain: is missing", Error);
    j = good;
    j["kind"] = "gbdt";
    CHECK_THROWS_WITH_AS(Bundle::FromJson(rehash(j), "m.json"),
                         doctest::Contains("bundle.kind: says 'gbdt' but the model is 'logistic'"),
                         Error);
  }
  SUBCASE("every section a reader uses is validated (sealed with ContentSha256)") {
    auto sealed = [](nlohmann::json j) {
      j["content_sha256"] = ContentSha256(j);
      return j;
    };
    auto fails = [&](const std::function<void(nlohmann::json&)>& edit, const std::string& what) {
      auto j = good;
      edit(j);
      CHECK_THROWS_WITH_AS(Bundle::FromJson(sealed(j), "m.json"), doctest::Contains(what.c_str()),
                           Error);
    };
    fails([](auto& j) { j["metrics"]["validation"] = nlohmann::json::object(); },
          "m.json: bundle.metrics.validation.n_rows: is missing");
    fails([](auto& j) { j["metrics"]["validation"]["ks"] = "0.4"; },
          "bundle.metrics.validation.ks: expected a finite number");
    fails([](auto& j) { j["training"].erase("params"); },
          "m.json: bundle.training.params: is missing");
    fails([](auto& j) { j["training"]["data_file"] = 7; },
          "bundle.training.data_file: expected a string");
    fails([](auto& j) { j["target"]["negative"] = 1; },
          "bundle.target.negative: expected a string");
    fails([](auto& j) { j["policy"]["max_reasons"] = 4294967299ULL; },
          "policy.max_reasons: expected an integer in [0, 100], got 4294967299");
    fails([](auto& j) { j["csv"]["missing_tokens"] = std::vector<std::string>(65, "t"); },
          "bundle.csv.missing_tokens: expected at most 64 entries, got 65");
    fails([](auto& j) { j["csv"]["missing_tokens"] = {std::string(65, 't')}; },
          "bundle.csv.missing_tokens[0]: expected at most 64 bytes, got 65");
    fails([](auto& j) { j["schema"]["columns"][0]["description"] = std::string(5000, 'd'); },
          "schema.columns[0].description: 5000 bytes; at most 4096");
    fails([](auto& j) { j["explain"]["mean_abs_shap"]["age_years"] = "big"; },
          "bundle.explain.mean_abs_shap.age_years: expected a finite number");
    CHECK_NOTHROW(Bundle::FromJson(sealed(good), "m.json"));
  }
  SUBCASE("the costliest counts are refused while scanning the text") {
    auto j = good;
    j["csv"]["missing_tokens"] = std::vector<std::string>(1000000, "t");
    CHECK_THROWS_WITH_AS(Bundle::Parse(j.dump(), "m.json"),
                         doctest::Contains("m.json: csv.missing_tokens: more than 64 entries"),
                         Error);
    j = good;
    j["model"]["notes"] = std::string(2000000, 'n');
    CHECK_THROWS_WITH_AS(Bundle::Parse(j.dump(), "m.json"),
                         doctest::Contains("a JSON string of 2000000 bytes"), Error);
  }
  SUBCASE("deep nesting fails while parsing, naming the limit") {
    const std::string deep = "{\"x\": " + std::string(100000, '[') + std::string(100000, ']') + "}";
    CHECK_THROWS_WITH_AS(Bundle::Parse(deep, "x.json"),
                         doctest::Contains("x.json: JSON nested deeper than 64 levels"), Error);
  }
  SUBCASE("not JSON at all") {
    CHECK_THROWS_WITH_AS(Bundle::Parse("{nope", "x.json"),
                         doctest::Contains("x.json: not valid JSON"), Error);
  }
}

namespace {

/// An RBF SVM trained on 300 rows of credit_risk_dataset.csv (trained once: every SUBCASE of
/// the test case below re-runs its body).
const Bundle& RbfSvm(const TrainOptions& o) {
  static const Bundle b = TrainBundle(o);
  return b;
}

}  // namespace

TEST_CASE("bundle: an RBF SVM is explained exactly against its background") {
  // credit_risk_dataset has 10 model features (<= 12): Kernel SHAP enumerates every coalition,
  // so it computes the same game's Shapley values exactly, by another algorithm.
  TrainOptions o;
  o.data_path = std::string(LOANLENS_SOURCE_DIR) + "/models/data/credit_risk_dataset.csv";
  o.target = "loan_status";
  o.model = "svm";
  o.params = {
      {"kernel", "rbf"}, {"max_train_rows", "300"}, {"platt_folds", "2"}, {"explain_rows", "5"}};
  const Bundle& b = RbfSvm(o);
  CHECK(b.ExplainMethod() == "rbf_shap");
  CHECK(b.Meta()["explain"]["method"] == "rbf_shap");
  std::istringstream in(ReadFile(o.data_path));
  CsvReader reader(in, "credit_risk_dataset.csv");
  ReadOptions ro;
  const Frame f = ReadFrame(reader, b.GetSchema(), ro).frame;
  SUBCASE("rbf_shap equals exact Kernel SHAP (every coalition) on 12 rows") {
    const KernelExplainer kernel = KernelExplainer::FromJson(b.Meta()["explain"]["kernel_shap"]);
    REQUIRE(kernel.NumGroups() <= 12);
    const Model& model = b.GetModel();
    const BatchMarginFn margin = [&model](const double* rows, std::size_t n, double* out) {
      for (std::size_t i = 0; i < n; ++i)
        out[i] = model.PredictMargin(rows + i * model.NumInputs());
    };
    std::vector<double> x(model.NumInputs()), phi(kernel.NumGroups());
    double worst = 0, worst_sum = 0;
    for (std::size_t i = 0; i < f.num_rows; i += f.num_rows / 12) {
      const Score s = b.ScoreRow(f.Row(i), true);
      b.GetPreprocessor().Transform(f.Row(i), x.data());
      KernelShapStats stats;
      const double base = kernel.Explain(margin, x.data(), phi.data(), KernelShapOptions(), &stats);
      REQUIRE(stats.exact);
      CHECK(s.base_value == doctest::Approx(base).epsilon(1e-14));
      double sum = s.base_value;
      for (std::size_t g = 0; g < phi.size(); ++g) {
        worst = std::max(worst, std::fabs(s.contributions[g] - phi[g]));
        sum += s.contributions[g];
      }
      worst_sum = std::max(worst_sum, std::fabs(sum - s.margin));
    }
    MESSAGE("largest |rbf_shap - exact Kernel SHAP| = " << worst);
    CHECK(worst < 1e-9);
    CHECK(worst_sum < 1e-12);
  }
  SUBCASE("save -> load keeps the method and the numbers") {
    const Bundle loaded = Bundle::Parse(b.Dump(), "svm.json");
    const Score s1 = b.ScoreRow(f.Row(3), true), s2 = loaded.ScoreRow(f.Row(3), true);
    CHECK(s1.contributions == s2.contributions);
    CHECK(s1.base_value == s2.base_value);
  }
  SUBCASE("a polynomial SVM keeps Kernel SHAP") {
    o.params["kernel"] = "poly";
    const Bundle poly = TrainBundle(o);
    CHECK(poly.ExplainMethod() == "kernel_shap");
    const Score s = poly.ScoreRow(f.Row(7), true);
    double sum = s.base_value;
    for (double c : s.contributions) sum += c;
    CHECK(std::fabs(sum - s.margin) < 1e-9);
  }
}
