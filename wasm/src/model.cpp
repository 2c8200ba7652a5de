#include "loanlens/model.h"

#include <algorithm>

#include "loanlens/error.h"

namespace loanlens {

void Model::PredictMargins(const double* x, std::size_t num_rows, double* out) const {
  for (std::size_t r = 0; r < num_rows; ++r) out[r] = PredictMargin(x + r * NumInputs());
}

double Model::Interactions(const double*, double*) const {
  throw Error(
      "SHAP interaction values are computed for tree models (gbdt, random_forest); this is "
      "a '" +
      Kind() + "' model");
}

namespace {

/// PredictMargin() on every row.
class PlainProbe : public MarginProbe {
 public:
  explicit PlainProbe(const Model& model) : model_(model) {}
  double Margin(const double* row) override { return model_.PredictMargin(row); }

 private:
  const Model& model_;
};

}  // namespace

std::unique_ptr<MarginProbe> Model::Probe(const double* x) const {
  (void)x;
  return std::make_unique<PlainProbe>(*this);
}

bool Model::ExplainAgainstWeighted(const double* x, const double* background, const double* weight,
                                   std::size_t num_background, const std::vector<int>& group,
                                   std::size_t num_players, double* phi) const {
  // phi(x; sum_b w_b delta_{z_b}) = sum_b w_b phi(x; delta_{z_b}): v(S) is linear in the
  // background distribution, and so are Shapley values.
  std::vector<double> total(num_players, 0.0), one(num_players);
  for (std::size_t b = 0; b < num_background; ++b) {
    if (!ExplainAgainst(x, background + b * NumInputs(), 1, group, num_players, one.data()))
      return false;
    for (std::size_t g = 0; g < num_players; ++g) total[g] += weight[b] * one[g];
  }
  std::copy(total.begin(), total.end(), phi);
  return true;
}

}  // namespace loanlens
