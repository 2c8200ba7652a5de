#include <doctest/doctest.h>

#include "loanlens/card/model_card.h"
#include "loanlens/pipeline.h"

using namespace loanlens;

TEST_CASE("the model card is computed from the bundle and renders as Markdown") {
  TrainOptions o;
  o.data_path = std::string(LOANLENS_SOURCE_DIR) + "/models/data/german_credit.csv";
  o.target = "class";
  o.positive = "2";
  o.params["monotone"] = "duration_months:+1";
  o.model = "gbdt";
  o.params["n_trees"] = "20";
  const Bundle b = TrainBundle(o);
  const nlohmann::json& card = b.Meta()["card"];
  CHECK(card == BuildModelCard(b));
  std::vector<std::string> ids;
  for (const auto& s : card["sections"]) ids.push_back(s["id"]);
  CHECK(ids == std::vector<std::string>{"data", "use", "columns", "protocol", "metrics", "bands",
                                        "calibration", "policy", "fairness", "drift"});
  const std::string hash = b.ToJson()["content_sha256"];
  const std::string md = RenderModelCardMarkdown(card, hash);
  CHECK(md.find(hash) != std::string::npos);
  CHECK(md.find(b.Meta()["training"]["data_sha256"].get<std::string>()) != std::string::npos);
  CHECK(md.find("duration_months:+1") != std::string::npos);
  CHECK(md.find("personal_status_sex") != std::string::npos);  // protected, listed
  char auc[16];
  std::snprintf(auc, sizeof auc, "%.3f", b.Meta()["metrics"]["validation"]["auc"].get<double>());
  CHECK(md.find(std::string("| auc | ")) != std::string::npos);
  CHECK(md.find(auc) != std::string::npos);
  CHECK(md.find("No fairness attribute was given") != std::string::npos);
}
