#pragma once
// Helpers for the decision tests: the shipped bundles and their datasets, a bundle copy with an
// edited schema (actionable flags, derived ratios), and applicants the bundle does not approve.
#include <doctest/doctest.h>

#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "loanlens/bundle.h"
#include "loanlens/data/frame.h"
#include "loanlens/pipeline.h"

namespace decision_test {

inline std::string Source(const std::string& rel) {
  return std::string(LOANLENS_SOURCE_DIR) + "/" + rel;
}

/// A shipped bundle (models/NAME.json), loaded once.
inline const loanlens::Bundle& Shipped(const std::string& name) {
  static std::map<std::string, std::unique_ptr<loanlens::Bundle>> cache;
  auto& slot = cache[name];
  if (!slot)
    slot = std::make_unique<loanlens::Bundle>(loanlens::Bundle::Parse(
        loanlens::ReadFile(Source("models/" + name + ".json")), name + ".json"));
  return *slot;
}

/// The bundle with its schema edited by `edit` (the content hash is the copy's own).
inline loanlens::Bundle WithSchema(const loanlens::Bundle& b,
                                   const std::function<void(loanlens::Schema&)>& edit) {
  loanlens::Schema schema = b.GetSchema();
  edit(schema);
  return loanlens::Bundle(schema,
                          loanlens::Preprocessor::FromJson(b.GetPreprocessor().ToJson(), schema),
                          loanlens::ModelFromJson(b.GetModel().ToJson()), b.Meta());
}

/// The rows of a dataset (models/data/FILE) parsed with the bundle's schema.
inline loanlens::Frame ReadRows(const loanlens::Bundle& b, const std::string& file) {
  std::istringstream in(loanlens::ReadFile(Source("models/data/" + file)));
  loanlens::CsvReader reader(in, file, b.Csv());
  loanlens::ReadOptions ro;
  ro.skip_bad_rows = true;
  return loanlens::ReadFrame(reader, b.GetSchema(), ro).frame;
}

/// Up to `n` rows of `frame` the bundle does not approve (every `stride`-th such row).
inline std::vector<std::vector<double>> NotApproved(const loanlens::Bundle& b,
                                                    const loanlens::Frame& frame, std::size_t n,
                                                    std::size_t stride = 7) {
  std::vector<std::vector<double>> out;
  const std::size_t m = frame.feature_names.size();
  std::size_t seen = 0;
  for (std::size_t i = 0; i < frame.num_rows && out.size() < n; ++i) {
    if (b.ScoreRow(frame.Row(i), false).band == "approve") continue;
    if (seen++ % stride == 0) out.emplace_back(frame.Row(i), frame.Row(i) + m);
  }
  return out;
}

}  // namespace decision_test
