#include "loanlens/model.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "loanlens/error.h"
#include "loanlens/linear/logistic.h"
#include "loanlens/svm/svm.h"
#include "loanlens/tree/gbdt.h"
#include "loanlens/tree/random_forest.h"

namespace loanlens {

void Model::PredictMargins(const double* x, std::size_t num_rows, double* out) const {
  for (std::size_t r = 0; r < num_rows; ++r) out[r] = PredictMargin(x + r * NumInputs());
}

double Model::Interactions(const double*, double*) const {
  throw Error(
      "SHAP interaction values are computed for tree models (gbdt, random_forest); this is "
      "a '" +
      Kind() + "' model");
}

bool Model::ExplainAgainstWeighted(const double* x, const double* background, const double* weight,
                                   std::size_t num_background, const std::vector<int>& group,
                                   std::size_t num_players, double* phi) const {
  // phi(x; sum_b w_b delta_{z_b}) = sum_b w_b phi(x; delta_{z_b}): v(S) is linear in the
  // background distribution, and so are Shapley values.
  std::vector<double> total(num_players, 0.0), one(num_players);
  for (std::size_t b = 0; b < num_background; ++b) {
    if (!ExplainAgainst(x, background + b * NumInputs(), 1, group, num_players, one.data()))
      return false;
    for (std::size_t g = 0; g < num_players; ++g) total[g] += weight[b] * one[g];
  }
  std::copy(total.begin(), total.end(), phi);
  return true;
}

const std::vector<ModelFamily>& ModelFamilies() {
  // Each family adds one entry here (kind, loader, trainer, needs_scaling).
  static const std::vector<ModelFamily> families = {
      {"logistic", LogisticRegression::Load, LogisticRegression::Train, true},
      {"svm", LoadSvm, TrainSvm, true},
      {"gbdt",
       [](const nlohmann::json& j) -> std::unique_ptr<Model> {
         return tree::GbdtModel::FromJson(j);
       },
       tree::TrainGbdtFamily, false},
      {"random_forest",
       [](const nlohmann::json& j) -> std::unique_ptr<Model> {
         return tree::RandomForestModel::FromJson(j);
       },
       tree::TrainRandomForestFamily, false},
  };
  return families;
}

const ModelFamily& FindModelFamily(const std::string& kind) {
  std::string known;
  for (const auto& f : ModelFamilies()) {
    if (f.kind == kind) return f;
    known += (known.empty() ? "" : ", ") + f.kind;
  }
  throw Error("unknown model kind '" + kind + "' (known: " + known + ")");
}

std::unique_ptr<Model> ModelFromJson(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("kind") || !j["kind"].is_string())
    throw Error("model: expected an object with a string 'kind'");
  return FindModelFamily(j["kind"].get<std::string>()).load(j);
}

std::unique_ptr<Model> TrainModel(const std::string& kind, const TrainData& data,
                                  const ParamMap& params, const TrainContext& context) {
  return FindModelFamily(kind).train(data, params, context);
}

double ParamDouble(const ParamMap& p, const std::string& key, double fallback) {
  auto it = p.find(key);
  if (it == p.end()) return fallback;
  const char* s = it->second.c_str();
  char* end = nullptr;
  double v = std::strtod(s, &end);
  if (it->second.empty() || *end != '\0' || !std::isfinite(v))
    throw Error("parameter '" + key + "': expected a number, got '" + it->second + "'");
  return v;
}

int ParamInt(const ParamMap& p, const std::string& key, int fallback) {
  auto it = p.find(key);
  if (it == p.end()) return fallback;
  const char* s = it->second.c_str();
  char* end = nullptr;
  long v = std::strtol(s, &end, 10);
  if (it->second.empty() || *end != '\0' || v < -2147483647L || v > 2147483647L)
    throw Error("parameter '" + key + "': expected an integer, got '" + it->second + "'");
  return static_cast<int>(v);
}

std::string ParamString(const ParamMap& p, const std::string& key, const std::string& fallback) {
  auto it = p.find(key);
  return it == p.end() ? fallback : it->second;
}

void CheckParams(const ParamMap& p, const std::vector<std::string>& known,
                 const std::string& kind) {
  for (const auto& [key, value] : p) {
    bool ok = false;
    for (const auto& k : known) ok = ok || k == key;
    if (!ok) {
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      throw Error("parameter '" + key + "' is not known for model '" + kind + "' (known: " + list +
                  ")");
    }
  }
}

}  // namespace loanlens
