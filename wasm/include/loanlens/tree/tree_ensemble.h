#pragma once
/// \file
/// What the tree-ensemble families (gbdt, random_forest, imported XGBoost models) share: the
/// trees, the design column names, the optional original-feature groups (for importance and
/// monotone constraints by feature name), the float32 comparison flag and the packed inference
/// layout built from the trees at load time. The families add their own output mapping (a base
/// score, an average) and their own JSON keys.
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "loanlens/train_data.h"
#include "loanlens/tree/packed_forest.h"
#include "loanlens/tree/tree.h"

namespace loanlens::tree {

class TreeEnsemble {
 public:
  /** \param float32  compare values and thresholds as float (imported XGBoost models) */
  TreeEnsemble(std::vector<Tree> trees, std::vector<std::string> input_names, bool float32);

  const std::vector<Tree>& Trees() const { return trees_; }
  const std::vector<std::string>& InputNames() const { return input_names_; }
  std::size_t NumInputs() const { return input_names_.size(); }
  bool Float32() const { return float32_; }
  const std::vector<int>& Group() const { return group_; }
  const std::vector<std::string>& GroupNames() const { return group_names_; }
  /// Original-feature groups: group[j] = index in group_names of design column j.
  void SetGroups(std::vector<int> group, std::vector<std::string> group_names);
  /// The training data's groups, when it has them for every design column.
  void SetGroupsFrom(const TrainData& data);

  /// init + the trees' leaf values for one design row (tree order).
  double Sum(const double* x, double init) const { return packed_.Sum(x, init); }
  /// The same for num_rows rows (row-major, NumInputs() columns), bit for bit.
  void SumBatch(const double* x, std::size_t num_rows, double init, double* out) const {
    packed_.SumBatch(x, num_rows, NumInputs(), init, out);
  }

  /// Adds num_inputs, input_names, trees and (when set) group / group_names to a model JSON.
  void AddToJson(nlohmann::json& j) const;
  /// Reads the groups of a model JSON written by AddToJson (validated; none when absent).
  void GroupsFromJson(const nlohmann::json& j, const std::string& path);
  /// Gain, split counts and cover per design column, and by original feature (TreeImportance).
  nlohmann::json Importance() const;
  /// Model::SplitThresholds for design column `input`.
  std::vector<double> SplitThresholds(std::size_t input) const;

 private:
  std::vector<Tree> trees_;
  std::vector<std::string> input_names_;
  bool float32_;
  std::vector<int> group_;
  std::vector<std::string> group_names_;
  PackedForest packed_;
};

/// Design column names for training: the data's, else x0, x1, ...
std::vector<std::string> DefaultInputNames(const TrainData& data);

/**
 * The checks every tree trainer makes on its data (training and validation): rows and columns
 * present, row count within 32-bit row indices, one name per column, 0/1 labels, finite weights
 * >= 0. Whether both classes are present is the trainer's check (gbdt counts weights).
 * \param what  "gbdt training data" ... (starts every message)
 */
void CheckTreeTrainingData(const TrainData& data, const std::string& what);

}  // namespace loanlens::tree
