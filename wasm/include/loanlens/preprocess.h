#pragma once
/// \file
/// Preprocessing fitted on training data only and stored in the bundle: maps a parsed row (Frame
/// values: numbers, 0/1 booleans, category codes, NaN) to the model's design row.
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "loanlens/data/frame.h"
#include "loanlens/data/schema.h"
#include "loanlens/params.h"

namespace loanlens {

enum class Encoding { kOneHot, kWoe };
std::string ToString(Encoding e);  ///< "onehot" | "woe"
Encoding EncodingFromString(const std::string& s);

struct PreprocessOptions {
  bool impute = true;  ///< median (numeric) / mode (boolean) imputation; false: NaN passes (trees)
  bool scale = true;   ///< standardise numeric and boolean inputs (linear models, SVM)
  bool missing_indicators = false;  ///< add `<name>__missing` 0/1 columns for columns with missing
  double clip_quantile = 0;         ///< > 0: clip numeric values to [q, 1-q] training quantiles
  std::size_t min_frequency = 10;   ///< one-hot: levels seen fewer times are pooled into __other__
  Encoding encoding = Encoding::kOneHot;
  int woe_bins = 10;  ///< WoE: quantile bins for numeric features
};

/// The `--param` keys of preprocessing: encoding (onehot | woe), woe_bins, min_frequency,
/// missing_indicators (0 | 1), clip_quantile.
const std::vector<std::string>& PreprocessParamKeys();
/// Reads those keys (other keys are ignored); imputation and scaling follow what the model
/// family needs (`needs_scaling`: linear models and SVMs; trees take raw values with NaN).
PreprocessOptions PreprocessOptionsFromParams(const ParamMap& params, bool needs_scaling);

/// How one original feature maps to design columns.
struct FeatureTransform {
  std::string name;
  ColumnType type = ColumnType::kNumeric;
  // numeric / boolean
  double median = 0;                   ///< imputation value
  double clip_low = 0, clip_high = 0;  ///< when clipping
  bool clip = false;
  double mean = 0, scale = 1;  ///< standardisation (scale = 1, mean = 0 when off)
  bool indicator = false;      ///< has a `__missing` column
  // categorical one-hot: one design column per kept level, then __other__, then __missing__ (if
  // missing values were seen in training). level_column[code] = design offset for that level.
  std::vector<std::string> kept_levels;
  std::vector<int> level_column;  ///< per schema category code -> offset within the group
  bool has_missing_column = false;
  // WoE: numeric bin edges (upper bounds, ascending; last = +inf) or per-category values.
  std::vector<double> woe_edges;
  std::vector<double> woe_values;  ///< per bin / per category code; then one for __other__
  double woe_missing = 0;
  double information_value = 0;
  std::size_t first_column = 0, num_columns = 0;  ///< slice of the design row
};

class Preprocessor {
 public:
  /** Fits on training rows. `y` (0/1, num_rows) is needed for WoE and ignored otherwise. */
  static Preprocessor Fit(const Frame& train, const Schema& schema,
                          const PreprocessOptions& options, const std::vector<double>& y);
  std::size_t NumInputs() const { return input_names_.size(); }
  std::size_t NumFeatures() const { return features_.size(); }
  const std::vector<std::string>& InputNames() const { return input_names_; }
  /// group[j] = original feature of design column j.
  const std::vector<int>& Group() const { return group_; }
  const std::vector<FeatureTransform>& Features() const { return features_; }
  const PreprocessOptions& Options() const { return options_; }
  /// raw: NumFeatures() values (a Frame row); x: out, NumInputs() values.
  void Transform(const double* raw, double* x) const;
  /// Whole frame -> row-major design matrix.
  std::vector<double> TransformAll(const Frame& frame) const;
  nlohmann::json ToJson() const;
  static Preprocessor FromJson(const nlohmann::json& j, const Schema& schema);  ///< validates

 private:
  PreprocessOptions options_;
  std::vector<FeatureTransform> features_;
  std::vector<std::string> input_names_;
  std::vector<int> group_;

  /// Lays out the design columns of `f` (the next feature) after the current ones and records its
  /// slice (first_column, num_columns) and group. The one place the layout is written: Fit and
  /// FromJson both call it, so a stored bundle's input_names always match what loading rebuilds.
  /// One-hot categorical: `name=level` per kept level, `name=__other__`, then `name=__missing__`
  /// when training had missing values; WoE: one column `name`; numeric and boolean: `name`, then
  /// `name__missing` with a missing indicator.
  void AppendFeature(FeatureTransform f);
};

}  // namespace loanlens
