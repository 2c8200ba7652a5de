#include "loanlens/decision/price.h"

#include <cmath>

#include "loanlens/bundle.h"
#include "loanlens/decision/text.h"

namespace loanlens {

Price PriceOf(const Bundle& bundle, const double* raw, const Score& score) {
  const Policy& p = bundle.GetPolicy();
  Price price;
  const auto grid = p.rate_grid.find(score.band);
  price.rate =
      grid != p.rate_grid.end() ? grid->second : p.cost_of_funds + score.pd * p.lgd + p.rate_margin;
  const int ead = bundle.Fields().exposure;
  if (ead >= 0 && !std::isnan(raw[ead])) {
    price.has_expected_loss = true;
    price.ead = raw[ead];
    price.expected_loss = score.pd * p.lgd * price.ead;
  }
  return price;
}

}  // namespace loanlens
