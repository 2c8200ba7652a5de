#include "loanlens/scoring.h"

#include <cmath>

#include "loanlens/error.h"
#include "loanlens/policy/policy.h"

namespace loanlens {

BatchScorer::BatchScorer(const Bundle& bundle, std::string source_name, bool explain)
    : bundle_(bundle),
      source_(std::move(source_name)),
      explain_(explain),
      options_(bundle.Csv()),
      parser_(source_, options_) {}

void BatchScorer::Feed(std::string_view chunk) {
  parser_.Feed(chunk, [this](CsvRecord&& r) { OnRecord(std::move(r)); });
}

void BatchScorer::Finish() {
  parser_.Finish([this](CsvRecord&& r) { OnRecord(std::move(r)); });
  if (header_.empty()) throw Error(Location{source_, 0, "", ""}, "is empty; expected a header row");
}

void BatchScorer::OnRecord(CsvRecord&& record) {
  if (header_.empty()) {
    // The header: check the model's feature columns are all present (throws, naming them).
    header_ = std::move(record.fields);
    CheckHeader(header_, source_, record.row, parser_.Delimiter());
    row_parser_ = std::make_unique<RowParser>(bundle_.GetSchema(), header_, source_, options_);
    raw_.assign(row_parser_->NumFeatures(), 0.0);
    output_header_ = header_;
    for (const char* c : {"pd", "margin", "points", "band"}) output_header_.push_back(c);
    if (explain_) {
      for (const auto& f : bundle_.FeatureNames()) output_header_.push_back("shap_" + f);
      output_header_.push_back("base_value");
    }
    return;
  }
  ++rows_in_;
  try {
    if (record.fields.size() != header_.size())
      throw Error(Location{source_, record.row, "", ""},
                  "expected " + std::to_string(header_.size()) +
                      " fields (as in the header), got " + std::to_string(record.fields.size()));
    row_parser_->ParseFeatures(record, raw_.data(), &warnings_);
    ScoredRow out;
    out.row = record.row;
    out.score = bundle_.ScoreRow(raw_.data(), explain_);
    out.cells = std::move(record.fields);
    out.cells.push_back(FormatNumber(out.score.pd));
    out.cells.push_back(FormatNumber(out.score.margin));
    out.cells.push_back(FormatNumber(out.score.points));
    out.cells.push_back(out.score.band);
    if (explain_) {
      for (double c : out.score.contributions) out.cells.push_back(FormatNumber(c));
      out.cells.push_back(FormatNumber(out.score.base_value));
    }
    rows_.push_back(std::move(out));
    ++rows_scored_;
  } catch (const Error& e) {
    rejected_.push_back({record.row, e.what()});
    ++rows_rejected_;
  }
}

std::vector<ScoredRow> BatchScorer::TakeRows() { return std::exchange(rows_, {}); }
std::vector<RejectedRow> BatchScorer::TakeRejected() { return std::exchange(rejected_, {}); }
std::vector<RowWarning> BatchScorer::TakeWarnings() { return std::exchange(warnings_, {}); }

nlohmann::json ParseRecord(const std::string& text, const std::string& source) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {  // parse_error, out_of_range (1e400)
    throw Error(source + ": not valid JSON (" + e.what() + ")");
  }
}

nlohmann::json ExplainRecord(const Bundle& bundle, const nlohmann::json& record,
                             const std::string& source, bool interactions) {
  if (!record.is_object())
    throw Error(source + ": expected a JSON object {\"column\": value, ...}");
  const Schema& schema = bundle.GetSchema();
  const std::vector<std::string> features = bundle.FeatureNames();
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
  const Score s = bundle.ScoreRow(raw.data(), true);
  nlohmann::json contributions = nlohmann::json::object();
  std::vector<std::string> descriptions;
  for (std::size_t j = 0; j < features.size(); ++j) {
    contributions[features[j]] = s.contributions[j];
    descriptions.push_back(schema.Find(features[j])->description);
  }
  nlohmann::json reasons = nlohmann::json::array();
  for (const Reason& r :
       ReasonCodes(features, descriptions, values, s.contributions, bundle.GetPolicy().max_reasons,
                   bundle.GetModel().MarginIsProbability()))
    reasons.push_back({{"feature", r.feature},
                       {"value", r.value},
                       {"contribution", r.contribution},
                       {"text", r.text}});
  nlohmann::json jw = nlohmann::json::array();
  for (const auto& w : warnings)
    jw.push_back({{"column", w.column}, {"value", w.value}, {"message", w.message}});
  nlohmann::json out = {{"pd", s.pd},
                        {"margin", s.margin},
                        {"points", s.points},
                        {"band", s.band},
                        {"base_value", s.base_value},
                        {"contributions", contributions},
                        {"reasons", reasons},
                        {"warnings", jw}};
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
