#include "loanlens/tree/xgboost_import.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "loanlens/data/csv.h"
#include "loanlens/error.h"

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

}  // namespace

std::unique_ptr<GbdtModel> ImportXgboostJson(const nlohmann::json& xgb_model,
                                             const std::vector<std::string>& input_names) {
  if (!xgb_model.is_object() || !xgb_model.contains("learner"))
    throw Error(
        "xgboost model: expected a JSON object with 'learner' (Booster.save_model with a "
        ".json file name)");
  std::string version = "unknown";
  if (xgb_model.contains("version") && xgb_model["version"].is_array() &&
      !xgb_model["version"].empty()) {
    version.clear();
    for (const auto& v : xgb_model["version"])
      version +=
          (version.empty() ? "" : ".") + (v.is_number() ? std::to_string(v.get<int>()) : "?");
    const int major = xgb_model["version"][0].is_number() ? xgb_model["version"][0].get<int>() : 0;
    if (major < 1 || major > 3)
      throw Error("xgboost model: version " + version + " is not supported (1.x to 3.x)");
  }
  const auto& learner = xgb_model["learner"];
  const auto& objective = Get(Get(learner, "objective", "learner"), "name", "learner.objective");
  if (!objective.is_string() || objective.get<std::string>() != "binary:logistic")
    throw Error("xgboost model: objective " + objective.dump() +
                " is not supported (only binary:logistic)");
  const auto& mparam = Get(learner, "learner_model_param", "learner");
  if (mparam.contains("num_class") &&
      NumberField(mparam["num_class"], "learner_model_param.num_class") > 1)
    throw Error("xgboost model: multi-class models are not supported");
  if (mparam.contains("num_target") &&
      NumberField(mparam["num_target"], "learner_model_param.num_target") > 1)
    throw Error("xgboost model: multi-target models are not supported");
  const double base_prob = NumberField(Get(mparam, "base_score", "learner.learner_model_param"),
                                       "learner.learner_model_param.base_score");
  // XGBoost's ProbToMargin in float: a base_score that is 0 or 1 in float32 (1e-50, 0.9999999999)
  // gives an infinite margin, so it is refused, not only 0 and 1 themselves.
  const float base_f = base_prob > 0 && base_prob < 1 ? static_cast<float>(base_prob) : 0.0f;
  const double base_score = -std::log(1.0f / base_f - 1.0f);
  if (!(base_f > 0.0f && base_f < 1.0f) || !std::isfinite(base_score))
    throw Error("xgboost model: learner.learner_model_param.base_score " + FormatNumber(base_prob) +
                " is not a probability strictly between 0 and 1 in float32 (XGBoost computes "
                "the base margin log(p / (1 - p)) in float32; it would be infinite)");

  const auto& booster = Get(learner, "gradient_booster", "learner");
  const std::string booster_name = booster.value("name", "");
  if (booster_name != "gbtree")
    throw Error("xgboost model: booster '" + booster_name + "' is not supported (only gbtree)");
  const auto& model = Get(booster, "model", "learner.gradient_booster");
  const auto& trees_json = Get(model, "trees", "learner.gradient_booster.model");
  if (!trees_json.is_array()) throw Error("xgboost model: trees: expected an array");

  // Feature i of the XGBoost model -> design column.
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

  std::vector<Tree> trees;
  for (std::size_t t = 0; t < trees_json.size(); ++t) {
    const std::string path = "trees[" + std::to_string(t) + "]";
    const auto& tj = trees_json[t];
    const auto& left = Get(tj, "left_children", path);
    const auto& right = Get(tj, "right_children", path);
    const auto& index = Get(tj, "split_indices", path);
    const auto& cond = Get(tj, "split_conditions", path);
    const auto& dleft = Get(tj, "default_left", path);
    const auto& hess = Get(tj, "sum_hessian", path);
    const std::size_t n = left.size();
    for (const auto* a : {&right, &index, &cond, &dleft, &hess})
      if (!a->is_array() || a->size() != n)
        throw Error("xgboost model: " + path + ": node arrays differ in length");
    if (tj.contains("split_type"))
      for (const auto& s : tj["split_type"])
        if (s.is_number() && s.get<int>() != 0)
          throw Error("xgboost model: " + path + " has categorical splits (not supported)");
    const nlohmann::json* loss = tj.contains("loss_changes") ? &tj["loss_changes"] : nullptr;
    Tree tree;
    tree.nodes.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      Node& node = tree.nodes[i];
      node.left = left[i].get<int>();
      node.right = right[i].get<int>();
      node.cover = Num(hess, i, path + ".sum_hessian");
      if (!(node.cover >= 0 && std::isfinite(node.cover)))
        throw Error("xgboost model: " + path + ".sum_hessian[" + std::to_string(i) +
                    "]: " + FormatNumber(node.cover) + " is not a finite non-negative number");
      // Thresholds and leaf values are float32 in XGBoost.
      const float c = Float32(cond, i, path + ".split_conditions");
      if (node.left == -1) {
        node.value = c;
        continue;
      }
      const int f = index[i].get<int>();
      if (f < 0 || static_cast<std::size_t>(f) >= column.size())
        throw Error("xgboost model: " + path + ".split_indices[" + std::to_string(i) +
                    "]: feature " + std::to_string(f) + " out of range");
      node.feature = column[f];
      node.threshold = c;
      node.default_left = dleft[i].is_boolean() ? dleft[i].get<bool>() : dleft[i].get<int>() != 0;
      if (loss && loss->size() == n && (*loss)[i].is_number())
        node.loss_change = (*loss)[i].get<double>();
    }
    // Validate structure the same way saved models are validated.
    tree = Tree::FromJson(tree.ToJson(), "xgboost model: " + path, input_names.size());
    trees.push_back(std::move(tree));
  }
  nlohmann::json info = {
      {"source", "xgboost"}, {"xgboost_version", version}, {"xgboost_base_score", base_prob}};
  return std::make_unique<GbdtModel>(std::move(trees), base_score, input_names, true, info);
}

}  // namespace loanlens::tree
