#pragma once
/// \file
/// The inference layout of a tree ensemble, built at load time from its trees (the bundle and its
/// JSON are unchanged). Each tree gets one of two layouts:
/// - **Level order**, for trees of depth <= kLevelOrderDepth (gbdt, imported XGBoost models) whose
///   padding stays within 4 times their nodes:
///   the tree padded to a complete tree of its depth D, slot k's children at 2k + 1 and 2k + 2,
///   the 2^D leaf values in their own array. A leaf above the bottom becomes a slot that always
///   goes right (threshold NaN, no default-left) down to the bottom, where its value sits. A row
///   takes exactly D steps, with no child index to load and no test for a leaf, and the steps of
///   the rows of a block overlap in the CPU.
/// - **Depth first** (pre-order), for deeper trees (random forests): 16-byte nodes, the left
///   child of node i is node i + 1. A leaf is a node that loops to itself (threshold NaN, no
///   default-left), so a block of rows walks the top levels in lock-step, one level per pass,
///   and the rows still inside the tree finish in further passes over a compact list.
///
/// Exactness: every comparison is today's `Tree::LeafIndex` comparison. Thresholds stay double;
/// float32 models store float(threshold) as a double and compare double(float(x)) against it,
/// which is float(x) < float(threshold) exactly (both sides are floats, compared exactly in
/// double). Leaf values are added in tree order, as `Tree::Predict` in a loop adds them, so the
/// sums are bit-for-bit those of the loop over `Tree`s.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "loanlens/tree/tree.h"

namespace loanlens::tree {

/// Trees up to this depth (and not too sparse) are laid out in level order (2^D - 1 slots and
/// 2^D leaves).
constexpr int kLevelOrderDepth = 8;

/// One node of the depth-first layout (16 bytes). Internal: go left (node + 1) when
/// x[feature] < threshold, or when x is missing and default_left; else to `right`. Leaf:
/// threshold NaN, right = its own index.
struct PackedNode {
  double threshold = 0;
  std::uint32_t right = 0;    ///< index of the right child in the forest's depth-first nodes
  std::uint32_t feature = 0;  ///< split feature, bit 31 = default_left
};
static_assert(sizeof(PackedNode) == 16, "PackedNode is 16 bytes");

/// One slot of the level-order layout (16 bytes): go left when x[feature] < threshold, or when x
/// is missing and default_left is 1.
struct LevelSlot {
  double threshold = 0;
  std::uint32_t feature = 0;
  std::uint32_t default_left = 0;
};

class PackedForest {
 public:
  PackedForest() = default;
  /// Lays out `trees`; `float32` as GbdtModel's flag (compare as float).
  PackedForest(const std::vector<Tree>& trees, bool float32);

  std::size_t NumTrees() const { return trees_.size(); }
  /// How many of the trees are laid out in level order (the others depth first).
  std::size_t NumLevelOrderTrees() const;
  /// Sum of the trees' leaf values for one row (added in tree order to `init`).
  double Sum(const double* x, double init) const;
  /**
   * Sums for a batch: out[r] = init + sum over trees (in tree order) of the leaf value of row r.
   * \param x         num_rows x num_inputs, row-major
   * \param num_rows  rows
   * \param stride    num_inputs (doubles between two rows)
   * \param out       num_rows values
   * Rows go in blocks: one tree at a time over a block, so a tree stays in cache.
   */
  void SumBatch(const double* x, std::size_t num_rows, std::size_t stride, double init,
                double* out) const;

 private:
  /// Where tree t lives: level order (depth <= kLevelOrderDepth) or depth first.
  struct TreeLayout {
    std::uint32_t first = 0;   ///< first slot (level order) or node (depth first)
    std::uint32_t leaves = 0;  ///< level order: first leaf value in level_leaf_
    std::uint16_t depth = 0;   ///< level order: D; depth first: levels walked in lock-step
    bool level_order = false;
    bool lockstep_to_bottom = false;  ///< depth first: the lock-step levels reach every leaf
  };
  struct Scratch;  // the buffers of one SumBatch call
  void AddLevelOrder(const Tree& t);
  void AddDepthFirst(const Tree& t);
  template <bool kFloat32>
  double SumT(const double* x, double init) const;
  template <bool kFloat32>
  void SumBlock(const double* x, std::size_t num_rows, std::size_t stride, Scratch& scratch,
                double* out) const;
  template <bool kFloat32>
  void DepthFirstBlock(const TreeLayout& t, const double* x, std::size_t num_rows,
                       std::size_t stride, Scratch& scratch, double* out) const;

  std::vector<TreeLayout> trees_;
  std::vector<LevelSlot> level_slot_;
  std::vector<double> level_leaf_;
  std::vector<PackedNode> nodes_;
  std::vector<double> leaf_value_;  ///< per depth-first node (0 for internal nodes)
  std::size_t block_rows_ = 0;      ///< rows walked together by SumBatch
  bool float32_ = false;
};

}  // namespace loanlens::tree
