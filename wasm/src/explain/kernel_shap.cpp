#include "loanlens/explain/kernel_shap.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include <unordered_map>

#include "loanlens/detail/splitmix.h"
#include "loanlens/error.h"
#include "loanlens/json_util.h"
#include "loanlens/limits.h"

namespace loanlens {

namespace {

using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

constexpr std::size_t kMaxKMeansRows = 10000;  // rows clustered (a seeded random subset above)
constexpr int kMaxKMeansIter = 30;
constexpr std::size_t kRowsPerBatch = 4096;  // model rows per margin_fn call

/// Squared distances of every row of `x` to every row of `c` (n x k), by one matrix product.
Eigen::MatrixXd SquaredDistances(const RowMatrix& x, const RowMatrix& c) {
  Eigen::MatrixXd d = -2.0 * (x * c.transpose());
  d.colwise() += x.rowwise().squaredNorm();
  d.rowwise() += c.rowwise().squaredNorm().transpose();
  return d;
}

double Binomial(int n, int k) {
  double r = 1;
  for (int i = 1; i <= k; ++i) r = r * (n - k + i) / i;
  return r;
}

}  // namespace

KernelExplainer KernelExplainer::Fit(const TrainData& data, int k, std::uint64_t seed) {
  if (k < 1 || k > 50) throw Error("Kernel SHAP: background size k must be 1 to 50");
  if (data.num_rows == 0 || data.num_inputs == 0)
    throw Error("Kernel SHAP: no training rows to summarise");
  const std::size_t d = data.num_inputs;
  KernelExplainer e;
  e.num_inputs_ = d;
  // Groups: design column -> original feature (identity when not given).
  if (data.group.empty()) {
    for (std::size_t j = 0; j < d; ++j) {
      e.group_.push_back(static_cast<int>(j));
      e.group_names_.push_back(j < data.input_names.size() ? data.input_names[j]
                                                           : "x" + std::to_string(j));
    }
  } else {
    if (data.group.size() != d) throw Error("Kernel SHAP: group has the wrong length");
    e.group_ = data.group;
    const int num_groups = *std::max_element(e.group_.begin(), e.group_.end()) + 1;
    e.group_names_ = data.group_names;
    if (*std::min_element(e.group_.begin(), e.group_.end()) < 0 ||
        (!e.group_names_.empty() && e.group_names_.size() < static_cast<std::size_t>(num_groups)))
      throw Error("Kernel SHAP: group indices do not match group_names");
    for (int g = static_cast<int>(e.group_names_.size()); g < num_groups; ++g)
      e.group_names_.push_back("feature" + std::to_string(g));
  }
  // Rows to cluster (a seeded subset when there are many) and their weights.
  detail::SplitMix64 rng(seed);
  std::vector<std::size_t> rows(data.num_rows);
  std::iota(rows.begin(), rows.end(), 0);
  if (rows.size() > kMaxKMeansRows) {
    rng.Shuffle(rows);
    rows.resize(kMaxKMeansRows);
    std::sort(rows.begin(), rows.end());
  }
  const std::size_t n = rows.size();
  RowMatrix x(n, d);
  std::vector<double> w(n);
  for (std::size_t r = 0; r < n; ++r) {
    const double* src = data.x_row(rows[r]);
    for (std::size_t j = 0; j < d; ++j) {
      if (!std::isfinite(src[j]))
        throw Error("Kernel SHAP: row " + std::to_string(rows[r] + 1) +
                    " has a missing value; the background needs imputed inputs");
      x(r, j) = src[j];
    }
    w[r] = data.weight ? data.weight[rows[r]] : 1.0;
  }
  const double total_w = std::accumulate(w.begin(), w.end(), 0.0);
  if (!(total_w > 0)) throw Error("Kernel SHAP: training weights sum to zero");
  if (n <= static_cast<std::size_t>(k)) {
    for (std::size_t r = 0; r < n; ++r) {
      e.background_.insert(e.background_.end(), data.x_row(rows[r]), data.x_row(rows[r]) + d);
      e.weight_.push_back(w[r] / total_w);
    }
    return e;
  }
  // k-means++ seeding: each new centre drawn with probability ~ weight * squared distance.
  std::vector<std::size_t> seeds;
  {
    double u = rng.Uniform() * total_w;
    std::size_t first = 0;
    while (first + 1 < n && (u -= w[first]) > 0) ++first;
    seeds.push_back(first);
  }
  std::vector<double> best(n, std::numeric_limits<double>::infinity());
  while (seeds.size() < static_cast<std::size_t>(k)) {
    const auto c = x.row(seeds.back());
    double mass = 0;
    for (std::size_t r = 0; r < n; ++r) {
      best[r] = std::min(best[r], (x.row(r) - c).squaredNorm());
      mass += w[r] * best[r];
    }
    if (!(mass > 0)) break;  // fewer distinct rows than k
    double u = rng.Uniform() * mass;
    std::size_t pick = 0;
    while (pick + 1 < n && (u -= w[pick] * best[pick]) > 0) ++pick;
    seeds.push_back(pick);
  }
  const std::size_t kk = seeds.size();
  RowMatrix centres(kk, d);
  for (std::size_t c = 0; c < kk; ++c) centres.row(c) = x.row(seeds[c]);
  // Lloyd iterations on weighted means until the assignment stops changing.
  std::vector<std::size_t> assign(n, kk);
  for (int iter = 0; iter < kMaxKMeansIter; ++iter) {
    const Eigen::MatrixXd dist = SquaredDistances(x, centres);
    bool changed = false;
    for (std::size_t r = 0; r < n; ++r) {
      Eigen::Index c;
      dist.row(r).minCoeff(&c);
      changed = changed || assign[r] != static_cast<std::size_t>(c);
      assign[r] = static_cast<std::size_t>(c);
    }
    if (!changed) break;
    RowMatrix sum = RowMatrix::Zero(kk, d);
    std::vector<double> cw(kk, 0.0);
    for (std::size_t r = 0; r < n; ++r) {
      sum.row(assign[r]) += w[r] * x.row(r);
      cw[assign[r]] += w[r];
    }
    for (std::size_t c = 0; c < kk; ++c)
      if (cw[c] > 0) centres.row(c) = sum.row(c) / cw[c];
  }
  // Each cluster is represented by its member nearest the centroid, with the cluster's weight.
  const Eigen::MatrixXd dist = SquaredDistances(x, centres);
  std::vector<double> cw(kk, 0.0), best_d(kk, std::numeric_limits<double>::infinity());
  std::vector<std::size_t> medoid(kk, n);
  for (std::size_t r = 0; r < n; ++r) {
    const std::size_t c = assign[r];
    cw[c] += w[r];
    if (dist(r, c) < best_d[c]) {
      best_d[c] = dist(r, c);
      medoid[c] = r;
    }
  }
  for (std::size_t c = 0; c < kk; ++c) {
    if (medoid[c] == n || !(cw[c] > 0)) continue;
    const double* src = data.x_row(rows[medoid[c]]);
    e.background_.insert(e.background_.end(), src, src + d);
    e.weight_.push_back(cw[c] / total_w);
  }
  return e;
}

double KernelExplainer::Explain(const std::function<double(const double*)>& margin_fn,
                                const double* x, double* phi_groups,
                                const KernelShapOptions& options, KernelShapStats* stats) const {
  const std::size_t d = num_inputs_;
  BatchMarginFn batch = [&](const double* rows, std::size_t num_rows, double* out) {
    for (std::size_t r = 0; r < num_rows; ++r) out[r] = margin_fn(rows + r * d);
  };
  return Explain(batch, x, phi_groups, options, stats);
}

double KernelExplainer::Explain(const BatchMarginFn& margin_fn, const double* x, double* phi_groups,
                                const KernelShapOptions& options, KernelShapStats* stats) const {
  return Explain(margin_fn, CoalitionMarginFn(), x, phi_groups, options, stats);
}

double KernelExplainer::Explain(const BatchMarginFn& margin_fn,
                                const CoalitionMarginFn& coalition_fn, const double* x,
                                double* phi_groups, const KernelShapOptions& options,
                                KernelShapStats* stats) const {
  // Lundberg & Lee (2017): phi solves a weighted least-squares problem over coalitions z with the
  // Shapley kernel pi(z) = (M-1) / (C(M,|z|) |z| (M-|z|)), subject to sum(phi) = f(x) - E f.
  const std::size_t d = num_inputs_, nb = weight_.size(), num_groups = NumGroups();
  KernelShapStats local;
  std::fill(phi_groups, phi_groups + num_groups, 0.0);
  // Base value and f(x).
  std::vector<double> out(std::max<std::size_t>(nb, 1));
  margin_fn(background_.data(), nb, out.data());
  double base = 0;
  for (std::size_t b = 0; b < nb; ++b) base += weight_[b] * out[b];
  double fx;
  margin_fn(x, 1, &fx);
  local.num_model_rows = nb + 1;
  // Only groups where x differs from some background row can have a non-zero value.
  std::vector<std::vector<std::size_t>> columns(num_groups);
  for (std::size_t j = 0; j < d; ++j) columns[group_[j]].push_back(j);
  std::vector<std::size_t> varying;
  for (std::size_t g = 0; g < num_groups; ++g) {
    bool differs = false;
    for (std::size_t b = 0; b < nb && !differs; ++b)
      for (std::size_t j : columns[g]) differs = differs || background_[b * d + j] != x[j];
    if (differs) varying.push_back(g);
  }
  const std::size_t m = varying.size();
  local.num_varying_groups = m;
  if (m == 0) {
    if (stats) *stats = local;
    return fx;  // x equals every background row on every feature
  }
  if (m == 1) {
    phi_groups[varying[0]] = fx - base;
    if (stats) *stats = local;
    return base;
  }
  // 1. Coalitions (masks over the varying groups) and their kernel weights.
  std::vector<unsigned char> masks;
  std::vector<double> kw;
  auto add_mask = [&](const unsigned char* z, double weight) {
    masks.insert(masks.end(), z, z + m);
    kw.push_back(weight);
  };
  const int mi = static_cast<int>(m);
  auto shapley_kernel = [&](int s) { return (mi - 1) / (Binomial(mi, s) * s * (mi - s)); };
  std::vector<unsigned char> z(m);
  constexpr int kMaxEnumerable = 24;  // 2^24 coalitions is the most we ever enumerate
  if (mi <= std::min(options.max_exact_groups, kMaxEnumerable)) {
    // Exact: every coalition except the empty and the full one.
    for (std::uint64_t bits = 1; bits + 1 < (std::uint64_t{1} << m); ++bits) {
      int s = 0;
      for (std::size_t g = 0; g < m; ++g) s += (z[g] = (bits >> g) & 1);
      add_mask(z.data(), shapley_kernel(s));
    }
    local.exact = true;
  } else {
    // Sampling as the shap package does: subset sizes s and M-s are paired; sizes whose
    // coalitions all fit in the budget are enumerated, the rest are sampled with paired
    // complements and weighted by their share of the kernel mass.
    const int num_sizes = mi / 2;  // sizes 1..M/2 (with their complements)
    std::vector<double> mass(num_sizes + 1, 0.0);
    double total = 0;
    for (int s = 1; s <= num_sizes; ++s) {
      mass[s] = (mi - 1.0) / (s * (mi - s)) * (2 * s == mi ? 1.0 : 2.0);
      total += mass[s];
    }
    for (double& v : mass) v /= total;
    double budget = std::max(options.num_coalitions, 2);
    double left = 1;
    int s_next = 1;
    std::vector<int> idx;
    for (; s_next <= num_sizes; ++s_next) {
      const bool paired = 2 * s_next != mi;
      const double count = Binomial(mi, s_next) * (paired ? 2 : 1);
      if (budget * mass[s_next] / left < count - 1e-8) break;
      // Enumerate every subset of this size (and its complement).
      idx.resize(s_next);
      std::iota(idx.begin(), idx.end(), 0);
      const double each = mass[s_next] / count;
      while (true) {
        std::fill(z.begin(), z.end(), 0);
        for (int i : idx) z[i] = 1;
        add_mask(z.data(), each);
        if (paired) {
          for (auto& v : z) v ^= 1;
          add_mask(z.data(), each);
        }
        int p = s_next - 1;
        while (p >= 0 && idx[p] == mi - s_next + p) --p;
        if (p < 0) break;
        ++idx[p];
        for (int q = p + 1; q < s_next; ++q) idx[q] = idx[q - 1] + 1;
      }
      budget -= count;
      left -= mass[s_next];
    }
    if (s_next <= num_sizes && budget >= 2 && left > 1e-12) {
      detail::SplitMix64 rng(options.seed);
      std::unordered_map<std::string, std::size_t> seen;
      const std::size_t first_sampled = kw.size();
      std::vector<std::size_t> perm(m);
      const std::size_t target = static_cast<std::size_t>(budget);
      std::size_t added = 0, draws = 0;
      double drawn_weight = 0;
      auto add_sampled = [&]() {
        std::string key(z.begin(), z.end());
        auto it = seen.find(key);
        if (it == seen.end()) {
          seen.emplace(std::move(key), kw.size());
          add_mask(z.data(), 1.0);
          ++added;
        } else {
          kw[it->second] += 1.0;
        }
        drawn_weight += 1.0;
      };
      while (added < target && draws < 4 * target + 100) {
        ++draws;
        // Draw a size in proportion to its remaining kernel mass, then a uniform subset.
        double u = rng.Uniform() * left;
        int s = s_next;
        while (s < num_sizes && (u -= mass[s]) > 0) ++s;
        std::iota(perm.begin(), perm.end(), 0);
        std::fill(z.begin(), z.end(), 0);
        for (int i = 0; i < s; ++i) {
          std::swap(perm[i], perm[i + rng.Below(m - i)]);
          z[perm[i]] = 1;
        }
        add_sampled();
        for (auto& v : z) v ^= 1;  // paired complement
        add_sampled();
      }
      for (std::size_t c = first_sampled; c < kw.size(); ++c) kw[c] *= left / drawn_weight;
    }
  }
  const std::size_t num_coalitions = kw.size();
  local.num_coalitions = num_coalitions;
  // 2. Expected margin per coalition over the weighted background: the model's fast path, or
  //    hybrid rows (x on the coalition's groups, a background row elsewhere) in batches.
  std::vector<double> ey(num_coalitions, 0.0);
  if (coalition_fn) {
    coalition_fn(x, masks.data(), num_coalitions, varying, ey.data());
  } else {
    const std::size_t per_batch = std::max<std::size_t>(1, kRowsPerBatch / nb);
    std::vector<double> buffer(per_batch * nb * d), margins(per_batch * nb);
    for (std::size_t c0 = 0; c0 < num_coalitions; c0 += per_batch) {
      const std::size_t cn = std::min(per_batch, num_coalitions - c0);
      double* row = buffer.data();
      for (std::size_t c = c0; c < c0 + cn; ++c) {
        const unsigned char* zc = masks.data() + c * m;
        for (std::size_t b = 0; b < nb; ++b, row += d) {
          std::copy(background_.begin() + b * d, background_.begin() + (b + 1) * d, row);
          for (std::size_t g = 0; g < m; ++g)
            if (zc[g])
              for (std::size_t j : columns[varying[g]]) row[j] = x[j];
        }
      }
      margin_fn(buffer.data(), cn * nb, margins.data());
      for (std::size_t c = 0; c < cn; ++c)
        for (std::size_t b = 0; b < nb; ++b) ey[c0 + c] += weight_[b] * margins[c * nb + b];
    }
    local.num_model_rows += num_coalitions * nb;
  }
  // 3. Weighted least squares with sum(phi) = f(x) - base: substitute
  //    phi_last = (f(x) - base) - sum(others) and solve for the others.
  const double delta = fx - base;
  Eigen::MatrixXd a(num_coalitions, m - 1);
  Eigen::VectorXd rhs(num_coalitions);
  for (std::size_t c = 0; c < num_coalitions; ++c) {
    const unsigned char* zc = masks.data() + c * m;
    const double sw = std::sqrt(kw[c]);
    for (std::size_t g = 0; g + 1 < m; ++g) a(c, g) = sw * (static_cast<double>(zc[g]) - zc[m - 1]);
    rhs[c] = sw * (ey[c] - base - zc[m - 1] * delta);
  }
  const Eigen::VectorXd beta = a.colPivHouseholderQr().solve(rhs);
  double rest = delta;
  for (std::size_t g = 0; g + 1 < m; ++g) {
    phi_groups[varying[g]] = beta[g];
    rest -= beta[g];
  }
  phi_groups[varying[m - 1]] = rest;
  if (stats) *stats = local;
  return base;
}

nlohmann::json KernelExplainer::ToJson() const {
  nlohmann::json rows = nlohmann::json::array();
  for (std::size_t b = 0; b < weight_.size(); ++b)
    rows.push_back(std::vector<double>(background_.begin() + b * num_inputs_,
                                       background_.begin() + (b + 1) * num_inputs_));
  return {{"num_inputs", num_inputs_},
          {"group", group_},
          {"group_names", group_names_},
          {"background", rows},
          {"weight", weight_}};
}

KernelExplainer KernelExplainer::FromJson(const nlohmann::json& j) {
  const std::string path = "kernel_shap";
  if (!j.is_object()) throw Error(path + ": expected an object");
  KernelExplainer e;
  const JsonReader r(j, path);
  e.num_inputs_ =
      static_cast<std::size_t>(r.IntIn("num_inputs", 1, static_cast<long long>(kMaxModelInputs)));
  if (!j.contains("group_names") || !j["group_names"].is_array())
    throw Error(path + ".group_names: expected an array of strings");
  for (std::size_t g = 0; g < j["group_names"].size(); ++g) {
    if (!j["group_names"][g].is_string())
      throw Error(path + ".group_names[" + std::to_string(g) + "]: expected a string");
    e.group_names_.push_back(j["group_names"][g].get<std::string>());
  }
  if (!j.contains("group") || !j["group"].is_array() || j["group"].size() != e.num_inputs_)
    throw Error(path + ".group: expected num_inputs integers");
  const auto last_group = static_cast<long long>(e.group_names_.size()) - 1;
  for (std::size_t c = 0; c < e.num_inputs_; ++c)
    e.group_.push_back(static_cast<int>(
        JsonInteger(j["group"][c], 0, last_group, path + ".group[" + std::to_string(c) + "]")));
  if (!j.contains("weight") || !j["weight"].is_array() || j["weight"].empty())
    throw Error(path + ".weight: expected a non-empty array of numbers");
  r.ArrayAtMost("weight", kMaxKernelBackground);
  if (!j.contains("background") || !j["background"].is_array() ||
      j["background"].size() != j["weight"].size())
    throw Error(path + ".background: expected one row per weight");
  double total = 0;
  for (std::size_t b = 0; b < j["weight"].size(); ++b) {
    const auto& v = j["weight"][b];
    if (!v.is_number() || !(v.get<double>() > 0) || !std::isfinite(v.get<double>()))
      throw Error(path + ".weight[" + std::to_string(b) + "]: expected a positive number");
    e.weight_.push_back(v.get<double>());
    total += e.weight_.back();
    const auto& row = j["background"][b];
    if (!row.is_array() || row.size() != e.num_inputs_)
      throw Error(path + ".background[" + std::to_string(b) + "]: expected num_inputs numbers");
    for (std::size_t c = 0; c < e.num_inputs_; ++c) {
      if (!row[c].is_number() || !std::isfinite(row[c].get<double>()))
        throw Error(path + ".background[" + std::to_string(b) + "][" + std::to_string(c) +
                    "]: expected a finite number");
      e.background_.push_back(row[c].get<double>());
    }
  }
  if (std::fabs(total - 1) > 1e-9) throw Error(path + ".weight: expected weights summing to 1");
  return e;
}

}  // namespace loanlens
