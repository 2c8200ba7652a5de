#include <doctest/doctest.h>

#include "loanlens/error.h"
#include "loanlens/fairness/fairness.h"

using namespace loanlens;

namespace {
/// n rows of group `label` of which `approved` get pd 0.05 (approve) and the rest 0.5 (decline);
/// the first `bads` of the approved and `bads_declined` of the declined default.
void AddGroup(std::vector<std::string>& cells, std::vector<double>& pd, std::vector<double>& y,
              const std::string& label, int n, int approved, int bads, int bads_declined) {
  for (int i = 0; i < n; ++i) {
    cells.push_back(label);
    const bool a = i < approved;
    pd.push_back(a ? 0.05 : 0.5);
    y.push_back(a ? (i < bads ? 1 : 0) : (i - approved < bads_declined ? 1 : 0));
  }
}
}  // namespace

TEST_CASE("adverse impact ratio and the four-fifths flag by hand") {
  std::vector<std::string> cells;
  std::vector<double> pd, y;
  AddGroup(cells, pd, y, "A", 100, 60, 6, 20);  // approval 0.60
  AddGroup(cells, pd, y, "B", 100, 45, 9, 30);  // approval 0.45 -> AIR 0.75 (fails 4/5)
  AddGroup(cells, pd, y, "C", 80, 52, 2, 10);   // approval 0.65 -> the most favoured
  AddGroup(cells, pd, y, "D", 10, 10, 0, 0);    // approval 1.00 but too small to be reference
  const FairnessOptions o;
  const GroupedAttribute g = GroupAttribute(cells, {}, o);
  CHECK(g.labels == std::vector<std::string>{"A", "B", "C", "D"});
  const auto r = FairnessReport("group", g, y, pd, Policy(), o);
  CHECK(r["reference_group"] == "C");
  const auto& gs = r["groups"];
  CHECK(gs[0]["approval_rate"].get<double>() == doctest::Approx(0.60));
  CHECK(gs[0]["adverse_impact_ratio"].get<double>() == doctest::Approx(0.60 / 0.65));
  CHECK(gs[0]["four_fifths_ok"] == true);
  CHECK(gs[1]["adverse_impact_ratio"].get<double>() == doctest::Approx(0.45 / 0.65));
  CHECK(gs[1]["four_fifths_ok"] == false);
  CHECK(gs[2]["adverse_impact_ratio"].get<double>() == doctest::Approx(1.0));
  CHECK(gs[3]["too_small"] == true);  // marked, not hidden
  CHECK(gs[3]["count"] == 10);
  CHECK(r["failing_groups"] == 1);
  // Group A: 60 approved of whom 6 default; goods 100 - 26 = 74 of whom 54 approved; bads 26 of
  // whom 6 approved.
  CHECK(gs[0]["default_rate_approved"].get<double>() == doctest::Approx(0.1));
  CHECK(gs[0]["tpr"].get<double>() == doctest::Approx(54.0 / 74));
  CHECK(gs[0]["fpr"].get<double>() == doctest::Approx(6.0 / 26));
  // Reference C: goods 80 - 12 = 68, of whom 50 approved.
  CHECK(gs[0]["equal_opportunity_difference"].get<double>() ==
        doctest::Approx(54.0 / 74 - 50.0 / 68));
  // Intervals bracket the estimate and are reproducible by seed.
  const auto& ai = gs[1]["adverse_impact_ratio_interval"];
  CHECK(ai[0].get<double>() <= 0.45 / 0.65);
  CHECK(ai[1].get<double>() >= 0.45 / 0.65);
  CHECK(FairnessReport("group", g, y, pd, Policy(), o)["groups"][1] == gs[1]);
}

TEST_CASE("many-valued numeric attributes are grouped into quantile bands; missing is a group") {
  std::vector<std::string> cells;
  for (int i = 0; i < 100; ++i) cells.push_back(std::to_string(20 + i));
  cells.push_back("");
  cells.push_back("NA");
  const auto g = GroupAttribute(cells, {"NA"});
  REQUIRE(g.labels.size() == 6);  // five bands and (missing)
  CHECK(g.labels.front().rfind("<= ", 0) == 0);
  CHECK(g.labels.back() == "(missing)");
  CHECK(g.group[0] == 0);
  CHECK(g.group[99] == 4);
  CHECK(g.group[100] == 5);
  CHECK(g.group[101] == 5);
  std::vector<std::string> text;
  for (int i = 0; i < 30; ++i) text.push_back("level" + std::to_string(i % 25));
  const auto t = GroupAttribute(text, {});
  CHECK(t.labels.size() == 20);
  CHECK(t.labels.back() == "__other__");
}
