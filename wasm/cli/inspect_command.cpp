// loanlens inspect: describe (and verify) a bundle.
#include <iomanip>
#include <iostream>
#include <memory>

#include "cli_util.h"
#include "commands.h"
#include "loanlens/bundle_summary.h"
#include "loanlens/pipeline.h"

namespace loanlens::cli {
namespace {

struct InspectOptions {
  std::string model_path;
  bool json = false;
};

void PrintColumns(const Bundle& bundle, const nlohmann::json& mean_abs_shap) {
  std::cout << "columns:\n";
  for (const auto& c : bundle.GetSchema().columns) {
    std::cout << "  " << std::left << std::setw(28) << c.name << std::setw(12) << ToString(c.type)
              << std::setw(10) << ToString(c.role);
    if (mean_abs_shap.contains(c.name))
      std::cout << " mean |SHAP| " << Fixed(mean_abs_shap[c.name], 4);
    std::cout << "\n";
  }
}

void PrintPolicy(const Policy& p) {
  std::cout << "policy          approve if PD < " << p.approve_below
            << ", decline if PD >= " << p.decline_at << "; " << p.base_points << " points at odds "
            << p.base_odds << ":1, " << p.pdo << " points to double the odds\n";
}

int InspectCommand(const InspectOptions& o) {
  const Bundle bundle = LoadBundle(o.model_path);
  const nlohmann::json j = BundleSummary(bundle);
  if (o.json) {
    std::cout << j.dump(2) << "\n";
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
            << "parameters      " << j["training"]["params"].dump() << "\n";
  std::string prohibited;
  for (const auto& c : ProhibitedBasis(bundle)) prohibited += (prohibited.empty() ? "" : ", ") + c;
  if (!prohibited.empty())
    std::cout << "warning         uses a prohibited basis: " << prohibited << "\n";
  PrintColumns(bundle, j["explain"].value("mean_abs_shap", nlohmann::json::object()));
  if (j["metrics"].contains("validation")) {
    std::cout << "validation metrics:\n";
    PrintMetrics(j["metrics"]["validation"]);
  }
  PrintPolicy(bundle.GetPolicy());
  return 0;
}

}  // namespace

void AddInspectCommand(CLI::App& app, int& rc) {
  auto o = std::make_shared<InspectOptions>();
  auto* cmd = app.add_subcommand("inspect", "Describe a bundle (verifies it)");
  cmd->add_option("--model", o->model_path, "Bundle JSON")->required()->check(CLI::ExistingFile);
  cmd->add_flag("--json", o->json, "Print JSON (everything but the model's parameters)");
  cmd->callback([o, &rc] { rc = InspectCommand(*o); });
}

}  // namespace loanlens::cli
