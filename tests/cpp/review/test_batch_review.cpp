#include <doctest/doctest.h>

#include <sstream>

#include "loanlens/error.h"
#include "loanlens/file.h"
#include "loanlens/metrics.h"
#include "loanlens/pipeline.h"
#include "loanlens/review/batch_review.h"

using namespace loanlens;

namespace {
TrainOptions German() {
  TrainOptions o;
  o.data_path = std::string(LOANLENS_SOURCE_DIR) + "/models/data/german_credit.csv";
  o.target = "class";
  o.positive = "2";
  o.fairness_attribute = "personal_status_sex";
  return o;
}
const Bundle& Trained() {
  static const Bundle b = TrainBundle(German());
  return b;
}
std::unique_ptr<BatchReview> Review(const std::string& text, std::size_t chunk,
                                    ReviewOptions o = {}) {
  auto r = std::make_unique<BatchReview>(Trained(), "german_credit.csv", o);
  for (std::size_t k = 0; k < text.size(); k += chunk)
    r->Feed(std::string_view(text).substr(k, chunk));
  r->Finish();
  return r;
}
}  // namespace

TEST_CASE("the review of a file does not depend on the chunk size and matches EvaluateBinary") {
  const std::string text = ReadFile(German().data_path);
  ReviewOptions o;
  o.backtest.bootstrap.replicates = 50;
  o.attribute = "foreign_worker";
  o.fairness.bootstrap.replicates = 50;
  const auto whole = Review(text, text.size(), o);
  const auto pieces = Review(text, 777, o);
  CHECK(whole->RowsScored() == 1000);
  CHECK(whole->RowsWithOutcome() == 1000);
  const auto a = whole->BacktestReport(), b = pieces->BacktestReport();
  CHECK(a == b);
  CHECK(whole->MonitorReport() == pieces->MonitorReport());
  CHECK(whole->FairnessReportJson() == pieces->FairnessReportJson());
  // The same numbers as scoring the parsed frame row by row.
  std::istringstream in(text);
  CsvReader reader(in, "german_credit.csv");
  ReadOptions ro;
  ro.target = "class";
  ro.positive = "2";
  ro.negatives = {"1"};
  const ReadResult rr = ReadFrame(reader, Trained().GetSchema(), ro);
  std::vector<double> pd;
  for (std::size_t i = 0; i < rr.frame.num_rows; ++i)
    pd.push_back(Trained().ScoreRow(rr.frame.Row(i), false).pd);
  CHECK(a["auc"].get<double>() == RocAuc(rr.frame.target, pd));
  CHECK(a["intervals"]["auc"]["estimate"].get<double>() ==
        doctest::Approx(a["auc"].get<double>()).epsilon(1e-14));
}

TEST_CASE("the review on several threads: the same reports and rejections, in input order") {
  // German credit repeated past two blocks (BatchReview::kBlockRows), with bad rows mixed in.
  const std::string text = ReadFile(German().data_path);
  const std::string header = text.substr(0, text.find('\n') + 1);
  const std::string body = text.substr(header.size());
  std::string big = header;
  for (int k = 0; big.size() < 10 * text.size(); ++k) {
    big += body;
    big += k % 2 ? "A11,not-a-number\n" : "A11,6,A34\n";  // a non-number; a short row
  }
  ReviewOptions o;
  o.backtest.bootstrap.replicates = 20;
  o.attribute = "foreign_worker";
  o.fairness.bootstrap.replicates = 20;
  o.keep_ids = true;
  const auto one = Review(big, 65536, o);
  o.threads = 3;
  const auto three = Review(big, 65536, o);
  REQUIRE(one->RowsIn() > 2 * BatchReview::kBlockRows);
  CHECK(one->RowsIn() == three->RowsIn());
  CHECK(one->RowsScored() == three->RowsScored());
  REQUIRE(one->RowsRejected() >= 10);
  REQUIRE(one->RowsRejected() == three->RowsRejected());
  for (std::size_t i = 0; i < one->RowsRejected(); ++i) {
    CHECK(one->Rejected()[i].row == three->Rejected()[i].row);
    CHECK(one->Rejected()[i].reason == three->Rejected()[i].reason);
    if (i > 0) CHECK(one->Rejected()[i - 1].row < one->Rejected()[i].row);
  }
  CHECK(one->BacktestReport() == three->BacktestReport());
  CHECK(one->MonitorReport() == three->MonitorReport());
  CHECK(one->FairnessReportJson() == three->FairnessReportJson());
}

TEST_CASE("monitoring the training population is stable; reports without outcomes") {
  std::string text = ReadFile(German().data_path);
  const auto r = Review(text, 4096);
  const auto m = r->MonitorReport();
  CHECK(m["score"]["psi"].get<double>() < 0.10);
  CHECK(m["score"]["verdict"] == "stable");
  for (const auto& [name, f] : m["features"].items()) CHECK(f["verdict"] == "stable");
  CHECK(m["performance"]["auc"].get<double>() > 0.5);
  CHECK(m["early_warning"].is_null());
  // Without the target column: drift only; a back-test is refused with a clear message.
  auto u = std::make_unique<BatchReview>(Trained(), "new.csv");
  CHECK_THROWS_WITH_AS(u->Feed("checking_status,duration_months\n"),
                       doctest::Contains("missing required columns 'credit_history'"), Error);
  BatchReview nolabel(Trained(), "new.csv");
  nolabel.Feed(
      "checking_status,duration_months,credit_history,purpose,credit_amount,"
      "savings_status,employment_since,installment_rate_pct,other_debtors,"
      "residence_since,property,other_installment_plans,housing,existing_credits,job,"
      "num_dependents,telephone\n< 0 DM,12,critical,radio/tv,1000,< 100 DM,>= 7,2,none,"
      "2,real estate,none,own,1,skilled,1,yes\n");
  nolabel.Finish();
  CHECK(nolabel.RowsScored() == 1);
  CHECK_FALSE(nolabel.HasTarget());
  CHECK(nolabel.MonitorReport()["performance"].is_null());
  CHECK_THROWS_WITH_AS(nolabel.BacktestReport(), doctest::Contains("a back-test needs outcomes"),
                       Error);
  ReviewOptions o;
  o.attribute = "purpose";
  BatchReview bad(Trained(), "x.csv", o);
  CHECK_THROWS_WITH_AS(bad.Feed(text.substr(0, 2000)), doctest::Contains("is a model input"),
                       Error);
}
