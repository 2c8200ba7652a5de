#include "loanlens/tree/packed_forest.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace loanlens::tree {
namespace {

constexpr std::uint32_t kDefaultLeft = 0x80000000u;
constexpr std::uint32_t kFeatureMask = 0x7fffffffu;
/// Rows walked together: few enough that their inputs stay in the L1 cache next to a shallow
/// tree; for deep trees (a random forest is megabytes) as many as a batch has, so each tree,
/// fetched from memory once, serves all of them (measured on 6,517 rows of a 300-tree forest:
/// blocks of 256, 1,024, 4,096 and 16,384 rows took 0.25, 0.15, 0.12 and 0.10 s).
constexpr std::size_t kShallowBlockRows = 64;
constexpr std::size_t kDeepBlockRows = 16384;

/// The value a node compares: x[feature], as float for float32 models (exact: both sides float).
template <bool kFloat32>
inline double Input(const double* x, std::uint32_t feature) {
  const double v = x[feature];
  return kFloat32 ? static_cast<double>(static_cast<float>(v)) : v;
}

/// 1 when a row goes right, 0 when it goes left: left when v < threshold, or when v is missing
/// and default_left. (NaN fails every comparison, so a NaN threshold without default_left always
/// goes right.) Computed with bit operations, not branches: the direction depends on the data,
/// and a mispredicted branch per step costs more than the whole step. kMissing = false: the row
/// has no missing input, and the test for one is left out.
template <bool kMissing = true>
inline std::uint32_t GoesRight(double v, double threshold, std::uint32_t default_left) {
  const std::uint32_t below = v < threshold;
  if (!kMissing) return 1u - below;
  const std::uint32_t missing = v != v;
  return 1u - (below | (missing & default_left));
}

/// One step of the depth-first walk from node i for row x (a leaf steps to itself), without a
/// branch: a block's rows step in lock-step, and their independent steps overlap in the CPU.
template <bool kFloat32>
inline std::uint32_t Step(const PackedNode* nodes, std::uint32_t i, const double* x) {
  const PackedNode& n = nodes[i];
  const double v = Input<kFloat32>(x, n.feature & kFeatureMask);
  const std::uint32_t mask = 0u - GoesRight(v, n.threshold, n.feature >> 31);
  return (i + 1) ^ (((i + 1) ^ n.right) & mask);
}

/// The same step with a branch, for one row's walk: there the steps form one chain, and a
/// predicted branch starts loading the next node before the comparison is known (one row at a
/// time, the branch-free step took 2.8x as long on random forests).
template <bool kFloat32>
inline std::uint32_t PredictedStep(const PackedNode* nodes, std::uint32_t i, const double* x) {
  const PackedNode& n = nodes[i];
  const double v = Input<kFloat32>(x, n.feature & kFeatureMask);
  return v < n.threshold || (std::isnan(v) && (n.feature & kDefaultLeft) != 0) ? i + 1 : n.right;
}

/// Walks from node i to its leaf.
template <bool kFloat32>
inline std::uint32_t Finish(const PackedNode* nodes, std::uint32_t i, const double* x) {
  while (nodes[i].right != i) i = PredictedStep<kFloat32>(nodes, i, x);
  return i;
}

/// The leaf (0 .. 2^D - 1) a row reaches in a level-order tree of depth D.
template <bool kFloat32>
inline std::uint32_t LevelLeaf(const LevelSlot* slots, int depth, const double* x) {
  std::uint32_t k = 0;
  for (int level = 0; level < depth; ++level) {
    const LevelSlot& s = slots[k];
    k = 2 * k + 1 + GoesRight(Input<kFloat32>(x, s.feature), s.threshold, s.default_left);
  }
  return k - ((1u << depth) - 1);
}

/// Rows whose walks of a level-order tree are interleaved explicitly, level by level: their
/// steps are independent, so the CPU overlaps them instead of waiting on one row's chain of loads.
constexpr std::size_t kInterleave = 8;

/// Adds a level-order tree of depth D to out[rows[i]] for the num_rows rows listed. The depth is
/// a constant, so the compiler unrolls the walk and keeps the interleaved rows' slots in
/// registers. kMissing = false: none of these rows has a missing input.
template <int kDepth, bool kFloat32, bool kMissing>
void LevelBlock(const LevelSlot* slots, const double* leaf, const double* x, std::size_t stride,
                const std::uint32_t* rows, std::size_t num_rows, double* out) {
  constexpr std::uint32_t kBottom = (1u << kDepth) - 1;
  std::size_t r = 0;
  for (; r + kInterleave <= num_rows; r += kInterleave) {
    const double* row[kInterleave];
    for (std::size_t j = 0; j < kInterleave; ++j) row[j] = x + rows[r + j] * stride;
    std::uint32_t k[kInterleave] = {};
    for (int level = 0; level < kDepth; ++level)
      for (std::size_t j = 0; j < kInterleave; ++j) {
        const LevelSlot& s = slots[k[j]];
        const double v = Input<kFloat32>(row[j], s.feature);
        k[j] = 2 * k[j] + 1 + GoesRight<kMissing>(v, s.threshold, s.default_left);
      }
    for (std::size_t j = 0; j < kInterleave; ++j) out[rows[r + j]] += leaf[k[j] - kBottom];
  }
  for (; r < num_rows; ++r)
    out[rows[r]] += leaf[LevelLeaf<kFloat32>(slots, kDepth, x + rows[r] * stride)];
}

using LevelWalk = void (*)(const LevelSlot*, const double*, const double*, std::size_t,
                           const std::uint32_t*, std::size_t, double*);

/// The walk of each depth 0 .. kLevelOrderDepth.
template <bool kFloat32, bool kMissing>
constexpr LevelWalk kLevelWalks[kLevelOrderDepth + 1] = {
    LevelBlock<0, kFloat32, kMissing>, LevelBlock<1, kFloat32, kMissing>,
    LevelBlock<2, kFloat32, kMissing>, LevelBlock<3, kFloat32, kMissing>,
    LevelBlock<4, kFloat32, kMissing>, LevelBlock<5, kFloat32, kMissing>,
    LevelBlock<6, kFloat32, kMissing>, LevelBlock<7, kFloat32, kMissing>,
    LevelBlock<8, kFloat32, kMissing>};
static_assert(kLevelOrderDepth == 8, "one walk per depth");

/// Depth of every node of `t` (children follow their parent).
std::vector<int> NodeDepths(const Tree& t) {
  std::vector<int> depth(t.nodes.size(), 0);
  for (std::size_t i = 0; i < t.nodes.size(); ++i)
    if (!t.nodes[i].IsLeaf()) depth[t.nodes[i].left] = depth[t.nodes[i].right] = depth[i] + 1;
  return depth;
}

/// Depth-first trees up to this depth are walked to the bottom in lock-step: a row that reached
/// a leaf early steps on the spot, which costs less than a loop exit the CPU mispredicts.
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

/// Level order pads a tree to 2^(D+1) - 1 slots; a sparse tree (a long chain) would grow many
/// times over, so a tree is laid out so only when the padding stays within this factor of its
/// nodes (memory stays proportional to the bundle, which is untrusted input).
constexpr std::size_t kMaxLevelOrderPadding = 4;

bool FitsLevelOrder(const Tree& t) {
  const int depth = t.MaxDepth();
  if (depth > kLevelOrderDepth) return false;
  const std::size_t slots = (std::size_t{2} << depth) - 1;
  return slots <= kMaxLevelOrderPadding * t.nodes.size() + 16;
}

}  // namespace

PackedForest::PackedForest(const std::vector<Tree>& trees, bool float32) : float32_(float32) {
  bool all_shallow = true;
  for (const Tree& t : trees) {
    if (FitsLevelOrder(t)) {
      AddLevelOrder(t);
    } else {
      AddDepthFirst(t);
      all_shallow = false;
    }
  }
  block_rows_ = all_shallow ? kShallowBlockRows : kDeepBlockRows;
}

std::size_t PackedForest::NumLevelOrderTrees() const {
  return static_cast<std::size_t>(std::count_if(trees_.begin(), trees_.end(),
                                                [](const TreeLayout& t) { return t.level_order; }));
}

void PackedForest::AddLevelOrder(const Tree& t) {
  TreeLayout layout;
  layout.level_order = true;
  layout.depth = static_cast<std::uint16_t>(t.MaxDepth());
  layout.first = static_cast<std::uint32_t>(level_slot_.size());
  layout.leaves = static_cast<std::uint32_t>(level_leaf_.size());
  const std::uint32_t bottom = (1u << layout.depth) - 1;  // slots above the leaves
  LevelSlot pass_right;  // what a leaf above the bottom becomes: always right
  pass_right.threshold = std::numeric_limits<double>::quiet_NaN();
  level_slot_.resize(level_slot_.size() + bottom, pass_right);
  level_leaf_.resize(level_leaf_.size() + bottom + 1, 0.0);
  LevelSlot* slots = level_slot_.data() + layout.first;
  double* leaf = level_leaf_.data() + layout.leaves;
  // Place node `node` of t at slot k; a leaf above the bottom walks down its right edge.
  std::vector<std::pair<int, std::uint32_t>> stack = {{0, 0}};
  while (!stack.empty()) {
    auto [node, k] = stack.back();
    stack.pop_back();
    const Node& n = t.nodes[node];
    if (k >= bottom) {
      leaf[k - bottom] = n.value;  // only leaves reach the bottom level
    } else if (n.IsLeaf()) {
      stack.push_back({node, 2 * k + 2});
    } else {
      slots[k].threshold =
          float32_ ? static_cast<double>(static_cast<float>(n.threshold)) : n.threshold;
      slots[k].feature = static_cast<std::uint32_t>(n.feature);
      slots[k].default_left = n.default_left ? 1 : 0;
      stack.push_back({n.left, 2 * k + 1});
      stack.push_back({n.right, 2 * k + 2});
    }
  }
  trees_.push_back(layout);
}

void PackedForest::AddDepthFirst(const Tree& t) {
  TreeLayout layout;
  layout.first = static_cast<std::uint32_t>(nodes_.size());
  layout.depth = static_cast<std::uint16_t>(LockstepLevels(t));
  layout.lockstep_to_bottom = layout.depth == t.MaxDepth();
  // Pre-order: a node, its left subtree, then its right subtree; right indices are set once
  // every node has its place.
  std::vector<std::uint32_t> placed(t.nodes.size(), 0);
  std::vector<int> stack = {0};
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
    } else {
      p.threshold = float32_ ? static_cast<double>(static_cast<float>(n.threshold)) : n.threshold;
      p.feature = static_cast<std::uint32_t>(n.feature) | (n.default_left ? kDefaultLeft : 0);
      stack.push_back(n.right);
      stack.push_back(n.left);  // next: the left child lands at at + 1
    }
    nodes_.push_back(p);
    leaf_value_.push_back(n.IsLeaf() ? n.value : 0.0);
  }
  for (const Node& n : t.nodes)
    if (!n.IsLeaf()) nodes_[placed[&n - t.nodes.data()]].right = placed[n.right];
  trees_.push_back(layout);
}

template <bool kFloat32>
double PackedForest::SumT(const double* x, double init) const {
  for (const TreeLayout& t : trees_) {
    if (t.level_order)
      init += level_leaf_[t.leaves + LevelLeaf<kFloat32>(level_slot_.data() + t.first, t.depth, x)];
    else
      init += leaf_value_[Finish<kFloat32>(nodes_.data(), t.first, x)];
  }
  return init;
}

double PackedForest::Sum(const double* x, double init) const {
  return float32_ ? SumT<true>(x, init) : SumT<false>(x, init);
}

/// Buffers of one SumBatch call, sized for a block.
struct PackedForest::Scratch {
  explicit Scratch(std::size_t rows) : at(rows), live(rows), order(rows) {}
  std::vector<std::uint32_t> at, live;  ///< depth-first walks: node per row, rows still walking
  std::vector<std::uint32_t> order;     ///< level-order walks: the rows in walking order
  std::size_t complete = 0;             ///< order[0, complete) have no missing input

  /// Orders a block's rows for the level-order walks: the rows with no missing input first
  /// (their steps skip the test for one), then the others.
  void OrderRows(const double* x, std::size_t num_rows, std::size_t stride) {
    std::size_t back = num_rows;
    complete = 0;
    for (std::size_t r = 0; r < num_rows; ++r) {
      const double* row = x + r * stride;
      bool missing = false;
      for (std::size_t j = 0; j < stride; ++j) missing |= std::isnan(row[j]);
      order[missing ? --back : complete++] = static_cast<std::uint32_t>(r);
    }
  }
};

template <bool kFloat32>
void PackedForest::DepthFirstBlock(const TreeLayout& t, const double* x, std::size_t num_rows,
                                   std::size_t stride, Scratch& scratch, double* out) const {
  const PackedNode* nodes = nodes_.data();
  std::uint32_t* at = scratch.at.data();
  std::uint32_t* live = scratch.live.data();
  for (std::size_t r = 0; r < num_rows; ++r) at[r] = t.first;
  for (int level = 0; level < t.depth; ++level)
    for (std::size_t r = 0; r < num_rows; ++r) at[r] = Step<kFloat32>(nodes, at[r], x + r * stride);
  if (!t.lockstep_to_bottom) {
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
  }
  for (std::size_t r = 0; r < num_rows; ++r) out[r] += leaf_value_[at[r]];
}

template <bool kFloat32>
void PackedForest::SumBlock(const double* x, std::size_t num_rows, std::size_t stride,
                            Scratch& scratch, double* out) const {
  scratch.OrderRows(x, num_rows, stride);
  const std::uint32_t* rows = scratch.order.data();
  const std::size_t complete = scratch.complete;
  for (const TreeLayout& t : trees_) {  // tree order: the sums are those of the loop over trees
    if (t.level_order) {
      const LevelSlot* slots = level_slot_.data() + t.first;
      const double* leaf = level_leaf_.data() + t.leaves;
      kLevelWalks<kFloat32, false>[t.depth](slots, leaf, x, stride, rows, complete, out);
      kLevelWalks<kFloat32, true>[t.depth](slots, leaf, x, stride, rows + complete,
                                           num_rows - complete, out);
    } else {
      DepthFirstBlock<kFloat32>(t, x, num_rows, stride, scratch, out);
    }
  }
}

void PackedForest::SumBatch(const double* x, std::size_t num_rows, std::size_t stride, double init,
                            double* out) const {
  Scratch scratch(std::min(block_rows_, num_rows));
  for (std::size_t b = 0; b < num_rows; b += block_rows_) {
    const std::size_t n = std::min(block_rows_, num_rows - b);
    std::fill(out + b, out + b + n, init);
    if (float32_)
      SumBlock<true>(x + b * stride, n, stride, scratch, out + b);
    else
      SumBlock<false>(x + b * stride, n, stride, scratch, out + b);
  }
}

}  // namespace loanlens::tree
