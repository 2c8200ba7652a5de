#include "loanlens/pipeline.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <fstream>
#include <numeric>
#include <random>
#include <sstream>

#include "loanlens/calibration.h"
#include "loanlens/card/model_card.h"
#include "loanlens/data/frame.h"
#include "loanlens/data/schema.h"
#include "loanlens/data/target.h"
#include "loanlens/decision/reference.h"
#include "loanlens/error.h"
#include "loanlens/explain/kernel_shap.h"
#include "loanlens/file.h"
#include "loanlens/json_util.h"
#include "loanlens/limits.h"
#include "loanlens/metrics.h"
#include "loanlens/sha256.h"
#include "loanlens/validation/evidence.h"
#include "loanlens/version.h"

namespace loanlens {
namespace {

/// Uniform integer in [0, n) from a 64-bit Mersenne Twister (whose output sequence the C++
/// standard fixes), so splits are the same on every platform, natively and in WebAssembly.
std::size_t UniformIndex(std::mt19937_64& rng, std::size_t n) {
  const std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  std::uint64_t v;
  do v = rng();
  while (v >= limit);
  return static_cast<std::size_t>(v % n);
}

Frame Subset(const Frame& f, const std::vector<std::size_t>& rows) {
  Frame out;
  out.feature_names = f.feature_names;
  out.num_rows = rows.size();
  const std::size_t nf = f.feature_names.size();
  for (std::size_t i : rows) {
    out.values.insert(out.values.end(), f.Row(i), f.Row(i) + nf);
    if (!f.target.empty()) out.target.push_back(f.target[i]);
    out.source_rows.push_back(f.source_rows[i]);
    if (!f.ids.empty()) out.ids.push_back(f.ids[i]);
  }
  // Protected columns are never model inputs but are kept for the fairness review.
  for (const auto& [col, values] : f.protected_columns) {
    out.protected_columns.emplace_back(col, std::vector<std::string>());
    for (std::size_t i : rows) out.protected_columns.back().second.push_back(values[i]);
  }
  return out;
}

ReadResult ReadCsv(const std::string& text, const std::string& name, const Schema& schema,
                   const ReadOptions& options, const CsvOptions& csv) {
  std::istringstream in(text);
  CsvReader reader(in, name, csv);
  return ReadFrame(reader, schema, options);
}

/// Pipeline parameters (see PipelineParamKeys) are taken out; the rest go to the model.
ParamMap SplitParams(const ParamMap& all, ParamMap& pipeline) {
  ParamMap model;
  const auto& keys = PipelineParamKeys();
  for (const auto& [k, v] : all) {
    if (std::find(keys.begin(), keys.end(), k) != keys.end()) {
      pipeline[k] = v;
    } else {
      model[k] = v;
    }
  }
  return model;
}

std::string UtcNow() {
  const std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

/// The settings of training itself (not of the model, the preprocessing or the policy).
struct TrainSettings {
  CalibrationKind calibration = CalibrationKind::kNone;
  std::size_t explain_rows = 500;         ///< validation rows explained for the stored importance
  int kernel_shap_coalitions = 2048;      ///< stored for models explained by Kernel SHAP
  std::size_t reference_pool_rows = 300;  ///< decision/reference.h
};

const std::vector<std::string>& TrainSettingKeys() {
  static const std::vector<std::string> keys = {"calibration", "explain_rows",
                                                "kernel_shap_coalitions", "reference_pool_rows"};
  return keys;
}

TrainSettings TrainSettingsFromParams(const ParamMap& params) {
  ParamReader r(params, "training");
  TrainSettings t;
  t.calibration = CalibrationKindFromString(r.String("calibration", "none"));
  t.explain_rows = static_cast<std::size_t>(r.Int("explain_rows", 500, 1, 1000000000));
  t.kernel_shap_coalitions = static_cast<int>(
      r.Int("kernel_shap_coalitions", 2048, 1, static_cast<int>(kMaxKernelCoalitions)));
  t.reference_pool_rows = static_cast<std::size_t>(r.Int("reference_pool_rows", 300, 20, 5000));
  return t;
}

}  // namespace

void StratifiedSplit(const std::vector<double>& y, double fraction, std::uint64_t seed,
                     std::vector<std::size_t>& train, std::vector<std::size_t>& valid) {
  CheckValidFraction(fraction);
  std::mt19937_64 rng(seed);
  for (double cls : {0.0, 1.0}) {
    std::vector<std::size_t> idx;
    for (std::size_t i = 0; i < y.size(); ++i)
      if (y[i] == cls) idx.push_back(i);
    for (std::size_t i = idx.size(); i > 1; --i) std::swap(idx[i - 1], idx[UniformIndex(rng, i)]);
    const auto n_valid = static_cast<std::size_t>(std::llround(fraction * idx.size()));
    valid.insert(valid.end(), idx.begin(), idx.begin() + n_valid);
    train.insert(train.end(), idx.begin() + n_valid, idx.end());
  }
  std::sort(train.begin(), train.end());
  std::sort(valid.begin(), valid.end());
}

void AssignDefaultRoles(Schema& schema, const std::string& target) {
  for (auto& c : schema.columns) {
    const std::string lower = AsciiLower(c.name);
    const bool id_name = lower == "id" ||
                         (c.name.size() > 2 && c.name.substr(c.name.size() - 2) == "ID") ||
                         (lower.size() > 3 && lower.substr(lower.size() - 3) == "_id");
    if (c.name == target) {
      c.role = Role::kTarget;
    } else if (id_name) {
      c.role = Role::kId;
    } else if (IsDefaultProtected(c.name)) {
      c.role = Role::kProtected;
    }
  }
}

const std::vector<std::string>& PipelineParamKeys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> k = PreprocessParamKeys();
    for (const auto* list : {&TrainSettingKeys(), &Policy::Keys()})
      k.insert(k.end(), list->begin(), list->end());
    return k;
  }();
  return keys;
}

namespace {
using Clock = std::chrono::steady_clock;
/// The policy keys of --param (Policy::Set validates each; Validate() the whole).
Policy PolicyFromParams(const ParamMap& pipeline_params, const Schema& schema) {
  Policy policy;
  for (const auto& [key, value] : pipeline_params) policy.Set(key, value);
  policy.Validate();
  for (const std::string* name : {&policy.amount_feature, &policy.ead_feature}) {
    if (name->empty()) continue;
    const ColumnSpec* c = schema.Find(*name);
    if (!c || c->role != Role::kFeature || c->type != ColumnType::kNumeric)
      throw Error("policy: '" + *name + "' is not a numeric feature column");
  }
  for (const auto& key : policy.key_fields) {
    const ColumnSpec* c = schema.Find(key);
    if (!c || c->role != Role::kFeature)
      throw Error("policy 'key_fields': '" + key + "' is not a feature column");
  }
  return policy;
}

/// Key fields (a missing one sends the applicant to review): by default the three features with
/// the largest mean |SHAP| on the validation rows.
void SetDefaultKeyFields(Bundle& bundle, const std::vector<double>& mean_abs) {
  std::vector<std::size_t> order(mean_abs.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return mean_abs[a] > mean_abs[b]; });
  Policy policy = bundle.GetPolicy();
  policy.key_fields.clear();
  const auto& features = bundle.FeatureNames();
  for (std::size_t k = 0; k < std::min<std::size_t>(3, order.size()); ++k)
    if (mean_abs[order[k]] > 0) policy.key_fields.push_back(features[order[k]]);
  bundle.SetPolicy(policy);
}

/// Makes every column an imported model reads a feature (options.model_columns); returns those
/// that were protected, in schema order.
std::vector<std::string> GrantModelColumns(Schema& schema, const TrainOptions& options) {
  std::vector<std::string> prohibited;
  for (auto& c : schema.columns) {
    if (options.model_columns.count(c.name) == 0 || c.role == Role::kTarget) continue;
    if (c.role == Role::kProtected) prohibited.push_back(c.name);
    c.role = Role::kFeature;
  }
  return prohibited;
}

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}
/// The CSV dialect of training: the defaults, or the user's missing-value tokens (an empty cell
/// is always missing).
CsvOptions TrainingCsvOptions(const TrainOptions& options) {
  CsvOptions csv;
  if (options.missing_tokens.empty()) return csv;
  csv.missing_tokens = options.missing_tokens;
  if (std::find(csv.missing_tokens.begin(), csv.missing_tokens.end(), "") ==
      csv.missing_tokens.end())
    csv.missing_tokens.insert(csv.missing_tokens.begin(), "");
  return csv;
}

/// Step 1a: column types inferred from the training file (the user's schema and an imported
/// model's columns force theirs; the target is read as categorical values).
Schema InferTrainingSchema(const TrainOptions& options, const std::string& text,
                           const std::string& name, const CsvOptions& csv,
                           const nlohmann::json& user_schema) {
  InferOptions infer;
  if (!user_schema.is_null()) infer.forced_types = SchemaOverrideTypes(user_schema);
  for (const auto& [column, type] : options.model_columns) infer.forced_types[column] = type;
  infer.forced_types[options.target] = ColumnType::kCategorical;
  std::istringstream in(text);
  CsvReader reader(in, name, csv);
  Schema schema = InferSchema(reader, infer);
  if (!schema.Find(options.target))
    throw Error(Location{name, 1, options.target, ""}, "target column not found");
  return schema;
}

/// Gives the columns named by `list` (--exclude, --protected) `role`.
void SetRoles(Schema& schema, const std::vector<std::string>& list, Role role,
              const std::string& name, const std::string& option) {
  for (const auto& col : list) {
    ColumnSpec* c = schema.Find(col);
    if (!c)
      throw Error(Location{name, 1, col, ""}, option + " names a column that is not in the file");
    c->role = role;
  }
}

/// Step 1b: roles (target, ids, protected attributes, excluded columns; then the user's schema
/// wins; an imported model's columns are features). Returns the protected columns an imported
/// model reads (training.prohibited_basis).
std::vector<std::string> AssignTrainingRoles(Schema& schema, const TrainOptions& options,
                                             const std::string& name,
                                             const nlohmann::json& user_schema) {
  AssignDefaultRoles(schema, options.target);
  SetRoles(schema, options.exclude, Role::kIgnore, name, "--exclude");
  SetRoles(schema, options.protected_columns, Role::kProtected, name, "--protected");
  if (!user_schema.is_null()) ApplySchemaOverride(schema, user_schema);
  std::vector<std::string> prohibited = GrantModelColumns(schema, options);
  if (!options.fairness_attribute.empty())
    MarkFairnessAttribute(schema, options.fairness_attribute, name);
  // Identifiers and ignored columns carry no levels into the bundle (an id column would list
  // every row's value).
  for (auto& c : schema.columns) {
    if (c.role == Role::kId || c.role == Role::kIgnore) {
      c.categories.clear();
      c.counts.clear();
    }
  }
  if (schema.Find(options.target)->role != Role::kTarget)
    throw Error("--schema gives the target column '" + options.target + "' another role");
  const std::size_t features = schema.FeatureNames().size();
  if (features == 0) throw Error("train: no feature columns left");
  if (features > kMaxTrainingFeatures)
    throw Error(Location{name, 1, "", ""},
                "has " + std::to_string(features) + " feature columns; training uses at most " +
                    std::to_string(kMaxTrainingFeatures) +
                    " (a bundle stores about 1 KB per feature): leave columns out with --exclude "
                    "or give them the role \"ignore\" in --schema");
  return prohibited;
}

/// Step 3: the rows, split into training and validation rows.
struct SplitRows {
  Frame train, valid;
  std::string split;  ///< how (training.split)
  std::size_t rows_read = 0;
};

SplitRows ReadAndSplit(const TrainOptions& options, const std::string& text,
                       const std::string& name, const Schema& schema, const TargetCoding& coding,
                       const CsvOptions& csv) {
  ReadOptions ro;
  ro.target = options.target;
  ro.positive = coding.positive;
  ro.negatives = {coding.negative};
  ReadResult all = ReadCsv(text, name, schema, ro, csv);
  SplitRows s;
  s.rows_read = all.rows_read;
  if (!options.valid_path.empty()) {
    s.train = std::move(all.frame);
    s.valid =
        ReadCsv(ReadFile(options.valid_path), BaseName(options.valid_path), schema, ro, csv).frame;
    s.split = "file " + BaseName(options.valid_path);
    return s;
  }
  CheckValidFraction(options.valid_fraction);
  std::vector<std::size_t> tr, va;
  StratifiedSplit(all.frame.target, options.valid_fraction, options.seed, tr, va);
  s.train = Subset(all.frame, tr);
  s.valid = Subset(all.frame, va);
  s.split = "stratified hold-out " + FormatNumber(options.valid_fraction) + ", seed " +
            std::to_string(options.seed);
  return s;
}

/// The rows of `f` in design space (`x`, row-major) as a family's trainer receives them.
TrainData DesignData(const std::vector<double>& x, const Frame& f, const Preprocessor& pre,
                     const std::vector<std::string>& feature_names) {
  TrainData d;
  d.x = x.data();
  d.num_rows = f.num_rows;
  d.num_inputs = pre.NumInputs();
  d.y = f.target.data();
  d.input_names = pre.InputNames();
  d.group = pre.Group();
  d.group_names = feature_names;
  return d;
}

std::vector<double> Margins(const Model& model, const std::vector<double>& x, std::size_t rows,
                            std::size_t num_inputs) {
  (void)num_inputs;  // x is rows x model.NumInputs()
  std::vector<double> m(rows);
  model.PredictMargins(x.data(), rows, m.data());
  return m;
}

/// The bundle's description of its training (target, CSV dialect, data, split, parameters).
nlohmann::json TrainingMeta(const TrainOptions& options, const std::string& name,
                            const std::string& text, const TargetCoding& coding,
                            const CsvOptions& csv, const SplitRows& rows, const Policy& policy,
                            const std::vector<std::string>& prohibited) {
  const Frame& train = rows.train;
  const double positive_rate =
      train.num_rows
          ? std::accumulate(train.target.begin(), train.target.end(), 0.0) / train.num_rows
          : 0.0;
  nlohmann::json meta = {
      {"engine_version", kEngineVersion},
      {"created_at", UtcNow()},
      {"target",
       {{"name", options.target}, {"positive", coding.positive}, {"negative", coding.negative}}},
      {"policy", policy.ToJson()},
      {"csv", {{"missing_tokens", csv.missing_tokens}}},
      {"training",
       {{"data_file", name},
        {"data_sha256", Sha256Hex(text)},
        {"rows", rows.rows_read},
        {"train_rows", train.num_rows},
        {"valid_rows", rows.valid.num_rows},
        {"positive_rate_train", positive_rate},
        {"split", rows.split},
        {"seed", options.seed},
        {"model", options.model},
        {"params", options.params}}},
      {"explain", {{"base_value", 0.0}}},
      {"metrics", nlohmann::json::object()}};
  if (!options.model_source.is_null()) meta["training"]["source"] = options.model_source;
  if (!prohibited.empty()) meta["training"]["prohibited_basis"] = prohibited;
  return meta;
}

/// Models without an exact explainer are explained by Kernel SHAP against a weighted k-means
/// summary of the training rows (at most 50 points), stored in the bundle.
void AddKernelShapBackground(nlohmann::json& meta, const Model& model, const TrainData& train,
                             const TrainSettings& settings, std::uint64_t seed) {
  if (model.HasExactExplainer()) return;
  nlohmann::json ks = KernelExplainer::Fit(train, 50, seed).ToJson();
  ks["seed"] = seed;
  ks["num_coalitions"] = settings.kernel_shap_coalitions;
  meta["explain"]["kernel_shap"] = std::move(ks);
}

/// Calibration (optional), fitted on the held-out margins: the shipped calibrator uses all of
/// them (meta.calibration); the metrics use the 5-fold cross-fitted PDs returned here (empty
/// without calibration), so that they are not measured on the rows a calibrator was fitted on.
std::vector<double> Calibrate(nlohmann::json& meta, const std::vector<double>& valid_margin,
                              const std::vector<double>& y, CalibrationKind kind) {
  if (kind == CalibrationKind::kNone) return {};
  const std::size_t n = valid_margin.size();
  if (n < 50)
    throw Error("calibration needs held-out rows (at least 50); got " + std::to_string(n));
  meta["calibration"] = Calibrator::Fit(valid_margin, y, kind).ToJson();
  std::vector<double> crossfit_pd(n);
  constexpr std::size_t kFolds = 5;
  for (std::size_t fold = 0; fold < kFolds; ++fold) {
    std::vector<double> m_fit, y_fit;
    for (std::size_t i = 0; i < n; ++i)
      if (i % kFolds != fold) {
        m_fit.push_back(valid_margin[i]);
        y_fit.push_back(y[i]);
      }
    const Calibrator c = Calibrator::Fit(m_fit, y_fit, kind);
    for (std::size_t i = fold; i < n; i += kFolds) crossfit_pd[i] = c.Apply(valid_margin[i]);
  }
  return crossfit_pd;
}

/// The pool the reference population of adverse-action reasons is selected from: training
/// applicants at evenly spaced ranks of the margin (decision/reference.h), at most a million
/// stored values (a very wide file keeps fewer pool rows).
nlohmann::json ReferencePool(const Frame& train, const std::vector<double>& train_margin,
                             std::size_t pool_rows) {
  const std::size_t width = std::max<std::size_t>(1, train.feature_names.size());
  const std::size_t rows = std::min(pool_rows, std::max<std::size_t>(1, 1000000 / width));
  return ReferencePoolJson(train, train_margin, rows);
}

/// Scores every row of `ef` (PDs for the metrics: cross-fitted when calibrated) and explains up
/// to `explain_rows` evenly spaced ones: base value and mean |SHAP| per feature go into
/// meta.explain and meta.importance, and the key fields default to the three most important.
struct HeldOutScores {
  std::vector<double> pd, raw_pd;
};

HeldOutScores ExplainHeldOut(Bundle& bundle, const Frame& ef,
                             const std::vector<double>& crossfit_pd, const TrainOptions& options,
                             const TrainSettings& settings, bool default_key_fields) {
  const Preprocessor& pre = bundle.GetPreprocessor();
  const std::size_t stride =
      std::max<std::size_t>(1, (ef.num_rows + settings.explain_rows - 1) / settings.explain_rows);
  HeldOutScores out{std::vector<double>(ef.num_rows), std::vector<double>(ef.num_rows)};
  std::vector<double> mean_abs(pre.NumFeatures(), 0.0);
  double base = 0;
  std::size_t explained = 0;
  for (std::size_t i = 0; i < ef.num_rows; ++i) {
    const bool explain_this = i % stride == 0;
    const Score s = bundle.ScoreRow(ef.Row(i), explain_this);
    out.pd[i] = crossfit_pd.empty() ? s.pd : crossfit_pd[i];
    out.raw_pd[i] = bundle.UncalibratedPd(s.margin);
    if (explain_this) {
      base = s.base_value;
      ++explained;
      for (std::size_t j = 0; j < mean_abs.size(); ++j) mean_abs[j] += std::abs(s.contributions[j]);
    }
    if (options.progress) options.progress(i + 1, ef.num_rows);
  }
  nlohmann::json mas = nlohmann::json::object();
  for (std::size_t j = 0; j < mean_abs.size(); ++j)
    mas[pre.Features()[j].name] = explained ? mean_abs[j] / explained : 0.0;
  if (default_key_fields) SetDefaultKeyFields(bundle, mean_abs);
  bundle.SetBaseValue(base);
  auto& m = bundle.Meta();
  m["explain"]["method"] = bundle.ExplainMethod();
  m["explain"]["rows"] = explained;
  m["explain"]["mean_abs_shap"] = mas;
  nlohmann::json importance = bundle.GetModel().Importance();
  importance["mean_abs_shap"] = mas;
  if (pre.Options().encoding == Encoding::kWoe) {
    nlohmann::json iv = nlohmann::json::object();
    for (const auto& f : pre.Features()) iv[f.name] = f.information_value;
    importance["information_value"] = iv;
  }
  m["importance"] = importance;
  return out;
}

/// Validation metrics (with the uncalibrated ones beside calibrated), training-sample evidence,
/// fairness summary and the model card.
void AddEvidence(Bundle& bundle, const SplitRows& rows, const std::vector<double>& train_margins,
                 const HeldOutScores& scores, const TrainOptions& options,
                 CalibrationKind calibration) {
  auto& m = bundle.Meta();
  if (rows.valid.num_rows > 0) {
    m["metrics"]["validation"] = ValidationEvidence(bundle, rows.valid.target, scores.pd);
    if (calibration != CalibrationKind::kNone) {
      m["metrics"]["validation"]["calibration_method"] =
          ToString(calibration) + " (5-fold cross-fitted on the validation rows)";
      m["metrics"]["validation_uncalibrated"] =
          EvaluateBinary(rows.valid.target, scores.raw_pd, EvalOptions());
    }
  }
  std::vector<double> train_pd(train_margins.size());
  for (std::size_t i = 0; i < train_pd.size(); ++i)
    train_pd[i] = bundle.MarginToPd(train_margins[i]);
  AddTrainingEvidence(bundle, rows.train, train_pd, rows.valid, scores.pd,
                      options.fairness_attribute);
  bundle.Meta()["card"] = BuildModelCard(bundle);
}

/// Wall-clock seconds per phase, for --timings (kept out of the bundle).
class PhaseTimer {
 public:
  explicit PhaseTimer(nlohmann::json* out) : out_(out) {}
  void Done(const char* phase) {
    if (out_) (*out_)[phase] = Seconds(start_);
    start_ = Clock::now();
  }

 private:
  nlohmann::json* out_;
  Clock::time_point start_ = Clock::now();
};

}  // namespace

Bundle TrainBundle(const TrainOptions& options) {
  nlohmann::json timings;
  PhaseTimer timer(&timings);
  if (options.target.empty()) throw Error("train: --target is required");
  const ModelFamily& family = FindModelFamily(options.model);
  ParamMap pipeline_params;
  const ParamMap model_params = SplitParams(options.params, pipeline_params);
  const TrainSettings settings = TrainSettingsFromParams(pipeline_params);
  const PreprocessOptions po = PreprocessOptionsFromParams(pipeline_params, family.needs_scaling);

  // 1. Schema and roles; 2. target coding (data/target.h, the rule `split` uses too).
  const std::string text = ReadFile(options.data_path);
  const std::string name = BaseName(options.data_path);
  const nlohmann::json user_schema =
      options.schema_path.empty() ? nlohmann::json()
                                  : ParseJson(ReadFile(options.schema_path), options.schema_path);
  const CsvOptions csv = TrainingCsvOptions(options);
  Schema schema = InferTrainingSchema(options, text, name, csv, user_schema);
  const std::vector<std::string> prohibited =
      AssignTrainingRoles(schema, options, name, user_schema);
  const Policy policy = PolicyFromParams(pipeline_params, schema);
  const TargetCoding coding =
      CodeTarget(schema.Find(options.target)->categories, options.positive, name, options.target);

  // 3. Rows, then the split (a separate validation file, or a stratified hold-out).
  const SplitRows rows = ReadAndSplit(options, text, name, schema, coding, csv);
  timer.Done("read_seconds");

  // 4. Preprocessing fitted on the training rows only.
  const Preprocessor pre = Preprocessor::Fit(rows.train, schema, po, rows.train.target);
  const std::vector<double> x_train = pre.TransformAll(rows.train);
  const std::vector<double> x_valid = pre.TransformAll(rows.valid);
  const TrainData train_data = DesignData(x_train, rows.train, pre, rows.train.feature_names);
  const TrainData valid_data = DesignData(x_valid, rows.valid, pre, rows.train.feature_names);
  timer.Done("preprocess_seconds");

  // 5. The model.
  TrainContext context;
  context.seed = options.seed;
  context.threads = options.threads;
  context.progress = options.progress;
  if (rows.valid.num_rows > 0) context.valid = &valid_data;
  std::vector<double> fitted_margins;
  context.train_margins = &fitted_margins;
  std::unique_ptr<Model> model = options.make_model
                                     ? options.make_model(train_data)
                                     : family.train(train_data, model_params, context);
  timer.Done("fit_seconds");

  // 6. Explanation background, calibration and the reference pool, then explanations and
  // metrics, all computed from the held-out rows.
  nlohmann::json meta = TrainingMeta(options, name, text, coding, csv, rows, policy, prohibited);
  AddKernelShapBackground(meta, *model, train_data, settings, options.seed);
  const std::vector<double> crossfit_pd =
      Calibrate(meta, Margins(*model, x_valid, rows.valid.num_rows, pre.NumInputs()),
                rows.valid.target, settings.calibration);
  const std::vector<double> train_margins =
      fitted_margins.size() == rows.train.num_rows
          ? std::move(fitted_margins)
          : Margins(*model, x_train, rows.train.num_rows, pre.NumInputs());
  meta["explain"]["reference_pool"] =
      ReferencePool(rows.train, train_margins, settings.reference_pool_rows);
  Bundle bundle(std::move(schema), pre, std::move(model), std::move(meta));
  const Frame& ef = rows.valid.num_rows > 0 ? rows.valid : rows.train;
  const HeldOutScores scores = ExplainHeldOut(bundle, ef, crossfit_pd, options, settings,
                                              !pipeline_params.count("key_fields"));
  timer.Done("explain_seconds");
  AddEvidence(bundle, rows, train_margins, scores, options, settings.calibration);
  timer.Done("evidence_seconds");
  if (options.timings) *options.timings = timings;
  return bundle;
}

std::vector<std::string> ProhibitedBasis(const Bundle& bundle) {
  const auto& training = bundle.Meta()["training"];
  std::vector<std::string> out;
  if (training.contains("prohibited_basis"))
    for (const auto& c : training["prohibited_basis"]) out.push_back(c.get<std::string>());
  return out;
}

}  // namespace loanlens
