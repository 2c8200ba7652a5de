#pragma once
/// \file
/// Small text helpers of the decision layer: how a feature is named for a person, how numbers
/// are rounded in sentences, and how untrusted cell text is quoted (at most 80 characters).
#include <string>

#include "loanlens/data/schema.h"

namespace loanlens {

class Bundle;

/// The feature's description, or its name when it has none.
std::string Label(const ColumnSpec& c);
/// `v` with at most `digits` decimals, trailing zeros dropped ("25000", "0.25", "612").
std::string Rounded(double v, int digits);
/// At most 80 characters of `text` (then "…").
std::string Quoted(const std::string& text);
/// A raw feature value as a person reads it: the level name of a categorical, the token of a
/// boolean, the number otherwise; "" when missing.
std::string ValueText(const ColumnSpec& c, double raw);

}  // namespace loanlens
