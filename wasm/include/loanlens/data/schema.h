#pragma once
/// \file
/// Column types and roles, inferred from data or given by the user (--schema schema.json).
#include <cstddef>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "loanlens/data/csv.h"

namespace loanlens {

enum class ColumnType { kNumeric, kCategorical, kBoolean };
enum class Role { kFeature, kTarget, kId, kProtected, kIgnore };

std::string ToString(ColumnType t);  ///< "numeric" | "categorical" | "boolean"
std::string ToString(Role r);        ///< "feature" | "target" | "id" | "protected" | "ignore"
ColumnType ColumnTypeFromString(const std::string& s);  ///< throws loanlens::Error
Role RoleFromString(const std::string& s);              ///< throws loanlens::Error

/// A column as seen in the training data.
struct ColumnSpec {
  std::string name;
  ColumnType type = ColumnType::kNumeric;
  Role role = Role::kFeature;
  std::string description;
  // Observed in the data the schema was fitted on:
  std::size_t missing = 0;
  double min = 0, max = 0;  ///< numeric and boolean columns
  /// Categorical: the levels, most frequent first (ties by name). Boolean:
  /// {"false-token","true-token"} as spelled in the data (e.g. {"no","yes"}); parsing is
  /// case-insensitive.
  std::vector<std::string> categories;
  std::vector<std::size_t> counts;  ///< count per category (same order)
  // Decision attributes, given in the user schema (--schema) and kept in the bundle:
  /// The applicant can change this value (recourse suggests changes only to these).
  bool actionable = false;
  /// {numerator, denominator}: the column is the ratio of two numeric feature columns (the form
  /// computes it; scoring flags rows where the given value disagrees beyond rounding).
  std::vector<std::string> derived_ratio;
  /// Adverse-action catalogue: a code ("R07") and the reason when a high (reason_high) or a low
  /// (reason_low) value costs points; level_reasons gives categorical levels their own text.
  std::string reason_code, reason_high, reason_low;
  std::map<std::string, std::string> level_reasons;
};

struct Schema {
  std::vector<ColumnSpec> columns;

  /// The column named `name`, or nullptr. O(1) on average: a name -> position index is built on
  /// first use and rebuilt when `columns` changes size or the entry found has another name (a
  /// schema may have 100,000 columns). Not thread-safe while the index is (re)built.
  const ColumnSpec* Find(std::string_view name) const;
  ColumnSpec* Find(std::string_view name);
  /// Names of the columns with role kFeature, in schema order.
  std::vector<std::string> FeatureNames() const;
  nlohmann::json ToJson() const;
  static Schema FromJson(const nlohmann::json& j);  ///< validates; throws loanlens::Error

  /// Cache for Find (positions by name); not part of the schema's value.
  mutable std::unordered_map<std::string, std::size_t> find_index_;
};

struct InferOptions {
  /// Types given by the user (--schema); names the file lacks are ignored here (the caller checks
  /// them: ApplySchemaOverride names unknown columns). Other columns are inferred from their
  /// non-missing values (trimmed): all numbers -> numeric (so a 0/1 column is numeric); exactly
  /// two distinct values that are boolean tokens of opposite truth {1/0, true/false, yes/no, y/n,
  /// t/f} (case-insensitive), not both numbers -> boolean; else categorical. A column mixing text
  /// with more than 1024 distinct numbers is an error naming its first text value (most likely an
  /// unlisted missing-value marker); force its type to say otherwise.
  std::map<std::string, ColumnType> forced_types;
};

/// Reads every record of `reader` and infers type, stats and categories per column. Ragged rows
/// throw loanlens::Error naming file and row. Roles are all kFeature; the caller sets roles.
Schema InferSchema(CsvReader& reader, const InferOptions& options = {});

/// Types named in a user schema JSON
/// ({"columns":[{"name":..,"type":..,"role":..,"description":..}]}).
std::map<std::string, ColumnType> SchemaOverrideTypes(const nlohmann::json& override_json);

/// Applies roles and descriptions from a user schema JSON. Unknown column names throw
/// loanlens::Error naming the column.
void ApplySchemaOverride(Schema& schema, const nlohmann::json& override_json);

/// `s` with ASCII letters lower-cased (the case-insensitive matches of column names and tokens).
std::string AsciiLower(std::string_view s);
/// Parses a boolean token (case-insensitive: 1/0, true/false, yes/no, y/n, t/f).
std::optional<bool> ParseBool(std::string_view token);
/// Parses a whole token as a finite double (leading/trailing spaces allowed); nullopt otherwise.
std::optional<double> ParseNumber(std::string_view token);

}  // namespace loanlens
