#pragma once
/// \file
/// Binary classification metrics for scored data: y in {0, 1} (1 = default / "bad" / positive)
/// and a score (a pd, or a margin where the metric is rank based). Conventions follow
/// scikit-learn 1.2 so that committed fixtures made with it (tests/fixtures/metrics) check us:
///   - a row is predicted positive when score >= threshold;
///   - ROC thresholds are the distinct scores in decreasing order, preceded by max(score) + 1
///     (the point (0, 0)), as sklearn.metrics.roc_curve does;
///   - PR AUC is average precision, sum_k (R_k - R_{k-1}) P_k, as average_precision_score does.
/// Every function validates its input and throws loanlens::Error naming the offending entry.
/// Rank-based metrics (AUC, ROC, KS, PR AUC) accept any finite score; probability metrics (log
/// loss, Brier, calibration, score distribution, EvaluateBinary) require pd in [0, 1].
#include <cstddef>
#include <nlohmann/json.hpp>
#include <vector>

namespace loanlens {

/// Options for EvaluateBinary.
struct EvalOptions {
  double threshold = 0.5;             ///< confusion matrix cut-off: predicted positive if pd >= it
  std::size_t roc_max_points = 200;   ///< stored ROC / KS curve points (>= 2; metrics use all)
  std::size_t calibration_bins = 10;  ///< quantile bins of predicted pd
  std::size_t gains_bins = 10;        ///< population slices for gains / lift (10 = deciles)
  std::size_t histogram_bins = 20;    ///< equal-width bins on [0, 1] for the score distribution
  /// The stored confusion counts at PD thresholds 0, 1/steps, ..., 1 (the Model screen's
  /// slider reads them exactly; the curves above are thinned to roc_max_points).
  std::size_t confusion_grid_steps = 200;
};

/// A ROC curve: fpr[k], tpr[k] are the rates when predicting positive for score >= threshold[k].
/// threshold is decreasing; the first point is (0, 0) with threshold max(score) + 1.
struct RocCurve {
  std::vector<double> fpr;
  std::vector<double> tpr;
  std::vector<double> threshold;
};

/// Kolmogorov-Smirnov separation: max over thresholds of tpr - fpr, i.e. the largest gap between
/// the cumulative share of bads (positives) and of goods (negatives) at or above a score. It is
/// one-sided, as max(tpr - fpr) over sklearn roc_curve: an inverted ranking gives ks = 0.
struct KsResult {
  double ks = 0;
  /// The highest score t at which "score >= t" attains the maximum; max(score) + 1 (flag
  /// nobody) when no threshold separates better than chance (ks == 0).
  double threshold = 0;
  double tpr = 0;  ///< cumulative bad share at that threshold
  double fpr = 0;  ///< cumulative good share at that threshold
};

/// Counts and rates of the rule "score >= threshold" (rates with a zero denominator are 0).
struct Confusion {
  std::size_t tp = 0, fp = 0, tn = 0, fn = 0;
  double tpr = 0, fpr = 0, precision = 0, accuracy = 0, f1 = 0;
};
/// {"tp","fp","tn","fn","tpr","fpr","precision","accuracy","f1"}.
nlohmann::json ConfusionJson(const Confusion& c);

/// One calibration bin (quantile bins of predicted pd, ties kept together; empty bins dropped).
struct CalibrationBin {
  std::size_t bin = 0;          ///< 0-based bin index before dropping empty bins
  double lower = 0, upper = 0;  ///< bin edges (quantiles of pd)
  std::size_t n = 0;
  double mean_pd = 0;
  double observed = 0;  ///< observed default rate
};

/// One population slice of a gains table (rows sorted by score, highest first).
struct GainsRow {
  std::size_t slice = 0;      ///< 1-based (decile 1 = the riskiest tenth)
  std::size_t n = 0;          ///< rows in the slice
  double positives = 0;       ///< positives in the slice (tied scores shared pro rata)
  double cum_population = 0;  ///< share of all rows in slices 1..slice
  double cum_gain = 0;        ///< share of all positives captured in slices 1..slice
  double lift = 0;            ///< slice positive rate / overall positive rate
  double cum_lift = 0;        ///< cum_gain / cum_population
  double min_score = 0, max_score = 0;
};

/// Histogram of pd on [0, 1] by class: bin k is [edges[k], edges[k+1]), the last bin closed.
struct ScoreDistribution {
  std::vector<double> edges;  ///< bins + 1 values, edges[k] = k / bins
  std::vector<std::size_t> positive;
  std::vector<std::size_t> negative;
};

/// ROC AUC by the Mann-Whitney statistic with ties counted 1/2 (equal to average-rank AUC).
/** \param y labels in {0, 1}  \param score any finite score, higher = riskier
    Throws when a class is absent (AUC is undefined then). */
double RocAuc(const std::vector<double>& y, const std::vector<double>& score);

/// The ROC curve as sklearn roc_curve(drop_intermediate=True) returns it, then thinned to at most
/// max_points points (0 = no thinning) evenly along its length; the ends are always kept.
RocCurve ComputeRocCurve(const std::vector<double>& y, const std::vector<double>& score,
                         std::size_t max_points = 0);

/// KS statistic and where it occurs (computed on every distinct threshold).
KsResult KsStatistic(const std::vector<double>& y, const std::vector<double>& score);

/// Average precision (PR AUC), as sklearn average_precision_score.
double AveragePrecision(const std::vector<double>& y, const std::vector<double>& score);

/// Mean negative log-likelihood with pd clipped to [eps, 1 - eps].
double LogLoss(const std::vector<double>& y, const std::vector<double>& pd, double eps = 1e-15);

/// Mean squared error of pd against y.
double BrierScore(const std::vector<double>& y, const std::vector<double>& pd);

/// Confusion matrix and rates of "score >= threshold".
Confusion ConfusionAt(const std::vector<double>& y, const std::vector<double>& score,
                      double threshold);

/// Calibration table: edges are the linear-interpolated quantiles k / bins of pd (as numpy
/// percentile); a value on an inner edge goes to the lower bin (sklearn calibration_curve with
/// strategy="quantile"). Empty bins are left out.
std::vector<CalibrationBin> CalibrationTable(const std::vector<double>& y,
                                             const std::vector<double>& pd, std::size_t bins = 10);

/// Cumulative gains and lift: rows sorted by score (highest first) cut into `slices` slices at
/// floor(k * n / slices) rows; positives of a group of tied scores are spread evenly
/// over its rows, so the table does not depend on the input order.
std::vector<GainsRow> GainsTable(const std::vector<double>& y, const std::vector<double>& score,
                                 std::size_t slices = 10);

/// Score distribution by class: counts of pd per bin.
ScoreDistribution ScoreHistogram(const std::vector<double>& y, const std::vector<double>& pd,
                                 std::size_t bins = 20);

/// {"step", "threshold": [0, step, ..., 1], "tpr": [], "fpr": []}: the shares of bads and of goods
/// with pd >= threshold (ConfusionAt) at every multiple of 1 / steps, unthinned.
nlohmann::json ConfusionGridJson(const std::vector<double>& y, const std::vector<double>& pd,
                                 std::size_t steps);

/**
 * All of the above as one JSON document (snake_case keys):
 * {
 *   "n_rows", "n_positive", "positive_rate",
 *   "auc", "gini" (2 auc - 1), "ks", "ks_threshold", "pr_auc", "log_loss", "brier",
 *   "threshold",
 *   "confusion": {"tp","fp","tn","fn","tpr","fpr","precision","accuracy","f1"},
 *   "confusion_grid": ConfusionGridJson(y, pd, confusion_grid_steps),
 *   "roc": {"fpr":[],"tpr":[],"threshold":[]},            // thinned to roc_max_points
 *   "ks_curve": {"threshold":[],"cum_bad":[],"cum_good":[],"population":[]},
 *        // at each threshold t: share of bads, of goods and of all rows with pd >= t; thinned
 *        // to roc_max_points, always keeping the KS point
 *   "calibration": [{"bin","lower","upper","n","mean_pd","observed"}],
 *   "gains": [{"slice","n","positives","cum_population","cum_gain","lift","cum_lift",
 *              "min_score","max_score"}],
 *   "score_distribution": {"edges":[],"positive":[],"negative":[]}
 * }
 * \param y labels in {0, 1}, at least one of each
 * \param pd predicted probabilities of default in [0, 1], same length as y
 * \param options cut-off and table sizes
 */
nlohmann::json EvaluateBinary(const std::vector<double>& y, const std::vector<double>& pd,
                              const EvalOptions& options = EvalOptions());

}  // namespace loanlens
