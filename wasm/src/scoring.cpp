#include "loanlens/scoring.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <utility>

#include "loanlens/decision/decision.h"
#include "loanlens/error.h"
#include "loanlens/parallel.h"

namespace loanlens {
namespace {

constexpr int kReasonColumns = 4;

using Clock = std::chrono::steady_clock;
double Since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

std::string RulesCell(const std::vector<FiredRule>& rules) {
  std::string out;
  for (const auto& r : rules) out += (out.empty() ? "" : "; ") + r.id + ": " + r.text;
  return out;
}

/// The decision's cells in DecisionColumns() order.
void AppendDecisionCells(const Decision& d, std::vector<std::string>& cells) {
  cells.push_back(FormatNumber(d.score.pd));
  cells.push_back(FormatNumber(d.score.margin));
  cells.push_back(FormatNumber(d.score.points));
  cells.push_back(d.decision);
  cells.push_back(RulesCell(d.rules));
  for (int k = 0; k < kReasonColumns; ++k)
    cells.push_back(k < static_cast<int>(d.reasons.size()) ? ReasonColumn(d.reasons[k]) : "");
  cells.push_back(d.price.has_expected_loss ? FormatNumber(d.price.expected_loss) : "");
  cells.push_back(FormatNumber(d.price.rate));
  cells.push_back(d.limit && d.limit->max_amount ? FormatNumber(*d.limit->max_amount) : "");
}

}  // namespace

const std::vector<std::string>& DecisionColumns() {
  static const std::vector<std::string> columns = [] {
    std::vector<std::string> c = {"pd", "margin", "points", "band", "rules"};
    for (int k = 1; k <= kReasonColumns; ++k) c.push_back("reason_" + std::to_string(k));
    c.push_back("expected_loss");
    c.push_back("rate");
    c.push_back("max_amount");
    return c;
  }();
  return columns;
}

std::vector<std::string> ScoreColumns(const Bundle& bundle, bool explain) {
  std::vector<std::string> columns = DecisionColumns();
  if (explain) {
    for (const auto& f : bundle.FeatureNames()) columns.push_back("shap_" + f);
    columns.push_back("base_value");
  }
  return columns;
}

std::vector<bool> ScoreColumnIsNumber(const Bundle& bundle, bool explain) {
  std::vector<bool> number;
  for (const auto& c : DecisionColumns())
    number.push_back(c != "band" && c != "rules" && c.rfind("reason_", 0) != 0);
  number.resize(ScoreColumns(bundle, explain).size(), true);  // shap_<feature>, base_value
  return number;
}

Score AppendScoreCells(const Bundle& bundle, const double* raw,
                       const std::vector<RowWarning>& warnings, bool explain,
                       std::vector<std::string>& cells) {
  DecisionOptions options;
  options.shap = explain;
  options.recourse = false;  // per applicant (explain, the Applicant screen), not per batch row
  Decision d = Decide(bundle, raw, warnings, options);
  AppendDecisionCells(d, cells);
  if (explain) {
    for (double phi : d.score.contributions) cells.push_back(FormatNumber(phi));
    cells.push_back(FormatNumber(d.score.base_value));
  }
  return std::move(d.score);
}

BatchScorer::BatchScorer(const Bundle& bundle, std::string source_name, bool explain, int threads)
    : bundle_(bundle),
      source_(std::move(source_name)),
      explain_(explain),
      threads_(ThreadsAvailable() ? std::max(threads, 1) : 1),
      options_(bundle.Csv()),
      parser_(source_, options_) {}

void BatchScorer::Feed(std::string_view chunk) {
  parser_.Feed(chunk, [this](CsvRecord&& r) { OnRecord(std::move(r)); });
  EndBatch();
}

void BatchScorer::Finish() {
  parser_.Finish([this](CsvRecord&& r) { OnRecord(std::move(r)); });
  DecideBlock();
  EndBatch();
  if (header_.empty()) throw Error(Location{source_, 0, "", ""}, "is empty; expected a header row");
}

void BatchScorer::OnHeader(CsvRecord&& record) {
  // The header: check the model's feature columns are all present (throws, naming them).
  header_ = std::move(record.fields);
  CheckHeader(header_, source_, record.row, parser_.Delimiter());
  row_parser_ = std::make_unique<RowParser>(bundle_.GetSchema(), header_, source_, options_);
  output_header_ = header_;
  for (auto& c : ScoreColumns(bundle_, explain_)) output_header_.push_back(std::move(c));
}

void BatchScorer::OnRecord(CsvRecord&& record) {
  if (header_.empty()) return OnHeader(std::move(record));
  PendingRow p;
  p.batch = batch_;
  p.record = std::move(record);
  ParseRow(p);
  if (threads_ == 1) {  // today's path: decide as soon as read
    const auto t0 = Clock::now();
    DecideRow(p);
    MergeRow(p);
    decide_seconds_ += Since(t0);
    return;
  }
  pending_.push_back(std::move(p));
}

void BatchScorer::ParseRow(PendingRow& p) const {
  try {
    const CsvRecord& r = p.record;
    if (r.fields.size() != header_.size())
      throw Error(Location{source_, r.row, "", ""}, "expected " + std::to_string(header_.size()) +
                                                        " fields (as in the header), got " +
                                                        std::to_string(r.fields.size()));
    p.raw.assign(row_parser_->NumFeatures(), 0.0);
    row_parser_->ParseFeatures(r, p.raw.data(), &p.warnings);
  } catch (const Error& e) {
    p.ok = false;
    p.rejected = e.what();
  }
}

void BatchScorer::DecideRow(PendingRow& p) const {
  if (!p.ok) return;
  try {
    ScoredRow& out = p.out;
    out.row = p.record.row;
    out.cells = std::move(p.record.fields);
    out.score = AppendScoreCells(bundle_, p.raw.data(), p.warnings, explain_, out.cells);
  } catch (const Error& e) {
    p.ok = false;
    p.rejected = e.what();
  } catch (...) {
    p.ok = false;
    p.failure = std::current_exception();
  }
}

void BatchScorer::MergeRow(PendingRow& p) {
  ++rows_in_;
  if (p.failure) std::rethrow_exception(p.failure);
  ScoredBatch& batch = BatchOf(p.batch);
  if (!p.ok) {
    batch.rejected.push_back({p.record.row, std::move(p.rejected)});
    ++rows_rejected_;
    return;
  }
  if (explain_) {
    const auto& phi = p.out.score.contributions;
    sum_abs_contributions_.resize(phi.size(), 0.0);
    for (std::size_t j = 0; j < phi.size(); ++j) sum_abs_contributions_[j] += std::abs(phi[j]);
  }
  for (auto& w : p.warnings) batch.warnings.push_back(std::move(w));
  batch.rows.push_back(std::move(p.out));
  ++rows_scored_;
}

void BatchScorer::DecideBlock() {
  if (pending_.empty()) return;
  const auto t0 = Clock::now();
  ParallelRows(pending_.size(), threads_, [this](std::size_t i) { DecideRow(pending_[i]); });
  std::vector<PendingRow> block = std::exchange(pending_, {});
  for (PendingRow& p : block) MergeRow(p);
  decide_seconds_ += Since(t0);
}

void BatchScorer::EndBatch() {
  if (pending_.size() >= kBlockRows) DecideBlock();
  ++batch_;
}

ScoredBatch& BatchScorer::BatchOf(std::size_t batch) {
  if (ready_.empty() || ready_.back().first != batch) ready_.emplace_back(batch, ScoredBatch{});
  return ready_.back().second;
}

std::vector<double> BatchScorer::MeanAbsContributions() const {
  std::vector<double> mean = sum_abs_contributions_;
  for (double& m : mean) m /= static_cast<double>(rows_scored_);
  return mean;
}

void BatchScorer::DropEmptyBatches() {
  while (!ready_.empty() && ready_.front().second.Empty()) ready_.pop_front();
}

bool BatchScorer::TakeBatch(ScoredBatch& out) {
  DropEmptyBatches();
  if (ready_.empty()) return false;
  out = std::move(ready_.front().second);
  ready_.pop_front();
  return true;
}

std::vector<ScoredRow> BatchScorer::TakeRows() {
  std::vector<ScoredRow> out;
  for (auto& [number, batch] : ready_)
    for (auto& r : std::exchange(batch.rows, {})) out.push_back(std::move(r));
  DropEmptyBatches();
  return out;
}

std::vector<RejectedRow> BatchScorer::TakeRejected() {
  std::vector<RejectedRow> out;
  for (auto& [number, batch] : ready_)
    for (auto& r : std::exchange(batch.rejected, {})) out.push_back(std::move(r));
  DropEmptyBatches();
  return out;
}

std::vector<RowWarning> BatchScorer::TakeWarnings() {
  std::vector<RowWarning> out;
  for (auto& [number, batch] : ready_)
    for (auto& w : std::exchange(batch.warnings, {})) out.push_back(std::move(w));
  DropEmptyBatches();
  return out;
}

}  // namespace loanlens
