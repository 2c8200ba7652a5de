// loanlens: the command-line interface to the engine (train, evaluate, score, explain, inspect,
// schema). Thin: parsing arguments, reading and writing files, printing; the work is in the
// engine library, which the browser runs as WebAssembly.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "loanlens/bundle.h"
#include "loanlens/data/csv.h"
#include "loanlens/data/frame.h"
#include "loanlens/error.h"
#include "loanlens/json_util.h"
#include "loanlens/metrics.h"
#include "loanlens/pipeline.h"
#include "loanlens/scoring.h"
#include "loanlens/version.h"

namespace {

using loanlens::Error;

/// A one-line progress bar on stderr, drawn only when stderr is a terminal.
class Progress {
 public:
  explicit Progress(std::string label) : label_(std::move(label)), tty_(isatty(2)) {}
  ~Progress() {
    if (drawn_) std::fprintf(stderr, "\n");
  }
  void operator()(std::size_t done, std::size_t total) {
    if (!tty_ || total == 0) return;
    const int pct = static_cast<int>(100.0 * done / total);
    if (pct == last_) return;
    last_ = pct;
    drawn_ = true;
    const int width = 30, filled = pct * width / 100;
    std::fprintf(stderr, "\r%s [%s%s] %3d%%", label_.c_str(), std::string(filled, '#').c_str(),
                 std::string(width - filled, ' ').c_str(), pct);
    std::fflush(stderr);
  }

 private:
  std::string label_;
  bool tty_;
  bool drawn_ = false;
  int last_ = -1;
};

loanlens::Bundle LoadBundle(const std::string& path) {
  return loanlens::Bundle::Parse(loanlens::ReadFile(path), path);
}

std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ','))
    if (!item.empty()) out.push_back(item);
  return out;
}

void WriteFileAtomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary);
    if (!out) throw Error(loanlens::Location{path, 0, "", ""}, "cannot be opened for writing");
    out << text;
    if (!out.flush()) throw Error(loanlens::Location{path, 0, "", ""}, "write failed");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0)
    throw Error(loanlens::Location{path, 0, "", ""}, "cannot be replaced");
}

std::string Fixed(double v, int digits) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(digits) << v;
  return s.str();
}

void PrintMetrics(const nlohmann::json& m) {
  std::cout << "  rows " << m["n_rows"] << " (" << m["n_positive"] << " defaults)\n"
            << "  AUC      " << Fixed(m["auc"], 4) << "   Gini " << Fixed(m["gini"], 4) << "\n"
            << "  KS       " << Fixed(m["ks"], 4) << "   at PD " << Fixed(m["ks_threshold"], 4)
            << "\n"
            << "  PR AUC   " << Fixed(m["pr_auc"], 4) << "\n"
            << "  log loss " << Fixed(m["log_loss"], 4) << "   Brier " << Fixed(m["brier"], 4)
            << "\n";
  if (m.contains("confusion")) {
    const auto& c = m["confusion"];
    std::cout << "  at PD >= " << Fixed(m.value("threshold", 0.5), 2) << ": TP " << c["tp"]
              << "  FP " << c["fp"] << "  TN " << c["tn"] << "  FN " << c["fn"] << "\n";
  }
}

// ---- train ---------------------------------------------------------------------------------
int Train(loanlens::TrainOptions& o, const std::vector<std::string>& params,
          const std::string& exclude, const std::string& protect, const std::string& out,
          bool timings) {
  for (const auto& kv : params) {
    const auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0)
      throw CLI::ValidationError("--param", "expected key=value, got '" + kv + "'");
    o.params[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  o.exclude = SplitList(exclude);
  o.protected_columns = SplitList(protect);
  Progress progress("training");
  o.progress = [&progress](std::size_t d, std::size_t t) { progress(d, t); };
  nlohmann::json phase_seconds;
  if (timings) o.timings = &phase_seconds;
  const loanlens::Bundle bundle = loanlens::TrainBundle(o);
  WriteFileAtomically(out, bundle.Dump());
  if (timings) std::cerr << phase_seconds.dump() << "\n";
  const auto& meta = bundle.Meta();
  std::cout << "trained " << bundle.GetModel().Kind() << " on " << meta["training"]["train_rows"]
            << " rows (" << bundle.FeatureNames().size() << " features, "
            << bundle.GetPreprocessor().NumInputs() << " model inputs); wrote " << out << "\n";
  for (const auto& c : bundle.GetSchema().columns)
    if (c.role == loanlens::Role::kProtected || c.role == loanlens::Role::kIgnore)
      std::cout << "  not a model input (" << loanlens::ToString(c.role) << "): " << c.name << "\n";
  if (meta["metrics"].contains("validation")) {
    std::cout << "validation (" << meta["training"]["split"].get<std::string>() << "):\n";
    PrintMetrics(meta["metrics"]["validation"]);
  }
  return 0;
}

// ---- evaluate ------------------------------------------------------------------------------
int Evaluate(const std::string& model_path, const std::string& data_path, bool json,
             double threshold) {
  const loanlens::Bundle bundle = LoadBundle(model_path);
  std::ifstream in(data_path, std::ios::binary);
  if (!in) throw Error(loanlens::Location{data_path, 0, "", ""}, "cannot be opened for reading");
  loanlens::CsvReader reader(in, data_path, bundle.Csv());
  loanlens::ReadOptions ro;
  ro.target = bundle.TargetName();
  ro.positive = bundle.Positive();
  ro.negatives = {bundle.Meta()["target"].value("negative", std::string())};
  ro.skip_bad_rows = true;
  const loanlens::ReadResult rr = loanlens::ReadFrame(reader, bundle.GetSchema(), ro);
  std::vector<double> pd(rr.frame.num_rows);
  Progress progress("scoring");
  for (std::size_t i = 0; i < rr.frame.num_rows; ++i) {
    pd[i] = bundle.ScoreRow(rr.frame.Row(i), false).pd;
    progress(i + 1, rr.frame.num_rows);
  }
  for (const auto& r : rr.rejected) std::cerr << "rejected: " << r.reason << "\n";
  loanlens::EvalOptions eo;
  eo.threshold = threshold;
  nlohmann::json m = loanlens::EvaluateBinary(rr.frame.target, pd, eo);
  m["rows_in"] = rr.rows_read;
  m["rows_rejected"] = rr.rejected.size();
  if (json) {
    std::cout << m.dump() << "\n";
  } else {
    std::cout << "evaluated " << bundle.GetModel().Kind() << " on " << data_path << ": "
              << rr.rows_read << " rows in, " << rr.frame.num_rows << " scored, "
              << rr.rejected.size() << " rejected\n";
    PrintMetrics(m);
  }
  return 0;
}

// ---- score ---------------------------------------------------------------------------------
int ScoreFile(const std::string& model_path, const std::string& data_path, const std::string& out,
              bool explain) {
  const loanlens::Bundle bundle = LoadBundle(model_path);
  std::ifstream in(data_path, std::ios::binary);
  if (!in) throw Error(loanlens::Location{data_path, 0, "", ""}, "cannot be opened for reading");
  in.seekg(0, std::ios::end);
  const auto total = static_cast<std::size_t>(std::max<std::streamoff>(in.tellg(), 0));
  in.seekg(0);
  std::ofstream os(out, std::ios::binary);
  if (!os) throw Error(loanlens::Location{out, 0, "", ""}, "cannot be opened for writing");
  std::ofstream rejected_os;
  const std::string rejected_path = out + ".rejected.csv";
  std::size_t rejected = 0;
  bool header_written = false;
  loanlens::BatchScorer scorer(bundle, data_path, explain);
  auto drain = [&]() {
    if (!header_written && !scorer.OutputHeader().empty()) {
      os << loanlens::CsvLine(scorer.OutputHeader()) << "\n";
      header_written = true;
    }
    for (const auto& row : scorer.TakeRows()) os << loanlens::CsvLine(row.cells) << "\n";
    for (const auto& r : scorer.TakeRejected()) {
      if (!rejected_os.is_open()) {
        rejected_os.open(rejected_path, std::ios::binary);
        rejected_os << "row,reason\n";
      }
      rejected_os << loanlens::CsvLine({std::to_string(r.row), r.reason}) << "\n";
      std::cerr << "rejected: " << r.reason << "\n";
      ++rejected;
    }
    for (const auto& w : scorer.TakeWarnings())
      std::cerr << "warning: row " << w.row << ", column '" << w.column << "', value '" << w.value
                << "': " << w.message << "\n";
  };
  Progress progress("scoring");
  std::vector<char> buf(1 << 16);
  std::size_t done = 0;
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const auto got = static_cast<std::size_t>(in.gcount());
    if (got == 0) break;
    scorer.Feed(std::string_view(buf.data(), got));
    drain();
    done += got;
    progress(done, total);
  }
  scorer.Finish();
  drain();
  if (!os.flush()) throw Error(loanlens::Location{out, 0, "", ""}, "write failed");
  if (rejected == 0) std::remove(rejected_path.c_str());
  std::cerr << "rows in " << scorer.RowsIn() << ", scored " << scorer.RowsScored() << ", rejected "
            << scorer.RowsRejected() << (rejected ? " (listed in " + rejected_path + ")" : "")
            << "\n";
  return 0;
}

// ---- explain / inspect / schema ------------------------------------------------------------
int Explain(const std::string& model_path, const std::string& row, bool interactions) {
  const loanlens::Bundle bundle = LoadBundle(model_path);
  const nlohmann::json record = loanlens::ParseJson(row, "--row");  // depth-bounded
  std::cout << loanlens::ExplainRecord(bundle, record, "--row", interactions).dump(2) << "\n";
  return 0;
}

int Inspect(const std::string& model_path, bool json) {
  const loanlens::Bundle bundle = LoadBundle(model_path);
  const nlohmann::json j = bundle.ToJson();
  if (json) {
    nlohmann::json summary = j;
    summary.erase("model");
    summary.erase("preprocess");
    std::cout << summary.dump(2) << "\n";
    return 0;
  }
  std::cout << "kind            " << j["kind"].get<std::string>() << "\n"
            << "created         " << j.value("created_at", "") << " by engine "
            << j["engine_version"].get<std::string>() << "\n"
            << "content sha256  " << j["content_sha256"].get<std::string>() << " (verified)\n"
            << "target          " << bundle.TargetName() << " (default = '" << bundle.Positive()
            << "')\n"
            << "trained on      " << j["training"].value("data_file", "") << ", "
            << j["training"].value("train_rows", 0) << " rows; validation "
            << j["training"].value("valid_rows", 0) << " rows\n"
            << "parameters      " << j["training"]["params"].dump() << "\n"
            << "columns:\n";
  const auto& mas = j["explain"].value("mean_abs_shap", nlohmann::json::object());
  for (const auto& c : bundle.GetSchema().columns) {
    std::cout << "  " << std::left << std::setw(28) << c.name << std::setw(12)
              << loanlens::ToString(c.type) << std::setw(10) << loanlens::ToString(c.role);
    if (mas.contains(c.name)) std::cout << " mean |SHAP| " << Fixed(mas[c.name], 4);
    std::cout << "\n";
  }
  if (j["metrics"].contains("validation")) {
    std::cout << "validation metrics:\n";
    PrintMetrics(j["metrics"]["validation"]);
  }
  const auto& p = bundle.GetPolicy();
  std::cout << "policy          approve if PD < " << p.approve_below
            << ", decline if PD >= " << p.decline_at << "; " << p.base_points << " points at odds "
            << p.base_odds << ":1, " << p.pdo << " points to double the odds\n";
  return 0;
}

int InferSchemaCommand(const std::string& data_path, const std::string& target) {
  std::ifstream in(data_path, std::ios::binary);
  if (!in) throw Error(loanlens::Location{data_path, 0, "", ""}, "cannot be opened for reading");
  loanlens::CsvReader reader(in, data_path);
  loanlens::InferOptions io;
  if (!target.empty()) io.forced_types[target] = loanlens::ColumnType::kCategorical;
  loanlens::Schema schema = loanlens::InferSchema(reader, io);
  if (!target.empty() && !schema.Find(target))
    throw Error(loanlens::Location{data_path, 1, target, ""}, "target column not found");
  loanlens::AssignDefaultRoles(schema, target);
  std::cout << schema.ToJson().dump(2) << "\n";
  return 0;
}

// ---- bench -----------------------------------------------------------------------------------
/// Times the engine alone on rows already in memory (parsed and preprocessed), as the reference
/// libraries are timed in scripts/bench.py: margins for every row, then exact SHAP for every row.
int BenchCommand(const std::string& model_path, const std::string& data_path, int repeat,
                 bool shap) {
  using Clock = std::chrono::steady_clock;
  const loanlens::Bundle bundle = LoadBundle(model_path);
  std::ifstream in(data_path, std::ios::binary);
  if (!in) throw Error(loanlens::Location{data_path, 0, "", ""}, "cannot be opened for reading");
  loanlens::CsvReader reader(in, data_path, bundle.Csv());
  loanlens::ReadOptions ro;
  const loanlens::ReadResult rr = loanlens::ReadFrame(reader, bundle.GetSchema(), ro);
  const auto& pre = bundle.GetPreprocessor();
  const std::vector<double> x = pre.TransformAll(rr.frame);
  const std::size_t n = rr.frame.num_rows, k = pre.NumInputs();
  const loanlens::Model& model = bundle.GetModel();
  double best_predict = 1e300, best_shap = 1e300, checksum = 0;
  std::vector<double> phi(k);
  for (int r = 0; r < repeat; ++r) {
    auto t0 = Clock::now();
    for (std::size_t i = 0; i < n; ++i) checksum += model.PredictMargin(x.data() + i * k);
    best_predict = std::min(best_predict, std::chrono::duration<double>(Clock::now() - t0).count());
    if (shap && model.HasExactExplainer()) {
      t0 = Clock::now();
      for (std::size_t i = 0; i < n; ++i) checksum += model.Explain(x.data() + i * k, phi.data());
      best_shap = std::min(best_shap, std::chrono::duration<double>(Clock::now() - t0).count());
    }
  }
  nlohmann::json out = {
      {"rows", n}, {"inputs", k}, {"predict_seconds", best_predict}, {"checksum", checksum}};
  if (shap && model.HasExactExplainer()) out["shap_seconds"] = best_shap;
  std::cout << out.dump() << "\n";
  return 0;
}

// ---- split -----------------------------------------------------------------------------------
/// Writes the training and validation rows of the stratified split `train --valid-fraction` uses,
/// so that other tools (scikit-learn in scripts/compare_sklearn.py, a validator's own code) can be
/// run on exactly the same rows.
int SplitCommand(const std::string& data_path, const std::string& target, std::string positive,
                 double fraction, std::uint64_t seed, const std::string& out_train,
                 const std::string& out_valid) {
  std::ifstream in(data_path, std::ios::binary);
  if (!in) throw Error(loanlens::Location{data_path, 0, "", ""}, "cannot be opened for reading");
  loanlens::CsvReader reader(in, data_path);
  const auto& header = reader.Header();
  const auto col = std::find(header.begin(), header.end(), target);
  if (col == header.end())
    throw Error(loanlens::Location{data_path, 1, target, ""}, "target column not found");
  const auto t = static_cast<std::size_t>(col - header.begin());
  if (positive.empty()) positive = "1";
  std::vector<loanlens::CsvRecord> records;
  std::vector<double> y;
  loanlens::CsvRecord r;
  while (reader.Next(r)) {
    if (r.fields.size() != header.size())
      throw Error(loanlens::Location{data_path, r.row, "", ""},
                  "expected " + std::to_string(header.size()) + " fields, got " +
                      std::to_string(r.fields.size()));
    y.push_back(r.fields[t] == positive ? 1.0 : 0.0);
    records.push_back(r);
  }
  std::vector<std::size_t> train, valid;
  loanlens::StratifiedSplit(y, fraction, seed, train, valid);
  for (const auto& [path, rows] : {std::pair{out_train, &train}, std::pair{out_valid, &valid}}) {
    std::string text = loanlens::CsvLine(header) + "\n";
    for (std::size_t i : *rows) text += loanlens::CsvLine(records[i].fields) + "\n";
    WriteFileAtomically(path, text);
    std::cout << "wrote " << rows->size() << " rows to " << path << "\n";
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"LoanLens: credit-risk models you can explain. Train, evaluate, score and explain."};
  app.set_version_flag("--version", std::string("loanlens ") + loanlens::kEngineVersion);
  app.require_subcommand(1);
  int rc = 0;

  loanlens::TrainOptions to;
  std::vector<std::string> params;
  std::string exclude, protect, out, model_path, data_path, row, target;
  bool json = false, explain = false;
  double threshold = 0.5;

  auto* train = app.add_subcommand("train", "Train a model and write a bundle");
  train->add_option("--data", to.data_path, "Training CSV")->required()->check(CLI::ExistingFile);
  train->add_option("--target", to.target, "Target column")->required();
  train->add_option("--positive", to.positive, "Target value meaning default (default: 1)");
  train->add_option("--model", to.model, "logistic | gbdt | random_forest | svm")
      ->capture_default_str();
  train->add_option("--out", out, "Bundle to write (JSON)")->required();
  auto* valid =
      train->add_option("--valid", to.valid_path, "Validation CSV")->check(CLI::ExistingFile);
  train->add_option("--valid-fraction", to.valid_fraction, "Stratified hold-out fraction")
      ->capture_default_str()
      ->excludes(valid);
  train->add_option("--seed", to.seed, "Random seed")->capture_default_str();
  train->add_option("--param", params, "Model or pipeline parameter key=value (repeatable)");
  train->add_option("--schema", to.schema_path, "Schema JSON (types, roles, descriptions)")
      ->check(CLI::ExistingFile);
  train->add_option("--exclude", exclude, "Columns to ignore, comma-separated");
  train->add_option("--protected", protect,
                    "Extra columns to keep out of the model (kept for fairness reports)");
  std::string missing_tokens;
  train->add_option("--missing-tokens", missing_tokens,
                    "Values read as missing, comma-separated (default: NA,N/A,NaN,NULL,?; an "
                    "empty cell always is); kept in the bundle for scoring");
  train->add_option("--threads", to.threads, "Threads for training (native only)")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  bool timings = false;
  train->add_flag("--timings", timings,
                  "Print seconds per phase (read, preprocess, fit, "
                  "evaluate) as JSON on stderr");
  train->callback([&] {
    to.missing_tokens = SplitList(missing_tokens);
    rc = Train(to, params, exclude, protect, out, timings);
  });

  auto* evaluate = app.add_subcommand("evaluate", "Metrics of a bundle on labelled data");
  evaluate->add_option("--model", model_path, "Bundle JSON")->required()->check(CLI::ExistingFile);
  evaluate->add_option("--data", data_path, "Labelled CSV")->required()->check(CLI::ExistingFile);
  evaluate->add_flag("--json", json, "Print one JSON object");
  evaluate->add_option("--threshold", threshold, "PD threshold for the confusion matrix")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  evaluate->callback([&] { rc = Evaluate(model_path, data_path, json, threshold); });

  auto* score = app.add_subcommand("score", "Score a CSV (PD, margin, points, band)");
  score->add_option("--model", model_path, "Bundle JSON")->required()->check(CLI::ExistingFile);
  score->add_option("--data", data_path, "Input CSV")->required()->check(CLI::ExistingFile);
  score->add_option("--out", out, "Output CSV")->required();
  score->add_flag("--explain", explain, "Add shap_<feature> columns and base_value");
  score->callback([&] { rc = ScoreFile(model_path, data_path, out, explain); });

  auto* expl = app.add_subcommand("explain", "Explain one applicant (JSON in, JSON out)");
  expl->add_option("--model", model_path, "Bundle JSON")->required()->check(CLI::ExistingFile);
  expl->add_option("--row", row, "Applicant as JSON: '{\"col\": value, ...}'")->required();
  bool interactions = false;
  expl->add_flag("--interactions", interactions,
                 "Add SHAP interaction values between features (tree models)");
  expl->callback([&] { rc = Explain(model_path, row, interactions); });

  auto* inspect = app.add_subcommand("inspect", "Describe a bundle (verifies it)");
  inspect->add_option("--model", model_path, "Bundle JSON")->required()->check(CLI::ExistingFile);
  inspect->add_flag("--json", json, "Print JSON (everything but the model's parameters)");
  inspect->callback([&] { rc = Inspect(model_path, json); });

  auto* schema = app.add_subcommand("schema", "Print the schema inferred from a CSV");
  schema->add_option("--data", data_path, "CSV")->required()->check(CLI::ExistingFile);
  schema->add_option("--target", target, "Target column (read as categorical)");
  schema->callback([&] { rc = InferSchemaCommand(data_path, target); });

  std::string out_valid;
  auto* split = app.add_subcommand("split", "Write the stratified train/validation split to CSVs");
  split->add_option("--data", data_path, "CSV")->required()->check(CLI::ExistingFile);
  split->add_option("--target", target, "Target column")->required();
  split->add_option("--positive", to.positive, "Target value meaning default (default: 1)");
  split->add_option("--valid-fraction", to.valid_fraction, "Hold-out fraction")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  split->add_option("--seed", to.seed, "Random seed")->capture_default_str();
  split->add_option("--out-train", out, "Training rows CSV")->required();
  split->add_option("--out-valid", out_valid, "Validation rows CSV")->required();
  split->callback([&] {
    rc = SplitCommand(data_path, target, to.positive, to.valid_fraction, to.seed, out, out_valid);
  });

  std::string xgb_path;
  auto* import = app.add_subcommand(
      "import-xgboost", "Bundle an XGBoost model (JSON) with the schema of a labelled sample");
  import->add_option("--model", xgb_path, "XGBoost model saved with save_model(\"m.json\")")
      ->required()
      ->check(CLI::ExistingFile);
  import
      ->add_option("--data", to.data_path,
                   "Labelled sample CSV (columns named as the model's "
                   "features)")
      ->required()
      ->check(CLI::ExistingFile);
  import->add_option("--target", to.target, "Target column")->required();
  import->add_option("--positive", to.positive, "Target value meaning default (default: 1)");
  import->add_option("--out", out, "Bundle to write (JSON)")->required();
  import->add_option("--schema", to.schema_path, "Schema JSON (types, roles, descriptions)")
      ->check(CLI::ExistingFile);
  import->add_option("--exclude", exclude, "Columns to ignore, comma-separated");
  import->add_option("--seed", to.seed, "Seed of the sample's validation split")
      ->capture_default_str();
  import->add_option("--param", params, "Pipeline parameter key=value (policy, calibration)");
  import->callback([&] {
    for (const auto& kv : params) {
      const auto eq = kv.find('=');
  if (eq == std::string::npos || eq == 0)
    throw CLI::ValidationError("--param", "expected key=value, got '" + kv + "'");
  to.params[kv.substr(0, eq)] = kv.substr(eq + 1);
}
to.exclude = SplitList(exclude);
const loanlens::Bundle bundle = loanlens::ImportXgboostBundle(to, xgb_path);
WriteFileAtomically(out, bundle.Dump());
std::cout << "imported " << bundle.GetModel().ToJson()["trees"].size() << " XGBoost trees; wrote "
          << out << "\n";
if (bundle.Meta()["metrics"].contains("validation")) {
  std::cout << "validation on the sample's hold-out rows:\n";
  PrintMetrics(bundle.Meta()["metrics"]["validation"]);
}
});

int repeat = 3;
auto* bench = app.add_subcommand("bench", "Time margins and SHAP for every row of a CSV (JSON)");
bench->add_option("--model", model_path, "Bundle JSON")->required()->check(CLI::ExistingFile);
bench->add_option("--data", data_path, "CSV")->required()->check(CLI::ExistingFile);
bench->add_option("--repeat", repeat, "Repetitions (the fastest is reported)")
    ->capture_default_str()
    ->check(CLI::Range(1, 100));
bool no_shap = false;
bench->add_flag("--no-shap", no_shap, "Time margins only");
bench->callback([&] { rc = BenchCommand(model_path, data_path, repeat, !no_shap); });

try {
  app.parse(argc, argv);
} catch (const CLI::CallForHelp& e) {
  return app.exit(e);
} catch (const CLI::CallForAllHelp& e) {
  return app.exit(e);
} catch (const CLI::CallForVersion& e) {
  return app.exit(e);
} catch (const CLI::ParseError& e) {
  std::cerr << "loanlens: " << e.what()
            << "\nRun 'loanlens --help' or 'loanlens <command> --help'.\n";
  return 2;
} catch (const Error& e) {
  std::cerr << "loanlens: error: " << e.what() << "\n";
  return 1;
} catch (const std::exception& e) {
  std::cerr << "loanlens: internal error: " << e.what() << "\n";
  return 1;
}
return rc;
}
