#include "loanlens/metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <string>

#include "loanlens/error.h"
#include "loanlens/portable_math.h"

namespace loanlens {
namespace {

std::string FormatValue(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.17g", v);
  return buf;
}

/// Neumaier-compensated sum, so means over many rows agree with numpy's pairwise sums.
class Sum {
 public:
  void Add(double v) {
    const double t = sum_ + v;
    comp_ += std::fabs(sum_) >= std::fabs(v) ? (sum_ - t) + v : (v - t) + sum_;
    sum_ = t;
  }
  double Value() const { return sum_ + comp_; }

 private:
  double sum_ = 0, comp_ = 0;
};

enum class ScoreKind { kScore, kPd };

/// Checks lengths, labels in {0, 1} and finite scores (in [0, 1] for a pd). Returns the number
/// of positives.
std::size_t Validate(const std::vector<double>& y, const std::vector<double>& score, ScoreKind kind,
                     const char* metric) {
  const char* score_name = kind == ScoreKind::kPd ? "pd" : "score";
  if (y.empty()) throw Error(std::string(metric) + ": no rows to evaluate (y is empty)");
  if (y.size() != score.size()) {
    throw Error(std::string(metric) + ": y has " + std::to_string(y.size()) + " entries but " +
                score_name + " has " + std::to_string(score.size()));
  }
  std::size_t num_positive = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    if (y[i] != 0.0 && y[i] != 1.0) {
      throw Error({"", 0, "y", FormatValue(y[i])},
                  std::string(metric) + ": entry " + std::to_string(i + 1) + " of " +
                      std::to_string(y.size()) + " is not a label; expected 0 or 1");
    }
    if (y[i] == 1.0) ++num_positive;
    const double s = score[i];
    if (!std::isfinite(s)) {
      throw Error({"", 0, score_name, FormatValue(s)},
                  std::string(metric) + ": entry " + std::to_string(i + 1) + " of " +
                      std::to_string(y.size()) + " is not a finite number");
    }
    if (kind == ScoreKind::kPd && (s < 0.0 || s > 1.0)) {
      throw Error({"", 0, score_name, FormatValue(s)},
                  std::string(metric) + ": entry " + std::to_string(i + 1) + " of " +
                      std::to_string(y.size()) +
                      " is outside [0, 1]; expected a probability of default");
    }
  }
  return num_positive;
}

void RequireBothClasses(std::size_t num_positive, std::size_t num_rows, const char* metric) {
  if (num_positive == 0 || num_positive == num_rows) {
    throw Error(std::string(metric) + " is undefined when only one class is present: all " +
                std::to_string(num_rows) +
                " rows have y = " + (num_positive == 0 ? "0 (no positives)" : "1 (no negatives)"));
  }
}

/// Rows grouped by distinct score, highest score first, with per-group label counts.
struct ScoreGroups {
  std::vector<double> score;      ///< distinct scores, decreasing
  std::vector<double> positives;  ///< positives in each group
  std::vector<double> negatives;  ///< negatives in each group
  std::vector<double> sorted;     ///< all scores, decreasing
  double num_positive = 0, num_negative = 0;
};

ScoreGroups GroupByScore(const std::vector<double>& y, const std::vector<double>& score) {
  std::vector<std::size_t> order(y.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&score](std::size_t a, std::size_t b) { return score[a] > score[b]; });
  ScoreGroups g;
  g.sorted.reserve(order.size());
  for (std::size_t i : order) {
    const double s = score[i];
    g.sorted.push_back(s);
    if (g.score.empty() || g.score.back() != s) {
      g.score.push_back(s);
      g.positives.push_back(0);
      g.negatives.push_back(0);
    }
    (y[i] == 1.0 ? g.positives : g.negatives).back() += 1;
    (y[i] == 1.0 ? g.num_positive : g.num_negative) += 1;
  }
  return g;
}

/// Indices (increasing) of at most max_points points of a polyline, evenly spaced along its
/// length; the ends and `keep` (if < size) are always included.
std::vector<std::size_t> ThinIndices(const std::vector<std::vector<double>>& coords,
                                     std::size_t max_points, std::size_t keep) {
  const std::size_t size = coords.front().size();
  std::vector<std::size_t> out;
  if (max_points == 0 || size <= max_points) {
    out.resize(size);
    std::iota(out.begin(), out.end(), std::size_t{0});
    return out;
  }
  // Cumulative length along the curve.
  std::vector<double> length(size, 0.0);
  for (std::size_t i = 1; i < size; ++i) {
    double d2 = 0;
    for (const auto& c : coords) d2 += (c[i] - c[i - 1]) * (c[i] - c[i - 1]);
    length[i] = length[i - 1] + std::sqrt(d2);
  }
  const bool extra = keep < size;
  const std::size_t targets = std::max<std::size_t>(2, max_points - (extra ? 1 : 0));
  const double total = length.back();
  for (std::size_t j = 0; j < targets; ++j) {
    const double at = total * static_cast<double>(j) / static_cast<double>(targets - 1);
    std::size_t i = std::lower_bound(length.begin(), length.end(), at) - length.begin();
    if (j + 1 == targets || i >= size) i = size - 1;
    out.push_back(i);
  }
  if (extra) out.push_back(keep);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<double> Pick(const std::vector<double>& v, const std::vector<std::size_t>& idx) {
  std::vector<double> out;
  out.reserve(idx.size());
  for (std::size_t i : idx) out.push_back(v[i]);
  return out;
}

/// Full (unthinned, not dropped) cumulative counts at each distinct threshold, with the leading
/// (0, 0) point at max + 1 as sklearn's roc_curve.
struct CumulativeCurve {
  std::vector<double> threshold, tps, fps;
};

CumulativeCurve Cumulate(const ScoreGroups& g) {
  CumulativeCurve c;
  c.threshold.push_back(g.score.front() + 1.0);
  c.tps.push_back(0);
  c.fps.push_back(0);
  for (std::size_t k = 0; k < g.score.size(); ++k) {
    c.threshold.push_back(g.score[k]);
    c.tps.push_back(c.tps.back() + g.positives[k]);
    c.fps.push_back(c.fps.back() + g.negatives[k]);
  }
  return c;
}

KsResult KsFromCurve(const CumulativeCurve& c, double num_positive, double num_negative,
                     std::size_t* at) {
  KsResult r;
  std::size_t best = 0;
  double best_gap = -2;
  for (std::size_t k = 0; k < c.threshold.size(); ++k) {
    const double gap = c.tps[k] / num_positive - c.fps[k] / num_negative;
    if (gap > best_gap) {
      best_gap = gap;
      best = k;
    }
  }
  r.ks = best_gap;
  r.threshold = c.threshold[best];
  r.tpr = c.tps[best] / num_positive;
  r.fpr = c.fps[best] / num_negative;
  if (at) *at = best;
  return r;
}

double AucOf(const ScoreGroups& g) {
  // Mann-Whitney U: for each negative, count the positives scored above it plus half of those
  // tied with it. All counts are (half-)integers, so the sum is exact in double.
  double positives_above = 0, u = 0;
  for (std::size_t k = 0; k < g.score.size(); ++k) {
    u += g.negatives[k] * (positives_above + 0.5 * g.positives[k]);
    positives_above += g.positives[k];
  }
  return u / (g.num_positive * g.num_negative);
}

RocCurve RocOf(const ScoreGroups& g, std::size_t max_points) {
  const CumulativeCurve c = Cumulate(g);
  // Drop points where both counts keep the same step as before (sklearn drop_intermediate; the
  // leading (0, 0) point is added after the drop there, so index 1 is the first real point).
  const std::size_t m = c.threshold.size() - 1;  // real points 1..m
  std::vector<std::size_t> kept{0};
  for (std::size_t j = 1; j <= m; ++j) {
    const bool end = j == 1 || j == m;
    const bool bend = !end && (c.fps[j + 1] - 2 * c.fps[j] + c.fps[j - 1] != 0 ||
                               c.tps[j + 1] - 2 * c.tps[j] + c.tps[j - 1] != 0);
    if (end || bend) kept.push_back(j);
  }
  RocCurve full;
  for (std::size_t j : kept) {
    full.fpr.push_back(c.fps[j] / g.num_negative);
    full.tpr.push_back(c.tps[j] / g.num_positive);
    full.threshold.push_back(c.threshold[j]);
  }
  const auto idx = ThinIndices({full.fpr, full.tpr}, max_points, full.fpr.size());
  if (idx.size() == full.fpr.size()) return full;
  return {Pick(full.fpr, idx), Pick(full.tpr, idx), Pick(full.threshold, idx)};
}

/// AP = sum_k (R_k - R_{k-1}) P_k over distinct thresholds, highest first.
double AveragePrecisionOf(const ScoreGroups& g) {
  double tp = 0, fp = 0, prev_recall = 0;
  Sum ap;
  for (std::size_t k = 0; k < g.score.size(); ++k) {
    tp += g.positives[k];
    fp += g.negatives[k];
    const double recall = tp / g.num_positive;
    ap.Add((recall - prev_recall) * (tp / (tp + fp)));
    prev_recall = recall;
  }
  return ap.Value();
}

std::vector<GainsRow> GainsOf(const ScoreGroups& g, std::size_t slices) {
  if (slices == 0) throw Error("gains table: the number of slices must be at least 1");
  const std::size_t n = g.sorted.size();
  // Cumulative positives among the first r rows, tied groups shared pro rata.
  std::vector<double> rows_before(g.score.size() + 1, 0), pos_before(g.score.size() + 1, 0);
  for (std::size_t k = 0; k < g.score.size(); ++k) {
    rows_before[k + 1] = rows_before[k] + g.positives[k] + g.negatives[k];
    pos_before[k + 1] = pos_before[k] + g.positives[k];
  }
  auto cum_positives = [&](std::size_t r) {
    if (r == 0) return 0.0;
    // group k holding row r - 1 (0-based): rows_before[k] < r <= rows_before[k + 1]
    const std::size_t k =
        std::lower_bound(rows_before.begin() + 1, rows_before.end(), static_cast<double>(r)) -
        (rows_before.begin() + 1);
    const double group_rows = rows_before[k + 1] - rows_before[k];
    return pos_before[k] + (static_cast<double>(r) - rows_before[k]) * g.positives[k] / group_rows;
  };
  const double base_rate = g.num_positive / static_cast<double>(n);
  std::vector<GainsRow> out;
  std::size_t prev_end = 0;
  double prev_cum = 0;
  for (std::size_t s = 1; s <= slices; ++s) {
    const std::size_t end = s * n / slices;
    const double cum = cum_positives(end);
    GainsRow row;
    row.slice = s;
    row.n = end - prev_end;
    row.positives = cum - prev_cum;
    row.cum_population = static_cast<double>(end) / static_cast<double>(n);
    row.cum_gain = cum / g.num_positive;
    row.lift = row.n > 0 ? row.positives / static_cast<double>(row.n) / base_rate : 0.0;
    row.cum_lift = end > 0 ? row.cum_gain / row.cum_population : 0.0;
    if (row.n > 0) {
      row.max_score = g.sorted[prev_end];
      row.min_score = g.sorted[end - 1];
    }
    out.push_back(row);
    prev_end = end;
    prev_cum = cum;
  }
  return out;
}

/// The rates of a confusion matrix from its four counts.
Confusion WithRates(Confusion c) {
  auto ratio = [](double a, double b) { return b > 0 ? a / b : 0.0; };
  const double tp = static_cast<double>(c.tp), fp = static_cast<double>(c.fp);
  const double tn = static_cast<double>(c.tn), fn = static_cast<double>(c.fn);
  c.tpr = ratio(tp, tp + fn);
  c.fpr = ratio(fp, fp + tn);
  c.precision = ratio(tp, tp + fp);
  c.accuracy = ratio(tp + tn, tp + tn + fp + fn);
  c.f1 = ratio(2 * tp, 2 * tp + fp + fn);
  return c;
}

/// One pass down the groups (highest score first) while the threshold steps down from 1 to 0:
/// the groups at or above a threshold are the rows with score >= it.
nlohmann::json ConfusionGridOf(const ScoreGroups& g, std::size_t steps) {
  if (steps == 0) throw Error("confusion grid: the number of steps must be at least 1");
  std::vector<double> threshold(steps + 1), tpr(steps + 1), fpr(steps + 1);
  const auto num_positive = static_cast<std::size_t>(g.num_positive);
  const auto num_negative = static_cast<std::size_t>(g.num_negative);
  std::size_t k = 0, tp = 0, fp = 0;
  for (std::size_t i = steps + 1; i-- > 0;) {
    const double t = static_cast<double>(i) / static_cast<double>(steps);
    for (; k < g.score.size() && g.score[k] >= t; ++k) {
      tp += static_cast<std::size_t>(g.positives[k]);
      fp += static_cast<std::size_t>(g.negatives[k]);
    }
    Confusion c;
    c.tp = tp;
    c.fp = fp;
    c.fn = num_positive - tp;
    c.tn = num_negative - fp;
    c = WithRates(c);
    threshold[i] = t;
    tpr[i] = c.tpr;
    fpr[i] = c.fpr;
  }
  return {{"step", 1.0 / static_cast<double>(steps)},
          {"threshold", threshold},
          {"tpr", tpr},
          {"fpr", fpr}};
}

}  // namespace

double RocAuc(const std::vector<double>& y, const std::vector<double>& score) {
  const std::size_t num_positive = Validate(y, score, ScoreKind::kScore, "ROC AUC");
  RequireBothClasses(num_positive, y.size(), "ROC AUC");
  return AucOf(GroupByScore(y, score));
}

RocCurve ComputeRocCurve(const std::vector<double>& y, const std::vector<double>& score,
                         std::size_t max_points) {
  const std::size_t num_positive = Validate(y, score, ScoreKind::kScore, "ROC curve");
  RequireBothClasses(num_positive, y.size(), "ROC curve");
  return RocOf(GroupByScore(y, score), max_points);
}

KsResult KsStatistic(const std::vector<double>& y, const std::vector<double>& score) {
  const std::size_t num_positive = Validate(y, score, ScoreKind::kScore, "KS statistic");
  RequireBothClasses(num_positive, y.size(), "KS statistic");
  const ScoreGroups g = GroupByScore(y, score);
  return KsFromCurve(Cumulate(g), g.num_positive, g.num_negative, nullptr);
}

double AveragePrecision(const std::vector<double>& y, const std::vector<double>& score) {
  const std::size_t num_positive = Validate(y, score, ScoreKind::kScore, "average precision");
  if (num_positive == 0) {
    throw Error("average precision is undefined when there are no positives (all " +
                std::to_string(y.size()) + " rows have y = 0)");
  }
  return AveragePrecisionOf(GroupByScore(y, score));
}

double LogLoss(const std::vector<double>& y, const std::vector<double>& pd, double eps) {
  Validate(y, pd, ScoreKind::kPd, "log loss");
  Sum total;
  for (std::size_t i = 0; i < y.size(); ++i) {
    const double p = std::min(std::max(pd[i], eps), 1.0 - eps);
    total.Add(y[i] == 1.0 ? -Log(p) : -Log(1.0 - p));
  }
  return total.Value() / static_cast<double>(y.size());
}

double BrierScore(const std::vector<double>& y, const std::vector<double>& pd) {
  Validate(y, pd, ScoreKind::kPd, "Brier score");
  Sum total;
  for (std::size_t i = 0; i < y.size(); ++i) total.Add((y[i] - pd[i]) * (y[i] - pd[i]));
  return total.Value() / static_cast<double>(y.size());
}

Confusion ConfusionAt(const std::vector<double>& y, const std::vector<double>& score,
                      double threshold) {
  Validate(y, score, ScoreKind::kScore, "confusion matrix");
  if (!std::isfinite(threshold)) {
    throw Error({"", 0, "threshold", FormatValue(threshold)},
                "confusion matrix: the threshold must be a finite number");
  }
  Confusion c;
  for (std::size_t i = 0; i < y.size(); ++i) {
    const bool predicted = score[i] >= threshold;
    if (y[i] == 1.0) {
      ++(predicted ? c.tp : c.fn);
    } else {
      ++(predicted ? c.fp : c.tn);
    }
  }
  return WithRates(c);
}

nlohmann::json ConfusionJson(const Confusion& c) {
  return {{"tp", c.tp},
          {"fp", c.fp},
          {"tn", c.tn},
          {"fn", c.fn},
          {"tpr", c.tpr},
          {"fpr", c.fpr},
          {"precision", c.precision},
          {"accuracy", c.accuracy},
          {"f1", c.f1}};
}

std::vector<CalibrationBin> CalibrationTable(const std::vector<double>& y,
                                             const std::vector<double>& pd, std::size_t bins) {
  Validate(y, pd, ScoreKind::kPd, "calibration table");
  if (bins == 0) throw Error("calibration table: the number of bins must be at least 1");
  std::vector<double> sorted = pd;
  std::sort(sorted.begin(), sorted.end());
  const std::size_t n = sorted.size();
  // Edges: quantiles k / bins with linear interpolation between order statistics (numpy's
  // default percentile, including its two-sided lerp).
  std::vector<double> edges(bins + 1);
  for (std::size_t k = 0; k <= bins; ++k) {
    // q_k as numpy.linspace(0, 1, bins + 1) makes it (k * step, last = 1), scaled to percent and
    // back as numpy.percentile does, so edges agree to the last bit with sklearn's.
    double q = k == bins ? 1.0 : static_cast<double>(k) * (1.0 / static_cast<double>(bins));
    q = q * 100.0 / 100.0;
    const double pos = static_cast<double>(n - 1) * q;
    const std::size_t lo = std::min(static_cast<std::size_t>(std::floor(pos)), n - 1);
    const std::size_t hi = std::min(lo + 1, n - 1);
    const double t = pos - static_cast<double>(lo);
    const double a = sorted[lo], b = sorted[hi];
    edges[k] = t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
  }
  // Bin of a value: number of inner edges strictly below it (ties on an edge go to the lower bin).
  std::vector<double> count(bins, 0), sum_pd(bins, 0), sum_y(bins, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t b =
        std::lower_bound(edges.begin() + 1, edges.end() - 1, pd[i]) - (edges.begin() + 1);
    count[b] += 1;
    sum_pd[b] += pd[i];  // input order, as numpy.bincount sums
    sum_y[b] += y[i];
  }
  std::vector<CalibrationBin> out;
  for (std::size_t b = 0; b < bins; ++b) {
    if (count[b] == 0) continue;
    CalibrationBin row;
    row.bin = b;
    row.lower = edges[b];
    row.upper = edges[b + 1];
    row.n = static_cast<std::size_t>(count[b]);
    row.mean_pd = sum_pd[b] / count[b];
    row.observed = sum_y[b] / count[b];
    out.push_back(row);
  }
  return out;
}

std::vector<GainsRow> GainsTable(const std::vector<double>& y, const std::vector<double>& score,
                                 std::size_t slices) {
  const std::size_t num_positive = Validate(y, score, ScoreKind::kScore, "gains table");
  if (num_positive == 0) {
    throw Error("gains table is undefined when there are no positives (all " +
                std::to_string(y.size()) + " rows have y = 0)");
  }
  return GainsOf(GroupByScore(y, score), slices);
}

ScoreDistribution ScoreHistogram(const std::vector<double>& y, const std::vector<double>& pd,
                                 std::size_t bins) {
  Validate(y, pd, ScoreKind::kPd, "score distribution");
  if (bins == 0) throw Error("score distribution: the number of bins must be at least 1");
  ScoreDistribution d;
  d.edges.resize(bins + 1);
  for (std::size_t k = 0; k <= bins; ++k) {
    d.edges[k] = static_cast<double>(k) / static_cast<double>(bins);
  }
  d.positive.assign(bins, 0);
  d.negative.assign(bins, 0);
  for (std::size_t i = 0; i < y.size(); ++i) {
    // bin k holds [edges[k], edges[k+1]); pd == 1 falls in the last bin
    std::size_t k = std::upper_bound(d.edges.begin(), d.edges.end(), pd[i]) - d.edges.begin() - 1;
    k = std::min(k, bins - 1);
    ++(y[i] == 1.0 ? d.positive : d.negative)[k];
  }
  return d;
}

nlohmann::json ConfusionGridJson(const std::vector<double>& y, const std::vector<double>& pd,
                                 std::size_t steps) {
  Validate(y, pd, ScoreKind::kScore, "confusion grid");
  return ConfusionGridOf(GroupByScore(y, pd), steps);
}

nlohmann::json EvaluateBinary(const std::vector<double>& y, const std::vector<double>& pd,
                              const EvalOptions& options) {
  const std::size_t num_positive = Validate(y, pd, ScoreKind::kPd, "evaluation");
  RequireBothClasses(num_positive, y.size(), "ROC AUC");
  const double n = static_cast<double>(y.size());
  nlohmann::json out;
  out["n_rows"] = y.size();
  out["n_positive"] = num_positive;
  out["positive_rate"] = static_cast<double>(num_positive) / n;
  // Every rank metric reads the rows grouped by score once.
  const ScoreGroups g = GroupByScore(y, pd);
  const double auc = AucOf(g);
  out["auc"] = auc;
  out["gini"] = 2 * auc - 1;

  // KS and its curve share the cumulative counts.
  const CumulativeCurve c = Cumulate(g);
  std::size_t ks_at = 0;
  const KsResult ks = KsFromCurve(c, g.num_positive, g.num_negative, &ks_at);
  out["ks"] = ks.ks;
  out["ks_threshold"] = ks.threshold;
  out["pr_auc"] = AveragePrecisionOf(g);
  out["log_loss"] = LogLoss(y, pd);
  out["brier"] = BrierScore(y, pd);
  out["threshold"] = options.threshold;
  out["confusion"] = ConfusionJson(ConfusionAt(y, pd, options.threshold));
  out["confusion_grid"] = ConfusionGridOf(g, options.confusion_grid_steps);

  const RocCurve roc = RocOf(g, options.roc_max_points);
  out["roc"] = {{"fpr", roc.fpr}, {"tpr", roc.tpr}, {"threshold", roc.threshold}};

  std::vector<double> cum_bad, cum_good, population;
  for (std::size_t k = 0; k < c.threshold.size(); ++k) {
    cum_bad.push_back(c.tps[k] / g.num_positive);
    cum_good.push_back(c.fps[k] / g.num_negative);
    population.push_back((c.tps[k] + c.fps[k]) / n);
  }
  const auto idx = ThinIndices({population, cum_bad, cum_good}, options.roc_max_points, ks_at);
  out["ks_curve"] = {{"threshold", Pick(c.threshold, idx)},
                     {"cum_bad", Pick(cum_bad, idx)},
                     {"cum_good", Pick(cum_good, idx)},
                     {"population", Pick(population, idx)}};

  nlohmann::json calibration = nlohmann::json::array();
  for (const auto& b : CalibrationTable(y, pd, options.calibration_bins)) {
    calibration.push_back({{"bin", b.bin},
                           {"lower", b.lower},
                           {"upper", b.upper},
                           {"n", b.n},
                           {"mean_pd", b.mean_pd},
                           {"observed", b.observed}});
  }
  out["calibration"] = calibration;

  nlohmann::json gains = nlohmann::json::array();
  for (const auto& r : GainsOf(g, options.gains_bins)) {
    gains.push_back({{"slice", r.slice},
                     {"n", r.n},
                     {"positives", r.positives},
                     {"cum_population", r.cum_population},
                     {"cum_gain", r.cum_gain},
                     {"lift", r.lift},
                     {"cum_lift", r.cum_lift},
                     {"min_score", r.min_score},
                     {"max_score", r.max_score}});
  }
  out["gains"] = gains;

  const ScoreDistribution d = ScoreHistogram(y, pd, options.histogram_bins);
  out["score_distribution"] = {
      {"edges", d.edges}, {"positive", d.positive}, {"negative", d.negative}};
  return out;
}

}  // namespace loanlens
