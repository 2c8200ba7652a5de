#include "loanlens/monitoring/drift_reference.h"

#include <algorithm>
#include <cmath>

#include "loanlens/error.h"
#include "loanlens/json_util.h"
#include "loanlens/monitoring/psi.h"

namespace loanlens {
namespace {

std::string EdgeLabel(const std::vector<double>& edges, std::size_t k) {
  if (edges.empty()) return "all values";
  if (k == 0) return "<= " + FormatNumber(edges[0]);
  if (k == edges.size()) return "> " + FormatNumber(edges.back());
  return "(" + FormatNumber(edges[k - 1]) + ", " + FormatNumber(edges[k]) + "]";
}

/// Shares of each bin of `v` over `values`, plus the missing rate.
void FitShares(BinnedVariable& v, const std::vector<double>& values) {
  std::vector<double> counts(v.NumBins(), 0.0);
  std::size_t missing = 0;
  for (double x : values) {
    counts[v.Bin(x)] += 1;
    if (std::isnan(x)) ++missing;
  }
  v.shares = Shares(counts);
  v.missing_rate = values.empty() ? 0 : static_cast<double>(missing) / values.size();
}

BinnedVariable NumericVariable(const std::string& name, const std::vector<double>& values,
                               std::size_t bins, bool missing_bin) {
  BinnedVariable v;
  v.name = name;
  v.has_missing_bin = missing_bin;
  v.edges = QuantileEdges(values, bins);
  for (std::size_t k = 0; k <= v.edges.size(); ++k) v.labels.push_back(EdgeLabel(v.edges, k));
  if (missing_bin) v.labels.push_back("missing");
  bool any = false;
  for (double x : values)
    if (!std::isnan(x)) {
      v.min = any ? std::min(v.min, x) : x;
      v.max = any ? std::max(v.max, x) : x;
      any = true;
    }
  FitShares(v, values);
  return v;
}

BinnedVariable CategoricalVariable(const ColumnSpec& spec, const std::vector<double>& values) {
  BinnedVariable v;
  v.name = spec.name;
  v.categorical = true;
  const std::size_t own = std::min(spec.categories.size(), kDriftMaxLevels);
  for (std::size_t l = 0; l < spec.categories.size(); ++l) v.level_bin.push_back(std::min(l, own));
  for (std::size_t l = 0; l < own; ++l) v.labels.push_back(spec.categories[l]);
  v.labels.push_back("__other__");
  v.labels.push_back("missing");
  FitShares(v, values);
  return v;
}

}  // namespace

std::size_t BinnedVariable::Bin(double raw) const {
  if (std::isnan(raw)) return has_missing_bin ? NumBins() - 1 : 0;
  if (categorical) {
    const auto level = static_cast<long long>(raw);
    if (raw == kUnseenLevel || level < 0 || static_cast<std::size_t>(level) >= level_bin.size())
      return NumBins() - 2;  // __other__
    return level_bin[static_cast<std::size_t>(level)];
  }
  return static_cast<std::size_t>(std::lower_bound(edges.begin(), edges.end(), raw) -
                                  edges.begin());
}

bool BinnedVariable::OutOfRange(double raw) const {
  if (std::isnan(raw)) return false;
  if (categorical) return raw == kUnseenLevel;
  return raw < min || raw > max;
}

nlohmann::json BinnedVariable::ToJson() const {
  nlohmann::json j = {{"name", name},
                      {"type", categorical ? "categorical" : "numeric"},
                      {"labels", labels},
                      {"shares", shares},
                      {"missing_rate", missing_rate}};
  if (categorical) {
    j["level_bin"] = level_bin;
  } else {
    j["edges"] = edges;
    j["min"] = min;
    j["max"] = max;
    j["missing_bin"] = has_missing_bin;
  }
  return j;
}

BinnedVariable BinnedVariable::FromJson(const nlohmann::json& j, const std::string& path) {
  JsonReader r(j, path);
  BinnedVariable v;
  v.name = r.String("name");
  const std::string type = r.String("type");
  if (type != "numeric" && type != "categorical")
    r.Fail("type", "expected 'numeric' or 'categorical', got '" + type + "'");
  v.categorical = type == "categorical";
  v.labels = r.StringArray("labels");
  v.shares = r.DoubleArray("shares");
  v.missing_rate = r.Double("missing_rate");
  if (v.categorical) {
    for (long long b : r.IntArray("level_bin")) {
      if (b < 0 || static_cast<std::size_t>(b) + 2 > v.labels.size())
        r.Fail("level_bin", "a level's bin is out of range (" + std::to_string(b) + ")");
      v.level_bin.push_back(static_cast<std::size_t>(b));
    }
    if (v.labels.size() < 2) r.Fail("labels", "expected at least __other__ and missing");
  } else {
    v.edges = r.DoubleArray("edges");
    v.min = r.Double("min");
    v.max = r.Double("max");
    v.has_missing_bin = r.Bool("missing_bin");
    if (!std::is_sorted(v.edges.begin(), v.edges.end()))
      r.Fail("edges", "expected increasing bin edges");
    if (v.labels.size() != v.edges.size() + 1 + (v.has_missing_bin ? 1 : 0))
      r.Fail("labels", "expected one label per bin");
  }
  if (v.shares.size() != v.labels.size()) r.Fail("shares", "expected one share per bin");
  return v;
}

nlohmann::json DriftReference::ToJson() const {
  nlohmann::json f = nlohmann::json::array();
  for (const auto& v : features) f.push_back(v.ToJson());
  return {{"rows", rows}, {"sample", sample}, {"score", score.ToJson()}, {"features", f}};
}

DriftReference DriftReference::FromJson(const nlohmann::json& j) {
  JsonReader r(j, "drift_reference");
  DriftReference d;
  d.rows = static_cast<std::size_t>(r.Int("rows"));
  d.sample = r.String("sample");
  d.score = BinnedVariable::FromJson(r.Object("score"), r.Path("score"));
  const auto& f = r.Array("features");
  for (std::size_t k = 0; k < f.size(); ++k)
    d.features.push_back(
        BinnedVariable::FromJson(f[k], r.Path("features") + "[" + std::to_string(k) + "]"));
  return d;
}

std::vector<double> QuantileEdges(std::vector<double> values, std::size_t bins) {
  values.erase(
      std::remove_if(values.begin(), values.end(), [](double x) { return !std::isfinite(x); }),
      values.end());
  std::vector<double> edges;
  if (values.empty()) return edges;
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  for (std::size_t k = 1; k < bins; ++k) {
    // Inverted-CDF quantile: the smallest value with at least k / bins of the values at or
    // below it (edges are data values, so a discrete column keeps its levels apart).
    const std::size_t rank = (k * n + bins - 1) / bins;  // ceil(k n / bins) >= 1
    const double q = values[rank - 1];
    if (edges.empty() || q > edges.back()) edges.push_back(q);
  }
  // The top edge equal to the maximum would leave the last bin empty by construction.
  if (!edges.empty() && edges.back() >= values.back()) edges.pop_back();
  return edges;
}

DriftReference FitDriftReference(const Schema& schema, const Frame& frame,
                                 const std::vector<double>& pd, std::size_t bins) {
  DriftReference d;
  d.rows = frame.num_rows;
  d.sample = "training sample";
  d.score = NumericVariable("score (PD)", pd, bins, false);
  const std::size_t nf = frame.feature_names.size();
  std::vector<double> column(frame.num_rows);
  for (std::size_t j = 0; j < nf; ++j) {
    for (std::size_t i = 0; i < frame.num_rows; ++i) column[i] = frame.Row(i)[j];
    const ColumnSpec* spec = schema.Find(frame.feature_names[j]);
    if (!spec)
      throw Error("drift reference: feature '" + frame.feature_names[j] + "' not in schema");
    d.features.push_back(spec->type == ColumnType::kCategorical
                             ? CategoricalVariable(*spec, column)
                             : NumericVariable(spec->name, column, bins, true));
  }
  return d;
}

}  // namespace loanlens
