#include "cli_util.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "loanlens/error.h"
#include "loanlens/file.h"
#include "loanlens/parallel.h"
#include "loanlens/pipeline.h"

namespace loanlens::cli {

Progress::Progress(std::string label) : label_(std::move(label)), tty_(isatty(2)) {}

Progress::~Progress() {
  if (drawn_) std::fprintf(stderr, "\n");
}

void Progress::operator()(std::size_t done, std::size_t total) {
  if (!tty_ || total == 0) return;
  const int pct = static_cast<int>(100.0 * done / total);
  if (pct == last_) return;
  last_ = pct;
  drawn_ = true;
  const int width = 30, filled = pct * width / 100;
  std::fprintf(stderr, "\r%s [%s%s] %3d%%", label_.c_str(), std::string(filled, '#').c_str(),
               std::string(width - filled, ' ').c_str(), pct);
  std::fflush(stderr);
}

Bundle LoadBundle(const std::string& path) { return Bundle::Parse(ReadFile(path), path); }

void AddThreadsOption(CLI::App* cmd, int& threads, const std::string& what) {
  cmd->add_option("--threads", threads,
                  "Threads " + what +
                      " (default: all cores; 1: one). The output is identical "
                      "for any number")
      ->check(CLI::Range(1, 1024));
}

int ThreadsToUse(int option) { return option > 0 ? option : DefaultThreads(); }

ParamMap ParseParams(const std::vector<std::string>& items) {
  ParamMap out;
  for (const auto& kv : items) {
    const auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0)
      throw CLI::ValidationError("--param", "expected key=value, got '" + kv + "'");
    out[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return out;
}

AtomicOutput::AtomicOutput(std::string path) : path_(std::move(path)) {
  std::string templ = path_ + ".tmp-XXXXXX";
  const int fd = mkstemp(templ.data());
  if (fd < 0)
    throw Error(Location{path_, 0, "", ""},
                std::string("cannot be written (no temporary file beside it: ") +
                    std::strerror(errno) + ")");
  // mkstemp creates the file 0600; give the output the permissions a new file would get.
  const mode_t mask = umask(0);
  umask(mask);
  fchmod(fd, 0666 & ~mask);
  close(fd);
  tmp_ = templ;
  os_.open(tmp_, std::ios::binary | std::ios::trunc);
  if (!os_) {
    std::remove(tmp_.c_str());
    throw Error(Location{path_, 0, "", ""}, "cannot be opened for writing");
  }
}

AtomicOutput::~AtomicOutput() {
  if (committed_) return;
  os_.close();
  std::remove(tmp_.c_str());
}

void AtomicOutput::Commit() {
  if (!os_.flush()) throw Error(Location{path_, 0, "", ""}, "write failed (disk full?)");
  os_.close();
  if (os_.fail()) throw Error(Location{path_, 0, "", ""}, "write failed (disk full?)");
  if (std::rename(tmp_.c_str(), path_.c_str()) != 0)
    throw Error(Location{path_, 0, "", ""},
                std::string("cannot be replaced: ") + std::strerror(errno));
  committed_ = true;
}

void WriteFileAtomically(const std::string& path, const std::string& text) {
  AtomicOutput out(path);
  out.Stream() << text;
  out.Commit();
}

void WriteBundle(const Bundle& bundle, const std::string& path) {
  const std::string text = bundle.Dump();
  try {
    Bundle::Parse(text, path);
  } catch (const Error& e) {
    throw Error(std::string("the bundle would not load, so it was not written: ") + e.what());
  }
  WriteFileAtomically(path, text);
}

namespace {

/// The path with its directory resolved (the file itself need not exist); "" when the directory
/// does not exist either.
std::string ResolvedPath(const std::string& path) {
  char buf[PATH_MAX];
  if (realpath(path.c_str(), buf)) return buf;
  const auto slash = path.find_last_of('/');
  const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash + 1);
  const std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  if (base.empty() || base == "." || base == ".." || !realpath(dir.c_str(), buf)) return "";
  return std::string(buf) + "/" + base;
}

bool SameFile(const std::string& a, const std::string& b) {
  struct stat sa {
  }, sb{};
  if (stat(a.c_str(), &sa) == 0 && stat(b.c_str(), &sb) == 0)
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
  const std::string ra = ResolvedPath(a), rb = ResolvedPath(b);
  return a == b || (!ra.empty() && ra == rb);
}

bool Skipped(const NamedPath& p) { return p.path.empty() || p.path == "-"; }

}  // namespace

void RefuseOverwritingInputs(const std::vector<NamedPath>& inputs,
                             const std::vector<NamedPath>& outputs) {
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    const NamedPath& out = outputs[i];
    if (Skipped(out)) continue;
    for (const NamedPath& in : inputs)
      if (!Skipped(in) && SameFile(out.path, in.path))
        throw Error(out.option + " '" + out.path + "' is the same file as " + in.option + " '" +
                    in.path + "'; refusing to overwrite an input (choose another output path)");
    for (std::size_t k = 0; k < i; ++k)
      if (!Skipped(outputs[k]) && SameFile(out.path, outputs[k].path))
        throw Error(out.option + " '" + out.path + "' is the same file as " + outputs[k].option +
                    " '" + outputs[k].path + "'; two outputs cannot share a file");
  }
}

std::string Fixed(double v, int digits) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(digits) << v;
  return s.str();
}

void PrintMetrics(const nlohmann::json& m) {
  std::cout << "  rows " << m["n_rows"] << " (" << m["n_positive"] << " defaults)\n"
            << "  AUC      " << Fixed(m["auc"], 4) << "   Gini " << Fixed(m["gini"], 4) << "\n"
            << "  KS       " << Fixed(m["ks"], 4) << "   at PD " << Fixed(m["ks_threshold"], 4)
            << "\n"
            << "  PR AUC   " << Fixed(m["pr_auc"], 4) << "\n"
            << "  log loss " << Fixed(m["log_loss"], 4) << "   Brier " << Fixed(m["brier"], 4)
            << "\n";
  if (m.contains("confusion")) {
    const auto& c = m["confusion"];
    std::cout << "  at PD >= " << Fixed(m.value("threshold", 0.5), 2) << ": TP " << c["tp"]
              << "  FP " << c["fp"] << "  TN " << c["tn"] << "  FN " << c["fn"] << "\n";
  }
}

}  // namespace loanlens::cli
