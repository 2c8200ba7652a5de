#include "review_util.h"

#include <fstream>
#include <iostream>

#include "cli_util.h"
#include "loanlens/error.h"

namespace loanlens::cli {

std::unique_ptr<BatchReview> ReviewFile(const Bundle& bundle, const std::string& path,
                                        const ReviewOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(Location{path, 0, "", ""}, "cannot be opened for reading");
  auto review = std::make_unique<BatchReview>(bundle, path, options);
  std::string chunk(64 * 1024, '\0');
  while (in) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    review->Feed(std::string_view(chunk.data(), static_cast<std::size_t>(in.gcount())));
  }
  review->Finish();
  for (const auto& r : review->Rejected()) std::cerr << "rejected: " << r.reason << "\n";
  return review;
}

namespace {
std::string Pct(double v) { return Fixed(100 * v, 1) + " %"; }
}  // namespace

void PrintEvidence(const nlohmann::json& m) {
  if (m.contains("intervals")) {
    const auto& iv = m["intervals"];
    std::cout << "  " << Fixed(100 * iv["level"].get<double>(), 0) << " % bootstrap intervals ("
              << iv["replicates"] << " replicates, seed " << iv["seed"] << "):\n";
    for (const char* k : {"auc", "ks", "gini"})
      std::cout << "    " << k << "  " << Fixed(iv[k]["estimate"], 4) << "  ["
                << Fixed(iv[k]["lower"], 4) << ", " << Fixed(iv[k]["upper"], 4) << "]\n";
  }
  if (m.contains("band_table")) {
    std::cout << "  band       rows   share  bad rate  cum. approval  cum. bad rate\n";
    for (const auto& b : m["band_table"]) {
      std::string band = b["band"];
      band.resize(9, ' ');
      std::string count = std::to_string(b["count"].get<std::size_t>());
      count.insert(0, count.size() < 6 ? 6 - count.size() : 0, ' ');
      std::cout << "  " << band << count << "  " << Pct(b["share"]) << "  "
                << Pct(b.value("bad_rate", 0.0)) << "  " << Pct(b["cum_approval_rate"]) << "  "
                << Pct(b.value("cum_bad_rate", 0.0)) << "\n";
    }
  }
  if (m.contains("hosmer_lemeshow")) {
    const auto& hl = m["hosmer_lemeshow"];
    std::cout << "  Hosmer-Lemeshow  " << Fixed(hl["statistic"], 3) << " on " << hl["df"]
              << " df, p = " << Fixed(hl["p_value"], 4) << "\n";
  }
  for (const auto& c : m.value("confusion_at_cutoffs", nlohmann::json::array()))
    std::cout << "  at PD >= " << Fixed(c["cutoff"], 2) << " (" << c["meaning"].get<std::string>()
              << "): TP " << c["tp"] << "  FP " << c["fp"] << "  TN " << c["tn"] << "  FN "
              << c["fn"] << "\n";
}

}  // namespace loanlens::cli
