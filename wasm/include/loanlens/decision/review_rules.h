#pragma once
/// \file
/// Manual-review rules: each has an id and a sentence; a decision lists every rule that fired,
/// and any fired rule turns "approve" into "review" (a decline stays a decline).
#include <string>
#include <vector>

#include "loanlens/data/frame.h"

namespace loanlens {

class Bundle;
struct Score;

struct FiredRule {
  std::string id;    ///< near_cutoff | out_of_range | key_field_missing | unseen_category |
                     ///< amount_above_max | derived_mismatch | above_budget
  std::string text;  ///< a sentence for the loan officer
};

/**
 * The rules that fire for one parsed row.
 * \param raw       NumFeatures() values (Frame row)
 * \param warnings  the parser's warnings for this row (unseen categories ...)
 * \param score     the row's score (for the cut-off distance and the budget)
 */
std::vector<FiredRule> ReviewRules(const Bundle& bundle, const double* raw,
                                   const std::vector<RowWarning>& warnings, const Score& score);

/// Whether any rule fires for the row (no parser warnings), without writing the sentences: for
/// searches that re-score many candidate rows.
bool AnyReviewRuleFires(const Bundle& bundle, const double* raw, const Score& score);

/// "approve" with any fired rule -> "review"; otherwise the score's band.
std::string DecisionOf(const std::string& score_band, const std::vector<FiredRule>& rules);

}  // namespace loanlens
