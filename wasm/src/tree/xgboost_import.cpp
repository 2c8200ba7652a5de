#include "loanlens/tree/xgboost_import.h"

#include <cmath>
#include <cstdlib>
#include <limits>

#include "loanlens/error.h"

namespace loanlens::tree {
namespace {

constexpr int kIntMax = std::numeric_limits<int>::max();

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

/// An integer that fits an int (node and feature indices, flags). A float or an out-of-range
/// value is an error (converting it would be undefined behaviour or truncate it).
int IntAt(const nlohmann::json& a, std::size_t i, const std::string& where) {
  const nlohmann::json& v = a[i];
  if (v.is_number_unsigned()) {
    if (v.get<unsigned long long>() <= static_cast<unsigned long long>(kIntMax))
      return static_cast<int>(v.get<unsigned long long>());
  } else if (v.is_number_integer()) {
    const long long x = v.get<long long>();
    if (x >= std::numeric_limits<int>::min() && x <= kIntMax) return static_cast<int>(x);
  }
  throw Error("xgboost model: " + where + "[" + std::to_string(i) + "]: expected an integer, got " +
              v.dump());
}

/// A float32 value (threshold, leaf value) that is finite in float32, as XGBoost computes.
float Float32At(const nlohmann::json& a, std::size_t i, const std::string& where) {
  const double d = Num(a, i, where);
  if (!(std::fabs(d) <= std::numeric_limits<float>::max()))
    throw Error("xgboost model: " + where + "[" + std::to_string(i) + "]: " + a[i].dump() +
                " is not a finite float32 value");
  return static_cast<float>(d);
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
    const auto& numbers = xgb_model["version"];
    auto part = [&numbers](std::size_t i) {
      return numbers[i].is_number_integer() && numbers[i].get<long long>() >= 0 &&
                     numbers[i].get<long long>() < 1000
                 ? static_cast<int>(numbers[i].get<long long>())
                 : -1;
    };
    for (std::size_t i = 0; i < numbers.size(); ++i)
      version += (version.empty() ? "" : ".") + (part(i) >= 0 ? std::to_string(part(i)) : "?");
    const int major = part(0);
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
  if (!(base_prob > 0 && base_prob < 1))
    throw Error("xgboost model: base_score " + std::to_string(base_prob) +
                " is not a probability in (0, 1)");
  // XGBoost's ProbToMargin in float.
  const float base_f = static_cast<float>(base_prob);
  if (!(base_f > 0 && base_f < 1))
    throw Error("xgboost model: base_score " + std::to_string(base_prob) +
                " is 0 or 1 in float32 (an infinite margin)");
  const double base_score = -std::log(1.0f / base_f - 1.0f);

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
      column.push_back(found);
    }
  } else {
    const double nf = NumberField(Get(mparam, "num_feature", "learner.learner_model_param"),
                                  "learner.learner_model_param.num_feature");
    if (!(nf >= 0) || nf != std::floor(nf))
      throw Error("xgboost model: learner.learner_model_param.num_feature: expected a count, got " +
                  std::to_string(nf));
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
    if (!left.is_array())
      throw Error("xgboost model: " + path + ".left_children: expected an array");
    const std::size_t n = left.size();
    for (const auto* a : {&right, &index, &cond, &dleft, &hess})
      if (!a->is_array() || a->size() != n)
        throw Error("xgboost model: " + path + ": node arrays differ in length");
    if (tj.contains("split_type"))
      for (const auto& s : tj["split_type"])
        if (s.is_number() && s.get<double>() != 0)
          throw Error("xgboost model: " + path + " has categorical splits (not supported)");
    const nlohmann::json* loss = tj.contains("loss_changes") ? &tj["loss_changes"] : nullptr;
    Tree tree;
    tree.nodes.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      Node& node = tree.nodes[i];
      node.left = IntAt(left, i, path + ".left_children");
      node.right = IntAt(right, i, path + ".right_children");
      node.cover = Num(hess, i, path + ".sum_hessian");
      // Thresholds and leaf values are float32 in XGBoost.
      const float c = Float32At(cond, i, path + ".split_conditions");
      if (node.left == -1) {
        node.value = c;
        continue;
      }
      const int f = IntAt(index, i, path + ".split_indices");
      if (f < 0 || static_cast<std::size_t>(f) >= column.size())
        throw Error("xgboost model: " + path + ".split_indices[" + std::to_string(i) +
                    "]: feature " + std::to_string(f) + " out of range");
      node.feature = column[f];
      node.threshold = c;
      node.default_left = dleft[i].is_boolean() ? dleft[i].get<bool>()
                                                : IntAt(dleft, i, path + ".default_left") != 0;
      if (loss && loss->is_array() && loss->size() == n && (*loss)[i].is_number())
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
