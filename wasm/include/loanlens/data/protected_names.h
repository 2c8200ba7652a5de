#pragma once
/// \file
/// The column names LoanLens treats as a prohibited basis for credit decisions by default (sex,
/// marital status, national origin, race, religion, age): kept out of model inputs when it
/// trains, never given as a reason, never changed by a what-if search.
#include <string>

namespace loanlens {

/// True when the name is, or stands in for, a prohibited basis ("age" only as a whole word:
/// "person_age", not "mortgage"); case-insensitive.
bool IsDefaultProtected(const std::string& column_name);

}  // namespace loanlens
