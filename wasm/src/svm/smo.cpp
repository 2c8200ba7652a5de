#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "loanlens/error.h"
#include "loanlens/portable_math.h"
#include "loanlens/svm/svm.h"

namespace loanlens {

double KernelValue(const KernelSpec& spec, const double* u, const double* v,
                   std::size_t num_inputs) {
  switch (spec.kernel) {
    case SvmKernel::kLinear:
      return std::inner_product(u, u + num_inputs, v, 0.0);
    case SvmKernel::kPoly:
      return PowInt(spec.gamma * std::inner_product(u, u + num_inputs, v, 0.0) + spec.coef0,
                    spec.degree);
    case SvmKernel::kRbf: {
      double s = 0;
      for (std::size_t j = 0; j < num_inputs; ++j) {
        const double t = u[j] - v[j];
        s += t * t;
      }
      return Exp(-spec.gamma * s);
    }
  }
  return 0;
}

namespace {

constexpr double kTau = 1e-12;  // quadratic coefficient floor for non-PSD pairs (LIBSVM TAU)

/// LRU cache of kernel-matrix columns Q_i = y_i y_. K(x_i, x_.) over solver positions; a column
/// holds a prefix [0, len) of positions and grows on demand (LIBSVM's Cache).
class ColumnCache {
 public:
  ColumnCache(std::size_t num_columns, double cache_mb)
      : columns_(num_columns), prev_(num_columns + 1), next_(num_columns + 1) {
    const double floats = cache_mb * 1024.0 * 1024.0 / sizeof(float);
    budget_ = std::max<std::size_t>(static_cast<std::size_t>(floats), 2 * num_columns);
    head_ = num_columns;  // sentinel of the circular LRU list
    prev_[head_] = next_[head_] = head_;
  }
  /// Column i with at least `len` entries; returns the first position still to be filled.
  std::size_t Get(std::size_t i, std::size_t len, float** data) {
    std::vector<float>& col = columns_[i];
    if (!col.empty()) Unlink(i);
    const std::size_t have = col.size();
    if (len > have) {
      // Evict least-recently-used columns until the extension fits.
      while (used_ + (len - have) > budget_ && next_[head_] != head_) {
        const std::size_t old = next_[head_];
        Unlink(old);
        used_ -= columns_[old].size();
        std::vector<float>().swap(columns_[old]);
      }
      col.resize(len);
      used_ += len - have;
    }
    Link(i);
    *data = col.data();
    return have;
  }
  /// Solver positions i and j trade places (shrinking): swap their columns and entries.
  void SwapIndex(std::size_t i, std::size_t j) {
    if (i == j) return;
    const bool in_i = !columns_[i].empty(), in_j = !columns_[j].empty();
    if (in_i) Unlink(i);
    if (in_j) Unlink(j);
    std::swap(columns_[i], columns_[j]);
    if (in_j) Link(i);
    if (in_i) Link(j);
    if (i > j) std::swap(i, j);
    for (std::size_t h = next_[head_]; h != head_;) {
      const std::size_t nxt = next_[h];
      std::vector<float>& col = columns_[h];
      if (col.size() > i) {
        if (col.size() > j) {
          std::swap(col[i], col[j]);
        } else {  // the column covers i but not j: drop it
          Unlink(h);
          used_ -= col.size();
          std::vector<float>().swap(col);
        }
      }
      h = nxt;
    }
  }

 private:
  void Unlink(std::size_t i) {
    next_[prev_[i]] = next_[i];
    prev_[next_[i]] = prev_[i];
  }
  void Link(std::size_t i) {  // as most recently used (before the sentinel)
    next_[i] = head_;
    prev_[i] = prev_[head_];
    next_[prev_[i]] = i;
    prev_[head_] = i;
  }
  std::vector<std::vector<float>> columns_;
  std::vector<std::size_t> prev_, next_;
  std::size_t head_;
  std::size_t budget_, used_ = 0;
};

/// The C-SVC dual: min 0.5 a'Qa - e'a, y'a = 0, 0 <= a_i <= C_i (LIBSVM's Solver).
class SmoSolver {
 public:
  SmoSolver(const double* x, std::size_t l, std::size_t d, const double* y, const double* cost,
            const KernelSpec& kernel, double tol, double cache_mb, bool shrinking)
      : x_(x),
        l_(l),
        d_(d),
        kernel_(kernel),
        eps_(tol),
        shrinking_(shrinking),
        cache_(l, cache_mb) {
    row_.resize(l);
    std::iota(row_.begin(), row_.end(), 0);
    y_.assign(y, y + l);
    c_.assign(cost, cost + l);
    x_sq_.resize(l);
    qd_.resize(l);
    for (std::size_t i = 0; i < l; ++i) {
      const double* xi = x + i * d;
      x_sq_[i] = std::inner_product(xi, xi + d, xi, 0.0);
      qd_[i] = KernelValue(kernel, xi, xi, d);
    }
    alpha_.assign(l, 0.0);
    status_.assign(l, kLower);
    grad_.assign(l, -1.0);  // p_i = -1 and alpha = 0
    grad_bar_.assign(l, 0.0);
    active_size_ = l;
  }

  SvmSolution Solve() {
    const long long max_iter = std::max<long long>(10000000LL, 100LL * static_cast<long long>(l_));
    std::size_t counter = std::min<std::size_t>(l_, 1000) + 1;
    long long iter = 0;
    while (iter < max_iter) {
      // Periodically shrink variables that are unlikely to move.
      if (--counter == 0) {
        counter = std::min<std::size_t>(l_, 1000);
        if (shrinking_) DoShrinking();
      }
      std::size_t i, j;
      if (!SelectWorkingSet(&i, &j)) {
        // Optimal on the active set: restore the full gradient and check all variables.
        ReconstructGradient();
        active_size_ = l_;
        if (!SelectWorkingSet(&i, &j)) break;
        counter = 1;  // shrink at the next iteration
      }
      ++iter;
      UpdatePair(i, j);
    }
    if (active_size_ < l_) {
      ReconstructGradient();
      active_size_ = l_;
    }
    SvmSolution out;
    out.bias = -CalculateRho();
    out.coef.assign(l_, 0.0);
    for (std::size_t p = 0; p < l_; ++p) out.coef[row_[p]] = alpha_[p] * y_[p];
    out.iterations = static_cast<int>(std::min<long long>(iter, 2147483647LL));
    return out;
  }

 private:
  enum Status : unsigned char { kLower, kUpper, kFree };

  bool IsUpper(std::size_t i) const { return status_[i] == kUpper; }
  bool IsLower(std::size_t i) const { return status_[i] == kLower; }
  bool IsFree(std::size_t i) const { return status_[i] == kFree; }
  void UpdateStatus(std::size_t i) {
    status_[i] = alpha_[i] >= c_[i] ? kUpper : (alpha_[i] <= 0 ? kLower : kFree);
  }

  /// Q column of position i over positions [0, len).
  const float* Column(std::size_t i, std::size_t len) {
    float* data;
    const std::size_t start = cache_.Get(i, len, &data);
    if (start < len) {
      const double* xi = x_ + row_[i] * d_;
      for (std::size_t p = start; p < len; ++p) {
        const double* xp = x_ + row_[p] * d_;
        const double dot = std::inner_product(xi, xi + d_, xp, 0.0);
        double k;
        switch (kernel_.kernel) {
          case SvmKernel::kRbf:
            k = Exp(-kernel_.gamma * (x_sq_[i] + x_sq_[p] - 2 * dot));
            break;
          case SvmKernel::kPoly:
            k = PowInt(kernel_.gamma * dot + kernel_.coef0, kernel_.degree);
            break;
          default:
            k = dot;
        }
        data[p] = static_cast<float>(y_[i] * y_[p] * k);
      }
    }
    return data;
  }

  void SwapIndex(std::size_t i, std::size_t j) {
    cache_.SwapIndex(i, j);
    std::swap(row_[i], row_[j]);
    std::swap(x_sq_[i], x_sq_[j]);
    std::swap(qd_[i], qd_[j]);
    std::swap(y_[i], y_[j]);
    std::swap(c_[i], c_[j]);
    std::swap(alpha_[i], alpha_[j]);
    std::swap(status_[i], status_[j]);
    std::swap(grad_[i], grad_[j]);
    std::swap(grad_bar_[i], grad_bar_[j]);
  }

  /// WSS 3: i maximises -y_i grad_i over I_up; j minimises the second-order gain -b^2/a over
  /// I_low among pairs that violate optimality. Returns false when the gap is below eps.
  bool SelectWorkingSet(std::size_t* out_i, std::size_t* out_j) {
    const double kInf = std::numeric_limits<double>::infinity();
    double gmax = -kInf, gmax2 = -kInf, obj_diff_min = kInf;
    long gmax_idx = -1, gmin_idx = -1;
    for (std::size_t t = 0; t < active_size_; ++t) {
      if (y_[t] > 0) {
        if (!IsUpper(t) && -grad_[t] >= gmax) {
          gmax = -grad_[t];
          gmax_idx = static_cast<long>(t);
        }
      } else if (!IsLower(t) && grad_[t] >= gmax) {
        gmax = grad_[t];
        gmax_idx = static_cast<long>(t);
      }
    }
    const float* q_i = nullptr;
    const std::size_t i = static_cast<std::size_t>(gmax_idx);
    if (gmax_idx != -1) q_i = Column(i, active_size_);
    for (std::size_t j = 0; j < active_size_; ++j) {
      if (y_[j] > 0) {
        if (IsLower(j)) continue;
        const double grad_diff = gmax + grad_[j];
        gmax2 = std::max(gmax2, grad_[j]);
        if (grad_diff > 0) {
          const double quad = qd_[i] + qd_[j] - 2.0 * y_[i] * q_i[j];
          const double obj = -(grad_diff * grad_diff) / (quad > 0 ? quad : kTau);
          if (obj <= obj_diff_min) {
            gmin_idx = static_cast<long>(j);
            obj_diff_min = obj;
          }
        }
      } else {
        if (IsUpper(j)) continue;
        const double grad_diff = gmax - grad_[j];
        gmax2 = std::max(gmax2, -grad_[j]);
        if (grad_diff > 0) {
          const double quad = qd_[i] + qd_[j] + 2.0 * y_[i] * q_i[j];
          const double obj = -(grad_diff * grad_diff) / (quad > 0 ? quad : kTau);
          if (obj <= obj_diff_min) {
            gmin_idx = static_cast<long>(j);
            obj_diff_min = obj;
          }
        }
      }
    }
    if (gmax + gmax2 < eps_ || gmin_idx == -1) return false;
    *out_i = i;
    *out_j = static_cast<std::size_t>(gmin_idx);
    return true;
  }

  /// Analytic solution of the two-variable sub-problem, clipped to the box, then the gradient
  /// and grad_bar (gradient part from variables at the upper bound) updates.
  void UpdatePair(std::size_t i, std::size_t j) {
    const float* q_i = Column(i, active_size_);
    const float* q_j = Column(j, active_size_);
    const double c_i = c_[i], c_j = c_[j];
    const double old_ai = alpha_[i], old_aj = alpha_[j];
    if (y_[i] != y_[j]) {
      double quad = qd_[i] + qd_[j] + 2 * q_i[j];
      if (quad <= 0) quad = kTau;
      const double delta = (-grad_[i] - grad_[j]) / quad;
      const double diff = alpha_[i] - alpha_[j];
      alpha_[i] += delta;
      alpha_[j] += delta;
      if (diff > 0) {
        if (alpha_[j] < 0) {
          alpha_[j] = 0;
          alpha_[i] = diff;
        }
      } else if (alpha_[i] < 0) {
        alpha_[i] = 0;
        alpha_[j] = -diff;
      }
      if (diff > c_i - c_j) {
        if (alpha_[i] > c_i) {
          alpha_[i] = c_i;
          alpha_[j] = c_i - diff;
        }
      } else if (alpha_[j] > c_j) {
        alpha_[j] = c_j;
        alpha_[i] = c_j + diff;
      }
    } else {
      double quad = qd_[i] + qd_[j] - 2 * q_i[j];
      if (quad <= 0) quad = kTau;
      const double delta = (grad_[i] - grad_[j]) / quad;
      const double sum = alpha_[i] + alpha_[j];
      alpha_[i] -= delta;
      alpha_[j] += delta;
      if (sum > c_i) {
        if (alpha_[i] > c_i) {
          alpha_[i] = c_i;
          alpha_[j] = sum - c_i;
        }
      } else if (alpha_[j] < 0) {
        alpha_[j] = 0;
        alpha_[i] = sum;
      }
      if (sum > c_j) {
        if (alpha_[j] > c_j) {
          alpha_[j] = c_j;
          alpha_[i] = sum - c_j;
        }
      } else if (alpha_[i] < 0) {
        alpha_[i] = 0;
        alpha_[j] = sum;
      }
    }
    const double d_ai = alpha_[i] - old_ai, d_aj = alpha_[j] - old_aj;
    for (std::size_t k = 0; k < active_size_; ++k) grad_[k] += q_i[k] * d_ai + q_j[k] * d_aj;
    const bool ui = IsUpper(i), uj = IsUpper(j);
    UpdateStatus(i);
    UpdateStatus(j);
    if (ui != IsUpper(i)) {
      const float* col = Column(i, l_);
      const double s = ui ? -c_i : c_i;
      for (std::size_t k = 0; k < l_; ++k) grad_bar_[k] += s * col[k];
    }
    if (uj != IsUpper(j)) {
      const float* col = Column(j, l_);
      const double s = uj ? -c_j : c_j;
      for (std::size_t k = 0; k < l_; ++k) grad_bar_[k] += s * col[k];
    }
  }

  /// Full gradient for the shrunk positions from grad_bar and the free variables.
  void ReconstructGradient() {
    if (active_size_ == l_) return;
    for (std::size_t j = active_size_; j < l_; ++j) grad_[j] = grad_bar_[j] - 1.0;
    std::size_t num_free = 0;
    for (std::size_t j = 0; j < active_size_; ++j) num_free += IsFree(j);
    if (num_free * l_ > 2 * active_size_ * (l_ - active_size_)) {
      for (std::size_t i = active_size_; i < l_; ++i) {
        const float* q_i = Column(i, active_size_);
        for (std::size_t j = 0; j < active_size_; ++j)
          if (IsFree(j)) grad_[i] += alpha_[j] * q_i[j];
      }
    } else {
      for (std::size_t i = 0; i < active_size_; ++i) {
        if (!IsFree(i)) continue;
        const float* q_i = Column(i, l_);
        for (std::size_t j = active_size_; j < l_; ++j) grad_[j] += alpha_[i] * q_i[j];
      }
    }
  }

  bool BeShrunk(std::size_t i, double gmax1, double gmax2) const {
    if (IsUpper(i)) return y_[i] > 0 ? -grad_[i] > gmax1 : -grad_[i] > gmax2;
    if (IsLower(i)) return y_[i] > 0 ? grad_[i] > gmax2 : grad_[i] > gmax1;
    return false;
  }

  void DoShrinking() {
    const double kInf = std::numeric_limits<double>::infinity();
    double gmax1 = -kInf, gmax2 = -kInf;  // max -y grad over I_up, max y grad over I_low
    for (std::size_t i = 0; i < active_size_; ++i) {
      if (y_[i] > 0) {
        if (!IsUpper(i)) gmax1 = std::max(gmax1, -grad_[i]);
        if (!IsLower(i)) gmax2 = std::max(gmax2, grad_[i]);
      } else {
        if (!IsUpper(i)) gmax2 = std::max(gmax2, -grad_[i]);
        if (!IsLower(i)) gmax1 = std::max(gmax1, grad_[i]);
      }
    }
    // Near convergence, unshrink once so that the final checks see every variable.
    if (!unshrunk_ && gmax1 + gmax2 <= eps_ * 10) {
      unshrunk_ = true;
      ReconstructGradient();
      active_size_ = l_;
    }
    for (std::size_t i = 0; i < active_size_; ++i) {
      if (!BeShrunk(i, gmax1, gmax2)) continue;
      --active_size_;
      while (active_size_ > i) {
        if (!BeShrunk(active_size_, gmax1, gmax2)) {
          SwapIndex(i, active_size_);
          break;
        }
        --active_size_;
      }
    }
  }

  /// rho = mean of y_i grad_i over free variables, else the middle of the feasible interval.
  double CalculateRho() const {
    const double kInf = std::numeric_limits<double>::infinity();
    double ub = kInf, lb = -kInf, sum_free = 0;
    std::size_t num_free = 0;
    for (std::size_t i = 0; i < active_size_; ++i) {
      const double yg = y_[i] * grad_[i];
      if (IsUpper(i)) {
        if (y_[i] < 0)
          ub = std::min(ub, yg);
        else
          lb = std::max(lb, yg);
      } else if (IsLower(i)) {
        if (y_[i] > 0)
          ub = std::min(ub, yg);
        else
          lb = std::max(lb, yg);
      } else {
        ++num_free;
        sum_free += yg;
      }
    }
    return num_free > 0 ? sum_free / static_cast<double>(num_free) : (ub + lb) / 2;
  }

  const double* x_;
  std::size_t l_, d_;
  KernelSpec kernel_;
  double eps_;
  bool shrinking_;
  bool unshrunk_ = false;
  ColumnCache cache_;
  std::vector<std::size_t> row_;  // solver position -> training row
  std::vector<double> x_sq_, qd_, y_, c_, alpha_, grad_, grad_bar_;
  std::vector<Status> status_;
  std::size_t active_size_;
};

}  // namespace

SvmSolution SolveKernelSvm(const double* x, std::size_t num_rows, std::size_t num_inputs,
                           const double* y, const double* cost, const KernelSpec& kernel,
                           double tol, double cache_mb, bool shrinking) {
  if (num_rows < 2) throw Error("SVM: need at least two training rows");
  SmoSolver solver(x, num_rows, num_inputs, y, cost, kernel, tol, cache_mb, shrinking);
  return solver.Solve();
}

}  // namespace loanlens
