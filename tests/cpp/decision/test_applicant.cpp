#include <doctest/doctest.h>

#include <cmath>

#include "../german_credit_test_util.h"
#include "loanlens/bundle.h"
#include "loanlens/decision/applicant.h"
#include "loanlens/error.h"

using namespace loanlens;
using loanlens::test::GermanCreditBundle;

TEST_CASE("explain one record given as JSON") {
  const Bundle& b = GermanCreditBundle();
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
