#pragma once
/// \file
/// Batch scoring of CSV text with a bundle: streams records (from a file natively, from File
/// slices in the browser), decides on each good row, and reports every bad one. Rows in = rows
/// scored + rows rejected, always. The output columns are the input columns plus
/// DecisionColumns() and, with explanations, shap_<feature> per original feature and base_value.
#include <cstddef>
#include <deque>
#include <exception>
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

/// The results of the records completed by one Feed() or Finish() call, in input order.
struct ScoredBatch {
  std::vector<ScoredRow> rows;
  std::vector<RejectedRow> rejected;
  std::vector<RowWarning> warnings;  ///< of scored rows only (a rejected row's are dropped)
  bool Empty() const { return rows.empty() && rejected.empty() && warnings.empty(); }
};

class BatchScorer {
 public:
  /// Rows per block of the threaded path: parsed on the calling thread, decided in parallel,
  /// merged in input order. Bounds the memory held while streaming.
  static constexpr std::size_t kBlockRows = 4096;

  /**
   * Reads the input as the bundle's training file was read (Bundle::Csv()).
   * \param threads  1: each record is decided as soon as it is read. More (and a build with
   *                  threads, see loanlens/parallel.h): records wait in blocks of kBlockRows,
   *                  decided on `threads` threads; every result (cells, rejections, warnings,
   *                  counts, MeanAbsContributions) is identical to one thread, in the same order,
   *                  and TakeBatch() returns the same batches, only later.
   */
  BatchScorer(const Bundle& bundle, std::string source_name, bool explain, int threads = 1);
  /// Parses `chunk` and scores every record it completes; results accumulate until Take*().
  void Feed(std::string_view chunk);
  /// End of input (flushes the last record and the last block). An input with no header throws
  /// loanlens::Error.
  void Finish();
  /// Output header; empty until the input header has been read.
  const std::vector<std::string>& OutputHeader() const { return output_header_; }
  /// Everything decided so far (all batches ready), in input order.
  std::vector<ScoredRow> TakeRows();
  std::vector<RejectedRow> TakeRejected();
  std::vector<RowWarning> TakeWarnings();
  /// The oldest ready batch (the records one Feed()/Finish() call completed, once all of them
  /// are decided); false when none is ready. Batches that completed no record are skipped.
  bool TakeBatch(ScoredBatch& out);
  std::size_t RowsIn() const { return rows_in_; }
  std::size_t RowsScored() const { return rows_scored_; }
  std::size_t RowsRejected() const { return rows_rejected_; }
  bool Explains() const { return explain_; }
  int Threads() const { return threads_; }
  /// Wall seconds spent deciding rows (and merging their results) so far; the rest of Feed()
  /// and Finish() is reading CSV (`score --timings` reports the split).
  double DecideSeconds() const { return decide_seconds_; }
  /// Mean |SHAP| per original feature (FeatureNames() order) over the rows scored so far; empty
  /// without explanations or before the first scored row.
  std::vector<double> MeanAbsContributions() const;

 private:
  /// One data record on its way through the scorer: parsed, decided, merged.
  struct PendingRow {
    std::size_t batch = 0;  ///< the Feed()/Finish() call that completed the record
    CsvRecord record;       ///< its fields become the first output cells
    std::vector<double> raw;
    std::vector<RowWarning> warnings;
    std::string rejected;        ///< the loanlens::Error message when the row is rejected
    std::exception_ptr failure;  ///< any other exception (rethrown in input order)
    bool ok = true;
    ScoredRow out;
  };
  void OnRecord(CsvRecord&& record);
  void OnHeader(CsvRecord&& record);
  void ParseRow(PendingRow& p) const;   ///< field count and cells (the calling thread)
  void DecideRow(PendingRow& p) const;  ///< decision and cells (any thread; const calls only)
  void MergeRow(PendingRow& p);         ///< results and counts, in input order
  void DecideBlock();                   ///< decides and merges every pending row
  void EndBatch();                      ///< after each Feed()/Finish(): the batch is complete
  ScoredBatch& BatchOf(std::size_t batch);
  void DropEmptyBatches();
  const Bundle& bundle_;
  std::string source_;
  bool explain_;
  int threads_;
  CsvOptions options_;
  CsvParser parser_;
  std::vector<std::string> header_, output_header_;
  std::unique_ptr<RowParser> row_parser_;
  std::vector<double> sum_abs_contributions_;
  std::vector<PendingRow> pending_;  ///< the block waiting to be decided (threads > 1)
  std::deque<std::pair<std::size_t, ScoredBatch>> ready_;  ///< (batch number, results)
  std::size_t batch_ = 0;  ///< number of the current Feed()/Finish() call
  double decide_seconds_ = 0;
  std::size_t rows_in_ = 0, rows_scored_ = 0, rows_rejected_ = 0;
};

}  // namespace loanlens
