#pragma once
/// \file
/// Back-test of a bundle on labelled rows: EvaluateBinary's metrics plus the validation evidence a
/// model validator asks for (bootstrap intervals, band table, Hosmer-Lemeshow, confusion at the
/// policy's cut-offs), and the training-versus-validation comparison.
#include <nlohmann/json.hpp>
#include <vector>

#include "loanlens/metrics.h"
#include "loanlens/policy/policy.h"
#include "loanlens/validation/bootstrap.h"

namespace loanlens {

struct BacktestOptions {
  EvalOptions eval;
  BootstrapOptions bootstrap;
  std::size_t hl_groups = 10;
};

/**
 * EvaluateBinary(y, pd) (which holds gains / lift by decile and calibration by decile) plus
 *   "intervals": ToJson(BootstrapRankMetrics) (AUC, KS, Gini with percentile intervals),
 *   "band_table": BandTableJson (count, share, bad rate, cumulative approval and bad rate),
 *   "hosmer_lemeshow": {"statistic","df","p_value","groups"} on the calibration deciles,
 *   "confusion_at_cutoffs": ConfusionAtCutoffs (one per policy cut-off).
 */
nlohmann::json Backtest(const std::vector<double>& y, const std::vector<double>& pd,
                        const Policy& policy, const BacktestOptions& options = BacktestOptions());

/// AUC gap (training minus validation) above which the card and the Model screen call out
/// possible over-fitting.
inline constexpr double kOverfitAucGap = 0.05;

/// {"auc_training","auc_validation","auc_gap","ks_gap","threshold","overfitting": bool,
///  "statement"} from two Backtest / EvaluateBinary documents.
nlohmann::json CompareTrainingValidation(const nlohmann::json& training,
                                         const nlohmann::json& validation,
                                         double threshold = kOverfitAucGap);

}  // namespace loanlens
