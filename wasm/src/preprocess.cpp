#include "loanlens/preprocess.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "loanlens/error.h"
#include "loanlens/json_util.h"
#include "loanlens/limits.h"
#include "loanlens/portable_math.h"

namespace loanlens {
namespace {

constexpr const char* kOther = "__other__";
constexpr const char* kMissingLevel = "__missing__";

/// Linear-interpolated quantile of sorted values (numpy's default "linear" method).
double Quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (pos - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

/// Weight of evidence of one bin, with 0.5 added to each count so empty bins stay finite:
/// WoE = ln(share of goods / share of bads); positive = lower risk, as on a scorecard.
struct WoeTotals {
  double good = 0, bad = 0;
};
double Woe(double good, double bad, const WoeTotals& t, std::size_t bins) {
  const double g = (good + 0.5) / (t.good + 0.5 * bins);
  const double b = (bad + 0.5) / (t.bad + 0.5 * bins);
  return Log(g / b);
}
double IvTerm(double good, double bad, const WoeTotals& t, std::size_t bins) {
  const double g = (good + 0.5) / (t.good + 0.5 * bins);
  const double b = (bad + 0.5) / (t.bad + 0.5 * bins);
  return (g - b) * Log(g / b);
}

/// Per-bin good/bad counts -> WoE values and the feature's information value.
void FitWoe(const std::vector<double>& good, const std::vector<double>& bad, const WoeTotals& t,
            FeatureTransform& f, double missing_good, double missing_bad, bool has_missing) {
  const std::size_t bins = good.size() + (has_missing ? 1 : 0);
  f.woe_values.clear();
  f.information_value = 0;
  for (std::size_t b = 0; b < good.size(); ++b) {
    f.woe_values.push_back(Woe(good[b], bad[b], t, bins));
    f.information_value += IvTerm(good[b], bad[b], t, bins);
  }
  f.woe_missing = 0;
  if (has_missing) {
    f.woe_missing = Woe(missing_good, missing_bad, t, bins);
    f.information_value += IvTerm(missing_good, missing_bad, t, bins);
  }
}

std::size_t WoeBin(const std::vector<double>& edges, double v) {
  // edges are upper bounds (exclusive) of all but the last bin
  return static_cast<std::size_t>(std::upper_bound(edges.begin(), edges.end(), v) - edges.begin());
}

}  // namespace

std::string ToString(Encoding e) { return e == Encoding::kWoe ? "woe" : "onehot"; }

Encoding EncodingFromString(const std::string& s) {
  if (s == "onehot") return Encoding::kOneHot;
  if (s == "woe") return Encoding::kWoe;
  throw Error("encoding: expected 'onehot' or 'woe', got '" + s + "'");
}

const std::vector<std::string>& PreprocessParamKeys() {
  static const std::vector<std::string> keys = {"encoding", "woe_bins", "min_frequency",
                                                "missing_indicators", "clip_quantile"};
  return keys;
}

PreprocessOptions PreprocessOptionsFromParams(const ParamMap& params, bool needs_scaling) {
  PreprocessOptions po;
  po.impute = needs_scaling;
  po.scale = needs_scaling;
  ParamReader r(params, "preprocessing");
  po.encoding = EncodingFromString(r.String("encoding", "onehot"));
  po.woe_bins = r.Int("woe_bins", po.woe_bins, 2, 1000);
  po.min_frequency = static_cast<std::size_t>(r.Int("min_frequency", 10, 0, 1000000000));
  po.missing_indicators = r.Int("missing_indicators", 0, 0, 1) != 0;
  po.clip_quantile = r.Double("clip_quantile", 0.0, 0.0, 0.5);
  if (po.clip_quantile >= 0.5)
    throw Error("parameter 'clip_quantile': expected a number in [0, 0.5)");
  return po;
}

namespace {

/// One feature's column of the training rows.
struct TrainingColumn {
  std::vector<double> values;   ///< every row's value (NaN = missing), in row order
  std::vector<double> present;  ///< the non-missing values, in row order (sorted for numerics)
  std::size_t missing = 0;      ///< number of NaN values
};

TrainingColumn ReadTrainingColumn(const Frame& train, std::size_t j) {
  TrainingColumn col;
  col.values.reserve(train.num_rows);
  for (std::size_t i = 0; i < train.num_rows; ++i) {
    const double v = train.Row(i)[j];
    col.values.push_back(v);
    if (std::isnan(v)) {
      ++col.missing;
    } else {
      col.present.push_back(v);
    }
  }
  return col;
}

/// One-hot levels: a level seen at least min_frequency times (and at least once) keeps its own
/// column; the others, and codes never seen, share __other__ (level_column = kept_levels.size()).
void FitCategoryLevels(const TrainingColumn& col, const ColumnSpec& spec, std::size_t min_frequency,
                       FeatureTransform& f) {
  const std::size_t levels = spec.categories.size();
  std::vector<std::size_t> count(levels, 0);
  for (double v : col.present)
    if (v >= 0 && v < static_cast<double>(levels)) ++count[static_cast<std::size_t>(v)];
  f.level_column.assign(levels, -1);
  for (std::size_t c = 0; c < levels; ++c) {
    if (count[c] >= std::max<std::size_t>(min_frequency, 1)) {
      f.level_column[c] = static_cast<int>(f.kept_levels.size());
      f.kept_levels.push_back(spec.categories[c]);
    }
  }
  const int other = static_cast<int>(f.kept_levels.size());
  for (auto& column : f.level_column)
    if (column < 0) column = other;
  f.has_missing_column = col.missing > 0;
}

/// Counts goods and bads per bin (bin_of(v), in [0, bins), for a present value) and among the
/// missing values of one training column, then fits the WoE values (FitWoe).
template <typename BinOf>
void CountWoe(const TrainingColumn& col, const std::vector<double>& y, std::size_t bins,
              const WoeTotals& totals, FeatureTransform& f, BinOf bin_of) {
  std::vector<double> good(bins, 0), bad(bins, 0);
  double missing_good = 0, missing_bad = 0;
  for (std::size_t i = 0; i < col.values.size(); ++i) {
    const double v = col.values[i];
    const bool is_bad = y[i] > 0.5;
    if (std::isnan(v))
      (is_bad ? missing_bad : missing_good) += 1;
    else
      (is_bad ? bad : good)[bin_of(v)] += 1;
  }
  FitWoe(good, bad, totals, f, missing_good, missing_bad, col.missing > 0);
}

/// WoE of a categorical feature: one value per kept level, then __other__; missing has its own.
void FitCategoryWoe(const TrainingColumn& col, const std::vector<double>& y,
                    const WoeTotals& totals, FeatureTransform& f) {
  const std::size_t other = f.kept_levels.size();
  // Level codes map to their kept slot; rare and unseen levels (negative codes) to __other__.
  CountWoe(col, y, other + 1, totals, f, [&f, other](double v) {
    return v >= 0 ? static_cast<std::size_t>(f.level_column[static_cast<std::size_t>(v)]) : other;
  });
}

/// Imputation value (median; the mode for booleans) and, when asked, the clip quantiles of a
/// numeric or boolean column (`col.present` sorted).
void FitImputation(const TrainingColumn& col, ColumnType type, const PreprocessOptions& options,
                   FeatureTransform& f) {
  const std::vector<double>& present = col.present;
  if (present.empty() && options.impute)
    throw Error("preprocess: feature '" + f.name + "' has no values in the training data");
  // Without imputation (trees keep missing values) a column with no value in the training
  // rows, such as a sparse input of an imported model, is still an input; its median (the
  // form's default only) is then 0.
  if (present.empty()) {
    f.median = 0;
  } else if (type == ColumnType::kBoolean) {
    const auto ones = static_cast<std::size_t>(std::count(present.begin(), present.end(), 1.0));
    f.median = ones * 2 > present.size() ? 1.0 : 0.0;  // the mode
  } else {
    f.median = Quantile(present, 0.5);
  }
  if (options.clip_quantile > 0 && type == ColumnType::kNumeric && !present.empty()) {
    f.clip = true;
    f.clip_low = Quantile(present, options.clip_quantile);
    f.clip_high = Quantile(present, 1 - options.clip_quantile);
  }
}

/// WoE of a numeric or boolean column: quantile bins (unique edges), one value each; missing has
/// its own value (`col.present` sorted).
void FitNumericWoe(const TrainingColumn& col, const std::vector<double>& y, const WoeTotals& totals,
                   int woe_bins, FeatureTransform& f) {
  const std::vector<double>& present = col.present;
  std::vector<double> edges;
  // A column with no value in the training rows (kept for trees, which take missing values) has
  // no edges: one bin, never used, and the missing bin.
  for (int b = 1; b < woe_bins && !present.empty(); ++b) {
    const double e = Quantile(present, static_cast<double>(b) / woe_bins);
    if (edges.empty() || e > edges.back()) edges.push_back(e);
  }
  if (!edges.empty() && edges.back() >= present.back()) edges.pop_back();
  f.woe_edges = edges;
  CountWoe(col, y, edges.size() + 1, totals, f,
           [&edges](double v) { return static_cast<std::size_t>(WoeBin(edges, v)); });
}

/// Standardises the imputed (and clipped) column with the population standard deviation.
void FitStandardisation(const TrainingColumn& col, FeatureTransform& f) {
  const std::size_t n = col.values.size();
  auto imputed = [&f](double v) {
    if (std::isnan(v)) v = f.median;
    if (f.clip) v = std::clamp(v, f.clip_low, f.clip_high);
    return v;
  };
  double sum = 0, sum2 = 0;
  for (double v : col.values) sum += imputed(v);
  f.mean = sum / n;
  for (double v : col.values) {
    const double d = imputed(v) - f.mean;
    sum2 += d * d;
  }
  const double sd = std::sqrt(sum2 / n);
  f.scale = sd > 0 ? sd : 1.0;
}

/// The transform of one feature, fitted on its training column.
FeatureTransform FitFeatureTransform(TrainingColumn col, const ColumnSpec& spec,
                                     const PreprocessOptions& options, const std::vector<double>& y,
                                     const WoeTotals& totals) {
  const bool woe = options.encoding == Encoding::kWoe;
  FeatureTransform f;
  f.name = spec.name;
  f.type = spec.type;
  if (spec.type == ColumnType::kCategorical) {
    FitCategoryLevels(col, spec, options.min_frequency, f);
    if (woe) FitCategoryWoe(col, y, totals, f);
    return f;
  }
  // Numeric and boolean (0/1) columns.
  std::sort(col.present.begin(), col.present.end());
  FitImputation(col, spec.type, options, f);
  f.indicator = options.missing_indicators && col.missing > 0 && !woe;
  if (woe) {
    FitNumericWoe(col, y, totals, options.woe_bins, f);
  } else if (options.scale) {
    FitStandardisation(col, f);
  }
  return f;
}

}  // namespace

void Preprocessor::AppendFeature(FeatureTransform f) {
  f.first_column = input_names_.size();
  if (f.type == ColumnType::kCategorical) {
    if (options_.encoding == Encoding::kWoe) {
      input_names_.push_back(f.name);
    } else {
      for (const auto& level : f.kept_levels) input_names_.push_back(f.name + "=" + level);
      input_names_.push_back(f.name + "=" + kOther);
      if (f.has_missing_column) input_names_.push_back(f.name + "=" + kMissingLevel);
    }
  } else {
    input_names_.push_back(f.name);
    if (f.indicator) input_names_.push_back(f.name + "__missing");
  }
  f.num_columns = input_names_.size() - f.first_column;
  const int feature = static_cast<int>(features_.size());
  for (std::size_t c = 0; c < f.num_columns; ++c) group_.push_back(feature);
  features_.push_back(std::move(f));
}

Preprocessor Preprocessor::Fit(const Frame& train, const Schema& schema,
                               const PreprocessOptions& options, const std::vector<double>& y) {
  Preprocessor p;
  p.options_ = options;
  const std::size_t n = train.num_rows;
  if (n == 0) throw Error("preprocess: no training rows");
  if (options.encoding == Encoding::kWoe && y.size() != n)
    throw Error("preprocess: weight of evidence needs the target");
  WoeTotals totals;
  for (double v : y) (v > 0.5 ? totals.bad : totals.good) += 1;
  for (std::size_t j = 0; j < train.feature_names.size(); ++j) {
    const ColumnSpec* spec = schema.Find(train.feature_names[j]);
    if (!spec) throw Error("preprocess: feature '" + train.feature_names[j] + "' not in schema");
    p.AppendFeature(FitFeatureTransform(ReadTrainingColumn(train, j), *spec, options, y, totals));
  }
  return p;
}

void Preprocessor::Transform(const double* raw, double* x) const {
  const bool woe = options_.encoding == Encoding::kWoe;
  for (std::size_t j = 0; j < features_.size(); ++j) {
    const FeatureTransform& f = features_[j];
    double* out = x + f.first_column;
    const double v = raw[j];
    if (f.type == ColumnType::kCategorical) {
      // Unseen and rare levels go to __other__; missing to __missing__ (or all zeros).
      const int other = static_cast<int>(f.kept_levels.size());
      int slot = other;
      if (std::isnan(v)) {
        slot = -1;
      } else if (v >= 0 && v < static_cast<double>(f.level_column.size())) {
        slot = f.level_column[static_cast<std::size_t>(v)];
      }
      if (woe) {
        out[0] = slot < 0 ? f.woe_missing : f.woe_values[static_cast<std::size_t>(slot)];
        continue;
      }
      std::fill(out, out + f.num_columns, 0.0);
      if (slot >= 0) {
        out[slot] = 1.0;
      } else if (f.has_missing_column) {
        out[other + 1] = 1.0;
      }
      continue;
    }
    if (woe) {
      out[0] = std::isnan(v) ? f.woe_missing : f.woe_values[WoeBin(f.woe_edges, v)];
      continue;
    }
    double value = v;
    if (std::isnan(value)) {
      if (options_.impute) value = f.median;
    }
    if (f.clip && !std::isnan(value)) value = std::clamp(value, f.clip_low, f.clip_high);
    out[0] = (value - f.mean) / f.scale;
    if (f.indicator) out[1] = std::isnan(v) ? 1.0 : 0.0;
  }
}

std::vector<double> Preprocessor::TransformAll(const Frame& frame) const {
  std::vector<double> x(frame.num_rows * NumInputs());
  for (std::size_t i = 0; i < frame.num_rows; ++i)
    Transform(frame.Row(i), x.data() + i * NumInputs());
  return x;
}

nlohmann::json Preprocessor::ToJson() const {
  nlohmann::json features = nlohmann::json::array();
  for (const auto& f : features_) {
    nlohmann::json jf = {{"name", f.name}, {"type", ToString(f.type)}};
    if (f.type == ColumnType::kCategorical) {
      jf["kept_levels"] = f.kept_levels;
      jf["level_column"] = f.level_column;
      jf["has_missing_column"] = f.has_missing_column;
    } else {
      jf["median"] = f.median;
      jf["mean"] = f.mean;
      jf["scale"] = f.scale;
      jf["indicator"] = f.indicator;
      if (f.clip) jf["clip"] = {f.clip_low, f.clip_high};
    }
    if (options_.encoding == Encoding::kWoe) {
      jf["woe_edges"] = f.woe_edges;
      jf["woe_values"] = f.woe_values;
      jf["woe_missing"] = f.woe_missing;
      jf["information_value"] = f.information_value;
    }
    features.push_back(std::move(jf));
  }
  return {{"impute", options_.impute},
          {"scale", options_.scale},
          {"missing_indicators", options_.missing_indicators},
          {"clip_quantile", options_.clip_quantile},
          {"min_frequency", options_.min_frequency},
          {"encoding", ToString(options_.encoding)},
          {"woe_bins", options_.woe_bins},
          {"features", std::move(features)},
          {"input_names", input_names_}};
}

namespace {

/// The options a stored preprocessor was fitted with.
PreprocessOptions ReadPreprocessOptions(const JsonReader& r) {
  PreprocessOptions o;
  o.impute = r.Bool("impute");
  o.scale = r.Bool("scale");
  o.missing_indicators = r.Bool("missing_indicators");
  o.clip_quantile = r.Double("clip_quantile");
  o.min_frequency = static_cast<std::size_t>(r.IntIn("min_frequency", 0, 1LL << 53));
  o.encoding = EncodingFromString(r.String("encoding"));
  o.woe_bins = static_cast<int>(r.IntIn("woe_bins", 1, 2147483647));
  return o;
}

/// A categorical feature's levels: kept_levels, level_column (one per schema category, each an
/// offset within the group), has_missing_column.
void ReadCategoryLevels(const JsonReader& fr, const ColumnSpec& spec, FeatureTransform& f) {
  fr.ArrayAtMost("kept_levels", kMaxCategories);
  f.kept_levels = fr.StringArray("kept_levels");
  for (long long c : fr.IntArray("level_column")) {
    if (c < 0 || c > static_cast<long long>(f.kept_levels.size()))
      fr.Fail("level_column", "value out of range");
    f.level_column.push_back(static_cast<int>(c));
  }
  if (f.level_column.size() != spec.categories.size())
    fr.Fail("level_column", "expected one entry per schema category");
  f.has_missing_column = fr.Bool("has_missing_column");
}

/// A numeric or boolean feature's imputation, standardisation, indicator and clip bounds.
void ReadNumericTransform(const JsonReader& fr, FeatureTransform& f) {
  f.median = fr.Double("median");
  f.mean = fr.Double("mean");
  f.scale = fr.Double("scale");
  if (!(f.scale > 0)) fr.Fail("scale", "expected a positive number");
  f.indicator = fr.Bool("indicator");
  if (fr.Has("clip")) {
    const auto clip = fr.DoubleArray("clip");
    if (clip.size() != 2 || clip[0] > clip[1]) fr.Fail("clip", "expected [low, high]");
    f.clip = true;
    f.clip_low = clip[0];
    f.clip_high = clip[1];
  }
}

/// A feature's weight-of-evidence table (after its levels or numeric fields are read).
void ReadWoeTransform(const JsonReader& fr, FeatureTransform& f) {
  f.woe_edges = fr.DoubleArray("woe_edges");
  f.woe_values = fr.DoubleArray("woe_values");
  f.woe_missing = fr.Double("woe_missing");
  f.information_value = fr.Double("information_value");
  const std::size_t expected =
      f.type == ColumnType::kCategorical ? f.kept_levels.size() + 1 : f.woe_edges.size() + 1;
  if (f.woe_values.size() != expected)
    fr.Fail("woe_values", "expected " + std::to_string(expected) + " values");
  if (!std::is_sorted(f.woe_edges.begin(), f.woe_edges.end()))
    fr.Fail("woe_edges", "expected ascending bin edges");
}

/// Entry `fr` of preprocess.features, which must be the schema feature `expected_name`.
FeatureTransform ReadFeatureTransform(const JsonReader& fr, const std::string& expected_name,
                                      const Schema& schema, Encoding encoding) {
  FeatureTransform f;
  f.name = fr.String("name");
  if (f.name != expected_name)
    fr.Fail("name", "expected '" + expected_name + "' (schema order), got '" + f.name + "'");
  const ColumnSpec* spec = schema.Find(f.name);
  f.type = ColumnTypeFromString(fr.String("type"));
  if (f.type != spec->type) fr.Fail("type", "does not match the schema");
  if (f.type == ColumnType::kCategorical) {
    ReadCategoryLevels(fr, *spec, f);
  } else {
    ReadNumericTransform(fr, f);
  }
  if (encoding == Encoding::kWoe) ReadWoeTransform(fr, f);
  return f;
}

}  // namespace

Preprocessor Preprocessor::FromJson(const nlohmann::json& j, const Schema& schema) {
  JsonReader r(j, "preprocess");
  Preprocessor p;
  p.options_ = ReadPreprocessOptions(r);
  const auto names = schema.FeatureNames();
  const auto& jfs = r.Array("features");
  if (jfs.size() != names.size())
    r.Fail("features", "expected " + std::to_string(names.size()) +
                           " features (the schema's), got " + std::to_string(jfs.size()));
  for (std::size_t k = 0; k < jfs.size(); ++k) {
    const JsonReader fr(jfs[k], "preprocess.features[" + std::to_string(k) + "]");
    p.AppendFeature(ReadFeatureTransform(fr, names[k], schema, p.options_.encoding));
  }
  if (r.StringArray("input_names") != p.input_names_)
    r.Fail("input_names", "do not match the features' design columns");
  return p;
}

}  // namespace loanlens
