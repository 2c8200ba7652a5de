// loanlens explain: one applicant, JSON in, JSON out.
#include <iostream>
#include <memory>

#include "cli_util.h"
#include "commands.h"
#include "loanlens/decision/applicant.h"
#include "loanlens/decision/receipt.h"
#include "loanlens/error.h"
#include "loanlens/file.h"
#include "loanlens/json_util.h"
#include "loanlens/scoring.h"

namespace loanlens::cli {
namespace {

struct ExplainOptions {
  std::string model_path, row, receipt_path, applicant_reference;
  bool interactions = false;
};

int ExplainCommand(const ExplainOptions& o) {
  RefuseOverwritingInputs({{"--model", o.model_path}}, {{"--receipt", o.receipt_path}});
  const Bundle bundle = LoadBundle(o.model_path);
  const nlohmann::json record = ParseJson(o.row, "--row");
  const nlohmann::json decision = ExplainRecord(bundle, record, "--row", o.interactions);
  std::cout << decision.dump(2) << "\n";
  if (!o.receipt_path.empty()) {
    ReceiptHeader header;
    header.applicant_reference = o.applicant_reference;
    header.bundle_name = BaseName(o.model_path);
    WriteFileAtomically(o.receipt_path, Receipt(bundle, decision, header).dump(2) + "\n");
    std::cerr << "decision record written to " << o.receipt_path << "\n";
  }
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
  cmd->add_option("--receipt", o->receipt_path,
                  "Also write the decision record (JSON: inputs, decision, reasons, bundle hash)");
  cmd->add_option("--applicant-ref", o->applicant_reference,
                  "Applicant reference for the decision record");
  cmd->callback([o, &rc] { rc = ExplainCommand(*o); });
}

}  // namespace loanlens::cli
