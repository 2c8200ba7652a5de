#include "loanlens/tree/tree_ensemble.h"

#include <cmath>
#include <cstdint>

#include "loanlens/error.h"

namespace loanlens::tree {

TreeEnsemble::TreeEnsemble(std::vector<Tree> trees, std::vector<std::string> input_names,
                           bool float32)
    : trees_(std::move(trees)),
      input_names_(std::move(input_names)),
      float32_(float32),
      packed_(trees_, float32_) {}

void TreeEnsemble::SetGroups(std::vector<int> group, std::vector<std::string> group_names) {
  group_ = std::move(group);
  group_names_ = std::move(group_names);
}

void TreeEnsemble::SetGroupsFrom(const TrainData& data) {
  if (!data.group_names.empty() && data.group.size() == NumInputs())
    SetGroups(data.group, data.group_names);
}

void TreeEnsemble::AddToJson(nlohmann::json& j) const {
  j["num_inputs"] = input_names_.size();
  j["input_names"] = input_names_;
  j["trees"] = TreesToJson(trees_);
  if (!group_.empty()) {
    j["group"] = group_;
    j["group_names"] = group_names_;
  }
}

void TreeEnsemble::GroupsFromJson(const nlohmann::json& j, const std::string& path) {
  std::vector<int> group;
  std::vector<std::string> group_names;
  tree::GroupsFromJson(j, path, NumInputs(), group, group_names);
  if (!group.empty()) SetGroups(std::move(group), std::move(group_names));
}

nlohmann::json TreeEnsemble::Importance() const {
  return TreeImportance(trees_, input_names_, group_, group_names_);
}

std::vector<double> TreeEnsemble::SplitThresholds(std::size_t input) const {
  return tree::SplitThresholds(trees_, input, float32_);
}

std::vector<std::string> DefaultInputNames(const TrainData& data) {
  std::vector<std::string> names = data.input_names;
  if (names.empty())
    for (std::size_t j = 0; j < data.num_inputs; ++j) names.push_back("x" + std::to_string(j));
  return names;
}

void CheckTreeTrainingData(const TrainData& d, const std::string& what) {
  if (d.num_rows == 0 || d.num_inputs == 0 || !d.x || !d.y)
    throw Error(what + ": no rows or no columns to train on");
  if (static_cast<std::uint64_t>(d.num_rows) >= 0xffffffffULL)
    throw Error(what + ": too many rows");
  if (!d.input_names.empty() && d.input_names.size() != d.num_inputs)
    throw Error(what + ": input_names has " + std::to_string(d.input_names.size()) + " names for " +
                std::to_string(d.num_inputs) + " columns");
  for (std::size_t i = 0; i < d.num_rows; ++i) {
    if (d.y[i] != 0 && d.y[i] != 1)
      throw Error(what + ": label of row " + std::to_string(i + 1) + " is " +
                  std::to_string(d.y[i]) + ", expected 0 or 1");
    if (d.weight && !(d.weight[i] >= 0 && std::isfinite(d.weight[i])))
      throw Error(what + ": weight of row " + std::to_string(i + 1) + " must be >= 0");
  }
}

}  // namespace loanlens::tree
