#include "loanlens/tree/xgboost_bundle.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <memory>
#include <vector>

#include "loanlens/data/csv.h"
#include "loanlens/error.h"
#include "loanlens/file.h"
#include "loanlens/json_util.h"
#include "loanlens/limits.h"
#include "loanlens/sha256.h"
#include "loanlens/tree/xgboost_import.h"

namespace loanlens {

namespace {

/// The sample columns an XGBoost model's feature names refer to: a header column by name
/// (numeric), or "column=level" (categorical; the longest header column that prefixes the name).
std::map<std::string, ColumnType> ModelColumns(const nlohmann::json& xgb,
                                               const std::vector<std::string>& header) {
  std::map<std::string, ColumnType> out;
  if (!xgb.is_object() || !xgb.contains("learner") || !xgb["learner"].is_object()) return out;
  const auto& learner = xgb["learner"];
  if (!learner.contains("feature_names") || !learner["feature_names"].is_array()) return out;
  for (const auto& name : learner["feature_names"]) {
    if (!name.is_string()) continue;
    const std::string s = name.get<std::string>();
    if (std::find(header.begin(), header.end(), s) != header.end()) {
      out[s] = ColumnType::kNumeric;
      continue;
    }
    const std::string* best = nullptr;
    for (const auto& h : header)
      if (s.size() > h.size() && s.compare(0, h.size(), h) == 0 && s[h.size()] == '=' &&
          (!best || h.size() > best->size()))
        best = &h;
    if (best && out.count(*best) == 0) out[*best] = ColumnType::kCategorical;
  }
  return out;
}

}  // namespace

Bundle ImportXgboostBundle(TrainOptions options, const std::string& xgboost_json_path) {
  const std::string text = ReadFile(xgboost_json_path);
  const nlohmann::json xgb =
      ParseJson(text, xgboost_json_path, {{"learner.gradient_booster.model.trees", kMaxTrees}});
  {
    std::ifstream in(options.data_path, std::ios::binary);
    if (!in) throw Error(Location{options.data_path, 0, "", ""}, "cannot be opened for reading");
    CsvReader reader(in, BaseName(options.data_path));
    options.model_columns = ModelColumns(xgb, reader.Header());
  }
  options.model = "gbdt";  // the tree preprocessing: raw numbers, missing values kept, one-hot
  options.params.emplace("min_frequency", "1");  // every level of the sample has its column
  options.model_source = {
      {"format", "xgboost"}, {"file", BaseName(xgboost_json_path)}, {"sha256", Sha256Hex(text)}};
  options.make_model = [&xgb, &xgboost_json_path](const TrainData& data) {
    try {
      return std::unique_ptr<Model>(tree::ImportXgboostJson(xgb, data.input_names));
    } catch (const Error& e) {
      const std::string what = e.what();
      // Only a feature-mapping error needs the list of the sample's inputs.
      if (what.find("model inputs") == std::string::npos &&
          what.find("inputs given") == std::string::npos)
        throw Error(xgboost_json_path + ": " + what);
      std::string list;
      for (const auto& n : data.input_names) {
        if (list.size() > 1000) {
          list += ", ...";
          break;
        }
        list += (list.empty() ? "" : ", ") + n;
      }
      throw Error(xgboost_json_path + ": " + what + " (the sample's model inputs are: " + list +
                  ")");
    } catch (const nlohmann::json::exception& e) {  // a backstop: every read is validated
      throw Error(xgboost_json_path + ": unexpected content (" + Abbreviate(e.what(), 240) + ")");
    }
  };
  return TrainBundle(options);
}

}  // namespace loanlens
