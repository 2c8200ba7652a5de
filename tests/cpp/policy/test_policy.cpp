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

TEST_CASE("reason codes: the features that raise the risk most, largest first") {
  const auto reasons = ReasonCodes({"a", "b", "c", "d"}, {"Income", "", "", ""},
                                   {"10", "x", "", "4"}, {0.5, -1.0, 0.7, 0.5}, 2);
  REQUIRE(reasons.size() == 2);
  CHECK(reasons[0].feature == "c");
  CHECK(reasons[0].text == "c = (missing) raises the risk (odds of default x2.01)");
  CHECK(reasons[1].feature == "a");  // tie with d broken by name
  CHECK(reasons[1].text == "Income = 10 raises the risk (odds of default x1.65)");
  SUBCASE("probability contributions (random forests) read as percentage points") {
    const auto p = ReasonCodes({"a"}, {""}, {"3"}, {0.0425}, 1, true);
    REQUIRE(p.size() == 1);
    CHECK(p[0].text == "a = 3 raises the risk (+4.2 percentage points)");
  }
}
