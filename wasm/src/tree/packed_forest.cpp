#include "loanlens/tree/packed_forest.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace loanlens::tree {
namespace {

constexpr std::uint32_t kDefaultLeft = 0x80000000u;
constexpr std::uint32_t kFeatureMask = 0x7fffffffu;
constexpr std::size_t kBlockRows = 256;

/// One step of the walk from node i for row x (a leaf steps to itself).
template <bool kFloat32>
inline std::uint32_t Step(const PackedNode* nodes, std::uint32_t i, const double* x) {
  const PackedNode& n = nodes[i];
  double v = x[n.feature & kFeatureMask];
  if (kFloat32) v = static_cast<double>(static_cast<float>(v));
  // NaN fails every comparison: missing goes left only with default_left (leaves have none).
  const bool left = v < n.threshold || (std::isnan(v) && (n.feature & kDefaultLeft) != 0);
  return left ? i + 1 : n.right;
}

/// Walks from node i to its leaf.
template <bool kFloat32>
inline std::uint32_t Finish(const PackedNode* nodes, std::uint32_t i, const double* x) {
  while (nodes[i].right != i) i = Step<kFloat32>(nodes, i, x);
  return i;
}

/// Depth of every node of `t` (children follow their parent).
std::vector<int> NodeDepths(const Tree& t) {
  std::vector<int> depth(t.nodes.size(), 0);
  for (std::size_t i = 0; i < t.nodes.size(); ++i)
    if (!t.nodes[i].IsLeaf()) depth[t.nodes[i].left] = depth[t.nodes[i].right] = depth[i] + 1;
  return depth;
}

/// Trees up to this depth are walked to the bottom in lock-step: a row that reached a leaf early
/// steps on the spot, which costs less than a loop exit the CPU mispredicts.
constexpr int kFullLockstepDepth = 10;

/// Levels walked in lock-step: every level of a shallow tree; for a deeper one the cover-weighted
/// mean leaf depth (the expected path of a row), rounded up, and deeper rows finish one by one.
int LockstepLevels(const Tree& t) {
  const std::vector<int> depth = NodeDepths(t);
  double weighted = 0, cover = 0, plain = 0, leaves = 0;
  int max_depth = 0;
  for (std::size_t i = 0; i < t.nodes.size(); ++i) {
    if (!t.nodes[i].IsLeaf()) continue;
    weighted += t.nodes[i].cover * depth[i];
    cover += t.nodes[i].cover;
    plain += depth[i];
    leaves += 1;
    max_depth = std::max(max_depth, depth[i]);
  }
  if (max_depth <= kFullLockstepDepth) return max_depth;
  const double mean = cover > 0 ? weighted / cover : plain / leaves;
  return std::min(max_depth, static_cast<int>(std::ceil(mean)));
}

}  // namespace

PackedForest::PackedForest(const std::vector<Tree>& trees, bool float32) : float32_(float32) {
  std::size_t total = 0;
  for (const Tree& t : trees) total += t.nodes.size();
  nodes_.reserve(total);
  leaf_value_.reserve(total);
  std::vector<int> stack;
  for (const Tree& t : trees) {
    roots_.push_back(static_cast<std::uint32_t>(nodes_.size()));
    steps_.push_back(static_cast<std::uint16_t>(LockstepLevels(t)));
    complete_.push_back(steps_.back() == t.MaxDepth());
    // Pre-order: a node, its left subtree, then its right subtree; right indices are set once
    // every node has its place.
    std::vector<std::uint32_t> placed(t.nodes.size(), 0);
    stack.assign(1, 0);
    while (!stack.empty()) {
      const int old = stack.back();
      stack.pop_back();
      const Node& n = t.nodes[old];
      const auto at = static_cast<std::uint32_t>(nodes_.size());
      placed[old] = at;
      PackedNode p;
      if (n.IsLeaf()) {
        p.threshold = std::numeric_limits<double>::quiet_NaN();
        p.right = at;
        p.feature = 0;
      } else {
        p.threshold = float32 ? static_cast<double>(static_cast<float>(n.threshold)) : n.threshold;
        p.feature = static_cast<std::uint32_t>(n.feature) | (n.default_left ? kDefaultLeft : 0);
        stack.push_back(n.right);
        stack.push_back(n.left);  // next: the left child lands at at + 1
      }
      nodes_.push_back(p);
      leaf_value_.push_back(n.IsLeaf() ? n.value : 0.0);
    }
    for (const Node& n : t.nodes)
      if (!n.IsLeaf()) nodes_[placed[&n - t.nodes.data()]].right = placed[n.right];
  }
}

template <bool kFloat32>
double PackedForest::SumT(const double* x, double init) const {
  const PackedNode* nodes = nodes_.data();
  for (const std::uint32_t root : roots_) init += leaf_value_[Finish<kFloat32>(nodes, root, x)];
  return init;
}

double PackedForest::Sum(const double* x, double init) const {
  return float32_ ? SumT<true>(x, init) : SumT<false>(x, init);
}

template <bool kFloat32>
void PackedForest::SumBlock(const double* x, std::size_t num_rows, std::size_t stride,
                            double* out) const {
  const PackedNode* nodes = nodes_.data();
  std::uint32_t at[kBlockRows], live[kBlockRows];
  for (std::size_t t = 0; t < roots_.size(); ++t) {
    for (std::size_t r = 0; r < num_rows; ++r) at[r] = roots_[t];
    for (int level = 0; level < steps_[t]; ++level)
      for (std::size_t r = 0; r < num_rows; ++r)
        at[r] = Step<kFloat32>(nodes, at[r], x + r * stride);
    if (complete_[t]) {  // every row is on its leaf
      for (std::size_t r = 0; r < num_rows; ++r) out[r] += leaf_value_[at[r]];
      continue;
    }
    // Deeper rows: further lock-step passes over the rows not on a leaf yet (kept in a compact
    // list, so the walks stay interleaved instead of finishing one row at a time).
    std::size_t active = 0;
    for (std::size_t r = 0; r < num_rows; ++r) {
      live[active] = static_cast<std::uint32_t>(r);
      active += nodes[at[r]].right != at[r];
    }
    while (active > 0) {
      std::size_t still = 0;
      for (std::size_t a = 0; a < active; ++a) {
        const std::uint32_t r = live[a];
        at[r] = Step<kFloat32>(nodes, at[r], x + r * stride);
        live[still] = r;
        still += nodes[at[r]].right != at[r];
      }
      active = still;
    }
    for (std::size_t r = 0; r < num_rows; ++r) out[r] += leaf_value_[at[r]];
  }
}

void PackedForest::SumBatch(const double* x, std::size_t num_rows, std::size_t stride, double init,
                            double* out) const {
  for (std::size_t b = 0; b < num_rows; b += kBlockRows) {
    const std::size_t n = std::min(kBlockRows, num_rows - b);
    std::fill(out + b, out + b + n, init);
    if (float32_)
      SumBlock<true>(x + b * stride, n, stride, out + b);
    else
      SumBlock<false>(x + b * stride, n, stride, out + b);
  }
}

}  // namespace loanlens::tree
