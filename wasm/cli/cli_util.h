#pragma once
/// \file
/// Helpers shared by the CLI's subcommands: progress bar, bundle loading, atomic file writes,
/// `--param key=value` parsing and the metrics printout.
#include <CLI/CLI.hpp>
#include <cstddef>
#include <fstream>
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
/// Adds `--threads N` to a row-parallel subcommand (`what` the rows do: "deciding rows").
/// `threads` stays 0 unless given; ThreadsToUse(0) is every core.
void AddThreadsOption(CLI::App* cmd, int& threads, const std::string& what);
/// The number of threads a `--threads` value means: 0 = DefaultThreads().
int ThreadsToUse(int option);
/// `--param key=value` items -> map; throws CLI::ValidationError for an item without '='.
ParamMap ParseParams(const std::vector<std::string>& items);
/**
 * An output file that appears only complete: written to a fresh temporary file in the same
 * directory (`PATH.tmp-XXXXXX`, so the rename cannot cross file systems) and renamed over `path`
 * by Commit(). Destroyed without Commit() (an error, an exception) it deletes the temporary, so
 * a failed command leaves neither a partial output nor a stale temporary, and an existing file
 * at `path` is kept as it was.
 */
class AtomicOutput {
 public:
  explicit AtomicOutput(std::string path);
  ~AtomicOutput();
  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;
  std::ostream& Stream() { return os_; }
  /// Flushes, closes and renames the temporary over the path; throws loanlens::Error on failure.
  void Commit();
  const std::string& Path() const { return path_; }

 private:
  std::string path_, tmp_;
  std::ofstream os_;
  bool committed_ = false;
};

/// Writes `text` to `path` through an AtomicOutput (no partial output on failure).
void WriteFileAtomically(const std::string& path, const std::string& text);

/// Dumps `bundle`, parses the text back with Bundle::Parse (so that a bundle that would not load,
/// e.g. with a number saved as null, is an error here and never a file), then writes it with
/// WriteFileAtomically.
void WriteBundle(const Bundle& bundle, const std::string& path);

/// A file named on the command line: the option that named it and the path.
struct NamedPath {
  std::string option;
  std::string path;
};

/**
 * Refuses (loanlens::Error naming both options and paths) any output that is the same file as an
 * input or as another output: the same device and inode (a hard link, a symbolic link, another
 * spelling of the path), or, for an output that does not exist yet, the same path once its
 * directory is resolved (realpath). Call it before anything is read or written. "-" (standard
 * input or output) and empty paths are skipped.
 */
void RefuseOverwritingInputs(const std::vector<NamedPath>& inputs,
                             const std::vector<NamedPath>& outputs);
/// `v` with `digits` decimals.
std::string Fixed(double v, int digits);
/// The validation metrics block printed by train, evaluate, inspect and import-xgboost.
void PrintMetrics(const nlohmann::json& m);

}  // namespace loanlens::cli
