#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "loanlens/fairness/proxy.h"

using namespace loanlens;

TEST_CASE("Cramer's V agrees with scipy.stats.contingency.association") {
  std::ifstream in(std::string(LOANLENS_SOURCE_DIR) + "/tests/fixtures/validation/reference.json");
  REQUIRE(in);
  std::stringstream s;
  s << in.rdbuf();
  const auto ref = nlohmann::json::parse(s.str())["cramers_v"];
  CHECK(CramersV(ref["table"].get<std::vector<std::vector<double>>>()) ==
        doctest::Approx(ref["v"].get<double>()).epsilon(1e-12));
}

TEST_CASE("Cramer's V: 1 for a perfect proxy, 0 for independence, empty rows ignored") {
  CHECK(CramersV({{10, 0}, {0, 5}}) == doctest::Approx(1.0));
  CHECK(CramersV({{10, 20}, {5, 10}}) == doctest::Approx(0.0).epsilon(1e-12));
  CHECK(CramersV({{10, 0}, {0, 0}, {0, 5}}) == doctest::Approx(1.0));
  CHECK(CramersV({{10, 5}}) == 0.0);
}

TEST_CASE("proxy check flags an input that predicts the attribute") {
  // A reference with one numeric feature (edges 1, 2: bins <= 1, (1, 2], > 2, missing) and one
  // categorical (levels a, b).
  DriftReference ref;
  BinnedVariable x;
  x.name = "x";
  x.edges = {1, 2};
  x.labels = {"<= 1", "(1, 2]", "> 2", "missing"};
  x.shares = {0.25, 0.25, 0.5, 0};
  BinnedVariable c;
  c.name = "c";
  c.categorical = true;
  c.level_bin = {0, 1};
  c.labels = {"a", "b", "__other__", "missing"};
  c.shares = {0.5, 0.5, 0, 0};
  ref.features = {x, c};
  // Group 1 has x > 2 always, group 0 never; c is independent of the group.
  GroupedAttribute g;
  g.labels = {"g0", "g1"};
  std::vector<std::uint16_t> bins;
  for (int i = 0; i < 40; ++i) {
    const bool one = i % 2 == 1;
    g.group.push_back(one ? 1 : 0);
    const double row[2] = {one ? 3.0 : (i % 4 == 0 ? 0.5 : 1.5), static_cast<double>((i / 2) % 2)};
    AppendBins(ref, row, bins);
  }
  const auto p = ProxyCheck(ref, bins, g);
  REQUIRE(p.size() == 2);
  CHECK(p[0]["feature"] == "x");
  CHECK(p[0]["cramers_v"].get<double>() == doctest::Approx(1.0));
  CHECK(p[0]["auc"].get<double>() == doctest::Approx(1.0));
  CHECK(p[0]["likely_proxy"] == true);
  CHECK(p[1]["feature"] == "c");
  CHECK(p[1]["cramers_v"].get<double>() == doctest::Approx(0.0).epsilon(1e-12));
  CHECK(p[1]["auc"].is_null());
  CHECK(p[1]["likely_proxy"] == false);
}
