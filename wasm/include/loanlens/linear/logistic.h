#pragma once
/// \file
/// L2-regularised logistic regression (kind "logistic") with exact linear SHAP.
#include <memory>
#include <string>
#include <vector>

#include "loanlens/model.h"
#include "loanlens/params.h"
#include "loanlens/train_data.h"

namespace loanlens {

inline constexpr long kNewtonMaxInputs = 2000;

/// Hyper-parameters, with scikit-learn's meaning: minimise 0.5 |w|^2 + C * sum_i s_i logloss_i,
/// where s_i is the class weight of row i (intercept not penalised).
struct LogisticParams {
  double c = 1.0;
  std::string class_weight = "none";  ///< "none" | "balanced" (n / (2 * n_class))
  /// "auto": Newton with the exact Hessian up to kNewtonMaxInputs design columns, L-BFGS
  /// (LBFGSpp) beyond; "newton" or "lbfgs" to force one.
  std::string solver = "auto";
  int max_iterations = 10000;
  /// Target gradient norm of the objective divided by (C * n); a fit whose gradient norm is at
  /// most max(tolerance, 1e-8) (coefficients then within about 1e-6) is marked converged.
  double tolerance = 1e-10;
  static LogisticParams FromParams(const ParamMap& p);  ///< validates; throws loanlens::Error
  nlohmann::json ToJson() const;
};

class LogisticRegression final : public Model {
 public:
  LogisticRegression(std::vector<double> coef, double intercept, std::vector<double> input_mean,
                     LogisticParams params, nlohmann::json fit_info);
  static std::unique_ptr<Model> Train(const TrainData& data, const ParamMap& params,
                                      const TrainContext& context);
  static std::unique_ptr<Model> Load(const nlohmann::json& j);

  std::string Kind() const override { return "logistic"; }
  std::size_t NumInputs() const override { return coef_.size(); }
  double PredictMargin(const double* x) const override;
  bool HasExactExplainer() const override { return true; }
  std::string ExplainMethod() const override { return "linear_shap"; }
  /// Linear SHAP (interventional, independent inputs): phi_j = w_j (x_j - E[x_j]), where E is the
  /// training mean of design column j; base value = margin at the mean.
  double Explain(const double* x, double* phi) const override;
  /// Exact (f is linear): phi[group[c]] += w_c (x_c - mean_b z_bc).
  bool ExplainAgainst(const double* x, const double* background, std::size_t num_background,
                      const std::vector<int>& group, std::size_t num_players,
                      double* phi) const override;
  nlohmann::json ToJson() const override;

  const std::vector<double>& Coef() const { return coef_; }
  double Intercept() const { return intercept_; }

 private:
  std::vector<double> coef_;
  double intercept_ = 0;
  std::vector<double> input_mean_;
  LogisticParams params_;
  nlohmann::json fit_info_;
};

}  // namespace loanlens
