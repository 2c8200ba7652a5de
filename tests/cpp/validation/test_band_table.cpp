#include <doctest/doctest.h>

#include "loanlens/error.h"
#include "loanlens/validation/band_table.h"

using namespace loanlens;

TEST_CASE("band order comes from the policy") {
  Policy p;
  CHECK(BandOrder(p) == std::vector<std::string>{"approve", "review", "decline"});
  CHECK(BandRank(p, "decline") == 2);
  CHECK_THROWS_AS(BandRank(p, "maybe"), Error);
}

TEST_CASE("band table by hand") {
  Policy p;  // approve below 0.10, decline at 0.30
  // approve: 0.02 0.05 0.08 0.09 (one bad); review: 0.10 0.20 0.25 (one bad); decline: 0.30 0.50
  // 0.90 (two bad).
  const std::vector<double> pd = {0.02, 0.05, 0.08, 0.09, 0.10, 0.20, 0.25, 0.30, 0.50, 0.90};
  const std::vector<double> y = {0, 0, 1, 0, 0, 1, 0, 1, 0, 1};
  const auto rows = BandTable(p, pd, y);
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].band == "approve");
  CHECK(rows[0].count == 4);
  CHECK(rows[0].share == doctest::Approx(0.4));
  CHECK(rows[0].bad_rate == doctest::Approx(0.25));
  CHECK(rows[0].mean_pd == doctest::Approx(0.06));
  CHECK(rows[0].cum_approval_rate == doctest::Approx(0.4));
  CHECK(rows[0].cum_bad_rate == doctest::Approx(0.25));
  CHECK(rows[1].count == 3);
  CHECK(rows[1].bad_rate == doctest::Approx(1.0 / 3));
  CHECK(rows[1].cum_approval_rate == doctest::Approx(0.7));
  CHECK(rows[1].cum_bad_rate == doctest::Approx(2.0 / 7));
  CHECK(rows[2].count == 3);
  CHECK(rows[2].bad_rate == doctest::Approx(2.0 / 3));
  CHECK(rows[2].cum_approval_rate == doctest::Approx(1.0));
  CHECK(rows[2].cum_bad_rate == doctest::Approx(0.4));

  const auto c = ConfusionAtCutoffs(p, y, pd);
  REQUIRE(c.size() == 2);
  // pd >= 0.10 flags rows 5..10: bads among them 3 (tp), goods 3 (fp); below: 1 bad (fn), 3 good.
  CHECK(c[0]["cutoff"] == 0.10);
  CHECK(c[0]["tp"] == 3);
  CHECK(c[0]["fp"] == 3);
  CHECK(c[0]["fn"] == 1);
  CHECK(c[0]["tn"] == 3);
  // pd >= 0.30 flags the last three: 2 bads, 1 good.
  CHECK(c[1]["tp"] == 2);
  CHECK(c[1]["fp"] == 1);
  CHECK(c[1]["fn"] == 2);
  CHECK(c[1]["tn"] == 5);
  // Without outcomes the table has counts only.
  const auto j = BandTableJson(BandTable(p, pd, {}), false);
  CHECK(j[0]["count"] == 4);
  CHECK_FALSE(j[0].contains("bad_rate"));
}
