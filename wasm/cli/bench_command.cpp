// loanlens bench: times the engine alone on rows already in memory (parsed and preprocessed), as
// the reference libraries are timed in scripts/bench.py: margins for every row (as one batch,
// and row by row), then exact SHAP for every row. With --decisions N, also the decision of N
// applicants the bundle does not approve, as `loanlens explain` makes it (reasons against the
// reference, price, limit, recourse); with --kernel-shap N, Kernel SHAP of the first N rows
// beside the exact explanation against the same background (RBF SVMs).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <iostream>
#include <memory>

#include "cli_util.h"
#include "commands.h"
#include "loanlens/data/frame.h"
#include "loanlens/decision/decision.h"
#include "loanlens/decision/recourse.h"
#include "loanlens/error.h"

namespace loanlens::cli {
namespace {

using Clock = std::chrono::steady_clock;

struct BenchOptions {
  std::string model_path, data_path;
  int repeat = 3;
  bool no_shap = false;
  int decisions = 0;
  int kernel_shap = 0;
};

double Since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

/// Milliseconds per applicant of the whole decision (Decide with every option: what `explain`
/// and the page's Applicant screen compute) and of the recourse search alone, over up to `n`
/// rows that the bundle does not approve (every such row from the top of the file).
nlohmann::json TimeDecisions(const Bundle& bundle, const Frame& frame, int n) {
  std::vector<std::size_t> rows;
  for (std::size_t i = 0; i < frame.num_rows && rows.size() < static_cast<std::size_t>(n); ++i)
    if (bundle.ScoreRow(frame.Row(i), false).band != "approve") rows.push_back(i);
  double decide_total = 0, recourse_total = 0, decide_max = 0, recourse_max = 0;
  std::size_t options = 0;
  for (std::size_t i : rows) {
    auto t0 = Clock::now();
    const Decision d = Decide(bundle, frame.Row(i), {});
    const double decide = Since(t0);
    t0 = Clock::now();
    const decision::RecourseResult r = decision::FindRecourse(bundle, frame.Row(i));
    const double recourse = Since(t0);
    options += r.options.size();
    (void)d;
    decide_total += decide, recourse_total += recourse;
    decide_max = std::max(decide_max, decide), recourse_max = std::max(recourse_max, recourse);
  }
  const double k = rows.empty() ? 1.0 : static_cast<double>(rows.size());
  return {{"applicants", rows.size()},
          {"explain_ms_per_applicant", 1e3 * decide_total / k},
          {"explain_ms_max", 1e3 * decide_max},
          {"recourse_ms_per_applicant", 1e3 * recourse_total / k},
          {"recourse_ms_max", 1e3 * recourse_max},
          {"recourse_options", options}};
}

/// Does the model have an explanation faster than Kernel SHAP: its own exact SHAP (trees, linear
/// models: Model::Explain) or an exact method against the stored background (RBF SVM)?
bool HasFastShap(const Bundle& bundle) {
  return bundle.GetModel().HasExactExplainer() || bundle.ExplainMethod() != "kernel_shap";
}

/// Seconds to explain every row once, the way scoring does: Model::Explain on the design rows
/// where the model has its own exact SHAP, else the bundle's explanation against its background.
double TimeShap(const Bundle& bundle, const Frame& frame, const std::vector<double>& x,
                double& checksum) {
  const Model& model = bundle.GetModel();
  const std::size_t k = model.NumInputs();
  std::vector<double> phi(k);
  const auto t0 = Clock::now();
  for (std::size_t i = 0; i < frame.num_rows; ++i)
    checksum += model.HasExactExplainer() ? model.Explain(x.data() + i * k, phi.data())
                                          : bundle.ScoreRow(frame.Row(i), true).contributions[0];
  return Since(t0);
}

/// The exact explanation against the stored background beside Kernel SHAP (the bundle's
/// coalition budget) on the first n rows: milliseconds per row of each, and how far apart they
/// are (Kernel SHAP is exact only when its budget covers every coalition).
nlohmann::json CompareKernelShap(const Bundle& bundle, const Frame& frame, int n) {
  const std::size_t rows = std::min(frame.num_rows, static_cast<std::size_t>(n));
  std::vector<std::vector<double>> exact(rows), kernel(rows);
  auto t0 = Clock::now();
  for (std::size_t i = 0; i < rows; ++i)
    exact[i] = bundle.ScoreRow(frame.Row(i), true).contributions;
  const double exact_seconds = Since(t0);
  t0 = Clock::now();
  for (std::size_t i = 0; i < rows; ++i) kernel[i] = bundle.KernelShapContributions(frame.Row(i));
  const double kernel_seconds = Since(t0);
  double max_diff = 0;
  for (std::size_t i = 0; i < rows; ++i)
    for (std::size_t f = 0; f < exact[i].size(); ++f)
      max_diff = std::max(max_diff, std::abs(exact[i][f] - kernel[i][f]));
  const double k = rows == 0 ? 1.0 : static_cast<double>(rows);
  return {{"rows", rows},
          {"method", bundle.ExplainMethod()},
          {"exact_ms_per_row", 1e3 * exact_seconds / k},
          {"kernel_shap_ms_per_row", 1e3 * kernel_seconds / k},
          {"max_abs_difference", max_diff}};
}

int BenchCommand(const BenchOptions& o) {
  const Bundle bundle = LoadBundle(o.model_path);
  std::ifstream in(o.data_path, std::ios::binary);
  if (!in) throw Error(Location{o.data_path, 0, "", ""}, "cannot be opened for reading");
  CsvReader reader(in, o.data_path, bundle.Csv());
  const ReadResult rr = ReadFrame(reader, bundle.GetSchema(), ReadOptions{});
  const auto& pre = bundle.GetPreprocessor();
  const std::vector<double> x = pre.TransformAll(rr.frame);
  const std::size_t n = rr.frame.num_rows, k = pre.NumInputs();
  const Model& model = bundle.GetModel();
  const bool shap = !o.no_shap && HasFastShap(bundle);
  double best_predict = 1e300, best_row = 1e300, best_shap = 1e300, checksum = 0;
  std::vector<double> margin(n), row_margin(n);
  std::size_t mismatches = 0;
  for (int r = 0; r < o.repeat; ++r) {
    // Margins of the whole batch (Model::PredictMargins), as the references predict a matrix.
    auto t0 = Clock::now();
    model.PredictMargins(x.data(), n, margin.data());
    best_predict = std::min(best_predict, Since(t0));
    t0 = Clock::now();  // one row at a time (the path of a single applicant)
    for (std::size_t i = 0; i < n; ++i) row_margin[i] = model.PredictMargin(x.data() + i * k);
    best_row = std::min(best_row, Since(t0));
    for (std::size_t i = 0; i < n; ++i) {
      checksum += margin[i];
      mismatches += margin[i] != row_margin[i];  // the batch must equal the rows bit for bit
    }
    if (shap) best_shap = std::min(best_shap, TimeShap(bundle, rr.frame, x, checksum));
  }
  nlohmann::json out = {{"rows", n},
                        {"inputs", k},
                        {"predict_seconds", best_predict},
                        {"predict_row_seconds", best_row},
                        {"batch_row_mismatches", mismatches},
                        {"checksum", checksum}};
  if (shap) out["shap_seconds"] = best_shap;
  if (o.decisions > 0) out["decisions"] = TimeDecisions(bundle, rr.frame, o.decisions);
  if (o.kernel_shap > 0) out["kernel_shap"] = CompareKernelShap(bundle, rr.frame, o.kernel_shap);
  std::cout << out.dump() << "\n";
  return 0;
}

}  // namespace

void AddBenchCommand(CLI::App& app, int& rc) {
  auto o = std::make_shared<BenchOptions>();
  auto* cmd = app.add_subcommand("bench", "Time margins and SHAP for every row of a CSV (JSON)");
  cmd->add_option("--model", o->model_path, "Bundle JSON")->required()->check(CLI::ExistingFile);
  cmd->add_option("--data", o->data_path, "CSV")->required()->check(CLI::ExistingFile);
  cmd->add_option("--repeat", o->repeat, "Repetitions (the fastest is reported)")
      ->capture_default_str()
      ->check(CLI::Range(1, 100));
  cmd->add_flag("--no-shap", o->no_shap, "Time margins only");
  cmd->add_option("--decisions", o->decisions,
                  "Also time the decision (reasons, price, limit, recourse) of this many "
                  "applicants the bundle does not approve, and the recourse search alone")
      ->check(CLI::Range(0, 100000));
  cmd->add_option("--kernel-shap", o->kernel_shap,
                  "Also explain the first N rows by Kernel SHAP, beside the exact explanation "
                  "against the same background (models explained against one: RBF SVMs)")
      ->check(CLI::Range(0, 100000));
  cmd->callback([o, &rc] { rc = BenchCommand(*o); });
}

}  // namespace loanlens::cli
