#include "loanlens/bundle.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "loanlens/data/protected_names.h"
#include "loanlens/error.h"
#include "loanlens/json_util.h"
#include "loanlens/limits.h"
#include "loanlens/model_registry.h"
#include "loanlens/sha256.h"
#include "loanlens/sigmoid.h"
#include "loanlens/version.h"

namespace loanlens {
namespace {

/// The hashed content: everything except the hash itself and the creation time, so that two
/// trainings with the same data, parameters and seed have the same content_sha256.
std::string CanonicalContent(nlohmann::json j) {
  j.erase("content_sha256");
  j.erase("created_at");
  return j.dump();  // keys sorted (std::map), shortest round-trip numbers, no whitespace
}

constexpr long long kMaxCount = std::numeric_limits<long long>::max();

/// The hash of `j`'s canonical content without copying the document (which may be large): the
/// two excluded keys are taken out, the rest dumped, and they are put back.
std::string HashInPlace(nlohmann::json& j) {
  nlohmann::json stored, created;
  const bool has_stored = j.contains("content_sha256"), has_created = j.contains("created_at");
  if (has_stored) stored = std::move(j["content_sha256"]);
  if (has_created) created = std::move(j["created_at"]);
  j.erase("content_sha256");
  j.erase("created_at");
  const std::string hash = Sha256Hex(j.dump());
  if (has_stored) j["content_sha256"] = std::move(stored);
  if (has_created) j["created_at"] = std::move(created);
  return hash;
}

/// Counts that cost the most to carry are checked before the hash is computed (which walks the
/// whole document): the number of trees, columns and missing-value tokens, the descriptions.
void CheckCountsEarly(const nlohmann::json& j) {
  auto size_of = [&j](const char* section, const char* key) -> std::size_t {
    const auto s = j.find(section);
    if (s == j.end() || !s->is_object()) return 0;
    const auto a = s->find(key);
    return a != s->end() && a->is_array() ? a->size() : 0;
  };
  auto check = [](std::size_t size, std::size_t max, const std::string& path) {
    if (size > max)
      throw Error(path + ": expected at most " + std::to_string(max) + " entries, got " +
                  std::to_string(size));
  };
  check(size_of("model", "trees"), kMaxTrees, "model.trees");
  check(size_of("schema", "columns"), kMaxColumns, "schema.columns");
  check(size_of("csv", "missing_tokens"), kMaxMissingTokens, "bundle.csv.missing_tokens");
  if (size_of("schema", "columns") == 0) return;
  const auto& columns = j.at("schema").at("columns");
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const auto d = columns[i].is_object() ? columns[i].find("description") : columns[i].end();
    if (d != columns[i].end() && d->is_string() &&
        d->get_ref<const std::string&>().size() > kMaxDescriptionBytes)
      throw Error("schema.columns[" + std::to_string(i) +
                  "].description: " + std::to_string(d->get_ref<const std::string&>().size()) +
                  " bytes; at most " + std::to_string(kMaxDescriptionBytes));
  }
}

/// A block of validation metrics (metrics.validation, metrics.validation_uncalibrated): the
/// numbers every reader prints (n_rows, AUC, KS ...) are present and have their types.
void CheckMetricsBlock(const JsonReader& m) {
  m.IntIn("n_rows", 1, kMaxCount);
  m.IntIn("n_positive", 0, kMaxCount);
  for (const char* key : {"auc", "gini", "ks", "ks_threshold", "pr_auc", "log_loss", "brier"})
    m.Double(key);
  m.DoubleOr("threshold", 0.5);
  if (m.Has("confusion")) {
    JsonReader c = m.Child("confusion");
    for (const char* key : {"tp", "fp", "tn", "fn"}) c.IntIn(key, 0, kMaxCount);
  }
}

/// The descriptive sections (target, training, metrics, explain): every key a reader (the CLI,
/// the page) takes from them is present where required and of the right type.
void CheckMeta(const JsonReader& r) {
  r.StringAtMost("engine_version", 64);
  if (r.Has("created_at")) r.StringAtMost("created_at", 64);
  JsonReader target = r.Child("target");
  target.StringAtMost("name", kMaxNameBytes);
  target.StringAtMost("positive", kMaxNameBytes);
  if (target.Has("negative")) target.StringAtMost("negative", kMaxNameBytes);
  JsonReader training = r.Child("training");
  training.Object("params");
  for (const char* key : {"data_file", "data_sha256", "split", "model"})
    if (training.Has(key)) training.StringAtMost(key, kMaxNameBytes);
  for (const char* key : {"rows", "train_rows", "valid_rows"})
    if (training.Has(key)) training.IntIn(key, 0, kMaxCount);
  JsonReader metrics = r.Child("metrics");
  for (const char* key : {"validation", "validation_uncalibrated"})
    if (metrics.Has(key)) CheckMetricsBlock(metrics.Child(key));
  JsonReader explain = r.Child("explain");
  explain.Double("base_value");
  if (explain.Has("method")) explain.StringAtMost("method", 64);
  if (explain.Has("mean_abs_shap")) {
    JsonReader mas = explain.Child("mean_abs_shap");
    for (const auto& [name, value] : explain.Object("mean_abs_shap").items()) mas.Double(name);
  }
}

/// Missing-value tokens of the bundle's csv section (each cell is compared with every one).
std::vector<std::string> MissingTokens(const nlohmann::json& csv) {
  JsonReader r(csv, "bundle.csv");
  r.ArrayAtMost("missing_tokens", kMaxMissingTokens);
  std::vector<std::string> tokens = r.StringArray("missing_tokens");
  for (std::size_t i = 0; i < tokens.size(); ++i)
    if (tokens[i].size() > kMaxMissingTokenBytes)
      r.Fail("missing_tokens[" + std::to_string(i) + "]",
             "expected at most " + std::to_string(kMaxMissingTokenBytes) + " bytes, got " +
                 std::to_string(tokens[i].size()));
  return tokens;
}

/// Kernel SHAP's stored options: seed and the sampling budget (bounded: each coalition costs
/// one model evaluation per background row).
KernelShapOptions KernelOptions(const nlohmann::json& ks, KernelShapOptions o) {
  JsonReader r(ks, "bundle.explain.kernel_shap");
  if (r.Has("seed")) {
    const auto& seed = r.Get("seed");
    o.seed = seed.is_number_unsigned() ? seed.get<std::uint64_t>()
                                       : static_cast<std::uint64_t>(r.IntIn("seed", 0, kMaxCount));
  }
  o.num_coalitions =
      static_cast<int>(r.IntInOr("num_coalitions", 1, kMaxKernelCoalitions, o.num_coalitions));
  return o;
}

}  // namespace

int Bundle::FeatureIndex(const std::string& name) const {
  if (name.empty()) return -1;
  // The decision layer asks per row for the policy's fields by name: a hash lookup, not a scan
  // of string compares (which was 10 % of a WebAssembly batch with explanations).
  const auto it = feature_index_.find(name);
  return it == feature_index_.end() ? -1 : it->second;
}

std::string ContentSha256(const nlohmann::json& bundle_json) {
  return Sha256Hex(CanonicalContent(bundle_json));
}

Bundle::Bundle(Schema schema, Preprocessor preprocess, std::unique_ptr<Model> model,
               nlohmann::json meta)
    : schema_(std::move(schema)),
      preprocess_(std::move(preprocess)),
      model_(std::move(model)),
      meta_(std::move(meta)) {
  if (!model_) throw Error("bundle: no model");
  for (std::size_t c = 0; c < schema_.columns.size(); ++c) {
    if (schema_.columns[c].role != Role::kFeature) continue;
    feature_index_.emplace(schema_.columns[c].name, static_cast<int>(features_.size()));
    features_.push_back(schema_.columns[c].name);
    feature_columns_.push_back(c);
  }
  // Schema::Find builds its name index on first use, which is not thread-safe: build it now, so
  // that a bundle (whose schema never changes) can be read from any number of threads.
  if (!schema_.columns.empty()) schema_.Find(schema_.columns.front().name);
  if (model_->NumInputs() != preprocess_.NumInputs())
    throw Error("bundle: the model expects " + std::to_string(model_->NumInputs()) +
                " inputs but preprocessing produces " + std::to_string(preprocess_.NumInputs()));
  if (!meta_.is_object()) throw Error("bundle: expected a JSON object");
  if (meta_.contains("policy")) policy_ = Policy::FromJson(meta_["policy"]);
  meta_["policy"] = policy_.ToJson();
  if (meta_.contains("csv")) csv_.missing_tokens = MissingTokens(meta_["csv"]);
  meta_["csv"] = {{"missing_tokens", csv_.missing_tokens}};
  if (meta_.contains("calibration")) calibrator_ = Calibrator::FromJson(meta_["calibration"]);
  meta_["calibration"] = calibrator_.ToJson();
  if (!model_->HasExactExplainer()) {
    // Explained against the stored background: exactly when the model has a method for it
    // (ExplainAgainstWeighted), else by Kernel SHAP over the original features.
    if (!meta_.contains("explain") || !meta_["explain"].is_object() ||
        !meta_["explain"].contains("kernel_shap"))
      throw Error("bundle.explain.kernel_shap: is missing (the '" + model_->Kind() +
                  "' model has no exact explainer)");
    const nlohmann::json& ks = meta_["explain"]["kernel_shap"];
    kernel_ = std::make_unique<KernelExplainer>(KernelExplainer::FromJson(ks));
    if (kernel_->NumInputs() != model_->NumInputs() || kernel_->Group() != preprocess_.Group() ||
        kernel_->NumGroups() != preprocess_.NumFeatures())
      throw Error("bundle.explain.kernel_shap: its background does not match the model's inputs");
    kernel_options_ = KernelOptions(ks, kernel_options_);
    kernel_fast_path_ = model_->KernelShapFastPath(*kernel_);
    // The base value of explanations against the background, summed as Kernel SHAP sums it.
    for (std::size_t b = 0; b < kernel_->NumBackground(); ++b)
      background_base_ +=
          kernel_->BackgroundWeight()[b] *
          model_->PredictMargin(kernel_->Background().data() + b * kernel_->NumInputs());
  }
  if (meta_.contains("explain") && meta_["explain"].contains("base_value"))
    base_value_ = meta_["explain"]["base_value"].get<double>();
  ResolveFields();
  SelectReference();
}

void Bundle::ResolveFields() {
  fields_ = FieldPositions();
  fields_.amount = FeatureIndex(policy_.amount_feature);
  fields_.exposure =
      policy_.ead_feature.empty() ? fields_.amount : FeatureIndex(policy_.ead_feature);
  for (const auto& key : policy_.key_fields) fields_.key_fields.push_back(FeatureIndex(key));
  for (std::size_t j = 0; j < features_.size(); ++j) {
    const auto& ratio = Feature(j).derived_ratio;
    fields_.ratio_numerator.push_back(ratio.size() == 2 ? FeatureIndex(ratio[0]) : -1);
    fields_.ratio_denominator.push_back(ratio.size() == 2 ? FeatureIndex(ratio[1]) : -1);
    fields_.prohibited.push_back(IsDefaultProtected(features_[j]));
  }
  const auto training = meta_.find("training");
  if (training == meta_.end() || !training->is_object()) return;
  const auto listed = training->find("prohibited_basis");
  if (listed == training->end() || !listed->is_array()) return;
  for (const auto& name : *listed)
    if (name.is_string()) {
      const int j = FeatureIndex(name.get<std::string>());
      if (j >= 0) fields_.prohibited[j] = 1;
    }
}

void Bundle::SetBaseValue(double base) {
  base_value_ = base;
  meta_["explain"]["base_value"] = base;
}

void Bundle::SelectReference() {
  reference_ = Reference();
  if (!meta_.contains("explain") || !meta_["explain"].contains("reference_pool")) return;
  const auto score = [this](const double* raw) {
    std::vector<double> x(preprocess_.NumInputs());
    preprocess_.Transform(raw, x.data());
    PoolScore s;
    s.margin = model_->PredictMargin(x.data());
    s.pd = MarginToPd(s.margin);
    s.points = policy_.Points(s.pd);
    return s;
  };
  // Does the model explain exactly against a background? Ask it on a one-row background.
  std::vector<double> probe(preprocess_.NumInputs(), 0.0), phi(preprocess_.NumFeatures());
  const bool exact = model_->ExplainAgainst(probe.data(), probe.data(), 1, preprocess_.Group(),
                                            preprocess_.NumFeatures(), phi.data());
  try {
    reference_ = Reference::Select(meta_["explain"]["reference_pool"], schema_, preprocess_,
                                   policy_, score, exact);
  } catch (const Error& e) {
    throw Error(std::string("bundle.") + e.what());
  }
}

void Bundle::SetPolicy(Policy policy) {
  policy.Validate();
  policy_ = std::move(policy);
  meta_["policy"] = policy_.ToJson();
  ResolveFields();
  SelectReference();
}

std::vector<double> Bundle::ReferenceContributions(const double* raw) const {
  std::vector<double> x(preprocess_.NumInputs()), phi(preprocess_.NumFeatures(), 0.0);
  preprocess_.Transform(raw, x.data());
  reference_.Contributions(*model_, x.data(), kernel_options_, phi.data());
  return phi;
}

std::string Bundle::ExplainMethod() const { return model_->ExplainMethod(); }

std::string Bundle::TargetName() const { return meta_.at("target").at("name").get<std::string>(); }
std::string Bundle::Positive() const {
  return meta_.at("target").at("positive").get<std::string>();
}

nlohmann::json Bundle::ToJson() const {
  nlohmann::json j = meta_;
  j["format"] = kBundleFormat;
  j["format_version"] = kBundleFormatVersion;
  j["kind"] = model_->Kind();
  j["schema"] = schema_.ToJson();
  j["preprocess"] = preprocess_.ToJson();
  j["model"] = model_->ToJson();
  j["policy"] = policy_.ToJson();
  j["content_sha256"] = HashInPlace(j);  // no copy of a document that may be large
  return j;
}

std::string Bundle::Dump() const { return ToJson().dump(1) + "\n"; }

Bundle Bundle::Parse(const std::string& text, const std::string& source) {
  // The costliest counts are bounded while scanning the text, before the document is built.
  static const std::vector<JsonArrayLimit> limits = {
      {"model.trees", kMaxTrees},
      {"schema.columns", kMaxColumns},
      {"csv.missing_tokens", kMaxMissingTokens},
      {"explain.kernel_shap.weight", kMaxKernelBackground},
      {"explain.kernel_shap.background", kMaxKernelBackground}};
  return FromJson(ParseJson(text, source, limits), source);
}

Bundle Bundle::FromJson(nlohmann::json j, const std::string& source) {
  try {
    JsonReader r(j, "bundle");
    if (r.String("format") != kBundleFormat)
      r.Fail("format", std::string("expected '") + kBundleFormat + "' (is this a LoanLens model?)");
    if (r.Int("format_version") != kBundleFormatVersion)
      r.Fail("format_version", "this engine reads version " + std::to_string(kBundleFormatVersion) +
                                   ", the bundle has " + j["format_version"].dump());
    const std::string stored = r.String("content_sha256");
    CheckCountsEarly(j);
    const std::string actual = HashInPlace(j);
    if (stored != actual)
      throw Error(
          "bundle.content_sha256: the content does not match its hash (the file was "
          "modified after training); stored " +
          stored + ", computed " + actual);
    CheckMeta(r);
    const std::string target_name = r.Child("target").String("name");

    Schema schema = Schema::FromJson(r.Get("schema"));
    const ColumnSpec* t = schema.Find(target_name);
    if (!t || t->role != Role::kTarget)
      throw Error("bundle.target.name: '" + target_name + "' is not the schema's target column");
    if (schema.FeatureNames().empty()) throw Error("bundle.schema: no feature columns");
    Preprocessor preprocess = Preprocessor::FromJson(r.Object("preprocess"), schema);
    std::unique_ptr<Model> model = ModelFromJson(r.Object("model"));
    if (r.String("kind") != model->Kind())
      r.Fail("kind", "says '" + j["kind"].get<std::string>() + "' but the model is '" +
                         model->Kind() + "'");
    JsonReader training = r.Child("training");
    if (training.Has("prohibited_basis"))  // set by import-xgboost: feature columns, by name
      for (const auto& c : training.StringArray("prohibited_basis")) {
        const ColumnSpec* spec = schema.Find(c);
        if (!spec || spec->role != Role::kFeature)
          training.Fail("prohibited_basis", "'" + c + "' is not a feature column of the schema");
      }
    nlohmann::json meta = j;
    for (const char* key : {"schema", "preprocess", "model", "content_sha256"}) meta.erase(key);
    return Bundle(std::move(schema), std::move(preprocess), std::move(model), std::move(meta));
  } catch (const Error& e) {
    throw Error(source + ": " + e.what());
  } catch (const nlohmann::json::exception& e) {
    // A backstop: every read above is validated, so this names a gap, still with the file.
    throw Error(source + ": unexpected content (" + Abbreviate(e.what(), 240) + ")");
  }
}

double Bundle::UncalibratedPd(double margin) const {
  // random_forest's margin is already its average class-1 probability.
  if (model_->MarginIsProbability()) return margin;
  return Sigmoid(margin);
}

double Bundle::MarginToPd(double margin) const {
  // A calibrator maps the model's score (log-odds, or the forest's probability) to a PD.
  return calibrator_.kind == CalibrationKind::kNone ? UncalibratedPd(margin)
                                                    : calibrator_.Apply(margin);
}

std::vector<double> Bundle::Interactions(const double* raw) const {
  const std::size_t m = preprocess_.NumInputs(), f = preprocess_.NumFeatures();
  std::vector<double> x(m), design(m * m), out(f * f, 0.0);
  preprocess_.Transform(raw, x.data());
  model_->Interactions(x.data(), design.data());
  const auto& group = preprocess_.Group();
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < m; ++j) out[group[i] * f + group[j]] += design[i * m + j];
  return out;
}

Score Bundle::ScoreRow(const double* raw, bool explain) const {
  Score s;
  std::vector<double> x(preprocess_.NumInputs());
  preprocess_.Transform(raw, x.data());
  s.margin = model_->PredictMargin(x.data());
  s.pd = MarginToPd(s.margin);
  s.points = policy_.Points(s.pd);
  s.band = policy_.Band(s.pd);
  s.base_value = base_value_;
  if (explain && kernel_) {
    s.contributions.assign(preprocess_.NumFeatures(), 0.0);
    if (model_->ExplainAgainstWeighted(x.data(), kernel_->Background().data(),
                                       kernel_->BackgroundWeight().data(), kernel_->NumBackground(),
                                       kernel_->Group(), kernel_->NumGroups(),
                                       s.contributions.data())) {
      s.base_value = background_base_;
      return s;
    }
    s.base_value = KernelShapOfDesignRow(x.data(), s.contributions.data());
  } else if (explain) {
    std::vector<double> phi(x.size());
    s.base_value = model_->Explain(x.data(), phi.data());
    s.contributions.assign(preprocess_.NumFeatures(), 0.0);
    const auto& group = preprocess_.Group();
    for (std::size_t c = 0; c < phi.size(); ++c) s.contributions[group[c]] += phi[c];
  }
  return s;
}

double Bundle::KernelShapOfDesignRow(const double* x, double* phi) const {
  const Model& model = *model_;
  const BatchMarginFn batch = [&model](const double* rows, std::size_t n, double* out) {
    for (std::size_t i = 0; i < n; ++i) out[i] = model.PredictMargin(rows + i * model.NumInputs());
  };
  return kernel_->Explain(batch, kernel_fast_path_, x, phi, kernel_options_);
}

std::vector<double> Bundle::KernelShapContributions(const double* raw) const {
  if (!kernel_)
    throw Error("bundle: the '" + model_->Kind() +
                "' model is explained without a background, so it has no Kernel SHAP");
  std::vector<double> x(preprocess_.NumInputs()), phi(preprocess_.NumFeatures(), 0.0);
  preprocess_.Transform(raw, x.data());
  KernelShapOfDesignRow(x.data(), phi.data());
  return phi;
}

std::unique_ptr<MarginProbe> Bundle::Probe(const double* raw) const {
  std::vector<double> x(preprocess_.NumInputs());
  preprocess_.Transform(raw, x.data());
  return model_->Probe(x.data());
}

Score Bundle::ScoreRowWith(const double* raw, MarginProbe& probe) const {
  // ScoreRow(raw, false) line for line, the margin from the probe (the same double).
  Score s;
  std::vector<double> x(preprocess_.NumInputs());
  preprocess_.Transform(raw, x.data());
  s.margin = probe.Margin(x.data());
  s.pd = MarginToPd(s.margin);
  s.points = policy_.Points(s.pd);
  s.band = policy_.Band(s.pd);
  s.base_value = base_value_;
  return s;
}

}  // namespace loanlens
