#include <doctest/doctest.h>

#include <cmath>

#include "loanlens/error.h"
#include "loanlens/monitoring/drift_reference.h"

using namespace loanlens;

namespace {
Frame TwoColumns(const std::vector<double>& x, const std::vector<double>& c) {
  Frame f;
  f.feature_names = {"x", "c"};
  f.num_rows = x.size();
  for (std::size_t i = 0; i < x.size(); ++i) {
    f.values.push_back(x[i]);
    f.values.push_back(c[i]);
  }
  return f;
}
Schema TwoColumnSchema() {
  Schema s;
  ColumnSpec x;
  x.name = "x";
  ColumnSpec c;
  c.name = "c";
  c.type = ColumnType::kCategorical;
  c.categories = {"a", "b"};
  c.counts = {6, 3};
  s.columns = {x, c};
  return s;
}
}  // namespace

TEST_CASE("decile edges of 1..10 and their bins") {
  std::vector<double> v;
  for (int i = 1; i <= 10; ++i) v.push_back(i);
  const auto e = QuantileEdges(v, 10);
  // Inverted-CDF deciles of 1..10 are 1, 2, ..., 9: every bin holds one tenth.
  REQUIRE(e.size() == 9);
  CHECK(e[0] == 1);
  CHECK(e[8] == 9);
  CHECK(QuantileEdges({5, 1, 3, 2, 4}, 4) == std::vector<double>{2, 3, 4});
  // A 0/1 column: edges collapse to {0}: bins "<= 0" and "> 0".
  CHECK(QuantileEdges({0, 0, 0, 1, 1}, 10) == std::vector<double>{0});
}

TEST_CASE("reference bins: numeric deciles, categorical levels, __other__ and missing") {
  const double nan = std::nan("");
  const Frame f = TwoColumns({1, 2, 3, 4, 5, 6, 7, 8, nan, 10}, {0, 0, 1, 0, 1, 0, 0, 1, nan, 0});
  const DriftReference d =
      FitDriftReference(TwoColumnSchema(), f, {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0});
  REQUIRE(d.features.size() == 2);
  const BinnedVariable& x = d.features[0];
  CHECK(x.labels.back() == "missing");
  CHECK(x.missing_rate == doctest::Approx(0.1));
  CHECK(x.shares.back() == doctest::Approx(0.1));
  CHECK(x.Bin(nan) == x.NumBins() - 1);
  CHECK(x.min == 1);
  CHECK(x.max == 10);
  CHECK(x.OutOfRange(11));
  CHECK_FALSE(x.OutOfRange(10));
  const BinnedVariable& c = d.features[1];
  CHECK(c.labels == std::vector<std::string>{"a", "b", "__other__", "missing"});
  CHECK(c.shares[0] == doctest::Approx(0.6));
  CHECK(c.shares[1] == doctest::Approx(0.3));
  CHECK(c.shares[2] == 0);
  CHECK(c.Bin(kUnseenLevel) == 2);
  CHECK(c.OutOfRange(kUnseenLevel));
  CHECK_FALSE(d.score.has_missing_bin);
  double sum = 0;
  for (double s : d.score.shares) sum += s;
  CHECK(sum == doctest::Approx(1.0));
  // JSON round trip.
  const DriftReference back = DriftReference::FromJson(d.ToJson());
  CHECK(back.ToJson() == d.ToJson());
  nlohmann::json bad = d.ToJson();
  bad["features"][0]["shares"].erase(0);
  CHECK_THROWS_WITH_AS(DriftReference::FromJson(bad),
                       "drift_reference.features[0].shares: expected one share per bin", Error);
}
