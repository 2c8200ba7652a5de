#include "loanlens/svm/rbf_shap.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <string>
#include <utility>

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

/// Two support vectors at once (GCC/Clang vector extension: SSE2 natively, scalar or SIMD128 in
/// WebAssembly). Every operation is the same IEEE operation on each lane, so the results are
/// those of the scalar loop, bit for bit.
using Lanes = double __attribute__((vector_size(16)));
constexpr std::size_t kLanes = 2;
constexpr std::size_t kChunkNodes = 16;  // quadrature nodes kept in registers at once
static_assert(kBlock % kLanes == 0, "a block is a whole number of lane groups");

Lanes LoadLanes(const double* p) {
  Lanes v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

void StoreLanes(double* p, Lanes v) { std::memcpy(p, &v, sizeof v); }

Lanes Broadcast(double v) { return Lanes{v, v}; }

/// The support vectors s0 .. s0 + ns - 1 column by column: out[c * kBlock + s] (zero past ns).
void TransposeBlock(const RbfExpansion& g, std::size_t s0, std::size_t ns, double* out) {
  const std::size_t d = g.num_inputs;
  std::fill(out, out + d * kBlock, 0.0);
  for (std::size_t s = 0; s < ns; ++s)
    for (std::size_t c = 0; c < d; ++c) out[c * kBlock + s] = g.support_vectors[(s0 + s) * d + c];
}

/// out[p * kBlock + s] = exp(-gamma |z_p - sv_p|^2) for the block's support vectors, given
/// column by column (TransposeBlock).
void KernelFactors(const RbfExpansion& g, const double* z, const std::vector<int>& group,
                   std::size_t num_players, const double* sv_columns, double* out) {
  const std::size_t count = num_players * kBlock;
  std::fill(out, out + count, 0.0);
  for (std::size_t c = 0; c < g.num_inputs; ++c) {
    double* o = out + group[c] * kBlock;
    const double* sv = sv_columns + c * kBlock;
    for (std::size_t s = 0; s < kBlock; ++s) o[s] += (z[c] - sv[s]) * (z[c] - sv[s]);
  }
  // Every exponent in ExpOfModerate's range (the usual case): a loop without a branch. A NaN
  // exponent passes the test and gives NaN either way; gamma >= 0 rules out large positive ones.
  auto below = Broadcast(0.0) < Broadcast(0.0);  // lane masks: all clear
  for (std::size_t v = 0; v < count; v += kLanes) {
    const Lanes e = Broadcast(-g.gamma) * LoadLanes(out + v);
    StoreLanes(out + v, e);
    below |= e < Broadcast(-708.0);
  }
  if (!(below[0] | below[1]) && g.gamma >= 0) {
    for (std::size_t v = 0; v < count; ++v) out[v] = ExpOfModerate(out[v]);
  } else {
    for (std::size_t v = 0; v < count; ++v) out[v] = Exp(out[v]);
  }
}

/// Scratch for one block of support vectors: per player (a) or per active player of a pair.
struct BlockScratch {
  std::vector<double> a;           ///< [player][s]: exp(-gamma |x_p - sv_p|^2)
  std::vector<double> b;           ///< [player][s]: the background row's factors (no table)
  std::vector<double> diff;        ///< [active][s]: a - b
  std::vector<double> acc;         ///< [active][s]: the quadrature sums
  std::vector<double> scale;       ///< [s]
  std::vector<double> sv_columns;  ///< [input][s]: the block's support vectors (TransposeBlock)
  std::vector<Lanes> prefix;       ///< [active][node]: products of the factors before, two lanes
};

/// The pair games of one background row with two support vectors (lanes from s), over the
/// quadrature nodes q0 .. q0 + M - 1: for each active player i, acc_i += sum_q weight_q
/// prod_{h < i} f_h(t_q) prod_{h > i} f_h(t_q), f_h(t) = b_h + t (a_h - b_h). The products of
/// the M nodes stay in registers: one pass forwards (the prefix products) and one backwards (the
/// suffix products), each factor computed in both.
template <std::size_t M>
void PairGameNodes(const double* b, const std::vector<std::size_t>& active, std::size_t s,
                   const double* t, const double* weight, bool first, BlockScratch* w) {
  const std::size_t n = active.size();
  Lanes* prefix = w->prefix.data();
  Lanes p[M], suffix[M];
  for (std::size_t q = 0; q < M; ++q) p[q] = Broadcast(1.0);
  for (std::size_t i = 0; i < n; ++i) {
    const Lanes bi = LoadLanes(b + active[i] * kBlock + s);
    const Lanes di = LoadLanes(w->diff.data() + i * kBlock + s);
    for (std::size_t q = 0; q < M; ++q) {
      prefix[i * M + q] = p[q];
      p[q] = p[q] * (bi + Broadcast(t[q]) * di);
    }
  }
  for (std::size_t q = 0; q < M; ++q) suffix[q] = Broadcast(weight[q]);
  for (std::size_t i = n; i-- > 0;) {
    const Lanes bi = LoadLanes(b + active[i] * kBlock + s);
    const Lanes di = LoadLanes(w->diff.data() + i * kBlock + s);
    double* acc_i = w->acc.data() + i * kBlock + s;
    Lanes acc = first ? Broadcast(0.0) : LoadLanes(acc_i);
    for (std::size_t q = 0; q < M; ++q) {
      acc = acc + prefix[i * M + q] * suffix[q];
      suffix[q] = suffix[q] * (bi + Broadcast(t[q]) * di);
    }
    StoreLanes(acc_i, acc);
  }
}

using PairGameFn = void (*)(const double*, const std::vector<std::size_t>&, std::size_t,
                            const double*, const double*, bool, BlockScratch*);

template <std::size_t... M>
constexpr std::array<PairGameFn, sizeof...(M) + 1> PairGameTable(std::index_sequence<M...>) {
  return {nullptr, &PairGameNodes<M + 1>...};
}

/// PairGameNodes<M> for M = 1 .. kChunkNodes, by M.
constexpr auto kPairGames = PairGameTable(std::make_index_sequence<kChunkNodes>());

/// Adds the product games of one background row with the block's support vectors to phi:
/// phi_i += scale_s (a_i - b_i) integral_0^1 prod_{h != i} (b_h + t (a_h - b_h)) dt, the
/// integral by Gauss-Legendre (prefix times suffix products, no division), the nodes taken
/// kChunkNodes at a time in increasing order.
void AddPairGames(const double* b, const std::vector<std::size_t>& active, std::size_t ns,
                  const std::vector<double>& nodes, const std::vector<double>& weights,
                  BlockScratch* w, double* phi) {
  const std::size_t n = active.size(), m = nodes.size();
  for (std::size_t i = 0; i < n; ++i)  // every lane, the ones past ns too (never summed)
    for (std::size_t s = 0; s < kBlock; ++s)
      w->diff[i * kBlock + s] = w->a[active[i] * kBlock + s] - b[active[i] * kBlock + s];
  for (std::size_t s = 0; s < ns; s += kLanes)
    for (std::size_t q0 = 0; q0 < m; q0 += kChunkNodes)
      kPairGames[std::min(kChunkNodes, m - q0)](b, active, s, nodes.data() + q0,
                                                weights.data() + q0, q0 == 0, w);
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
  std::vector<double> sv_columns(d * kBlock);
  for (std::size_t k = 0; k < blocks; ++k) {
    const std::size_t s0 = k * kBlock, ns = std::min(kBlock, g.num_support_vectors - s0);
    TransposeBlock(g, s0, ns, sv_columns.data());
    for (std::size_t b = 0; b < num_background; ++b)
      KernelFactors(g, background + b * d, group, num_players, sv_columns.data(),
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
  for (auto* v : {&w.diff, &w.acc}) v->resize(layout.max_active * kBlock);
  w.prefix.resize(layout.max_active * kChunkNodes);
  w.scale.resize(kBlock);
  w.sv_columns.resize(d * kBlock);
  const std::size_t per_block = num_background * num_players * kBlock;
  for (std::size_t k = 0; k < NumBlocks(g); ++k) {
    const std::size_t s0 = k * kBlock, ns = std::min(kBlock, g.num_support_vectors - s0);
    TransposeBlock(g, s0, ns, w.sv_columns.data());
    KernelFactors(g, x, group, num_players, w.sv_columns.data(), w.a.data());
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
        KernelFactors(g, background + b * d, group, num_players, w.sv_columns.data(), w.b.data());
      }
      AddPairGames(bf, active, ns, nodes[active.size()], weights[active.size()], &w, phi);
    }
  }
}

}  // namespace loanlens
