#pragma once
/// \file
/// Training end to end: CSV -> schema -> split -> preprocessing -> model -> metrics and
/// explanations -> bundle. Shared by `loanlens train` and the tests; the browser only scores.
#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "loanlens/bundle.h"
#include "loanlens/data/protected_names.h"
#include "loanlens/model_registry.h"

namespace loanlens {

struct TrainOptions {
  std::string data_path;  ///< training CSV
  std::string target;     ///< target column
  std::string positive;   ///< value meaning default; "" = "1" when the target is 0/1
  std::string model = "logistic";
  std::string valid_path;       ///< separate validation CSV ("" = split off valid_fraction)
  double valid_fraction = 0.2;  ///< stratified hold-out when no valid_path
  std::uint64_t seed = 7;
  ParamMap params;  ///< model parameters plus the pipeline keys listed in PipelineParamKeys()
  std::string schema_path;           ///< optional user schema JSON (types, roles, descriptions)
  std::vector<std::string> exclude;  ///< columns to ignore
  std::vector<std::string> protected_columns;  ///< extra columns to keep out of the model
  /// Cell values read as missing (empty = the defaults of CsvOptions); an empty cell always is.
  /// Stored in the bundle and used again when scoring.
  std::vector<std::string> missing_tokens;
  /// Column reviewed for fairness at training (never a model input; kept as protected); the
  /// summary goes into the bundle and its card. "" = none.
  std::string fairness_attribute;
  int threads = 1;
  std::function<void(std::size_t, std::size_t)> progress;
  /// If set, receives wall-clock seconds per phase (read, preprocess, fit, evaluate). Kept out of
  /// the bundle so that its content stays a function of data, parameters and seed.
  nlohmann::json* timings = nullptr;
  /// When set, replaces training: the model is built from the preprocessed training rows' layout
  /// (used by `import-xgboost`, whose model was trained elsewhere). Its description goes into
  /// training.source.
  std::function<std::unique_ptr<Model>(const TrainData&)> make_model;
  nlohmann::json model_source;
  /// Set by import-xgboost: the sample's columns that the imported model reads, with the type the
  /// model gives them (numeric for a column read by name, categorical for "column=level"
  /// inputs). They become features whatever role the defaults or the schema would give them (an
  /// imported model is never changed); those that would have been protected are listed in the
  /// bundle's training.prohibited_basis. A column with no value in the sample is still an input.
  std::map<std::string, ColumnType> model_columns;
};

/// The columns listed in the bundle's training.prohibited_basis: model inputs that are, or stand
/// in for, a prohibited basis for credit decisions (set by import-xgboost for a model that uses
/// them); empty for every model LoanLens trains itself.
std::vector<std::string> ProhibitedBasis(const Bundle& bundle);

/// Parameters handled by the pipeline rather than the model: encoding (onehot|woe), woe_bins,
/// min_frequency, missing_indicators (0|1), clip_quantile, calibration (none|platt|isotonic),
/// and the policy keys base_points, base_odds, pdo, approve_below, decline_at, max_reasons.
const std::vector<std::string>& PipelineParamKeys();

/// Sets the roles a user would expect: `target` -> target; "ID", "id", "*_id", "*ID" -> id;
/// IsDefaultProtected() names -> protected; everything else stays a feature.
void AssignDefaultRoles(Schema& schema, const std::string& target);

/// Trains and returns the bundle; throws loanlens::Error for bad data or parameters.
Bundle TrainBundle(const TrainOptions& options);

/**
 * Stratified hold-out used by training: per class (y = 0, then 1) a Fisher-Yates shuffle driven by
 * std::mt19937_64(seed) (a generator the C++ standard fixes, so the split is the same on every
 * platform), then round(fraction * class size) rows go to `valid`. Both lists come back sorted.
 */
void StratifiedSplit(const std::vector<double>& y, double fraction, std::uint64_t seed,
                     std::vector<std::size_t>& train, std::vector<std::size_t>& valid);

}  // namespace loanlens
