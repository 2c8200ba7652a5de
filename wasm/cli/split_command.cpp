// loanlens split: write the stratified train/validation split `train --valid-fraction` uses, so
// that other tools (scikit-learn in scripts/compare_sklearn.py, a validator's own code) can be
// run on exactly the same rows.
#include <algorithm>
#include <fstream>
#include <iostream>
#include <memory>

#include "cli_util.h"
#include "commands.h"
#include "loanlens/data/csv.h"
#include "loanlens/data/csv_safe.h"
#include "loanlens/data/target.h"
#include "loanlens/error.h"
#include "loanlens/pipeline.h"

namespace loanlens::cli {
namespace {

struct SplitOptions {
  std::string data_path, target, positive, out_train, out_valid;
  double valid_fraction = 0.2;
  std::uint64_t seed = 7;
};

/// Targets coded as `train` codes them (data/target.h): trimmed, numbers compared as numbers.
std::vector<double> CodeTargets(const std::vector<CsvRecord>& records, std::size_t t,
                                const SplitOptions& o, const CsvOptions& csv) {
  std::vector<std::string> cells;
  cells.reserve(records.size());
  for (const auto& r : records) cells.push_back(r.fields[t]);
  const TargetCoding coding =
      CodeTarget(DistinctTargetValues(cells, csv), o.positive, o.data_path, o.target);
  std::vector<double> y;
  y.reserve(records.size());
  for (const auto& r : records) {
    const std::string& cell = r.fields[t];
    if (IsMissingToken(cell, csv))
      throw Error(
          Location{o.data_path, r.row, o.target, cell},
          "missing target value; expected '" + coding.positive + "' or '" + coding.negative + "'");
    y.push_back(SameTargetValue(TrimSpaces(cell), coding.positive) ? 1.0 : 0.0);
  }
  return y;
}

int SplitCommand(const SplitOptions& o) {
  RefuseOverwritingInputs({{"--data", o.data_path}},
                          {{"--out-train", o.out_train}, {"--out-valid", o.out_valid}});
  CheckValidFraction(o.valid_fraction);
  std::ifstream in(o.data_path, std::ios::binary);
  if (!in) throw Error(Location{o.data_path, 0, "", ""}, "cannot be opened for reading");
  CsvReader reader(in, o.data_path);
  const auto& header = reader.Header();
  const auto col = std::find(header.begin(), header.end(), o.target);
  if (col == header.end())
    throw Error(Location{o.data_path, 1, o.target, ""}, "target column not found");
  const auto t = static_cast<std::size_t>(col - header.begin());
  std::vector<CsvRecord> records;
  CsvRecord r;
  while (reader.Next(r)) {
    if (r.fields.size() != header.size())
      throw Error(Location{o.data_path, r.row, "", ""},
                  "expected " + std::to_string(header.size()) + " fields, got " +
                      std::to_string(r.fields.size()));
    records.push_back(r);
  }
  const std::vector<double> y = CodeTargets(records, t, o, reader.Options());
  std::vector<std::size_t> train, valid;
  StratifiedSplit(y, o.valid_fraction, o.seed, train, valid);
  // Both files are complete before either is renamed into place.
  AtomicOutput train_out(o.out_train), valid_out(o.out_valid);
  for (const auto& [out, rows] : {std::pair{&train_out, &train}, std::pair{&valid_out, &valid}}) {
    out->Stream() << SafeCsvLine(header) << "\n";
    for (std::size_t i : *rows) out->Stream() << SafeCsvLine(records[i].fields) << "\n";
  }
  train_out.Commit();
  valid_out.Commit();
  std::cout << "wrote " << train.size() << " rows to " << o.out_train << "\n"
            << "wrote " << valid.size() << " rows to " << o.out_valid << "\n";
  return 0;
}

}  // namespace

void AddSplitCommand(CLI::App& app, int& rc) {
  auto o = std::make_shared<SplitOptions>();
  auto* cmd = app.add_subcommand("split", "Write the stratified train/validation split to CSVs");
  cmd->footer(
      "The target is coded as train codes it (trimmed; numbers compared as numbers). Cells are "
      "written spreadsheet-safe, as every CSV the CLI writes: a text cell starting with = + - @ "
      "tab or CR gets a leading ' (plain numbers are unchanged), so such a categorical level "
      "reads back with the quote.");
  cmd->add_option("--data", o->data_path, "CSV")->required()->check(CLI::ExistingFile);
  cmd->add_option("--target", o->target, "Target column")->required();
  cmd->add_option("--positive", o->positive, "Target value meaning default (default: 1)");
  cmd->add_option("--valid-fraction", o->valid_fraction, "Hold-out fraction")
      ->capture_default_str();
  cmd->add_option("--seed", o->seed, "Random seed")->capture_default_str();
  cmd->add_option("--out-train", o->out_train, "Training rows CSV")->required();
  cmd->add_option("--out-valid", o->out_valid, "Validation rows CSV")->required();
  cmd->callback([o, &rc] { rc = SplitCommand(*o); });
}

}  // namespace loanlens::cli
