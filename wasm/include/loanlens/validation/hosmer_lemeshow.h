#pragma once
/// \file
/// Hosmer-Lemeshow goodness-of-fit test of predicted PDs against observed defaults.
#include <cstddef>
#include <nlohmann/json.hpp>
#include <vector>

namespace loanlens {

/// One group: the rows of one CalibrationTable bin (quantile bins of pd; empty bins dropped).
struct HlGroup {
  std::size_t n = 0;
  double observed = 0;  ///< defaults in the group
  double expected = 0;  ///< sum of pd in the group
};

struct HosmerLemeshowResult {
  double statistic = 0;  ///< sum over groups of (O - E)^2 / (E (1 - E / n))
  int df = 0;            ///< groups - 2
  double p_value = 1;    ///< upper tail of chi-square(df) at statistic (1 when df < 1)
  std::vector<HlGroup> groups;
};

/// The test on `groups` quantile groups of pd (10 = deciles). Groups whose variance term
/// E (1 - E / n) is 0 (all pd 0 or all 1) add nothing. Throws loanlens::Error on bad input.
HosmerLemeshowResult HosmerLemeshow(const std::vector<double>& y, const std::vector<double>& pd,
                                    std::size_t groups = 10);

/// P(X > x) for X ~ chi-square(df): the regularised upper incomplete gamma Q(df / 2, x / 2)
/// (series below a + 1, continued fraction above, to about 1e-14).
double ChiSquareSurvival(double x, double df);

/// {"statistic", "df", "p_value", "groups": [{"n","observed","expected"}]}.
nlohmann::json ToJson(const HosmerLemeshowResult& r);

}  // namespace loanlens
