#pragma once
/// \file
/// Helpers shared by the CLI's subcommands: progress bar, bundle loading, atomic file writes,
/// `--param key=value` parsing and the metrics printout.
#include <CLI/CLI.hpp>
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "loanlens/bundle.h"
#include "loanlens/model.h"

namespace loanlens::cli {

/// A one-line progress bar on stderr, drawn only when stderr is a terminal.
class Progress {
 public:
  explicit Progress(std::string label);
  ~Progress();
  void operator()(std::size_t done, std::size_t total);

 private:
  std::string label_;
  bool tty_;
  bool drawn_ = false;
  int last_ = -1;
};

Bundle LoadBundle(const std::string& path);
/// "a,b,,c" -> {"a", "b", "c"}.
std::vector<std::string> SplitList(const std::string& s);
/// `--param key=value` items -> map; throws CLI::ValidationError for an item without '='.
ParamMap ParseParams(const std::vector<std::string>& items);
/// Writes `text` to `path + ".tmp"` and renames it over `path` (no partial output on failure).
void WriteFileAtomically(const std::string& path, const std::string& text);
/// `v` with `digits` decimals.
std::string Fixed(double v, int digits);
/// The validation metrics block printed by train, evaluate, inspect and import-xgboost.
void PrintMetrics(const nlohmann::json& m);

}  // namespace loanlens::cli
