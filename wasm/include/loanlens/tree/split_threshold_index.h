#pragma once
/// \file
/// The splits of an ensemble per design column, indexed once: Model::SplitThresholds is asked
/// for the same column for every applicant (the limit and recourse searches), and a walk over
/// every node of a 300-tree ensemble per question cost more than the question; the margin probe
/// (tree/margin_probe.h) needs the trees that read a column.
#include <cstddef>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "loanlens/tree/tree.h"

namespace loanlens::tree {

/// Per design column: its split thresholds (sorted, distinct; as SplitThresholds()), the trees
/// that split on it (ascending, distinct) and every split as (threshold, tree), by threshold
/// (thresholds as compared: float values for float32 ensembles).
struct SplitIndex {
  std::vector<std::vector<double>> thresholds;
  std::vector<std::vector<std::size_t>> trees;
  std::vector<std::vector<std::pair<double, std::size_t>>> splits;
  std::size_t num_trees = 0, num_nodes = 0;
  bool float32 = false;
};

class SplitThresholdIndex {
 public:
  /// The index of these trees, built on the first call (again when the number of trees or nodes
  /// or the comparison changes). Thread-safe; the result is immutable.
  std::shared_ptr<const SplitIndex> Get(const std::vector<Tree>& trees, bool float32) const;
  /// SplitThresholds(trees, input, float32) from the index.
  std::vector<double> Thresholds(const std::vector<Tree>& trees, std::size_t input,
                                 bool float32) const;

 private:
  mutable std::mutex mutex_;
  mutable std::shared_ptr<const SplitIndex> index_;
};

}  // namespace loanlens::tree
