#pragma once
/// \file
/// Target coding, one rule for `train`, `split` and `import-xgboost`: the target column must have
/// exactly two distinct non-missing values, compared after trimming spaces and, when both parse as
/// numbers, as numbers (" 1", "1" and "1.0" are one value). The positive value (meaning default) is
/// `--positive` (matched the same way), or "1" when the two values are 0 and 1.
#include <string>
#include <string_view>
#include <vector>

#include "loanlens/data/csv.h"

namespace loanlens {

/// Equal as text, or as numbers when both parse ("1.0" matches "1"); `cell` should be trimmed.
bool SameTargetValue(std::string_view cell, const std::string& expected);

/// The positive and negative value of a binary target, each spelled as it first occurs in the data.
struct TargetCoding {
  std::string positive;
  std::string negative;
};

/**
 * Resolves the coding from the column's distinct values (trimmed, as schema inference lists
 * them; numerically equal spellings are merged here).
 * \param values           distinct non-missing values of the target column
 * \param positive_option  `--positive` ("" = "1" for a 0/1 target)
 * \param source, column   named in the errors
 * Throws loanlens::Error when there are not exactly two values, when `--positive` is needed, or
 * when it matches neither value (e.g. "--positive 2" on a 0/1 target).
 */
TargetCoding CodeTarget(const std::vector<std::string>& values, const std::string& positive_option,
                        const std::string& source, const std::string& column);

/// Distinct trimmed non-missing values of `cells` (missing tokens of `options` skipped), in order
/// of first occurrence.
std::vector<std::string> DistinctTargetValues(const std::vector<std::string>& cells,
                                              const CsvOptions& options);

/// Checks a hold-out fraction: a number strictly between 0 and 1 (NaN and infinities are refused);
/// throws loanlens::Error naming `option` and the value.
void CheckValidFraction(double fraction, const std::string& option = "--valid-fraction");

}  // namespace loanlens
