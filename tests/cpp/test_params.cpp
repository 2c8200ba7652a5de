#include <doctest/doctest.h>

#include "loanlens/error.h"
#include "loanlens/params.h"
#include "loanlens/preprocess.h"

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

TEST_CASE("ParamUInt64 keeps a 64-bit seed and refuses what is not one") {
  CHECK(ParamUInt64({{"seed", "4294967297"}}, "seed", 7) == 4294967297ULL);  // 2^32 + 1, not 1
  CHECK(ParamUInt64({}, "seed", 7) == 7);
  CHECK_THROWS_AS(ParamUInt64({{"seed", "18446744073709551616"}}, "seed", 7), Error);
  CHECK_THROWS_AS(ParamUInt64({{"seed", "+3"}}, "seed", 7), Error);
  CHECK_THROWS_AS(ParamUInt64({{"seed", "3x"}}, "seed", 7), Error);
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
