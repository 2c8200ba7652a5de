#include <doctest/doctest.h>

#include <string>
#include <tuple>
#include <vector>

#include "loanlens/error.h"
#include "loanlens/params.h"
#include "loanlens/preprocess.h"
#include "loanlens/svm/svm.h"
#include "loanlens/tree/gbdt.h"
#include "loanlens/tree/random_forest.h"

using namespace loanlens;

TEST_CASE("ParamReader reads typed values within their ranges, one error format") {
  const ParamMap p = {
      {"n", "12"}, {"x", "0.25"}, {"s", "text"}, {"k", "woe"}, {"seed", "18446744073709551615"}};
  ParamReader r(p, "model 'test'");
  CHECK(r.Int("n", 1, 1, 100) == 12);
  CHECK(r.Double("x", 0, 0, 1) == 0.25);
  CHECK(r.String("s", "") == "text");
  CHECK(r.Choice("k", "onehot", {"onehot", "woe"}) == "woe");
  CHECK(r.Seed("seed", 7) == 18446744073709551615ULL);  // all 64 bits, never truncated
  CHECK(r.Int("absent", 5, 1, 10) == 5);
  CHECK_NOTHROW(r.Finish());

  const ParamMap bad = {{"n", "500"}, {"x", "abc"}, {"k", "other"}, {"seed", "-1"}};
  ParamReader b(bad, "model 'test'");
  CHECK_THROWS_WITH_AS(b.Int("n", 1, 1, 100),
                       "parameter 'n': expected an integer in [1, 100], got '500'", Error);
  CHECK_THROWS_WITH_AS(b.Double("x", 0, 0, 1), "parameter 'x': expected a number, got 'abc'",
                       Error);
  CHECK_THROWS_WITH_AS(b.Choice("k", "onehot", {"onehot", "woe"}),
                       "parameter 'k': expected one of onehot, woe, got 'other'", Error);
  CHECK_THROWS_AS(b.Seed("seed", 7), Error);
}

TEST_CASE("ParamReader: positive numbers, a consumer's own check, the number parser") {
  const ParamMap p = {{"c", "0.5"}, {"zero", "0"}, {"neg", "-2"}, {"text", "x1"}, {"g", "-1"}};
  ParamReader r(p, "model 'test'");
  CHECK(r.PositiveDouble("c", 1) == 0.5);
  CHECK(r.PositiveDouble("absent", 3) == 3);
  CHECK_THROWS_WITH_AS(r.PositiveDouble("zero", 1),
                       "parameter 'zero': expected a positive number, got '0'", Error);
  CHECK_THROWS_WITH_AS(r.PositiveDouble("neg", 1),
                       "parameter 'neg': expected a positive number, got '-2'", Error);
  CHECK_THROWS_WITH_AS(r.PositiveDouble("text", 1), "parameter 'text': expected a number, got 'x1'",
                       Error);
  CHECK_THROWS_WITH_AS(r.Reject("g", "scale, auto or a positive number"),
                       "parameter 'g': expected scale, auto or a positive number, got '-1'", Error);
  double v = 0;
  CHECK(ParseNumber("2.5e-3", &v));
  CHECK(v == 2.5e-3);
  for (const char* bad : {"", "1x", "nan", "inf", "1e999", " "}) {
    CAPTURE(bad);
    CHECK_FALSE(ParseNumber(bad, &v));
  }
  CHECK(v == 2.5e-3);  // untouched by a failed parse
}

TEST_CASE("ParamReader::Finish names a key nobody read and lists the known ones") {
  const ParamMap p = {{"n_tree", "5"}};
  ParamReader r(p, "model 'gbdt'");
  r.Int("n_trees", 100, 1, 100000);
  CHECK_THROWS_WITH_AS(r.Finish(),
                       "parameter 'n_tree' is not known for model 'gbdt' (known: n_trees)", Error);
}

TEST_CASE("ParamReader::Seed keeps a 64-bit seed and refuses what is not one") {
  auto seed = [](const ParamMap& p) { return ParamReader(p, "x").Seed("seed", 7); };
  CHECK(seed({{"seed", "4294967297"}}) == 4294967297ULL);  // 2^32 + 1, not 1
  CHECK(seed({{"seed", "18446744073709551615"}}) == 18446744073709551615ULL);
  CHECK(seed({}) == 7);
  CHECK_THROWS_WITH_AS(seed({{"seed", "18446744073709551616"}}),
                       "parameter 'seed': expected an integer in [0, 18446744073709551615], got "
                       "'18446744073709551616'",
                       Error);
  CHECK_THROWS_AS(seed({{"seed", "+3"}}), Error);
  CHECK_THROWS_AS(seed({{"seed", "3x"}}), Error);
}

TEST_CASE("ParamReader::NonNegative and Fraction: their ranges in the one format") {
  auto non_negative = [](const std::string& v) {
    return ParamReader({{"k", v}}, "x").NonNegative("k", 1);
  };
  auto fraction = [](const std::string& v) {
    return ParamReader({{"k", v}}, "x").Fraction("k", 1);
  };
  CHECK(non_negative("0") == 0);
  CHECK(non_negative("2.5") == 2.5);
  CHECK_THROWS_WITH_AS(non_negative("-1"), "parameter 'k': expected a number >= 0, got '-1'",
                       Error);
  CHECK_THROWS_WITH_AS(non_negative("x"), "parameter 'k': expected a number, got 'x'", Error);
  CHECK(fraction("1") == 1);
  CHECK(fraction("0.25") == 0.25);
  CHECK_THROWS_WITH_AS(fraction("0"), "parameter 'k': expected a number in (0, 1], got '0'", Error);
  CHECK_THROWS_AS(fraction("1.5"), Error);
  CHECK_THROWS_AS(fraction("nan"), Error);
}

TEST_CASE("the families read their keys through ParamReader: ranges and unknown keys") {
  auto parse = [](const std::string& kind, const ParamMap& p) {
    if (kind == "gbdt") loanlens::tree::GbdtParams::FromMap(p, 7);
    if (kind == "random_forest") loanlens::tree::RandomForestParams::FromMap(p, 7);
    if (kind == "svm") loanlens::ParseSvmParams(p, 7);
  };
  for (const auto& c : std::vector<std::tuple<std::string, ParamMap, std::string>>{
           {"gbdt",
            {{"n_trees", "0"}},
            "parameter 'n_trees': expected an integer in [1, 100000], got '0'"},
           {"gbdt",
            {{"learning_rate", "0"}},
            "parameter 'learning_rate': expected a number in (0, 1], got '0'"},
           {"gbdt", {{"lambda", "-1"}}, "parameter 'lambda': expected a number >= 0, got '-1'"},
           {"gbdt",
            {{"max_depth", "17"}},
            "parameter 'max_depth': expected an integer in [1, 16], got '17'"},
           {"gbdt", {{"n_tree", "5"}}, "parameter 'n_tree' is not known for model 'gbdt'"},
           {"random_forest",
            {{"min_samples_leaf", "0"}},
            "parameter 'min_samples_leaf': expected an integer in [1, 2147483647], got '0'"},
           {"random_forest",
            {{"max_bins", "1"}},
            "parameter 'max_bins': expected an integer in [2, 256], got '1'"},
           {"random_forest",
            {{"learning_rate", "0.1"}},
            "parameter 'learning_rate' is not known for model 'random_forest'"},
           {"svm",
            {{"platt_folds", "21"}},
            "parameter 'platt_folds': expected an integer in [0, 20], got '21'"},
           {"svm",
            {{"max_iter", "1000001"}},
            "parameter 'max_iter': expected an integer in [1, 1000000], got '1000001'"},
       }) {
    // Named copies: clang 14 (C++17) does not let a lambda (doctest's) capture a structured
    // binding.
    const std::string& kind = std::get<0>(c);
    const ParamMap& bad = std::get<1>(c);
    const std::string& message = std::get<2>(c);
    CAPTURE(kind);
    CHECK_THROWS_WITH_AS(parse(kind, bad), doctest::Contains(message.c_str()), Error);
  }
}

TEST_CASE("preprocessing reads its own --param keys, with ranges") {
  const PreprocessOptions po =
      PreprocessOptionsFromParams({{"encoding", "woe"},
                                   {"woe_bins", "5"},
                                   {"min_frequency", "3"},
                                   {"clip_quantile", "0.01"},
                                   {"missing_indicators", "1"},
                                   {"C", "2"}},  // a model key is ignored here
                                  false);
  CHECK(po.encoding == Encoding::kWoe);
  CHECK(po.woe_bins == 5);
  CHECK(po.min_frequency == 3);
  CHECK(po.clip_quantile == 0.01);
  CHECK(po.missing_indicators);
  CHECK_FALSE(po.impute);
  CHECK_FALSE(po.scale);
  CHECK(PreprocessOptionsFromParams({}, true).scale);
  CHECK_THROWS_WITH_AS(PreprocessOptionsFromParams({{"woe_bins", "1"}}, true),
                       "parameter 'woe_bins': expected an integer in [2, 1000], got '1'", Error);
  CHECK_THROWS_AS(PreprocessOptionsFromParams({{"min_frequency", "-1"}}, true), Error);
  CHECK_THROWS_AS(PreprocessOptionsFromParams({{"clip_quantile", "0.5"}}, true), Error);
}
