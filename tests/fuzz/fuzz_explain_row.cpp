// Fuzz target: the applicant row of `loanlens explain --row '{...}'` (and the page's form), read
// by ExplainRecord against shipped bundles from models/. Parsed and printed as the CLI does.
//
// Input: byte 0 chooses the bundle (and, for the gbdt bundle, whether interactions are asked
// for); the rest is the --row text.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "fuzz_util.h"
#include "loanlens/bundle.h"
#include "loanlens/decision/applicant.h"
#include "loanlens/error.h"
#include "loanlens/scoring.h"

namespace {

/// Kernel SHAP budget of the SVM bundle here: the shipped 2048 coalitions x 50 background rows
/// cost seconds per row under ASan, the same for every row; the row parsing fuzzed here does not
/// depend on them. (The bundle target fuzzes these sections.)
constexpr int kSvmCoalitions = 32;
constexpr std::size_t kSvmBackground = 5;

/// One bundle per model family, loaded once per process.
const std::vector<std::unique_ptr<loanlens::Bundle>>& Bundles() {
  static const auto* bundles = [] {
    auto* out = new std::vector<std::unique_ptr<loanlens::Bundle>>;
    for (const char* name : {"credit_risk_logistic.json", "german_credit_gbdt.json",
                             "german_credit_random_forest.json", "german_credit_svm.json"}) {
      const std::string path = loanlens::fuzz::SourcePath(std::string("models/") + name);
      nlohmann::json j = nlohmann::json::parse(loanlens::fuzz::ReadFileOrDie(path));
      if (j.contains("explain") && j["explain"].contains("kernel_shap")) {
        nlohmann::json& ks = j["explain"]["kernel_shap"];
        ks["num_coalitions"] = kSvmCoalitions;
        ks["background"].erase(ks["background"].begin() + kSvmBackground, ks["background"].end());
        ks["weight"] = std::vector<double>(kSvmBackground, 1.0 / kSvmBackground);
        loanlens::fuzz::Reseal(j);
      }
      out->push_back(
          std::make_unique<loanlens::Bundle>(loanlens::Bundle::FromJson(std::move(j), path)));
    }
    return out;
  }();
  return *bundles;
}

}  // namespace

/// Loads the bundles before fuzzing starts (their load time is not a timeout).
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  Bundles();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const auto& bundles = Bundles();
  const loanlens::Bundle& bundle = *bundles[data[0] % bundles.size()];
  // Interactions on the gbdt bundle only: on the 200-tree random forest they cost about 1.5 s per
  // row in a release build (40 s under ASan) whatever the row, which hides the parser's own cost.
  const bool interactions = data[0] % bundles.size() == 1 && (data[0] / bundles.size()) % 2 == 1;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  // As wasm/cli/explain_command.cpp reads --row and prints the answer.
  try {
    const nlohmann::json record = loanlens::ParseRecord(text, "--row");
    const nlohmann::json out = loanlens::ExplainRecord(bundle, record, "--row", interactions);
    out.dump(2);
  } catch (const loanlens::Error& e) {
    std::string(e.what()).size();
  }
  return 0;
}
