// loanlens train: CSV -> bundle.
#include <chrono>
#include <iostream>
#include <memory>

#include "cli_util.h"
#include "commands.h"
#include "loanlens/pipeline.h"

namespace loanlens::cli {
namespace {

struct TrainCommandOptions {
  TrainOptions train;
  std::vector<std::string> params;
  std::string exclude, protect, missing_tokens, out;
  bool timings = false;
};

/// Training vs validation, the prohibited-basis warning and the fairness summary, if any.
void PrintEvidenceSummary(const Bundle& bundle) {
  const auto& meta = bundle.Meta();
  if (meta["metrics"].contains("comparison"))
    std::cout << "  " << meta["metrics"]["comparison"]["statement"].get<std::string>() << "\n";
  for (const auto& c : bundle.GetSchema().columns)
    if (c.role == Role::kFeature && IsDefaultProtected(c.name))
      std::cout << "warning: model input '" << c.name
                << "' is, or may stand in for, a prohibited basis for credit decisions (stated "
                   "reason: "
                << (c.description.empty() ? "none" : c.description) << ")\n";
  if (meta.contains("fairness"))
    std::cout << "fairness (" << meta["fairness"]["sample"].get<std::string>()
              << "): " << meta["fairness"]["summary"].get<std::string>() << "\n";
}

void PrintTrainSummary(const Bundle& bundle, const std::string& out) {
  const auto& meta = bundle.Meta();
  std::cout << "trained " << bundle.GetModel().Kind() << " on " << meta["training"]["train_rows"]
            << " rows (" << bundle.FeatureNames().size() << " features, "
            << bundle.GetPreprocessor().NumInputs() << " model inputs); wrote " << out << "\n";
  for (const auto& c : bundle.GetSchema().columns)
    if (c.role == Role::kProtected || c.role == Role::kIgnore)
      std::cout << "  not a model input (" << ToString(c.role) << "): " << c.name << "\n";
  if (meta["metrics"].contains("validation")) {
    std::cout << "validation (" << meta["training"]["split"].get<std::string>() << "):\n";
    PrintMetrics(meta["metrics"]["validation"]);
  }
  PrintEvidenceSummary(bundle);
}

int TrainCommand(TrainCommandOptions& o) {
  RefuseOverwritingInputs({{"--data", o.train.data_path},
                           {"--valid", o.train.valid_path},
                           {"--schema", o.train.schema_path}},
                          {{"--out", o.out}});
  o.train.params = ParseParams(o.params);
  o.train.exclude = SplitList(o.exclude);
  o.train.protected_columns = SplitList(o.protect);
  o.train.missing_tokens = SplitList(o.missing_tokens);
  Progress progress("training");
  o.train.progress = [&progress](std::size_t d, std::size_t t) { progress(d, t); };
  nlohmann::json phase_seconds;
  if (o.timings) o.train.timings = &phase_seconds;
  const Bundle bundle = TrainBundle(o.train);
  const auto save_start = std::chrono::steady_clock::now();
  WriteBundle(bundle, o.out);
  if (o.timings) {
    phase_seconds["save_seconds"] =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - save_start).count();
    std::cerr << phase_seconds.dump() << "\n";
  }
  PrintTrainSummary(bundle, o.out);
  return 0;
}

}  // namespace

void AddTrainCommand(CLI::App& app, int& rc) {
  auto o = std::make_shared<TrainCommandOptions>();
  auto* cmd = app.add_subcommand("train", "Train a model and write a bundle");
  cmd->add_option("--data", o->train.data_path, "Training CSV")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--target", o->train.target, "Target column")->required();
  cmd->add_option("--positive", o->train.positive, "Target value meaning default (default: 1)");
  cmd->add_option("--model", o->train.model, "logistic | gbdt | random_forest | svm")
      ->capture_default_str();
  cmd->add_option("--out", o->out, "Bundle to write (JSON)")->required();
  auto* valid =
      cmd->add_option("--valid", o->train.valid_path, "Validation CSV")->check(CLI::ExistingFile);
  cmd->add_option("--valid-fraction", o->train.valid_fraction, "Stratified hold-out fraction")
      ->capture_default_str()
      ->excludes(valid);
  cmd->add_option("--seed", o->train.seed, "Random seed")->capture_default_str();
  cmd->add_option("--param", o->params, "Model or pipeline parameter key=value (repeatable)");
  cmd->add_option("--schema", o->train.schema_path, "Schema JSON (types, roles, descriptions)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--exclude", o->exclude, "Columns to ignore, comma-separated");
  cmd->add_option("--protected", o->protect,
                  "Extra columns to keep out of the model (kept for fairness reports)");
  cmd->add_option("--fairness-attribute", o->train.fairness_attribute,
                  "Review fairness on this column (not a model input); the summary goes into the "
                  "bundle and its card");
  cmd->add_option("--missing-tokens", o->missing_tokens,
                  "Values read as missing, comma-separated (default: NA,N/A,NaN,NULL,?; an "
                  "empty cell always is); kept in the bundle for scoring");
  cmd->add_option("--threads", o->train.threads, "Threads for training (native only)")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  cmd->add_flag(
      "--timings", o->timings,
      "Print seconds per phase (read, preprocess, fit, explain, evidence, save) as JSON on "
      "stderr");
  cmd->callback([o, &rc] { rc = TrainCommand(*o); });
}

}  // namespace loanlens::cli
