#include "loanlens/validation/backtest.h"

#include <cstdio>
#include <string>

#include "loanlens/validation/band_table.h"
#include "loanlens/validation/hosmer_lemeshow.h"

namespace loanlens {

nlohmann::json Backtest(const std::vector<double>& y, const std::vector<double>& pd,
                        const Policy& policy, const BacktestOptions& options) {
  nlohmann::json m = EvaluateBinary(y, pd, options.eval);
  m["intervals"] = ToJson(BootstrapRankMetrics(y, pd, options.bootstrap), options.bootstrap);
  m["band_table"] = BandTableJson(BandTable(policy, pd, y), true);
  m["hosmer_lemeshow"] = ToJson(HosmerLemeshow(y, pd, options.hl_groups));
  m["confusion_at_cutoffs"] = ConfusionAtCutoffs(policy, y, pd);
  return m;
}

nlohmann::json CompareTrainingValidation(const nlohmann::json& training,
                                         const nlohmann::json& validation, double threshold) {
  const double auc_t = training.at("auc").get<double>();
  const double auc_v = validation.at("auc").get<double>();
  const double gap = auc_t - auc_v;
  const bool overfit = gap > threshold;
  char buf[320];
  std::snprintf(buf, sizeof buf,
                "AUC is %.3f on the training sample and %.3f on validation (gap %.3f); %s", auc_t,
                auc_v, gap,
                overfit ? "a gap above the threshold points to possible over-fitting: the "
                          "validation figures are the ones to rely on."
                        : "the gap is within the threshold, no sign of over-fitting.");
  return {{"auc_training", auc_t},
          {"auc_validation", auc_v},
          {"auc_gap", gap},
          {"ks_gap", training.at("ks").get<double>() - validation.at("ks").get<double>()},
          {"threshold", threshold},
          {"overfitting", overfit},
          {"statement", buf}};
}

}  // namespace loanlens
