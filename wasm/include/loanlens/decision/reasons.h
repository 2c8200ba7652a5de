#pragma once
/// \file
/// Adverse-action reasons and main factors in plain words, from contributions against the
/// reference population converted to score points. A reason is a feature on which the applicant
/// loses at least `min_reason_points` points; at most `max_reasons`, most adverse first; never a
/// protected attribute (a prohibited basis); a missing value reads "Incomplete information:
/// <field> not provided". Texts come from the schema's reason catalogue (reason_code,
/// reason_high / reason_low, level_reasons) or are generated from the description.
#include <string>
#include <vector>

namespace loanlens {

class Bundle;

struct ReasonItem {
  std::string feature;
  std::string code;  ///< catalogue code, or "R" + the feature's position (R01, R02, ...)
  std::string text;
  double points = 0;        ///< points gained (+) or lost (-) against the reference
  double contribution = 0;  ///< the same in margin units
  bool adverse = true;
};

/**
 * Converts per-feature margin contributions to points so that they add up exactly:
 * sum(points) = Points(pd(margin)) - Points(pd(base_margin)). Each contribution is scaled by
 * (P(margin) - P(base)) / (margin - base), which is -pdo / ln 2 for an uncalibrated log-odds
 * model (the local slope when margin == base).
 */
std::vector<double> ContributionPoints(const Bundle& bundle, double margin, double base_margin,
                                       const std::vector<double>& contributions);

/// The adverse reasons for one parsed row, given its points against the reference.
std::vector<ReasonItem> AdverseReasons(const Bundle& bundle, const double* raw,
                                       const std::vector<double>& contributions,
                                       const std::vector<double>& points);

/// The features that raised the score most against the reference (for approved applicants):
/// same form as the reasons, adverse = false.
std::vector<ReasonItem> MainFactors(const Bundle& bundle, const double* raw,
                                    const std::vector<double>& contributions,
                                    const std::vector<double>& points);

/// "R07: Loan duration is too long" (the form of score's reason_N columns).
std::string ReasonColumn(const ReasonItem& r);

}  // namespace loanlens
