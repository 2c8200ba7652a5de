#include "loanlens/pipeline.h"

#include <algorithm>
#include <cctype>
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
#include "loanlens/data/target.h"
#include "loanlens/decision/reference.h"
#include "loanlens/error.h"
#include "loanlens/explain/kernel_shap.h"
#include "loanlens/json_util.h"
#include "loanlens/limits.h"
#include "loanlens/metrics.h"
#include "loanlens/tree/xgboost_import.h"
#include "loanlens/validation/evidence.h"
#include "loanlens/version.h"

namespace loanlens {
namespace {

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string BaseName(const std::string& path) {
  const auto slash = path.find_last_of("/\\");
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

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
    const std::string lower = Lower(c.name);
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
    std::vector<std::string> k = {"encoding",      "woe_bins",     "min_frequency",
                                  "missing_indicators", "clip_quantile", "calibration",
                                  "explain_rows",  "kernel_shap_coalitions", "reference_pool_rows"};
    const auto& policy = Policy::Keys();
    k.insert(k.end(), policy.begin(), policy.end());
    return k;
  }();
  return keys;
}

bool IsDefaultProtected(const std::string& column_name) {
  const std::string n = Lower(column_name);
  for (const char* word : {"sex", "gender", "marital", "marriage", "personal_status", "race",
                           "ethnic", "religion", "national", "foreign", "age"}) {
    const std::string w = word;
    const auto pos = n.find(w);
    if (pos == std::string::npos) continue;
    // "age" only as a whole word ("age", "age_years", "person_age"), not "mortgage" or "page".
    const bool start = pos == 0 || !std::isalpha(static_cast<unsigned char>(n[pos - 1]));
    const bool end =
        pos + w.size() == n.size() || !std::isalpha(static_cast<unsigned char>(n[pos + w.size()]));
    if (w != "age" || (start && end)) return true;
  }
  return false;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(Location{path, 0, "", ""}, "cannot be opened for reading");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
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
  const auto features = bundle.FeatureNames();
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
}  // namespace

Bundle TrainBundle(const TrainOptions& options) {
  auto phase_start = Clock::now();
  nlohmann::json timings;
  if (options.target.empty()) throw Error("train: --target is required");
  const ModelFamily& family = FindModelFamily(options.model);
  ParamMap pipeline_params;
  const ParamMap model_params = SplitParams(options.params, pipeline_params);

  // 1. Schema: infer from the training file; the target is read as categorical values.
  const std::string text = ReadFile(options.data_path);
  const std::string name = BaseName(options.data_path);
  nlohmann::json user_schema;
  InferOptions infer;
  if (!options.schema_path.empty()) {
    user_schema = ParseJson(ReadFile(options.schema_path), options.schema_path);
    infer.forced_types = SchemaOverrideTypes(user_schema);
  }
  for (const auto& [column, type] : options.model_columns) infer.forced_types[column] = type;
  infer.forced_types[options.target] = ColumnType::kCategorical;
  CsvOptions csv;
  if (!options.missing_tokens.empty()) {
    csv.missing_tokens = options.missing_tokens;
    if (std::find(csv.missing_tokens.begin(), csv.missing_tokens.end(), "") ==
        csv.missing_tokens.end())
      csv.missing_tokens.insert(csv.missing_tokens.begin(), "");
  }
  Schema schema;
  {
    std::istringstream in(text);
    CsvReader reader(in, name, csv);
    schema = InferSchema(reader, infer);
  }
  ColumnSpec* target = schema.Find(options.target);
  if (!target) throw Error(Location{name, 1, options.target, ""}, "target column not found");
  // Roles: target, ids, protected attributes, excluded columns; then the user's schema wins.
  AssignDefaultRoles(schema, options.target);
  for (const auto& col : options.exclude) {
    ColumnSpec* c = schema.Find(col);
    if (!c)
      throw Error(Location{name, 1, col, ""}, "--exclude names a column that is not in the file");
    c->role = Role::kIgnore;
  }
  for (const auto& col : options.protected_columns) {
    ColumnSpec* c = schema.Find(col);
    if (!c)
      throw Error(Location{name, 1, col, ""}, "--protected names a column that is not in the file");
    c->role = Role::kProtected;
  }
  if (!user_schema.is_null()) ApplySchemaOverride(schema, user_schema);
  const std::vector<std::string> prohibited = GrantModelColumns(schema, options);
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
  if (schema.FeatureNames().empty()) throw Error("train: no feature columns left");

  // 2. Target coding (data/target.h, the rule `split` uses too).
  const TargetCoding coding =
      CodeTarget(schema.Find(options.target)->categories, options.positive, name, options.target);
  const std::string& positive = coding.positive;
  const std::string& negative = coding.negative;

  // 3. Rows, then the split (a separate validation file, or a stratified hold-out).
  ReadOptions ro;
  ro.target = options.target;
  ro.positive = positive;
  ro.negatives = {negative};
  ReadResult all = ReadCsv(text, name, schema, ro, csv);
  Frame train_frame, valid_frame;
  std::string split;
  if (!options.valid_path.empty()) {
    train_frame = std::move(all.frame);
    valid_frame =
        ReadCsv(ReadFile(options.valid_path), BaseName(options.valid_path), schema, ro, csv).frame;
    split = "file " + BaseName(options.valid_path);
  } else {
    CheckValidFraction(options.valid_fraction);
    std::vector<std::size_t> tr, va;
    StratifiedSplit(all.frame.target, options.valid_fraction, options.seed, tr, va);
    train_frame = Subset(all.frame, tr);
    valid_frame = Subset(all.frame, va);
    split = "stratified hold-out " + FormatNumber(options.valid_fraction) + ", seed " +
            std::to_string(options.seed);
  }

  timings["read_seconds"] = Seconds(phase_start);
  phase_start = Clock::now();

  // 4. Preprocessing fitted on the training rows only.
  PreprocessOptions po;
  po.impute = family.needs_scaling;
  po.scale = family.needs_scaling;
  po.encoding = EncodingFromString(ParamString(pipeline_params, "encoding", "onehot"));
  po.woe_bins = ParamInt(pipeline_params, "woe_bins", po.woe_bins);
  po.min_frequency = static_cast<std::size_t>(ParamInt(pipeline_params, "min_frequency", 10));
  po.missing_indicators = ParamInt(pipeline_params, "missing_indicators", 0) != 0;
  po.clip_quantile = ParamDouble(pipeline_params, "clip_quantile", 0.0);
  if (po.woe_bins < 2) throw Error("parameter 'woe_bins': expected at least 2");
  if (po.clip_quantile < 0 || po.clip_quantile >= 0.5)
    throw Error("parameter 'clip_quantile': expected a number in [0, 0.5)");
  const Preprocessor pre = Preprocessor::Fit(train_frame, schema, po, train_frame.target);

  const std::vector<double> x_train = pre.TransformAll(train_frame);
  const std::vector<double> x_valid = pre.TransformAll(valid_frame);
  auto make_data = [&](const std::vector<double>& x, const Frame& f) {
    TrainData d;
    d.x = x.data();
    d.num_rows = f.num_rows;
    d.num_inputs = pre.NumInputs();
    d.y = f.target.data();
    d.input_names = pre.InputNames();
    d.group = pre.Group();
    d.group_names = train_frame.feature_names;
    return d;
  };
  const TrainData train_data = make_data(x_train, train_frame);
  const TrainData valid_data = make_data(x_valid, valid_frame);

  timings["preprocess_seconds"] = Seconds(phase_start);
  phase_start = Clock::now();

  // 5. The model.
  TrainContext context;
  context.seed = options.seed;
  context.threads = options.threads;
  context.progress = options.progress;
  if (valid_frame.num_rows > 0) context.valid = &valid_data;
  std::unique_ptr<Model> model = options.make_model
                                     ? options.make_model(train_data)
                                     : family.train(train_data, model_params, context);
  timings["fit_seconds"] = Seconds(phase_start);
  phase_start = Clock::now();

  // 6. Policy, then validation metrics and explanations, all computed from the held-out rows.
  const Policy policy = PolicyFromParams(pipeline_params, schema);

  ParamMap all_params = options.params;
  nlohmann::json meta = {
      {"engine_version", kEngineVersion},
      {"created_at", UtcNow()},
      {"target", {{"name", options.target}, {"positive", positive}, {"negative", negative}}},
      {"policy", policy.ToJson()},
      {"csv", {{"missing_tokens", csv.missing_tokens}}},
      {"training",
       {{"data_file", name},
        {"data_sha256", Sha256Hex(text)},
        {"rows", all.rows_read},
        {"train_rows", train_frame.num_rows},
        {"valid_rows", valid_frame.num_rows},
        {"positive_rate_train",
         train_frame.num_rows
             ? std::accumulate(train_frame.target.begin(), train_frame.target.end(), 0.0) /
                   train_frame.num_rows
             : 0.0},
        {"split", split},
        {"seed", options.seed},
        {"model", options.model},
        {"params", all_params}}},
      {"explain", {{"base_value", 0.0}}},
      {"metrics", nlohmann::json::object()}};

  if (!options.model_source.is_null()) meta["training"]["source"] = options.model_source;
  if (!prohibited.empty()) meta["training"]["prohibited_basis"] = prohibited;

  // Models without an exact explainer are explained by Kernel SHAP against a weighted k-means
  // summary of the training rows (at most 50 points), stored in the bundle.
  if (!model->HasExactExplainer()) {
    nlohmann::json ks = KernelExplainer::Fit(train_data, 50, options.seed).ToJson();
    ks["seed"] = options.seed;
    ks["num_coalitions"] = ParamInt(pipeline_params, "kernel_shap_coalitions", 2048);
    meta["explain"]["kernel_shap"] = std::move(ks);
  }

  // Calibration (optional), fitted on the held-out margins: the shipped calibrator uses all of
  // them; the metrics use 5-fold cross-fitted PDs so that they are not measured on the rows the
  // calibrator was fitted on.
  const CalibrationKind calibration =
      CalibrationKindFromString(ParamString(pipeline_params, "calibration", "none"));
  std::vector<double> valid_margin(valid_frame.num_rows);
  model->PredictMargins(x_valid.data(), valid_frame.num_rows, valid_margin.data());
  std::vector<double> crossfit_pd;
  if (calibration != CalibrationKind::kNone) {
    if (valid_frame.num_rows < 50)
      throw Error("calibration needs held-out rows (at least 50); got " +
                  std::to_string(valid_frame.num_rows));
    meta["calibration"] = Calibrator::Fit(valid_margin, valid_frame.target, calibration).ToJson();
    crossfit_pd.resize(valid_frame.num_rows);
    constexpr std::size_t kFolds = 5;
    for (std::size_t fold = 0; fold < kFolds; ++fold) {
      std::vector<double> m_fit, y_fit;
      for (std::size_t i = 0; i < valid_frame.num_rows; ++i)
        if (i % kFolds != fold) {
          m_fit.push_back(valid_margin[i]);
          y_fit.push_back(valid_frame.target[i]);
        }
      const Calibrator c = Calibrator::Fit(m_fit, y_fit, calibration);
      for (std::size_t i = fold; i < valid_frame.num_rows; i += kFolds)
        crossfit_pd[i] = c.Apply(valid_margin[i]);
    }
  }
  // The reference population of adverse-action reasons is selected from a pool of training
  // applicants at evenly spaced ranks of the margin (decision/reference.h).
  {
    std::vector<double> train_margin(train_frame.num_rows);
    model->PredictMargins(x_train.data(), train_frame.num_rows, train_margin.data());
    const int pool = ParamInt(pipeline_params, "reference_pool_rows", 300);
    if (pool < 20 || pool > 5000)
      throw Error("parameter 'reference_pool_rows': expected 20 to 5000");
    // At most a million stored values (a very wide file keeps fewer pool rows).
    const std::size_t width = std::max<std::size_t>(1, train_frame.feature_names.size());
    const std::size_t rows = std::min<std::size_t>(pool, std::max<std::size_t>(1, 1000000 / width));
    meta["explain"]["reference_pool"] = ReferencePoolJson(train_frame, train_margin, rows);
  }
  Bundle bundle(std::move(schema), pre, std::move(model), std::move(meta));

  // Explanations on (up to explain_rows, evenly spaced) validation rows: base value and mean
  // |SHAP| per feature. Every row is scored for the metrics.
  const Frame& ef = valid_frame.num_rows > 0 ? valid_frame : train_frame;
  const auto explain_rows =
      static_cast<std::size_t>(std::max(1, ParamInt(pipeline_params, "explain_rows", 500)));
  const std::size_t stride =
      std::max<std::size_t>(1, (ef.num_rows + explain_rows - 1) / explain_rows);
  std::vector<double> pd(ef.num_rows), raw_pd(ef.num_rows), mean_abs(pre.NumFeatures(), 0.0);
  double base = 0;
  std::size_t explained = 0;
  for (std::size_t i = 0; i < ef.num_rows; ++i) {
    const bool explain_this = i % stride == 0;
    const Score s = bundle.ScoreRow(ef.Row(i), explain_this);
    pd[i] = crossfit_pd.empty() ? s.pd : crossfit_pd[i];
    raw_pd[i] = bundle.UncalibratedPd(s.margin);
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
  if (!pipeline_params.count("key_fields")) SetDefaultKeyFields(bundle, mean_abs);
  auto& m = bundle.Meta();
  m["explain"]["base_value"] = base;
  m["explain"]["method"] = bundle.ExplainMethod();
  m["explain"]["rows"] = explained;
  m["explain"]["mean_abs_shap"] = mas;
  nlohmann::json importance = bundle.GetModel().Importance();
  importance["mean_abs_shap"] = mas;
  if (po.encoding == Encoding::kWoe) {
    nlohmann::json iv = nlohmann::json::object();
    for (const auto& f : pre.Features()) iv[f.name] = f.information_value;
    importance["information_value"] = iv;
  }
  m["importance"] = importance;
  if (valid_frame.num_rows > 0) {
    EvalOptions eo;
    m["metrics"]["validation"] = ValidationEvidence(bundle, valid_frame.target, pd);
    if (calibration != CalibrationKind::kNone) {
      m["metrics"]["validation"]["calibration_method"] =
          ToString(calibration) + " (5-fold cross-fitted on the validation rows)";
      m["metrics"]["validation_uncalibrated"] = EvaluateBinary(valid_frame.target, raw_pd, eo);
    }
  }
  AddTrainingEvidence(bundle, train_frame, valid_frame, pd, options.fairness_attribute);
  bundle.Meta()["card"] = BuildModelCard(bundle);
  timings["evaluate_seconds"] = Seconds(phase_start);
  if (options.timings) *options.timings = timings;
  return bundle;
}

namespace {

/// The sample columns an XGBoost model's feature names refer to: a header column by name
/// (numeric), or "column=level" (categorical; the longest header column that prefixes the name).
std::map<std::string, ColumnType> ModelColumns(const nlohmann::json& xgb,
                                               const std::vector<std::string>& header) {
  std::map<std::string, ColumnType> out;
  if (!xgb.is_object() || !xgb.contains("learner") || !xgb["learner"].is_object()) return out;
  const auto& learner = xgb["learner"];
  if (!learner.contains("feature_names") || !learner["feature_names"].is_array()) return out;
  for (const auto& name : learner["feature_names"]) {
    if (!name.is_string()) continue;
    const std::string s = name.get<std::string>();
    if (std::find(header.begin(), header.end(), s) != header.end()) {
      out[s] = ColumnType::kNumeric;
      continue;
    }
    const std::string* best = nullptr;
    for (const auto& h : header)
      if (s.size() > h.size() && s.compare(0, h.size(), h) == 0 && s[h.size()] == '=' &&
          (!best || h.size() > best->size()))
        best = &h;
    if (best && out.count(*best) == 0) out[*best] = ColumnType::kCategorical;
  }
  return out;
}

}  // namespace

std::vector<std::string> ProhibitedBasis(const Bundle& bundle) {
  const auto& training = bundle.Meta()["training"];
  std::vector<std::string> out;
  if (training.contains("prohibited_basis"))
    for (const auto& c : training["prohibited_basis"]) out.push_back(c.get<std::string>());
  return out;
}

Bundle ImportXgboostBundle(TrainOptions options, const std::string& xgboost_json_path) {
  const std::string text = ReadFile(xgboost_json_path);
  const nlohmann::json xgb =
      ParseJson(text, xgboost_json_path, {{"learner.gradient_booster.model.trees", kMaxTrees}});
  {
    std::ifstream in(options.data_path, std::ios::binary);
    if (!in) throw Error(Location{options.data_path, 0, "", ""}, "cannot be opened for reading");
    CsvReader reader(in, BaseName(options.data_path));
    options.model_columns = ModelColumns(xgb, reader.Header());
  }
  options.model = "gbdt";  // the tree preprocessing: raw numbers, missing values kept, one-hot
  options.params.emplace("min_frequency", "1");  // every level of the sample has its column
  options.model_source = {
      {"format", "xgboost"}, {"file", BaseName(xgboost_json_path)}, {"sha256", Sha256Hex(text)}};
  options.make_model = [&xgb, &xgboost_json_path](const TrainData& data) {
    try {
      return std::unique_ptr<Model>(tree::ImportXgboostJson(xgb, data.input_names));
    } catch (const Error& e) {
      const std::string what = e.what();
      // Only a feature-mapping error needs the list of the sample's inputs.
      if (what.find("model inputs") == std::string::npos &&
          what.find("inputs given") == std::string::npos)
        throw Error(xgboost_json_path + ": " + what);
      std::string list;
      for (const auto& n : data.input_names) {
        if (list.size() > 1000) {
          list += ", ...";
          break;
        }
        list += (list.empty() ? "" : ", ") + n;
      }
      throw Error(xgboost_json_path + ": " + what + " (the sample's model inputs are: " + list +
                  ")");
    } catch (const nlohmann::json::exception& e) {  // a backstop: every read is validated
      throw Error(xgboost_json_path + ": unexpected content (" + Abbreviate(e.what(), 240) + ")");
    }
  };
  return TrainBundle(options);
}

}  // namespace loanlens
