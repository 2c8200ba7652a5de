#pragma once
/// \file
/// The inference layout of a tree ensemble, built at load time from its trees (the bundle and its
/// JSON are unchanged): 16-byte nodes of all trees in one array, each tree depth first (pre-order)
/// so the left child of node i is node i + 1, leaf values in a separate array. A leaf is a node
/// that loops to itself (threshold NaN, no default-left): stepping from it stays on it, so a block
/// of rows can walk a shallow tree in lock-step, one level per pass, without a branch per row
/// (the rows' walks are independent, and the CPU overlaps them).
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

/// One node (16 bytes). Internal: go left (node + 1) when x[feature] < threshold, or when x is
/// missing and default_left; else to `right`. Leaf: threshold NaN, right = its own index.
struct PackedNode {
  double threshold = 0;
  std::uint32_t right = 0;    ///< index of the right child in PackedForest::Nodes()
  std::uint32_t feature = 0;  ///< split feature, bit 31 = default_left
};
static_assert(sizeof(PackedNode) == 16, "PackedNode is 16 bytes");

class PackedForest {
 public:
  PackedForest() = default;
  /// Lays out `trees`; `float32` as GbdtModel's flag (compare as float).
  PackedForest(const std::vector<Tree>& trees, bool float32);

  std::size_t NumTrees() const { return roots_.size(); }
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
  const std::vector<PackedNode>& Nodes() const { return nodes_; }

 private:
  template <bool kFloat32>
  double SumT(const double* x, double init) const;
  template <bool kFloat32>
  void SumBlock(const double* x, std::size_t num_rows, std::size_t stride, double* out) const;

  std::vector<PackedNode> nodes_;
  std::vector<double> leaf_value_;      ///< per node (0 for internal nodes)
  std::vector<std::uint32_t> roots_;    ///< first node of each tree
  std::vector<std::uint16_t> steps_;    ///< levels of each tree walked in lock-step by a block
  std::vector<std::uint8_t> complete_;  ///< steps_ reach the tree's deepest leaf
  bool float32_ = false;
};

}  // namespace loanlens::tree
