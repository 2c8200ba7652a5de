// loanlens import-xgboost: bundle an XGBoost model with the schema of a labelled sample.
#include <iostream>
#include <memory>

#include "cli_util.h"
#include "commands.h"
#include "loanlens/pipeline.h"
#include "loanlens/tree/xgboost_bundle.h"

namespace loanlens::cli {
namespace {

struct ImportXgboostOptions {
  TrainOptions train;
  std::string xgboost_path, exclude, out;
  std::vector<std::string> params;
};

int ImportXgboostCommand(ImportXgboostOptions& o) {
  RefuseOverwritingInputs({{"--model", o.xgboost_path},
                           {"--data", o.train.data_path},
                           {"--schema", o.train.schema_path}},
                          {{"--out", o.out}});
  o.train.params = ParseParams(o.params);
  o.train.exclude = SplitList(o.exclude);
  const Bundle bundle = ImportXgboostBundle(o.train, o.xgboost_path);
  WriteBundle(bundle, o.out);  // reloaded before it is written
  std::cout << "imported " << bundle.GetModel().ToJson()["trees"].size() << " XGBoost trees; wrote "
            << o.out << "\n";
  const std::vector<std::string> prohibited = ProhibitedBasis(bundle);
  if (!prohibited.empty()) {
    std::string list;
    for (const auto& c : prohibited) list += (list.empty() ? "" : ", ") + c;
    std::cerr << "warning: the model uses a prohibited basis: " << list
              << " (imported unchanged and marked in the bundle, training.prohibited_basis; "
                 "inspect and the page show it)\n";
  }
  if (bundle.Meta()["metrics"].contains("validation")) {
    std::cout << "validation on the sample's hold-out rows:\n";
    PrintMetrics(bundle.Meta()["metrics"]["validation"]);
  }
  return 0;
}

}  // namespace

void AddImportXgboostCommand(CLI::App& app, int& rc) {
  auto o = std::make_shared<ImportXgboostOptions>();
  auto* cmd = app.add_subcommand(
      "import-xgboost", "Bundle an XGBoost model (JSON) with the schema of a labelled sample");
  cmd->add_option("--model", o->xgboost_path, "XGBoost model saved with save_model(\"m.json\")")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--data", o->train.data_path,
                  "Labelled sample CSV (columns named as the model's features)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--target", o->train.target, "Target column")->required();
  cmd->add_option("--positive", o->train.positive, "Target value meaning default (default: 1)");
  cmd->add_option("--out", o->out, "Bundle to write (JSON)")->required();
  cmd->add_option("--schema", o->train.schema_path, "Schema JSON (types, roles, descriptions)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--exclude", o->exclude, "Columns to ignore, comma-separated");
  cmd->add_option("--seed", o->train.seed, "Seed of the sample's validation split")
      ->capture_default_str();
  cmd->add_option("--param", o->params, "Pipeline parameter key=value (policy, calibration)");
  cmd->callback([o, &rc] { rc = ImportXgboostCommand(*o); });
}

}  // namespace loanlens::cli
