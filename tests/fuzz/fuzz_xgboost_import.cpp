// Fuzz target: the XGBoost importer (ImportXgboostJson). The input is an XGBoost model JSON; its
// feature names (or f0..f15 when it has none) are the design columns. An imported model must
// predict, explain additively, and save and reload as a gbdt model that predicts the same.
#include <cmath>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "fuzz_util.h"
#include "loanlens/error.h"
#include "loanlens/json_util.h"
#include "loanlens/model_registry.h"
#include "loanlens/tree/xgboost_import.h"

namespace {

std::vector<std::string> InputNames(const nlohmann::json& model) {
  std::vector<std::string> names;
  const nlohmann::json* learner =
      model.is_object() && model.contains("learner") ? &model["learner"] : nullptr;
  if (learner && learner->is_object() && learner->contains("feature_names") &&
      (*learner)["feature_names"].is_array()) {
    std::set<std::string> seen;
    for (const auto& n : (*learner)["feature_names"])
      if (n.is_string() && seen.insert(n.get<std::string>()).second)
        names.push_back(n.get<std::string>());
  }
  if (names.empty())
    for (int i = 0; i < 16; ++i) names.push_back("f" + std::to_string(i));
  return names;
}

void CheckModel(const loanlens::Model& model, const std::vector<double>& x) {
  std::vector<double> phi(model.NumInputs());
  const double margin = model.PredictMargin(x.data());
  const double base = model.Explain(x.data(), phi.data());
  double sum = base, scale = std::fabs(base);
  for (double p : phi) sum += p, scale += std::fabs(p);
  if (std::isfinite(sum) && std::isfinite(margin) &&
      std::fabs(sum - margin) > 1e-6 * (1 + scale + std::fabs(margin)))
    loanlens::fuzz::Finding("TreeSHAP values + base = " + std::to_string(sum) +
                            " but margin = " + std::to_string(margin));
  const auto reloaded = loanlens::ModelFromJson(model.ToJson());
  const double again = reloaded->PredictMargin(x.data());
  if (!(again == margin || (std::isnan(again) && std::isnan(margin))))
    loanlens::fuzz::Finding("saved and reloaded model predicts " + std::to_string(again) +
                            " instead of " + std::to_string(margin));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  if (loanlens::fuzz::ShapeRefused(text)) {
    try {  // as import-xgboost reads the file: refused while parsing
      loanlens::ParseJson(text, "fuzz.json");
      loanlens::fuzz::Finding("an XGBoost model the JSON shape check refuses was parsed");
    } catch (const loanlens::Error&) {
    }
    return 0;
  }
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) return 0;
  const std::vector<std::string> names = InputNames(j);
  std::unique_ptr<loanlens::Model> model;
  try {
    model = loanlens::tree::ImportXgboostJson(j, names);
  } catch (const loanlens::Error&) {
    return 0;
  }
  try {
    // Rows: all missing, all zero, and values drawn from the input.
    loanlens::fuzz::Rng rng{loanlens::fuzz::HashBytes(text)};
    std::vector<double> x(model->NumInputs(), std::nan(""));
    CheckModel(*model, x);
    x.assign(x.size(), 0.0);
    CheckModel(*model, x);
    for (double& v : x) v = static_cast<double>(rng.Below(2001)) / 10 - 100;
    CheckModel(*model, x);
  } catch (const loanlens::Error& e) {
    loanlens::fuzz::Finding(std::string("an imported model fails to predict or reload: ") +
                            e.what());
  }
  return 0;
}
