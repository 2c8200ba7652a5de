// loanlens score: CSV in, scored CSV out (streamed), rejected rows listed beside it. `--data -`
// reads standard input and `--out -` writes standard output, chunk by chunk (memory does not grow
// with the input), as a Unix pipeline or Spark's RDD.pipe wants.
#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>

#include "cli_util.h"
#include "commands.h"
#include "loanlens/data/csv.h"
#include "loanlens/data/csv_safe.h"
#include "loanlens/error.h"
#include "loanlens/parallel.h"
#include "loanlens/scoring.h"

namespace loanlens::cli {
namespace {

struct ScoreOptions {
  std::string model_path, data_path, out, rejected;
  bool explain = false;
  int threads = 0;  ///< 0: DefaultThreads()
  bool timings = false;
};

/// Wall seconds by phase of one run (`--timings`).
struct ScoreTimings {
  double read = 0, feed = 0, write = 0;
};

using Clock = std::chrono::steady_clock;
double Since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

/// Where rejected rows go besides stderr: `--rejected FILE`, else OUT.rejected.csv for a file
/// output, else nowhere (stderr only) when the output is standard output.
std::string RejectedPath(const ScoreOptions& o) {
  if (!o.rejected.empty()) return o.rejected;
  return o.out == "-" ? "" : o.out + ".rejected.csv";
}

/// Writes what the scorer has produced so far: the header once, scored rows to `os`, rejected
/// rows to the rejected file (a temporary until Commit, opened on the first one), warnings to
/// stderr. Every cell goes through the spreadsheet-safe rule (data/csv_safe.h).
class ScoreWriter {
 public:
  ScoreWriter(std::ostream& os, std::string rejected_path, bool always_write_rejected)
      : os_(os), rejected_path_(std::move(rejected_path)) {
    if (always_write_rejected) OpenRejected();
  }
  void Drain(BatchScorer& scorer) {
    if (!header_written_ && !scorer.OutputHeader().empty()) {
      os_ << SafeCsvLine(scorer.OutputHeader()) << "\n";
      header_written_ = true;
    }
    // Batch by batch (the records of one Feed), as one thread writes them: the rejected and
    // warning lines on stderr interleave the same way whatever the number of threads.
    ScoredBatch batch;
    while (scorer.TakeBatch(batch)) {
      for (const auto& row : batch.rows) os_ << SafeCsvLine(row.cells) << "\n";
      for (const auto& r : batch.rejected) WriteRejected(r);
      for (const auto& w : batch.warnings)
        std::cerr << "warning: row " << w.row << ", column '" << w.column << "', value '" << w.value
                  << "': " << w.message << "\n";
    }
  }
  /// Renames the rejected file into place when one was opened; otherwise removes a stale one
  /// from an earlier run at the default path, so that the listing always matches the output.
  void Commit() {
    if (rejected_) {
      rejected_->Commit();
    } else if (!rejected_path_.empty()) {
      std::remove(rejected_path_.c_str());
    }
  }
  std::size_t Rejected() const { return count_; }
  const std::string& RejectedFile() const { return rejected_path_; }

 private:
  void OpenRejected() {
    rejected_.emplace(rejected_path_);
    rejected_->Stream() << "row,reason\n";
  }
  void WriteRejected(const RejectedRow& r) {
    if (!rejected_ && !rejected_path_.empty()) OpenRejected();
    if (rejected_) rejected_->Stream() << SafeCsvLine({std::to_string(r.row), r.reason}) << "\n";
    std::cerr << "rejected: " << r.reason << "\n";
    ++count_;
  }
  std::ostream& os_;
  std::string rejected_path_;
  std::optional<AtomicOutput> rejected_;
  bool header_written_ = false;
  std::size_t count_ = 0;
};

/// Size of a seekable input (for the progress bar); 0 for a pipe.
std::size_t StreamSize(std::istream& in) {
  in.seekg(0, std::ios::end);
  const std::streamoff end = in.tellg();
  in.clear();
  in.seekg(0);
  in.clear();
  return end > 0 ? static_cast<std::size_t>(end) : 0;
}

/// Feeds `in` to the scorer in 64 KiB chunks, draining the writer after each one.
void Stream(std::istream& in, std::size_t total, BatchScorer& scorer, ScoreWriter& writer,
            ScoreTimings& t) {
  Progress progress("scoring");
  std::vector<char> buf(1 << 16);
  std::size_t done = 0;
  while (in) {
    auto t0 = Clock::now();
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const auto got = static_cast<std::size_t>(in.gcount());
    t.read += Since(t0);
    if (got == 0) break;
    t0 = Clock::now();
    scorer.Feed(std::string_view(buf.data(), got));
    t.feed += Since(t0);
    t0 = Clock::now();
    writer.Drain(scorer);
    t.write += Since(t0);
    done += got;
    progress(done, total);
  }
  auto t0 = Clock::now();
  scorer.Finish();
  t.feed += Since(t0);
  t0 = Clock::now();
  writer.Drain(scorer);
  t.write += Since(t0);
}

int ScoreCommand(const ScoreOptions& o) {
  const std::string rejected_path = RejectedPath(o);
  RefuseOverwritingInputs({{"--model", o.model_path}, {"--data", o.data_path}},
                          {{"--out", o.out}, {"the rejected-rows file", rejected_path}});
  if (o.model_path == "-") throw Error("--model: a bundle file is needed (not standard input)");
  const Bundle bundle = LoadBundle(o.model_path);
  const bool from_stdin = o.data_path == "-", to_stdout = o.out == "-";
  if (from_stdin || to_stdout) std::ios::sync_with_stdio(false);
  std::ifstream file;
  if (!from_stdin) {
    file.open(o.data_path, std::ios::binary);
    if (!file) throw Error(Location{o.data_path, 0, "", ""}, "cannot be opened for reading");
  }
  std::istream& in = from_stdin ? std::cin : file;
  const std::size_t total = from_stdin ? 0 : StreamSize(file);
  std::optional<AtomicOutput> out_file;
  if (!to_stdout) out_file.emplace(o.out);
  std::ostream& os = to_stdout ? std::cout : out_file->Stream();
  ScoreWriter writer(os, rejected_path, !o.rejected.empty());
  const int threads = ThreadsToUse(o.threads);
  BatchScorer scorer(bundle, from_stdin ? "standard input" : o.data_path, o.explain, threads);
  ScoreTimings timings;
  const auto start = Clock::now();
  Stream(in, total, scorer, writer, timings);
  auto t0 = Clock::now();
  if (to_stdout && !std::cout.flush()) throw Error("standard output: write failed");
  if (out_file) out_file->Commit();
  timings.write += Since(t0);
  writer.Commit();
  std::cerr << "rows in " << scorer.RowsIn() << ", scored " << scorer.RowsScored() << ", rejected "
            << scorer.RowsRejected()
            << (writer.Rejected() && !rejected_path.empty() ? " (listed in " + rejected_path + ")"
                                                            : "")
            << "\n";
  if (o.timings) {
    // Reading CSV = the file reads plus Feed/Finish minus the deciding inside them.
    const double decide = scorer.DecideSeconds();
    std::cerr << nlohmann::json{{"threads", threads},
                                {"rows", scorer.RowsIn()},
                                {"total_seconds", Since(start)},
                                {"csv_read_seconds", timings.read + timings.feed - decide},
                                {"decide_seconds", decide},
                                {"csv_write_seconds", timings.write}}
                     .dump()
              << "\n";
  }
  return 0;
}

/// An existing file, or "-" for standard input.
const CLI::Validator kFileOrStdin(
    [](std::string& s) { return s == "-" ? std::string() : CLI::ExistingFile(s); }, "FILE or -");

}  // namespace

void AddScoreCommand(CLI::App& app, int& rc) {
  auto o = std::make_shared<ScoreOptions>();
  auto* cmd = app.add_subcommand("score", "Score a CSV (PD, margin, points, band)");
  cmd->footer(
      "Every cell written is spreadsheet-safe: a text cell starting with = + - @ tab or CR gets a "
      "leading ' (plain numbers such as -1.23 are unchanged). The output appears only when "
      "scoring succeeded (written to a temporary file, then renamed); an output that is one of "
      "the inputs is refused. Rejected rows go to stderr and to --rejected FILE, by default "
      "OUT.rejected.csv (none with --out -: stderr only).");
  cmd->add_option("--model", o->model_path, "Bundle JSON")->required()->check(CLI::ExistingFile);
  cmd->add_option("--data", o->data_path, "Input CSV, or - for standard input")
      ->required()
      ->check(kFileOrStdin);
  cmd->add_option("--out", o->out, "Output CSV, or - for standard output (streamed)")->required();
  cmd->add_option("--rejected", o->rejected,
                  "CSV of rejected rows (row,reason); default OUT.rejected.csv, none with --out -; "
                  "when given, always written (header only if no row was rejected)");
  cmd->add_flag("--explain", o->explain, "Add shap_<feature> columns and base_value");
  AddThreadsOption(cmd, o->threads, "deciding rows");
  cmd->add_flag("--timings", o->timings,
                "Print wall seconds by phase (CSV reading, deciding, CSV writing) to stderr as "
                "JSON");
  cmd->callback([o, &rc] { rc = ScoreCommand(*o); });
}

}  // namespace loanlens::cli
