#include <doctest/doctest.h>

#include <cmath>
#include <sstream>

#include "loanlens/data/frame.h"
#include "loanlens/error.h"
#include "loanlens/preprocess.h"

using namespace loanlens;

namespace {

struct Data {
  Schema schema;
  Frame frame;
};

/// Parses an in-memory CSV with `target` as the 0/1 target.
Data Parse(const std::string& csv) {
  Data d;
  {
    std::istringstream in(csv);
    CsvReader reader(in, "mem.csv");
    InferOptions io;
    io.forced_types["y"] = ColumnType::kCategorical;
    d.schema = InferSchema(reader, io);
  }
  d.schema.Find("y")->role = Role::kTarget;
  std::istringstream in(csv);
  CsvReader reader(in, "mem.csv");
  ReadOptions ro;
  ro.target = "y";
  ro.positive = "1";
  ro.negatives = {"0"};
  d.frame = ReadFrame(reader, d.schema, ro).frame;
  return d;
}

const char* kCsv =
    "income,grade,owner,y\n"
    "10,A,yes,0\n"
    "20,A,no,0\n"
    ",B,yes,1\n"
    "40,A,yes,0\n"
    "50,C,no,1\n"
    "60,B,yes,1\n";

}  // namespace

TEST_CASE("one-hot with imputation and standardisation (linear models)") {
  Data d = Parse(kCsv);
  PreprocessOptions o;
  o.min_frequency = 2;  // C is seen once: pooled into __other__
  o.missing_indicators = true;
  Preprocessor p = Preprocessor::Fit(d.frame, d.schema, o, d.frame.target);
  const std::vector<std::string> names = {"income",  "income__missing", "grade=A",
                                          "grade=B", "grade=__other__", "owner"};
  CHECK(p.InputNames() == names);
  CHECK(p.Group() == std::vector<int>{0, 0, 1, 1, 1, 2});
  const auto& inc = p.Features()[0];
  CHECK(inc.median == 40);  // median of 10, 20, 40, 50, 60
  const auto x = p.TransformAll(d.frame);
  const std::size_t k = p.NumInputs();
  SUBCASE("numeric columns have mean 0 and population std 1 after imputation") {
    double sum = 0, sum2 = 0;
    for (std::size_t i = 0; i < d.frame.num_rows; ++i) sum += x[i * k];
    for (std::size_t i = 0; i < d.frame.num_rows; ++i) sum2 += x[i * k] * x[i * k];
    CHECK(std::abs(sum) < 1e-12);
    CHECK(sum2 / d.frame.num_rows == doctest::Approx(1.0).epsilon(1e-12));
    CHECK(x[2 * k + 1] == 1.0);  // the missing indicator of row 3
    CHECK(x[2 * k] == doctest::Approx((40 - inc.mean) / inc.scale));
  }
  SUBCASE("rare and unseen levels go to __other__") {
    CHECK(x[4 * k + 4] == 1.0);  // grade C (rare)
    std::vector<double> raw = {15, kUnseenLevel, 1}, out(k);
    p.Transform(raw.data(), out.data());
    CHECK(out[2] == 0.0);
    CHECK(out[3] == 0.0);
    CHECK(out[4] == 1.0);
  }
  SUBCASE("JSON round trip reproduces the transform exactly") {
    const auto j = p.ToJson();
    Preprocessor q = Preprocessor::FromJson(nlohmann::json::parse(j.dump()), d.schema);
    CHECK(q.TransformAll(d.frame) == x);
    CHECK(q.ToJson() == j);
  }
  SUBCASE("a bundle whose preprocessing does not match the schema is rejected") {
    auto j = p.ToJson();
    j["features"][1]["level_column"] = {0};
    CHECK_THROWS_WITH_AS(
        Preprocessor::FromJson(j, d.schema),
        "preprocess.features[1].level_column: expected one entry per schema category", Error);
    j = p.ToJson();
    j["features"][0]["scale"] = 0;
    CHECK_THROWS_WITH_AS(Preprocessor::FromJson(j, d.schema),
                         "preprocess.features[0].scale: expected a positive number", Error);
  }
}

TEST_CASE("tree preprocessing passes missing values through and does not scale") {
  Data d = Parse(kCsv);
  PreprocessOptions o;
  o.impute = false;
  o.scale = false;
  o.min_frequency = 1;
  Preprocessor p = Preprocessor::Fit(d.frame, d.schema, o, d.frame.target);
  const auto x = p.TransformAll(d.frame);
  CHECK(std::isnan(x[2 * p.NumInputs()]));
  CHECK(x[3 * p.NumInputs()] == 40);
}

TEST_CASE("clipping to training quantiles") {
  Data d = Parse(kCsv);
  PreprocessOptions o;
  o.scale = false;
  o.clip_quantile = 0.25;  // quantiles of 10,20,40,50,60: q25 = 20, q75 = 50
  Preprocessor p = Preprocessor::Fit(d.frame, d.schema, o, d.frame.target);
  std::vector<double> raw = {1000, 0, 1}, out(p.NumInputs());
  p.Transform(raw.data(), out.data());
  CHECK(out[0] == 50);
  raw[0] = -5;
  p.Transform(raw.data(), out.data());
  CHECK(out[0] == 20);
}

TEST_CASE("weight of evidence: one column per feature, IV reported") {
  Data d = Parse(kCsv);
  PreprocessOptions o;
  o.encoding = Encoding::kWoe;
  o.woe_bins = 2;
  o.min_frequency = 1;
  Preprocessor p = Preprocessor::Fit(d.frame, d.schema, o, d.frame.target);
  CHECK(p.NumInputs() == 3);
  const auto& grade = p.Features()[1];
  // grade A: 3 goods, 0 bads; with 0.5 smoothing over 4 slots (A, B, C, __other__):
  const double g = 3.5 / (3 + 2), b = 0.5 / (3 + 2);
  CHECK(grade.woe_values[0] == doctest::Approx(std::log(g / b)));
  CHECK(grade.information_value > 0);
  const auto x = p.TransformAll(d.frame);
  CHECK(x[0 * 3 + 1] == doctest::Approx(std::log(g / b)));  // row 1 has grade A
  SUBCASE("the missing value has its own WoE") {
    CHECK(x[2 * 3 + 0] == p.Features()[0].woe_missing);
  }
  Preprocessor q = Preprocessor::FromJson(p.ToJson(), d.schema);
  CHECK(q.TransformAll(d.frame) == x);
}

TEST_CASE("weight of evidence on a numeric column with no value in the training rows") {
  // Trees keep such a column (no imputation); its WoE fit read past the end of an empty vector
  // (a crash found by review). It has no edges: every row takes the missing value's WoE.
  Data d = Parse(
      "income,blank,y\n"
      "10,,0\n"
      "20,,0\n"
      "30,,1\n"
      "40,,0\n");
  REQUIRE(d.schema.Find("blank")->type == ColumnType::kNumeric);
  PreprocessOptions o;
  o.encoding = Encoding::kWoe;
  o.impute = false;
  o.woe_bins = 4;
  Preprocessor p = Preprocessor::Fit(d.frame, d.schema, o, d.frame.target);
  const auto& blank = p.Features()[1];
  CHECK(blank.woe_edges.empty());
  const auto x = p.TransformAll(d.frame);
  for (std::size_t r = 0; r < d.frame.num_rows; ++r) CHECK(x[r * 2 + 1] == blank.woe_missing);
  Preprocessor q = Preprocessor::FromJson(p.ToJson(), d.schema);
  CHECK(q.TransformAll(d.frame) == x);
}
