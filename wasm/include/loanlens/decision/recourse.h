#pragma once
/// \file
/// Recourse: for an applicant who is not approved, the smallest changes in features the applicant
/// can act on that turn the decision into "approve" (counterfactual explanations; Wachter, Mittelstadt
/// & Russell 2018, "Counterfactual explanations without opening the black box", Harvard JOLT;
/// Ustun, Spangher & Liu 2019, "Actionable recourse in linear classification", FAT*).
///
/// A change is measured in units of the feature's training range, |new - old| / (max - min); a
/// categorical or boolean change counts 1 (a whole range). Only features marked actionable (the
/// schema's `actionable` flag, or RecourseOptions::actionable) are changed, never a protected
/// attribute (role protected, or a name IsDefaultProtected() recognises: age, sex ...), never a
/// derived feature (it is recomputed from its parts) and never a feature whose value is missing.
/// New values stay in the training range [min, max] (numeric) or among the training levels
/// (categorical), and move in the direction a monotone constraint of the model says lowers risk.
///
/// Search: tree models are piecewise constant in each feature, so every stretch between the
/// model's split thresholds (mapped to raw values, also through derived ratios) is scored once
/// at its value closest to the applicant's: the smallest single change is exact (up to the
/// feature's step). Other models (linear, SVM): a grid from the applicant's value to the end of
/// the range in each allowed direction, then bisection to the step in the first approving cell
/// (exact for models monotone in the feature, such as logistic regression, whose margin is
/// linear in each standardised input). Pairs of features are searched when single changes give
/// fewer than max_options options: every combination of the two features' candidate values whose
/// summed cost is below the best pair found so far (exact for trees), refined by bisection for
/// the other models. Every reported option was scored as reported: applying it (ApplyRecourse)
/// and scoring again gives its band, PD and points.
#include <cstddef>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "loanlens/bundle.h"

namespace loanlens::decision {

struct RecourseOptions {
  std::size_t max_options = 3;
  /// Features that may change; empty = the schema's `actionable` flags. Names that are not
  /// features throw loanlens::Error; protected and derived ones are skipped (listed in skipped).
  std::vector<std::string> actionable;
  bool pairs = true;  ///< search pairs of features when single changes give too few options
  /// Upper bound on Bundle::ScoreRow calls for one applicant; the search stops there and says so
  /// (RecourseResult::complete = false). A call costs ~12 us natively for a 300-tree, depth-4
  /// gbdt, so 6000 calls bound the search at ~75 ms natively, ~150 ms in WebAssembly. A count,
  /// not a clock, so that native and browser give the same options.
  std::size_t max_evaluations = 6000;
  /// Models without split thresholds: grid points per direction (>= 1).
  std::size_t grid_points = 16;
  /// Granularity of proposed values per feature; default: 1 for integer-valued features, else
  /// four significant digits of the training range.
  std::map<std::string, double> steps;
};

struct RecourseChange {
  std::string feature;
  std::size_t index = 0;  ///< in the raw row
  double from = 0, to = 0;  ///< raw values (category codes for categorical features)
  std::string from_level, to_level;  ///< level names for categorical and boolean features
  double cost = 0;  ///< |to - from| / (max - min); 1 for a categorical change
};

struct RecourseOption {
  std::vector<RecourseChange> changes;  ///< one or two, by feature index
  double cost = 0;                      ///< sum of the changes' costs
  double pd = 0, points = 0, margin = 0;
  std::string band;  ///< "approve"
};

struct RecourseSkip {
  std::string feature;
  std::string reason;
};

struct RecourseResult {
  std::vector<RecourseOption> options;  ///< single changes by cost, then pairs by cost
  std::string band;                     ///< the applicant's band as given
  std::vector<std::string> features;    ///< the actionable features searched
  std::vector<RecourseSkip> skipped;    ///< actionable features not searched, and why
  std::size_t evaluations = 0;          ///< Bundle::ScoreRow calls
  bool complete = true;                 ///< false when max_evaluations stopped the search
};

/**
 * Up to max_options smallest changes that turn the applicant into "approve".
 * \param raw  the applicant (Bundle::FeatureNames() order, a Frame row)
 * \return no options when the applicant is already approved or nothing actionable helps.
 * ScoreRow calls: at most options.max_evaluations (+ 1 for the applicant's own score).
 */
RecourseResult FindRecourse(const Bundle& bundle, const double* raw,
                            const RecourseOptions& options = {});

/// `raw` with the option's changes applied and the derived features that depend on them
/// recomputed: scoring it gives the option's band, PD and points.
std::vector<double> ApplyRecourse(const Bundle& bundle, const double* raw,
                                  const RecourseOption& option);

/// {"changes": {feature: new value (number, or level name)}, "from": {feature: old value},
/// "cost", "pd", "points", "band"}.
nlohmann::json ToJson(const RecourseOption& option);
/// {"options": [...], "band", "features", "skipped": [{"feature", "reason"}], "evaluations",
/// "complete"}.
nlohmann::json ToJson(const RecourseResult& result);

}  // namespace loanlens::decision
