// loanlens fairness: approval rates, adverse impact ratios and error rates across the groups of
// an attribute the model does not use, and the proxy check of the model's inputs.
#include <iostream>
#include <memory>

#include "cli_util.h"
#include "commands.h"
#include "review_util.h"

namespace loanlens::cli {
namespace {

struct FairnessCommandOptions {
  std::string model_path, data_path, attribute;
  std::size_t min_group_size = 30, replicates = 1000;
  std::uint64_t seed = 7;
  bool json = false;
  int threads = 0;  ///< 0: every core
};

std::string Rate(const nlohmann::json& v) {
  return v.is_null() ? "    -" : Fixed(100 * v.get<double>(), 1) + "%";
}

void PrintFairness(const nlohmann::json& f) {
  std::cout << f["summary"].get<std::string>() << "\n"
            << "  group                 rows  approved  AIR [95% interval]     4/5   "
               "default|approved  TPR     FPR     AUC\n";
  for (const auto& g : f["groups"]) {
    std::string name = g["group"];
    name.resize(std::max<std::size_t>(name.size(), 20), ' ');
    const auto& ai = g["adverse_impact_ratio_interval"];
    std::cout << "  " << name << "  " << g["count"] << "  " << Rate(g["approval_rate"]) << "  "
              << Fixed(g["adverse_impact_ratio"], 3) << " [" << Fixed(ai[0], 3) << ", "
              << Fixed(ai[1], 3) << "]  "
              << (g["too_small"].get<bool>()        ? "small"
                  : g["four_fifths_ok"].get<bool>() ? "ok"
                                                    : "FAIL");
    if (g.contains("tpr"))
      std::cout << "  " << Rate(g["default_rate_approved"]) << "  " << Rate(g["tpr"]) << "  "
                << Rate(g["fpr"]) << "  " << (g["auc"].is_null() ? "-" : Fixed(g["auc"], 3));
    std::cout << "\n";
  }
  std::cout << "proxy check (Cramer's V of each input's bins against the groups):\n";
  for (const auto& p : f["proxies"])
    std::cout << "  " << p["feature"].get<std::string>() << "  V " << Fixed(p["cramers_v"], 3)
              << (p["auc"].is_null() ? "" : "  AUC " + Fixed(p["auc"], 3))
              << (p["likely_proxy"].get<bool>() ? "  likely proxy" : "") << "\n";
}

int FairnessCommand(const FairnessCommandOptions& o) {
  const Bundle bundle = LoadBundle(o.model_path);
  ReviewOptions ro;
  ro.attribute = o.attribute;
  ro.fairness.min_group_size = o.min_group_size;
  ro.fairness.bootstrap.replicates = o.replicates;
  ro.fairness.bootstrap.seed = o.seed;
  ro.threads = ThreadsToUse(o.threads);
  const auto review = ReviewFile(bundle, o.data_path, ro);
  const nlohmann::json f = review->FairnessReportJson();
  if (o.json) {
    std::cout << f.dump() << "\n";
    return 0;
  }
  std::cout << "fairness of " << bundle.GetModel().Kind() << " on " << o.data_path << ": "
            << review->RowsIn() << " rows in, " << review->RowsScored() << " scored, "
            << review->RowsRejected() << " rejected\n";
  PrintFairness(f);
  return 0;
}

}  // namespace

void AddFairnessCommand(CLI::App& app, int& rc) {
  auto o = std::make_shared<FairnessCommandOptions>();
  auto* cmd = app.add_subcommand(
      "fairness", "Approval rates, adverse impact ratios and error rates by group; proxy check");
  cmd->add_option("--model", o->model_path, "Bundle JSON")->required()->check(CLI::ExistingFile);
  cmd->add_option("--data", o->data_path,
                  "CSV with the attribute (and the target, for error rates)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--attribute", o->attribute, "Column to review (not a model input)")->required();
  cmd->add_option("--min-group-size", o->min_group_size, "Smaller groups are marked too small")
      ->capture_default_str();
  cmd->add_option("--bootstrap", o->replicates, "Bootstrap replicates (0 = no intervals)")
      ->capture_default_str()
      ->check(CLI::Range(0, 100000));
  cmd->add_option("--seed", o->seed, "Bootstrap seed")->capture_default_str();
  cmd->add_flag("--json", o->json, "Print one JSON object");
  AddThreadsOption(cmd, o->threads, "scoring rows");
  cmd->callback([o, &rc] { rc = FairnessCommand(*o); });
}

}  // namespace loanlens::cli
