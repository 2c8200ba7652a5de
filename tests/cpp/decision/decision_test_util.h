#pragma once
// Bundles of every family trained on German credit with its schema (reason catalogue) and an
// amount feature, shared by the decision-layer tests, and the parsed rows of the file.
#include <map>
#include <sstream>
#include <string>

#include "loanlens/bundle.h"
#include "loanlens/data/frame.h"
#include "loanlens/pipeline.h"

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
