#pragma once
/// \file
/// Random forest (kind "random_forest"; Breiman 2001, "Random Forests", Machine Learning 45):
/// bootstrap samples, a random subset of features tried at each split, Gini impurity, leaves
/// holding the class-1 probability. Splits are searched on the same quantile bins as gbdt.
///
/// Output space: PredictMargin() is the average leaf probability (as scikit-learn's
/// predict_proba), and MarginIsProbability() is true. TreeSHAP is exact in that space:
/// Explain() returns base + phi summing to PredictMargin(x).
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "loanlens/model.h"
#include "loanlens/params.h"
#include "loanlens/train_data.h"
#include "loanlens/tree/interventional_shap.h"
#include "loanlens/tree/split_threshold_index.h"
#include "loanlens/tree/tree.h"
#include "loanlens/tree/tree_ensemble.h"
#include "loanlens/tree/tree_shap.h"

namespace loanlens::tree {

struct RandomForestParams {
  int n_trees = 300;
  /// "sqrt", "log2", a fraction in (0, 1] of the design columns, or an integer count.
  std::string max_features = "sqrt";
  int min_samples_leaf = 5;
  int max_depth = 0;  ///< 0 = no limit
  int max_bins = 256;
  std::uint64_t seed = 7;

  static RandomForestParams FromMap(const ParamMap& p, std::uint64_t default_seed);
  /// Number of features tried per split for `num_inputs` design columns.
  std::size_t FeaturesPerSplit(std::size_t num_inputs) const;
  nlohmann::json ToJson() const;
};

class RandomForestModel : public Model {
 public:
  /** \param trees leaf values are class-1 probabilities; \param oob_auc NaN when unknown */
  RandomForestModel(std::vector<Tree> trees, std::vector<std::string> input_names, double oob_auc,
                    nlohmann::json info = nlohmann::json::object());
  RandomForestModel(const RandomForestModel&) = delete;
  RandomForestModel& operator=(const RandomForestModel&) = delete;

  std::string Kind() const override { return "random_forest"; }
  std::size_t NumInputs() const override { return ensemble_.NumInputs(); }
  /// Average class-1 probability over the trees.
  double PredictMargin(const double* x) const override;
  void PredictMargins(const double* x, std::size_t num_rows, double* out) const override;
  bool HasExactExplainer() const override { return true; }
  std::string ExplainMethod() const override { return "tree_shap"; }
  double Explain(const double* x, double* phi) const override;
  double Interactions(const double* x, double* out) const override;
  /// Exact interventional TreeSHAP of the average of the trees (probability space).
  bool ExplainAgainst(const double* x, const double* background, std::size_t num_background,
                      const std::vector<int>& group, std::size_t num_players,
                      double* phi) const override;
  bool MarginIsProbability() const override { return true; }
  nlohmann::json ToJson() const override;
  /// Gini importance (sum of weighted impurity decrease), split counts and "oob_auc".
  nlohmann::json Importance() const override;
  std::optional<std::vector<double>> SplitThresholds(std::size_t input) const override;
  std::unique_ptr<MarginProbe> Probe(const double* x) const override;

  static std::unique_ptr<RandomForestModel> FromJson(const nlohmann::json& j);
  const std::vector<Tree>& Trees() const { return ensemble_.Trees(); }
  double OobAuc() const { return oob_auc_; }
  void SetGroups(std::vector<int> group, std::vector<std::string> group_names) {
    ensemble_.SetGroups(std::move(group), std::move(group_names));
  }
  /// The training data's feature groups, when it has one per input (TreeEnsemble::SetGroupsFrom).
  void SetGroupsFrom(const TrainData& data) { ensemble_.SetGroupsFrom(data); }

 private:
  /// The average over the trees (PredictMargin's output scale).
  double Scale() const { return 1.0 / static_cast<double>(ensemble_.Trees().size()); }
  TreeEnsemble ensemble_;
  double oob_auc_;
  nlohmann::json info_;
  TreeShapExplainer explainer_;  ///< reads ensemble_'s trees (declared after it)
  /// Split directions of the backgrounds explained against (ExplainAgainst); thread-safe.
  InterventionalCache interventional_;
  SplitThresholdIndex thresholds_;  ///< SplitThresholds(), indexed on first use
};

/** Trains a random forest; deterministic for a seed. Out-of-bag AUC is computed on the fly. */
std::unique_ptr<RandomForestModel> TrainRandomForest(const TrainData& data,
                                                     const RandomForestParams& params,
                                                     const TrainContext& context);
std::unique_ptr<Model> TrainRandomForestFamily(const TrainData& data, const ParamMap& params,
                                               const TrainContext& context);

}  // namespace loanlens::tree
