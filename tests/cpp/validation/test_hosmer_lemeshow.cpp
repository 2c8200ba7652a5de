#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "loanlens/error.h"
#include "loanlens/validation/hosmer_lemeshow.h"

using namespace loanlens;

namespace {
nlohmann::json Reference() {
  std::ifstream in(std::string(LOANLENS_SOURCE_DIR) + "/tests/fixtures/validation/reference.json");
  REQUIRE(in);
  std::stringstream s;
  s << in.rdbuf();
  return nlohmann::json::parse(s.str());
}
}  // namespace

TEST_CASE("chi-square upper tail agrees with scipy.stats.chi2.sf") {
  const auto ref = Reference();  // not `: Reference()[...]`: the temporary would die first
  for (const auto& c : ref["chi2_sf"]) {
    CAPTURE(c.dump());
    CHECK(ChiSquareSurvival(c["x"], c["df"]) ==
          doctest::Approx(c["sf"].get<double>()).epsilon(1e-10));
  }
  CHECK(ChiSquareSurvival(0, 3) == 1);
}

TEST_CASE("Hosmer-Lemeshow agrees with the numpy / scipy reference computation") {
  const auto ref = Reference()["hosmer_lemeshow"];
  const auto r =
      HosmerLemeshow(ref["y"].get<std::vector<double>>(), ref["pd"].get<std::vector<double>>());
  CHECK(r.statistic == doctest::Approx(ref["statistic"].get<double>()).epsilon(1e-10));
  CHECK(r.df == ref["df"].get<int>());
  CHECK(r.p_value == doctest::Approx(ref["p_value"].get<double>()).epsilon(1e-9));
  REQUIRE(r.groups.size() == ref["groups"].size());
  for (std::size_t g = 0; g < r.groups.size(); ++g) {
    CHECK(r.groups[g].n == ref["groups"][g]["n"].get<std::size_t>());
    CHECK(r.groups[g].observed == doctest::Approx(ref["groups"][g]["observed"].get<double>()));
    CHECK(r.groups[g].expected == doctest::Approx(ref["groups"][g]["expected"].get<double>()));
  }
}

TEST_CASE("Hosmer-Lemeshow by hand on two groups of two") {
  // pd 0.2, 0.2 | 0.6, 0.6 with outcomes 0, 1 | 1, 1; groups=2: E = 0.4 and 1.2, O = 1 and 2.
  // statistic = (1 - 0.4)^2 / (0.4 * 0.8) + (2 - 1.2)^2 / (1.2 * 0.4) = 1.125 + 1.3333...
  const auto r = HosmerLemeshow({0, 1, 1, 1}, {0.2, 0.2, 0.6, 0.6}, 2);
  CHECK(r.statistic == doctest::Approx(1.125 + 0.64 / 0.48).epsilon(1e-12));
  CHECK(r.df == 0);
  CHECK(r.p_value == 1.0);
}
