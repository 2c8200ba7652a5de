#include "loanlens/review/batch_review.h"

#include <algorithm>

#include "loanlens/error.h"
#include "loanlens/fairness/proxy.h"
#include "loanlens/parallel.h"

namespace loanlens {

/// One buffered row after ReviewRow: its raw feature values, PD and outcome, or why it was
/// rejected.
struct BatchReview::ReviewedRow {
  bool ok = false;
  std::string rejected;
  std::vector<double> raw;
  double pd = 0;
  std::int8_t y = -1;  ///< 0, 1, or -1 (no usable outcome)
};

DriftReference BundleDriftReference(const Bundle& bundle) {
  if (!bundle.Meta().contains("drift_reference"))
    throw Error(
        "this bundle has no drift reference (it was trained by an older LoanLens); retrain it to "
        "monitor drift");
  DriftReference ref = DriftReference::FromJson(bundle.Meta()["drift_reference"]);
  const auto& names = bundle.FeatureNames();
  bool same = ref.features.size() == names.size();
  for (std::size_t j = 0; same && j < names.size(); ++j) same = ref.features[j].name == names[j];
  if (!same) throw Error("drift_reference.features: do not match the bundle's features");
  return ref;
}

BatchReview::BatchReview(const Bundle& bundle, std::string source_name, ReviewOptions options)
    : bundle_(bundle),
      source_(std::move(source_name)),
      options_(std::move(options)),
      reference_(BundleDriftReference(bundle)),
      drift_(std::make_unique<DriftAccumulator>(reference_)),
      parser_(source_, bundle.Csv()) {}

BatchReview::~BatchReview() = default;

void BatchReview::Feed(std::string_view chunk) {
  parser_.Feed(chunk, [this](CsvRecord&& r) { OnRecord(std::move(r)); });
}

void BatchReview::Finish() {
  parser_.Finish([this](CsvRecord&& r) { OnRecord(std::move(r)); });
  ReviewBlock();
  if (header_.empty()) throw Error(Location{source_, 0, "", ""}, "is empty; expected a header row");
}

void BatchReview::OnHeader(CsvRecord&& record) {
  header_ = std::move(record.fields);
  CheckHeader(header_, source_, record.row, parser_.Delimiter());
  row_parser_ = std::make_unique<RowParser>(bundle_.GetSchema(), header_, source_, bundle_.Csv());
  const std::string target = bundle_.TargetName();
  target_in_header_ = std::find(header_.begin(), header_.end(), target) != header_.end();
  if (target_in_header_) {
    row_parser_->SetTarget(target);
    positive_ = bundle_.Positive();
    negatives_ = {bundle_.Meta()["target"].value("negative", std::string())};
  }
  if (!options_.attribute.empty()) {
    const auto it = std::find(header_.begin(), header_.end(), options_.attribute);
    if (it == header_.end())
      throw Error(Location{source_, record.row, options_.attribute, ""},
                  "the fairness attribute is not a column of this file");
    const auto& names = bundle_.FeatureNames();
    if (std::find(names.begin(), names.end(), options_.attribute) != names.end())
      throw Error(Location{source_, record.row, options_.attribute, ""},
                  "is a model input; fairness is reviewed on an attribute the model does not use");
    attribute_index_ = static_cast<int>(it - header_.begin());
  }
}

void BatchReview::OnRecord(CsvRecord&& record) {
  if (header_.empty()) return OnHeader(std::move(record));
  ++rows_in_;
  block_.push_back(std::move(record));
  if (block_.size() >= kBlockRows) ReviewBlock();
}

BatchReview::ReviewedRow BatchReview::ReviewRow(const CsvRecord& record) const {
  ReviewedRow r;
  try {
    if (record.fields.size() != header_.size())
      throw Error(Location{source_, record.row, "", ""},
                  "expected " + std::to_string(header_.size()) +
                      " fields (as in the header), got " + std::to_string(record.fields.size()));
    r.raw.assign(row_parser_->NumFeatures(), 0.0);
    row_parser_->ParseFeatures(record, r.raw.data(), nullptr);
    r.pd = bundle_.ScoreRow(r.raw.data(), false).pd;
    if (target_in_header_) {
      try {
        r.y = row_parser_->ParseTarget(record, positive_, negatives_) > 0.5 ? 1 : 0;
      } catch (const Error&) {
        r.y = -1;  // scored, but no usable outcome: left out of the back-test
      }
    }
    r.ok = true;
  } catch (const Error& e) {
    r.rejected = e.what();
  }
  return r;
}

void BatchReview::ReviewBlock() {
  std::vector<ReviewedRow> rows(block_.size());
  ParallelRows(block_.size(), options_.threads,
               [this, &rows](std::size_t i) { rows[i] = ReviewRow(block_[i]); });
  for (std::size_t i = 0; i < block_.size(); ++i) MergeRow(block_[i], rows[i]);
  block_.clear();
}

void BatchReview::MergeRow(const CsvRecord& record, ReviewedRow& row) {
  if (!row.ok) {
    rejected_.push_back({record.row, std::move(row.rejected)});
    return;
  }
  drift_->Add(row.raw.data(), row.pd);
  pd_.push_back(row.pd);
  y_.push_back(row.y);
  if (options_.keep_ids && row_parser_->IdIndex() >= 0)
    ids_.push_back(record.fields[static_cast<std::size_t>(row_parser_->IdIndex())]);
  if (attribute_index_ >= 0) {
    const std::string& cell = record.fields[static_cast<std::size_t>(attribute_index_)];
    auto it = attribute_index_of_.find(cell);
    if (it == attribute_index_of_.end()) {
      it = attribute_index_of_.emplace(cell, attribute_levels_.size()).first;
      attribute_levels_.push_back(cell);
    }
    attribute_code_.push_back(it->second);
    AppendBins(reference_, row.raw.data(), bins_);
  }
}

std::size_t BatchReview::RowsWithOutcome() const {
  return static_cast<std::size_t>(
      std::count_if(y_.begin(), y_.end(), [](std::int8_t v) { return v >= 0; }));
}

nlohmann::json BatchReview::BacktestReport() const {
  if (!target_in_header_)
    throw Error(Location{source_, 1, bundle_.TargetName(), ""},
                "the target column is not in this file; a back-test needs outcomes");
  std::vector<double> y, pd;
  for (std::size_t i = 0; i < pd_.size(); ++i)
    if (y_[i] >= 0) {
      y.push_back(y_[i]);
      pd.push_back(pd_[i]);
    }
  const double bads = std::count(y.begin(), y.end(), 1.0);
  if (bads == 0 || bads == static_cast<double>(y.size()))
    throw Error(source_ + ": a back-test needs rows of both outcomes; found " +
                std::to_string(y.size()) + " rows with outcomes, " +
                std::to_string(static_cast<std::size_t>(bads)) + " of them defaults");
  nlohmann::json m = Backtest(y, pd, bundle_.GetPolicy(), options_.backtest);
  m["rows_in"] = rows_in_;
  m["rows_rejected"] = rejected_.size();
  m["rows_without_outcome"] = pd_.size() - y.size();
  return m;
}

nlohmann::json BatchReview::MonitorReport(const std::map<std::string, PreviousScore>* previous,
                                          double pd_rise) const {
  nlohmann::json m = drift_->Result(options_.psi_floor);
  m["rows_in"] = rows_in_;
  m["rows_rejected"] = rejected_.size();
  m["performance"] = nullptr;
  if (target_in_header_ && RowsWithOutcome() > 0) {
    std::vector<double> y, pd;
    for (std::size_t i = 0; i < pd_.size(); ++i)
      if (y_[i] >= 0) {
        y.push_back(y_[i]);
        pd.push_back(pd_[i]);
      }
    m["performance"] = PerformanceVsValidation(
        y, pd, bundle_.GetPolicy(),
        bundle_.Meta()["metrics"].value("validation", nlohmann::json::object()));
  }
  m["early_warning"] = nullptr;
  if (previous) {
    if (ids_.size() != pd_.size())
      throw Error(source_ +
                  ": the early-warning list matches accounts by the schema's id column, "
                  "which this bundle or file does not have");
    m["early_warning"] = EarlyWarning(*previous, ids_, pd_, bundle_.GetPolicy(), pd_rise);
    m["early_warning_rule"] = "PD rose by more than " + FormatNumber(pd_rise) +
                              ", or the band is worse than in the previous run";
  }
  return m;
}

nlohmann::json BatchReview::FairnessReportJson() const {
  if (options_.attribute.empty()) throw Error("fairness: no attribute given");
  std::vector<std::string> cells(attribute_code_.size());
  for (std::size_t i = 0; i < cells.size(); ++i) cells[i] = attribute_levels_[attribute_code_[i]];
  const GroupedAttribute groups =
      GroupAttribute(cells, bundle_.Csv().missing_tokens, options_.fairness);
  const bool all_outcomes = target_in_header_ && RowsWithOutcome() == pd_.size();
  std::vector<double> y;
  if (all_outcomes) y.assign(y_.begin(), y_.end());
  nlohmann::json report =
      FairnessReport(options_.attribute, groups, y, pd_, bundle_.GetPolicy(), options_.fairness);
  report["proxies"] = ProxyCheck(reference_, bins_, groups, options_.fairness);
  report["rows_in"] = rows_in_;
  report["rows_rejected"] = rejected_.size();
  return report;
}

}  // namespace loanlens
