#pragma once
/// \file
/// The model contract: a model maps a preprocessed input row x (the "design" space, num_inputs
/// columns) to a margin (log-odds of default), explains it, and saves to / loads from JSON.
/// Hyper-parameters live in each family's Params struct; learned state lives in the model.
/// Training data: train_data.h; the families' registry: model_registry.h; --param: params.h.
#include <cstddef>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace loanlens {

class KernelExplainer;  // explain/kernel_shap.h

/**
 * Optional model-specific fast path for Kernel SHAP's coalition values: for each coalition c,
 * expected_margin[c] = sum_b weight_b * margin(hybrid(x, background_b, c)), where the hybrid row
 * takes x on the design columns of the groups varying[g] with masks[c * varying.size() + g] == 1
 * and the background row elsewhere. Must equal the generic evaluation up to rounding.
 */
using CoalitionMarginFn =
    std::function<void(const double* x, const unsigned char* masks, std::size_t num_coalitions,
                       const std::vector<std::size_t>& varying, double* expected_margin)>;

/// Margins of design rows near one row x (the limit and recourse searches move one or two
/// features of an applicant). Margin(row) == PredictMargin(row) bit for bit, for any row; it is
/// only faster when the row equals x in most columns. One probe per thread (scratch inside).
class MarginProbe {
 public:
  virtual ~MarginProbe() = default;
  virtual double Margin(const double* row) = 0;
};

class Model {
 public:
  virtual ~Model() = default;
  /// "logistic" | "gbdt" | "random_forest" | "svm" | "xgboost" ...
  virtual std::string Kind() const = 0;
  virtual std::size_t NumInputs() const = 0;
  /// Log-odds of default for one design row x (num_inputs values).
  virtual double PredictMargin(const double* x) const = 0;
  /// Margins for a batch: x is num_rows x NumInputs(), row-major; out[r] == PredictMargin() of
  /// row r, bit for bit. The default loops over PredictMargin(); tree ensembles score blocks.
  virtual void PredictMargins(const double* x, std::size_t num_rows, double* out) const;
  /// True when Explain() computes exact Shapley values for this model (linear, trees).
  virtual bool HasExactExplainer() const = 0;
  /**
   * Exact SHAP values in margin space for one design row.
   * \param x     num_inputs values
   * \param phi   out: num_inputs values, one per design column
   * \return      the base value; sum(phi) + base == PredictMargin(x) to rounding.
   * Models without an exact explainer throw loanlens::Error (use Kernel SHAP instead).
   */
  virtual double Explain(const double* x, double* phi) const = 0;
  /// Learned state as JSON ("model" section of the bundle, including "kind").
  virtual nlohmann::json ToJson() const = 0;
  /// True when PredictMargin() (and Explain()) are in probability space instead of log-odds:
  /// random_forest averages its trees' class-1 probabilities, and TreeSHAP is exact in that
  /// space. The bundle then maps pd = margin (no sigmoid).
  virtual bool MarginIsProbability() const { return false; }
  /**
   * SHAP interaction values for one design row (tree models).
   * \param out  num_inputs x num_inputs, row-major, symmetric; off-diagonal entries are half the
   *             pairwise interaction, the diagonal the main effects; row j sums to phi_j.
   * \return     the base value. Models without tree structure throw loanlens::Error.
   */
  virtual double Interactions(const double* x, double* out) const;
  /**
   * Exact interventional Shapley values of the margin against a background set (Lundberg et al.
   * 2020, "From local explanations to global understanding with explainable AI for trees", Nature
   * Machine Intelligence): the game is v(S) = mean_b f(x_S, z_b,~S) over the background rows z_b,
   * and the players are original features: group[c] is the player of design column c (all
   * columns of one player switch together).
   * \param x               NumInputs() values
   * \param background      num_background x NumInputs(), row-major (design rows)
   * \param group           NumInputs() player indices in [0, num_players)
   * \param phi             out: num_players values; sum(phi) == f(x) - mean_b f(z_b) to rounding
   * \return false when the family has no exact method (the caller then uses Kernel SHAP against
   *         the same background); phi is then left untouched.
   */
  virtual bool ExplainAgainst(const double* x, const double* background,
                              std::size_t num_background, const std::vector<int>& group,
                              std::size_t num_players, double* phi) const {
    (void)x, (void)background, (void)num_background, (void)group, (void)num_players, (void)phi;
    return false;
  }
  /**
   * The split thresholds the model compares design column `input` against, ascending and
   * distinct. With every other input fixed, the margin is then constant as x[input] moves within
   * (-inf, t_0), [t_0, t_1), ..., [t_last, +inf): x[input] = v is on the upper side of t when
   * v >= t (float32 models compare float(v) >= float(t); their thresholds are returned as float
   * values). Missing values follow each split's default direction and are not covered.
   * \return nullopt when the margin is not piecewise constant in x[input] (the default: linear
   *         models, SVMs); an empty vector when the model never splits on it.
   */
  virtual std::optional<std::vector<double>> SplitThresholds(std::size_t input) const {
    (void)input;
    return std::nullopt;
  }
  /// Monotone constraints the model was trained with, one per design column: +1 = the margin
  /// never decreases as the input grows, -1 = never increases, 0 = unconstrained. Empty when the
  /// model has none.
  virtual std::vector<int> MonotoneConstraints() const { return {}; }
  /**
   * ExplainAgainst with a weighted background: v(S) = sum_b weight[b] f(x_S, z_b,~S), weights
   * summing to 1 (the bundle's k-means summary). sum(phi) == f(x) - sum_b weight[b] f(z_b).
   * The default uses that the game is linear in the background distribution: phi is the
   * weighted sum of ExplainAgainst against each single row z_b (false when ExplainAgainst is).
   */
  virtual bool ExplainAgainstWeighted(const double* x, const double* background,
                                      const double* weight, std::size_t num_background,
                                      const std::vector<int>& group, std::size_t num_players,
                                      double* phi) const;
  /// How this model's explanations are computed, as bundles report it (explain.method): the
  /// method of Explain() when HasExactExplainer() ("linear_shap", "tree_shap"), else of
  /// ExplainAgainstWeighted() when it is exact (svm: "rbf_shap"), else "kernel_shap" (default).
  virtual std::string ExplainMethod() const { return "kernel_shap"; }
  /// Kernel SHAP fast path for the coalition values against `explainer`'s background (used when
  /// ExplainAgainstWeighted() returns false); the default, empty, evaluates hybrid rows. The
  /// function may keep references to this model and to `explainer`.
  virtual CoalitionMarginFn KernelShapFastPath(const KernelExplainer& explainer) const {
    (void)explainer;
    return CoalitionMarginFn();
  }
  /// A probe around design row x (NumInputs() values, copied). The default calls
  /// PredictMargin(); tree ensembles re-walk only the trees that split on a column where the
  /// row differs from x, summing every tree's value in the same order as PredictMargin().
  virtual std::unique_ptr<MarginProbe> Probe(const double* x) const;
  /// Extra global importance (gain, split counts ...) for the bundle; {} when none.
  virtual nlohmann::json Importance() const { return nlohmann::json::object(); }
};

}  // namespace loanlens
