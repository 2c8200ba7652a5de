#include "loanlens/bundle_summary.h"

#include "loanlens/explain/kernel_shap.h"

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
  // Kernel SHAP: whether every coalition is enumerated (exact) or a sample is drawn, as the
  // engine decides it (KernelShapOptions::max_exact_groups), so the page need not repeat the rule.
  if (j.contains("explain") && j["explain"].contains("kernel_shap")) {
    auto& k = j["explain"]["kernel_shap"];
    const int max_exact = KernelShapOptions{}.max_exact_groups;
    const std::size_t groups =
        k.contains("group_names") ? k["group_names"].size() : k.value("num_inputs", std::size_t{0});
    k["max_exact_groups"] = max_exact;
    k["num_groups"] = groups;
    k["exact"] = groups <= static_cast<std::size_t>(max_exact);
  }
  return j;
}

}  // namespace loanlens
