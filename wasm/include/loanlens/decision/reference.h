#pragma once
/// \file
/// The reference population of adverse-action reasons. Regulation B's commentary (12 CFR 1002,
/// Supplement I, 9(b)(2)) describes choosing reasons against applicants at or slightly above the
/// minimum passing score. At training time the bundle stores a pool of training applicants
/// (explain.reference_pool: raw feature rows at evenly spaced ranks of the margin); the reference
/// is the pool rows scored at or up to `reference_band_points` above the approval cut-off, at
/// most `reference_rows` of them, the closest to the cut-off first. It is selected again whenever
/// the policy changes, so moving a cut-off moves the reference with it.
#include <cstddef>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "loanlens/data/frame.h"
#include "loanlens/data/schema.h"
#include "loanlens/explain/kernel_shap.h"
#include "loanlens/model.h"
#include "loanlens/policy/policy.h"
#include "loanlens/preprocess.h"

namespace loanlens {

/// Pool rows at evenly spaced ranks of the training margins (at most `max_rows`), as the JSON
/// stored under explain.reference_pool: {"rows": [[raw feature values, null = missing], ...]}.
nlohmann::json ReferencePoolJson(const Frame& train, const std::vector<double>& margins,
                                 std::size_t max_rows);

/// Scores a raw row to (margin, pd, points); used to place pool rows against the cut-off.
struct PoolScore {
  double margin = 0, pd = 0, points = 0;
};

class Reference {
 public:
  Reference() = default;
  /**
   * Selects the reference from the pool.
   * \param pool_json   explain.reference_pool (validated here: shapes, category codes)
   * \param score       maps a raw row to its margin, pd and points
   * \param exact_method the model implements ExplainAgainst (else at most 50 rows are kept: Kernel
   *                    SHAP evaluates the model once per reference row and coalition)
   */
  static Reference Select(const nlohmann::json& pool_json, const Schema& schema,
                          const Preprocessor& pre, const Policy& policy,
                          const std::function<PoolScore(const double*)>& score,
                          bool exact_method);
  bool Empty() const { return num_rows_ == 0; }
  std::size_t NumRows() const { return num_rows_; }
  double MeanMargin() const { return mean_margin_; }
  /// Mean raw value per feature over the reference (NaN for categorical features and where
  /// every reference value is missing): "high" or "low" in reason texts is relative to it.
  const std::vector<double>& MeanRaw() const { return mean_raw_; }
  /// Points range of the selected rows and whether the band had to be widened (too few rows in
  /// it).
  double LowPoints() const { return low_points_; }
  double HighPoints() const { return high_points_; }
  bool Widened() const { return widened_; }
  /**
   * Contributions of each original feature to margin(x) - MeanMargin(): exact interventional
   * Shapley values when the model has them (Model::ExplainAgainst), else Kernel SHAP against the
   * reference rows. phi: NumFeatures() values.
   */
  void Contributions(const Model& model, const double* x, const KernelShapOptions& options,
                     double* phi) const;
  nlohmann::json Summary() const;  ///< {"rows", "margin", "points_low", "points_high", "widened"}

 private:
  std::size_t num_rows_ = 0, num_inputs_ = 0, num_features_ = 0;
  std::vector<double> design_;  ///< num_rows x num_inputs
  std::vector<int> group_;
  double mean_margin_ = 0, low_points_ = 0, high_points_ = 0;
  bool widened_ = false;
  std::vector<double> mean_raw_;
  std::shared_ptr<const KernelExplainer> kernel_;  ///< for models without ExplainAgainst
};

}  // namespace loanlens
