#include "loanlens/decision/decision.h"

#include <numeric>

#include "loanlens/decision/text.h"

namespace loanlens {
namespace {

/// Reasons against the reference population; bundles trained before it had one are explained
/// against the training mean instead (and say so in `reference`).
void AgainstReference(const Bundle& b, const double* raw, Decision& d) {
  if (!b.GetReference().Empty()) {
    d.reference_margin = b.GetReference().MeanMargin();
    d.reference_contributions = b.ReferenceContributions(raw);
  } else {
    const Score s = d.score.contributions.empty() ? b.ScoreRow(raw, true) : d.score;
    d.reference_margin = s.base_value;
    d.reference_contributions = s.contributions;
  }
  d.reference_points =
      ContributionPoints(b, d.score.margin, d.reference_margin, d.reference_contributions);
}

nlohmann::json ReasonsJson(const std::vector<ReasonItem>& items) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : items)
    out.push_back({{"feature", r.feature},
                   {"code", r.code},
                   {"text", r.text},
                   {"points", r.points},
                   {"contribution", r.contribution},
                   {"adverse", r.adverse}});
  return out;
}

nlohmann::json ByFeature(const std::vector<std::string>& features, const std::vector<double>& v) {
  nlohmann::json out = nlohmann::json::object();
  for (std::size_t j = 0; j < v.size(); ++j) out[features[j]] = v[j];
  return out;
}

}  // namespace

Decision Decide(const Bundle& bundle, const double* raw, const std::vector<RowWarning>& warnings,
                const DecisionOptions& options) {
  Decision d;
  d.score = bundle.ScoreRow(raw, options.shap);
  d.rules = ReviewRules(bundle, raw, warnings, d.score);
  d.decision = DecisionOf(d.score.band, d.rules);
  AgainstReference(bundle, raw, d);
  if (d.decision == "approve") {
    d.factors = MainFactors(bundle, raw, d.reference_contributions, d.reference_points);
  } else {
    d.reasons = AdverseReasons(bundle, raw, d.reference_contributions, d.reference_points);
  }
  if (options.shap) {
    d.points_by_feature =
        ContributionPoints(bundle, d.score.margin, d.score.base_value, d.score.contributions);
    d.base_points = d.score.points -
                    std::accumulate(d.points_by_feature.begin(), d.points_by_feature.end(), 0.0);
  }
  d.price = PriceOf(bundle, raw, d.score);
  const int amount = bundle.Fields().amount;
  if (options.limit && amount >= 0)
    d.limit = decision::FindLimit(bundle, raw, static_cast<std::size_t>(amount));
  if (options.recourse && d.score.band != "approve")
    d.recourse = decision::FindRecourse(bundle, raw);
  return d;
}

nlohmann::json DecisionJson(const Bundle& bundle, const Decision& d) {
  const auto& features = bundle.FeatureNames();
  nlohmann::json rules = nlohmann::json::array();
  for (const auto& r : d.rules) rules.push_back({{"id", r.id}, {"text", r.text}});
  nlohmann::json reference = bundle.GetReference().Empty()
                                 ? nlohmann::json{{"rows", 0},
                                                  {"margin", d.reference_margin},
                                                  {"population",
                                                   "training mean (no reference "
                                                   "population in this bundle)"}}
                                 : bundle.GetReference().Summary();
  nlohmann::json price = {{"rate", d.price.rate}};
  if (d.price.has_expected_loss) {
    price["expected_loss"] = d.price.expected_loss;
    price["ead"] = d.price.ead;
  }
  nlohmann::json out = {{"pd", d.score.pd},
                        {"margin", d.score.margin},
                        {"points", d.score.points},
                        {"band", d.decision},
                        {"score_band", d.score.band},
                        {"rules", rules},
                        {"reasons", ReasonsJson(d.reasons)},
                        {"factors", ReasonsJson(d.factors)},
                        {"reference", reference},
                        {"reference_contributions", ByFeature(features, d.reference_contributions)},
                        {"reference_points", ByFeature(features, d.reference_points)},
                        {"price", price}};
  if (d.limit) out["limit"] = decision::ToJson(*d.limit);
  nlohmann::json recourse = nlohmann::json::array();
  if (d.recourse) {
    for (const auto& option : d.recourse->options) recourse.push_back(decision::ToJson(option));
    nlohmann::json search = decision::ToJson(*d.recourse);
    search.erase("options");
    out["recourse_search"] = std::move(search);
  }
  out["recourse"] = std::move(recourse);
  if (!d.score.contributions.empty()) {
    out["base_value"] = d.score.base_value;
    out["contributions"] = ByFeature(features, d.score.contributions);
    out["points_by_feature"] = ByFeature(features, d.points_by_feature);
    out["base_points"] = d.base_points;
  }
  return out;
}

}  // namespace loanlens
