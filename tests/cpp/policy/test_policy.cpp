#include <doctest/doctest.h>

#include <cmath>

#include "loanlens/error.h"
#include "loanlens/policy/policy.h"

using namespace loanlens;

TEST_CASE("points: base points at base odds, pdo points to double the odds") {
  Policy p;  // 600 at 50:1, 20 to double
  CHECK(p.Points(1.0 / 51) == doctest::Approx(600).epsilon(1e-12));
  CHECK(p.Points(1.0 / 101) == doctest::Approx(620).epsilon(1e-12));
  CHECK(p.Points(0.5) == doctest::Approx(600 - 20 * std::log2(50)).epsilon(1e-12));
  CHECK(std::isfinite(p.Points(0.0)));
  CHECK(std::isfinite(p.Points(1.0)));
  SUBCASE("doubling the good:bad odds adds exactly pdo points, at any odds and any pdo") {
    for (double pdo : {20.0, 40.0, 13.7}) {
      p.pdo = pdo;
      for (double odds : {0.3, 1.0, 7.0, 50.0, 400.0}) {
        const double pd = 1 / (1 + odds), pd2 = 1 / (1 + 2 * odds);
        CHECK(p.Points(pd2) - p.Points(pd) == doctest::Approx(pdo).epsilon(1e-12));
      }
    }
  }
  SUBCASE("PdOfPoints inverts Points") {
    for (double pd : {0.01, 0.1, 0.5, 0.93}) CHECK(p.PdOfPoints(p.Points(pd)) == doctest::Approx(pd));
  }
}

TEST_CASE("bands by PD") {
  Policy p;
  CHECK(p.Band(0.05) == "approve");
  CHECK(p.Band(0.10) == "review");
  CHECK(p.Band(0.2999) == "review");
  CHECK(p.Band(0.30) == "decline");
  auto j = p.ToJson();
  j["approve_below"] = 0.5;
  CHECK_THROWS_WITH_AS(Policy::FromJson(j),
                       "policy.decline_at: expected 0 < approve_below <= decline_at < 1", Error);
}

TEST_CASE("bands by points") {
  Policy p;
  CHECK(p.Set("cutoff_unit", "points"));
  CHECK(p.Set("approve_at_points", "560"));
  CHECK(p.Set("decline_below_points", "520"));
  p.Validate();
  CHECK(p.Band(p.PdOfPoints(561)) == "approve");
  CHECK(p.Band(p.PdOfPoints(559)) == "review");
  CHECK(p.Band(p.PdOfPoints(519)) == "decline");
  CHECK(p.ApprovePoints() == 560);
  CHECK(p.DeclinePoints() == 520);
  p.Set("decline_below_points", "600");
  CHECK_THROWS_WITH_AS(p.Validate(), doctest::Contains("decline_below_points <= approve_at_points"),
                       Error);
}

TEST_CASE("policy keys: set from text, validated, round trip through JSON") {
  Policy p;
  CHECK_FALSE(p.Set("no_such_key", "1"));
  CHECK(p.Set("lgd", "0.6"));
  CHECK(p.Set("key_fields", "income,amount"));
  CHECK(p.Set("rate_grid", "approve:0.08,review:0.12"));
  CHECK(p.Set("review_out_of_range", "false"));
  CHECK(p.Set("max_reasons", "3"));
  CHECK(p.Get("key_fields") == "income,amount");
  CHECK(p.Get("rate_grid") == "approve:0.08,review:0.12");
  CHECK_THROWS_WITH_AS(p.Set("lgd", "abc"), "policy 'lgd': expected a number, got 'abc'", Error);
  CHECK_THROWS_WITH_AS(p.Set("max_reasons", "2.5"), doctest::Contains("an integer"), Error);
  CHECK_THROWS_WITH_AS(p.Set("rate_grid", "approve=1"), doctest::Contains("band:rate"), Error);
  p.history.push_back({{"key", "lgd"}, {"old", "0.45"}, {"new", "0.6"}, {"time", "t"}});
  const Policy q = Policy::FromJson(p.ToJson());
  CHECK(q.ToJson() == p.ToJson());
  CHECK(q.lgd == 0.6);
  CHECK(q.key_fields == std::vector<std::string>{"income", "amount"});
  CHECK(q.rate_grid.at("review") == 0.12);
  CHECK_FALSE(q.review_out_of_range);
  SUBCASE("bundles of the first format (six keys) still load, with defaults for the rest") {
    const nlohmann::json v1 = {{"base_points", 600}, {"base_odds", 50},     {"pdo", 20},
                               {"approve_below", 0.1}, {"decline_at", 0.3}, {"max_reasons", 4}};
    const Policy old = Policy::FromJson(v1);
    CHECK(old.lgd == 0.45);
    CHECK(old.cutoff_unit == "pd");
  }
  SUBCASE("unknown keys in a bundle are refused") {
    nlohmann::json j = p.ToJson();
    j["surprise"] = 1;
    CHECK_THROWS_WITH_AS(Policy::FromJson(j), doctest::Contains("surprise"), Error);
  }
}
