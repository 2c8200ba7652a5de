#include "loanlens/decision/applicant.h"

#include <vector>

#include "loanlens/data/frame.h"
#include "loanlens/decision/decision.h"
#include "loanlens/decision/receipt.h"
#include "loanlens/error.h"
#include "loanlens/json_util.h"

namespace loanlens {

nlohmann::json ParseRecord(const std::string& text, const std::string& source) {
  return ParseJson(text, source);  // depth-bounded; 1e400 and bad syntax give located errors
}

nlohmann::json ExplainRecord(const Bundle& bundle, const nlohmann::json& record,
                             const std::string& source, bool interactions) {
  if (!record.is_object())
    throw Error(source + ": expected a JSON object {\"column\": value, ...}");
  const Schema& schema = bundle.GetSchema();
  const std::vector<std::string>& features = bundle.FeatureNames();
  for (const auto& [key, value] : record.items()) {
    const ColumnSpec* spec = schema.Find(key);
    if (!spec)
      throw Error(
          Location{source, 0, key, value.is_string() ? value.get<std::string>() : value.dump()},
          "unknown column; the model's features are listed by `loanlens inspect`");
  }
  // Cells as text, exactly as a CSV would hold them; keys not given are missing values.
  RowParser parser(schema, features, source, bundle.Csv());
  std::vector<double> raw(features.size());
  std::vector<std::string> values(features.size());
  std::vector<RowWarning> warnings;
  for (std::size_t j = 0; j < features.size(); ++j) {
    std::string cell;
    auto it = record.find(features[j]);
    if (it == record.end()) {
      warnings.push_back({0, features[j], "", "not given; treated as missing"});
    } else if (it->is_string()) {
      cell = it->get<std::string>();
    } else if (it->is_number()) {
      cell = FormatNumber(it->get<double>());
    } else if (it->is_boolean()) {
      cell = it->get<bool>() ? "true" : "false";
    } else if (!it->is_null()) {
      throw Error(Location{source, 0, features[j], it->dump()},
                  "expected a number, a string, true/false or null");
    }
    raw[j] = parser.ParseCell(j, cell, 0, &warnings);
    values[j] = cell;
  }
  const Decision d = Decide(bundle, raw.data(), warnings);
  nlohmann::json out = DecisionJson(bundle, d);
  nlohmann::json jw = nlohmann::json::array();
  for (const auto& w : warnings)
    jw.push_back({{"column", w.column}, {"value", w.value}, {"message", w.message}});
  out["warnings"] = std::move(jw);
  out["inputs"] = InputsAsUsed(bundle, raw.data(), values);
  if (interactions) {
    const std::vector<double> inter = bundle.Interactions(raw.data());
    nlohmann::json ji = nlohmann::json::object();
    for (std::size_t a = 0; a < features.size(); ++a)
      for (std::size_t b = 0; b < features.size(); ++b)
        ji[features[a]][features[b]] = inter[a * features.size() + b];
    out["interactions"] = std::move(ji);
  }
  return out;
}

}  // namespace loanlens
