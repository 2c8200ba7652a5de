#pragma once
/// \file
/// Support vector machines (kind "svm") for default prediction on imputed, standardised design
/// rows. kernel=linear trains by dual coordinate descent (LIBLINEAR); rbf and poly by SMO
/// (LIBSVM). Probabilities come from Platt scaling fitted on 5-fold cross-validated decision
/// values, so the model's margin is the Platt log-odds of default: margin = a * f(x) + b.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "loanlens/explain/kernel_shap.h"
#include "loanlens/model.h"
#include "loanlens/params.h"
#include "loanlens/train_data.h"

namespace loanlens {

enum class SvmKernel { kLinear, kRbf, kPoly };
std::string ToString(SvmKernel k);  ///< "linear" | "rbf" | "poly"
SvmKernel SvmKernelFromString(const std::string& s);

/// Kernel k(u, v): rbf exp(-gamma |u - v|^2), poly (gamma u.v + coef0)^degree, linear u.v.
struct KernelSpec {
  SvmKernel kernel = SvmKernel::kRbf;
  double gamma = 1;
  int degree = 3;
  double coef0 = 0;
};
/** Kernel value for two rows of length `num_inputs`. */
double KernelValue(const KernelSpec& spec, const double* u, const double* v,
                   std::size_t num_inputs);

/// Hyper-parameters (`--param key=value`), defaults as scikit-learn's SVC / LinearSVC.
struct SvmParams {
  SvmKernel kernel = SvmKernel::kRbf;
  double c = 1.0;               ///< "C"
  std::string gamma = "scale";  ///< "scale" | "auto" | a positive number
  int degree = 3;
  double coef0 = 0;
  bool balanced = false;               ///< class_weight=balanced
  double tol = 1e-3;                   ///< SMO stopping tolerance (LinearSVC: pass tol=1e-4)
  std::size_t max_train_rows = 20000;  ///< stratified subsample above this (all kernels)
  std::uint64_t seed = 7;
  double cache_mb = 100;  ///< SMO kernel-column cache
  bool shrinking = true;
  int max_iter = 1000;  ///< linear: passes over the data
  /// Internal cross-validation folds for Platt scaling (LIBSVM: 5); 0 = fit Platt on the final
  /// model's training decision values (one solver run, optimistic).
  int platt_folds = 5;
};
/// Parses and validates `params` (unknown keys, bad values -> loanlens::Error naming the key).
/// The seed comes from the TrainContext unless `seed` is given.
SvmParams ParseSvmParams(const ParamMap& params, std::uint64_t context_seed);

/// Result of a binary SVM solver on rows with labels y in {-1, +1}.
struct SvmSolution {
  std::vector<double> coef;  ///< kernel: alpha_i * y_i per training row; linear: w (num_inputs)
  double bias = 0;           ///< f(x) = sum_i coef_i k(x_i, x) + bias  (or w.x + bias)
  int iterations = 0;
};

/**
 * L2-regularised hinge-loss linear SVM by dual coordinate descent (Hsieh, Chang, Lin, Keerthi &
 * Sundararajan 2008, "A dual coordinate descent method for large-scale linear SVM", Algorithm 3
 * with shrinking). The bias is a regularised weight on a constant input 1 (LIBLINEAR -B 1, as
 * sklearn LinearSVC with intercept_scaling=1).
 * \param x      row-major num_rows x num_inputs
 * \param y      num_rows labels in {-1, +1}
 * \param cost   num_rows upper bounds C_i (C * class weight * sample weight)
 * \param tol    stop when the projected-gradient gap is <= tol
 */
SvmSolution SolveLinearSvm(const double* x, std::size_t num_rows, std::size_t num_inputs,
                           const double* y, const double* cost, double tol, int max_iter,
                           std::uint64_t seed, bool shrinking);

/**
 * C-SVC dual by SMO with second-order working-set selection (Fan, Chen & Lin 2005, "Working set
 * selection using second order information for training SVM", WSS 3), shrinking and an LRU
 * cache of kernel columns, following LIBSVM (Chang & Lin 2011).
 * \param cache_mb  kernel cache size in MiB (at least two columns are always kept)
 */
SvmSolution SolveKernelSvm(const double* x, std::size_t num_rows, std::size_t num_inputs,
                           const double* y, const double* cost, const KernelSpec& kernel,
                           double tol, double cache_mb, bool shrinking);

/// Family entry points (registered in ModelFamilies()).
std::unique_ptr<Model> TrainSvm(const TrainData& data, const ParamMap& params,
                                const TrainContext& context);
std::unique_ptr<Model> LoadSvm(const nlohmann::json& j);

/**
 * Raw SVM decision values f(x) (before Platt scaling) for `num_rows` design rows, and the batched
 * margins a * f + b. `model` must be an SVM (throws loanlens::Error otherwise).
 * \param x       row-major num_rows x NumInputs()
 * \param out     num_rows values
 */
void SvmDecisionFunction(const Model& model, const double* x, std::size_t num_rows, double* out);
void SvmPredictMarginBatch(const Model& model, const double* x, std::size_t num_rows, double* out);

/**
 * Kernel SHAP fast path for rbf / poly SVMs: the kernel argument of a hybrid row is additive over
 * groups, so coalition values need no hybrid rows and (rbf) no exp per coalition. Returns an
 * empty function for linear SVMs (use the generic path or the exact Explain()). The returned
 * function keeps references to `model` and `explainer`.
 */
CoalitionMarginFn SvmCoalitionMargins(const Model& model, const KernelExplainer& explainer);

}  // namespace loanlens
