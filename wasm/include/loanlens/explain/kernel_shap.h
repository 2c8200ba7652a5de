#pragma once
/// \file
/// Model-agnostic Kernel SHAP (Lundberg & Lee 2017, "A unified approach to interpreting model
/// predictions", Theorem 2) in margin space, over original features: a coalition switches whole
/// groups of design columns (one-hot levels of one feature) between the explained row and a
/// background row. The background is a weighted k-means summary of the training rows.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "loanlens/model.h"
#include "loanlens/train_data.h"

namespace loanlens {

/// Margins for a batch: rows is row-major num_rows x num_inputs, margins has num_rows values.
using BatchMarginFn =
    std::function<void(const double* rows, std::size_t num_rows, double* margins)>;

/// CoalitionMarginFn (a model's fast path for the coalition values) is declared in model.h.

struct KernelShapOptions {
  /// Enumerate every coalition (exact Shapley values) when at most this many groups vary
  /// (capped at 24).
  int max_exact_groups = 12;
  /// Sampling budget: coalitions evaluated (besides the empty and the full one).
  int num_coalitions = 2048;
  std::uint64_t seed = 7;
};

/// Diagnostics of the last explanation.
struct KernelShapStats {
  std::size_t num_varying_groups = 0;
  std::size_t num_coalitions = 0;  ///< distinct coalitions evaluated
  bool exact = false;              ///< all coalitions enumerated
  std::size_t num_model_rows = 0;  ///< rows passed to the margin function
};

class KernelExplainer {
 public:
  /**
   * Summarises the training rows by weighted k-means (k-means++ seeding, Lloyd iterations);
   * each summary point is the training row nearest to its cluster centroid (so one-hot groups
   * stay valid 0/1 patterns), weighted by the cluster's share of the (sample-weighted) rows.
   * Deterministic for a seed. With num_rows <= k the rows themselves are the background.
   * \param data  design rows; data.group / data.group_names define the original features
   *              (empty group: every design column is its own feature)
   * \param k     number of background points (1 to 50)
   */
  static KernelExplainer Fit(const TrainData& data, int k, std::uint64_t seed);

  /**
   * Kernel SHAP values of one row.
   * \param margin_fn  the model's margin for a batch of design rows
   * \param x          num_inputs values
   * \param phi_groups out: NumGroups() values, one per original feature
   * \return the base value E_background[margin]; sum(phi_groups) + base == margin(x) exactly
   *         (the efficiency constraint is enforced by eliminating one variable).
   */
  double Explain(const BatchMarginFn& margin_fn, const double* x, double* phi_groups,
                 const KernelShapOptions& options, KernelShapStats* stats = nullptr) const;
  /// Same, with a model-specific fast path for the coalition values (see CoalitionMarginFn);
  /// margin_fn is still used for f(x) and the base value.
  double Explain(const BatchMarginFn& margin_fn, const CoalitionMarginFn& coalition_fn,
                 const double* x, double* phi_groups, const KernelShapOptions& options,
                 KernelShapStats* stats = nullptr) const;
  /// Same with a one-row margin function (e.g. [&](const double* r) { return m.PredictMargin(r);
  /// }).
  double Explain(const std::function<double(const double*)>& margin_fn, const double* x,
                 double* phi_groups, const KernelShapOptions& options,
                 KernelShapStats* stats = nullptr) const;

  std::size_t NumInputs() const { return num_inputs_; }
  std::size_t NumGroups() const { return group_names_.size(); }
  const std::vector<std::string>& GroupNames() const { return group_names_; }
  const std::vector<int>& Group() const { return group_; }
  std::size_t NumBackground() const { return weight_.size(); }
  /// Background points, row-major NumBackground() x NumInputs(), and their weights (sum 1).
  const std::vector<double>& Background() const { return background_; }
  const std::vector<double>& BackgroundWeight() const { return weight_; }

  nlohmann::json ToJson() const;
  /// Validates shapes and values; throws loanlens::Error naming the JSON key.
  static KernelExplainer FromJson(const nlohmann::json& j);

 private:
  std::size_t num_inputs_ = 0;
  std::vector<int> group_;
  std::vector<std::string> group_names_;
  std::vector<double> background_, weight_;
};

}  // namespace loanlens
