#include "loanlens/svm/rbf_shap.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "loanlens/error.h"
#include "loanlens/portable_math.h"

namespace loanlens {
namespace {

/// cos(t) for t in [0, pi] by its Taylor series (25 terms: below 1e-17 on [0, pi / 2], and
/// cos(t) = -cos(pi - t) above). Only Newton's starting point, but it must be the same on every
/// machine so that the nodes are (the C library's cos is CPU-dependent).
double CosForStart(double t) {
  constexpr double kPi = 3.14159265358979323846;
  const double sign = t > kPi / 2 ? -1.0 : 1.0;
  if (t > kPi / 2) t = kPi - t;
  double term = 1, sum = 1;
  for (int k = 1; k < 25; ++k) {
    term *= -t * t / ((2.0 * k - 1) * (2.0 * k));
    sum += term;
  }
  return sign * sum;
}

}  // namespace

void GaussLegendre01(std::size_t n, std::vector<double>* nodes, std::vector<double>* weights) {
  if (n == 0) throw Error("Gauss-Legendre: need at least one node");
  nodes->assign(n, 0.0);
  weights->assign(n, 0.0);
  constexpr double kPi = 3.14159265358979323846;
  for (std::size_t i = 0; i < n; ++i) {
    double z = CosForStart(kPi * (i + 0.75) / (n + 0.5));  // close to the i-th root of P_n
    double derivative = 1;
    for (int iter = 0; iter < 100; ++iter) {
      // P_n(z) and P_{n-1}(z) by the three-term recurrence, then P_n'(z).
      double p_prev = 1, p = z;
      for (std::size_t k = 2; k <= n; ++k) {
        const double next = ((2.0 * k - 1) * z * p - (k - 1.0) * p_prev) / k;
        p_prev = p;
        p = next;
      }
      derivative = n * (z * p - p_prev) / (z * z - 1);
      const double step = p / derivative;
      z -= step;
      if (std::fabs(step) < 1e-16) break;
    }
    // Map [-1, 1] to [0, 1]: t = (1 - z) / 2 (increasing in i), weight halved.
    (*nodes)[i] = 0.5 * (1 - z);
    (*weights)[i] = 1.0 / ((1 - z * z) * derivative * derivative);
  }
}

namespace {

/// Which players each background row differs from x on; the others are dummies of every pair
/// game with that row.
struct PlayerLayout {
  std::vector<std::vector<std::size_t>> columns;  ///< design columns of each player
  std::vector<std::vector<std::size_t>> active;   ///< per background row: players where z != x
  std::vector<std::vector<std::size_t>> dummy;    ///< per background row: players where z == x
  std::size_t max_active = 0;
};

PlayerLayout Layout(const double* x, const double* background, std::size_t num_background,
                    std::size_t d, const std::vector<int>& group, std::size_t num_players) {
  if (group.size() != d)
    throw Error("RBF SHAP: group has " + std::to_string(group.size()) + " entries, expected " +
                std::to_string(d) + " (one per input)");
  if (num_background == 0) throw Error("RBF SHAP: the background set is empty");
  PlayerLayout p;
  p.columns.resize(num_players);
  for (std::size_t c = 0; c < d; ++c) {
    if (group[c] < 0 || static_cast<std::size_t>(group[c]) >= num_players)
      throw Error("RBF SHAP: group[" + std::to_string(c) + "] = " + std::to_string(group[c]) +
                  " is not a player index below " + std::to_string(num_players));
    p.columns[group[c]].push_back(c);
  }
  p.active.resize(num_background);
  p.dummy.resize(num_background);
  for (std::size_t b = 0; b < num_background; ++b) {
    const double* z = background + b * d;
    for (std::size_t g = 0; g < num_players; ++g) {
      bool differs = false;
      for (std::size_t c : p.columns[g]) differs = differs || z[c] != x[c];
      (differs ? p.active[b] : p.dummy[b]).push_back(g);
    }
    p.max_active = std::max(p.max_active, p.active[b].size());
  }
  return p;
}

constexpr std::size_t kBlock = 32;  // support vectors per block (the inner, independent loop)

std::size_t NumBlocks(const RbfExpansion& g) {
  return (g.num_support_vectors + kBlock - 1) / kBlock;
}

/// out[p * kBlock + s] = exp(-gamma |z_p - sv_p|^2) for the support vectors s0 + s, s < ns.
void KernelFactors(const RbfExpansion& g, const double* z, const std::vector<int>& group,
                   std::size_t num_players, std::size_t s0, std::size_t ns, double* out) {
  const std::size_t d = g.num_inputs;
  std::fill(out, out + num_players * kBlock, 0.0);
  for (std::size_t s = 0; s < ns; ++s) {
    const double* sv = g.support_vectors + (s0 + s) * d;
    for (std::size_t c = 0; c < d; ++c)
      out[group[c] * kBlock + s] += (z[c] - sv[c]) * (z[c] - sv[c]);
  }
  for (std::size_t v = 0; v < num_players * kBlock; ++v) out[v] = Exp(-g.gamma * out[v]);
}

/// Scratch for one block of support vectors: per player (a) or per active player of a pair.
struct BlockScratch {
  std::vector<double> a;              ///< [player][s]: exp(-gamma |x_p - sv_p|^2)
  std::vector<double> b;              ///< [player][s]: the background row's factors (no table)
  std::vector<double> diff;           ///< [active][s]: a - b
  std::vector<double> factor;         ///< [active][s]: b + t (a - b) at one node
  std::vector<double> prefix;         ///< [active + 1][s]: products of the factors before
  std::vector<double> acc;            ///< [active][s]: the quadrature sums
  std::vector<double> scale, suffix;  ///< [s]
};

/// Adds the product games of one background row with the block's support vectors to phi:
/// phi_i += scale_s (a_i - b_i) integral_0^1 prod_{h != i} (b_h + t (a_h - b_h)) dt, the
/// integral by Gauss-Legendre (prefix times suffix products, no division).
void AddPairGames(const double* b, const std::vector<std::size_t>& active, std::size_t ns,
                  const std::vector<double>& nodes, const std::vector<double>& weights,
                  BlockScratch* w, double* phi) {
  const std::size_t n = active.size();
  for (std::size_t i = 0; i < n; ++i) {
    const double* a = w->a.data() + active[i] * kBlock;
    const double* bi = b + active[i] * kBlock;
    double* diff = w->diff.data() + i * kBlock;
    double* acc = w->acc.data() + i * kBlock;
    for (std::size_t s = 0; s < ns; ++s) {
      diff[s] = a[s] - bi[s];
      acc[s] = 0;
    }
  }
  std::fill(w->prefix.begin(), w->prefix.begin() + kBlock, 1.0);
  for (std::size_t q = 0; q < nodes.size(); ++q) {
    const double t = nodes[q];
    for (std::size_t i = 0; i < n; ++i) {
      const double* bi = b + active[i] * kBlock;
      const double* diff = w->diff.data() + i * kBlock;
      double* f = w->factor.data() + i * kBlock;
      const double* before = w->prefix.data() + i * kBlock;
      double* after = w->prefix.data() + (i + 1) * kBlock;
      for (std::size_t s = 0; s < ns; ++s) {
        f[s] = bi[s] + t * diff[s];
        after[s] = before[s] * f[s];
      }
    }
    std::fill(w->suffix.begin(), w->suffix.end(), weights[q]);
    for (std::size_t i = n; i-- > 0;) {
      const double* f = w->factor.data() + i * kBlock;
      const double* before = w->prefix.data() + i * kBlock;
      double* acc = w->acc.data() + i * kBlock;
      for (std::size_t s = 0; s < ns; ++s) {
        acc[s] += before[s] * w->suffix[s];
        w->suffix[s] *= f[s];
      }
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    const double* diff = w->diff.data() + i * kBlock;
    const double* acc = w->acc.data() + i * kBlock;
    double sum = 0;
    for (std::size_t s = 0; s < ns; ++s) sum += w->scale[s] * diff[s] * acc[s];
    phi[active[i]] += sum;
  }
}

}  // namespace

bool RbfBackgroundTable::Matches(const double* rows, std::size_t num_background,
                                 const std::vector<int>& players,
                                 std::size_t num_players_in) const {
  return num_players_in == num_players && players == group &&
         background.size() == num_background * group.size() &&
         std::equal(background.begin(), background.end(), rows);
}

std::size_t RbfBackgroundTableSize(const RbfExpansion& g, std::size_t num_background,
                                   std::size_t num_players) {
  return NumBlocks(g) * num_background * num_players * kBlock;
}

RbfBackgroundTable MakeRbfBackgroundTable(const RbfExpansion& g, const double* background,
                                          std::size_t num_background, const std::vector<int>& group,
                                          std::size_t num_players) {
  const std::size_t d = g.num_inputs, blocks = NumBlocks(g);
  Layout(background, background, num_background, d, group, num_players);  // validates
  const std::size_t per_block = num_background * num_players * kBlock;
  if (RbfBackgroundTableSize(g, num_background, num_players) > kMaxRbfTableValues)
    throw Error("RBF SHAP: a background table of " + std::to_string(blocks * per_block) +
                " values is above the limit of " + std::to_string(kMaxRbfTableValues));
  RbfBackgroundTable t;
  t.background.assign(background, background + num_background * d);
  t.group = group;
  t.num_players = num_players;
  t.factor.resize(blocks * per_block);
  // Layout: [block][background row][player][s], so one block's factors are contiguous.
  for (std::size_t k = 0; k < blocks; ++k) {
    const std::size_t s0 = k * kBlock, ns = std::min(kBlock, g.num_support_vectors - s0);
    for (std::size_t b = 0; b < num_background; ++b)
      KernelFactors(g, background + b * d, group, num_players, s0, ns,
                    t.factor.data() + k * per_block + b * num_players * kBlock);
  }
  return t;
}

void RbfShapValues(const RbfExpansion& g, const double* x, const double* background,
                   const double* weight, std::size_t num_background, const std::vector<int>& group,
                   std::size_t num_players, double* phi, const RbfBackgroundTable* table) {
  const std::size_t d = g.num_inputs;
  const PlayerLayout layout = Layout(x, background, num_background, d, group, num_players);
  if (table && !table->Matches(background, num_background, group, num_players))
    throw Error("RBF SHAP: the background table was built for another background");
  std::fill(phi, phi + num_players, 0.0);
  // Quadrature rules by the number of active players n: ceil(n / 2) nodes are exact.
  std::vector<std::vector<double>> nodes(layout.max_active + 1), weights(layout.max_active + 1);
  for (std::size_t n = 1; n <= layout.max_active; ++n)
    GaussLegendre01((n + 1) / 2, &nodes[n], &weights[n]);
  BlockScratch w;
  w.a.resize(num_players * kBlock);
  w.b.resize(num_players * kBlock);
  for (auto* v : {&w.diff, &w.factor, &w.acc}) v->resize(layout.max_active * kBlock);
  w.prefix.resize((layout.max_active + 1) * kBlock);
  w.scale.resize(kBlock);
  w.suffix.resize(kBlock);
  const std::size_t per_block = num_background * num_players * kBlock;
  for (std::size_t k = 0; k < NumBlocks(g); ++k) {
    const std::size_t s0 = k * kBlock, ns = std::min(kBlock, g.num_support_vectors - s0);
    KernelFactors(g, x, group, num_players, s0, ns, w.a.data());
    for (std::size_t b = 0; b < num_background; ++b) {
      const std::vector<std::size_t>& active = layout.active[b];
      if (active.empty()) continue;  // z_b == x: every player is a dummy, phi gains nothing
      // The dummies' factors are the same with x and with z_b: they scale the pair's game.
      for (std::size_t s = 0; s < ns; ++s) w.scale[s] = weight[b] * g.coef[s0 + s];
      for (std::size_t p : layout.dummy[b])
        for (std::size_t s = 0; s < ns; ++s) w.scale[s] *= w.a[p * kBlock + s];
      const double* bf = w.b.data();
      if (table) {
        bf = table->factor.data() + k * per_block + b * num_players * kBlock;
      } else {
        KernelFactors(g, background + b * d, group, num_players, s0, ns, w.b.data());
      }
      AddPairGames(bf, active, ns, nodes[active.size()], weights[active.size()], &w, phi);
    }
  }
}

}  // namespace loanlens
