#pragma once
/// \file
/// Derived features: a schema column declared as the ratio of two others
/// (`"derived": {"ratio": ["loan_amnt", "person_income"]}`) is computed from them, and a given
/// value that disagrees with them beyond rounding is flagged. Works on raw rows (Frame rows: one
/// double per feature in `features` order, NaN = missing).
#include <cstddef>
#include <string>
#include <vector>

#include "loanlens/data/schema.h"

namespace loanlens::decision {

/// One derived ratio, as indices into the raw row: raw[feature] = raw[numerator] /
/// raw[denominator].
struct DerivedRatio {
  std::size_t feature = 0;
  std::size_t numerator = 0;
  std::size_t denominator = 0;
};

/// The derived ratios among `features`, in schema order. A ratio is listed only when the column
/// and both of its parts are in `features`.
std::vector<DerivedRatio> DerivedRatios(const Schema& schema,
                                        const std::vector<std::string>& features);

/// numerator / denominator; NaN when either is missing (NaN) or the denominator is 0.
double RatioValue(double numerator, double denominator);

/**
 * Recomputes every derived feature of `raw` from its parts (RatioValue). Ratios of ratios are
 * resolved in dependency order.
 * \param features  the names of the raw row's values (Bundle::FeatureNames())
 * \param raw       in/out: features.size() values
 */
void RecomputeDerived(const Schema& schema, const std::vector<std::string>& features,
                      double* raw);

/// Recomputes only the derived features that depend, directly or through other derived
/// features, on a feature with changed[i] set; sets changed[] for the recomputed ones too.
void RecomputeDependents(const std::vector<DerivedRatio>& ratios, std::vector<bool>& changed,
                         double* raw);

/// How far a given derived value may be from the ratio of its parts: a value given with two
/// decimals (as loan_percent_income is, 0.59 for 35000 / 59000 = 0.5932) is off by at most half
/// a unit in the last place, 0.005. A value disagrees when
/// |given - computed| > absolute + relative * |computed|.
struct DerivedTolerance {
  double absolute = 0.005;
  double relative = 1e-9;
};

/// A derived feature whose given value disagrees with its parts.
struct DerivedMismatch {
  std::string feature;
  std::size_t index = 0;  ///< in the raw row
  double given = 0;
  double computed = 0;  ///< NaN when the denominator is 0
};

/**
 * The derived features of `raw` whose given value disagrees with the ratio of their parts.
 * Not a mismatch: a missing given value (the form computes it), or a missing part (nothing to
 * check against). A mismatch: a given value when the denominator is 0 (no ratio exists), or a
 * value off by more than the tolerance.
 */
std::vector<DerivedMismatch> DerivedMismatches(const Schema& schema,
                                               const std::vector<std::string>& features,
                                               const double* raw,
                                               const DerivedTolerance& tolerance = {});

}  // namespace loanlens::decision
