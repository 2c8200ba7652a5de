#include "loanlens/decision/reference.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "loanlens/error.h"

namespace loanlens {
namespace {

constexpr std::size_t kMinReferenceRows = 20;  ///< widen the band when it holds fewer rows
/// Reference rows kept when the model has no exact explainer (Kernel SHAP background).
constexpr std::size_t kKernelReferenceRows = 50;
constexpr std::size_t kMaxPoolRows = 5000;

/// One pool row of raw values, checked against the schema (null = missing).
std::vector<double> PoolRow(const nlohmann::json& row, std::size_t index, const Schema& schema,
                            const std::vector<std::string>& features) {
  const std::string path = "explain.reference_pool.rows[" + std::to_string(index) + "]";
  if (!row.is_array() || row.size() != features.size())
    throw Error(path + ": expected " + std::to_string(features.size()) + " values");
  std::vector<double> out(features.size());
  for (std::size_t j = 0; j < features.size(); ++j) {
    const auto& v = row[j];
    if (v.is_null()) {
      out[j] = std::numeric_limits<double>::quiet_NaN();
      continue;
    }
    if (!v.is_number() || !std::isfinite(v.get<double>()))
      throw Error(path + "[" + std::to_string(j) + "]: expected a number or null");
    out[j] = v.get<double>();
    const ColumnSpec* c = schema.Find(features[j]);
    if (c->type == ColumnType::kCategorical &&
        (out[j] != std::floor(out[j]) || out[j] < 0 ||
         out[j] >= static_cast<double>(c->categories.size())))
      throw Error(path + "[" + std::to_string(j) + "]: expected a category code of '" +
                  features[j] + "'");
  }
  return out;
}

/// Indices of the pool rows that form the reference: points in [cut, cut + band], closest to
/// the cut first, at most max_rows; widened to the nearest rows at or above the cut (or, if
/// there are too few, the nearest overall) when the band holds fewer than kMinReferenceRows.
std::vector<std::size_t> ChooseRows(const std::vector<double>& points, double cut, double band,
                                    std::size_t max_rows, bool& widened) {
  std::vector<std::size_t> order(points.size());
  std::iota(order.begin(), order.end(), 0);
  auto distance = [&](std::size_t i) {
    // Rows below the cut come after every row at or above it.
    return points[i] >= cut ? points[i] - cut : 1e12 + (cut - points[i]);
  };
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return distance(a) < distance(b); });
  std::size_t in_band = 0;
  while (in_band < order.size() && points[order[in_band]] >= cut &&
         points[order[in_band]] <= cut + band)
    ++in_band;
  const std::size_t wanted = std::min(max_rows, std::max(in_band, kMinReferenceRows));
  widened = wanted > in_band;
  order.resize(std::min(order.size(), wanted));
  return order;
}

}  // namespace

nlohmann::json ReferencePoolJson(const Frame& train, const std::vector<double>& margins,
                                 std::size_t max_rows) {
  std::vector<std::size_t> order(train.num_rows);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return margins[a] < margins[b]; });
  const std::size_t n = std::min(max_rows, train.num_rows);
  nlohmann::json rows = nlohmann::json::array();
  const std::size_t f = train.feature_names.size();
  for (std::size_t k = 0; k < n; ++k) {
    // Evenly spaced ranks, both ends included.
    const std::size_t rank = n == 1 ? 0 : k * (train.num_rows - 1) / (n - 1);
    const double* raw = train.Row(order[rank]);
    nlohmann::json row = nlohmann::json::array();
    for (std::size_t j = 0; j < f; ++j)
      row.push_back(std::isnan(raw[j]) ? nlohmann::json(nullptr) : nlohmann::json(raw[j]));
    rows.push_back(std::move(row));
  }
  return {{"rows", rows}};
}

Reference Reference::Select(const nlohmann::json& pool_json, const Schema& schema,
                            const Preprocessor& pre, const Policy& policy,
                            const std::function<PoolScore(const double*)>& score,
                            bool exact_method) {
  if (!pool_json.is_object() || !pool_json.contains("rows") || !pool_json["rows"].is_array())
    throw Error("explain.reference_pool.rows: expected an array of rows");
  const auto& rows = pool_json["rows"];
  if (rows.empty() || rows.size() > kMaxPoolRows)
    throw Error("explain.reference_pool.rows: expected 1 to " + std::to_string(kMaxPoolRows) +
                " rows, got " + std::to_string(rows.size()));
  const std::vector<std::string> features = schema.FeatureNames();
  std::vector<std::vector<double>> raw;
  std::vector<double> points, margins;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    raw.push_back(PoolRow(rows[i], i, schema, features));
    const PoolScore s = score(raw.back().data());
    points.push_back(s.points);
    margins.push_back(s.margin);
  }
  Reference ref;
  // Kernel SHAP evaluates the model once per background row and coalition: keep at most 50
  // rows when there is no exact method.
  std::size_t max_rows = static_cast<std::size_t>(policy.reference_rows);
  if (!exact_method) max_rows = std::min(max_rows, kKernelReferenceRows);
  const std::vector<std::size_t> chosen = ChooseRows(
      points, policy.ApprovePoints(), policy.reference_band_points, max_rows, ref.widened_);
  ref.num_rows_ = chosen.size();
  ref.num_inputs_ = pre.NumInputs();
  ref.num_features_ = features.size();
  ref.group_ = pre.Group();
  ref.design_.resize(ref.num_rows_ * ref.num_inputs_);
  ref.low_points_ = std::numeric_limits<double>::infinity();
  ref.high_points_ = -ref.low_points_;
  std::vector<double> sum(features.size(), 0.0), count(features.size(), 0.0);
  for (std::size_t k = 0; k < chosen.size(); ++k) {
    const std::size_t i = chosen[k];
    pre.Transform(raw[i].data(), ref.design_.data() + k * ref.num_inputs_);
    ref.mean_margin_ += margins[i] / static_cast<double>(chosen.size());
    ref.low_points_ = std::min(ref.low_points_, points[i]);
    ref.high_points_ = std::max(ref.high_points_, points[i]);
    for (std::size_t j = 0; j < features.size(); ++j)
      if (!std::isnan(raw[i][j])) sum[j] += raw[i][j], count[j] += 1;
  }
  ref.mean_raw_.assign(features.size(), std::numeric_limits<double>::quiet_NaN());
  for (std::size_t j = 0; j < features.size(); ++j)
    if (count[j] > 0 && schema.Find(features[j])->type != ColumnType::kCategorical)
      ref.mean_raw_[j] = sum[j] / count[j];
  if (exact_method) return ref;
  // Kernel SHAP background for models without an exact method: the reference rows themselves.
  const std::size_t nb = ref.num_rows_;
  nlohmann::json background = nlohmann::json::array();
  for (std::size_t k = 0; k < nb; ++k) {
    background.push_back(std::vector<double>(ref.design_.begin() + k * ref.num_inputs_,
                                             ref.design_.begin() + (k + 1) * ref.num_inputs_));
  }
  ref.kernel_ = std::make_shared<KernelExplainer>(
      KernelExplainer::FromJson({{"num_inputs", ref.num_inputs_},
                                 {"group", ref.group_},
                                 {"group_names", features},
                                 {"background", background},
                                 {"weight", std::vector<double>(nb, 1.0 / nb)}}));
  return ref;
}

void Reference::Contributions(const Model& model, const double* x, const KernelShapOptions& options,
                              double* phi) const {
  if (Empty()) throw Error("the bundle has no reference population (train it again)");
  if (model.ExplainAgainst(x, design_.data(), num_rows_, group_, num_features_, phi)) return;
  // No exact method: Kernel SHAP with the reference rows as its background (Select() kept at
  // most 50 of them); its base value is their mean margin, so the sum is margin(x) - MeanMargin().
  kernel_->Explain([&model](const double* row) { return model.PredictMargin(row); }, x, phi,
                   options);
}

nlohmann::json Reference::Summary() const {
  return {{"rows", num_rows_},
          {"margin", mean_margin_},
          {"points_low", low_points_},
          {"points_high", high_points_},
          {"widened", widened_}};
}

}  // namespace loanlens
