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
#include "loanlens/decision/review_rules.h"
#include "loanlens/file.h"
#include "loanlens/pipeline.h"

namespace decision_test {

/// The decision's band for a parsed row (score band, then the review rules, no parse warnings):
/// what the limit and recourse searches aim at.
inline std::string DecisionBand(const loanlens::Bundle& b, const double* row) {
  const loanlens::Score s = b.ScoreRow(row, false);
  return loanlens::DecisionOf(s.band, loanlens::ReviewRules(b, row, {}, s));
}

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

/// The bundle rebuilt with its metadata edited by `edit` (what a bundle resolves from its
/// metadata is resolved again).
inline loanlens::Bundle WithMeta(const loanlens::Bundle& b,
                                 const std::function<void(nlohmann::json&)>& edit) {
  nlohmann::json meta = b.Meta();
  edit(meta);
  return loanlens::Bundle(b.GetSchema(), b.GetPreprocessor(),
                          loanlens::ModelFromJson(b.GetModel().ToJson()), meta);
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

// Bundles of every family trained on German credit with its schema (reason catalogue) and an
// amount feature, and the parsed rows of the file.
namespace loanlens::test {

inline TrainOptions GermanDecisionOptions(const std::string& model) {
  TrainOptions o;
  const std::string dir = std::string(LOANLENS_SOURCE_DIR) + "/models/data/";
  o.data_path = dir + "german_credit.csv";
  o.schema_path = dir + "german_credit.schema.json";
  o.target = "class";
  o.positive = "2";
  o.model = model;
  o.params = {{"amount_feature", "credit_amount"}, {"explain_rows", "20"}};
  if (model == "gbdt") o.params.insert({{"n_trees", "40"}, {"max_depth", "3"}});
  if (model == "random_forest") o.params.insert({{"n_trees", "20"}, {"max_depth", "5"}});
  if (model == "svm") o.params.insert({{"kernel", "rbf"}, {"kernel_shap_coalitions", "256"}});
  return o;
}

/// One bundle per family, trained once.
inline const Bundle& DecisionBundle(const std::string& model) {
  static std::map<std::string, Bundle> bundles;
  auto it = bundles.find(model);
  if (it == bundles.end())
    it = bundles.emplace(model, TrainBundle(GermanDecisionOptions(model))).first;
  return it->second;
}

inline Frame GermanRows(const Bundle& b) {
  std::istringstream in(ReadFile(GermanDecisionOptions("logistic").data_path));
  CsvReader reader(in, "german_credit.csv");
  return ReadFrame(reader, b.GetSchema(), ReadOptions{}).frame;
}

}  // namespace loanlens::test
