#include <doctest/doctest.h>

#include "loanlens/error.h"
#include "loanlens/monitoring/monitor.h"

using namespace loanlens;

namespace {
DriftReference OneFeature() {
  DriftReference d;
  d.rows = 4;
  d.sample = "test";
  d.score.name = "score";
  d.score.has_missing_bin = false;
  d.score.edges = {0.5};
  d.score.labels = {"<= 0.5", "> 0.5"};
  d.score.shares = {0.5, 0.5};
  BinnedVariable x;
  x.name = "x";
  x.edges = {1};
  x.labels = {"<= 1", "> 1", "missing"};
  x.shares = {0.5, 0.5, 0};
  x.min = 0;
  x.max = 2;
  d.features = {x};
  return d;
}
}  // namespace

TEST_CASE("drift counts: the same population is stable, a shifted one is not") {
  const DriftReference d = OneFeature();
  DriftAccumulator same(d);
  for (double v : {0.5, 1.5, 0.0, 2.0}) same.Add(&v, v / 2 + 0.1);
  const auto s = same.Result();
  CHECK(s["features"]["x"]["psi"].get<double>() == doctest::Approx(0.0));
  CHECK(s["score"]["verdict"] == "stable");
  CHECK(s["psi_floor"] == kPsiFloor);

  DriftAccumulator shifted(d);
  const double nan = std::nan("");
  for (double v : {3.0, 4.0, 5.0, nan}) shifted.Add(&v, 0.9);
  const auto r = shifted.Result();
  const auto& x = r["features"]["x"];
  // new shares: <=1: 0, >1: 0.75, missing: 0.25 -> by hand with the 1e-4 floor:
  const double psi = (1e-4 - 0.5) * std::log(1e-4 / 0.5) + 0.25 * std::log(0.75 / 0.5) +
                     (0.25 - 1e-4) * std::log(0.25 / 1e-4);
  CHECK(x["psi"].get<double>() == doctest::Approx(psi).epsilon(1e-12));
  CHECK(x["verdict"] == "significant shift");
  CHECK(x["missing_rate"].get<double>() == doctest::Approx(0.25));
  CHECK(x["out_of_range_rate"].get<double>() == doctest::Approx(0.75));
  CHECK(r["score"]["verdict"] == "significant shift");
}

TEST_CASE("early-warning list by hand") {
  const Policy p;  // approve < 0.10 <= review < 0.30 <= decline
  const std::map<std::string, PreviousScore> prev = {{"a", {0.05, "approve"}},
                                                     {"b", {0.12, "review"}},
                                                     {"c", {0.20, "review"}},
                                                     {"d", {0.40, "decline"}},
                                                     {"e", {0.08, "approve"}}};
  // a: 0.05 -> 0.09 (+0.04, same band): no. b: 0.12 -> 0.31 (+0.19, worse band): yes.
  // c: 0.20 -> 0.28 (+0.08 > 0.05): yes. d: 0.40 -> 0.30: no. e: 0.08 -> 0.11 (band worse): yes.
  // f: not in the previous run: no.
  const auto w = EarlyWarning(prev, {"a", "b", "c", "d", "e", "f"},
                              {0.09, 0.31, 0.28, 0.30, 0.11, 0.9}, p, 0.05);
  REQUIRE(w.size() == 3);
  CHECK(w[0]["id"] == "b");
  CHECK(w[0]["reason"] == "PD rose by 0.19; band review -> decline");
  CHECK(w[1]["id"] == "c");
  CHECK(w[1]["reason"] == "PD rose by 0.08");
  CHECK(w[2]["id"] == "e");
  CHECK(w[2]["reason"] == "band approve -> review");
  CHECK(w[2]["pd_change"].get<double>() == doctest::Approx(0.03));
}

TEST_CASE("previous scores are read with clear errors") {
  const Policy p;
  const auto m =
      ReadPreviousScores("id,pd,band\nx,0.1,review\ny,0.5,decline\n", "prev.csv", "id", p);
  CHECK(m.at("y").pd == 0.5);
  CHECK_THROWS_WITH_AS(ReadPreviousScores("id,pd\nx,0.1\n", "prev.csv", "id", p),
                       doctest::Contains("band"), Error);
  CHECK_THROWS_WITH_AS(ReadPreviousScores("id,pd,band\nx,1.5,review\n", "prev.csv", "id", p),
                       doctest::Contains("expected a PD between 0 and 1"), Error);
  CHECK_THROWS_WITH_AS(
      ReadPreviousScores("id,pd,band\nx,0.1,review\nx,0.2,review\n", "prev.csv", "id", p),
      doctest::Contains("appears twice"), Error);
}
