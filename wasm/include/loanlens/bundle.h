#pragma once
/// \file
/// The model bundle: one JSON document that carries a trained model from the CLI to the browser
/// (format described in models/README.md). Loading validates every section and the content hash.
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <vector>

#include "loanlens/calibration.h"
#include "loanlens/data/csv.h"
#include "loanlens/data/schema.h"
#include "loanlens/decision/reference.h"
#include "loanlens/explain/kernel_shap.h"
#include "loanlens/model.h"
#include "loanlens/policy/policy.h"
#include "loanlens/preprocess.h"

namespace loanlens {

inline constexpr const char* kBundleFormat = "loanlens-model";
inline constexpr int kBundleFormatVersion = 1;

/// The result of scoring one row.
struct Score {
  double margin = 0;  ///< log-odds of default (before calibration)
  double pd = 0;      ///< probability of default (after calibration when the bundle has one)
  double points = 0;  ///< credit score in points (policy)
  std::string band;   ///< "approve" | "review" | "decline"
  double base_value = 0;
  std::vector<double> contributions;  ///< per original feature (margin space); empty if not asked
};

class Bundle {
 public:
  /// Parses and validates a bundle; `source` names it in errors. Throws loanlens::Error.
  static Bundle Parse(const std::string& text, const std::string& source = "bundle");
  static Bundle FromJson(nlohmann::json j, const std::string& source = "bundle");
  /// Builds a bundle from parts (training). `meta` holds target, metrics, training, explain ...
  Bundle(Schema schema, Preprocessor preprocess, std::unique_ptr<Model> model, nlohmann::json meta);

  /// The full document including `content_sha256` (pretty-printed JSON).
  std::string Dump() const;
  nlohmann::json ToJson() const;  ///< with content_sha256

  const Schema& GetSchema() const { return schema_; }
  const Preprocessor& GetPreprocessor() const { return preprocess_; }
  const Model& GetModel() const { return *model_; }
  const Policy& GetPolicy() const { return policy_; }
  /// Replaces the policy (validated) and selects the reference population again.
  void SetPolicy(Policy policy);
  /// Applicants at or just above the approval cut-off (empty for bundles trained before it).
  const Reference& GetReference() const { return reference_; }
  /// Contributions of each original feature to margin - reference margin for one parsed row
  /// (exact where the model has an interventional method; see Reference::Contributions).
  std::vector<double> ReferenceContributions(const double* raw) const;
  /// The metadata, editable while a bundle is being assembled (training adds its evidence).
  /// What the bundle resolves from it when built (Fields(), the base value) stays as it was:
  /// build a new Bundle to change those.
  nlohmann::json& Meta() { return meta_; }
  const nlohmann::json& Meta() const { return meta_; }
  /// The feature columns in row order (a parsed row holds one value per feature).
  const std::vector<std::string>& FeatureNames() const { return features_; }
  /// The schema column of feature j (FeatureNames()[j]).
  const ColumnSpec& Feature(std::size_t j) const { return schema_.columns[feature_columns_[j]]; }
  /// The position of feature `name` in a parsed row; -1 when it is not a feature (or empty).
  int FeatureIndex(const std::string& name) const;
  /// The positions of the features the policy and the schema name, resolved once (the decision
  /// layer reads them for every candidate it re-scores); -1 when a name is not a feature.
  struct FieldPositions {
    int amount = -1;                                      ///< policy.amount_feature
    int exposure = -1;                                    ///< policy.ead_feature, else the amount
    std::vector<int> key_fields;                          ///< policy.key_fields, in order
    std::vector<int> ratio_numerator, ratio_denominator;  ///< per feature: its derived_ratio
    /// Per feature: a prohibited basis, never given as a reason (an IsDefaultProtected() name,
    /// or listed in meta.training.prohibited_basis, as an imported model may use one).
    std::vector<char> prohibited;
  };
  const FieldPositions& Fields() const { return fields_; }
  /// Sets explain.base_value of the metadata (training, once explanations are computed).
  void SetBaseValue(double base);
  std::string TargetName() const;
  /// How the training file was read (missing tokens); scoring reads files the same way.
  const CsvOptions& Csv() const { return csv_; }
  std::string Positive() const;

  /// Scores one parsed row (Frame row: NumFeatures() values).
  Score ScoreRow(const double* raw, bool explain) const;
  /// Kernel SHAP of one parsed row against the stored background (explain.kernel_shap), even
  /// where the model has an exact method for that background: the approximation that exact
  /// method replaces, for cross-checks and `loanlens bench`. Throws for models explained without
  /// a background (trees, logistic, linear SVM).
  std::vector<double> KernelShapContributions(const double* raw) const;
  /// Model::Probe around the design row of one parsed row (for rows near it: the searches).
  std::unique_ptr<MarginProbe> Probe(const double* raw) const;
  /// ScoreRow(raw, false), the margin computed by `probe` (the same value, bit for bit).
  Score ScoreRowWith(const double* raw, MarginProbe& probe) const;
  /// SHAP interaction values of one parsed row summed to original features: F x F row-major
  /// (F = number of features); row f sums to the SHAP value of feature f. Tree models only.
  std::vector<double> Interactions(const double* raw) const;
  /// Maps a margin to a PD: the stored calibration if any, else the sigmoid.
  double MarginToPd(double margin) const;
  /// The PD before calibration (sigmoid of the margin).
  double UncalibratedPd(double margin) const;
  const Calibrator& GetCalibrator() const { return calibrator_; }
  /// Explanation method, as the model reports it (Model::ExplainMethod): "linear_shap",
  /// "tree_shap" (Explain), "rbf_shap" (exact against the background stored under
  /// explain.kernel_shap) or "kernel_shap" (models without an exact algorithm).
  std::string ExplainMethod() const;

 private:
  Schema schema_;
  std::vector<std::string> features_;                   ///< schema_.FeatureNames(), computed once
  std::unordered_map<std::string, int> feature_index_;  ///< name -> position in features_
  FieldPositions fields_;
  double base_value_ = 0;  ///< explain.base_value, read once (every Score carries it)
  void ResolveFields();    ///< fields_ from the policy and the schema
  std::vector<std::size_t> feature_columns_;  ///< feature j = schema_.columns[feature_columns_[j]]
  Preprocessor preprocess_;
  std::unique_ptr<Model> model_;
  Policy policy_;
  Reference reference_;
  CsvOptions csv_;
  Calibrator calibrator_;
  std::unique_ptr<KernelExplainer> kernel_;  ///< for models without an exact explainer
  CoalitionMarginFn kernel_fast_path_;       ///< model-specific coalition values (may be empty)
  KernelShapOptions kernel_options_;
  double background_base_ = 0;  ///< sum_b weight_b margin(background_b)
  nlohmann::json meta_;
  void SelectReference();
  /// Kernel SHAP of one design row against the stored background into phi (one value per
  /// original feature); returns the base value.
  double KernelShapOfDesignRow(const double* x, double* phi) const;
};

/// The content_sha256 a bundle document must carry: SHA-256 of its canonical content (every key
/// but content_sha256 and created_at, keys sorted, no whitespace). Used by tools that build test
/// bundles (scripts/make_hostile_corpus.py seals its cases with it).
std::string ContentSha256(const nlohmann::json& bundle_json);

}  // namespace loanlens
