#pragma once
/// \file
/// One pass over a CSV (streamed in chunks, natively from a file and in the browser from File
/// slices) that scores every row without explanations and keeps what the back-test, monitoring
/// and fairness reports need: per row its PD, its outcome (when the file has the target column),
/// and, for a fairness attribute, the attribute's cell and the row's reference bins; per feature
/// the drift counts. Memory grows by a few bytes per row (about 10 + 2 x features with an
/// attribute), never with the row's width. `loanlens evaluate`, `monitor` and `fairness` and the
/// page's panels all read their numbers from this object, so they agree.
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "loanlens/bundle.h"
#include "loanlens/data/csv.h"
#include "loanlens/data/frame.h"
#include "loanlens/fairness/fairness.h"
#include "loanlens/monitoring/drift_reference.h"
#include "loanlens/monitoring/monitor.h"
#include "loanlens/validation/backtest.h"

namespace loanlens {

struct ReviewOptions {
  std::string attribute;  ///< fairness attribute column ("" = none)
  bool keep_ids = false;  ///< keep the schema's id column per row (early warning)
  /// Threads parsing and scoring rows (loanlens/parallel.h; 1 in the browser). Rows wait in
  /// blocks of BatchReview::kBlockRows and are merged in input order: every report is identical
  /// for any number of threads.
  int threads = 1;
  BacktestOptions backtest;
  FairnessOptions fairness;
  double psi_floor = kPsiFloor;
};

/// The bundle's drift reference; throws loanlens::Error when the bundle has none (trained before
/// drift references were stored: retrain it) or it does not match the bundle's features.
DriftReference BundleDriftReference(const Bundle& bundle);

class BatchReview {
 public:
  static constexpr std::size_t kBlockRows = 4096;
  BatchReview(const Bundle& bundle, std::string source_name, ReviewOptions options = {});
  ~BatchReview();
  void Feed(std::string_view chunk);
  /// End of input. An input with no header, or without the attribute column, throws.
  void Finish();

  const std::vector<std::string>& Header() const { return header_; }
  bool HasTarget() const { return target_in_header_; }
  bool HasAttribute() const { return !options_.attribute.empty(); }
  std::size_t RowsIn() const { return rows_in_; }
  std::size_t RowsScored() const { return pd_.size(); }
  std::size_t RowsRejected() const { return rejected_.size(); }
  const std::vector<RejectedRow>& Rejected() const { return rejected_; }
  /// Scored rows with a usable outcome (the target cell is one of the bundle's two values).
  std::size_t RowsWithOutcome() const;

  /// Back-test on the rows with outcomes (throws when there are none or one class only):
  /// Backtest(...) plus "rows_in", "rows_rejected", "rows_without_outcome".
  nlohmann::json BacktestReport() const;
  /// {"score","features","psi_floor",...,"performance" (null without outcomes),
  ///  "early_warning" (null without `previous`)}.
  nlohmann::json MonitorReport(const std::map<std::string, PreviousScore>* previous = nullptr,
                               double pd_rise = 0.05) const;
  /// FairnessReport on the attribute (outcomes used when every row has one) plus "proxies".
  nlohmann::json FairnessReportJson() const;

 private:
  struct ReviewedRow;
  void OnRecord(CsvRecord&& record);
  void OnHeader(CsvRecord&& record);
  /// Parses and scores one buffered row (const: runs on any thread).
  ReviewedRow ReviewRow(const CsvRecord& record) const;
  /// Reviews the buffered rows (on options_.threads threads) and merges them in input order.
  void ReviewBlock();
  void MergeRow(const CsvRecord& record, ReviewedRow& row);
  const Bundle& bundle_;
  std::string source_;
  ReviewOptions options_;
  DriftReference reference_;
  std::unique_ptr<DriftAccumulator> drift_;
  CsvParser parser_;
  std::vector<std::string> header_;
  std::unique_ptr<RowParser> row_parser_;
  bool target_in_header_ = false;
  int attribute_index_ = -1;
  std::string positive_;                ///< the target's positive value
  std::vector<std::string> negatives_;  ///< its negative value, when the bundle names one
  std::vector<CsvRecord> block_;        ///< rows read, not yet reviewed (at most kBlockRows)
  std::size_t rows_in_ = 0;
  std::vector<RejectedRow> rejected_;
  std::vector<double> pd_;
  std::vector<std::int8_t> y_;  ///< 0, 1, or -1 (no usable outcome)
  std::vector<std::string> ids_;
  std::vector<std::uint32_t> attribute_code_;
  std::vector<std::string> attribute_levels_;
  std::map<std::string, std::uint32_t> attribute_index_of_;
  std::vector<std::uint16_t> bins_;
};

}  // namespace loanlens
