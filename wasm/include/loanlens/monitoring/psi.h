#pragma once
/// \file
/// Population stability index: PSI = sum over bins of (A - E) ln(A / E), A the new share and E
/// the reference share of a bin, each floored at a small value so that an empty bin gives a large
/// but finite term.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace loanlens {

/// The floor for a bin share (A and E below it are replaced by it); stated in every report.
inline constexpr double kPsiFloor = 1e-4;

/// PSI of two share vectors of the same length (each summing to 1 or, for no rows, all 0).
/// Throws loanlens::Error for different lengths.
double Psi(const std::vector<double>& expected, const std::vector<double>& actual,
           double floor = kPsiFloor);

/// Conventional reading: "stable" below 0.10, "investigate" from 0.10 to 0.25, "significant
/// shift" above 0.25.
std::string PsiVerdict(double psi);

/// counts / sum (all 0 when the sum is 0).
std::vector<double> Shares(const std::vector<double>& counts);

}  // namespace loanlens
