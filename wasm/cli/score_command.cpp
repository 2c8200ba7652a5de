// loanlens score: CSV in, scored CSV out (streamed), rejected rows listed beside it.
#include <algorithm>
#include <fstream>
#include <iostream>
#include <memory>

#include "cli_util.h"
#include "commands.h"
#include "loanlens/data/csv.h"
#include "loanlens/error.h"
#include "loanlens/scoring.h"

namespace loanlens::cli {
namespace {

struct ScoreOptions {
  std::string model_path, data_path, out;
  bool explain = false;
};

/// Writes what the scorer has produced so far: the header once, scored rows to `os`, rejected
/// rows to OUT.rejected.csv (opened on the first one), warnings to stderr.
class ScoreWriter {
 public:
  ScoreWriter(std::ostream& os, std::string rejected_path)
      : os_(os), rejected_path_(std::move(rejected_path)) {}
  void Drain(BatchScorer& scorer) {
    if (!header_written_ && !scorer.OutputHeader().empty()) {
      os_ << CsvLine(scorer.OutputHeader()) << "\n";
      header_written_ = true;
    }
    for (const auto& row : scorer.TakeRows()) os_ << CsvLine(row.cells) << "\n";
    for (const auto& r : scorer.TakeRejected()) WriteRejected(r);
    for (const auto& w : scorer.TakeWarnings())
      std::cerr << "warning: row " << w.row << ", column '" << w.column << "', value '" << w.value
                << "': " << w.message << "\n";
  }
  std::size_t Rejected() const { return rejected_; }

 private:
  void WriteRejected(const RejectedRow& r) {
    if (!rejected_os_.is_open()) {
      rejected_os_.open(rejected_path_, std::ios::binary);
      rejected_os_ << "row,reason\n";
    }
    rejected_os_ << CsvLine({std::to_string(r.row), r.reason}) << "\n";
    std::cerr << "rejected: " << r.reason << "\n";
    ++rejected_;
  }
  std::ostream& os_;
  std::string rejected_path_;
  std::ofstream rejected_os_;
  bool header_written_ = false;
  std::size_t rejected_ = 0;
};

std::size_t StreamSize(std::istream& in) {
  in.seekg(0, std::ios::end);
  const auto total = static_cast<std::size_t>(std::max<std::streamoff>(in.tellg(), 0));
  in.seekg(0);
  return total;
}

int ScoreCommand(const ScoreOptions& o) {
  const Bundle bundle = LoadBundle(o.model_path);
  std::ifstream in(o.data_path, std::ios::binary);
  if (!in) throw Error(Location{o.data_path, 0, "", ""}, "cannot be opened for reading");
  const std::size_t total = StreamSize(in);
  std::ofstream os(o.out, std::ios::binary);
  if (!os) throw Error(Location{o.out, 0, "", ""}, "cannot be opened for writing");
  const std::string rejected_path = o.out + ".rejected.csv";
  ScoreWriter writer(os, rejected_path);
  BatchScorer scorer(bundle, o.data_path, o.explain);
  Progress progress("scoring");
  std::vector<char> buf(1 << 16);
  std::size_t done = 0;
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const auto got = static_cast<std::size_t>(in.gcount());
    if (got == 0) break;
    scorer.Feed(std::string_view(buf.data(), got));
    writer.Drain(scorer);
    done += got;
    progress(done, total);
  }
  scorer.Finish();
  writer.Drain(scorer);
  if (!os.flush()) throw Error(Location{o.out, 0, "", ""}, "write failed");
  if (writer.Rejected() == 0) std::remove(rejected_path.c_str());
  std::cerr << "rows in " << scorer.RowsIn() << ", scored " << scorer.RowsScored() << ", rejected "
            << scorer.RowsRejected()
            << (writer.Rejected() ? " (listed in " + rejected_path + ")" : "") << "\n";
  return 0;
}

}  // namespace

void AddScoreCommand(CLI::App& app, int& rc) {
  auto o = std::make_shared<ScoreOptions>();
  auto* cmd = app.add_subcommand("score", "Score a CSV (PD, margin, points, band)");
  cmd->add_option("--model", o->model_path, "Bundle JSON")->required()->check(CLI::ExistingFile);
  cmd->add_option("--data", o->data_path, "Input CSV")->required()->check(CLI::ExistingFile);
  cmd->add_option("--out", o->out, "Output CSV")->required();
  cmd->add_flag("--explain", o->explain, "Add shap_<feature> columns and base_value");
  cmd->callback([o, &rc] { rc = ScoreCommand(*o); });
}

}  // namespace loanlens::cli
