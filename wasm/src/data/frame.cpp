#include "loanlens/data/frame.h"

#include <algorithm>
#include <cmath>

#include "loanlens/data/target.h"
#include "loanlens/error.h"

namespace loanlens {
namespace {

int HeaderIndex(const std::vector<std::string>& header, const std::string& name) {
  auto it = std::find(header.begin(), header.end(), name);
  return it == header.end() ? -1 : static_cast<int>(it - header.begin());
}

/// Throws one error listing every required column the header lacks: the schema's features and,
/// if not empty, `target`.
void CheckRequiredColumns(const Schema& schema, const std::vector<std::string>& header,
                          const std::string& target, const std::string& source) {
  std::string missing;
  std::size_t count = 0;
  auto need = [&](const std::string& name, const char* why) {
    if (HeaderIndex(header, name) >= 0) return;
    missing += (missing.empty() ? "'" : ", '") + name + "' (" + why + ")";
    ++count;
  };
  for (const auto& c : schema.columns)
    if (c.role == Role::kFeature) need(c.name, "feature");
  if (!target.empty()) need(target, "target");
  if (count > 0)
    throw Error(Location{source, 0, "", ""},
                std::string(count == 1 ? "missing required column " : "missing required columns ") +
                    missing + "; the header has " + std::to_string(header.size()) + " columns");
}

/// "'2' (positive) or one of '1'"; "'2' (positive) or any other value" when no negatives.
std::string ExpectedTargets(const std::string& positive,
                            const std::vector<std::string>& negatives) {
  std::string out = "'" + positive + "' (positive) or ";
  if (negatives.empty()) return out + "any other value";
  out += "one of ";
  for (std::size_t i = 0; i < negatives.size(); ++i) out += (i ? ", '" : "'") + negatives[i] + "'";
  return out;
}

}  // namespace

RowParser::RowParser(const Schema& schema, const std::vector<std::string>& header,
                     std::string source_name, CsvOptions options)
    : schema_(schema),
      header_(header),
      header_size_(header.size()),
      source_(std::move(source_name)),
      options_(std::move(options)) {
  CheckRequiredColumns(schema_, header_, "", source_);
  for (const auto& c : schema_.columns) {
    int index = HeaderIndex(header_, c.name);
    switch (c.role) {
      case Role::kFeature: {
        features_.push_back(&c);
        feature_index_.push_back(index);
        std::unordered_map<std::string, int> levels;
        if (c.type == ColumnType::kCategorical)
          for (std::size_t k = 0; k < c.categories.size(); ++k)
            levels.emplace(c.categories[k], static_cast<int>(k));
        level_index_.push_back(std::move(levels));
        break;
      }
      case Role::kTarget:
        if (target_index_ < 0) target_index_ = index;
        break;
      case Role::kId:
        if (id_index_ < 0) id_index_ = index;
        break;
      case Role::kProtected:
        if (index >= 0) protected_index_.emplace_back(c.name, index);
        break;
      case Role::kIgnore:
        break;
    }
  }
}

void RowParser::SetTarget(const std::string& name) {
  int index = HeaderIndex(header_, name);
  if (index < 0)
    throw Error(Location{source_, 0, "", ""}, "missing required column '" + name + "' (target)");
  target_index_ = index;
}

double RowParser::ParseCell(std::size_t j, const std::string& cell, std::size_t row,
                            std::vector<RowWarning>* warnings) const {
  const ColumnSpec& c = *features_.at(j);
  if (IsMissingToken(cell, options_)) return kMissing;
  std::string_view value = TrimSpaces(cell);
  switch (c.type) {
    case ColumnType::kNumeric: {
      auto v = ParseNumber(value);
      if (!v)
        throw Error(Location{source_, row, c.name, cell},
                    "expected a number (digits with an optional sign, '.' decimal point and "
                    "exponent; no thousands separators)");
      return *v;
    }
    case ColumnType::kBoolean: {
      auto b = ParseBool(value);
      if (!b) {
        std::string spelled = c.categories.size() == 2
                                  ? " such as '" + c.categories[0] + "'/'" + c.categories[1] + "'"
                                  : "";
        throw Error(Location{source_, row, c.name, cell},
                    "expected a boolean" + spelled + " (1/0, true/false, yes/no, y/n, t/f)");
      }
      return *b ? 1.0 : 0.0;
    }
    case ColumnType::kCategorical: {
      const auto& levels = level_index_[j];
      auto it = levels.find(std::string(value));
      if (it != levels.end()) return it->second;
      if (warnings)
        warnings->push_back(
            {row, c.name, cell, "category not seen in the training data; treated as __other__"});
      return kUnseenLevel;
    }
  }
  return kMissing;
}

void RowParser::ParseFeatures(const CsvRecord& record, double* out,
                              std::vector<RowWarning>* warnings) const {
  if (record.fields.size() != header_size_)
    throw Error(Location{source_, record.row, "", ""}, "expected " + std::to_string(header_size_) +
                                                           " fields (as in the header), got " +
                                                           std::to_string(record.fields.size()));
  for (std::size_t j = 0; j < features_.size(); ++j)
    out[j] = ParseCell(j, record.fields[static_cast<std::size_t>(feature_index_[j])], record.row,
                       warnings);
}

double RowParser::ParseTarget(const CsvRecord& record, const std::string& positive,
                              const std::vector<std::string>& negatives) const {
  if (target_index_ < 0)
    throw Error(Location{source_, record.row, "", ""}, "no target column to read");
  const std::string& name = header_[static_cast<std::size_t>(target_index_)];
  if (static_cast<std::size_t>(target_index_) >= record.fields.size())
    throw Error(Location{source_, record.row, "", ""}, "expected " + std::to_string(header_size_) +
                                                           " fields (as in the header), got " +
                                                           std::to_string(record.fields.size()));
  const std::string& cell = record.fields[static_cast<std::size_t>(target_index_)];
  if (IsMissingToken(cell, options_))
    throw Error(Location{source_, record.row, name, cell},
                "missing target value; expected " + ExpectedTargets(positive, negatives));
  std::string_view value = TrimSpaces(cell);
  if (SameTargetValue(value, positive)) return 1.0;
  if (negatives.empty()) return 0.0;
  for (const auto& n : negatives)
    if (SameTargetValue(value, n)) return 0.0;
  throw Error(Location{source_, record.row, name, cell}, "unknown target value '" +
                                                             std::string(value) + "'; expected " +
                                                             ExpectedTargets(positive, negatives));
}

ReadResult ReadFrame(CsvReader& reader, const Schema& schema, const ReadOptions& options) {
  const auto& header = reader.Header();
  const ColumnSpec* target_spec = schema.Find(options.target);
  if (target_spec && target_spec->role == Role::kFeature)
    throw Error(Location{reader.SourceName(), 0, options.target, ""},
                "this column is the target and also a feature in the schema; a target cannot be "
                "a model input");
  CheckRequiredColumns(schema, header, options.target, reader.SourceName());
  RowParser parser(schema, header, reader.SourceName(), reader.Options());
  bool with_target = !options.target.empty();
  if (with_target) parser.SetTarget(options.target);

  ReadResult result;
  Frame& frame = result.frame;
  frame.feature_names = schema.FeatureNames();
  for (const auto& [name, index] : parser.ProtectedIndex())
    frame.protected_columns.emplace_back(name, std::vector<std::string>());
  std::size_t num_features = parser.NumFeatures();
  std::vector<double> row(num_features);
  std::vector<RowWarning> row_warnings;
  CsvRecord record;
  while (reader.Next(record)) {
    ++result.rows_read;
    row_warnings.clear();
    double y = 0;
    try {
      parser.ParseFeatures(record, row.data(), &row_warnings);
      if (with_target) y = parser.ParseTarget(record, options.positive, options.negatives);
    } catch (const Error& e) {
      if (!options.skip_bad_rows) throw;
      result.rejected.push_back({record.row, e.what()});
      continue;
    }
    // The row is good: keep it with its text columns and warnings.
    frame.values.insert(frame.values.end(), row.begin(), row.end());
    if (with_target) frame.target.push_back(y);
    frame.source_rows.push_back(record.row);
    if (parser.IdIndex() >= 0)
      frame.ids.push_back(record.fields[static_cast<std::size_t>(parser.IdIndex())]);
    for (std::size_t k = 0; k < parser.ProtectedIndex().size(); ++k)
      frame.protected_columns[k].second.push_back(
          record.fields[static_cast<std::size_t>(parser.ProtectedIndex()[k].second)]);
    result.warnings.insert(result.warnings.end(), row_warnings.begin(), row_warnings.end());
    ++frame.num_rows;
  }
  return result;
}

}  // namespace loanlens
