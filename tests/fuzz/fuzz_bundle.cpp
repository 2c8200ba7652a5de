// Fuzz target: the bundle loader. The input is a bundle document; the target re-seals its
// content_sha256 (as the engine computes it) so that mutated bundles pass the hash check and
// reach the deep validation of every section. A bundle that loads is then used as the CLI and the
// page use it: summarised (inspect), a row explained (all missing, and typical values taken from
// the schema), a small CSV batch-scored, tree interactions computed, and saved and reloaded. A
// reloaded bundle must explain the row identically, and SHAP values plus the base value must add
// up to the margin.
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_util.h"
#include "loanlens/bundle.h"
#include "loanlens/bundle_summary.h"
#include "loanlens/decision/applicant.h"
#include "loanlens/error.h"
#include "loanlens/scoring.h"

namespace {

using nlohmann::json;


/// A record with a plausible value for every feature: the middle of the training range, the
/// first level, the first boolean token.
json TypicalRecord(const loanlens::Bundle& bundle) {
  json record = json::object();
  for (const std::string& name : bundle.FeatureNames()) {
    const loanlens::ColumnSpec* spec = bundle.GetSchema().Find(name);
    if (!spec->categories.empty()) {
      record[name] = spec->categories.front();
    } else {
      record[name] = spec->min / 2 + spec->max / 2;
    }
  }
  return record;
}

void CheckAdditive(const json& explained) {
  double sum = explained["base_value"].get<double>(), scale = std::fabs(sum);
  for (const auto& [name, phi] : explained["contributions"].items()) {
    if (phi.is_null()) return;  // NaN written as null
    sum += phi.get<double>();
    scale += std::fabs(phi.get<double>());
  }
  if (!explained["margin"].is_number()) return;
  const double margin = explained["margin"].get<double>();
  if (!std::isfinite(sum) || !std::isfinite(margin)) return;
  if (std::fabs(sum - margin) > 1e-6 * (1 + scale + std::fabs(margin)))
    loanlens::fuzz::Finding("SHAP values + base = " + std::to_string(sum) +
                            " but margin = " + std::to_string(margin));
}

/// Everything done with a loaded bundle; returns the explanation of the typical record.
std::string UseBundle(const loanlens::Bundle& bundle) {
  loanlens::BundleSummary(bundle).dump();
  std::string typical;
  for (const json& record : {json::object(), TypicalRecord(bundle)}) {
    try {
      const json explained = loanlens::ExplainRecord(bundle, record, "--row");
      CheckAdditive(explained);
      typical = explained.dump();
      loanlens::ExplainRecord(bundle, record, "--row", true).dump();
    } catch (const loanlens::Error&) {
    }
  }
  try {
    const json record = TypicalRecord(bundle);
    std::vector<std::string> header, cells;
    for (const auto& [name, value] : record.items()) {
      header.push_back(name);
      cells.push_back(value.is_string() ? value.get<std::string>() : value.dump());
    }
    loanlens::BatchScorer scorer(bundle, "fuzz.csv", true);
    scorer.Feed(loanlens::CsvLine(header) + "\n" + loanlens::CsvLine(cells) + "\n\n");
    scorer.Finish();
  } catch (const loanlens::Error&) {
  }
  return typical;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  if (loanlens::fuzz::ShapeRefused(text)) {
    try {  // too deep (or a string too long): refused while parsing, before any recursion
      loanlens::Bundle::Parse(text, "fuzz.json");
      loanlens::fuzz::Finding("a bundle the JSON shape check refuses was loaded");
    } catch (const loanlens::Error&) {
    }
    return 0;
  }
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) {
    // Not JSON: the loader must say so with a loanlens::Error.
    try {
      loanlens::Bundle::Parse(text, "fuzz.json");
      loanlens::fuzz::Finding("invalid JSON was loaded as a bundle");
    } catch (const loanlens::Error&) {
    }
    return 0;
  }
  loanlens::fuzz::Reseal(j);
  const std::string sealed = j.dump();
  std::string saved, explained;
  try {
    const loanlens::Bundle bundle = loanlens::Bundle::Parse(sealed, "fuzz.json");
    explained = UseBundle(bundle);
    saved = bundle.Dump();
  } catch (const loanlens::Error&) {
    return 0;
  }
  // A bundle the engine saves must load again and explain the same row identically.
  try {
    const loanlens::Bundle reloaded = loanlens::Bundle::Parse(saved, "saved.json");
    const std::string again = UseBundle(reloaded);
    if (again != explained)
      loanlens::fuzz::Finding("saved and reloaded bundle explains differently:\n" + explained +
                              "\n" + again);
  } catch (const loanlens::Error& e) {
    loanlens::fuzz::Finding(std::string("a bundle that loaded fails to reload after saving: ") +
                            e.what());
  }
  return 0;
}
