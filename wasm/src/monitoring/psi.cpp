#include "loanlens/monitoring/psi.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "loanlens/error.h"
#include "loanlens/portable_math.h"

namespace loanlens {

double Psi(const std::vector<double>& expected, const std::vector<double>& actual, double floor) {
  if (expected.size() != actual.size())
    throw Error("PSI: " + std::to_string(expected.size()) + " reference bins but " +
                std::to_string(actual.size()) + " new bins");
  double psi = 0;
  for (std::size_t k = 0; k < expected.size(); ++k) {
    const double e = std::max(expected[k], floor), a = std::max(actual[k], floor);
    psi += (a - e) * Log(a / e);
  }
  return psi;
}

std::string PsiVerdict(double psi) {
  if (psi < 0.10) return "stable";
  if (psi <= 0.25) return "investigate";
  return "significant shift";
}

std::vector<double> Shares(const std::vector<double>& counts) {
  const double total = std::accumulate(counts.begin(), counts.end(), 0.0);
  std::vector<double> out(counts.size(), 0.0);
  if (total > 0)
    for (std::size_t k = 0; k < counts.size(); ++k) out[k] = counts[k] / total;
  return out;
}

}  // namespace loanlens
