#pragma once
/// \file
/// A parsed table: the feature columns of a CSV as doubles, ready for preprocessing.
/// Numeric and boolean cells hold their value (boolean: 0/1); categorical cells hold the index of
/// the level in ColumnSpec::categories, kUnseenLevel for a level the schema does not know.
/// Missing cells are NaN.
#include <cstddef>
#include <limits>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "loanlens/data/csv.h"
#include "loanlens/data/schema.h"

namespace loanlens {

inline constexpr double kUnseenLevel = -1.0;
inline constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();

/// A row that could not be used, with the reason (file, row, column, value, expected).
struct RejectedRow {
  std::size_t row = 0;  ///< 1-based spreadsheet row
  std::string reason;   ///< full message, as Error::what()
};

/// A warning that did not stop the row (e.g. an unseen category mapped to __other__).
struct RowWarning {
  std::size_t row = 0;
  std::string column;
  std::string value;
  std::string message;
};

struct Frame {
  std::vector<std::string> feature_names;  ///< = schema.FeatureNames() at parse time
  std::size_t num_rows = 0;
  std::vector<double> values;            ///< row-major, num_rows x feature_names.size()
  std::vector<double> target;            ///< 0/1 per row when a target column was read; else empty
  std::vector<std::size_t> source_rows;  ///< spreadsheet row of each parsed row
  std::vector<std::string> ids;          ///< the id column's value per row, if the schema has one
  /// Protected columns (never model inputs), kept as text for fairness reports: name -> values.
  std::vector<std::pair<std::string, std::vector<std::string>>> protected_columns;
  const double* Row(std::size_t i) const { return values.data() + i * feature_names.size(); }
};

/// Maps the cells of one record to the feature values of `schema` (its kFeature columns), found in
/// the header by name. Throws loanlens::Error with the full location for a ragged row or an
/// unparseable number or boolean. Unseen categories become kUnseenLevel and are appended to
/// `warnings` (if not null). Keeps a reference to `schema`: it must outlive the parser.
class RowParser {
 public:
  /** \param header the CSV header; missing feature columns throw loanlens::Error naming them.
   *  The target column is the schema's kTarget column if the header has it (see SetTarget). */
  RowParser(const Schema& schema, const std::vector<std::string>& header, std::string source_name,
            CsvOptions options = {});
  /// Parses the feature cells of `record` into `out` (size = number of features).
  void ParseFeatures(const CsvRecord& record, double* out, std::vector<RowWarning>* warnings) const;
  /// Target value of the record: 1 if it equals `positive`, 0 if it equals one of `negatives`;
  /// anything else throws loanlens::Error ("unknown target value").
  double ParseTarget(const CsvRecord& record, const std::string& positive,
                     const std::vector<std::string>& negatives) const;
  /// Uses header column `name` as the target; throws loanlens::Error if the header lacks it.
  void SetTarget(const std::string& name);
  std::size_t NumFeatures() const { return feature_index_.size(); }
  int TargetIndex() const { return target_index_; }
  int IdIndex() const { return id_index_; }
  const std::vector<std::pair<std::string, int>>& ProtectedIndex() const {
    return protected_index_;
  }
  std::size_t HeaderSize() const { return header_size_; }
  /// Parses one cell for feature j (exposed for the JSON row of `loanlens explain` and the browser
  /// form). `row` is used in the error location only.
  double ParseCell(std::size_t j, const std::string& cell, std::size_t row,
                   std::vector<RowWarning>* warnings) const;

 private:
  const Schema& schema_;
  std::vector<const ColumnSpec*> features_;
  std::vector<int> feature_index_;
  std::vector<std::unordered_map<std::string, int>> level_index_;  ///< categorical: level -> code
  std::vector<std::string> header_;
  int target_index_ = -1;
  int id_index_ = -1;
  std::vector<std::pair<std::string, int>> protected_index_;
  std::size_t header_size_ = 0;
  std::string source_;
  CsvOptions options_;
};

struct ReadOptions {
  std::string target;                  ///< target column name ("" = none, for scoring)
  std::string positive;                ///< value meaning default/bad
  std::vector<std::string> negatives;  ///< the other allowed target values (empty = any other)
  bool skip_bad_rows = false;  ///< true: bad rows go to `rejected`; false: the first one throws
};

struct ReadResult {
  Frame frame;
  std::vector<RejectedRow> rejected;
  std::vector<RowWarning> warnings;
  std::size_t rows_read = 0;  ///< data records seen (= frame.num_rows + rejected.size())
};

/// Reads a whole CSV into a Frame using `schema` (training and evaluation). Missing feature or
/// target columns are an error naming them all. Ragged rows, bad numbers and booleans, missing or
/// unknown target values are errors (or rejections with skip_bad_rows). An id or protected column
/// absent from the file is left out of the frame.
ReadResult ReadFrame(CsvReader& reader, const Schema& schema, const ReadOptions& options);

}  // namespace loanlens
