#include "loanlens/bundle.h"

#include <cmath>

#include "loanlens/error.h"
#include "loanlens/json_util.h"
#include "loanlens/svm/svm.h"
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

}  // namespace

Bundle::Bundle(Schema schema, Preprocessor preprocess, std::unique_ptr<Model> model,
               nlohmann::json meta)
    : schema_(std::move(schema)),
      preprocess_(std::move(preprocess)),
      model_(std::move(model)),
      meta_(std::move(meta)) {
  if (!model_) throw Error("bundle: no model");
  if (model_->NumInputs() != preprocess_.NumInputs())
    throw Error("bundle: the model expects " + std::to_string(model_->NumInputs()) +
                " inputs but preprocessing produces " + std::to_string(preprocess_.NumInputs()));
  if (meta_.contains("policy")) policy_ = Policy::FromJson(meta_["policy"]);
  meta_["policy"] = policy_.ToJson();
  if (meta_.contains("csv")) {
    csv_.missing_tokens = JsonReader(meta_["csv"], "bundle.csv").StringArray("missing_tokens");
  }
  meta_["csv"] = {{"missing_tokens", csv_.missing_tokens}};
  if (meta_.contains("calibration")) calibrator_ = Calibrator::FromJson(meta_["calibration"]);
  meta_["calibration"] = calibrator_.ToJson();
  if (!model_->HasExactExplainer()) {
    // Kernel SHAP over the original features against the stored background.
    if (!meta_.contains("explain") || !meta_["explain"].contains("kernel_shap"))
      throw Error("bundle.explain.kernel_shap: is missing (the '" + model_->Kind() +
                  "' model has no exact explainer)");
    const nlohmann::json& ks = meta_["explain"]["kernel_shap"];
    kernel_ = std::make_unique<KernelExplainer>(KernelExplainer::FromJson(ks));
    if (kernel_->NumInputs() != model_->NumInputs() || kernel_->Group() != preprocess_.Group())
      throw Error("bundle.explain.kernel_shap: its background does not match the model's inputs");
    kernel_options_.seed = ks.value("seed", kernel_options_.seed);
    kernel_options_.num_coalitions = ks.value("num_coalitions", kernel_options_.num_coalitions);
    // RBF / polynomial SVMs have an exact shortcut for coalition values (same numbers, faster).
    if (model_->Kind() == "svm") kernel_fast_path_ = SvmCoalitionMargins(*model_, *kernel_);
  }
}

std::string Bundle::ExplainMethod() const {
  if (!model_->HasExactExplainer()) return "kernel_shap";
  const std::string kind = model_->Kind();
  return kind == "gbdt" || kind == "random_forest" ? "tree_shap" : "linear_shap";
}

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
  j["content_sha256"] = Sha256Hex(CanonicalContent(j));
  return j;
}

std::string Bundle::Dump() const { return ToJson().dump(1) + "\n"; }

Bundle Bundle::Parse(const std::string& text, const std::string& source) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {  // parse_error, out_of_range (1e400)
    throw Error(source + ": not valid JSON (" + e.what() + ")");
  }
  return FromJson(std::move(j), source);
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
    const std::string actual = Sha256Hex(CanonicalContent(j));
    if (stored != actual)
      throw Error(
          "bundle.content_sha256: the content does not match its hash (the file was "
          "modified after training); stored " +
          stored + ", computed " + actual);
    r.String("engine_version");
    JsonReader target = r.Child("target");
    const std::string target_name = target.String("name");
    target.String("positive");

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
    r.Object("metrics");
    r.Object("training");
    JsonReader explain = r.Child("explain");
    explain.Double("base_value");
    nlohmann::json meta = j;
    for (const char* key : {"schema", "preprocess", "model", "content_sha256"}) meta.erase(key);
    return Bundle(std::move(schema), std::move(preprocess), std::move(model), std::move(meta));
  } catch (const Error& e) {
    throw Error(source + ": " + e.what());
  }
}

double Bundle::UncalibratedPd(double margin) const {
  // random_forest's margin is already its average class-1 probability.
  if (model_->MarginIsProbability()) return margin;
  return 1.0 / (1.0 + std::exp(-margin));
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
  s.base_value = meta_.at("explain").at("base_value").get<double>();
  if (explain && kernel_) {
    s.contributions.assign(preprocess_.NumFeatures(), 0.0);
    const Model& model = *model_;
    const BatchMarginFn batch = [&model](const double* rows, std::size_t n, double* out) {
      for (std::size_t i = 0; i < n; ++i)
        out[i] = model.PredictMargin(rows + i * model.NumInputs());
    };
    s.base_value = kernel_->Explain(batch, kernel_fast_path_, x.data(), s.contributions.data(),
                                    kernel_options_);
  } else if (explain) {
    std::vector<double> phi(x.size());
    s.base_value = model_->Explain(x.data(), phi.data());
    s.contributions.assign(preprocess_.NumFeatures(), 0.0);
    const auto& group = preprocess_.Group();
    for (std::size_t c = 0; c < phi.size(); ++c) s.contributions[group[c]] += phi[c];
  }
  return s;
}

}  // namespace loanlens
