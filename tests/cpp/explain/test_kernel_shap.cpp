#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numeric>
#include <vector>

#include "loanlens/detail/splitmix.h"
#include "loanlens/error.h"
#include "loanlens/explain/kernel_shap.h"
#include "loanlens/model_registry.h"
#include "loanlens/svm/svm.h"

using loanlens::KernelExplainer;
using loanlens::KernelShapOptions;
using loanlens::KernelShapStats;

namespace {

/// Synthetic design: `num_groups` features; every third one is a 3-level one-hot group, the
/// others one standardised numeric column.
struct Synthetic {
  std::vector<double> x, y, w;
  std::vector<int> group;
  std::vector<std::string> names;
  std::size_t n = 0, d = 0;
  loanlens::TrainData Data() const {
    loanlens::TrainData t;
    t.x = x.data();
    t.num_rows = n;
    t.num_inputs = d;
    t.y = y.data();
    t.group = group;
    for (std::size_t g = 0; g < names.size(); ++g) t.group_names.push_back(names[g]);
    return t;
  }
};

Synthetic MakeSynthetic(std::size_t n, int num_groups, std::uint64_t seed) {
  Synthetic s;
  s.n = n;
  for (int g = 0; g < num_groups; ++g) {
    const int width = g % 3 == 2 ? 3 : 1;
    for (int c = 0; c < width; ++c) s.group.push_back(g);
    s.names.push_back("f" + std::to_string(g));
  }
  s.d = s.group.size();
  loanlens::detail::SplitMix64 rng(seed);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < s.d;) {
      const int g = s.group[j];
      if (g % 3 == 2) {
        const std::size_t level = rng.Below(3);
        for (std::size_t c = 0; c < 3; ++c) s.x.push_back(c == level ? 1.0 : 0.0);
        j += 3;
      } else {
        s.x.push_back(2 * rng.Uniform() - 1 + 0.1 * g);
        j += 1;
      }
    }
    s.y.push_back(static_cast<double>(rng.Below(2)));
  }
  for (std::size_t j = 0; j < s.d; ++j) s.w.push_back(std::sin(1.0 + j) * (1 + 0.1 * j));
  return s;
}

/// Exact interventional SHAP of a linear margin: phi_g = sum_{j in g} w_j (x_j - mean_j).
std::vector<double> LinearShap(const Synthetic& s, const KernelExplainer& e, const double* x) {
  std::vector<double> mean(s.d, 0.0), phi(e.NumGroups(), 0.0);
  for (std::size_t b = 0; b < e.NumBackground(); ++b)
    for (std::size_t j = 0; j < s.d; ++j)
      mean[j] += e.BackgroundWeight()[b] * e.Background()[b * s.d + j];
  for (std::size_t j = 0; j < s.d; ++j) phi[s.group[j]] += s.w[j] * (x[j] - mean[j]);
  return phi;
}

}  // namespace

TEST_CASE("Kernel SHAP on a linear margin equals exact interventional linear SHAP") {
  for (int num_groups : {9, 16}) {
    CAPTURE(num_groups);
    const Synthetic s = MakeSynthetic(300, num_groups, 5);
    const KernelExplainer e = KernelExplainer::Fit(s.Data(), 20, 11);
    CHECK(e.NumBackground() == 20);
    CHECK(std::accumulate(e.BackgroundWeight().begin(), e.BackgroundWeight().end(), 0.0) ==
          doctest::Approx(1.0).epsilon(1e-12));
    auto margin = [&](const double* r) {
      return 0.3 + std::inner_product(s.w.begin(), s.w.end(), r, 0.0);
    };
    KernelShapOptions opt;
    std::vector<double> phi(e.NumGroups());
    for (std::size_t i = 0; i < 10; ++i) {
      const double* x = s.x.data() + i * s.d;
      KernelShapStats stats;
      const double base = e.Explain(margin, x, phi.data(), opt, &stats);
      CHECK(stats.exact == (num_groups <= 12));
      // Sampling is exact too here: a linear margin has no regression residual.
      const auto ref = LinearShap(s, e, x);
      for (std::size_t g = 0; g < phi.size(); ++g) CHECK(std::fabs(phi[g] - ref[g]) < 1e-9);
      CHECK(std::fabs(std::accumulate(phi.begin(), phi.end(), base) - margin(x)) < 1e-9);
    }
  }
}

TEST_CASE("Kernel SHAP sampling on a non-linear margin: additivity, accuracy, determinism") {
  const int kGroups = 14;
  const Synthetic s = MakeSynthetic(300, kGroups, 9);
  const KernelExplainer e = KernelExplainer::Fit(s.Data(), 10, 3);
  // Pairwise interactions (columns 2-4 are the one-hot group 2) and a higher-order term over
  // groups 0, 1, 3, 4 and 5 (paired sampling is exact for purely pairwise games, so the last
  // term is what makes this a real test of the sampling error).
  auto margin = [&](const double* r) {
    double v = std::inner_product(s.w.begin(), s.w.end(), r, 0.0);
    return v + 0.8 * r[0] * r[1] + 0.5 * std::tanh(r[0] + r[2] - r[3]) + 0.4 * r[1] * r[4] +
           1.5 * std::tanh(r[0] * r[1] + r[5] - r[6] * r[8] + r[0] * r[5] * r[6]);
  };
  KernelShapOptions sampled;
  KernelShapOptions exact;
  exact.max_exact_groups = kGroups;  // 2^14 - 2 coalitions: the reference
  std::vector<double> phi(e.NumGroups()), ref(e.NumGroups());
  double worst = 0, largest = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    const double* x = s.x.data() + i * s.d;
    KernelShapStats stats;
    const double base = e.Explain(margin, x, phi.data(), sampled, &stats);
    CHECK_FALSE(stats.exact);
    CHECK(stats.num_coalitions <= 2048);
    CHECK(std::fabs(std::accumulate(phi.begin(), phi.end(), base) - margin(x)) < 1e-9);
    const double ref_base = e.Explain(margin, x, ref.data(), exact);
    CHECK(ref_base == base);
    for (std::size_t g = 0; g < phi.size(); ++g) {
      worst = std::max(worst, std::fabs(phi[g] - ref[g]));
      largest = std::max(largest, std::fabs(ref[g]));
    }
    // Same seed -> identical values; another seed -> (slightly) different ones.
    std::vector<double> again(phi.size()), other(phi.size());
    e.Explain(margin, x, again.data(), sampled);
    CHECK(again == phi);
    KernelShapOptions seeded = sampled;
    seeded.seed = 99;
    e.Explain(margin, x, other.data(), seeded);
    CHECK(other != phi);
    CHECK(std::fabs(std::accumulate(other.begin(), other.end(), base) - margin(x)) < 1e-9);
  }
  MESSAGE("sampling (2048 coalitions) vs exact enumeration, max |phi error| = "
          << worst << " (max |phi| " << largest << ")");
  CHECK(worst < 0.02);  // stated tolerance for 14 groups, 2048 coalitions
}

TEST_CASE("Kernel SHAP background: deterministic k-means, JSON round trip, validation") {
  const Synthetic s = MakeSynthetic(400, 8, 2);
  const KernelExplainer a = KernelExplainer::Fit(s.Data(), 25, 4);
  const KernelExplainer b = KernelExplainer::Fit(s.Data(), 25, 4);
  CHECK(a.ToJson() == b.ToJson());
  CHECK(a.ToJson() != KernelExplainer::Fit(s.Data(), 25, 5).ToJson());
  // Background points are training rows (valid one-hot patterns).
  for (std::size_t p = 0; p < a.NumBackground(); ++p) {
    bool found = false;
    for (std::size_t i = 0; i < s.n && !found; ++i)
      found = std::equal(s.x.begin() + i * s.d, s.x.begin() + (i + 1) * s.d,
                         a.Background().begin() + p * s.d);
    CHECK(found);
  }
  const KernelExplainer back = KernelExplainer::FromJson(nlohmann::json::parse(a.ToJson().dump()));
  CHECK(back.ToJson() == a.ToJson());
  auto j = a.ToJson();
  j["background"][3][2] = "x";
  CHECK_THROWS_WITH_AS(KernelExplainer::FromJson(j), doctest::Contains("background[3][2]"),
                       loanlens::Error);
  j = a.ToJson();
  j["weight"][0] = 5.0;
  CHECK_THROWS_AS(KernelExplainer::FromJson(j), loanlens::Error);
  j = a.ToJson();
  j["group"][0] = 4294967296ULL;  // 2^32: once read as group 0
  CHECK_THROWS_WITH_AS(KernelExplainer::FromJson(j),
                       doctest::Contains("kernel_shap.group[0]: expected an integer in [0, "),
                       loanlens::Error);
  j = a.ToJson();
  j["weight"] = std::vector<double>(1001, 1.0 / 1001);
  CHECK_THROWS_WITH_AS(KernelExplainer::FromJson(j),
                       doctest::Contains("kernel_shap.weight: expected at most 1000 entries"),
                       loanlens::Error);
  CHECK_THROWS_AS(KernelExplainer::Fit(s.Data(), 0, 1), loanlens::Error);
  SUBCASE("few rows: the rows themselves are the background") {
    Synthetic small = MakeSynthetic(7, 5, 1);
    CHECK(KernelExplainer::Fit(small.Data(), 50, 1).NumBackground() == 7);
  }
}

TEST_CASE("Kernel SHAP explains an RBF SVM on german300 (20 features, sampling)") {
  std::ifstream in(LOANLENS_SOURCE_DIR "/tests/fixtures/svm/german300.json");
  REQUIRE(in.good());
  const auto j = nlohmann::json::parse(in);
  std::vector<double> x, y = j["y"].get<std::vector<double>>();
  for (const auto& row : j["x"])
    for (const auto& v : row) x.push_back(v.get<double>());
  loanlens::TrainData data;
  data.x = x.data();
  data.num_rows = y.size();
  data.num_inputs = j["x"][0].size();
  data.y = y.data();
  data.group = j["group"].get<std::vector<int>>();
  data.group_names = j["group_names"].get<std::vector<std::string>>();
  auto model = loanlens::TrainModel("svm", data, {{"platt_folds", "2"}}, {});
  const KernelExplainer e = KernelExplainer::Fit(data, 50, 7);
  CHECK(e.NumGroups() == 20);
  loanlens::BatchMarginFn fn = [&](const double* rows, std::size_t n, double* out) {
    loanlens::SvmPredictMarginBatch(*model, rows, n, out);
  };
  const loanlens::CoalitionMarginFn fast = loanlens::SvmCoalitionMargins(*model, e);
  std::vector<double> phi(e.NumGroups()), generic(e.NumGroups());
  // The fast path equals the generic hybrid-row evaluation (fewer coalitions: keep tests fast).
  KernelShapOptions few;
  few.num_coalitions = 256;
  const double generic_base = e.Explain(fn, x.data(), generic.data(), few);
  CHECK(e.Explain(fn, fast, x.data(), phi.data(), few) == generic_base);
  for (std::size_t g = 0; g < phi.size(); ++g) CHECK(std::fabs(phi[g] - generic[g]) < 1e-9);
  // Default options (2048 coalitions), timed.
  KernelShapStats stats;
  const auto start = std::chrono::steady_clock::now();
  const double base = e.Explain(fn, fast, x.data(), phi.data(), {}, &stats);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  MESSAGE("RBF SVM (" << model->ToJson()["training"]["num_support_vectors"] << " SVs), "
                      << stats.num_varying_groups << " varying groups, " << stats.num_coalitions
                      << " coalitions, svm fast path: " << seconds << " s");
  CHECK_FALSE(stats.exact);
  CHECK(stats.num_coalitions == 2048);
  CHECK(std::fabs(std::accumulate(phi.begin(), phi.end(), base) - model->PredictMargin(x.data())) <
        1e-9);
  SUBCASE("poly fast path equals the generic path") {
    auto poly = loanlens::TrainModel(
        "svm", data, {{"kernel", "poly"}, {"coef0", "1"}, {"platt_folds", "2"}}, {});
    loanlens::BatchMarginFn pfn = [&](const double* rows, std::size_t n, double* out) {
      loanlens::SvmPredictMarginBatch(*poly, rows, n, out);
    };
    const double* row = x.data() + 5 * data.num_inputs;
    e.Explain(pfn, row, generic.data(), few);
    e.Explain(pfn, loanlens::SvmCoalitionMargins(*poly, e), row, phi.data(), few);
    for (std::size_t g = 0; g < phi.size(); ++g) CHECK(std::fabs(phi[g] - generic[g]) < 1e-9);
  }
}
