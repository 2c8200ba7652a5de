#pragma once
/// \file
/// The model families by kind: how to load a saved model and how to train one. A new family adds
/// one entry to ModelFamilies() (model_registry.cpp) and touches no other shared file.
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "loanlens/model.h"
#include "loanlens/params.h"
#include "loanlens/train_data.h"

namespace loanlens {

/// Loads a model from its JSON ("kind" selects the family). Validates shapes and values; throws
/// loanlens::Error with the JSON path of the problem ("model.trees[3].left_children[7]: ...").
std::unique_ptr<Model> ModelFromJson(const nlohmann::json& j);

/// Trains a model of the family `kind` with `params`. Throws loanlens::Error for an unknown kind
/// or parameter.
std::unique_ptr<Model> TrainModel(const std::string& kind, const TrainData& data,
                                  const ParamMap& params, const TrainContext& context);

/// Families register themselves here (model_registry.cpp): loader and trainer by kind name.
struct ModelFamily {
  std::string kind;
  std::function<std::unique_ptr<Model>(const nlohmann::json&)> load;
  std::function<std::unique_ptr<Model>(const TrainData&, const ParamMap&, const TrainContext&)>
      train;
  /// What the family needs from preprocessing: imputed + standardised inputs (linear, SVM) or raw
  /// values with NaN for missing (trees).
  bool needs_scaling = true;
};
const std::vector<ModelFamily>& ModelFamilies();
const ModelFamily& FindModelFamily(const std::string& kind);  ///< throws loanlens::Error

}  // namespace loanlens
