#pragma once
/// \file
/// Price of a loan from its PD: expected loss = PD x LGD x EAD and the rate, either from a grid
/// by band or as cost of funds + expected-loss rate (PD x LGD) + margin.
namespace loanlens {

class Bundle;
struct Score;

struct Price {
  bool has_expected_loss = false;  ///< false when the policy names no amount / EAD feature
  double ead = 0;                  ///< exposure at default (the amount unless ead_feature is set)
  double expected_loss = 0;
  double rate = 0;  ///< annual rate as a fraction (0.095 = 9.5 %)
};

Price PriceOf(const Bundle& bundle, const double* raw, const Score& score);

}  // namespace loanlens
