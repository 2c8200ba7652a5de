#pragma once
/// \file
/// The credit policy layer: score points from PD, decision bands, plain-language reason codes.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace loanlens {

/**
 * Points-to-double-odds scaling as used on scorecards: points = offset + factor * ln(good/bad
 * odds), factor = pdo / ln 2, offset = base_points - factor * ln(base_odds). Defaults: 600 points
 * at 50:1 odds, 20 points to double the odds. Bands by PD: pd < approve_below -> "approve"; pd >=
 * decline_at -> "decline"; else "review".
 */
struct Policy {
  double base_points = 600, base_odds = 50, pdo = 20;
  double approve_below = 0.10, decline_at = 0.30;
  int max_reasons = 4;
  double Points(double pd) const;
  std::string Band(double pd) const;
  nlohmann::json ToJson() const;
  static Policy FromJson(const nlohmann::json& j);  ///< validates; throws loanlens::Error
};

/// One reason code: a feature that pushed the margin towards default.
struct Reason {
  std::string feature;
  std::string value;        ///< the applicant's value, as text
  double contribution = 0;  ///< margin units (positive = raises risk)
  std::string text;         ///< "Duration months of 48 raises the risk"
};

/// Top `max_reasons` features by positive contribution (ties by name), with readable text.
/// `margin_is_probability`: the contributions are changes in probability (random forests), not
/// in log-odds; the text then gives percentage points instead of an odds multiplier.
std::vector<Reason> ReasonCodes(const std::vector<std::string>& features,
                                const std::vector<std::string>& descriptions,
                                const std::vector<std::string>& values,
                                const std::vector<double>& contributions, int max_reasons,
                                bool margin_is_probability = false);

}  // namespace loanlens
