#pragma once
/// \file
/// Fairness review of a bundle's decisions across the groups of an attribute that is not a model
/// input (a protected attribute kept in the data for this purpose). The favourable decision is
/// the policy's least risky band (approval).
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "loanlens/policy/policy.h"
#include "loanlens/validation/bootstrap.h"

namespace loanlens {

struct FairnessOptions {
  std::size_t min_group_size = 30;  ///< smaller groups are marked "too_small" (kept, not hidden)
  double four_fifths = 0.8;         ///< adverse impact ratio below this fails the four-fifths rule
  std::size_t max_groups = 20;      ///< more distinct values: numeric -> quantile bands, else top
  std::size_t numeric_groups = 5;   ///< quantile bands of a many-valued numeric attribute
  BootstrapOptions bootstrap;       ///< intervals of approval rates and adverse impact ratios
  double proxy_threshold = 0.3;     ///< Cramer's V at or above which an input is a likely proxy
  double proxy_auc = 0.7;           ///< or AUC (two groups, numeric input) at or above which
};

/// Groups of an attribute: a label per group and each row's group.
struct GroupedAttribute {
  std::vector<std::string> labels;
  std::vector<std::size_t> group;  ///< per row, index into labels
};

/**
 * Rows -> groups from the attribute's cells (`missing` tells which cells are missing: they form the
 * group "(missing)"). At most max_groups distinct values: one group each (sorted by label);
 * more, all numbers: numeric_groups quantile bands ("<= 26", "(26, 33]", "> 52"); more, text: the
 * max_groups - 1 most frequent values and "__other__".
 */
GroupedAttribute GroupAttribute(const std::vector<std::string>& cells,
                                const std::vector<std::string>& missing_tokens,
                                const FairnessOptions& options = FairnessOptions());

/**
 * Per group: count, share, approval_rate (+ interval), adverse_impact_ratio (approval rate /
 * the reference group's, + interval), four_fifths_ok, too_small, mean_pd and, with outcomes (y
 * not empty), default_rate_approved, tpr (share of non-defaulters approved), fpr (share of
 * defaulters approved), equal_opportunity_difference (tpr - reference tpr) and auc. The
 * reference group is the most favoured: the highest approval rate among groups that are not too
 * small (among all groups if every one is).
 * {"attribute","reference_group","approved_band","rows","min_group_size","four_fifths_threshold",
 *  "groups":[...],"summary","bootstrap":{...}}
 */
nlohmann::json FairnessReport(const std::string& attribute, const GroupedAttribute& groups,
                              const std::vector<double>& y, const std::vector<double>& pd,
                              const Policy& policy,
                              const FairnessOptions& options = FairnessOptions());

}  // namespace loanlens
