#include "loanlens/tree/xgboost_import.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "loanlens/data/csv.h"
#include "loanlens/error.h"
#include "loanlens/json_util.h"
#include "loanlens/limits.h"
#include "loanlens/portable_math.h"

namespace loanlens::tree {
namespace {

const nlohmann::json& Get(const nlohmann::json& j, const char* key, const std::string& path) {
  if (!j.is_object() || !j.contains(key))
    throw Error("xgboost model: missing '" + path + "." + key + "'");
  return j[key];
}

/// XGBoost writes numbers in parameter blocks as strings: "5E-1", and since 2.x also "[5E-1]".
double NumberField(const nlohmann::json& v, const std::string& path) {
  if (v.is_number()) return v.get<double>();
  if (v.is_string()) {
    std::string s = v.get<std::string>();
    if (s.size() >= 2 && s.front() == '[' && s.back() == ']') {
      s = s.substr(1, s.size() - 2);
      if (s.find(',') != std::string::npos)
        throw Error("xgboost model: " + path + " has several values ('" + v.get<std::string>() +
                    "'); only single-target models are supported");
    }
    char* end = nullptr;
    const double d = std::strtod(s.c_str(), &end);
    if (!s.empty() && *end == '\0' && std::isfinite(d)) return d;
  }
  throw Error("xgboost model: " + path + ": expected a number, got " + v.dump());
}

double Num(const nlohmann::json& a, std::size_t i, const std::string& where) {
  if (!a[i].is_number())
    throw Error("xgboost model: " + where + "[" + std::to_string(i) + "]: expected a number");
  return a[i].get<double>();
}

/// A split condition or leaf value: finite in float32, as XGBoost stores it (1e39 is not).
float Float32(const nlohmann::json& a, std::size_t i, const std::string& where) {
  const double v = Num(a, i, where);
  if (!(std::abs(v) <= std::numeric_limits<float>::max()))
    throw Error("xgboost model: " + where + "[" + std::to_string(i) + "]: " + FormatNumber(v) +
                " is not a finite float32 (XGBoost stores split conditions and leaf values as "
                "float32, at most 3.4e38 in magnitude)");
  return static_cast<float>(v);
}

/// The "version" array as text ("2.1.4"; "unknown" when absent). Throws unless the major
/// version is 1 to 3.
std::string CheckedXgboostVersion(const nlohmann::json& xgb_model) {
  std::string version = "unknown";
  if (xgb_model.contains("version") && xgb_model["version"].is_array() &&
      !xgb_model["version"].empty()) {
    version.clear();
    for (const auto& v : xgb_model["version"])
      version += (version.empty() ? "" : ".") +
                 (v.is_number_integer() ? std::to_string(v.get<long long>()) : "?");
    const auto& v0 = xgb_model["version"][0];
    const long long major = v0.is_number_integer() ? v0.get<long long>() : 0;
    if (major < 1 || major > 3)
      throw Error("xgboost model: version " + version + " is not supported (1.x to 3.x)");
  }
  return version;
}

/// Throws unless the learner's objective is binary:logistic.
void CheckBinaryLogistic(const nlohmann::json& learner) {
  const auto& objective = Get(Get(learner, "objective", "learner"), "name", "learner.objective");
  if (!objective.is_string() || objective.get<std::string>() != "binary:logistic")
    throw Error("xgboost model: objective " + objective.dump() +
                " is not supported (only binary:logistic)");
}

/// Throws when learner_model_param declares several classes or targets.
void CheckSingleTarget(const nlohmann::json& mparam) {
  if (mparam.contains("num_class") &&
      NumberField(mparam["num_class"], "learner_model_param.num_class") > 1)
    throw Error("xgboost model: multi-class models are not supported");
  if (mparam.contains("num_target") &&
      NumberField(mparam["num_target"], "learner_model_param.num_target") > 1)
    throw Error("xgboost model: multi-target models are not supported");
}

/// XGBoost's base_score (a probability) and the base margin it stands for.
struct XgboostBase {
  double probability = 0;
  double margin = 0;
};

XgboostBase ImportBaseScore(const nlohmann::json& mparam) {
  XgboostBase base;
  base.probability = NumberField(Get(mparam, "base_score", "learner.learner_model_param"),
                                 "learner.learner_model_param.base_score");
  const double base_prob = base.probability;
  // XGBoost's ProbToMargin in float: a base_score that is 0 or 1 in float32 (1e-50, 0.9999999999)
  // gives an infinite margin, so it is refused, not only 0 and 1 themselves.
  const float base_f = base_prob > 0 && base_prob < 1 ? static_cast<float>(base_prob) : 0.0f;
  base.margin = static_cast<float>(-Log(static_cast<double>(1.0f / base_f - 1.0f)));
  if (!(base_f > 0.0f && base_f < 1.0f) || !std::isfinite(base.margin))
    throw Error("xgboost model: learner.learner_model_param.base_score " + FormatNumber(base_prob) +
                " is not a probability strictly between 0 and 1 in float32 (XGBoost computes "
                "the base margin log(p / (1 - p)) in float32; it would be infinite)");
  return base;
}

/// The gbtree booster's "trees" array (at most kMaxTrees trees).
const nlohmann::json& GbtreeTrees(const nlohmann::json& learner) {
  const auto& booster = Get(learner, "gradient_booster", "learner");
  const std::string booster_name =
      booster.is_object() && booster.contains("name") && booster["name"].is_string()
          ? booster["name"].get<std::string>()
          : "";
  if (booster_name != "gbtree")
    throw Error("xgboost model: booster '" + booster_name + "' is not supported (only gbtree)");
  const auto& model = Get(booster, "model", "learner.gradient_booster");
  const auto& trees_json = Get(model, "trees", "learner.gradient_booster.model");
  if (!trees_json.is_array()) throw Error("xgboost model: trees: expected an array");
  if (trees_json.size() > kMaxTrees)
    throw Error("xgboost model: " + std::to_string(trees_json.size()) + " trees; at most " +
                std::to_string(kMaxTrees) + " are supported");
  return trees_json;
}

/// Feature i of the XGBoost model -> design column: by name when the model names its features
/// (each name once), else feature i is column i.
std::vector<int> FeatureColumns(const nlohmann::json& learner, const nlohmann::json& mparam,
                                const std::vector<std::string>& input_names) {
  std::vector<int> column;
  if (learner.contains("feature_names") && learner["feature_names"].is_array() &&
      !learner["feature_names"].empty()) {
    for (const auto& name : learner["feature_names"]) {
      const std::string s = name.is_string() ? name.get<std::string>() : name.dump();
      int found = -1;
      for (std::size_t j = 0; j < input_names.size(); ++j)
        if (input_names[j] == s) found = static_cast<int>(j);
      if (found < 0)
        throw Error("xgboost model: feature '" + s + "' is not one of the model inputs");
      if (std::find(column.begin(), column.end(), found) != column.end())
        throw Error("xgboost model: learner.feature_names lists '" + s +
                    "' twice (two model features would read one column)");
      column.push_back(found);
    }
  } else {
    const double nf = NumberField(Get(mparam, "num_feature", "learner.learner_model_param"),
                                  "learner.learner_model_param.num_feature");
    if (nf > static_cast<double>(input_names.size()))
      throw Error("xgboost model: " + std::to_string(static_cast<int>(nf)) + " features but only " +
                  std::to_string(input_names.size()) + " inputs given");
    for (int i = 0; i < static_cast<int>(nf); ++i) column.push_back(i);
  }
  return column;
}

/// One XGBoost tree's node arrays (structure of arrays, checked to have num_nodes entries).
struct XgboostTreeArrays {
  std::string path;  ///< "trees[t]", for messages
  std::size_t num_nodes = 0;
  const nlohmann::json* left = nullptr;
  const nlohmann::json* right = nullptr;
  const nlohmann::json* index = nullptr;
  const nlohmann::json* cond = nullptr;
  const nlohmann::json* dleft = nullptr;
  const nlohmann::json* hess = nullptr;
  const nlohmann::json* loss = nullptr;  ///< loss_changes, optional
};

/// The node arrays of tree `tj`; throws on missing or unequal arrays, a node count outside
/// 1..kMaxTreeNodes and categorical splits.
XgboostTreeArrays TreeArrays(const nlohmann::json& tj, const std::string& path) {
  XgboostTreeArrays a;
  a.path = path;
  a.left = &Get(tj, "left_children", path);
  a.right = &Get(tj, "right_children", path);
  a.index = &Get(tj, "split_indices", path);
  a.cond = &Get(tj, "split_conditions", path);
  a.dleft = &Get(tj, "default_left", path);
  a.hess = &Get(tj, "sum_hessian", path);
  if (!a.left->is_array())
    throw Error("xgboost model: " + path + ".left_children: expected an array");
  const std::size_t n = a.left->size();
  if (n == 0 || n > kMaxTreeNodes)
    throw Error("xgboost model: " + path + ": " + std::to_string(n) + " nodes; a tree has 1 to " +
                std::to_string(kMaxTreeNodes));
  for (const auto* arr : {a.right, a.index, a.cond, a.dleft, a.hess})
    if (!arr->is_array() || arr->size() != n)
      throw Error("xgboost model: " + path + ": node arrays differ in length");
  if (tj.contains("split_type"))
    for (const auto& s : tj["split_type"])
      if (!s.is_number() || s.get<double>() != 0)
        throw Error("xgboost model: " + path + " has categorical splits (not supported)");
  a.num_nodes = n;
  a.loss = tj.contains("loss_changes") ? &tj["loss_changes"] : nullptr;
  return a;
}

/// Node i of a tree: children, cover = sum_hessian, and either the leaf value or the split
/// (feature mapped to its design column, float32 threshold, default direction, gain).
Node ImportNode(const XgboostTreeArrays& a, std::size_t i, const std::vector<int>& column) {
  const std::string& path = a.path;
  const std::size_t n = a.num_nodes;
  Node node;
  const std::string at = "[" + std::to_string(i) + "]";
  const auto last = static_cast<long long>(n) - 1;
  // Indices are range-checked as 64-bit values: 2^32 + k is refused, never read as k.
  node.left = static_cast<int>(
      JsonInteger((*a.left)[i], -1, last, "xgboost model: " + path + ".left_children" + at));
  node.right = static_cast<int>(
      JsonInteger((*a.right)[i], -1, last, "xgboost model: " + path + ".right_children" + at));
  node.cover = Num(*a.hess, i, path + ".sum_hessian");
  if (!(node.cover >= 0 && std::isfinite(node.cover)))
    throw Error("xgboost model: " + path + ".sum_hessian[" + std::to_string(i) +
                "]: " + FormatNumber(node.cover) + " is not a finite non-negative number");
  // Thresholds and leaf values are float32 in XGBoost.
  const float c = Float32(*a.cond, i, path + ".split_conditions");
  if (node.left == -1) {
    node.value = c;
    return node;
  }
  if (column.empty()) throw Error("xgboost model: " + path + ": the model has no features");
  const auto f = JsonInteger((*a.index)[i], 0, static_cast<long long>(column.size()) - 1,
                             "xgboost model: " + path + ".split_indices" + at);
  node.feature = column[f];
  node.threshold = c;
  const nlohmann::json& dleft = (*a.dleft)[i];
  node.default_left =
      dleft.is_boolean()
          ? dleft.get<bool>()
          : JsonInteger(dleft, 0, 1, "xgboost model: " + path + ".default_left" + at) == 1;
  if (a.loss && a.loss->size() == n && (*a.loss)[i].is_number())
    node.loss_change = (*a.loss)[i].get<double>();
  return node;
}

/// Tree t of the XGBoost model, validated the same way saved models are validated.
Tree ImportTree(const nlohmann::json& tj, std::size_t t, const std::vector<int>& column,
                std::size_t num_inputs) {
  const XgboostTreeArrays arrays = TreeArrays(tj, "trees[" + std::to_string(t) + "]");
  Tree tree;
  tree.nodes.reserve(arrays.num_nodes);
  for (std::size_t i = 0; i < arrays.num_nodes; ++i)
    tree.nodes.push_back(ImportNode(arrays, i, column));
  return Tree::FromJson(tree.ToJson(), "xgboost model: " + arrays.path, num_inputs);
}

}  // namespace

std::unique_ptr<GbdtModel> ImportXgboostJson(const nlohmann::json& xgb_model,
                                             const std::vector<std::string>& input_names) {
  if (!xgb_model.is_object() || !xgb_model.contains("learner"))
    throw Error(
        "xgboost model: expected a JSON object with 'learner' (Booster.save_model with a "
        ".json file name)");
  const std::string version = CheckedXgboostVersion(xgb_model);
  // The checks run in this order: a model with several problems is refused for the first one.
  const auto& learner = xgb_model["learner"];
  CheckBinaryLogistic(learner);
  const auto& mparam = Get(learner, "learner_model_param", "learner");
  CheckSingleTarget(mparam);
  const XgboostBase base = ImportBaseScore(mparam);
  const auto& trees_json = GbtreeTrees(learner);
  const std::vector<int> column = FeatureColumns(learner, mparam, input_names);
  std::vector<Tree> trees;
  for (std::size_t t = 0; t < trees_json.size(); ++t)
    trees.push_back(ImportTree(trees_json[t], t, column, input_names.size()));
  nlohmann::json info = {{"source", "xgboost"},
                         {"xgboost_version", version},
                         {"xgboost_base_score", base.probability}};
  return std::make_unique<GbdtModel>(std::move(trees), base.margin, input_names, true, info);
}

}  // namespace loanlens::tree
