// loanlens monitor: drift of new data against the bundle's drift reference, performance when
// outcomes are known, and the early-warning list against a previous scoring run.
#include <algorithm>
#include <iostream>
#include <memory>

#include "cli_util.h"
#include "commands.h"
#include "loanlens/error.h"
#include "loanlens/file.h"
#include "loanlens/pipeline.h"
#include "review_util.h"

namespace loanlens::cli {
namespace {

struct MonitorOptions {
  std::string model_path, data_path, previous_path;
  double pd_rise = 0.05;
  bool json = false;
  int threads = 0;  ///< 0: every core
};

std::string IdColumn(const Bundle& bundle) {
  for (const auto& c : bundle.GetSchema().columns)
    if (c.role == Role::kId) return c.name;
  throw Error("--previous: the bundle's schema has no id column to match accounts by");
}

void PrintMonitor(const nlohmann::json& m) {
  std::cout << "score PSI " << Fixed(m["score"]["psi"], 4) << "  "
            << m["score"]["verdict"].get<std::string>() << "  ("
            << m["psi_floor_note"].get<std::string>()
            << ")\n  feature                         PSI  verdict             missing (ref)    "
               "out of range\n";
  std::vector<std::pair<double, std::string>> order;
  for (const auto& [name, f] : m["features"].items())
    order.emplace_back(-f["psi"].get<double>(), name);
  std::sort(order.begin(), order.end());
  for (const auto& [neg, name] : order) {
    const auto& f = m["features"][name];
    std::string n = name, v = f["verdict"];
    n.resize(std::max<std::size_t>(n.size(), 28), ' ');
    v.resize(18, ' ');
    std::cout << "  " << n << "  " << Fixed(f["psi"], 4) << "  " << v << "  "
              << Fixed(100 * f["missing_rate"].get<double>(), 1) << " % ("
              << Fixed(100 * f["missing_rate_reference"].get<double>(), 1) << " %)   "
              << Fixed(100 * f["out_of_range_rate"].get<double>(), 1) << " %\n";
  }
  if (!m["performance"].is_null()) {
    const auto& p = m["performance"];
    std::cout << "performance on " << p["rows"] << " rows with outcomes: AUC "
              << (p["auc"].is_null() ? "-" : Fixed(p["auc"], 4)) << " (validation "
              << Fixed(p.value("auc_validation", 0.0), 4) << "), KS "
              << (p["ks"].is_null() ? "-" : Fixed(p["ks"], 4)) << " (validation "
              << Fixed(p.value("ks_validation", 0.0), 4) << ")\n";
    for (const auto& b : p["band_table"])
      std::cout << "  " << b["band"].get<std::string>() << ": " << b["count"] << " rows, bad rate "
                << Fixed(100 * b["bad_rate"].get<double>(), 1) << " % (validation "
                << (b["bad_rate_validation"].is_null()
                        ? std::string("-")
                        : Fixed(100 * b["bad_rate_validation"].get<double>(), 1) + " %")
                << ")\n";
  }
  if (!m["early_warning"].is_null()) {
    std::cout << "early warning (" << m["early_warning_rule"].get<std::string>()
              << "): " << m["early_warning"].size() << " accounts\n";
    for (const auto& w : m["early_warning"])
      std::cout << "  " << w["id"].get<std::string>() << "  PD " << Fixed(w["pd_previous"], 4)
                << " -> " << Fixed(w["pd"], 4) << "  " << w["reason"].get<std::string>() << "\n";
  }
}

int MonitorCommand(const MonitorOptions& o) {
  const Bundle bundle = LoadBundle(o.model_path);
  ReviewOptions ro;
  ro.keep_ids = !o.previous_path.empty();
  ro.threads = ThreadsToUse(o.threads);
  std::map<std::string, PreviousScore> previous;
  if (!o.previous_path.empty())
    previous = ReadPreviousScores(ReadFile(o.previous_path), o.previous_path, IdColumn(bundle),
                                  bundle.GetPolicy());
  const auto review = ReviewFile(bundle, o.data_path, ro);
  const nlohmann::json m =
      review->MonitorReport(o.previous_path.empty() ? nullptr : &previous, o.pd_rise);
  if (o.json) {
    std::cout << m.dump() << "\n";
    return 0;
  }
  std::cout << "monitored " << o.data_path << ": " << review->RowsIn() << " rows in, "
            << review->RowsScored() << " scored, " << review->RowsRejected()
            << " rejected; reference: " << m["reference_sample"].get<std::string>() << " ("
            << m["reference_rows"] << " rows)\n";
  PrintMonitor(m);
  return 0;
}

}  // namespace

void AddMonitorCommand(CLI::App& app, int& rc) {
  auto o = std::make_shared<MonitorOptions>();
  auto* cmd = app.add_subcommand(
      "monitor", "Drift (PSI) of new data against the training sample; early-warning list");
  cmd->add_option("--model", o->model_path, "Bundle JSON")->required()->check(CLI::ExistingFile);
  cmd->add_option("--data", o->data_path, "New CSV (labelled or not)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--previous", o->previous_path,
                  "Previous run's scored CSV (from `loanlens score`), matched by the id column")
      ->check(CLI::ExistingFile);
  cmd->add_option("--pd-rise", o->pd_rise, "Early warning when the PD rose by more than this")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_flag("--json", o->json, "Print one JSON object");
  AddThreadsOption(cmd, o->threads, "scoring rows");
  cmd->callback([o, &rc] { rc = MonitorCommand(*o); });
}

}  // namespace loanlens::cli
