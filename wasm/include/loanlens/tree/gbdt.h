#pragma once
/// \file
/// Gradient-boosted decision trees (kind "gbdt"): second-order boosting on log loss (Chen &
/// Guestrin 2016, "XGBoost: A Scalable Tree Boosting System", arXiv:1603.02754) with the
/// histogram method: quantile-binned features, depth-wise growth, histogram subtraction.
/// The margin is base_score + the sum of the trees' leaf values; Explain() is exact TreeSHAP.
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

/// Hyper-parameters (names as `--param key=value`).
struct GbdtParams {
  int n_trees = 300;
  double learning_rate = 0.05;
  int max_depth = 4;
  int max_bins = 256;
  double min_child_weight = 1;
  double lambda = 1;  ///< L2 on leaf weights
  double alpha = 0;   ///< L1 on leaf weights
  double gamma = 0;   ///< minimum loss reduction to split
  double subsample = 1;
  double colsample = 1;  ///< fraction of columns per tree
  double scale_pos_weight = 1;
  int early_stopping_rounds = 0;  ///< 0 = off; needs TrainContext.valid
  std::uint64_t seed = 7;
  /// "income:-1,debt_ratio:+1" by original feature name (TrainData.group_names).
  std::string monotone;

  /// Parses and validates; unknown keys are an error. seed defaults to context.seed.
  static GbdtParams FromMap(const ParamMap& p, std::uint64_t default_seed);
  nlohmann::json ToJson() const;
};

class GbdtModel : public Model {
 public:
  /**
   * \param trees        leaf values in margin units
   * \param base_score   margin added to the trees' sum
   * \param input_names  design column names (num_inputs)
   * \param float32      compare values and thresholds as float (imported XGBoost models)
   * \param info         extra JSON kept verbatim (params, best_iteration, source ...)
   */
  GbdtModel(std::vector<Tree> trees, double base_score, std::vector<std::string> input_names,
            bool float32, nlohmann::json info = nlohmann::json::object());
  GbdtModel(const GbdtModel&) = delete;
  GbdtModel& operator=(const GbdtModel&) = delete;

  std::string Kind() const override { return "gbdt"; }
  std::size_t NumInputs() const override { return ensemble_.NumInputs(); }
  double PredictMargin(const double* x) const override;
  void PredictMargins(const double* x, std::size_t num_rows, double* out) const override;
  bool HasExactExplainer() const override { return true; }
  std::string ExplainMethod() const override { return "tree_shap"; }
  double Explain(const double* x, double* phi) const override;
  double Interactions(const double* x, double* out) const override;
  /// Exact interventional TreeSHAP of the sum of the trees (base_score cancels in f(x) - f(z));
  /// float32 models compare as float, as PredictMargin().
  bool ExplainAgainst(const double* x, const double* background, std::size_t num_background,
                      const std::vector<int>& group, std::size_t num_players,
                      double* phi) const override;
  nlohmann::json ToJson() const override;
  nlohmann::json Importance() const override;
  std::optional<std::vector<double>> SplitThresholds(std::size_t input) const override;
  std::unique_ptr<MarginProbe> Probe(const double* x) const override;
  /// From info.params.monotone (the training parameter; imported models have none).
  std::vector<int> MonotoneConstraints() const override;

  /// Loads {"kind":"gbdt", ...}; errors name the JSON path ("model.trees[3].cover[7]").
  static std::unique_ptr<GbdtModel> FromJson(const nlohmann::json& j);

  const std::vector<Tree>& Trees() const { return ensemble_.Trees(); }
  double BaseScore() const { return base_score_; }
  bool Float32() const { return ensemble_.Float32(); }
  const std::vector<std::string>& InputNames() const { return ensemble_.InputNames(); }
  /// Original-feature groups for Importance() (optional; set by the trainer).
  void SetGroups(std::vector<int> group, std::vector<std::string> group_names) {
    ensemble_.SetGroups(std::move(group), std::move(group_names));
  }
  /// The training data's feature groups, when it has one per input (TreeEnsemble::SetGroupsFrom).
  void SetGroupsFrom(const TrainData& data) { ensemble_.SetGroupsFrom(data); }

 private:
  TreeEnsemble ensemble_;
  double base_score_;
  nlohmann::json info_;
  TreeShapExplainer explainer_;  ///< reads ensemble_'s trees (declared after it)
  /// Split directions of the backgrounds explained against (ExplainAgainst); thread-safe.
  InterventionalCache interventional_;
  SplitThresholdIndex thresholds_;  ///< SplitThresholds(), indexed on first use
};

/** Trains a gbdt model. Deterministic for a seed (also with threads > 1). */
std::unique_ptr<GbdtModel> TrainGbdt(const TrainData& data, const GbdtParams& params,
                                     const TrainContext& context);
/// Trainer entry for ModelFamilies(): parses params, then TrainGbdt.
std::unique_ptr<Model> TrainGbdtFamily(const TrainData& data, const ParamMap& params,
                                       const TrainContext& context);

}  // namespace loanlens::tree
