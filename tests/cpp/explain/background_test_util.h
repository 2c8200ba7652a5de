#pragma once
// Reference values for Model::ExplainAgainst, computed from PredictMargin() alone: the
// interventional game v(S) = mean_b f(x_S, z_b) and its Shapley values by enumerating every
// coalition of players (independent of the families' algorithms; small player counts only).
#include <cstddef>
#include <vector>

#include "loanlens/model.h"

namespace background_test {

/// mean_b f(z_b) over the background rows (row-major, model.NumInputs() columns).
inline double MeanMargin(const loanlens::Model& model, const std::vector<double>& background) {
  const std::size_t m = model.NumInputs(), n = background.size() / m;
  double total = 0;
  for (std::size_t b = 0; b < n; ++b) total += model.PredictMargin(&background[b * m]);
  return total / static_cast<double>(n);
}

/// Shapley values of v(S) = mean_b f(x_S, z_b): design column c takes x[c] when its player
/// group[c] is in S, else the background row's value.
inline std::vector<double> BruteInterventional(const loanlens::Model& model,
                                               const std::vector<double>& x,
                                               const std::vector<double>& background,
                                               const std::vector<int>& group, int num_players) {
  const std::size_t m = x.size(), n = background.size() / m;
  const unsigned num_sets = 1u << num_players;
  std::vector<double> value(num_sets, 0.0), hybrid(m), phi(num_players, 0.0);
  for (unsigned s = 0; s < num_sets; ++s) {
    for (std::size_t b = 0; b < n; ++b) {
      for (std::size_t c = 0; c < m; ++c)
        hybrid[c] = (s >> group[c] & 1u) ? x[c] : background[b * m + c];
      value[s] += model.PredictMargin(hybrid.data());
    }
    value[s] /= static_cast<double>(n);
  }
  std::vector<double> fact(num_players + 1, 1.0);
  for (int k = 1; k <= num_players; ++k) fact[k] = fact[k - 1] * k;
  for (int i = 0; i < num_players; ++i)
    for (unsigned s = 0; s < num_sets; ++s) {
      if (s >> i & 1u) continue;
      const int k = __builtin_popcount(s);
      phi[i] += fact[k] * fact[num_players - k - 1] / fact[num_players] *
                (value[s | (1u << i)] - value[s]);
    }
  return phi;
}

}  // namespace background_test
