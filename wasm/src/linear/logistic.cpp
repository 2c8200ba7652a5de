#include "loanlens/linear/logistic.h"

#include <LBFGS.h>

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <limits>

#include "loanlens/error.h"
#include "loanlens/explain/background.h"
#include "loanlens/json_util.h"
#include "loanlens/portable_math.h"
#include "loanlens/sigmoid.h"

namespace loanlens {
namespace {

/// The training rows as a read-only row-major matrix (num_rows x num_inputs).
using RowMatrixMap =
    Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>;

/// log(1 + exp(t)) without overflow.
double Softplus(double t) { return std::max(t, 0.0) + Log1p(Exp(-std::abs(t))); }

/// The objective scaled by 1 / (C n): f(w, b) = |w|^2 / (2 C n) + (1/n) sum_i s_i logloss_i.
/// Scaling does not move the optimum and keeps the gradient tolerance independent of C and n.
class Objective {
 public:
  Objective(const RowMatrixMap& x, const Eigen::VectorXd& y, const Eigen::VectorXd& s, double c)
      : x_(x), y_(y), s_(s), ridge_(1.0 / (c * x.rows())) {}

  /// theta = (w, b); returns f and writes the gradient.
  double operator()(const Eigen::VectorXd& theta, Eigen::VectorXd& grad) {
    const Eigen::Index p = x_.cols();
    const double n = static_cast<double>(x_.rows());
    Eigen::VectorXd margin = x_ * theta.head(p);
    margin.array() += theta[p];
    double f = 0;
    Eigen::VectorXd r(margin.size());  // d logloss / d margin, weighted
    for (Eigen::Index i = 0; i < margin.size(); ++i) {
      const double z = margin[i];
      f += s_[i] * (y_[i] > 0.5 ? Softplus(-z) : Softplus(z));
      r[i] = s_[i] * (Sigmoid(z) - y_[i]);
    }
    grad.resize(p + 1);
    grad.head(p) = (x_.transpose() * r) / n + ridge_ * theta.head(p);
    grad[p] = r.sum() / n;
    const double value = f / n + 0.5 * ridge_ * theta.head(p).squaredNorm();
    if (std::isfinite(value) && value < best_value_) {
      best_value_ = value;
      best_theta_ = theta;
    }
    return value;
  }

  /// The Hessian of the scaled objective at theta (exact; (p+1) x (p+1)).
  Eigen::MatrixXd Hessian(const Eigen::VectorXd& theta) const {
    const Eigen::Index p = x_.cols();
    const double n = static_cast<double>(x_.rows());
    Eigen::MatrixXd xa(x_.rows(), p + 1);
    xa.leftCols(p) = x_;
    xa.col(p).setOnes();
    const Eigen::VectorXd margin = xa * theta;
    // H = X' W X / n with W = s q (1 - q): scale the rows by sqrt(W) and take the Gram matrix.
    for (Eigen::Index i = 0; i < margin.size(); ++i) {
      const double q = Sigmoid(margin[i]);
      xa.row(i) *= std::sqrt(s_[i] * q * (1 - q) / n);
    }
    Eigen::MatrixXd h = Eigen::MatrixXd::Zero(p + 1, p + 1);
    h.selfadjointView<Eigen::Lower>().rankUpdate(xa.transpose());
    h.triangularView<Eigen::StrictlyUpper>() = h.transpose();
    h.diagonal().head(p).array() += ridge_;
    return h;
  }

  /// The lowest finite objective seen and where (L-BFGS can leave NaN in x when its line search
  /// fails at the limit of floating-point resolution).
  double best_value_ = std::numeric_limits<double>::infinity();
  Eigen::VectorXd best_theta_;

 private:
  const RowMatrixMap& x_;
  const Eigen::VectorXd& y_;
  const Eigen::VectorXd& s_;
  double ridge_;
};

/// Labels y_i and row weights s_i (sample weight times class weight) of the training rows.
struct LogisticTargets {
  Eigen::VectorXd y, s;
};

/// class_weight "balanced" weighs class k by n / (2 n_k), as scikit-learn; throws when the rows
/// hold one class only.
LogisticTargets LogisticTargetsOf(const TrainData& data, const std::string& class_weight) {
  const auto n = static_cast<Eigen::Index>(data.num_rows);
  LogisticTargets t{Eigen::VectorXd(n), Eigen::VectorXd(n)};
  double positives = 0;
  for (Eigen::Index i = 0; i < n; ++i) {
    t.y[i] = data.y[i];
    positives += t.y[i];
    t.s[i] = data.weight ? data.weight[i] : 1.0;
  }
  if (positives == 0 || positives == n)
    throw Error("logistic: the training data has only one class");
  if (class_weight == "balanced") {
    const double w1 = n / (2.0 * positives), w0 = n / (2.0 * (n - positives));
    for (Eigen::Index i = 0; i < n; ++i) t.s[i] *= t.y[i] > 0.5 ? w1 : w0;
  }
  return t;
}

/// Where a solver stands: theta = (w, b), the gradient and objective there, iterations taken.
struct LogisticFit {
  Eigen::VectorXd theta, grad;
  double objective = 0;
  int iterations = 0;
};

/// Quasi-Newton (L-BFGS, LBFGSpp) for wide designs, where the Hessian would be costly. Ends at
/// the best point the objective saw.
void MinimiseByLbfgs(Objective& objective, const LogisticParams& lp, LogisticFit& fit) {
  LBFGSpp::LBFGSParam<double> param;
  param.epsilon = lp.tolerance;
  param.epsilon_rel = 0;
  param.max_iterations = lp.max_iterations;
  param.max_linesearch = 60;
  LBFGSpp::LBFGSSolver<double> solver(param);
  try {
    fit.iterations = solver.minimize(objective, fit.theta, fit.objective);
  } catch (const std::exception&) {
    // The line search ran out of floating-point room near the optimum: keep the best point.
  }
  fit.theta = objective.best_theta_;
  fit.objective = objective(fit.theta, fit.grad);
}

/// Damped Newton with the exact Hessian (positive definite thanks to the L2 term; the loss is
/// convex, so halving the step until the objective decreases converges from zero). Quadratic
/// convergence takes the gradient to rounding level in a handful of steps: the answer is the
/// optimum, not an approximation of it.
/// At the limit of floating-point resolution the objective stops decreasing: a step is kept only
/// if it lowers the objective or, at equal objective, the gradient.
void MinimiseByNewton(Objective& objective, const LogisticParams& lp, LogisticFit& fit) {
  const int max_newton = std::min(lp.max_iterations, 100);
  for (; fit.iterations < max_newton && fit.grad.norm() > lp.tolerance; ++fit.iterations) {
    const Eigen::VectorXd step = objective.Hessian(fit.theta).ldlt().solve(fit.grad);
    double t = 1.0, ft = 0;
    Eigen::VectorXd trial, trial_grad;
    bool improved = false;
    for (int k = 0; k < 40 && !improved; ++k, t *= 0.5) {
      trial = fit.theta - t * step;
      ft = objective(trial, trial_grad);
      improved =
          ft < fit.objective || (ft == fit.objective && trial_grad.norm() < 0.5 * fit.grad.norm());
    }
    if (!improved) break;
    fit.theta = trial;
    fit.grad = trial_grad;
    fit.objective = ft;
  }
}

}  // namespace

LogisticParams LogisticParams::FromParams(const ParamMap& p) {
  ParamReader r(p, "model 'logistic'");
  LogisticParams out;
  out.c = r.PositiveDouble("C", out.c);
  out.class_weight = r.Choice("class_weight", out.class_weight, {"none", "balanced"});
  out.solver = r.Choice("solver", out.solver, {"auto", "newton", "lbfgs"});
  out.max_iterations =
      r.Int("max_iterations", out.max_iterations, 1, std::numeric_limits<int>::max());
  out.tolerance = r.PositiveDouble("tolerance", out.tolerance);
  r.Finish();
  return out;
}

nlohmann::json LogisticParams::ToJson() const {
  return {{"C", c},
          {"class_weight", class_weight},
          {"solver", solver},
          {"max_iterations", max_iterations},
          {"tolerance", tolerance}};
}

LogisticRegression::LogisticRegression(std::vector<double> coef, double intercept,
                                       std::vector<double> input_mean, LogisticParams params,
                                       nlohmann::json fit_info)
    : coef_(std::move(coef)),
      intercept_(intercept),
      input_mean_(std::move(input_mean)),
      params_(std::move(params)),
      fit_info_(std::move(fit_info)) {}

std::unique_ptr<Model> LogisticRegression::Train(const TrainData& data, const ParamMap& params,
                                                 const TrainContext& context) {
  const LogisticParams lp = LogisticParams::FromParams(params);
  const auto n = static_cast<Eigen::Index>(data.num_rows);
  const auto p = static_cast<Eigen::Index>(data.num_inputs);
  if (n == 0) throw Error("logistic: no training rows");
  const RowMatrixMap x(data.x, n, p);
  if (!x.allFinite()) throw Error("logistic: inputs must be finite (impute missing values first)");
  const LogisticTargets targets = LogisticTargetsOf(data, lp.class_weight);

  Objective objective(x, targets.y, targets.s, lp.c);
  LogisticFit fit;
  fit.theta = Eigen::VectorXd::Zero(p + 1);
  fit.objective = objective(fit.theta, fit.grad);
  const bool newton = lp.solver == "newton" || (lp.solver == "auto" && p <= kNewtonMaxInputs);
  if (newton)
    MinimiseByNewton(objective, lp, fit);
  else
    MinimiseByLbfgs(objective, lp, fit);
  const double gnorm = fit.grad.norm();
  if (!std::isfinite(gnorm) || gnorm > 1e-6)
    throw Error("logistic: the optimiser did not converge (gradient norm " + std::to_string(gnorm) +
                "); try a smaller C");
  if (context.progress) context.progress(1, 1);

  std::vector<double> mean(p, 0.0);
  for (Eigen::Index j = 0; j < p; ++j) mean[j] = x.col(j).mean();
  nlohmann::json info = {{"solver", newton ? "newton" : "lbfgs"},
                         {"iterations", fit.iterations},
                         {"objective", fit.objective},
                         {"gradient_norm", gnorm},
                         {"converged", gnorm <= std::max(lp.tolerance, 1e-8)}};
  const Eigen::VectorXd& theta = fit.theta;
  return std::make_unique<LogisticRegression>(std::vector<double>(theta.data(), theta.data() + p),
                                              theta[p], std::move(mean), lp, std::move(info));
}

double LogisticRegression::PredictMargin(const double* x) const {
  double z = intercept_;
  for (std::size_t j = 0; j < coef_.size(); ++j) z += coef_[j] * x[j];
  return z;
}

double LogisticRegression::Explain(const double* x, double* phi) const {
  double base = intercept_;
  for (std::size_t j = 0; j < coef_.size(); ++j) {
    base += coef_[j] * input_mean_[j];
    phi[j] = coef_[j] * (x[j] - input_mean_[j]);
  }
  return base;
}

bool LogisticRegression::ExplainAgainst(const double* x, const double* background,
                                        std::size_t num_background, const std::vector<int>& group,
                                        std::size_t num_players, double* phi) const {
  const std::size_t m = coef_.size();
  CheckBackgroundArgs(m, background, num_background, group, num_players);
  std::fill(phi, phi + num_players, 0.0);
  // f is linear, so v(S) = mean_b f(x_S, z_b) is additive over the design columns: column c
  // moves the margin by w_c (x_c - mean_b z_bc) when its player joins.
  for (std::size_t c = 0; c < m; ++c) {
    double mean = 0;
    for (std::size_t b = 0; b < num_background; ++b) mean += background[b * m + c];
    mean /= static_cast<double>(num_background);
    phi[group[c]] += coef_[c] * (x[c] - mean);
  }
  return true;
}

nlohmann::json LogisticRegression::ToJson() const {
  return {{"kind", "logistic"},         {"coef", coef_},
          {"intercept", intercept_},    {"input_mean", input_mean_},
          {"params", params_.ToJson()}, {"fit", fit_info_}};
}

std::unique_ptr<Model> LogisticRegression::Load(const nlohmann::json& j) {
  JsonReader r(j, "model");
  auto coef = r.DoubleArray("coef");
  auto mean = r.DoubleArray("input_mean");
  if (mean.size() != coef.size())
    throw Error("model.input_mean: expected " + std::to_string(coef.size()) + " values, got " +
                std::to_string(mean.size()));
  const double intercept = r.Double("intercept");
  ParamMap pm;
  if (j.contains("params") && j["params"].is_object())
    for (auto& [k, v] : j["params"].items())
      pm[k] = v.is_string() ? v.get<std::string>() : v.dump();
  return std::make_unique<LogisticRegression>(std::move(coef), intercept, std::move(mean),
                                              LogisticParams::FromParams(pm),
                                              j.value("fit", nlohmann::json::object()));
}

}  // namespace loanlens
