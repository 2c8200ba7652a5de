#include "cli_util.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "loanlens/error.h"
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

std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ','))
    if (!item.empty()) out.push_back(item);
  return out;
}

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

void WriteFileAtomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary);
    if (!out) throw Error(Location{path, 0, "", ""}, "cannot be opened for writing");
    out << text;
    if (!out.flush()) throw Error(Location{path, 0, "", ""}, "write failed");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0)
    throw Error(Location{path, 0, "", ""}, "cannot be replaced");
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
