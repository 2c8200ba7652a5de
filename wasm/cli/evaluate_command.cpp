// loanlens evaluate: metrics of a bundle on labelled data (a back-test).
#include <iostream>
#include <memory>

#include "cli_util.h"
#include "commands.h"
#include "loanlens/error.h"
#include "review_util.h"

namespace loanlens::cli {
namespace {

struct EvaluateOptions {
  std::string model_path, data_path;
  bool json = false;
  double threshold = 0.5;
  std::size_t replicates = 1000;
  std::uint64_t seed = 7;
  int threads = 0;  ///< 0: every core
};

/// Scores the labelled file as the bundle's training file was read (target coding, missing
/// tokens); bad rows are rejected and reported, never dropped silently.
int EvaluateCommand(const EvaluateOptions& o) {
  const Bundle bundle = LoadBundle(o.model_path);
  ReviewOptions ro;
  ro.backtest.eval.threshold = o.threshold;
  ro.backtest.bootstrap.replicates = o.replicates;
  ro.backtest.bootstrap.seed = o.seed;
  ro.threads = ThreadsToUse(o.threads);
  const auto review = ReviewFile(bundle, o.data_path, ro);
  nlohmann::json m = review->BacktestReport();
  if (o.json) {
    std::cout << m.dump() << "\n";
    return 0;
  }
  std::cout << "evaluated " << bundle.GetModel().Kind() << " on " << o.data_path << ": "
            << review->RowsIn() << " rows in, " << review->RowsScored() << " scored, "
            << review->RowsRejected() << " rejected";
  if (m["rows_without_outcome"].get<std::size_t>() > 0)
    std::cout << ", " << m["rows_without_outcome"] << " without a usable outcome (left out)";
  std::cout << "\n";
  PrintMetrics(m);
  PrintEvidence(m);
  return 0;
}

}  // namespace

void AddEvaluateCommand(CLI::App& app, int& rc) {
  auto o = std::make_shared<EvaluateOptions>();
  auto* cmd = app.add_subcommand("evaluate", "Metrics of a bundle on labelled data (back-test)");
  cmd->add_option("--model", o->model_path, "Bundle JSON")->required()->check(CLI::ExistingFile);
  cmd->add_option("--data", o->data_path, "Labelled CSV")->required()->check(CLI::ExistingFile);
  cmd->add_flag("--json", o->json, "Print one JSON object");
  cmd->add_option("--threshold", o->threshold, "PD threshold for the confusion matrix")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--bootstrap", o->replicates, "Bootstrap replicates for the intervals (0 = none)")
      ->capture_default_str()
      ->check(CLI::Range(0, 100000));
  cmd->add_option("--seed", o->seed, "Bootstrap seed")->capture_default_str();
  AddThreadsOption(cmd, o->threads, "scoring rows");
  cmd->callback([o, &rc] { rc = EvaluateCommand(*o); });
}

}  // namespace loanlens::cli
