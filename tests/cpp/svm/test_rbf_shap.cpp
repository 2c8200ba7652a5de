#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "loanlens/error.h"
#include "loanlens/model_registry.h"
#include "loanlens/svm/rbf_shap.h"
#include "loanlens/svm/svm.h"

namespace {

/// Platform-identical uniform draws in [0, 1) (std distributions differ between libc++ and
/// libstdc++).
struct Uniform {
  std::mt19937_64 bits;
  explicit Uniform(std::uint64_t seed) : bits(seed) {}
  double operator()() { return static_cast<double>(bits() >> 11) * 0x1.0p-53; }
};

/// Players of a design with one-hot groups: player sizes {1, 3, 1, 2, 1, 2, 1} = 7 players over
/// 11 columns; one-hot columns hold 0/1 patterns.
struct GroupedDesign {
  std::vector<int> group = {0, 1, 1, 1, 2, 3, 3, 4, 5, 5, 6};
  std::size_t num_players = 7, num_inputs = 11;
  /// A row: numeric players standard-normal-like, one-hot players one level on.
  std::vector<double> Row(Uniform& u) const {
    std::vector<double> r(num_inputs, 0.0);
    for (std::size_t c = 0; c < num_inputs; ++c) r[c] = 4 * u() - 2;
    for (std::size_t g : {1u, 3u, 5u}) {
      std::vector<std::size_t> cols;
      for (std::size_t c = 0; c < num_inputs; ++c)
        if (static_cast<std::size_t>(group[c]) == g) cols.push_back(c);
      for (std::size_t c : cols) r[c] = 0;
      r[cols[static_cast<std::size_t>(u() * cols.size())]] = 1;
    }
    return r;
  }
};

/// Shapley values of v(S) = sum_b weight_b f(x_S, z_b,~S) by enumerating all 2^n coalitions.
template <typename F>
std::vector<double> BruteForce(const F& f, const std::vector<double>& x,
                               const std::vector<double>& background,
                               const std::vector<double>& weight, const std::vector<int>& group,
                               std::size_t n) {
  const std::size_t d = x.size(), nb = weight.size();
  std::vector<double> value(std::size_t{1} << n, 0.0), h(d);
  for (std::size_t mask = 0; mask < value.size(); ++mask)
    for (std::size_t b = 0; b < nb; ++b) {
      for (std::size_t c = 0; c < d; ++c)
        h[c] = (mask >> group[c]) & 1 ? x[c] : background[b * d + c];
      value[mask] += weight[b] * f(h.data());
    }
  std::vector<double> fact(n + 1, 1.0);
  for (std::size_t k = 1; k <= n; ++k) fact[k] = fact[k - 1] * k;
  std::vector<double> phi(n, 0.0);
  for (std::size_t g = 0; g < n; ++g)
    for (std::size_t mask = 0; mask < value.size(); ++mask) {
      if ((mask >> g) & 1) continue;
      std::size_t k = 0;
      for (std::size_t p = 0; p < n; ++p) k += (mask >> p) & 1;
      phi[g] +=
          fact[k] * fact[n - 1 - k] / fact[n] * (value[mask | (std::size_t{1} << g)] - value[mask]);
    }
  return phi;
}

double MaxAbsDiff(const std::vector<double>& a, const std::vector<double>& b) {
  double worst = 0;
  for (std::size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::fabs(a[i] - b[i]));
  return worst;
}

/// Training data on the GroupedDesign: default when a noisy non-linear score is high.
struct Synthetic {
  GroupedDesign design;
  std::vector<double> x, y;
  loanlens::TrainData Data() const {
    loanlens::TrainData t;
    t.x = x.data();
    t.num_rows = y.size();
    t.num_inputs = design.num_inputs;
    t.y = y.data();
    t.group = design.group;
    for (std::size_t c = 0; c < design.num_inputs; ++c)
      t.input_names.push_back("c" + std::to_string(c));
    for (std::size_t g = 0; g < design.num_players; ++g)
      t.group_names.push_back("f" + std::to_string(g));
    return t;
  }
};

Synthetic MakeSynthetic(std::size_t n) {
  Synthetic s;
  Uniform u(11);
  for (std::size_t i = 0; i < n; ++i) {
    const std::vector<double> r = s.design.Row(u);
    s.x.insert(s.x.end(), r.begin(), r.end());
    const double score = r[0] * r[4] + r[1] - r[8] + 0.5 * r[10] * r[10] - 1 + (u() - 0.5);
    s.y.push_back(score > 0 ? 1 : 0);
  }
  return s;
}

/// Shapley value of player i in the product game v(S) = prod_{h in S} a_h prod_{h not in S} b_h,
/// by dynamic programming over coalition sizes: (a_i - b_i) sum_k k! (n-1-k)! / n! E_k, E_k the
/// sum over coalitions S of the others with |S| = k of prod_S a prod_rest b.
double ProductGameShapley(const std::vector<double>& a, const std::vector<double>& b,
                          std::size_t i) {
  const std::size_t n = a.size();
  std::vector<double> e(n, 0.0);
  e[0] = 1;
  std::size_t others = 0;
  for (std::size_t h = 0; h < n; ++h) {
    if (h == i) continue;
    ++others;  // coalitions of the others seen so far: sizes 0 .. others
    for (std::size_t k = others + 1; k-- > 0;) e[k] = e[k] * b[h] + (k > 0 ? e[k - 1] * a[h] : 0.0);
  }
  double sum = 0, weight = 1.0 / n;  // k! (n-1-k)! / n! at k = 0
  for (std::size_t k = 0; k < n; ++k) {
    sum += weight * e[k];
    weight *= static_cast<double>(k + 1) / static_cast<double>(n - 1 - k == 0 ? 1 : n - 1 - k);
  }
  return (a[i] - b[i]) * sum;
}

}  // namespace

TEST_CASE("Gauss-Legendre rules on [0, 1] integrate polynomials of degree 2n - 1 exactly") {
  for (std::size_t n = 1; n <= 16; ++n) {
    std::vector<double> t, w;
    loanlens::GaussLegendre01(n, &t, &w);
    for (std::size_t k = 0; k <= 2 * n - 1; ++k) {
      double integral = 0;
      for (std::size_t q = 0; q < n; ++q) integral += w[q] * std::pow(t[q], k);
      CHECK(integral == doctest::Approx(1.0 / (k + 1)).epsilon(1e-13));
    }
  }
  std::vector<double> t, w;
  CHECK_THROWS_AS(loanlens::GaussLegendre01(0, &t, &w), loanlens::Error);
}

TEST_CASE("RBF SHAP equals exhaustive enumeration of the interventional game") {
  const GroupedDesign design;
  Uniform u(3);
  const std::size_t num_sv = 75, nb = 6, d = design.num_inputs;  // 75: three blocks
  std::vector<double> sv, coef, background, weight;
  for (std::size_t s = 0; s < num_sv; ++s) {
    const auto r = design.Row(u);
    sv.insert(sv.end(), r.begin(), r.end());
    coef.push_back(2 * u() - 1);
  }
  const std::vector<double> x = design.Row(u);
  for (std::size_t b = 0; b < nb; ++b) {
    std::vector<double> r = design.Row(u);
    // Some background rows equal x on some players (dummies of those pair games).
    for (std::size_t c = 0; c < d; ++c)
      if (design.group[c] % 3 == static_cast<int>(b % 3)) r[c] = x[c];
    background.insert(background.end(), r.begin(), r.end());
    weight.push_back(0.2 + u());
  }
  double total = 0;
  for (double w : weight) total += w;
  for (double& w : weight) w /= total;
  for (double gamma : {0.05, 0.3, 2.0, 40.0}) {
    CAPTURE(gamma);
    loanlens::RbfExpansion g;
    g.support_vectors = sv.data();
    g.coef = coef.data();
    g.num_support_vectors = num_sv;
    g.num_inputs = d;
    g.gamma = gamma;
    auto f = [&](const double* h) {
      double v = 0;
      for (std::size_t s = 0; s < num_sv; ++s) {
        double sq = 0;
        for (std::size_t c = 0; c < d; ++c) sq += (h[c] - sv[s * d + c]) * (h[c] - sv[s * d + c]);
        v += coef[s] * std::exp(-gamma * sq);
      }
      return v;
    };
    std::vector<double> phi(design.num_players);
    loanlens::RbfShapValues(g, x.data(), background.data(), weight.data(), nb, design.group,
                            design.num_players, phi.data());
    const auto ref = BruteForce(f, x, background, weight, design.group, design.num_players);
    CHECK(MaxAbsDiff(phi, ref) < 1e-12);
    // The cached background table gives the same values.
    const loanlens::RbfBackgroundTable table = loanlens::MakeRbfBackgroundTable(
        g, background.data(), nb, design.group, design.num_players);
    CHECK(table.factor.size() == loanlens::RbfBackgroundTableSize(g, nb, design.num_players));
    std::vector<double> with_table(design.num_players);
    loanlens::RbfShapValues(g, x.data(), background.data(), weight.data(), nb, design.group,
                            design.num_players, with_table.data(), &table);
    CHECK(MaxAbsDiff(with_table, phi) < 1e-15);
    CHECK_THROWS_AS(
        loanlens::RbfShapValues(g, x.data(), background.data(), weight.data(), nb - 1, design.group,
                                design.num_players, with_table.data(), &table),
        loanlens::Error);
    // Additivity: sum(phi) == g(x) - E_background g(z).
    double sum = 0, expected = f(x.data());
    for (double p : phi) sum += p;
    for (std::size_t b = 0; b < nb; ++b) expected -= weight[b] * f(background.data() + b * d);
    CHECK(std::fabs(sum - expected) < 1e-12);
  }
  SUBCASE("a group that does not match the inputs is named") {
    loanlens::RbfExpansion g;
    g.support_vectors = sv.data();
    g.coef = coef.data();
    g.num_support_vectors = num_sv;
    g.num_inputs = d;
    std::vector<double> phi(design.num_players);
    const std::vector<int> short_group(d - 1, 0);
    CHECK_THROWS_AS(loanlens::RbfShapValues(g, x.data(), background.data(), weight.data(), nb,
                                            short_group, design.num_players, phi.data()),
                    loanlens::Error);
    CHECK_THROWS_AS(loanlens::RbfShapValues(g, x.data(), background.data(), weight.data(), nb,
                                            design.group, 6, phi.data()),
                    loanlens::Error);
    CHECK_THROWS_AS(loanlens::RbfShapValues(g, x.data(), background.data(), weight.data(), 0,
                                            design.group, design.num_players, phi.data()),
                    loanlens::Error);
  }
}

namespace {

/// A model that forwards ExplainAgainst but keeps Model's default ExplainAgainstWeighted.
class Forwarding final : public loanlens::Model {
 public:
  explicit Forwarding(const loanlens::Model& m) : m_(m) {}
  std::string Kind() const override { return "forwarding"; }
  std::size_t NumInputs() const override { return m_.NumInputs(); }
  double PredictMargin(const double* x) const override { return m_.PredictMargin(x); }
  bool HasExactExplainer() const override { return false; }
  double Explain(const double*, double*) const override { return 0; }
  nlohmann::json ToJson() const override { return {}; }
  bool ExplainAgainst(const double* x, const double* bg, std::size_t nb, const std::vector<int>& g,
                      std::size_t n, double* phi) const override {
    return m_.ExplainAgainst(x, bg, nb, g, n, phi);
  }

 private:
  const loanlens::Model& m_;
};

}  // namespace

TEST_CASE("RBF SHAP with more players than one pass of quadrature nodes equals the product games") {
  // 40 players of one column each, 5 of them equal to x in a background row (dummies there), so
  // 35 active players take 18 Gauss-Legendre nodes: two passes (16 + 2). 33 support vectors: one
  // full block and one of a single vector (an odd lane).
  const std::size_t d = 40, num_sv = 33, nb = 2;
  Uniform u(17);
  std::vector<double> sv, coef, x(d), background(nb * d), weight = {0.3, 0.7};
  for (std::size_t s = 0; s < num_sv * d; ++s) sv.push_back(4 * u() - 2);
  for (std::size_t s = 0; s < num_sv; ++s) coef.push_back(2 * u() - 1);
  for (double& v : x) v = 4 * u() - 2;
  for (std::size_t c = 0; c < nb * d; ++c) background[c] = c % 8 == 3 ? x[c % d] : 4 * u() - 2;
  std::vector<int> group(d);
  for (std::size_t c = 0; c < d; ++c) group[c] = static_cast<int>(c);
  loanlens::RbfExpansion g{sv.data(), coef.data(), num_sv, d, 0.02};
  std::vector<double> expected(d, 0.0);
  for (std::size_t b = 0; b < nb; ++b)
    for (std::size_t s = 0; s < num_sv; ++s) {
      std::vector<double> fa(d), fb(d);
      for (std::size_t c = 0; c < d; ++c) {
        fa[c] = std::exp(-g.gamma * (x[c] - sv[s * d + c]) * (x[c] - sv[s * d + c]));
        fb[c] = std::exp(-g.gamma * (background[b * d + c] - sv[s * d + c]) *
                         (background[b * d + c] - sv[s * d + c]));
      }
      for (std::size_t i = 0; i < d; ++i)
        expected[i] += weight[b] * coef[s] * ProductGameShapley(fa, fb, i);
    }
  std::vector<double> phi(d), phi_table(d);
  loanlens::RbfShapValues(g, x.data(), background.data(), weight.data(), nb, group, d, phi.data());
  const auto table = loanlens::MakeRbfBackgroundTable(g, background.data(), nb, group, d);
  loanlens::RbfShapValues(g, x.data(), background.data(), weight.data(), nb, group, d,
                          phi_table.data(), &table);
  CHECK(MaxAbsDiff(phi, expected) < 1e-12);
  CHECK(phi_table == phi);
  double magnitude = 0;
  for (double v : expected) magnitude = std::max(magnitude, std::fabs(v));
  CHECK(magnitude > 1e-3);  // the games are not vanishingly small
}

TEST_CASE("SVM ExplainAgainst: exact in margin space for rbf and linear, false for poly") {
  const Synthetic data = MakeSynthetic(160);
  const loanlens::TrainData td = data.Data();
  const GroupedDesign& design = data.design;
  const std::size_t d = design.num_inputs, nb = 5;
  // Background: training rows 0..4, explained rows 10..14 (with players shared by chance).
  const std::vector<double> background(data.x.begin(), data.x.begin() + nb * d);
  std::vector<double> weight = {0.1, 0.3, 0.2, 0.25, 0.15};
  for (const char* kernel : {"rbf", "linear"}) {
    CAPTURE(kernel);
    const auto model =
        loanlens::TrainModel("svm", td, {{"kernel", kernel}, {"platt_folds", "3"}}, {});
    const Forwarding forwarding(*model);
    auto margin = [&](const double* h) { return model->PredictMargin(h); };
    for (std::size_t i = 10; i < 15; ++i) {
      const std::vector<double> x(data.x.begin() + i * d, data.x.begin() + (i + 1) * d);
      std::vector<double> phi(design.num_players), uniform(design.num_players),
          by_row(design.num_players);
      REQUIRE(model->ExplainAgainstWeighted(x.data(), background.data(), weight.data(), nb,
                                            design.group, design.num_players, phi.data()));
      CHECK(MaxAbsDiff(phi, BruteForce(margin, x, background, weight, design.group,
                                       design.num_players)) < 1e-9);
      double sum = 0, expected = model->PredictMargin(x.data());
      for (double p : phi) sum += p;
      for (std::size_t b = 0; b < nb; ++b)
        expected -= weight[b] * model->PredictMargin(background.data() + b * d);
      CHECK(std::fabs(sum - expected) < 1e-12);
      // Unweighted entry point = equal weights.
      REQUIRE(model->ExplainAgainst(x.data(), background.data(), nb, design.group,
                                    design.num_players, uniform.data()));
      const std::vector<double> equal(nb, 1.0 / nb);
      CHECK(MaxAbsDiff(uniform, BruteForce(margin, x, background, equal, design.group,
                                           design.num_players)) < 1e-9);
      // Model's default weighted entry point (one background row at a time) agrees.
      REQUIRE(forwarding.ExplainAgainstWeighted(x.data(), background.data(), weight.data(), nb,
                                                design.group, design.num_players, by_row.data()));
      CHECK(MaxAbsDiff(by_row, phi) < 1e-12);
    }
  }
  CHECK(loanlens::TrainModel("svm", td, {{"platt_folds", "2"}}, {})->ExplainMethod() == "rbf_shap");
  const auto poly = loanlens::TrainModel("svm", td, {{"kernel", "poly"}, {"platt_folds", "2"}}, {});
  CHECK(poly->ExplainMethod() == "kernel_shap");
  std::vector<double> phi(design.num_players, 42.0);
  CHECK_FALSE(poly->ExplainAgainstWeighted(data.x.data(), background.data(), weight.data(), nb,
                                           design.group, design.num_players, phi.data()));
  CHECK_FALSE(Forwarding(*poly).ExplainAgainstWeighted(data.x.data(), background.data(),
                                                       weight.data(), nb, design.group,
                                                       design.num_players, phi.data()));
  CHECK(std::all_of(phi.begin(), phi.end(), [](double v) { return v == 42.0; }));
}
