#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <vector>

#include "decision/decision_test_util.h"
#include "loanlens/parallel.h"
#include "loanlens/scoring.h"

using loanlens::BatchScorer;
using loanlens::ScoredBatch;

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
