#include <doctest/doctest.h>

#include "decision_test_util.h"
#include "loanlens/decision/applicant.h"
#include "loanlens/decision/receipt.h"
#include "loanlens/error.h"
#include "loanlens/scoring.h"

using namespace loanlens;

TEST_CASE("receipt: complete, validated, and round-trips through its JSON text") {
  const Bundle& b = test::DecisionBundle("gbdt");
  const nlohmann::json record = {{"duration_months", 48}, {"credit_amount", 25000},
                                 {"checking_status", "overdrawn"}};
  const nlohmann::json decision = ExplainRecord(b, record);
  ReceiptHeader h{"A-17", "2026-12-01T12:00:00Z", "german_credit_gbdt.json"};
  const nlohmann::json r = Receipt(b, decision, h);
  ValidateReceipt(r);
  const nlohmann::json back = nlohmann::json::parse(r.dump(2));
  CHECK(back == r);
  ValidateReceipt(back);
  CHECK(back["bundle"]["content_sha256"] == b.ToJson()["content_sha256"]);
  CHECK(back["applicant_reference"] == "A-17");
  CHECK(back["decision"]["band"] == decision["band"]);
  // Inputs as given and as used: the unseen level went to __other__, the amount is as given.
  bool other = false;
  for (const auto& in : back["decision"]["inputs"])
    if (in["feature"] == "checking_status")
      other = in["given"] == "overdrawn" && in["used"] == "__other__";
  CHECK(other);
  // The rules the parser's warnings led to are in the record.
  bool unseen = false, range = false;
  for (const auto& rule : back["decision"]["rules"]) {
    unseen |= rule["id"] == "unseen_category";
    range |= rule["id"] == "out_of_range";
  }
  CHECK(unseen);
  CHECK(range);
  nlohmann::json broken = r;
  broken["decision"].erase("reasons");
  CHECK_THROWS_WITH_AS(ValidateReceipt(broken), doctest::Contains("decision.reasons"), Error);
}
