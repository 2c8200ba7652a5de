#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "loanlens/detail/splitmix.h"
#include "loanlens/error.h"
#include "loanlens/svm/svm.h"

namespace loanlens {
namespace {

constexpr double kDcdInf = std::numeric_limits<double>::infinity();

/// Dual coordinate descent for the L1-loss linear SVM (Hsieh et al. 2008, Algorithm 3: D_ii = 0,
/// U_i = C_i) with shrinking (Sec. 3.2). The design is augmented with a constant 1 whose weight
/// w[d] is the (regularised) bias, as LIBLINEAR with -B 1.
class LinearDcdSolver {
 public:
  LinearDcdSolver(const double* x, std::size_t num_rows, std::size_t num_inputs, const double* y,
                  const double* cost, std::uint64_t seed, bool shrinking)
      : x_(x),
        n_(num_rows),
        d_(num_inputs),
        y_(y),
        cost_(cost),
        shrinking_(shrinking),
        w_(num_inputs + 1, 0.0),
        alpha_(num_rows, 0.0),
        qd_(num_rows),
        index_(num_rows),
        active_size_(num_rows),
        rng_(seed) {
    for (std::size_t i = 0; i < n_; ++i) {
      const double* xi = x_ + i * d_;
      qd_[i] = 1.0 + std::inner_product(xi, xi + d_, xi, 0.0);  // |x_i|^2 with the bias input
    }
    std::iota(index_.begin(), index_.end(), 0);
  }

  /// Passes over the data until the projected-gradient gap is at most `tol` on the full set, or
  /// `max_iter` passes.
  SvmSolution Solve(double tol, int max_iter) {
    int iter = 0;
    while (iter < max_iter) {
      double pg_max_new = -kDcdInf, pg_min_new = kDcdInf;
      Pass(pg_max_new, pg_min_new);
      ++iter;
      // Stop on a small projected-gradient gap; confirm on the full set before stopping.
      if (pg_max_new - pg_min_new <= tol) {
        if (active_size_ == n_) break;
        active_size_ = n_;
        pg_max_old_ = kDcdInf;
        pg_min_old_ = -kDcdInf;
        continue;
      }
      pg_max_old_ = pg_max_new <= 0 ? kDcdInf : pg_max_new;
      pg_min_old_ = pg_min_new >= 0 ? -kDcdInf : pg_min_new;
    }
    SvmSolution out;
    out.bias = w_[d_];
    w_.pop_back();
    out.coef = std::move(w_);
    out.iterations = iter;
    return out;
  }

 private:
  /// One pass over the active variables in a random order: shrinks the ones stuck at a bound,
  /// steps the others, and widens [pg_min_new, pg_max_new] to their projected gradients.
  void Pass(double& pg_max_new, double& pg_min_new) {
    for (std::size_t k = 0; k < active_size_; ++k)
      std::swap(index_[k], index_[k + rng_.Below(active_size_ - k)]);
    for (std::size_t s = 0; s < active_size_;) {
      const std::size_t i = index_[s];
      const double* xi = x_ + i * d_;
      // Gradient of the dual in alpha_i: y_i w.x_i - 1.
      const double g = y_[i] * (std::inner_product(xi, xi + d_, w_.begin(), 0.0) + w_[d_]) - 1.0;
      if (Shrinks(i, g)) {
        --active_size_;
        std::swap(index_[s], index_[active_size_]);
        continue;  // the variable swapped in is visited at the same position
      }
      const double pg = ProjectedGradient(i, g);
      pg_max_new = std::max(pg_max_new, pg);
      pg_min_new = std::min(pg_min_new, pg);
      if (std::fabs(pg) > 1e-12) Step(i, g);
      ++s;
    }
  }

  /// Shrinking: alpha_i sits at a bound and its gradient points outside by more than the last
  /// pass's extreme projected gradient.
  bool Shrinks(std::size_t i, double g) const {
    if (!shrinking_) return false;
    if (alpha_[i] == 0) return g > pg_max_old_;
    if (alpha_[i] == cost_[i]) return g < pg_min_old_;
    return false;
  }

  /// The gradient projected on the box [0, C_i]: 0 where a bound blocks the move.
  double ProjectedGradient(std::size_t i, double g) const {
    if (alpha_[i] == 0) return g < 0 ? g : 0;
    if (alpha_[i] == cost_[i]) return g > 0 ? g : 0;
    return g;
  }

  /// One-variable Newton step, clipped to [0, C_i]; keeps w = sum alpha_i y_i x_i.
  void Step(std::size_t i, double g) {
    const double* xi = x_ + i * d_;
    const double old = alpha_[i];
    alpha_[i] = std::min(std::max(alpha_[i] - g / qd_[i], 0.0), cost_[i]);
    const double delta = (alpha_[i] - old) * y_[i];
    for (std::size_t j = 0; j < d_; ++j) w_[j] += delta * xi[j];
    w_[d_] += delta;
  }

  const double* x_;
  std::size_t n_, d_;
  const double* y_;
  const double* cost_;
  bool shrinking_;
  std::vector<double> w_, alpha_, qd_;
  std::vector<std::size_t> index_;
  std::size_t active_size_;
  double pg_max_old_ = kDcdInf, pg_min_old_ = -kDcdInf;
  detail::SplitMix64 rng_;
};

}  // namespace

SvmSolution SolveLinearSvm(const double* x, std::size_t num_rows, std::size_t num_inputs,
                           const double* y, const double* cost, double tol, int max_iter,
                           std::uint64_t seed, bool shrinking) {
  if (num_rows == 0) throw Error("linear SVM: no training rows");
  return LinearDcdSolver(x, num_rows, num_inputs, y, cost, seed, shrinking).Solve(tol, max_iter);
}

}  // namespace loanlens
