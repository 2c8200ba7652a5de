#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "decision/decision_test_util.h"
#include "german_credit_test_util.h"
#include "loanlens/bundle.h"
#include "loanlens/error.h"
#include "loanlens/file.h"
#include "loanlens/parallel.h"
#include "loanlens/scoring.h"

using namespace loanlens;
using loanlens::test::GermanCredit;
using loanlens::test::GermanCreditBundle;

namespace {

/// German credit's rows `copies` times with bad rows mixed in (a short row, a non-number, an
/// unseen category, which warns and is scored), as CSV text.
std::string GermanWithBadRows(int copies) {
  std::istringstream in(loanlens::ReadFile(decision_test::Source("models/data/german_credit.csv")));
  std::string header, line;
  std::getline(in, header);
  std::vector<std::string> lines;
  while (std::getline(in, line)) lines.push_back(line);
  const std::string& first = lines.front();
  const std::string tail = first.substr(first.find(','));    // ",6,critical ..."
  const std::string after = tail.substr(tail.find(',', 1));  // ",critical ..."
  std::string csv = header + "\n";
  for (int k = 0; k < copies; ++k)
    for (std::size_t i = 0; i < lines.size(); ++i) {
      csv += lines[i] + "\n";
      if (i == lines.size() / 2) {
        csv += "too,few,fields\n";
        csv += "overdrawn" + tail + "\n";
        csv += "< 0 DM,abc" + after + "\n";
      }
    }
  return csv;
}

/// Every batch TakeBatch() returns, fed in chunks of `chunk` bytes and drained after each.
std::vector<ScoredBatch> ScoreInChunks(const loanlens::Bundle& b, const std::string& csv,
                                       bool explain, int threads, std::size_t chunk,
                                       std::vector<double>* mean_abs) {
  BatchScorer scorer(b, "in.csv", explain, threads);
  std::vector<ScoredBatch> out;
  ScoredBatch batch;
  for (std::size_t i = 0; i < csv.size(); i += chunk) {
    scorer.Feed(std::string_view(csv).substr(i, chunk));
    while (scorer.TakeBatch(batch)) out.push_back(std::move(batch));
  }
  scorer.Finish();
  while (scorer.TakeBatch(batch)) out.push_back(std::move(batch));
  *mean_abs = scorer.MeanAbsContributions();
  return out;
}

void CheckSame(const std::vector<ScoredBatch>& a, const std::vector<ScoredBatch>& b) {
  REQUIRE(a.size() == b.size());
  for (std::size_t k = 0; k < a.size(); ++k) {
    REQUIRE(a[k].rows.size() == b[k].rows.size());
    for (std::size_t i = 0; i < a[k].rows.size(); ++i) {
      CHECK(a[k].rows[i].row == b[k].rows[i].row);
      CHECK(a[k].rows[i].cells == b[k].rows[i].cells);
    }
    REQUIRE(a[k].rejected.size() == b[k].rejected.size());
    for (std::size_t i = 0; i < a[k].rejected.size(); ++i)
      CHECK(a[k].rejected[i].reason == b[k].rejected[i].reason);
    REQUIRE(a[k].warnings.size() == b[k].warnings.size());
    for (std::size_t i = 0; i < a[k].warnings.size(); ++i)
      CHECK(a[k].warnings[i].message == b[k].warnings[i].message);
  }
}

}  // namespace

TEST_CASE("batch scoring on several threads: the same batches, cells, rejections and warnings") {
  // Logistic over several blocks; a 300-tree gbdt (interventional TreeSHAP against the
  // reference, the limit search) in one block, with and without explanations.
  struct Case {
    const char* bundle;
    int copies;
    bool explain;
  };
  for (const Case& c :
       {Case{"german_credit_logistic", 10, true}, Case{"german_credit_gbdt", 1, false},
        Case{"german_credit_gbdt", 1, true}}) {
    CAPTURE(c.bundle);
    CAPTURE(c.explain);
    const loanlens::Bundle& b = decision_test::Shipped(c.bundle);
    const std::string csv = GermanWithBadRows(c.copies);
    std::vector<double> mean1, mean3;
    const auto one = ScoreInChunks(b, csv, c.explain, 1, 1 << 16, &mean1);
    const auto three = ScoreInChunks(b, csv, c.explain, 3, 1 << 16, &mean3);
    CheckSame(one, three);
    CHECK(mean1 == mean3);
    std::size_t rows = 0, rejected = 0, warnings = 0;
    for (const auto& batch : one)
      rows += batch.rows.size(), rejected += batch.rejected.size(),
          warnings += batch.warnings.size();
    CHECK(rows == 1001u * c.copies);
    CHECK(rejected == 2u * c.copies);
    CHECK(warnings >= 1u * c.copies);
    if (c.copies * 1000 > static_cast<int>(BatchScorer::kBlockRows) && loanlens::ThreadsAvailable())
      CHECK(one.size() > 2);  // several Feed() batches, each returned whole
  }
}

TEST_CASE("batch scoring: rows in = scored + rejected, bad rows named") {
  const Bundle& b = GermanCreditBundle();
  const std::string text = ReadFile(GermanCredit().data_path);
  const auto nl = text.find('\n');
  std::string csv = text.substr(0, nl + 1);
  std::istringstream lines(text.substr(nl + 1));
  std::string line;
  for (int i = 0; i < 5 && std::getline(lines, line); ++i) csv += line + "\n";
  csv +=
      "< 0 DM,abc,critical account / other credits existing (not at this bank),radio/television,"
      "1169,unknown / no savings account,>= 7 years,4,male : single,none,4,real estate,67,none,"
      "own,2,skilled employee / official,1,none,yes,1\n";
  csv += "too,few,fields\n";
  BatchScorer scorer(b, "upload.csv", true);
  for (std::size_t i = 0; i < csv.size(); i += 7) scorer.Feed(std::string_view(csv).substr(i, 7));
  scorer.Finish();
  CHECK(scorer.RowsIn() == 7);
  CHECK(scorer.RowsScored() == 5);
  CHECK(scorer.RowsRejected() == 2);
  const auto rejected = scorer.TakeRejected();
  REQUIRE(rejected.size() == 2);
  CHECK(rejected[0].row == 7);
  CHECK(rejected[0].reason.rfind(
            "file 'upload.csv', row 7, column 'duration_months', value 'abc': expected a number",
            0) == 0);
  CHECK(rejected[1].row == 8);
  CHECK(rejected[1].reason.find("row 8") != std::string::npos);
  const auto rows = scorer.TakeRows();
  REQUIRE(rows.size() == 5);
  const auto& header = scorer.OutputHeader();
  CHECK(header.size() == 21 + loanlens::DecisionColumns().size() + b.FeatureNames().size() + 1);
  CHECK(header[21] == "pd");
  CHECK(header.back() == "base_value");
  CHECK(rows[0].cells.size() == header.size());
  // Mean |SHAP| per feature: the mean of the shap_<feature> cells' absolute values.
  const auto mean = scorer.MeanAbsContributions();
  REQUIRE(mean.size() == b.FeatureNames().size());
  const std::size_t first_shap = 21 + loanlens::DecisionColumns().size();
  for (std::size_t j = 0; j < mean.size(); ++j) {
    double sum = 0;
    for (const auto& r : rows) sum += std::abs(r.score.contributions[j]);
    CHECK(header[first_shap + j] == "shap_" + b.FeatureNames()[j]);
    CHECK(mean[j] == doctest::Approx(sum / rows.size()).epsilon(1e-12));
  }
}

TEST_CASE("batch scoring: a row's cells are AppendScoreCells', its warnings reach the rules") {
  const Bundle& b = GermanCreditBundle();
  const std::string text = ReadFile(GermanCredit().data_path);
  std::istringstream lines(text);
  std::string header_line, first, line, csv;
  std::getline(lines, header_line);
  std::getline(lines, first);
  csv = header_line + "\n" + first + "\n";
  for (int i = 0; i < 3 && std::getline(lines, line); ++i) csv += line + "\n";
  const auto at = first.find("radio/television");  // the last row: a purpose never seen
  REQUIRE(at != std::string::npos);
  csv += first.replace(at, 16, "spaceship") + "\n";
  BatchScorer scorer(b, "upload.csv", false);
  scorer.Feed(csv);
  scorer.Finish();
  const auto rows = scorer.TakeRows();
  REQUIRE(rows.size() == 5);

  std::vector<CsvRecord> records;
  CsvParser parser("upload.csv", b.Csv());
  const auto keep = [&](CsvRecord&& r) { records.push_back(std::move(r)); };
  parser.Feed(csv, keep);
  parser.Finish(keep);
  REQUIRE(records.size() == 6);
  const std::vector<std::string>& header = records[0].fields;
  const RowParser row_parser(b.GetSchema(), header, "upload.csv", b.Csv());
  const auto names = ScoreColumns(b, false);
  const auto number = ScoreColumnIsNumber(b, false);
  const std::size_t rules =
      static_cast<std::size_t>(std::find(names.begin(), names.end(), "rules") - names.begin());
  for (std::size_t k = 1; k < records.size(); ++k) {
    std::vector<double> raw(row_parser.NumFeatures());
    std::vector<RowWarning> warnings;
    row_parser.ParseFeatures(records[k], raw.data(), &warnings);
    std::vector<std::string> cells;
    AppendScoreCells(b, raw.data(), warnings, false, cells);
    REQUIRE(cells.size() == names.size());
    CHECK(std::vector<std::string>(rows[k - 1].cells.begin() + header.size(),
                                   rows[k - 1].cells.end()) == cells);
    const bool unseen = k == 5;
    CHECK(warnings.empty() != unseen);
    CHECK((cells[rules].find("'spaceship' was not seen") != std::string::npos) == unseen);
    if (unseen) {  // the rule quotes the value from the row's warning
      std::vector<std::string> without;
      AppendScoreCells(b, raw.data(), {}, false, without);
      CHECK(without[rules].find("'spaceship'") == std::string::npos);
    }
  }
  CHECK(names == DecisionColumns());
  REQUIRE(number.size() == names.size());
  for (std::size_t c = 0; c < names.size(); ++c) {
    const bool text_column =
        names[c] == "band" || names[c] == "rules" || names[c].rfind("reason_", 0) == 0;
    CHECK(number[c] == !text_column);
  }
  const auto with_shap = ScoreColumns(b, true);
  CHECK(with_shap.size() == names.size() + b.FeatureNames().size() + 1);
  CHECK(ScoreColumnIsNumber(b, true).size() == with_shap.size());
  CHECK(ScoreColumnIsNumber(b, true).back());
}
