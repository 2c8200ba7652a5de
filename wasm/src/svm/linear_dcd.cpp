#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "loanlens/detail/splitmix.h"
#include "loanlens/error.h"
#include "loanlens/svm/svm.h"

namespace loanlens {

SvmSolution SolveLinearSvm(const double* x, std::size_t num_rows, std::size_t num_inputs,
                           const double* y, const double* cost, double tol, int max_iter,
                           std::uint64_t seed, bool shrinking) {
  // Hsieh et al. (2008), Algorithm 3 (L1-loss: D_ii = 0, U_i = C_i). The design is augmented with
  // a constant 1 whose weight is the (regularised) bias, as LIBLINEAR with -B 1.
  if (num_rows == 0) throw Error("linear SVM: no training rows");
  const std::size_t d = num_inputs;
  const double kInf = std::numeric_limits<double>::infinity();
  std::vector<double> w(d + 1, 0.0), alpha(num_rows, 0.0), qd(num_rows);
  for (std::size_t i = 0; i < num_rows; ++i) {
    const double* xi = x + i * d;
    qd[i] = 1.0 + std::inner_product(xi, xi + d, xi, 0.0);  // |x_i|^2 with the bias input
  }
  std::vector<std::size_t> index(num_rows);
  std::iota(index.begin(), index.end(), 0);
  std::size_t active_size = num_rows;
  double pg_max_old = kInf, pg_min_old = -kInf;
  detail::SplitMix64 rng(seed);
  int iter = 0;
  while (iter < max_iter) {
    double pg_max_new = -kInf, pg_min_new = kInf;
    // Visit the active variables in a random order.
    for (std::size_t k = 0; k < active_size; ++k)
      std::swap(index[k], index[k + rng.Below(active_size - k)]);
    for (std::size_t s = 0; s < active_size; ++s) {
      const std::size_t i = index[s];
      const double* xi = x + i * d;
      const double yi = y[i];
      // Gradient of the dual in alpha_i: y_i w.x_i - 1.
      const double g = yi * (std::inner_product(xi, xi + d, w.begin(), 0.0) + w[d]) - 1.0;
      // Projected gradient; shrink variables stuck at a bound (Hsieh et al. Sec. 3.2).
      double pg = 0;
      if (alpha[i] == 0) {
        if (shrinking && g > pg_max_old) {
          --active_size;
          std::swap(index[s], index[active_size]);
          --s;
          continue;
        }
        if (g < 0) pg = g;
      } else if (alpha[i] == cost[i]) {
        if (shrinking && g < pg_min_old) {
          --active_size;
          std::swap(index[s], index[active_size]);
          --s;
          continue;
        }
        if (g > 0) pg = g;
      } else {
        pg = g;
      }
      pg_max_new = std::max(pg_max_new, pg);
      pg_min_new = std::min(pg_min_new, pg);
      // One-variable Newton step, clipped to [0, C_i]; keep w = sum alpha_i y_i x_i.
      if (std::fabs(pg) > 1e-12) {
        const double old = alpha[i];
        alpha[i] = std::min(std::max(alpha[i] - g / qd[i], 0.0), cost[i]);
        const double delta = (alpha[i] - old) * yi;
        for (std::size_t j = 0; j < d; ++j) w[j] += delta * xi[j];
        w[d] += delta;
      }
    }
    ++iter;
    // Stop on a small projected-gradient gap; confirm on the full set before stopping.
    if (pg_max_new - pg_min_new <= tol) {
      if (active_size == num_rows) break;
      active_size = num_rows;
      pg_max_old = kInf;
      pg_min_old = -kInf;
      continue;
    }
    pg_max_old = pg_max_new <= 0 ? kInf : pg_max_new;
    pg_min_old = pg_min_new >= 0 ? -kInf : pg_min_new;
  }
  SvmSolution out;
  out.bias = w[d];
  w.pop_back();
  out.coef = std::move(w);
  out.iterations = iter;
  return out;
}

}  // namespace loanlens
