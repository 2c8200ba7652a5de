#include "loanlens/data/schema.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_map>

#include "loanlens/error.h"
#include "loanlens/limits.h"

namespace loanlens {

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

namespace {

/// Error about a schema JSON column: "schema, column 'x', value 'v': what" (value left out when
/// empty).
Error SchemaError(const std::string& column, const std::string& value, const std::string& what) {
  std::string where = "schema, column '" + Abbreviate(column) + "'";
  if (!value.empty()) where += ", value '" + Abbreviate(value) + "'";
  Error e(where + ": " + what);
  e.where = Location{"schema", 0, column, value};
  return e;
}

const nlohmann::json& ColumnsArray(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("columns") || !j["columns"].is_array())
    throw Error("schema: expected an object {\"columns\": [...]} with an array of columns");
  if (j["columns"].size() > kMaxColumns)
    throw Error("schema.columns: " + std::to_string(j["columns"].size()) + " columns; at most " +
                std::to_string(kMaxColumns) + " are supported");
  return j["columns"];
}

/// Name of entry i of a schema "columns" array (validated: object with a non-empty string name).
std::string EntryName(const nlohmann::json& entry, std::size_t i) {
  if (!entry.is_object() || !entry.contains("name") || !entry["name"].is_string() ||
      entry["name"].get<std::string>().empty())
    throw Error("schema: columns[" + std::to_string(i) +
                "] must be an object with a non-empty string \"name\"");
  const auto& name = entry["name"].get_ref<const std::string&>();
  if (name.size() > kMaxNameBytes)
    throw Error("schema: columns[" + std::to_string(i) + "].name: " + std::to_string(name.size()) +
                " bytes; a name has at most " + std::to_string(kMaxNameBytes));
  return name;
}

std::string StringField(const nlohmann::json& entry, const char* key, const std::string& name) {
  const auto& v = entry[key];
  if (!v.is_string())
    throw SchemaError(name, v.dump(), std::string("\"") + key + "\" must be a string");
  return v.get<std::string>();
}

/// A non-negative integer (built in C++ it may be signed, parsed from text it is unsigned).
bool IsCount(const nlohmann::json& v) {
  return v.is_number_unsigned() || (v.is_number_integer() && v.get<std::int64_t>() >= 0);
}

/// Per-column accumulator for InferSchema.
/// Distinct numbers kept per column, so that a column of amounts does not hold every value; only a
/// column that also has text needs them (as categories).
constexpr std::size_t kMaxNumberLevels = 1024;

struct ColumnStats {
  std::size_t missing = 0;
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  std::unordered_map<std::string, std::size_t> number_counts;  ///< values that parse as numbers
  bool numbers_overflow = false;  ///< more than kMaxNumberLevels distinct numbers seen
  std::unordered_map<std::string, std::size_t> text_counts;  ///< other non-missing values
  std::size_t first_text_row = 0;
  std::string first_text;
  /// All distinct non-missing values with counts (numbers only when not overflowed).
  std::unordered_map<std::string, std::size_t> AllCounts() const {
    auto all = text_counts;
    all.insert(number_counts.begin(), number_counts.end());
    return all;
  }
};

/// Categories most frequent first, ties by name.
void SortedLevels(const std::unordered_map<std::string, std::size_t>& counts, ColumnSpec& spec) {
  std::vector<std::pair<std::string, std::size_t>> levels(counts.begin(), counts.end());
  std::sort(levels.begin(), levels.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  spec.categories.clear();
  spec.counts.clear();
  for (auto& [level, count] : levels) {
    spec.categories.push_back(level);
    spec.counts.push_back(count);
  }
}

/// Boolean spec from value counts: categories {false-token, true-token}, each the most frequent
/// spelling of that truth value ("false"/"true" when a value never occurs); counts summed.
void BooleanLevels(const std::unordered_map<std::string, std::size_t>& counts, ColumnSpec& spec) {
  std::string token[2] = {"false", "true"};
  std::size_t best[2] = {0, 0}, total[2] = {0, 0};
  for (const auto& [level, count] : counts) {
    int b = *ParseBool(level) ? 1 : 0;
    total[b] += count;
    if (count > best[b] || (count == best[b] && level < token[b])) {
      best[b] = count;
      token[b] = level;
    }
  }
  spec.categories = {token[0], token[1]};
  spec.counts = {total[0], total[1]};
  spec.min = total[0] > 0 ? 0 : (total[1] > 0 ? 1 : 0);
  spec.max = total[1] > 0 ? 1 : 0;
}

/// Inferred boolean: exactly two distinct values, both boolean tokens of opposite truth, not both
/// numbers (a 0/1 column stays numeric).
bool LooksBoolean(const std::unordered_map<std::string, std::size_t>& counts) {
  if (counts.size() != 2) return false;
  auto a = counts.begin(), b = std::next(a);
  auto va = ParseBool(a->first), vb = ParseBool(b->first);
  if (!va || !vb || *va == *vb) return false;
  return !(ParseNumber(a->first) && ParseNumber(b->first));
}

}  // namespace

std::string ToString(ColumnType t) {
  switch (t) {
    case ColumnType::kNumeric:
      return "numeric";
    case ColumnType::kCategorical:
      return "categorical";
    case ColumnType::kBoolean:
      return "boolean";
  }
  return "numeric";
}

std::string ToString(Role r) {
  switch (r) {
    case Role::kFeature:
      return "feature";
    case Role::kTarget:
      return "target";
    case Role::kId:
      return "id";
    case Role::kProtected:
      return "protected";
    case Role::kIgnore:
      return "ignore";
  }
  return "feature";
}

ColumnType ColumnTypeFromString(const std::string& s) {
  for (auto t : {ColumnType::kNumeric, ColumnType::kCategorical, ColumnType::kBoolean})
    if (ToString(t) == s) return t;
  throw Error("unknown column type '" + s + "'; expected 'numeric', 'categorical' or 'boolean'");
}

Role RoleFromString(const std::string& s) {
  for (auto r : {Role::kFeature, Role::kTarget, Role::kId, Role::kProtected, Role::kIgnore})
    if (ToString(r) == s) return r;
  throw Error("unknown role '" + s +
              "'; expected 'feature', 'target', 'id', 'protected' or 'ignore'");
}

const ColumnSpec* Schema::Find(std::string_view name) const {
  auto lookup = [&]() -> const ColumnSpec* {
    auto it = find_index_.find(std::string(name));
    if (it == find_index_.end() || it->second >= columns.size()) return nullptr;
    const ColumnSpec& c = columns[it->second];
    return c.name == name ? &c : nullptr;
  };
  if (find_index_.size() == columns.size())
    if (const ColumnSpec* c = lookup()) return c;
  // Not indexed yet, or the columns changed since: a linear scan, then a fresh index if found.
  for (const auto& c : columns)
    if (c.name == name) {
      find_index_.clear();
      for (std::size_t i = 0; i < columns.size(); ++i) find_index_.emplace(columns[i].name, i);
      return &c;
    }
  return nullptr;
}

ColumnSpec* Schema::Find(std::string_view name) {
  return const_cast<ColumnSpec*>(static_cast<const Schema&>(*this).Find(name));
}

std::vector<std::string> Schema::FeatureNames() const {
  std::vector<std::string> names;
  for (const auto& c : columns)
    if (c.role == Role::kFeature) names.push_back(c.name);
  return names;
}

namespace {

/// Decision attributes are written only when set, so schemas without them keep their JSON (and
/// bundles their content hash).
void WriteDecisionFields(const ColumnSpec& c, nlohmann::json& e) {
  if (c.actionable) e["actionable"] = true;
  if (!c.derived_ratio.empty()) e["derived"] = {{"ratio", c.derived_ratio}};
  if (!c.reason_code.empty()) e["reason_code"] = c.reason_code;
  if (!c.reason_high.empty()) e["reason_high"] = c.reason_high;
  if (!c.reason_low.empty()) e["reason_low"] = c.reason_low;
  if (!c.level_reasons.empty()) e["level_reasons"] = c.level_reasons;
}

void ReadDecisionFields(const nlohmann::json& e, ColumnSpec& c) {
  if (e.contains("actionable")) {
    if (!e["actionable"].is_boolean())
      throw SchemaError(c.name, e["actionable"].dump(), "\"actionable\" must be true or false");
    c.actionable = e["actionable"].get<bool>();
  }
  if (e.contains("derived")) {
    const auto& d = e["derived"];
    if (!d.is_object() || !d.contains("ratio") || !d["ratio"].is_array() ||
        d["ratio"].size() != 2 || !d["ratio"][0].is_string() || !d["ratio"][1].is_string())
      throw SchemaError(c.name, d.dump(),
                        "\"derived\" must be {\"ratio\": [\"numerator\", \"denominator\"]}");
    c.derived_ratio = {d["ratio"][0].get<std::string>(), d["ratio"][1].get<std::string>()};
  }
  for (auto [key, field] :
       {std::pair{"reason_code", &c.reason_code}, std::pair{"reason_high", &c.reason_high},
        std::pair{"reason_low", &c.reason_low}})
    if (e.contains(key)) *field = StringField(e, key, c.name);
  if (e.contains("level_reasons")) {
    const auto& lr = e["level_reasons"];
    if (!lr.is_object())
      throw SchemaError(c.name, lr.dump(), "\"level_reasons\" must map levels to reason texts");
    for (const auto& [level, text] : lr.items()) {
      if (!text.is_string())
        throw SchemaError(c.name, text.dump(), "\"level_reasons\" texts must be strings");
      c.level_reasons[level] = text.get<std::string>();
    }
  }
}

/// A derived ratio names two numeric feature columns of the same schema.
void ValidateDerived(const Schema& schema) {
  for (const auto& c : schema.columns) {
    if (c.derived_ratio.empty()) continue;
    for (const auto& part : c.derived_ratio) {
      const ColumnSpec* p = schema.Find(part);
      if (!p || p->type != ColumnType::kNumeric || p->role != Role::kFeature || p->name == c.name)
        throw SchemaError(c.name, part,
                          "\"derived\": expected another numeric feature column of the schema");
    }
    if (c.type != ColumnType::kNumeric)
      throw SchemaError(c.name, "", "\"derived\": only a numeric column can be a ratio");
  }
}

/// The "type" of a schema entry; an unknown type names the column and the value.
ColumnType TypeField(const nlohmann::json& entry, const std::string& name) {
  const std::string type = StringField(entry, "type", name);
  try {
    return ColumnTypeFromString(type);
  } catch (const Error& err) {
    throw SchemaError(name, type, err.what());
  }
}

/// The "role" of a schema entry; an unknown role names the column and the value.
Role RoleField(const nlohmann::json& entry, const std::string& name) {
  const std::string role = StringField(entry, "role", name);
  try {
    return RoleFromString(role);
  } catch (const Error& err) {
    throw SchemaError(name, role, err.what());
  }
}

/// The "description" of a schema entry when given; at most kMaxDescriptionBytes either way.
void ReadDescription(const nlohmann::json& entry, const std::string& name,
                     std::string& description) {
  if (entry.contains("description")) description = StringField(entry, "description", name);
  if (description.size() > kMaxDescriptionBytes)
    throw SchemaError(name, "",
                      "\"description\" has " + std::to_string(description.size()) +
                          " bytes; at most " + std::to_string(kMaxDescriptionBytes));
}

/// Remembers the target column in `target`; a second one is an error (at most one target).
void NoteTarget(const ColumnSpec& c, std::string& target) {
  if (c.role != Role::kTarget) return;
  if (!target.empty())
    throw SchemaError(
        c.name, "",
        "a second target column (the first is '" + target + "'); a schema has at most one target");
  target = c.name;
}

/// The statistics a schema entry records: "min" and "max" (null stands for NaN), "missing".
void ReadColumnStats(const nlohmann::json& e, ColumnSpec& c) {
  auto number = [&](const char* key, double& out) {
    if (!e.contains(key) || e[key].is_null()) return;  // NaN is written as null
    if (!e[key].is_number())
      throw SchemaError(c.name, e[key].dump(), std::string("\"") + key + "\" must be a number");
    out = e[key].get<double>();
  };
  number("min", c.min);
  number("max", c.max);
  if (e.contains("missing")) {
    if (!IsCount(e["missing"]))
      throw SchemaError(c.name, e["missing"].dump(), "\"missing\" must be a non-negative integer");
    c.missing = e["missing"].get<std::size_t>();
  }
}

/// "categories" (distinct strings, at most kMaxCategories) and their "counts" (zeros when absent).
void ReadColumnLevels(const nlohmann::json& e, ColumnSpec& c) {
  if (e.contains("categories")) {
    const auto& cats = e["categories"];
    if (!cats.is_array())
      throw SchemaError(c.name, cats.dump(), "\"categories\" must be an array of strings");
    if (cats.size() > kMaxCategories)
      throw SchemaError(
          c.name, "",
          std::to_string(cats.size()) + " categories; at most " + std::to_string(kMaxCategories));
    std::set<std::string> seen;
    for (const auto& level : cats) {
      if (!level.is_string())
        throw SchemaError(c.name, level.dump(), "\"categories\" must be an array of strings");
      if (!seen.insert(level.get<std::string>()).second)
        throw SchemaError(c.name, level.get<std::string>(), "category listed twice");
      c.categories.push_back(level.get<std::string>());
    }
  }
  if (!e.contains("counts")) {
    c.counts.assign(c.categories.size(), 0);
    return;
  }
  const auto& counts = e["counts"];
  if (!counts.is_array())
    throw SchemaError(c.name, counts.dump(), "\"counts\" must be an array of integers");
  for (const auto& n : counts) {
    if (!IsCount(n)) throw SchemaError(c.name, n.dump(), "\"counts\" must be an array of integers");
    c.counts.push_back(n.get<std::size_t>());
  }
  if (c.counts.size() != c.categories.size())
    throw SchemaError(c.name, "",
                      "\"counts\" has " + std::to_string(c.counts.size()) +
                          " entries but \"categories\" has " + std::to_string(c.categories.size()) +
                          "; they must match");
}

/// A boolean column's categories are [false-token, true-token] (["false", "true"] when none are
/// given); a categorical feature must list its categories.
void CheckColumnLevels(ColumnSpec& c) {
  if (c.type == ColumnType::kBoolean) {
    if (c.categories.empty()) {
      c.categories = {"false", "true"};
      c.counts = {0, 0};
    }
    if (c.categories.size() != 2 || ParseBool(c.categories[0]) != false ||
        ParseBool(c.categories[1]) != true)
      throw SchemaError(c.name, "",
                        "a boolean column's \"categories\" must be [false-token, true-token], "
                        "e.g. [\"no\", \"yes\"]");
  }
  if (c.type == ColumnType::kCategorical && c.categories.empty() && c.role == Role::kFeature)
    throw SchemaError(c.name, "", "a categorical feature needs its \"categories\"");
}

}  // namespace

nlohmann::json Schema::ToJson() const {
  nlohmann::json cols = nlohmann::json::array();
  for (const auto& c : columns) {
    cols.push_back({{"name", c.name},
                    {"type", ToString(c.type)},
                    {"role", ToString(c.role)},
                    {"description", c.description},
                    {"missing", c.missing},
                    {"min", c.min},
                    {"max", c.max},
                    {"categories", c.categories},
                    {"counts", c.counts}});
    WriteDecisionFields(c, cols.back());
  }
  return {{"columns", cols}};
}

Schema Schema::FromJson(const nlohmann::json& j) {
  const auto& cols = ColumnsArray(j);
  Schema schema;
  std::set<std::string> names;
  std::string target;
  for (std::size_t i = 0; i < cols.size(); ++i) {
    const auto& e = cols[i];
    ColumnSpec c;
    c.name = EntryName(e, i);
    if (!names.insert(c.name).second)
      throw SchemaError(c.name, "", "column listed twice; column names must be unique");
    if (e.contains("type")) c.type = TypeField(e, c.name);
    if (e.contains("role")) c.role = RoleField(e, c.name);
    NoteTarget(c, target);
    ReadDescription(e, c.name, c.description);
    ReadDecisionFields(e, c);
    ReadColumnStats(e, c);
    ReadColumnLevels(e, c);
    CheckColumnLevels(c);
    schema.columns.push_back(std::move(c));
  }
  ValidateDerived(schema);
  return schema;
}

std::optional<bool> ParseBool(std::string_view token) {
  std::string t = AsciiLower(TrimSpaces(token));
  if (t == "1" || t == "true" || t == "yes" || t == "y" || t == "t") return true;
  if (t == "0" || t == "false" || t == "no" || t == "n" || t == "f") return false;
  return std::nullopt;
}

std::optional<double> ParseNumber(std::string_view token) {
  std::string_view t = TrimSpaces(token);
  if (t.empty()) return std::nullopt;
  // Plain decimal only: strtod would also take hex, "inf", "nan" and a locale's separators.
  for (char c : t) {
    bool ok = (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E';
    if (!ok) return std::nullopt;
  }
  // Fast path (Clinger 1990): [sign] digits [. digits] with at most 15 digits is an exact integer
  // mantissa m < 2^53 over an exact power of ten, so m / 10^k is correctly rounded.
  static constexpr double kPow10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                      1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  std::size_t i = 0;
  bool negative = t[0] == '-';
  if (t[0] == '-' || t[0] == '+') ++i;
  std::uint64_t mantissa = 0;
  int digits = 0, fraction = -1;
  for (; i < t.size(); ++i) {
    char c = t[i];
    if (c >= '0' && c <= '9') {
      mantissa = mantissa * 10 + static_cast<std::uint64_t>(c - '0');
      ++digits;
      if (fraction >= 0) ++fraction;
    } else if (c == '.' && fraction < 0) {
      fraction = 0;
    } else {
      break;
    }
  }
  if (i == t.size() && digits > 0 && digits <= 15) {
    double v = static_cast<double>(mantissa);
    if (fraction > 0) v /= kPow10[fraction];
    return negative ? -v : v;
  }
  // General case: strtod on a NUL-terminated copy, which must consume the whole token.
  std::string copy(t);
  char* end = nullptr;
  double v = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

namespace {

/// InferSchema's single pass: statistics per column, record by record, then one spec per column.
class SchemaInference {
 public:
  SchemaInference(const CsvReader& reader, const InferOptions& options)
      : header_(reader.Header()),
        file_(reader.SourceName()),
        csv_(reader.Options()),
        forced_(header_.size(), nullptr),
        stats_(header_.size()) {
    for (std::size_t j = 0; j < header_.size(); ++j) {
      auto it = options.forced_types.find(header_[j]);
      if (it != options.forced_types.end()) forced_[j] = &it->second;
    }
  }

  /// Counts one record; a ragged row throws naming file and row.
  void Add(const CsvRecord& record) {
    const std::size_t n = header_.size();
    if (record.fields.size() != n)
      throw Error(Location{file_, record.row, "", ""}, "expected " + std::to_string(n) +
                                                           " fields (as in the header), got " +
                                                           std::to_string(record.fields.size()));
    for (std::size_t j = 0; j < n; ++j) AddCell(j, record.fields[j], record.row);
  }

  /// The schema of the records seen (roles all kFeature).
  Schema Result() const {
    Schema schema;
    for (std::size_t j = 0; j < header_.size(); ++j) schema.columns.push_back(Spec(j));
    return schema;
  }

 private:
  /// Adds key_ to `counts`.
  void Count(std::unordered_map<std::string, std::size_t>& counts) {
    auto it = counts.find(key_);
    if (it == counts.end())
      counts.emplace(key_, 1);
    else
      ++it->second;
  }

  /// One cell of column j: missing, a token of a forced type, text or a number.
  void AddCell(std::size_t j, const std::string& cell, std::size_t row) {
    ColumnStats& s = stats_[j];
    if (IsMissingToken(cell, csv_)) {
      ++s.missing;
      return;
    }
    std::string_view value = TrimSpaces(cell);
    key_.assign(value.data(), value.size());
    const ColumnType* type = forced_[j];
    if (type && *type == ColumnType::kBoolean) {
      if (!ParseBool(value))
        throw Error(Location{file_, row, header_[j], cell},
                    "expected a boolean (1/0, true/false, yes/no, y/n, t/f): the schema says "
                    "this column is boolean");
      Count(s.text_counts);
      return;
    }
    if (type && *type == ColumnType::kCategorical) {  // every level is needed
      Count(s.text_counts);
      return;
    }
    auto v = ParseNumber(value);
    if (!v) {
      if (type)  // forced numeric
        throw Error(Location{file_, row, header_[j], cell},
                    "expected a number: the schema says this column is numeric");
      if (s.text_counts.empty()) {
        s.first_text_row = row;
        s.first_text = cell;
      }
      Count(s.text_counts);
      return;
    }
    s.min = std::min(s.min, *v);
    s.max = std::max(s.max, *v);
    if (type || s.numbers_overflow) return;
    Count(s.number_counts);
    if (s.number_counts.size() > kMaxNumberLevels) {
      s.numbers_overflow = true;
      s.number_counts = {};
    }
  }

  /// Column j's spec: the forced type, else numeric / boolean / categorical from its values.
  ColumnSpec Spec(std::size_t j) const {
    const ColumnStats& s = stats_[j];
    ColumnSpec c;
    c.name = header_[j];
    c.missing = s.missing;
    auto all = s.AllCounts();
    if (forced_[j])
      c.type = *forced_[j];
    else if (s.text_counts.empty())
      c.type = ColumnType::kNumeric;
    else if (LooksBoolean(all))
      c.type = ColumnType::kBoolean;
    else
      c.type = ColumnType::kCategorical;
    if (c.type == ColumnType::kCategorical && s.numbers_overflow)
      throw Error(Location{file_, s.first_text_row, c.name, s.first_text},
                  "expected a number like the rest of this column (more than " +
                      std::to_string(kMaxNumberLevels) +
                      " distinct numbers); if this value means missing, add it to the missing "
                      "tokens, or give the column type 'categorical' in the schema");
    if (c.type == ColumnType::kNumeric) {
      bool any = s.min <= s.max;
      c.min = any ? s.min : 0;
      c.max = any ? s.max : 0;
    } else if (c.type == ColumnType::kBoolean) {
      BooleanLevels(all, c);
    } else {
      SortedLevels(all, c);
    }
    return c;
  }

  const std::vector<std::string>& header_;
  const std::string& file_;
  const CsvOptions& csv_;
  std::vector<const ColumnType*> forced_;  ///< per column: the user's type, or nullptr
  std::vector<ColumnStats> stats_;
  std::string key_;  ///< scratch for Count, reused across cells
};

}  // namespace

Schema InferSchema(CsvReader& reader, const InferOptions& options) {
  SchemaInference inference(reader, options);
  CsvRecord record;
  while (reader.Next(record)) inference.Add(record);
  return inference.Result();
}

std::map<std::string, ColumnType> SchemaOverrideTypes(const nlohmann::json& override_json) {
  const auto& cols = ColumnsArray(override_json);
  std::map<std::string, ColumnType> types;
  for (std::size_t i = 0; i < cols.size(); ++i) {
    std::string name = EntryName(cols[i], i);
    if (cols[i].contains("type")) types[name] = TypeField(cols[i], name);
  }
  return types;
}

void ApplySchemaOverride(Schema& schema, const nlohmann::json& override_json) {
  const auto& cols = ColumnsArray(override_json);
  std::set<std::string> seen;
  for (std::size_t i = 0; i < cols.size(); ++i) {
    std::string name = EntryName(cols[i], i);
    if (!seen.insert(name).second)
      throw SchemaError(name, "", "column listed twice; column names must be unique");
    ColumnSpec* c = schema.Find(name);
    if (!c) {
      std::string known;
      for (const auto& col : schema.columns)
        known += (known.empty() ? "'" : ", '") + col.name + "'";
      throw SchemaError(name, "", "no such column in the data (columns: " + known + ")");
    }
    const auto& e = cols[i];
    if (e.contains("type")) {
      std::string type = StringField(e, "type", name);
      if (type != ToString(c->type))
        throw SchemaError(name, type,
                          "the data was read with type '" + ToString(c->type) +
                              "'; pass SchemaOverrideTypes() to InferSchema so the type applies");
    }
    if (e.contains("role")) c->role = RoleField(e, name);
    ReadDescription(e, name, c->description);
    ReadDecisionFields(e, *c);
  }
  ValidateDerived(schema);
  std::string target;
  for (const auto& c : schema.columns) NoteTarget(c, target);
}

}  // namespace loanlens
