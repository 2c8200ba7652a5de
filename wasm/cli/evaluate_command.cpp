// loanlens evaluate: metrics of a bundle on labelled data.
#include <fstream>
#include <iostream>
#include <memory>

#include "cli_util.h"
#include "commands.h"
#include "loanlens/data/frame.h"
#include "loanlens/error.h"
#include "loanlens/metrics.h"

namespace loanlens::cli {
namespace {

struct EvaluateOptions {
  std::string model_path, data_path;
  bool json = false;
  double threshold = 0.5;
};

/// Reads the labelled file as the bundle's training file was read (target coding, missing
/// tokens); bad rows are rejected and reported, never dropped silently.
ReadResult ReadLabelled(const Bundle& bundle, const std::string& data_path) {
  std::ifstream in(data_path, std::ios::binary);
  if (!in) throw Error(Location{data_path, 0, "", ""}, "cannot be opened for reading");
  CsvReader reader(in, data_path, bundle.Csv());
  ReadOptions ro;
  ro.target = bundle.TargetName();
  ro.positive = bundle.Positive();
  ro.negatives = {bundle.Meta()["target"].value("negative", std::string())};
  ro.skip_bad_rows = true;
  return ReadFrame(reader, bundle.GetSchema(), ro);
}

int EvaluateCommand(const EvaluateOptions& o) {
  const Bundle bundle = LoadBundle(o.model_path);
  const ReadResult rr = ReadLabelled(bundle, o.data_path);
  std::vector<double> pd(rr.frame.num_rows);
  Progress progress("scoring");
  for (std::size_t i = 0; i < rr.frame.num_rows; ++i) {
    pd[i] = bundle.ScoreRow(rr.frame.Row(i), false).pd;
    progress(i + 1, rr.frame.num_rows);
  }
  for (const auto& r : rr.rejected) std::cerr << "rejected: " << r.reason << "\n";
  EvalOptions eo;
  eo.threshold = o.threshold;
  nlohmann::json m = EvaluateBinary(rr.frame.target, pd, eo);
  m["rows_in"] = rr.rows_read;
  m["rows_rejected"] = rr.rejected.size();
  if (o.json) {
    std::cout << m.dump() << "\n";
    return 0;
  }
  std::cout << "evaluated " << bundle.GetModel().Kind() << " on " << o.data_path << ": "
            << rr.rows_read << " rows in, " << rr.frame.num_rows << " scored, "
            << rr.rejected.size() << " rejected\n";
  PrintMetrics(m);
  return 0;
}

}  // namespace

void AddEvaluateCommand(CLI::App& app, int& rc) {
  auto o = std::make_shared<EvaluateOptions>();
  auto* cmd = app.add_subcommand("evaluate", "Metrics of a bundle on labelled data");
  cmd->add_option("--model", o->model_path, "Bundle JSON")->required()->check(CLI::ExistingFile);
  cmd->add_option("--data", o->data_path, "Labelled CSV")->required()->check(CLI::ExistingFile);
  cmd->add_flag("--json", o->json, "Print one JSON object");
  cmd->add_option("--threshold", o->threshold, "PD threshold for the confusion matrix")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  cmd->callback([o, &rc] { rc = EvaluateCommand(*o); });
}

}  // namespace loanlens::cli
