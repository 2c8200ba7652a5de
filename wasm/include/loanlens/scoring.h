#pragma once
/// \file
/// Batch scoring of CSV text with a bundle: streams records (from a file natively, from File
/// slices in the browser), decides on each good row, and reports every bad one. Rows in = rows
/// scored + rows rejected, always. The output columns are the input columns plus
/// DecisionColumns() and, with explanations, shap_<feature> per original feature and base_value.
#include <cstddef>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "loanlens/bundle.h"
#include "loanlens/data/csv.h"
#include "loanlens/data/frame.h"

namespace loanlens {

/// pd, margin, points, band (the decision after review rules), rules ("id: text; ..."),
/// reason_1 .. reason_4 ("code: text"), expected_loss (empty without an amount feature), rate,
/// max_amount (the largest approvable amount; empty without an amount feature or when none is).
const std::vector<std::string>& DecisionColumns();

/// The columns `loanlens score` adds after the input columns: DecisionColumns() and, with
/// `explain`, shap_<feature> per original feature and base_value.
std::vector<std::string> ScoreColumns(const Bundle& bundle, bool explain);

/// Per ScoreColumns() entry: true if its cells are numbers (FormatNumber text, empty when there
/// is none, e.g. expected_loss without an amount feature), false for text (band, rules, reasons).
std::vector<bool> ScoreColumnIsNumber(const Bundle& bundle, bool explain);

/**
 * Decides on one parsed row (Decide, without recourse) and appends the ScoreColumns() cells to
 * `cells`, as `loanlens score` writes them. One function for BatchScorer and the Python package.
 * \param raw       NumFeatures() values of the row
 * \param warnings  the parser's warnings for this row (review rules read them)
 * \return the score (with contributions when `explain`)
 */
Score AppendScoreCells(const Bundle& bundle, const double* raw,
                       const std::vector<RowWarning>& warnings, bool explain,
                       std::vector<std::string>& cells);

struct ScoredRow {
  std::size_t row = 0;             ///< spreadsheet row in the input
  std::vector<std::string> cells;  ///< output cells (OutputHeader() order)
  Score score;
};

class BatchScorer {
 public:
  /// Reads the input as the bundle's training file was read (Bundle::Csv()).
  BatchScorer(const Bundle& bundle, std::string source_name, bool explain);
  /// Parses `chunk` and scores every record it completes; results accumulate until Take*().
  void Feed(std::string_view chunk);
  /// End of input (flushes the last record). An input with no header throws loanlens::Error.
  void Finish();
  /// Output header; empty until the input header has been read.
  const std::vector<std::string>& OutputHeader() const { return output_header_; }
  std::vector<ScoredRow> TakeRows();
  std::vector<RejectedRow> TakeRejected();
  std::vector<RowWarning> TakeWarnings();
  std::size_t RowsIn() const { return rows_in_; }
  std::size_t RowsScored() const { return rows_scored_; }
  std::size_t RowsRejected() const { return rows_rejected_; }
  bool Explains() const { return explain_; }
  /// Mean |SHAP| per original feature (FeatureNames() order) over the rows scored so far; empty
  /// without explanations or before the first scored row.
  std::vector<double> MeanAbsContributions() const;

 private:
  void OnRecord(CsvRecord&& record);
  const Bundle& bundle_;
  std::string source_;
  bool explain_;
  CsvOptions options_;
  CsvParser parser_;
  std::vector<std::string> header_, output_header_;
  std::unique_ptr<RowParser> row_parser_;
  std::vector<double> raw_;
  std::vector<double> sum_abs_contributions_;
  std::vector<ScoredRow> rows_;
  std::vector<RejectedRow> rejected_;
  std::vector<RowWarning> warnings_;
  std::size_t rows_in_ = 0, rows_scored_ = 0, rows_rejected_ = 0;
};

/// Scores one applicant given as JSON {"column": value, ...} (numbers, strings, booleans or null
/// for missing). Unknown keys are errors, feature keys not given are missing values; returns the
/// JSON that `loanlens explain` prints: the decision (DecisionJson: pd, margin, points, band,
/// rules, reasons, reference, points by feature, price ...), warnings, and inputs as given and as
/// used (InputsAsUsed); with `interactions` (tree models) also "interactions":
/// {feature: {feature: value}}, SHAP interaction values summed to original features.
/// Parses the JSON text of one applicant (`loanlens explain --row`, the page's form). Any JSON
/// error (syntax, or a number out of range such as 1e400) is a loanlens::Error naming `source`.
nlohmann::json ParseRecord(const std::string& text, const std::string& source = "--row");

nlohmann::json ExplainRecord(const Bundle& bundle, const nlohmann::json& record,
                             const std::string& source = "--row", bool interactions = false);

}  // namespace loanlens
