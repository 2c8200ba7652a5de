#include "loanlens/data/target.h"

#include <algorithm>
#include <cmath>

#include "loanlens/data/csv.h"
#include "loanlens/data/schema.h"
#include "loanlens/error.h"

namespace loanlens {
namespace {

/// "'a', 'b'": the values quoted, comma-separated.
std::string QuotedList(const std::vector<std::string>& values) {
  std::string list;
  for (const auto& v : values) list += (list.empty() ? "'" : ", '") + v + "'";
  return list;
}

/// `values` with numerically equal spellings merged (the first spelling kept).
std::vector<std::string> MergeSpellings(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const auto& v : values) {
    const bool seen = std::any_of(out.begin(), out.end(),
                                  [&v](const std::string& o) { return SameTargetValue(v, o); });
    if (!seen) out.push_back(v);
  }
  return out;
}

}  // namespace

bool SameTargetValue(std::string_view cell, const std::string& expected) {
  if (cell == expected) return true;
  auto a = ParseNumber(cell);
  if (!a) return false;
  auto b = ParseNumber(expected);
  return b && *a == *b;
}

TargetCoding CodeTarget(const std::vector<std::string>& values, const std::string& positive_option,
                        const std::string& source, const std::string& column) {
  const std::vector<std::string> v = MergeSpellings(values);
  if (v.size() != 2)
    throw Error(Location{source, 0, column, ""}, "the target must have exactly two values, found " +
                                                     std::to_string(v.size()) +
                                                     (v.empty() ? "" : ": " + QuotedList(v)));
  const std::string positive(TrimSpaces(positive_option));
  if (positive.empty()) {
    const bool zero_one = (SameTargetValue(v[0], "0") && SameTargetValue(v[1], "1")) ||
                          (SameTargetValue(v[0], "1") && SameTargetValue(v[1], "0"));
    if (!zero_one)
      throw Error(Location{source, 0, column, ""}, "--positive is required: which of '" + v[0] +
                                                       "' and '" + v[1] + "' means default?");
    return SameTargetValue(v[0], "1") ? TargetCoding{v[0], v[1]} : TargetCoding{v[1], v[0]};
  }
  if (SameTargetValue(v[0], positive)) return {v[0], v[1]};
  if (SameTargetValue(v[1], positive)) return {v[1], v[0]};
  throw Error(Location{source, 0, column, positive_option},
              "--positive is not a value of the target; expected '" + v[0] + "' or '" + v[1] + "'");
}

std::vector<std::string> DistinctTargetValues(const std::vector<std::string>& cells,
                                              const CsvOptions& options) {
  std::vector<std::string> out;
  for (const auto& c : cells) {
    if (IsMissingToken(c, options)) continue;
    const std::string_view t = TrimSpaces(c);
    if (std::find(out.begin(), out.end(), t) == out.end()) out.emplace_back(t);
  }
  return out;
}

void CheckValidFraction(double fraction, const std::string& option) {
  if (!(fraction > 0 && fraction < 1))
    throw Error(option + ": expected a number strictly between 0 and 1, got " +
                (std::isnan(fraction) ? std::string("nan") : FormatNumber(fraction)));
}

}  // namespace loanlens
