#include "loanlens/policy/policy.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "loanlens/error.h"
#include "loanlens/json_util.h"
#include "loanlens/limits.h"

namespace loanlens {

double Policy::Points(double pd) const {
  // Odds of good to bad; clamp PD away from 0 and 1 so the score stays finite.
  const double p = std::clamp(pd, 1e-9, 1 - 1e-9);
  const double factor = pdo / std::log(2.0);
  const double offset = base_points - factor * std::log(base_odds);
  return offset + factor * std::log((1 - p) / p);
}

std::string Policy::Band(double pd) const {
  if (pd < approve_below) return "approve";
  if (pd >= decline_at) return "decline";
  return "review";
}

nlohmann::json Policy::ToJson() const {
  return {
      {"base_points", base_points},     {"base_odds", base_odds},   {"pdo", pdo},
      {"approve_below", approve_below}, {"decline_at", decline_at}, {"max_reasons", max_reasons}};
}

Policy Policy::FromJson(const nlohmann::json& j) {
  JsonReader r(j, "policy");
  Policy p;
  p.base_points = r.Double("base_points");
  p.base_odds = r.Double("base_odds");
  p.pdo = r.Double("pdo");
  p.approve_below = r.Double("approve_below");
  p.decline_at = r.Double("decline_at");
  p.max_reasons = static_cast<int>(r.IntIn("max_reasons", 0, kMaxReasons));
  if (!(p.base_odds > 0)) r.Fail("base_odds", "expected a positive number");
  if (!(p.pdo > 0)) r.Fail("pdo", "expected a positive number");
  if (!(p.approve_below > 0 && p.approve_below <= p.decline_at && p.decline_at < 1))
    r.Fail("decline_at", "expected 0 < approve_below <= decline_at < 1");
  if (p.max_reasons < 0) r.Fail("max_reasons", "expected a non-negative integer");
  return p;
}

std::vector<Reason> ReasonCodes(const std::vector<std::string>& features,
                                const std::vector<std::string>& descriptions,
                                const std::vector<std::string>& values,
                                const std::vector<double>& contributions, int max_reasons,
                                bool margin_is_probability) {
  std::vector<std::size_t> order;
  for (std::size_t j = 0; j < contributions.size(); ++j)
    if (contributions[j] > 0) order.push_back(j);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (contributions[a] != contributions[b]) return contributions[a] > contributions[b];
    return features[a] < features[b];
  });
  if (order.size() > static_cast<std::size_t>(max_reasons)) order.resize(max_reasons);
  std::vector<Reason> out;
  for (std::size_t j : order) {
    Reason r;
    r.feature = features[j];
    r.value = values[j];
    r.contribution = contributions[j];
    const std::string label =
        j < descriptions.size() && !descriptions[j].empty() ? descriptions[j] : features[j];
    // Log-odds contributions read as an odds multiplier, exp(phi); probability contributions
    // (random forests) as percentage points.
    char effect[64];
    if (margin_is_probability) {
      std::snprintf(effect, sizeof effect, "+%.1f percentage points", 100 * contributions[j]);
    } else {
      std::snprintf(effect, sizeof effect, "odds of default x%.2f", std::exp(contributions[j]));
    }
    r.text = label + " = " + (values[j].empty() ? "(missing)" : values[j]) + " raises the risk (" +
             effect + ")";
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace loanlens
