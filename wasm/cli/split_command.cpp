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
#include "loanlens/error.h"
#include "loanlens/pipeline.h"

namespace loanlens::cli {
namespace {

struct SplitOptions {
  std::string data_path, target, positive, out_train, out_valid;
  double valid_fraction = 0.2;
  std::uint64_t seed = 7;
};

int SplitCommand(SplitOptions o) {
  std::ifstream in(o.data_path, std::ios::binary);
  if (!in) throw Error(Location{o.data_path, 0, "", ""}, "cannot be opened for reading");
  CsvReader reader(in, o.data_path);
  const auto& header = reader.Header();
  const auto col = std::find(header.begin(), header.end(), o.target);
  if (col == header.end())
    throw Error(Location{o.data_path, 1, o.target, ""}, "target column not found");
  const auto t = static_cast<std::size_t>(col - header.begin());
  if (o.positive.empty()) o.positive = "1";
  std::vector<CsvRecord> records;
  std::vector<double> y;
  CsvRecord r;
  while (reader.Next(r)) {
    if (r.fields.size() != header.size())
      throw Error(Location{o.data_path, r.row, "", ""},
                  "expected " + std::to_string(header.size()) + " fields, got " +
                      std::to_string(r.fields.size()));
    y.push_back(r.fields[t] == o.positive ? 1.0 : 0.0);
    records.push_back(r);
  }
  std::vector<std::size_t> train, valid;
  StratifiedSplit(y, o.valid_fraction, o.seed, train, valid);
  for (const auto& [path, rows] : {std::pair{o.out_train, &train}, std::pair{o.out_valid, &valid}}) {
    std::string text = CsvLine(header) + "\n";
    for (std::size_t i : *rows) text += CsvLine(records[i].fields) + "\n";
    WriteFileAtomically(path, text);
    std::cout << "wrote " << rows->size() << " rows to " << path << "\n";
  }
  return 0;
}

}  // namespace

void AddSplitCommand(CLI::App& app, int& rc) {
  auto o = std::make_shared<SplitOptions>();
  auto* cmd = app.add_subcommand("split", "Write the stratified train/validation split to CSVs");
  cmd->add_option("--data", o->data_path, "CSV")->required()->check(CLI::ExistingFile);
  cmd->add_option("--target", o->target, "Target column")->required();
  cmd->add_option("--positive", o->positive, "Target value meaning default (default: 1)");
  cmd->add_option("--valid-fraction", o->valid_fraction, "Hold-out fraction")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--seed", o->seed, "Random seed")->capture_default_str();
  cmd->add_option("--out-train", o->out_train, "Training rows CSV")->required();
  cmd->add_option("--out-valid", o->out_valid, "Validation rows CSV")->required();
  cmd->callback([o, &rc] { rc = SplitCommand(*o); });
}

}  // namespace loanlens::cli
