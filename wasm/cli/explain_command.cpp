// loanlens explain: one applicant, JSON in, JSON out.
#include <iostream>
#include <memory>

#include "cli_util.h"
#include "commands.h"
#include "loanlens/error.h"
#include "loanlens/scoring.h"

namespace loanlens::cli {
namespace {

struct ExplainOptions {
  std::string model_path, row;
  bool interactions = false;
};

int ExplainCommand(const ExplainOptions& o) {
  const Bundle bundle = LoadBundle(o.model_path);
  const nlohmann::json record = ParseRecord(o.row, "--row");
  std::cout << ExplainRecord(bundle, record, "--row", o.interactions).dump(2) << "\n";
  return 0;
}

}  // namespace

void AddExplainCommand(CLI::App& app, int& rc) {
  auto o = std::make_shared<ExplainOptions>();
  auto* cmd = app.add_subcommand("explain", "Explain one applicant (JSON in, JSON out)");
  cmd->add_option("--model", o->model_path, "Bundle JSON")->required()->check(CLI::ExistingFile);
  cmd->add_option("--row", o->row, "Applicant as JSON: '{\"col\": value, ...}'")->required();
  cmd->add_flag("--interactions", o->interactions,
                "Add SHAP interaction values between features (tree models)");
  cmd->callback([o, &rc] { rc = ExplainCommand(*o); });
}

}  // namespace loanlens::cli
