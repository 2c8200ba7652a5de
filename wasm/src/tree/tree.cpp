#include "loanlens/tree/tree.h"

#include <algorithm>
#include <map>

#include "loanlens/error.h"
#include "loanlens/json_util.h"

namespace loanlens::tree {

int Tree::MaxDepth() const {
  if (nodes.empty()) return 0;
  std::vector<int> depth(nodes.size(), 0);
  int max_depth = 0;
  for (std::size_t i = 0; i < nodes.size(); ++i) {  // children always follow their parent
    const Node& n = nodes[i];
    if (n.IsLeaf()) {
      max_depth = std::max(max_depth, depth[i]);
    } else {
      depth[n.left] = depth[i] + 1;
      depth[n.right] = depth[i] + 1;
    }
  }
  return max_depth;
}

std::size_t Tree::NumLeaves() const {
  std::size_t n = 0;
  for (const Node& node : nodes) n += node.IsLeaf() ? 1 : 0;
  return n;
}

nlohmann::json Tree::ToJson() const {
  const std::size_t n = nodes.size();
  std::vector<int> left(n), right(n), feature(n);
  std::vector<double> threshold(n), value(n), cover(n), loss_change(n);
  std::vector<int> default_left(n);
  for (std::size_t i = 0; i < n; ++i) {
    const Node& node = nodes[i];
    left[i] = node.left;
    right[i] = node.right;
    feature[i] = node.feature;
    threshold[i] = node.threshold;
    default_left[i] = node.default_left ? 1 : 0;
    value[i] = node.value;
    cover[i] = node.cover;
    loss_change[i] = node.loss_change;
  }
  return {{"left_children", left},  {"right_children", right},      {"split_feature", feature},
          {"threshold", threshold}, {"default_left", default_left}, {"value", value},
          {"cover", cover},         {"loss_change", loss_change}};
}

namespace {

const nlohmann::json& Array(const nlohmann::json& j, const char* key, const std::string& path,
                            std::size_t size, bool required = true) {
  static const nlohmann::json kEmpty = nlohmann::json::array();
  if (!j.contains(key)) {
    if (required) throw Error(path + ": missing '" + key + "'");
    return kEmpty;
  }
  const nlohmann::json& a = j[key];
  if (!a.is_array()) throw Error(path + "." + key + ": expected an array");
  if (size != 0 && a.size() != size)
    throw Error(path + "." + key + ": expected " + std::to_string(size) + " entries, got " +
                std::to_string(a.size()));
  return a;
}

double Number(const nlohmann::json& v, const std::string& where) {
  if (!v.is_number()) throw Error(where + ": expected a number, got " + v.dump());
  double d = v.get<double>();
  if (!std::isfinite(d)) throw Error(where + ": expected a finite number");
  return d;
}

int Integer(const nlohmann::json& v, const std::string& where) {
  if (!v.is_number_integer()) throw Error(where + ": expected an integer, got " + v.dump());
  return v.get<int>();
}

}  // namespace

Tree Tree::FromJson(const nlohmann::json& j, const std::string& path, std::size_t num_inputs) {
  if (!j.is_object()) throw Error(path + ": expected an object");
  const auto& left = Array(j, "left_children", path, 0);
  const std::size_t n = left.size();
  if (n == 0) throw Error(path + ".left_children: a tree needs at least one node");
  const auto& right = Array(j, "right_children", path, n);
  const auto& feature = Array(j, "split_feature", path, n);
  const auto& threshold = Array(j, "threshold", path, n);
  const auto& default_left = Array(j, "default_left", path, n);
  const auto& value = Array(j, "value", path, n);
  const auto& cover = Array(j, "cover", path, n);
  const auto& loss_change = Array(j, "loss_change", path, n, false);
  Tree t;
  t.nodes.resize(n);
  std::vector<int> parents(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const std::string at = "[" + std::to_string(i) + "]";
    Node& node = t.nodes[i];
    node.left = Integer(left[i], path + ".left_children" + at);
    node.right = Integer(right[i], path + ".right_children" + at);
    node.value = Number(value[i], path + ".value" + at);
    node.cover = Number(cover[i], path + ".cover" + at);
    if (node.cover < 0) throw Error(path + ".cover" + at + ": expected a cover >= 0");
    if (!loss_change.empty()) node.loss_change = Number(loss_change[i], path + ".loss_change" + at);
    const auto& dl = default_left[i];
    if (dl.is_boolean()) {
      node.default_left = dl.get<bool>();
    } else {
      int d = Integer(dl, path + ".default_left" + at);
      if (d != 0 && d != 1) throw Error(path + ".default_left" + at + ": expected 0 or 1");
      node.default_left = d == 1;
    }
    if (node.left == -1 && node.right == -1) {
      node.feature = -1;
      continue;
    }
    // Internal node: children come after the parent (no cycles) and each has one parent.
    for (int child : {node.left, node.right}) {
      if (child <= static_cast<int>(i) || child >= static_cast<int>(n))
        throw Error(path + ".left_children" + at + ": child index " + std::to_string(child) +
                    " out of range (children must follow their parent, < " + std::to_string(n) +
                    ")");
      if (++parents[child] > 1)
        throw Error(path + at + ": node " + std::to_string(child) + " has two parents");
    }
    node.feature = Integer(feature[i], path + ".split_feature" + at);
    if (node.feature < 0 || static_cast<std::size_t>(node.feature) >= num_inputs)
      throw Error(path + ".split_feature" + at + ": feature " + std::to_string(node.feature) +
                  " out of range (model has " + std::to_string(num_inputs) + " inputs)");
    const auto& th = threshold[i];
    node.threshold = th.is_number() ? th.get<double>() : NAN;
    if (std::isnan(node.threshold))
      throw Error(path + ".threshold" + at + ": expected a number, got " + th.dump());
  }
  for (std::size_t i = 1; i < n; ++i)
    if (parents[i] != 1)
      throw Error(path + ": node " + std::to_string(i) + " is not reachable from the root");
  return t;
}

void GroupsFromJson(const nlohmann::json& j, const std::string& path, std::size_t num_inputs,
                    std::vector<int>& group, std::vector<std::string>& group_names) {
  group.clear();
  group_names.clear();
  if (!j.contains("group")) return;
  JsonReader r(j, path);
  for (long long g : r.IntArray("group")) group.push_back(static_cast<int>(g));
  group_names = r.StringArray("group_names");
  if (group.size() != num_inputs)
    throw Error(path + ".group: expected " + std::to_string(num_inputs) + " entries");
  for (int g : group)
    if (g < 0 || static_cast<std::size_t>(g) >= group_names.size())
      throw Error(path + ".group: index " + std::to_string(g) + " out of range");
}

std::vector<Tree> TreesFromJson(const nlohmann::json& j, const std::string& path,
                                std::size_t num_inputs) {
  if (!j.contains("trees") || !j["trees"].is_array())
    throw Error(path + ": expected an array 'trees'");
  std::vector<Tree> trees;
  trees.reserve(j["trees"].size());
  for (std::size_t t = 0; t < j["trees"].size(); ++t)
    trees.push_back(
        Tree::FromJson(j["trees"][t], path + ".trees[" + std::to_string(t) + "]", num_inputs));
  return trees;
}

nlohmann::json TreesToJson(const std::vector<Tree>& trees) {
  nlohmann::json a = nlohmann::json::array();
  for (const Tree& t : trees) a.push_back(t.ToJson());
  return a;
}

std::vector<double> SplitThresholds(const std::vector<Tree>& trees, std::size_t input,
                                    bool float32) {
  std::vector<double> out;
  for (const Tree& t : trees)
    for (const Node& n : t.nodes)
      if (!n.IsLeaf() && static_cast<std::size_t>(n.feature) == input)
        out.push_back(float32 ? static_cast<double>(static_cast<float>(n.threshold)) : n.threshold);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

nlohmann::json TreeImportance(const std::vector<Tree>& trees,
                              const std::vector<std::string>& input_names,
                              const std::vector<int>& group,
                              const std::vector<std::string>& group_names) {
  const std::size_t m = input_names.size();
  std::vector<double> gain(m, 0), cover(m, 0);
  std::vector<long long> splits(m, 0);
  for (const Tree& t : trees)
    for (const Node& n : t.nodes)
      if (!n.IsLeaf() && static_cast<std::size_t>(n.feature) < m) {
        gain[n.feature] += n.loss_change;
        cover[n.feature] += n.cover;
        splits[n.feature] += 1;
      }
  nlohmann::json out = {
      {"input_names", input_names}, {"gain", gain}, {"splits", splits}, {"cover", cover}};
  if (group.size() == m && !group_names.empty()) {
    std::vector<double> g_gain(group_names.size(), 0);
    std::vector<long long> g_splits(group_names.size(), 0);
    for (std::size_t j = 0; j < m; ++j) {
      if (group[j] < 0 || static_cast<std::size_t>(group[j]) >= group_names.size()) continue;
      g_gain[group[j]] += gain[j];
      g_splits[group[j]] += splits[j];
    }
    out["by_group"] = {{"names", group_names}, {"gain", g_gain}, {"splits", g_splits}};
  }
  return out;
}

}  // namespace loanlens::tree
