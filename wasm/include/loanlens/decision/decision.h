#pragma once
/// \file
/// The lending decision for one applicant: the score, the review rules that fired, the decision
/// they lead to, adverse-action reasons against the reference population, points by feature,
/// price and limit, and what would change the decision. One function for the CLI, the browser
/// and the Python package, so that all of them show the same decision.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "loanlens/bundle.h"
#include "loanlens/decision/limit.h"
#include "loanlens/decision/price.h"
#include "loanlens/decision/reasons.h"
#include "loanlens/decision/recourse.h"
#include "loanlens/decision/review_rules.h"

namespace loanlens {

struct DecisionOptions {
  bool shap = true;  ///< SHAP contributions and points by feature (against the training mean)
  bool limit = true;     ///< the largest approvable amount (when the policy names the amount)
  bool recourse = true;  ///< what would change the decision (applicants not approved)
};

struct Decision {
  Score score;           ///< score.band: the band of the cut-offs alone
  std::string decision;  ///< approve | review | decline, after the review rules
  std::vector<FiredRule> rules;
  /// Against the reference population (see decision/reference.h), margin units and points.
  double reference_margin = 0;
  std::vector<double> reference_contributions, reference_points;
  /// Against the average training applicant (SHAP base value): base_points + sum = points.
  double base_points = 0;
  std::vector<double> points_by_feature;
  std::vector<ReasonItem> reasons;  ///< adverse, most adverse first (declined / review)
  std::vector<ReasonItem> factors;  ///< main factors, not adverse (approved)
  Price price;
  std::optional<decision::LimitResult> limit;
  std::optional<decision::RecourseResult> recourse;
};

/**
 * Decides on one parsed row.
 * \param raw       NumFeatures() values (Frame row)
 * \param warnings  the parser's warnings for this row
 */
Decision Decide(const Bundle& bundle, const double* raw, const std::vector<RowWarning>& warnings,
                const DecisionOptions& options = {});

/// The machine-readable decision (the keys `loanlens explain` prints; see docs/decision.md).
nlohmann::json DecisionJson(const Bundle& bundle, const Decision& d);

}  // namespace loanlens
