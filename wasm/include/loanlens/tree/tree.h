#pragma once
/// \file
/// One binary decision tree as used by the tree-ensemble families (gbdt, random_forest).
/// Split rule (XGBoost's convention): go left when x[feature] < threshold; a missing value (NaN)
/// goes left when default_left is set. Leaf values are in the model's output units (margin for
/// gbdt, class-1 probability for random_forest). `cover` is the training weight that reached
/// the node (sum of hessians for gbdt, sample weight for random_forest): TreeSHAP needs it.
#include <cmath>
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace loanlens::tree {

/// One node. Leaves have left == right == -1 and feature == -1.
struct Node {
  int left = -1;
  int right = -1;
  int feature = -1;
  double threshold = 0;
  bool default_left = true;
  double value = 0;        ///< leaf value (also recorded for internal nodes: their weight)
  double cover = 0;        ///< training weight that reached the node
  double loss_change = 0;  ///< gain of the split (0 for leaves)
  bool IsLeaf() const { return left < 0; }
};

/// The split decision of one internal node for row x.
inline bool GoesLeft(const Node& n, const double* x, bool float32) {
  const double v = x[n.feature];
  if (std::isnan(v)) return n.default_left;
  if (float32) return static_cast<float>(v) < static_cast<float>(n.threshold);
  return v < n.threshold;
}

/// Nodes in a vector; node 0 is the root.
struct Tree {
  std::vector<Node> nodes;

  /// Index of the leaf row x falls into. With `float32` the value and threshold are compared
  /// as float, as XGBoost does (imported models).
  int LeafIndex(const double* x, bool float32 = false) const {
    int i = 0;
    while (!nodes[i].IsLeaf()) i = GoesLeft(nodes[i], x, float32) ? nodes[i].left : nodes[i].right;
    return i;
  }
  double Predict(const double* x, bool float32 = false) const {
    return nodes[LeafIndex(x, float32)].value;
  }
  /// Depth of the deepest leaf (a single leaf has depth 0).
  int MaxDepth() const;
  std::size_t NumLeaves() const;

  /// Structure-of-arrays JSON like XGBoost: left_children, right_children, split_feature,
  /// threshold, default_left, value, cover, loss_change.
  nlohmann::json ToJson() const;
  /**
   * Parses and validates a tree.
   * \param j           the JSON object written by ToJson()
   * \param path        JSON path for error messages ("model.trees[3]")
   * \param num_inputs  split features must be < num_inputs
   */
  static Tree FromJson(const nlohmann::json& j, const std::string& path, std::size_t num_inputs);
};

/// Shared JSON reading for ensembles: {"trees": [...]} → trees (validated).
/// The optional design-column -> original-feature map of a tree model's JSON ("group",
/// "group_names"), validated against `num_inputs`; both empty when absent.
void GroupsFromJson(const nlohmann::json& j, const std::string& path, std::size_t num_inputs,
                    std::vector<int>& group, std::vector<std::string>& group_names);

std::vector<Tree> TreesFromJson(const nlohmann::json& j, const std::string& path,
                                std::size_t num_inputs);
nlohmann::json TreesToJson(const std::vector<Tree>& trees);

/// The distinct thresholds of the splits on design column `input` over all trees, ascending (as
/// float values when `float32`: the comparison such models make). Model::SplitThresholds.
std::vector<double> SplitThresholds(const std::vector<Tree>& trees, std::size_t input,
                                    bool float32);

/// Global importance of an ensemble: per design column gain (sum of loss_change), split
/// counts and the same summed by original feature when `group` / `group_names` are given.
nlohmann::json TreeImportance(const std::vector<Tree>& trees,
                              const std::vector<std::string>& input_names,
                              const std::vector<int>& group,
                              const std::vector<std::string>& group_names);

}  // namespace loanlens::tree
