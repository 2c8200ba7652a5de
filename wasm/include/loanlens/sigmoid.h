#pragma once
/// \file
/// The logistic function, margin (log-odds) -> probability: the one definition the engine uses.
#include "loanlens/portable_math.h"

namespace loanlens {

/// 1 / (1 + e^-m); 0 and 1 at the extremes (no NaN: e^-m overflows to +inf, giving 0).
inline double Sigmoid(double m) { return 1.0 / (1.0 + Exp(-m)); }

/// Sigmoid(m) for |m| <= 708, with no branch (loops over it vectorise).
inline double SigmoidOfModerate(double m) { return 1.0 / (1.0 + ExpOfModerate(-m)); }

}  // namespace loanlens
