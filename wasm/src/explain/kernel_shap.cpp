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

// ---- Fit: the background summary --------------------------------------------------------

/// Design column -> original feature (data.group; identity when empty) and the features' names
/// (data.group_names, "feature<g>" for groups without one, input names for identity groups).
void AssignFeatureGroups(const TrainData& data, std::vector<int>* group,
                         std::vector<std::string>* group_names) {
  const std::size_t d = data.num_inputs;
  if (data.group.empty()) {
    for (std::size_t j = 0; j < d; ++j) {
      group->push_back(static_cast<int>(j));
      group_names->push_back(j < data.input_names.size() ? data.input_names[j]
                                                         : "x" + std::to_string(j));
    }
    return;
  }
  if (data.group.size() != d) throw Error("Kernel SHAP: group has the wrong length");
  *group = data.group;
  const int num_groups = *std::max_element(group->begin(), group->end()) + 1;
  *group_names = data.group_names;
  if (*std::min_element(group->begin(), group->end()) < 0 ||
      (!group_names->empty() && group_names->size() < static_cast<std::size_t>(num_groups)))
    throw Error("Kernel SHAP: group indices do not match group_names");
  for (int g = static_cast<int>(group_names->size()); g < num_groups; ++g)
    group_names->push_back("feature" + std::to_string(g));
}

/// The training rows k-means clusters: at most kMaxKMeansRows of them (a seeded random subset,
/// in row order), their values and their sample weights.
struct ClusterRows {
  std::vector<std::size_t> index;  ///< training row of each clustered row
  RowMatrix x;                     ///< index.size() x num_inputs
  std::vector<double> w;
  double total_w = 0;
};

/// Picks and copies the rows to cluster; throws on a missing value or weights summing to zero.
ClusterRows SelectClusterRows(const TrainData& data, detail::SplitMix64* rng) {
  const std::size_t d = data.num_inputs;
  ClusterRows c;
  c.index.resize(data.num_rows);
  std::iota(c.index.begin(), c.index.end(), 0);
  if (c.index.size() > kMaxKMeansRows) {
    rng->Shuffle(c.index);
    c.index.resize(kMaxKMeansRows);
    std::sort(c.index.begin(), c.index.end());
  }
  const std::size_t n = c.index.size();
  c.x.resize(n, d);
  c.w.resize(n);
  for (std::size_t r = 0; r < n; ++r) {
    const double* src = data.x_row(c.index[r]);
    for (std::size_t j = 0; j < d; ++j) {
      if (!std::isfinite(src[j]))
        throw Error("Kernel SHAP: row " + std::to_string(c.index[r] + 1) +
                    " has a missing value; the background needs imputed inputs");
      c.x(r, j) = src[j];
    }
    c.w[r] = data.weight ? data.weight[c.index[r]] : 1.0;
  }
  c.total_w = std::accumulate(c.w.begin(), c.w.end(), 0.0);
  if (!(c.total_w > 0)) throw Error("Kernel SHAP: training weights sum to zero");
  return c;
}

/// k-means++ seeding: each new centre drawn with probability ~ weight * squared distance to the
/// nearest centre so far. Fewer than k seeds when the rows have fewer than k distinct values.
std::vector<std::size_t> KMeansPlusPlusSeeds(const ClusterRows& rows, int k,
                                             detail::SplitMix64* rng) {
  const RowMatrix& x = rows.x;
  const std::vector<double>& w = rows.w;
  const std::size_t n = rows.index.size();
  std::vector<std::size_t> seeds;
  {
    double u = rng->Uniform() * rows.total_w;
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
    double u = rng->Uniform() * mass;
    std::size_t pick = 0;
    while (pick + 1 < n && (u -= w[pick] * best[pick]) > 0) ++pick;
    seeds.push_back(pick);
  }
  return seeds;
}

/// Lloyd iterations on weighted means (at most kMaxKMeansIter) until the assignment stops
/// changing. \return the cluster of each row (from the last assignment step).
std::vector<std::size_t> LloydIterations(const ClusterRows& rows, RowMatrix* centres) {
  const RowMatrix& x = rows.x;
  const std::size_t n = rows.index.size();
  const auto kk = static_cast<std::size_t>(centres->rows());
  const auto d = static_cast<std::size_t>(x.cols());
  std::vector<std::size_t> assign(n, kk);
  for (int iter = 0; iter < kMaxKMeansIter; ++iter) {
    const Eigen::MatrixXd dist = SquaredDistances(x, *centres);
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
      sum.row(assign[r]) += rows.w[r] * x.row(r);
      cw[assign[r]] += rows.w[r];
    }
    for (std::size_t c = 0; c < kk; ++c)
      if (cw[c] > 0) centres->row(c) = sum.row(c) / cw[c];
  }
  return assign;
}

/// A background point: a clustered row (index into ClusterRows) and its weight (share of the
/// total weight).
struct BackgroundPoint {
  std::size_t row;
  double weight;
};

/// Each non-empty cluster is represented by its member nearest the centroid, with the
/// cluster's weight.
std::vector<BackgroundPoint> ClusterMedoids(const ClusterRows& rows, const RowMatrix& centres,
                                            const std::vector<std::size_t>& assign) {
  const std::size_t n = rows.index.size();
  const auto kk = static_cast<std::size_t>(centres.rows());
  const Eigen::MatrixXd dist = SquaredDistances(rows.x, centres);
  std::vector<double> cw(kk, 0.0), best_d(kk, std::numeric_limits<double>::infinity());
  std::vector<std::size_t> medoid(kk, n);
  for (std::size_t r = 0; r < n; ++r) {
    const std::size_t c = assign[r];
    cw[c] += rows.w[r];
    if (dist(r, c) < best_d[c]) {
      best_d[c] = dist(r, c);
      medoid[c] = r;
    }
  }
  std::vector<BackgroundPoint> points;
  for (std::size_t c = 0; c < kk; ++c) {
    if (medoid[c] == n || !(cw[c] > 0)) continue;
    points.push_back({medoid[c], cw[c] / rows.total_w});
  }
  return points;
}

/// The weighted k-means summary of the clustered rows (the rows themselves when at most k).
std::vector<BackgroundPoint> SummariseRows(const ClusterRows& rows, int k,
                                           detail::SplitMix64* rng) {
  const std::size_t n = rows.index.size();
  if (n <= static_cast<std::size_t>(k)) {
    std::vector<BackgroundPoint> points;
    for (std::size_t r = 0; r < n; ++r) points.push_back({r, rows.w[r] / rows.total_w});
    return points;
  }
  const std::vector<std::size_t> seeds = KMeansPlusPlusSeeds(rows, k, rng);
  RowMatrix centres(seeds.size(), rows.x.cols());
  for (std::size_t c = 0; c < seeds.size(); ++c) centres.row(c) = rows.x.row(seeds[c]);
  const std::vector<std::size_t> assign = LloydIterations(rows, &centres);
  return ClusterMedoids(rows, centres, assign);
}

// ---- Explain: coalitions, their expected margins, the constrained least squares ----------

/// What the steps of one explanation read: the row, the background and the groups that vary.
struct ShapProblem {
  const double* x;
  std::size_t num_inputs;
  const std::vector<double>& background;          ///< row-major, one row per weight
  const std::vector<double>& weight;              ///< per background row, sum 1
  std::vector<std::vector<std::size_t>> columns;  ///< design columns of each group
  std::vector<std::size_t> varying;  ///< groups where x differs from some background row
};

/// The design columns of each of num_groups groups, ascending.
std::vector<std::vector<std::size_t>> ColumnsByGroup(const std::vector<int>& group,
                                                     std::size_t num_groups) {
  std::vector<std::vector<std::size_t>> columns(num_groups);
  for (std::size_t j = 0; j < group.size(); ++j) columns[group[j]].push_back(j);
  return columns;
}

/// Only groups where x differs from some background row can have a non-zero value.
std::vector<std::size_t> VaryingGroups(const ShapProblem& p) {
  const std::size_t d = p.num_inputs, nb = p.weight.size();
  std::vector<std::size_t> varying;
  for (std::size_t g = 0; g < p.columns.size(); ++g) {
    bool differs = false;
    for (std::size_t b = 0; b < nb && !differs; ++b)
      for (std::size_t j : p.columns[g]) differs = differs || p.background[b * d + j] != p.x[j];
    if (differs) varying.push_back(g);
  }
  return varying;
}

/// E_background[margin]: the weighted mean margin of the background rows.
double BackgroundMeanMargin(const BatchMarginFn& margin_fn, const std::vector<double>& background,
                            const std::vector<double>& weight) {
  const std::size_t nb = weight.size();
  std::vector<double> out(std::max<std::size_t>(nb, 1));
  margin_fn(background.data(), nb, out.data());
  double base = 0;
  for (std::size_t b = 0; b < nb; ++b) base += weight[b] * out[b];
  return base;
}

/// Coalitions over the m varying groups (masks, one byte per group: 1 = the group takes x's
/// values) and their kernel weights.
struct Coalitions {
  std::size_t m = 0;
  std::vector<unsigned char> masks;  ///< row-major, size() x m
  std::vector<double> weight;
  void Add(const unsigned char* z, double w) {
    masks.insert(masks.end(), z, z + m);
    weight.push_back(w);
  }
  std::size_t size() const { return weight.size(); }
};

/// Exact: every coalition except the empty and the full one, with the Shapley kernel weight
/// pi(z) = (M-1) / (C(M,|z|) |z| (M-|z|)).
Coalitions AllCoalitions(std::size_t m) {
  Coalitions c;
  c.m = m;
  const int mi = static_cast<int>(m);
  auto shapley_kernel = [&](int s) { return (mi - 1) / (Binomial(mi, s) * s * (mi - s)); };
  std::vector<unsigned char> z(m);
  for (std::uint64_t bits = 1; bits + 1 < (std::uint64_t{1} << m); ++bits) {
    int s = 0;
    for (std::size_t g = 0; g < m; ++g) s += (z[g] = (bits >> g) & 1);
    c.Add(z.data(), shapley_kernel(s));
  }
  return c;
}

/// Where the sampling plan stands: the kernel mass of each subset size s = 1..M/2 (with its
/// complement M-s; normalised to sum 1), the first size not enumerated, and the coalitions and
/// kernel mass left for sampling.
struct SizePlan {
  int num_sizes = 0;
  std::vector<double> mass;  ///< mass[s], s in 1..num_sizes
  int next_size = 1;
  double budget = 0;
  double left = 1;
};

SizePlan KernelMassBySize(int m, int num_coalitions) {
  SizePlan plan;
  plan.num_sizes = m / 2;
  plan.mass.assign(plan.num_sizes + 1, 0.0);
  double total = 0;
  for (int s = 1; s <= plan.num_sizes; ++s) {
    plan.mass[s] = (m - 1.0) / (s * (m - s)) * (2 * s == m ? 1.0 : 2.0);
    total += plan.mass[s];
  }
  for (double& v : plan.mass) v /= total;
  plan.budget = std::max(num_coalitions, 2);
  return plan;
}

/// Adds every subset of size s of the m groups, each with weight `each` (and its complement,
/// when `paired`), in lexicographic order.
void AddSubsetsOfSize(int m, int s, double each, bool paired, Coalitions* c) {
  std::vector<unsigned char> z(m);
  std::vector<int> idx(s);
  std::iota(idx.begin(), idx.end(), 0);
  while (true) {
    std::fill(z.begin(), z.end(), 0);
    for (int i : idx) z[i] = 1;
    c->Add(z.data(), each);
    if (paired) {
      for (auto& v : z) v ^= 1;
      c->Add(z.data(), each);
    }
    int p = s - 1;
    while (p >= 0 && idx[p] == m - s + p) --p;
    if (p < 0) break;
    ++idx[p];
    for (int q = p + 1; q < s; ++q) idx[q] = idx[q - 1] + 1;
  }
}

/// Enumerates the sizes s (and M-s), smallest first, whose coalitions all fit in the budget.
void EnumerateSizesThatFit(int m, SizePlan* plan, Coalitions* c) {
  for (; plan->next_size <= plan->num_sizes; ++plan->next_size) {
    const int s = plan->next_size;
    const bool paired = 2 * s != m;
    const double count = Binomial(m, s) * (paired ? 2 : 1);
    if (plan->budget * plan->mass[s] / plan->left < count - 1e-8) break;
    AddSubsetsOfSize(m, s, plan->mass[s] / count, paired, c);
    plan->budget -= count;
    plan->left -= plan->mass[s];
  }
}

/// Samples the remaining sizes: a size in proportion to its kernel mass, then a uniform subset
/// and its paired complement; repeats count as extra weight. The sampled coalitions share the
/// mass left, in proportion to how often each was drawn.
void SampleRemainingSizes(std::size_t m, const SizePlan& plan, std::uint64_t seed, Coalitions* c) {
  detail::SplitMix64 rng(seed);
  std::unordered_map<std::string, std::size_t> seen;
  const std::size_t first_sampled = c->size();
  std::vector<unsigned char> z(m);
  std::vector<std::size_t> perm(m);
  const std::size_t target = static_cast<std::size_t>(plan.budget);
  std::size_t added = 0, draws = 0;
  double drawn_weight = 0;
  auto add_sampled = [&]() {
    std::string key(z.begin(), z.end());
    auto it = seen.find(key);
    if (it == seen.end()) {
      seen.emplace(std::move(key), c->size());
      c->Add(z.data(), 1.0);
      ++added;
    } else {
      c->weight[it->second] += 1.0;
    }
    drawn_weight += 1.0;
  };
  while (added < target && draws < 4 * target + 100) {
    ++draws;
    // Draw a size in proportion to its remaining kernel mass, then a uniform subset.
    double u = rng.Uniform() * plan.left;
    int s = plan.next_size;
    while (s < plan.num_sizes && (u -= plan.mass[s]) > 0) ++s;
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
  for (std::size_t k = first_sampled; k < c->size(); ++k) c->weight[k] *= plan.left / drawn_weight;
}

/// Sampling as the shap package does: subset sizes s and M-s are paired; sizes whose
/// coalitions all fit in the budget are enumerated, the rest are sampled with paired
/// complements and weighted by their share of the kernel mass.
Coalitions SampledCoalitions(std::size_t m, const KernelShapOptions& options) {
  Coalitions c;
  c.m = m;
  const int mi = static_cast<int>(m);
  SizePlan plan = KernelMassBySize(mi, options.num_coalitions);
  EnumerateSizesThatFit(mi, &plan, &c);
  if (plan.next_size <= plan.num_sizes && plan.budget >= 2 && plan.left > 1e-12)
    SampleRemainingSizes(m, plan, options.seed, &c);
  return c;
}

/// Expected margin of each coalition over the weighted background, from hybrid rows (x on the
/// coalition's groups, a background row elsewhere) sent to margin_fn in batches.
std::vector<double> HybridExpectedMargins(const BatchMarginFn& margin_fn, const ShapProblem& p,
                                          const Coalitions& coalitions) {
  const std::size_t d = p.num_inputs, nb = p.weight.size(), m = coalitions.m;
  const std::size_t num_coalitions = coalitions.size();
  std::vector<double> ey(num_coalitions, 0.0);
  const std::size_t per_batch = std::max<std::size_t>(1, kRowsPerBatch / nb);
  std::vector<double> buffer(per_batch * nb * d), margins(per_batch * nb);
  for (std::size_t c0 = 0; c0 < num_coalitions; c0 += per_batch) {
    const std::size_t cn = std::min(per_batch, num_coalitions - c0);
    double* row = buffer.data();
    for (std::size_t c = c0; c < c0 + cn; ++c) {
      const unsigned char* zc = coalitions.masks.data() + c * m;
      for (std::size_t b = 0; b < nb; ++b, row += d) {
        std::copy(p.background.begin() + b * d, p.background.begin() + (b + 1) * d, row);
        for (std::size_t g = 0; g < m; ++g)
          if (zc[g])
            for (std::size_t j : p.columns[p.varying[g]]) row[j] = p.x[j];
      }
    }
    margin_fn(buffer.data(), cn * nb, margins.data());
    for (std::size_t c = 0; c < cn; ++c)
      for (std::size_t b = 0; b < nb; ++b) ey[c0 + c] += p.weight[b] * margins[c * nb + b];
  }
  return ey;
}

/// Weighted least squares with sum(phi) = delta (= f(x) - base): substitutes
/// phi_last = delta - sum(others) and solves for the others (column-pivoting QR). Writes the
/// varying groups' values into phi_groups.
void SolveWithEfficiency(const ShapProblem& p, const Coalitions& coalitions,
                         const std::vector<double>& ey, double base, double delta,
                         double* phi_groups) {
  const std::size_t m = coalitions.m, num_coalitions = coalitions.size();
  Eigen::MatrixXd a(num_coalitions, m - 1);
  Eigen::VectorXd rhs(num_coalitions);
  for (std::size_t c = 0; c < num_coalitions; ++c) {
    const unsigned char* zc = coalitions.masks.data() + c * m;
    const double sw = std::sqrt(coalitions.weight[c]);
    for (std::size_t g = 0; g + 1 < m; ++g) a(c, g) = sw * (static_cast<double>(zc[g]) - zc[m - 1]);
    rhs[c] = sw * (ey[c] - base - zc[m - 1] * delta);
  }
  const Eigen::VectorXd beta = a.colPivHouseholderQr().solve(rhs);
  double rest = delta;
  for (std::size_t g = 0; g + 1 < m; ++g) {
    phi_groups[p.varying[g]] = beta[g];
    rest -= beta[g];
  }
  phi_groups[p.varying[m - 1]] = rest;
}

}  // namespace

KernelExplainer KernelExplainer::Fit(const TrainData& data, int k, std::uint64_t seed) {
  if (k < 1 || k > 50) throw Error("Kernel SHAP: background size k must be 1 to 50");
  if (data.num_rows == 0 || data.num_inputs == 0)
    throw Error("Kernel SHAP: no training rows to summarise");
  KernelExplainer e;
  e.num_inputs_ = data.num_inputs;
  AssignFeatureGroups(data, &e.group_, &e.group_names_);
  detail::SplitMix64 rng(seed);
  const ClusterRows rows = SelectClusterRows(data, &rng);
  for (const BackgroundPoint& point : SummariseRows(rows, k, &rng)) {
    const double* src = data.x_row(rows.index[point.row]);
    e.background_.insert(e.background_.end(), src, src + data.num_inputs);
    e.weight_.push_back(point.weight);
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
  const std::size_t nb = weight_.size(), num_groups = NumGroups();
  KernelShapStats local;
  std::fill(phi_groups, phi_groups + num_groups, 0.0);
  // Base value and f(x).
  const double base = BackgroundMeanMargin(margin_fn, background_, weight_);
  double fx;
  margin_fn(x, 1, &fx);
  local.num_model_rows = nb + 1;
  ShapProblem p{x, num_inputs_, background_, weight_, ColumnsByGroup(group_, num_groups), {}};
  p.varying = VaryingGroups(p);
  const std::size_t m = p.varying.size();
  local.num_varying_groups = m;
  if (m == 0) {
    if (stats) *stats = local;
    return fx;  // x equals every background row on every feature
  }
  if (m == 1) {
    phi_groups[p.varying[0]] = fx - base;
    if (stats) *stats = local;
    return base;
  }
  // 1. Coalitions (masks over the varying groups) and their kernel weights.
  constexpr int kMaxEnumerable = 24;  // 2^24 coalitions is the most we ever enumerate
  local.exact = static_cast<int>(m) <= std::min(options.max_exact_groups, kMaxEnumerable);
  const Coalitions coalitions = local.exact ? AllCoalitions(m) : SampledCoalitions(m, options);
  local.num_coalitions = coalitions.size();
  // 2. Expected margin per coalition over the weighted background: the model's fast path, or
  //    hybrid rows in batches.
  std::vector<double> ey(coalitions.size(), 0.0);
  if (coalition_fn) {
    coalition_fn(x, coalitions.masks.data(), coalitions.size(), p.varying, ey.data());
  } else {
    ey = HybridExpectedMargins(margin_fn, p, coalitions);
    local.num_model_rows += coalitions.size() * nb;
  }
  // 3. Weighted least squares with sum(phi) = f(x) - base.
  SolveWithEfficiency(p, coalitions, ey, base, fx - base, phi_groups);
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
