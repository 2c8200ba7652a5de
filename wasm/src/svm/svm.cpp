#include "loanlens/svm/svm.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <mutex>
#include <numeric>

#include "loanlens/calibration.h"
#include "loanlens/detail/splitmix.h"
#include "loanlens/error.h"
#include "loanlens/explain/kernel_shap.h"
#include "loanlens/json_util.h"
#include "loanlens/limits.h"
#include "loanlens/portable_math.h"
#include "loanlens/svm/rbf_shap.h"

namespace loanlens {

std::string ToString(SvmKernel k) {
  switch (k) {
    case SvmKernel::kLinear:
      return "linear";
    case SvmKernel::kRbf:
      return "rbf";
    case SvmKernel::kPoly:
      return "poly";
  }
  return "rbf";
}

SvmKernel SvmKernelFromString(const std::string& s) {
  if (s == "linear") return SvmKernel::kLinear;
  if (s == "rbf") return SvmKernel::kRbf;
  if (s == "poly") return SvmKernel::kPoly;
  throw Error("parameter 'kernel': expected linear, rbf or poly, got '" + s + "'");
}

namespace {

/// "scale", "auto" or a positive number, kept as text: TrainSvm resolves it on the data.
std::string ReadSvmGamma(ParamReader& r) {
  const std::string gamma = r.String("gamma", "scale");
  double value = 0;
  if (gamma != "scale" && gamma != "auto" && !(ParseNumber(gamma, &value) && value > 0))
    r.Reject("gamma", "scale, auto or a positive number");
  return gamma;
}

}  // namespace

SvmParams ParseSvmParams(const ParamMap& params, std::uint64_t context_seed) {
  constexpr int kMaxInt = std::numeric_limits<int>::max();
  constexpr double kMaxDouble = std::numeric_limits<double>::max();
  ParamReader r(params, "model 'svm'");
  SvmParams s;
  s.kernel = SvmKernelFromString(r.Choice("kernel", "rbf", {"linear", "rbf", "poly"}));
  s.c = r.PositiveDouble("C", 1.0);
  s.gamma = ReadSvmGamma(r);
  s.degree = r.Int("degree", 3, 1, static_cast<int>(kMaxPolyDegree));
  s.coef0 = r.Double("coef0", 0.0, -kMaxDouble, kMaxDouble);
  s.balanced = r.Choice("class_weight", "none", {"none", "balanced"}) == "balanced";
  s.tol = r.PositiveDouble("tol", s.kernel == SvmKernel::kLinear ? 1e-4 : 1e-3);
  s.max_train_rows = static_cast<std::size_t>(r.Int("max_train_rows", 20000, 10, kMaxInt));
  s.seed = r.Seed("seed", context_seed);  // 64 bits, as --seed
  s.cache_mb = r.PositiveDouble("cache_mb", 100.0);
  s.shrinking = r.Choice("shrinking", "true", {"true", "false"}) == "true";
  // Bounded so that no parameter asks for unbounded work: LIBLINEAR's default is 1,000 passes,
  // LIBSVM's Platt cross-validation 5 folds (each fold trains the model once more).
  s.max_iter = r.Int("max_iter", 1000, 1, 1000000);
  s.platt_folds = r.Int("platt_folds", 5, 0, 20);
  if (s.platt_folds == 1) r.Reject("platt_folds", "0 (no cross-validation) or at least 2");
  r.Finish();
  return s;
}

namespace {

using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// Learned state of an SVM. Linear: f(x) = w.x + bias. Kernel: f(x) = sum_s coef_s k(sv_s, x) +
/// bias. margin = platt.a * f(x) + platt.b (log-odds of default).
class SvmModel final : public Model {
 public:
  std::string Kind() const override { return "svm"; }
  std::size_t NumInputs() const override { return num_inputs_; }
  double PredictMargin(const double* x) const override {
    double f;
    Decision(x, 1, &f);
    return platt_.a * f + platt_.b;
  }
  bool HasExactExplainer() const override { return spec_.kernel == SvmKernel::kLinear; }
  double Explain(const double* x, double* phi) const override {
    if (spec_.kernel != SvmKernel::kLinear)
      throw Error("svm: no exact explainer for the " + ToString(spec_.kernel) +
                  " kernel; use Kernel SHAP");
    // Linear SHAP with independent inputs: phi_j = a w_j (x_j - mean_j).
    double base = bias_;
    for (std::size_t j = 0; j < num_inputs_; ++j) {
      phi[j] = platt_.a * w_[j] * (x[j] - mean_[j]);
      base += w_[j] * mean_[j];
    }
    return platt_.a * base + platt_.b;
  }
  std::string ExplainMethod() const override {
    if (spec_.kernel == SvmKernel::kLinear) return "linear_shap";
    return spec_.kernel == SvmKernel::kRbf ? "rbf_shap" : "kernel_shap";
  }
  bool ExplainAgainst(const double* x, const double* background, std::size_t num_background,
                      const std::vector<int>& group, std::size_t num_players,
                      double* phi) const override {
    if (spec_.kernel == SvmKernel::kPoly) return false;
    const std::vector<double> weight(num_background,
                                     1.0 / std::max<std::size_t>(num_background, 1));
    return ExplainAgainstWeighted(x, background, weight.data(), num_background, group, num_players,
                                  phi);
  }
  bool ExplainAgainstWeighted(const double* x, const double* background, const double* weight,
                              std::size_t num_background, const std::vector<int>& group,
                              std::size_t num_players, double* phi) const override;
  CoalitionMarginFn KernelShapFastPath(const KernelExplainer& explainer) const override;
  nlohmann::json ToJson() const override;
  nlohmann::json Importance() const override {
    if (spec_.kernel != SvmKernel::kLinear) return nlohmann::json::object();
    return {{"weight", w_}};
  }

  /// f(x) for n rows (row-major), batched through a matrix product for kernel models.
  void Decision(const double* x, std::size_t n, double* out) const {
    const std::size_t d = num_inputs_;
    if (spec_.kernel == SvmKernel::kLinear) {
      for (std::size_t r = 0; r < n; ++r)
        out[r] = std::inner_product(w_.begin(), w_.end(), x + r * d, 0.0) + bias_;
      return;
    }
    const std::size_t m = coef_.size();
    Eigen::Map<const RowMatrix> sv(sv_.data(), m, d);
    Eigen::Map<const Eigen::VectorXd> coef(coef_.data(), m);
    const std::size_t kBlock = 256;  // rows per matrix product (bounded scratch memory)
    for (std::size_t r0 = 0; r0 < n; r0 += kBlock) {
      const std::size_t nb = std::min(kBlock, n - r0);
      Eigen::Map<const RowMatrix> xb(x + r0 * d, nb, d);
      Eigen::MatrixXd k = xb * sv.transpose();  // nb x m dot products
      if (spec_.kernel == SvmKernel::kRbf) {
        const Eigen::VectorXd x_sq = xb.rowwise().squaredNorm();
        for (std::size_t s = 0; s < m; ++s)
          for (std::size_t r = 0; r < nb; ++r)
            k(r, s) = Exp(-spec_.gamma * (x_sq[r] + sv_sq_[s] - 2 * k(r, s)));
      } else {
        for (std::size_t s = 0; s < m; ++s)
          for (std::size_t r = 0; r < nb; ++r)
            k(r, s) = PowInt(spec_.gamma * k(r, s) + spec_.coef0, spec_.degree);
      }
      Eigen::Map<Eigen::VectorXd>(out + r0, nb) = (k * coef).array() + bias_;
    }
  }

  void Finish() {  // derived state after training or loading
    const std::size_t m = coef_.size();
    sv_sq_.resize(m);
    for (std::size_t s = 0; s < m; ++s) {
      const double* v = sv_.data() + s * num_inputs_;
      sv_sq_[s] = std::inner_product(v, v + num_inputs_, v, 0.0);
    }
  }

  std::size_t num_inputs_ = 0;
  KernelSpec spec_;
  double bias_ = 0;
  std::vector<double> w_, mean_;   // linear
  std::vector<double> sv_, coef_;  // kernel: support vectors (row-major) and alpha_i y_i
  std::vector<double> sv_sq_;
  PlattCoefficients platt_;
  nlohmann::json training_ = nlohmann::json::object();
  /// RBF SHAP: the kernel factors of the last two backgrounds explained against (a bundle
  /// explains every row against its stored background, and may use a reference set too), most
  /// recent first; shared between threads.
  mutable std::mutex rbf_table_mutex_;
  mutable std::vector<std::shared_ptr<const RbfBackgroundTable>> rbf_tables_;
};

bool SvmModel::ExplainAgainstWeighted(const double* x, const double* background,
                                      const double* weight, std::size_t num_background,
                                      const std::vector<int>& group, std::size_t num_players,
                                      double* phi) const {
  // The margin a f(x) + b is affine in the decision value f, so its Shapley values are a times
  // those of f (constants cancel in every marginal contribution): exact in margin space.
  if (spec_.kernel == SvmKernel::kPoly) return false;  // no factorisation: Kernel SHAP
  if (spec_.kernel == SvmKernel::kRbf) {
    RbfExpansion g;
    g.support_vectors = sv_.data();
    g.coef = coef_.data();
    g.num_support_vectors = coef_.size();
    g.num_inputs = num_inputs_;
    g.gamma = spec_.gamma;
    std::shared_ptr<const RbfBackgroundTable> table;
    {
      const std::lock_guard<std::mutex> lock(rbf_table_mutex_);
      for (const auto& t : rbf_tables_)
        if (t->Matches(background, num_background, group, num_players)) table = t;
    }
    if (!table && RbfBackgroundTableSize(g, num_background, num_players) <= kMaxRbfTableValues) {
      table = std::make_shared<const RbfBackgroundTable>(
          MakeRbfBackgroundTable(g, background, num_background, group, num_players));
      const std::lock_guard<std::mutex> lock(rbf_table_mutex_);
      rbf_tables_.insert(rbf_tables_.begin(), table);
      if (rbf_tables_.size() > 2) rbf_tables_.pop_back();
    }
    RbfShapValues(g, x, background, weight, num_background, group, num_players, phi, table.get());
    for (std::size_t p = 0; p < num_players; ++p) phi[p] *= platt_.a;
    return true;
  }
  // Linear: phi_g = a sum_{c in g} w_c (x_c - E_background[z_c]).
  if (group.size() != num_inputs_) throw Error("svm: group must have one entry per input");
  if (num_background == 0) throw Error("svm: the background set is empty");
  std::fill(phi, phi + num_players, 0.0);
  for (std::size_t c = 0; c < num_inputs_; ++c) {
    if (group[c] < 0 || static_cast<std::size_t>(group[c]) >= num_players)
      throw Error("svm: group[" + std::to_string(c) + "] is not a player index");
    double mean = 0;
    for (std::size_t b = 0; b < num_background; ++b)
      mean += weight[b] * background[b * num_inputs_ + c];
    phi[group[c]] += platt_.a * w_[c] * (x[c] - mean);
  }
  return true;
}

CoalitionMarginFn SvmModel::KernelShapFastPath(const KernelExplainer& explainer) const {
  return SvmCoalitionMargins(*this, explainer);
}

nlohmann::json SvmModel::ToJson() const {
  nlohmann::json j = {{"kind", "svm"},
                      {"kernel", ToString(spec_.kernel)},
                      {"num_inputs", num_inputs_},
                      {"bias", bias_},
                      {"platt", {{"a", platt_.a}, {"b", platt_.b}}},
                      {"training", training_}};
  if (spec_.kernel == SvmKernel::kLinear) {
    j["weight"] = w_;
    j["mean"] = mean_;
  } else {
    j["gamma"] = spec_.gamma;
    if (spec_.kernel == SvmKernel::kPoly) {
      j["degree"] = spec_.degree;
      j["coef0"] = spec_.coef0;
    }
    j["dual_coef"] = coef_;
    nlohmann::json rows = nlohmann::json::array();
    for (std::size_t s = 0; s < coef_.size(); ++s)
      rows.push_back(
          std::vector<double>(sv_.begin() + s * num_inputs_, sv_.begin() + (s + 1) * num_inputs_));
    j["support_vectors"] = std::move(rows);
  }
  return j;
}

/// Decision values and labels of one trained solver, in the model's sign convention.
struct Fitted {
  KernelSpec spec;
  SvmSolution solution;  // coef over the training rows given (kernel) or w (linear)
};

/// Trains on rows `x` (row-major, n x d), labels y01 (1 = default), costs C_i.
Fitted FitSolver(const SvmParams& p, const KernelSpec& spec, const double* x, std::size_t n,
                 std::size_t d, const std::vector<double>& y01, const std::vector<double>& cost,
                 std::uint64_t seed) {
  Fitted out;
  out.spec = spec;
  if (spec.kernel == SvmKernel::kLinear) {
    std::vector<double> y(n);
    for (std::size_t i = 0; i < n; ++i) y[i] = y01[i] == 1 ? 1.0 : -1.0;
    out.solution =
        SolveLinearSvm(x, n, d, y.data(), cost.data(), p.tol, p.max_iter, seed, p.shrinking);
    return out;
  }
  // LIBSVM (as sklearn calls it) gives +1 to the first class (0 = non-default); negate after.
  std::vector<double> y(n);
  for (std::size_t i = 0; i < n; ++i) y[i] = y01[i] == 1 ? -1.0 : 1.0;
  out.solution =
      SolveKernelSvm(x, n, d, y.data(), cost.data(), spec, p.tol, p.cache_mb, p.shrinking);
  for (double& c : out.solution.coef) c = -c;
  out.solution.bias = -out.solution.bias;
  return out;
}

/// f(x) of a fitted solver for one row, given its training rows.
double FittedDecision(const Fitted& f, const double* train_x, std::size_t n, std::size_t d,
                      const double* x) {
  const SvmSolution& s = f.solution;
  if (f.spec.kernel == SvmKernel::kLinear)
    return std::inner_product(s.coef.begin(), s.coef.end(), x, 0.0) + s.bias;
  double sum = s.bias;
  for (std::size_t i = 0; i < n; ++i)
    if (s.coef[i] != 0) sum += s.coef[i] * KernelValue(f.spec, train_x + i * d, x, d);
  return sum;
}

/// Throws unless every label is 0 or 1, every input finite (SVMs need imputed inputs) and both
/// classes are present.
void CheckSvmTrainingData(const TrainData& data) {
  const std::size_t d = data.num_inputs;
  if (data.num_rows < 2 || d == 0) throw Error("svm: need at least two rows and one input");
  std::size_t count[2] = {0, 0};
  for (std::size_t i = 0; i < data.num_rows; ++i) {
    const double yi = data.y[i];
    if (yi != 0 && yi != 1)
      throw Error("svm: training label of row " + std::to_string(i + 1) + " is " +
                  std::to_string(yi) + ", expected 0 or 1");
    ++count[static_cast<int>(yi)];
    for (std::size_t j = 0; j < d; ++j)
      if (!std::isfinite(data.x_row(i)[j]))
        throw Error("svm: row " + std::to_string(i + 1) + ", input '" +
                    (j < data.input_names.size() ? data.input_names[j] : std::to_string(j)) +
                    "' is missing or not finite; SVMs need imputed inputs");
  }
  if (count[0] == 0 || count[1] == 0) throw Error("svm: training data has a single class");
}

/// The rows an SVM is trained on, copied out of the training data.
struct SvmTrainingSet {
  std::size_t n = 0, d = 0;
  std::vector<double> x;     ///< row-major n x d
  std::vector<double> y01;   ///< 1 = default
  std::vector<double> cost;  ///< C_i = C * class weight * sample weight
  bool subsampled = false;
};

/// Indices of the rows used: all of them, or a stratified subsample (drawn with `rng`) when
/// there are more than max_train_rows. Grouped by class (non-default first, original order within
/// a class) as LIBSVM does.
std::vector<std::size_t> SvmRowsUsed(const TrainData& data, std::size_t max_train_rows,
                                     detail::SplitMix64& rng) {
  std::vector<std::size_t> rows;
  const bool subsample = data.num_rows > max_train_rows;
  for (int cls = 0; cls < 2; ++cls) {
    std::vector<std::size_t> idx;
    for (std::size_t i = 0; i < data.num_rows; ++i)
      if (data.y[i] == cls) idx.push_back(i);
    if (subsample) {
      const double share = static_cast<double>(max_train_rows) / data.num_rows;
      const std::size_t keep = std::max<std::size_t>(1, std::llround(share * idx.size()));
      rng.Shuffle(idx);
      idx.resize(std::min(keep, idx.size()));
      std::sort(idx.begin(), idx.end());
    }
    rows.insert(rows.end(), idx.begin(), idx.end());
  }
  return rows;
}

/// Copies `rows` and gives each its cost C_i (class_weight=balanced: n / (2 n_class) over the rows
/// used, as sklearn).
SvmTrainingSet GatherSvmRows(const TrainData& data, const std::vector<std::size_t>& rows,
                             const SvmParams& p) {
  SvmTrainingSet set;
  const std::size_t n = set.n = rows.size();
  const std::size_t d = set.d = data.num_inputs;
  set.subsampled = data.num_rows > p.max_train_rows;
  set.x.resize(n * d);
  set.y01.resize(n);
  std::vector<double> weight(n, 1.0);
  double used_count[2] = {0, 0};
  for (std::size_t r = 0; r < n; ++r) {
    std::copy(data.x_row(rows[r]), data.x_row(rows[r]) + d, set.x.begin() + r * d);
    set.y01[r] = data.y[rows[r]];
    if (data.weight) weight[r] = data.weight[rows[r]];
    used_count[static_cast<int>(set.y01[r])] += 1;
  }
  set.cost.resize(n);
  for (std::size_t r = 0; r < n; ++r) {
    const int cls = static_cast<int>(set.y01[r]);
    const double cw = p.balanced ? n / (2.0 * used_count[cls]) : 1.0;
    set.cost[r] = p.c * cw * weight[r];
  }
  return set;
}

/// The kernel with gamma resolved: "scale" 1 / (num_inputs * Var(X)) over all entries of the
/// training matrix (sklearn), "auto" 1 / num_inputs, or the number given.
KernelSpec SvmKernelSpec(const SvmParams& p, const std::vector<double>& x, std::size_t d) {
  KernelSpec spec;
  spec.kernel = p.kernel;
  spec.degree = p.degree;
  spec.coef0 = p.coef0;
  if (p.gamma == "scale") {
    double mean = 0, sq = 0;
    for (double v : x) mean += v;
    mean /= static_cast<double>(x.size());
    for (double v : x) sq += (v - mean) * (v - mean);
    const double var = sq / static_cast<double>(x.size());
    spec.gamma = var > 0 ? 1.0 / (d * var) : 1.0;
  } else if (p.gamma == "auto") {
    spec.gamma = 1.0 / d;
  } else {
    spec.gamma = std::stod(p.gamma);
  }
  return spec;
}

/// Cross-validation fold `fold`: trains on the rows outside positions [begin, end) of `perm` and
/// writes the decision values of the rows inside to cv_decision.
void SvmFoldDecisions(const SvmParams& p, const KernelSpec& spec, const SvmTrainingSet& set,
                      const std::vector<std::size_t>& perm, std::size_t begin, std::size_t end,
                      std::size_t fold, std::vector<double>& cv_decision) {
  const std::size_t n = set.n, d = set.d;
  std::vector<std::size_t> train_rows;
  for (std::size_t k = 0; k < n; ++k)
    if (k < begin || k >= end) train_rows.push_back(perm[k]);
  std::sort(train_rows.begin(), train_rows.end());  // keep the class grouping
  std::vector<double> fx(train_rows.size() * d), fy(train_rows.size()), fc(train_rows.size());
  std::size_t pos = 0;
  for (std::size_t t = 0; t < train_rows.size(); ++t) {
    std::copy(set.x.begin() + train_rows[t] * d, set.x.begin() + (train_rows[t] + 1) * d,
              fx.begin() + t * d);
    fy[t] = set.y01[train_rows[t]];
    fc[t] = set.cost[train_rows[t]];
    pos += fy[t] == 1;
  }
  // A fold whose training part has one class predicts that class with unit confidence.
  if (pos == 0 || pos == train_rows.size()) {
    const double v = pos == 0 ? (train_rows.empty() ? 0.0 : -1.0) : 1.0;
    for (std::size_t k = begin; k < end; ++k) cv_decision[perm[k]] = v;
    return;
  }
  const Fitted f = FitSolver(p, spec, fx.data(), train_rows.size(), d, fy, fc, p.seed + 1 + fold);
  for (std::size_t k = begin; k < end; ++k)
    cv_decision[perm[k]] =
        FittedDecision(f, fx.data(), train_rows.size(), d, set.x.data() + perm[k] * d);
}

/// Decision values for Platt scaling from platt_folds-fold cross-validation over a permutation
/// drawn with `rng` (LIBSVM svm_binary_svc_probability); all 0 when platt_folds is 0. Reports
/// one progress unit per fold.
std::vector<double> SvmCrossValidatedDecisions(const SvmParams& p, const KernelSpec& spec,
                                               const SvmTrainingSet& set, detail::SplitMix64& rng,
                                               const TrainContext& context,
                                               std::size_t total_work) {
  const std::size_t n = set.n;
  std::vector<std::size_t> perm(n);
  std::iota(perm.begin(), perm.end(), 0);
  rng.Shuffle(perm);
  std::vector<double> cv_decision(n, 0.0);
  const std::size_t folds = static_cast<std::size_t>(p.platt_folds);
  for (std::size_t fold = 0; fold < folds; ++fold) {
    SvmFoldDecisions(p, spec, set, perm, fold * n / folds, (fold + 1) * n / folds, fold,
                     cv_decision);
    if (context.progress) context.progress(fold + 1, total_work);
  }
  return cv_decision;
}

/// The model of the solver trained on all rows used: linear weights and the input means (for
/// linear SHAP), or the support vectors (rows with a non-zero dual coefficient).
std::unique_ptr<SvmModel> MakeSvmModel(const KernelSpec& spec, const Fitted& full,
                                       const PlattCoefficients& platt, const SvmTrainingSet& set) {
  const std::size_t n = set.n, d = set.d;
  auto model = std::make_unique<SvmModel>();
  model->num_inputs_ = d;
  model->spec_ = spec;
  model->bias_ = full.solution.bias;
  model->platt_ = platt;
  if (spec.kernel == SvmKernel::kLinear) {
    model->w_ = full.solution.coef;
    model->mean_.assign(d, 0.0);
    for (std::size_t r = 0; r < n; ++r)
      for (std::size_t j = 0; j < d; ++j) model->mean_[j] += set.x[r * d + j];
    for (double& m : model->mean_) m /= static_cast<double>(n);
  } else {
    for (std::size_t r = 0; r < n; ++r) {
      if (full.solution.coef[r] == 0) continue;
      model->coef_.push_back(full.solution.coef[r]);
      model->sv_.insert(model->sv_.end(), set.x.begin() + r * d, set.x.begin() + (r + 1) * d);
    }
  }
  model->Finish();
  return model;
}

/// The model's "training" record: rows, solver outcome and the parameters that shaped it.
nlohmann::json SvmTrainingRecord(const TrainData& data, const SvmTrainingSet& set,
                                 const SvmParams& p, const SvmModel& model, const Fitted& full) {
  return {{"num_rows", data.num_rows},
          {"num_rows_used", set.n},
          {"subsampled", set.subsampled},
          {"max_train_rows", p.max_train_rows},
          {"num_support_vectors", model.coef_.size()},
          {"iterations", full.solution.iterations},
          {"C", p.c},
          {"gamma_param", p.gamma},
          {"class_weight", p.balanced ? "balanced" : "none"},
          {"tol", p.tol},
          {"platt_folds", p.platt_folds},
          {"seed", p.seed}};
}

}  // namespace

std::unique_ptr<Model> TrainSvm(const TrainData& data, const ParamMap& params,
                                const TrainContext& context) {
  const SvmParams p = ParseSvmParams(params, context.seed);
  CheckSvmTrainingData(data);
  // One random stream, in this order: the subsample, then the cross-validation permutation.
  detail::SplitMix64 rng(p.seed);
  const SvmTrainingSet set = GatherSvmRows(data, SvmRowsUsed(data, p.max_train_rows, rng), p);
  const KernelSpec spec = SvmKernelSpec(p, set.x, set.d);

  const std::size_t total_work = static_cast<std::size_t>(p.platt_folds) + 1;
  if (context.progress) context.progress(0, total_work);
  std::vector<double> cv_decision =
      SvmCrossValidatedDecisions(p, spec, set, rng, context, total_work);
  // Final model on all rows used.
  const std::size_t n = set.n, d = set.d;
  const Fitted full = FitSolver(p, spec, set.x.data(), n, d, set.y01, set.cost, p.seed);
  if (p.platt_folds == 0) {
    // platt_folds=0: Platt on the final model's own (optimistic) training decision values; one
    // solver run instead of folds + 1, for speed comparisons and very large data.
    for (std::size_t r = 0; r < n; ++r)
      cv_decision[r] = FittedDecision(full, set.x.data(), n, d, set.x.data() + r * d);
  }
  const PlattCoefficients platt = FitPlatt(cv_decision, set.y01, true);
  if (context.progress) context.progress(total_work, total_work);
  auto model = MakeSvmModel(spec, full, platt, set);
  model->training_ = SvmTrainingRecord(data, set, p, *model, full);
  return model;
}

namespace {

double JsonNumber(const nlohmann::json& j, const std::string& key) {
  if (!j.contains(key) || !j[key].is_number() || !std::isfinite(j[key].get<double>()))
    throw Error("model." + key + ": expected a finite number");
  return j[key].get<double>();
}

std::vector<double> JsonVector(const nlohmann::json& j, const std::string& path,
                               std::size_t expected) {
  if (!j.is_array() || (expected > 0 && j.size() != expected))
    throw Error(path + ": expected an array of " + std::to_string(expected) + " numbers");
  std::vector<double> v;
  v.reserve(j.size());
  for (std::size_t i = 0; i < j.size(); ++i) {
    if (!j[i].is_number() || !std::isfinite(j[i].get<double>()))
      throw Error(path + "[" + std::to_string(i) + "]: expected a finite number");
    v.push_back(j[i].get<double>());
  }
  return v;
}

const SvmModel& AsSvm(const Model& model) {
  const auto* svm = dynamic_cast<const SvmModel*>(&model);
  if (svm == nullptr) throw Error("expected an svm model, got '" + model.Kind() + "'");
  return *svm;
}

}  // namespace

std::unique_ptr<Model> LoadSvm(const nlohmann::json& j) {
  auto m = std::make_unique<SvmModel>();
  if (!j.contains("kernel") || !j["kernel"].is_string())
    throw Error("model.kernel: expected linear, rbf or poly");
  m->spec_.kernel = SvmKernelFromString(j["kernel"].get<std::string>());
  const JsonReader r(j, "model");
  const std::size_t d = m->num_inputs_ =
      static_cast<std::size_t>(r.IntIn("num_inputs", 1, static_cast<long long>(kMaxModelInputs)));
  m->bias_ = JsonNumber(j, "bias");
  if (!j.contains("platt") || !j["platt"].is_object())
    throw Error("model.platt: expected an object with a and b");
  m->platt_.a = JsonNumber(j["platt"], "a");
  m->platt_.b = JsonNumber(j["platt"], "b");
  if (j.contains("training")) m->training_ = j["training"];
  if (m->spec_.kernel == SvmKernel::kLinear) {
    if (!j.contains("weight") || !j.contains("mean"))
      throw Error("model: a linear svm needs 'weight' and 'mean'");
    m->w_ = JsonVector(j["weight"], "model.weight", d);
    m->mean_ = JsonVector(j["mean"], "model.mean", d);
  } else {
    m->spec_.gamma = JsonNumber(j, "gamma");
    if (!(m->spec_.gamma > 0)) throw Error("model.gamma: expected a positive number");
    if (m->spec_.kernel == SvmKernel::kPoly) {
      // Training accepts 1 to 10; each unit of degree costs a multiplication per kernel value.
      m->spec_.degree = static_cast<int>(r.IntIn("degree", 1, kMaxPolyDegree));
      m->spec_.coef0 = JsonNumber(j, "coef0");
    }
    if (!j.contains("dual_coef") || !j.contains("support_vectors") ||
        !j["support_vectors"].is_array())
      throw Error("model: a kernel svm needs 'dual_coef' and 'support_vectors'");
    m->coef_ = JsonVector(j["dual_coef"], "model.dual_coef", 0);
    const auto& rows = j["support_vectors"];
    if (rows.size() != m->coef_.size())
      throw Error("model.support_vectors: expected " + std::to_string(m->coef_.size()) +
                  " rows (one per dual_coef)");
    for (std::size_t s = 0; s < rows.size(); ++s) {
      const auto row = JsonVector(rows[s], "model.support_vectors[" + std::to_string(s) + "]", d);
      m->sv_.insert(m->sv_.end(), row.begin(), row.end());
    }
  }
  m->Finish();
  return m;
}

void SvmDecisionFunction(const Model& model, const double* x, std::size_t num_rows, double* out) {
  AsSvm(model).Decision(x, num_rows, out);
}

void SvmPredictMarginBatch(const Model& model, const double* x, std::size_t num_rows, double* out) {
  const SvmModel& svm = AsSvm(model);
  svm.Decision(x, num_rows, out);
  for (std::size_t r = 0; r < num_rows; ++r) out[r] = svm.platt_.a * out[r] + svm.platt_.b;
}

namespace {

/// For each coalition, the groups to add to the background row (x's side) or, when that list is
/// longer than half, the groups to remove from the all-x row (`complement`). `order` visits the
/// coalitions by (complement, list) so that lists sharing a prefix are neighbours.
struct SvmCoalitionLists {
  std::vector<std::size_t> start, groups;  ///< coalition c's list: groups[start[c], start[c + 1])
  std::vector<unsigned char> complement;
  std::vector<std::size_t> order;
  const std::size_t* List(std::size_t c) const { return groups.data() + start[c]; }
  std::size_t Length(std::size_t c) const { return start[c + 1] - start[c]; }
};

/// masks: num_coalitions x m bytes (1 = the varying group takes x's values).
SvmCoalitionLists MakeSvmCoalitionLists(const unsigned char* masks, std::size_t num_coalitions,
                                        std::size_t m) {
  SvmCoalitionLists l;
  l.start.assign(num_coalitions + 1, 0);
  l.complement.resize(num_coalitions);
  for (std::size_t c = 0; c < num_coalitions; ++c) {
    const unsigned char* z = masks + c * m;
    const std::size_t ones = std::count(z, z + m, 1);
    l.complement[c] = 2 * ones > m;
    for (std::size_t g = 0; g < m; ++g)
      if ((z[g] != 0) != static_cast<bool>(l.complement[c])) l.groups.push_back(g);
    l.start[c + 1] = l.groups.size();
  }
  l.order.resize(num_coalitions);
  std::iota(l.order.begin(), l.order.end(), 0);
  std::sort(l.order.begin(), l.order.end(), [&l](std::size_t a, std::size_t b) {
    if (l.complement[a] != l.complement[b]) return l.complement[a] < l.complement[b];
    return std::lexicographical_compare(l.List(a), l.List(a) + l.Length(a), l.List(b),
                                        l.List(b) + l.Length(b));
  });
  return l;
}

/**
 * Expected margins of the coalitions of one explained row x over a kernel SVM's background. The
 * kernel argument of a hybrid row is additive over groups: rbf |h - s|^2 and poly h.s equal the
 * background row's value plus, for each group taken from x, a per-group change. So each
 * coalition's kernel arguments (or, for rbf, its exp factors) are the background row's updated
 * group by group, and a prefix shared with the previous coalition is computed once.
 */
class SvmCoalitionValues {
 public:
  SvmCoalitionValues(const SvmModel& svm, const KernelExplainer& explainer, const double* x,
                     const std::vector<std::size_t>& varying)
      : svm_(svm),
        x_(x),
        d_(svm.num_inputs_),
        num_sv_(svm.coef_.size()),
        m_(varying.size()),
        rbf_(svm.spec_.kernel == SvmKernel::kRbf),
        gamma_(svm.spec_.gamma),
        columns_(m_),
        base_(num_sv_),
        full_(num_sv_),
        delta_(m_ * num_sv_),
        inverse_(m_ * num_sv_),
        partial_((m_ / 2 + 2) * num_sv_) {
    for (std::size_t j = 0; j < d_; ++j)
      for (std::size_t g = 0; g < m_; ++g)
        if (static_cast<std::size_t>(explainer.Group()[j]) == varying[g]) columns_[g].push_back(j);
  }

  /// Adds weight * margin of every coalition, with the other groups from background `row`.
  void AddBackgroundRow(const double* row, double weight, const SvmCoalitionLists& lists,
                        double* expected_margin) {
    KernelArguments(row);
    std::size_t valid = 0;  // levels of partial_ that hold the previous list's prefix
    const std::size_t num_coalitions = lists.order.size();
    for (std::size_t o = 0; o < num_coalitions; ++o) {
      const std::size_t c = lists.order[o];
      const bool comp = lists.complement[c];
      const std::size_t* lc = lists.List(c);
      const std::size_t len = lists.Length(c);
      std::size_t shared = 0;
      if (o > 0 && lists.complement[lists.order[o - 1]] == comp) {
        const std::size_t prev = lists.order[o - 1];
        const std::size_t* lp = lists.List(prev);
        const std::size_t limit = std::min({len, lists.Length(prev), valid});
        while (shared < limit && lc[shared] == lp[shared]) ++shared;
      } else {
        const std::vector<double>& start = comp ? full_ : base_;
        std::copy(start.begin(), start.end(), partial_.begin());
      }
      for (std::size_t level = shared; level < len; ++level) Extend(level, lc[level], comp);
      valid = len;
      const double v = KernelSum(partial_.data() + len * num_sv_);
      expected_margin[c] += weight * (svm_.platt_.a * (v + svm_.bias_) + svm_.platt_.b);
    }
  }

 private:
  /// base_: the kernel argument of the background row for each support vector; delta_ (group x
  /// support vector): its change when the group takes x's values; full_: the all-x row's. Then,
  /// for rbf when no intermediate product can leave the normal double range, exp factors instead
  /// (base_, full_ as kernel values; delta_ and inverse_ as the factors adding or removing a
  /// group).
  void KernelArguments(const double* row) {
    double worst = 0;
    for (std::size_t s = 0; s < num_sv_; ++s) {
      const double* sv = svm_.sv_.data() + s * d_;
      double q = 0;
      for (std::size_t j = 0; j < d_; ++j)
        q += rbf_ ? (row[j] - sv[j]) * (row[j] - sv[j]) : row[j] * sv[j];
      base_[s] = q;
      double total = q, spread = std::fabs(q);
      for (std::size_t g = 0; g < m_; ++g) {
        double dq = 0;
        for (std::size_t j : columns_[g])
          dq += rbf_ ? (x_[j] - sv[j]) * (x_[j] - sv[j]) - (row[j] - sv[j]) * (row[j] - sv[j])
                     : (x_[j] - row[j]) * sv[j];
        delta_[g * num_sv_ + s] = dq;
        total += dq;
        spread += std::fabs(dq);
      }
      full_[s] = total;
      worst = std::max(worst, gamma_ * spread);
    }
    products_ = rbf_ && worst < 600;
    if (!products_) return;
    for (std::size_t s = 0; s < num_sv_; ++s) {
      base_[s] = Exp(-gamma_ * base_[s]);
      full_[s] = Exp(-gamma_ * full_[s]);
    }
    for (std::size_t t = 0; t < m_ * num_sv_; ++t) {
      inverse_[t] = Exp(gamma_ * delta_[t]);
      delta_[t] = 1.0 / inverse_[t];
    }
  }

  /// partial_ level + 1 = level with group g added (or, in a complement list, removed).
  void Extend(std::size_t level, std::size_t g, bool comp) {
    const double* in = partial_.data() + level * num_sv_;
    double* next = partial_.data() + (level + 1) * num_sv_;
    if (products_) {
      const double* f = (comp ? inverse_.data() : delta_.data()) + g * num_sv_;
      for (std::size_t s = 0; s < num_sv_; ++s) next[s] = in[s] * f[s];
    } else {
      const double* f = delta_.data() + g * num_sv_;
      const double sign = comp ? -1.0 : 1.0;
      for (std::size_t s = 0; s < num_sv_; ++s) next[s] = in[s] + sign * f[s];
    }
  }

  /// sum_s coef_s k_s from the kernel values (products) or arguments `k` of one coalition.
  double KernelSum(const double* k) const {
    const std::vector<double>& coef = svm_.coef_;
    double v = 0;
    if (products_) {
      for (std::size_t s = 0; s < num_sv_; ++s) v += coef[s] * k[s];
    } else if (rbf_) {
      for (std::size_t s = 0; s < num_sv_; ++s) v += coef[s] * Exp(-gamma_ * k[s]);
    } else {
      for (std::size_t s = 0; s < num_sv_; ++s) {
        const double t = gamma_ * k[s] + svm_.spec_.coef0;
        double pw = 1;
        for (int e = 0; e < svm_.spec_.degree; ++e) pw *= t;
        v += coef[s] * pw;
      }
    }
    return v;
  }

  const SvmModel& svm_;
  const double* x_;
  std::size_t d_, num_sv_, m_;
  bool rbf_;
  double gamma_;
  std::vector<std::vector<std::size_t>> columns_;  ///< design columns of each varying group
  std::vector<double> base_, full_, delta_, inverse_, partial_;
  bool products_ = false;
};

}  // namespace

CoalitionMarginFn SvmCoalitionMargins(const Model& model, const KernelExplainer& explainer) {
  const SvmModel& svm = AsSvm(model);
  if (svm.spec_.kernel == SvmKernel::kLinear) return CoalitionMarginFn();  // generic is cheap
  if (explainer.NumInputs() != svm.num_inputs_)
    throw Error("Kernel SHAP: the background has " + std::to_string(explainer.NumInputs()) +
                " inputs, the svm " + std::to_string(svm.num_inputs_));
  return [&svm, &explainer](const double* x, const unsigned char* masks, std::size_t num_coalitions,
                            const std::vector<std::size_t>& varying, double* expected_margin) {
    const SvmCoalitionLists lists = MakeSvmCoalitionLists(masks, num_coalitions, varying.size());
    SvmCoalitionValues values(svm, explainer, x, varying);
    std::fill(expected_margin, expected_margin + num_coalitions, 0.0);
    const double* bg = explainer.Background().data();
    for (std::size_t b = 0; b < explainer.NumBackground(); ++b)
      values.AddBackgroundRow(bg + b * svm.num_inputs_, explainer.BackgroundWeight()[b], lists,
                              expected_margin);
  };
}

}  // namespace loanlens
