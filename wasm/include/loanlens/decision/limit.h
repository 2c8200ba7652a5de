#pragma once
/// \file
/// The limit: the largest loan amount for which the applicant stays approvable, everything else
/// unchanged (features derived from the amount, such as loan / income, recomputed).
#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "loanlens/bundle.h"

namespace loanlens::decision {

struct LimitOptions {
  /// Granularity of the reported amount (currency units, > 0): the answer is the largest
  /// multiple of `step` in the highest approvable stretch of amounts (an exact boundary value
  /// when that stretch holds no multiple).
  double step = 1;
  /// Models without split thresholds: points of the first scan over the training range (>= 2).
  std::size_t grid_points = 64;
};

struct LimitResult {
  /// The largest approvable amount in [range_min, range_max]; nullopt when none is.
  std::optional<double> max_amount;
  double requested_amount = 0;  ///< the applicant's own value (NaN when missing)
  bool requested_approvable = false;
  /// Re-scoring the applicant at max_amount (when set).
  double pd = 0, points = 0;
  std::string band;
  /// The amount's training range, capped at the policy's max_amount (above it: review).
  double range_min = 0, range_max = 0;
  /// "thresholds": every stretch between the model's split thresholds (mapped to amounts) was
  /// scored, so no larger amount in range is approvable (exact up to `step`). "search": a grid
  /// scan, then bisection to `step` in the last approvable grid cell (exact for models whose PD
  /// is monotone in the amount, such as logistic regression).
  std::string method;
  bool monotone_on_grid = true;  ///< "search": the PD was monotone over the grid
  std::size_t evaluations = 0;   ///< Bundle::ScoreRow calls
};

/**
 * The largest amount within the amount feature's training range that is approvable.
 * \param bundle          the model
 * \param raw             the applicant (Bundle::FeatureNames() order, a Frame row)
 * \param amount_feature  index of the amount in `raw`; must be a numeric feature
 * \return the result; re-scoring `raw` with the amount set to max_amount (and derived features
 *         recomputed, see ApplyAmount) gives "approve".
 * ScoreRow calls: 1 + (number of distinct split thresholds on the amount and on the features
 * derived from it, + 1) for tree models; 1 + grid_points + ~log2(range / grid_points / step) + 2
 * otherwise. Throws loanlens::Error for a bad index, a non-numeric feature or a bad step.
 */
LimitResult FindLimit(const Bundle& bundle, const double* raw, std::size_t amount_feature,
                      const LimitOptions& options = {});

/// FindLimit(...).max_amount.
std::optional<double> MaxApprovableAmount(const Bundle& bundle, const double* raw,
                                          std::size_t amount_feature);

/// `raw` with the amount set to `amount` and the features derived from it recomputed.
std::vector<double> ApplyAmount(const Bundle& bundle, const double* raw, std::size_t amount_feature,
                                double amount);

/// Index of feature `name` in the raw row; throws loanlens::Error naming it.
std::size_t FeatureIndex(const Bundle& bundle, const std::string& name);

/// {"max_amount": number | null, "requested_amount", "requested_approvable", "pd", "points",
/// "band", "range": [min, max], "method", "evaluations"}.
nlohmann::json ToJson(const LimitResult& limit);

}  // namespace loanlens::decision
