#include "loanlens/fairness/fairness.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "loanlens/data/csv.h"
#include "loanlens/data/schema.h"
#include "loanlens/error.h"
#include "loanlens/metrics.h"
#include "loanlens/monitoring/drift_reference.h"
#include "loanlens/validation/band_table.h"

namespace loanlens {
namespace {

constexpr const char* kMissingGroup = "(missing)";

/// Quantile bands of numeric cells; missing cells keep the "(missing)" group.
GroupedAttribute NumericBands(const std::vector<std::string>& cells,
                              const std::vector<bool>& is_missing, const FairnessOptions& o) {
  std::vector<double> values(cells.size(), kMissing);
  for (std::size_t i = 0; i < cells.size(); ++i)
    if (!is_missing[i]) values[i] = *ParseNumber(cells[i]);
  const std::vector<double> edges = QuantileEdges(values, o.numeric_groups);
  GroupedAttribute g;
  for (std::size_t k = 0; k <= edges.size(); ++k) {
    if (edges.empty())
      g.labels.push_back("all values");
    else if (k == 0)
      g.labels.push_back("<= " + FormatNumber(edges[0]));
    else if (k == edges.size())
      g.labels.push_back("> " + FormatNumber(edges.back()));
    else
      g.labels.push_back("(" + FormatNumber(edges[k - 1]) + ", " + FormatNumber(edges[k]) + "]");
  }
  const std::size_t missing_group = g.labels.size();
  bool any_missing = false;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (is_missing[i]) {
      g.group.push_back(missing_group);
      any_missing = true;
    } else {
      g.group.push_back(static_cast<std::size_t>(
          std::lower_bound(edges.begin(), edges.end(), values[i]) - edges.begin()));
    }
  }
  if (any_missing) g.labels.push_back(kMissingGroup);
  return g;
}

}  // namespace

GroupedAttribute GroupAttribute(const std::vector<std::string>& cells,
                                const std::vector<std::string>& missing_tokens,
                                const FairnessOptions& options) {
  std::vector<bool> is_missing(cells.size());
  std::map<std::string, std::size_t> counts;
  bool all_numeric = true;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    is_missing[i] = cells[i].empty() || std::find(missing_tokens.begin(), missing_tokens.end(),
                                                  cells[i]) != missing_tokens.end();
    const std::string label = is_missing[i] ? kMissingGroup : cells[i];
    ++counts[label];
    if (!is_missing[i] && !ParseNumber(cells[i])) all_numeric = false;
  }
  const std::size_t distinct = counts.size() - (counts.count(kMissingGroup) ? 1 : 0);
  if (distinct > options.max_groups && all_numeric) return NumericBands(cells, is_missing, options);
  std::vector<std::pair<std::string, std::size_t>> levels(counts.begin(), counts.end());
  const bool pool = distinct > options.max_groups;
  if (pool) {
    std::stable_sort(levels.begin(), levels.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    levels.resize(options.max_groups - 1);
    std::sort(levels.begin(), levels.end());
  }
  GroupedAttribute g;
  std::map<std::string, std::size_t> index;
  for (const auto& [label, n] : levels) {
    index[label] = g.labels.size();
    g.labels.push_back(label);
  }
  if (pool) g.labels.push_back("__other__");
  for (std::size_t i = 0; i < cells.size(); ++i) {
    const auto it = index.find(is_missing[i] ? kMissingGroup : cells[i]);
    g.group.push_back(it != index.end() ? it->second : g.labels.size() - 1);
  }
  return g;
}

namespace {

/// Approval rate per group with row weights.
std::vector<double> ApprovalRates(const GroupedAttribute& g, const std::vector<bool>& approved,
                                  const std::vector<double>& w) {
  std::vector<double> n(g.labels.size(), 0.0), a(g.labels.size(), 0.0);
  for (std::size_t i = 0; i < g.group.size(); ++i) {
    n[g.group[i]] += w[i];
    if (approved[i]) a[g.group[i]] += w[i];
  }
  for (std::size_t k = 0; k < n.size(); ++k) a[k] = n[k] > 0 ? a[k] / n[k] : 0;
  return a;
}

struct GroupStats {
  std::size_t count = 0, approved = 0, goods = 0, bads = 0, goods_approved = 0, bads_approved = 0;
  double pd_sum = 0;
  std::vector<double> y, pd;  ///< the group's rows, for its AUC
};

nlohmann::json NullableRate(double num, double den) {
  return den > 0 ? nlohmann::json(num / den) : nlohmann::json(nullptr);
}

/// The most favoured group (highest approval rate) among those large enough to judge, or among
/// all non-empty groups when none is.
std::size_t ReferenceGroup(const std::vector<GroupStats>& s, const std::vector<double>& rate,
                           std::size_t min_size) {
  const bool any_large =
      std::any_of(s.begin(), s.end(), [&](const GroupStats& g) { return g.count >= min_size; });
  std::size_t ref = 0;
  bool found = false;
  for (std::size_t k = 0; k < s.size(); ++k) {
    if (s[k].count == 0 || (any_large && s[k].count < min_size)) continue;
    if (!found || rate[k] > rate[ref]) ref = k;
    found = true;
  }
  return ref;
}

/// Bootstrap replicates of approval rates and AIRs: rows resampled within each group, the
/// reference group fixed.
void BootstrapRates(const GroupedAttribute& groups, const std::vector<bool>& approved,
                    const std::vector<std::vector<std::size_t>>& strata, std::size_t ref,
                    const BootstrapOptions& options, std::vector<std::vector<double>>& rate_rep,
                    std::vector<std::vector<double>>& air_rep) {
  const std::size_t ng = groups.labels.size();
  rate_rep.assign(ng, {});
  air_rep.assign(ng, {});
  BootstrapRng rng(options.seed);
  std::vector<double> w(approved.size(), 1.0);
  for (std::size_t r = 0; r < options.replicates; ++r) {
    DrawStratified(strata, rng, w);
    const std::vector<double> rr = ApprovalRates(groups, approved, w);
    for (std::size_t k = 0; k < ng; ++k) {
      if (strata[k].empty()) continue;
      rate_rep[k].push_back(rr[k]);
      if (rr[ref] > 0) air_rep[k].push_back(rr[k] / rr[ref]);
    }
  }
}

/// Error rates of one group (with outcomes): favourable decision = approval.
void AddOutcomeRates(nlohmann::json& j, const GroupStats& g, const GroupStats& ref) {
  const double tpr = g.goods ? static_cast<double>(g.goods_approved) / g.goods : 0;
  const double ref_tpr = ref.goods ? static_cast<double>(ref.goods_approved) / ref.goods : 0;
  j["default_rate_approved"] = NullableRate(static_cast<double>(g.bads_approved), g.approved);
  j["tpr"] = NullableRate(static_cast<double>(g.goods_approved), g.goods);
  j["fpr"] = NullableRate(static_cast<double>(g.bads_approved), g.bads);
  j["equal_opportunity_difference"] =
      g.goods && ref.goods ? nlohmann::json(tpr - ref_tpr) : nlohmann::json(nullptr);
  j["auc"] = g.goods && g.bads ? nlohmann::json(RocAuc(g.y, g.pd)) : nlohmann::json(nullptr);
}

/// Rows -> per-group counts (and each group's outcomes and PDs for its AUC).
std::vector<GroupStats> CountGroups(const GroupedAttribute& groups, const std::vector<double>& y,
                                    const std::vector<double>& pd,
                                    const std::vector<bool>& approved,
                                    std::vector<std::vector<std::size_t>>& strata) {
  std::vector<GroupStats> s(groups.labels.size());
  strata.assign(groups.labels.size(), {});
  for (std::size_t i = 0; i < pd.size(); ++i) {
    GroupStats& g = s[groups.group[i]];
    strata[groups.group[i]].push_back(i);
    ++g.count;
    g.approved += approved[i];
    g.pd_sum += pd[i];
    if (y.empty()) continue;
    const bool bad = y[i] > 0.5;
    ++(bad ? g.bads : g.goods);
    if (approved[i]) ++(bad ? g.bads_approved : g.goods_approved);
    g.y.push_back(y[i]);
    g.pd.push_back(pd[i]);
  }
  return s;
}

std::string Summary(const std::string& band, const std::string& attribute,
                    const std::string& reference, double rate, std::size_t failing,
                    std::size_t judged, std::size_t small, const FairnessOptions& o) {
  char summary[400];
  std::snprintf(summary, sizeof summary,
                "Approval ('%s') rates by %s: the most favoured group is '%s' (%.1f %% "
                "approved). %zu of %zu groups large enough to judge (at least %zu rows) fall "
                "below the four-fifths rule (adverse impact ratio < %.2f); %zu groups are too "
                "small to judge.",
                band.c_str(), attribute.c_str(), reference.c_str(), 100 * rate, failing, judged,
                o.min_group_size, o.four_fifths, small);
  return summary;
}

}  // namespace

nlohmann::json FairnessReport(const std::string& attribute, const GroupedAttribute& groups,
                              const std::vector<double>& y, const std::vector<double>& pd,
                              const Policy& policy, const FairnessOptions& options) {
  const std::size_t n = pd.size(), ng = groups.labels.size();
  if (groups.group.size() != n || (!y.empty() && y.size() != n))
    throw Error("fairness: groups, outcomes and PDs differ in length");
  if (n == 0) throw Error("fairness: no scored rows");
  const std::string approved_band = BandOrder(policy).front();
  std::vector<bool> approved(n);
  for (std::size_t i = 0; i < n; ++i) approved[i] = policy.Band(pd[i]) == approved_band;
  std::vector<std::vector<std::size_t>> strata;
  const std::vector<GroupStats> s = CountGroups(groups, y, pd, approved, strata);
  const std::vector<double> rate = ApprovalRates(groups, approved, std::vector<double>(n, 1.0));
  const std::size_t ref = ReferenceGroup(s, rate, options.min_group_size);
  std::vector<std::vector<double>> rate_rep, air_rep;
  BootstrapRates(groups, approved, strata, ref, options.bootstrap, rate_rep, air_rep);
  const double level = options.bootstrap.level;
  nlohmann::json out_groups = nlohmann::json::array();
  std::size_t failing = 0, small = 0;
  for (std::size_t k = 0; k < ng; ++k) {
    const GroupStats& g = s[k];
    const double air = rate[ref] > 0 ? rate[k] / rate[ref] : 1.0;
    const bool too_small = g.count < options.min_group_size, ok = air >= options.four_fifths;
    failing += !ok && !too_small;
    small += too_small;
    const Interval ri = PercentileInterval(rate[k], rate_rep[k], level);
    const Interval ai = PercentileInterval(air, air_rep[k], level);
    nlohmann::json j = {{"group", groups.labels[k]},
                        {"count", g.count},
                        {"share", static_cast<double>(g.count) / n},
                        {"approved", g.approved},
                        {"approval_rate", rate[k]},
                        {"approval_rate_interval", {ri.lower, ri.upper}},
                        {"adverse_impact_ratio", air},
                        {"adverse_impact_ratio_interval", {ai.lower, ai.upper}},
                        {"four_fifths_ok", ok},
                        {"too_small", too_small},
                        {"mean_pd", g.count ? g.pd_sum / g.count : 0.0}};
    if (!y.empty()) AddOutcomeRates(j, g, s[ref]);
    out_groups.push_back(std::move(j));
  }
  return {{"attribute", attribute},
          {"reference_group", groups.labels[ref]},
          {"approved_band", approved_band},
          {"rows", n},
          {"with_outcomes", !y.empty()},
          {"min_group_size", options.min_group_size},
          {"four_fifths_threshold", options.four_fifths},
          {"groups", out_groups},
          {"failing_groups", failing},
          {"summary", Summary(approved_band, attribute, groups.labels[ref], rate[ref], failing,
                              ng - small, small, options)},
          {"bootstrap",
           {{"replicates", options.bootstrap.replicates},
            {"seed", options.bootstrap.seed},
            {"level", level},
            {"method", "percentile bootstrap, resampling within each group"}}}};
}

}  // namespace loanlens
