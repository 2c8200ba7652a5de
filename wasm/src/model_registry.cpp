#include "loanlens/model_registry.h"

#include "loanlens/error.h"
#include "loanlens/linear/logistic.h"
#include "loanlens/svm/svm.h"
#include "loanlens/tree/gbdt.h"
#include "loanlens/tree/random_forest.h"

namespace loanlens {

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

}  // namespace loanlens
