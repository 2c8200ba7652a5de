#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <sstream>

#include "loanlens/bundle.h"
#include "loanlens/error.h"
#include "loanlens/pipeline.h"
#include "loanlens/scoring.h"
#include "loanlens/sha256.h"

using namespace loanlens;

namespace {

TrainOptions GermanCredit() {
  TrainOptions o;
  o.data_path = std::string(LOANLENS_SOURCE_DIR) + "/models/data/german_credit.csv";
  o.target = "class";
  o.positive = "2";
  return o;
}

/// One trained bundle shared by the tests in this file (training takes a few milliseconds, but
/// the tests compare against the same object).
const Bundle& Trained() {
  static const Bundle b = TrainBundle(GermanCredit());
  return b;
}

Frame ReadGerman(const Bundle& b) {
  std::istringstream in(ReadFile(GermanCredit().data_path));
  CsvReader reader(in, "german_credit.csv");
  ReadOptions ro;
  return ReadFrame(reader, b.GetSchema(), ro).frame;
}

}  // namespace

TEST_CASE("bundle: save -> load -> predict is bit-identical") {
  const Bundle& b = Trained();
  const std::string text = b.Dump();
  const Bundle loaded = Bundle::Parse(text, "german.json");
  CHECK(loaded.Dump() == text);
  const Frame f = ReadGerman(b);
  REQUIRE(f.num_rows == 1000);
  for (std::size_t i = 0; i < f.num_rows; ++i) {
    const Score s1 = b.ScoreRow(f.Row(i), true), s2 = loaded.ScoreRow(f.Row(i), true);
    CHECK(s1.margin == s2.margin);
    CHECK(s1.pd == s2.pd);
    CHECK(s1.contributions == s2.contributions);
  }
}

TEST_CASE("bundle: explanations add up to the margin for every row") {
  const Bundle& b = Trained();
  const Frame f = ReadGerman(b);
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
  const nlohmann::json good = nlohmann::json::parse(Trained().Dump());
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

TEST_CASE("training is deterministic for a seed") {
  const nlohmann::json a = nlohmann::json::parse(Trained().Dump());
  const nlohmann::json b = nlohmann::json::parse(TrainBundle(GermanCredit()).Dump());
  CHECK(a["content_sha256"] == b["content_sha256"]);
  TrainOptions o = GermanCredit();
  o.seed = 8;
  const nlohmann::json c = nlohmann::json::parse(TrainBundle(o).Dump());
  CHECK(a["content_sha256"] != c["content_sha256"]);
}

TEST_CASE("training records what a validator needs") {
  const nlohmann::json j = nlohmann::json::parse(Trained().Dump());
  CHECK(j["training"]["rows"] == 1000);
  CHECK(j["training"]["train_rows"] == 800);
  CHECK(j["training"]["valid_rows"] == 200);
  CHECK(j["training"]["data_sha256"] ==
        "547327a24fafaa139928efca5668b0d2a7198e5fe2e966fb9a9994523ae4ead8");
  CHECK(j["metrics"]["validation"]["n_positive"] == 60);  // stratified: 30% of 200
  const double auc = j["metrics"]["validation"]["auc"];
  CHECK(auc > 0.7);
  CHECK(auc < 0.85);
  SUBCASE("prohibited bases are kept out of the model by default") {
    for (const char* c : {"personal_status_sex", "age_years", "foreign_worker"}) {
      CAPTURE(c);
      const auto* spec = Trained().GetSchema().Find(c);
      REQUIRE(spec);
      CHECK(spec->role == Role::kProtected);
    }
    const auto names = Trained().FeatureNames();
    CHECK(std::find(names.begin(), names.end(), "personal_status_sex") == names.end());
  }
}

TEST_CASE("batch scoring: rows in = scored + rejected, bad rows named") {
  const Bundle& b = Trained();
  const std::string text = ReadFile(GermanCredit().data_path);
  const auto nl = text.find('\n');
  std::string csv = text.substr(0, nl + 1);
  std::istringstream lines(text.substr(nl + 1));
  std::string line;
  for (int i = 0; i < 5 && std::getline(lines, line); ++i) csv += line + "\n";
  csv +=
      "< 0 DM,abc,critical account / other credits existing (not at this bank),radio/television,"
      "1169,unknown / no savings account,>= 7 years,4,male : single,none,4,real estate,67,none,"
      "own,2,skilled employee / official,1,none,yes,1\n";
  csv += "too,few,fields\n";
  BatchScorer scorer(b, "upload.csv", true);
  for (std::size_t i = 0; i < csv.size(); i += 7) scorer.Feed(std::string_view(csv).substr(i, 7));
  scorer.Finish();
  CHECK(scorer.RowsIn() == 7);
  CHECK(scorer.RowsScored() == 5);
  CHECK(scorer.RowsRejected() == 2);
  const auto rejected = scorer.TakeRejected();
  REQUIRE(rejected.size() == 2);
  CHECK(rejected[0].row == 7);
  CHECK(rejected[0].reason.rfind(
            "file 'upload.csv', row 7, column 'duration_months', value 'abc': expected a number",
            0) == 0);
  CHECK(rejected[1].row == 8);
  CHECK(rejected[1].reason.find("row 8") != std::string::npos);
  const auto rows = scorer.TakeRows();
  REQUIRE(rows.size() == 5);
  const auto& header = scorer.OutputHeader();
  CHECK(header.size() == 21 + loanlens::DecisionColumns().size() + b.FeatureNames().size() + 1);
  CHECK(header[21] == "pd");
  CHECK(header.back() == "base_value");
  CHECK(rows[0].cells.size() == header.size());
  // Mean |SHAP| per feature: the mean of the shap_<feature> cells' absolute values.
  const auto mean = scorer.MeanAbsContributions();
  REQUIRE(mean.size() == b.FeatureNames().size());
  const std::size_t first_shap = 21 + loanlens::DecisionColumns().size();
  for (std::size_t j = 0; j < mean.size(); ++j) {
    double sum = 0;
    for (const auto& r : rows) sum += std::abs(r.score.contributions[j]);
    CHECK(header[first_shap + j] == "shap_" + b.FeatureNames()[j]);
    CHECK(mean[j] == doctest::Approx(sum / rows.size()).epsilon(1e-12));
  }
}

TEST_CASE("batch scoring: a row's cells are AppendScoreCells', its warnings reach the rules") {
  const Bundle& b = Trained();
  const std::string text = ReadFile(GermanCredit().data_path);
  std::istringstream lines(text);
  std::string header_line, first, line, csv;
  std::getline(lines, header_line);
  std::getline(lines, first);
  csv = header_line + "\n" + first + "\n";
  for (int i = 0; i < 3 && std::getline(lines, line); ++i) csv += line + "\n";
  const auto at = first.find("radio/television");  // the last row: a purpose never seen
  REQUIRE(at != std::string::npos);
  csv += first.replace(at, 16, "spaceship") + "\n";
  BatchScorer scorer(b, "upload.csv", false);
  scorer.Feed(csv);
  scorer.Finish();
  const auto rows = scorer.TakeRows();
  REQUIRE(rows.size() == 5);

  std::vector<CsvRecord> records;
  CsvParser parser("upload.csv", b.Csv());
  const auto keep = [&](CsvRecord&& r) { records.push_back(std::move(r)); };
  parser.Feed(csv, keep);
  parser.Finish(keep);
  REQUIRE(records.size() == 6);
  const std::vector<std::string>& header = records[0].fields;
  const RowParser row_parser(b.GetSchema(), header, "upload.csv", b.Csv());
  const auto names = ScoreColumns(b, false);
  const auto number = ScoreColumnIsNumber(b, false);
  const std::size_t rules =
      static_cast<std::size_t>(std::find(names.begin(), names.end(), "rules") - names.begin());
  for (std::size_t k = 1; k < records.size(); ++k) {
    std::vector<double> raw(row_parser.NumFeatures());
    std::vector<RowWarning> warnings;
    row_parser.ParseFeatures(records[k], raw.data(), &warnings);
    std::vector<std::string> cells;
    AppendScoreCells(b, raw.data(), warnings, false, cells);
    REQUIRE(cells.size() == names.size());
    CHECK(std::vector<std::string>(rows[k - 1].cells.begin() + header.size(),
                                   rows[k - 1].cells.end()) == cells);
    const bool unseen = k == 5;
    CHECK(warnings.empty() != unseen);
    CHECK((cells[rules].find("'spaceship' was not seen") != std::string::npos) == unseen);
    if (unseen) {  // the rule quotes the value from the row's warning
      std::vector<std::string> without;
      AppendScoreCells(b, raw.data(), {}, false, without);
      CHECK(without[rules].find("'spaceship'") == std::string::npos);
    }
  }
  CHECK(names == DecisionColumns());
  REQUIRE(number.size() == names.size());
  for (std::size_t c = 0; c < names.size(); ++c) {
    const bool text_column =
        names[c] == "band" || names[c] == "rules" || names[c].rfind("reason_", 0) == 0;
    CHECK(number[c] == !text_column);
  }
  const auto with_shap = ScoreColumns(b, true);
  CHECK(with_shap.size() == names.size() + b.FeatureNames().size() + 1);
  CHECK(ScoreColumnIsNumber(b, true).size() == with_shap.size());
  CHECK(ScoreColumnIsNumber(b, true).back());
}

TEST_CASE("explain one record given as JSON") {
  const Bundle& b = Trained();
  nlohmann::json r = {
      {"checking_status", "< 0 DM"}, {"duration_months", 48}, {"credit_amount", 9000}};
  const nlohmann::json out = ExplainRecord(b, r);
  double sum = out["base_value"];
  for (const auto& [k, v] : out["contributions"].items()) sum += v.get<double>();
  CHECK(std::abs(sum - out["margin"].get<double>()) < 1e-9);
  CHECK(out["reasons"].size() <= 4);
  CHECK(out["warnings"].size() == b.FeatureNames().size() - 3);  // the others are missing
  SUBCASE("unknown columns and bad values are named") {
    CHECK_THROWS_WITH_AS(ExplainRecord(b, {{"duraton_months", 3}}),
                         doctest::Contains("column 'duraton_months', value '3': unknown column"),
                         Error);
    CHECK_THROWS_WITH_AS(
        ExplainRecord(b, {{"duration_months", "many"}}),
        doctest::Contains("column 'duration_months', value 'many': expected a number"), Error);
  }
}

TEST_CASE("a number out of range in JSON is a clear error, not an internal one (fuzz finding)") {
  // nlohmann::json throws out_of_range (not parse_error) for 1e400; it escaped as "internal
  // error" from `explain --row`, Bundle::Parse and the XGBoost import
  // (tests/fuzz/regression/explain_row/number_overflow_*).
  CHECK_THROWS_WITH_AS(ParseRecord("{\"duration_months\": 4e594}", "--row"),
                       doctest::Contains("--row: not valid JSON"), Error);
  CHECK_THROWS_WITH_AS(ParseRecord("{\"a\": 1", "--row"),
                       doctest::Contains("--row: not valid JSON"), Error);
  CHECK(ParseRecord("{\"a\": 1e300}")["a"].get<double>() == 1e300);
  CHECK_THROWS_WITH_AS(Bundle::Parse("{\"format\": 1e400}", "m.json"),
                       doctest::Contains("m.json: not valid JSON"), Error);
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
