#include "loanlens/bundle_summary.h"

namespace loanlens {
namespace {

nlohmann::json FeatureSummaries(const Bundle& b) {
  nlohmann::json features = nlohmann::json::array();
  const auto& pre = b.GetPreprocessor();
  for (std::size_t i = 0; i < pre.NumFeatures(); ++i) {
    const auto& f = pre.Features()[i];
    const ColumnSpec* c = b.GetSchema().Find(f.name);
    features.push_back({{"name", f.name},
                        {"type", ToString(c->type)},
                        {"description", c->description},
                        {"min", c->min},
                        {"max", c->max},
                        {"median", f.median},
                        {"categories", c->categories},
                        {"counts", c->counts},
                        {"missing", c->missing}});
  }
  return features;
}

}  // namespace

nlohmann::json BundleSummary(const Bundle& b) {
  nlohmann::json j = b.ToJson();
  j.erase("model");
  j.erase("preprocess");
  j["features"] = FeatureSummaries(b);
  // The method this engine uses (bundles trained before a family gained an exact method store
  // the old one).
  if (j.contains("explain")) j["explain"]["method"] = b.ExplainMethod();
  // How to read the margin: log-odds for most models; the forest's average probability.
  j["margin_scale"] = b.GetModel().MarginIsProbability() ? "probability" : "log_odds";
  return j;
}

}  // namespace loanlens
