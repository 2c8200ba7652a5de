#include "loanlens/tree/split_threshold_index.h"

#include <algorithm>

namespace loanlens::tree {
namespace {

std::shared_ptr<const SplitIndex> Build(const std::vector<Tree>& trees, std::size_t num_nodes,
                                        bool float32) {
  auto index = std::make_shared<SplitIndex>();
  index->num_trees = trees.size();
  index->num_nodes = num_nodes;
  index->float32 = float32;
  // One pass over the nodes, then each column sorted and made distinct, as SplitThresholds().
  for (std::size_t k = 0; k < trees.size(); ++k)
    for (const Node& n : trees[k].nodes) {
      if (n.IsLeaf() || n.feature < 0) continue;
      const auto f = static_cast<std::size_t>(n.feature);
      if (f >= index->thresholds.size()) {
        index->thresholds.resize(f + 1);
        index->trees.resize(f + 1);
        index->splits.resize(f + 1);
      }
      const double t =
          float32 ? static_cast<double>(static_cast<float>(n.threshold)) : n.threshold;
      index->thresholds[f].push_back(t);
      index->splits[f].emplace_back(t, k);
      if (index->trees[f].empty() || index->trees[f].back() != k) index->trees[f].push_back(k);
    }
  for (auto& v : index->thresholds) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
  }
  for (auto& v : index->splits) std::sort(v.begin(), v.end());
  return index;
}

}  // namespace

std::shared_ptr<const SplitIndex> SplitThresholdIndex::Get(const std::vector<Tree>& trees,
                                                           bool float32) const {
  std::size_t nodes = 0;
  for (const Tree& t : trees) nodes += t.nodes.size();
  const std::lock_guard<std::mutex> lock(mutex_);
  if (!index_ || index_->num_trees != trees.size() || index_->num_nodes != nodes ||
      index_->float32 != float32)
    index_ = Build(trees, nodes, float32);
  return index_;
}

std::vector<double> SplitThresholdIndex::Thresholds(const std::vector<Tree>& trees,
                                                    std::size_t input, bool float32) const {
  const auto index = Get(trees, float32);
  return input < index->thresholds.size() ? index->thresholds[input] : std::vector<double>();
}

}  // namespace loanlens::tree
