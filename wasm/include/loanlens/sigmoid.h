#pragma once
/// \file
/// The logistic function, margin (log-odds) -> probability: the one definition the engine uses.
#include <cmath>

namespace loanlens {

/// 1 / (1 + e^-m); 0 and 1 at the extremes (no NaN: e^-m overflows to +inf, giving 0).
inline double Sigmoid(double m) { return 1.0 / (1.0 + std::exp(-m)); }

}  // namespace loanlens
