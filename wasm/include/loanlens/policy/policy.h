#pragma once
/// \file
/// The credit policy: score points from PD, the cut-offs that make a band, and every setting of
/// the decision layer (reasons, review rules, price and limit). It lives in the bundle's `policy`
/// section, is set at train time with `--param key=value` and changed later without retraining
/// (`loanlens policy --set key=value`), each change appended to `history`.
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace loanlens {

/**
 * Points-to-double-odds scaling as used on scorecards: points = offset + factor * ln(good/bad
 * odds), factor = pdo / ln 2, offset = base_points - factor * ln(base_odds). Defaults: 600 points
 * at 50:1 odds, 20 points to double the odds.
 *
 * Bands by PD (cutoff_unit "pd"): pd < approve_below -> "approve"; pd >= decline_at ->
 * "decline"; else "review". By points (cutoff_unit "points"): points >= approve_at_points ->
 * "approve"; points < decline_below_points -> "decline"; else "review".
 */
struct Policy {
  // Scaling.
  double base_points = 600, base_odds = 50, pdo = 20;
  // Cut-offs.
  std::string cutoff_unit = "pd";  ///< "pd" | "points"
  double approve_below = 0.10, decline_at = 0.30;
  double approve_at_points = 0, decline_below_points = 0;
  // Adverse-action reasons, measured against the reference population: training applicants
  // scored at or up to reference_band_points above the approval cut-off (at most
  // reference_rows of them).
  int max_reasons = 4;
  double min_reason_points = 2;
  double reference_band_points = 20;
  int reference_rows = 100;
  // Manual-review rules.
  double review_near_cutoff_points = 5;  ///< PD within this many points of a cut-off; 0 = off
  std::vector<std::string> key_fields;   ///< a missing (imputed) key field sends to review
  bool review_out_of_range = true;       ///< numeric input outside the training range
  bool review_unseen_level = true;       ///< category not seen in training
  double derived_tolerance = 0.01;       ///< derived ratio: allowed |given - computed|
  // Price and limit.
  std::string amount_feature;  ///< the loan amount ("" = no price and limit)
  std::string ead_feature;     ///< exposure at default ("" = the amount)
  double max_amount = 0;       ///< amounts above it go to review (0 = no maximum)
  double lgd = 0.45;           ///< loss given default
  double cost_of_funds = 0.04, rate_margin = 0.03;  ///< rate = cost + PD x LGD + margin
  std::map<std::string, double> rate_grid;  ///< band -> rate; when set, replaces the formula
  double max_pd = 0;                        ///< budget: approvable only below this PD (0 = none)
  double max_expected_loss = 0;             ///< budget on PD x LGD x EAD (0 = none)
  /// Changes made after training: [{"key", "old", "new", "time"}].
  nlohmann::json history = nlohmann::json::array();

  double Points(double pd) const;
  /// The PD at which the score is `points` (inverse of Points()).
  double PdOfPoints(double points) const;
  /// "approve" | "review" | "decline" by the cut-offs alone (no review rules).
  std::string Band(double pd) const;
  /// The approval / decline cut-offs in points.
  double ApprovePoints() const;
  double DeclinePoints() const;

  /// Sets one key from its text (as in --param key=value); throws loanlens::Error naming the key
  /// and the expected value. Returns false when `key` is not a policy key.
  bool Set(const std::string& key, const std::string& value);
  /// The keys Set() knows, in documentation order.
  static const std::vector<std::string>& Keys();
  /// The current value of a key as text (for the history).
  std::string Get(const std::string& key) const;
  /// Throws loanlens::Error when the settings are inconsistent (cut-offs out of order ...).
  void Validate() const;

  nlohmann::json ToJson() const;
  /// Validates; keys added after version 0.1 are optional (older bundles keep loading).
  static Policy FromJson(const nlohmann::json& j);
};

}  // namespace loanlens
