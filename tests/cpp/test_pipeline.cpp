#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "german_credit_test_util.h"
#include "loanlens/bundle.h"
#include "loanlens/error.h"
#include "loanlens/pipeline.h"
#include "loanlens/review/batch_review.h"

using namespace loanlens;
using loanlens::test::GermanCredit;
using loanlens::test::GermanCreditBundle;

namespace {

/// German credit with the fairness attribute personal_status_sex (kept out of the model).
TrainOptions GermanWithFairness() {
  TrainOptions o = GermanCredit();
  o.fairness_attribute = "personal_status_sex";
  return o;
}

/// TrainBundle(GermanWithFairness()), trained once.
const Bundle& GermanWithFairnessBundle() {
  static const Bundle b = TrainBundle(GermanWithFairness());
  return b;
}

}  // namespace

TEST_CASE("training is deterministic for a seed") {
  const nlohmann::json a = nlohmann::json::parse(GermanCreditBundle().Dump());
  const nlohmann::json b = nlohmann::json::parse(TrainBundle(GermanCredit()).Dump());
  CHECK(a["content_sha256"] == b["content_sha256"]);
  TrainOptions o = GermanCredit();
  o.seed = 8;
  const nlohmann::json c = nlohmann::json::parse(TrainBundle(o).Dump());
  CHECK(a["content_sha256"] != c["content_sha256"]);
}

TEST_CASE("training records what a validator needs") {
  const nlohmann::json j = nlohmann::json::parse(GermanCreditBundle().Dump());
  CHECK(j["training"]["rows"] == 1000);
  CHECK(j["training"]["train_rows"] == 800);
  CHECK(j["training"]["valid_rows"] == 200);
  CHECK(j["training"]["data_sha256"] ==
        "547327a24fafaa139928efca5668b0d2a7198e5fe2e966fb9a9994523ae4ead8");
  CHECK(j["metrics"]["validation"]["n_positive"] == 60);  // stratified: 30% of 200
  const double auc = j["metrics"]["validation"]["auc"];
  CHECK(auc > 0.7);
  CHECK(auc < 0.85);
  SUBCASE("prohibited bases are kept out of the model by default") {
    for (const char* c : {"personal_status_sex", "age_years", "foreign_worker"}) {
      CAPTURE(c);
      const auto* spec = GermanCreditBundle().GetSchema().Find(c);
      REQUIRE(spec);
      CHECK(spec->role == Role::kProtected);
    }
    const auto names = GermanCreditBundle().FeatureNames();
    CHECK(std::find(names.begin(), names.end(), "personal_status_sex") == names.end());
  }
}

TEST_CASE("training stores training-sample metrics, the drift reference, fairness and the card") {
  const auto& m = GermanWithFairnessBundle().Meta();
  REQUIRE(m["metrics"].contains("training"));
  CHECK(m["metrics"]["training"]["n_rows"] == 800);
  CHECK(m["metrics"]["validation"]["n_rows"] == 200);
  CHECK(m["metrics"]["validation"].contains("intervals"));
  CHECK(m["metrics"]["validation"].contains("band_table"));
  CHECK(m["metrics"]["validation"].contains("hosmer_lemeshow"));
  CHECK(m["metrics"]["validation"]["confusion_at_cutoffs"].size() == 2);
  CHECK(m["metrics"]["comparison"]["auc_gap"].get<double>() ==
        doctest::Approx(m["metrics"]["training"]["auc"].get<double>() -
                        m["metrics"]["validation"]["auc"].get<double>()));
  const DriftReference d = BundleDriftReference(GermanWithFairnessBundle());
  CHECK(d.rows == 800);
  CHECK(d.features.size() == GermanWithFairnessBundle().FeatureNames().size());
  // The protected column survived the split into the validation rows.
  REQUIRE(m.contains("fairness"));
  CHECK(m["fairness"]["attribute"] == "personal_status_sex");
  std::size_t rows = 0;
  for (const auto& g : m["fairness"]["groups"]) rows += g["count"].get<std::size_t>();
  CHECK(rows == 200);
  CHECK(m["fairness"]["proxies"].size() == GermanWithFairnessBundle().FeatureNames().size());
  CHECK(m.contains("card"));
  // Survives save and reload.
  const Bundle back = Bundle::Parse(GermanWithFairnessBundle().Dump());
  CHECK(back.Meta()["drift_reference"] == m["drift_reference"]);
}

TEST_CASE("a fairness attribute must not be a model input") {
  TrainOptions o = GermanWithFairness();
  o.fairness_attribute = "purpose";
  CHECK_THROWS_WITH_AS(TrainBundle(o), doctest::Contains("names a model input"), Error);
  o.fairness_attribute = "nope";
  CHECK_THROWS_WITH_AS(TrainBundle(o), doctest::Contains("not in the file"), Error);
}
