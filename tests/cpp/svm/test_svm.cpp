#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <vector>

#include "loanlens/calibration.h"
#include "loanlens/error.h"
#include "loanlens/model_registry.h"
#include "loanlens/svm/svm.h"

namespace {

/// german300 fixture (scripts/fixtures/make_svm_fixture.py): design, labels, sklearn decisions.
struct SvmFixture {
  nlohmann::json j;
  std::vector<double> x, y;
  std::size_t n = 0, d = 0;
  loanlens::TrainData Data() const {
    loanlens::TrainData t;
    t.x = x.data();
    t.num_rows = n;
    t.num_inputs = d;
    t.y = y.data();
    for (std::size_t c = 0; c < d; ++c) {
      t.input_names.push_back(j["columns"][c].get<std::string>());
      t.group.push_back(static_cast<int>(c));
    }
    return t;
  }
};

const SvmFixture& Fixture() {
  static const SvmFixture f = [] {
    SvmFixture s;
    std::ifstream in(LOANLENS_SOURCE_DIR "/tests/fixtures/svm/german300.json");
    REQUIRE(in.good());
    s.j = nlohmann::json::parse(in);
    s.y = s.j["y"].get<std::vector<double>>();
    s.n = s.y.size();
    s.d = s.j["x"][0].size();
    for (const auto& row : s.j["x"])
      for (const auto& v : row) s.x.push_back(v.get<double>());
    return s;
  }();
  return f;
}

/// Largest |ours - sklearn| relative to the largest |sklearn decision value|.
double MaxRelativeError(const std::vector<double>& ours, const std::vector<double>& ref) {
  double worst = 0, scale = 0;
  for (double r : ref) scale = std::max(scale, std::fabs(r));
  for (std::size_t i = 0; i < ref.size(); ++i) worst = std::max(worst, std::fabs(ours[i] - ref[i]));
  return worst / scale;
}

std::vector<double> Decisions(const loanlens::Model& m, const SvmFixture& f) {
  std::vector<double> out(f.n);
  loanlens::SvmDecisionFunction(m, f.x.data(), f.n, out.data());
  return out;
}

}  // namespace

TEST_CASE("SVM decision values match sklearn on german300") {
  const SvmFixture& f = Fixture();
  const loanlens::TrainData data = f.Data();
  loanlens::TrainContext ctx;

  SUBCASE("rbf, C=1, gamma=scale (SVC / LIBSVM)") {
    auto m = loanlens::TrainModel("svm", data, {{"kernel", "rbf"}}, ctx);
    const auto ref = f.j["rbf"]["decision"].get<std::vector<double>>();
    const double err = MaxRelativeError(Decisions(*m, f), ref);
    MESSAGE("rbf max relative error " << err);
    CHECK(err < 1e-3);
    CHECK(m->ToJson()["training"]["num_support_vectors"].get<int>() ==
          f.j["rbf"]["num_sv"].get<int>());
    CHECK(m->ToJson()["gamma"].get<double>() ==
          doctest::Approx(f.j["gamma_scale"].get<double>()).epsilon(1e-12));
  }
  SUBCASE("poly, degree 3, coef0 1 (SVC / LIBSVM)") {
    auto m = loanlens::TrainModel("svm", data, {{"kernel", "poly"}, {"coef0", "1"}}, ctx);
    const auto ref = f.j["poly"]["decision"].get<std::vector<double>>();
    const double err = MaxRelativeError(Decisions(*m, f), ref);
    MESSAGE("poly max relative error " << err);
    CHECK(err < 1e-3);
  }
  SUBCASE("linear hinge, dual coordinate descent (LinearSVC)") {
    auto m = loanlens::TrainModel(
        "svm", data, {{"kernel", "linear"}, {"tol", "1e-6"}, {"max_iter", "100000"}}, ctx);
    const auto ref = f.j["linear"]["decision"].get<std::vector<double>>();
    const double err = MaxRelativeError(Decisions(*m, f), ref);
    MESSAGE("linear max relative error " << err);
    CHECK(err < 1e-3);
  }
  SUBCASE("without shrinking the solver reaches the same optimum") {
    auto m = loanlens::TrainModel("svm", data, {{"shrinking", "false"}, {"cache_mb", "0.01"}}, ctx);
    const auto ref = f.j["rbf"]["decision"].get<std::vector<double>>();
    CHECK(MaxRelativeError(Decisions(*m, f), ref) < 1e-3);
  }
}

TEST_CASE("SVM model: Platt margin, JSON round trip, explanations, parameters") {
  const SvmFixture& f = Fixture();
  const loanlens::TrainData data = f.Data();
  loanlens::TrainContext ctx;
  for (const char* kernel : {"linear", "rbf"}) {
    CAPTURE(kernel);
    auto m = loanlens::TrainModel("svm", data, {{"kernel", kernel}}, ctx);
    const nlohmann::json j = m->ToJson();
    // Margin = Platt log-odds: a * f + b, and a > 0 (higher f = more likely default).
    CHECK(j["platt"]["a"].get<double>() > 0);
    const auto dec = Decisions(*m, f);
    std::vector<double> batch(f.n);
    loanlens::SvmPredictMarginBatch(*m, f.x.data(), f.n, batch.data());
    for (std::size_t i = 0; i < f.n; i += 17) {
      const double margin = m->PredictMargin(f.x.data() + i * f.d);
      CHECK(margin ==
            doctest::Approx(j["platt"]["a"].get<double>() * dec[i] + j["platt"]["b"].get<double>())
                .epsilon(1e-12));
      CHECK(batch[i] == doctest::Approx(margin).epsilon(1e-12));
    }
    // A polynomial degree of 2^31 - 1 (a hang in the coalition fast path) is refused at load.
    auto poly = j;
    poly["kernel"] = "poly";
    poly["gamma"] = 0.1;
    poly["coef0"] = 1.0;
    poly["degree"] = 2147483647;
    poly["dual_coef"] = {1.0};
    poly["support_vectors"] = {std::vector<double>(f.d, 0.0)};
    CHECK_THROWS_WITH_AS(loanlens::ModelFromJson(poly),
                         "model.degree: expected an integer in [1, 10], got 2147483647",
                         loanlens::Error);
    poly["degree"] = 3;
    CHECK(loanlens::ModelFromJson(poly)->Kind() == "svm");
    // Save -> load -> predict is bit-identical.
    auto back = loanlens::ModelFromJson(nlohmann::json::parse(j.dump()));
    CHECK(back->ToJson() == j);
    for (std::size_t i = 0; i < f.n; i += 7)
      CHECK(back->PredictMargin(f.x.data() + i * f.d) == m->PredictMargin(f.x.data() + i * f.d));
    std::vector<double> phi(f.d);
    if (std::string(kernel) == "linear") {
      REQUIRE(m->HasExactExplainer());
      for (std::size_t i = 0; i < f.n; i += 11) {
        const double base = m->Explain(f.x.data() + i * f.d, phi.data());
        double sum = base;
        for (double v : phi) sum += v;
        CHECK(sum == doctest::Approx(m->PredictMargin(f.x.data() + i * f.d)).epsilon(1e-12));
      }
    } else {
      CHECK_FALSE(m->HasExactExplainer());
      CHECK_THROWS_AS(m->Explain(f.x.data(), phi.data()), loanlens::Error);
    }
  }
  SUBCASE("stratified subsample above max_train_rows is reported") {
    auto m = loanlens::TrainModel("svm", data, {{"max_train_rows", "100"}}, ctx);
    const auto t = m->ToJson()["training"];
    CHECK(t["subsampled"].get<bool>());
    CHECK(t["num_rows_used"].get<int>() == 100);
  }
  SUBCASE("platt_folds=0: Platt on the training decision values, same SVM") {
    auto a = loanlens::TrainModel("svm", data, {}, ctx);
    auto b = loanlens::TrainModel("svm", data, {{"platt_folds", "0"}}, ctx);
    CHECK(a->ToJson()["dual_coef"] == b->ToJson()["dual_coef"]);
    CHECK(a->ToJson()["platt"] != b->ToJson()["platt"]);
    CHECK(b->ToJson()["platt"]["a"].get<double>() > 0);
    CHECK_THROWS_AS(loanlens::TrainModel("svm", data, {{"platt_folds", "1"}}, ctx),
                    loanlens::Error);
  }
  SUBCASE("balanced class weights change the fit") {
    auto a = loanlens::TrainModel("svm", data, {}, ctx);
    auto b = loanlens::TrainModel("svm", data, {{"class_weight", "balanced"}}, ctx);
    CHECK(a->ToJson()["bias"] != b->ToJson()["bias"]);
  }
  SUBCASE("bad parameters and bad JSON are named") {
    CHECK_THROWS_WITH_AS(loanlens::TrainModel("svm", data, {{"gamma", "-1"}}, ctx),
                         doctest::Contains("gamma"), loanlens::Error);
    CHECK_THROWS_WITH_AS(loanlens::TrainModel("svm", data, {{"kernal", "rbf"}}, ctx),
                         doctest::Contains("kernal"), loanlens::Error);
    auto j = loanlens::TrainModel("svm", data, {{"max_train_rows", "60"}}, ctx)->ToJson();
    j["support_vectors"][2][3] = "x";
    CHECK_THROWS_WITH_AS(loanlens::ModelFromJson(j), doctest::Contains("support_vectors[2][3]"),
                         loanlens::Error);
  }
}

TEST_CASE("SVM reads its --param keys with their defaults and ranges") {
  using loanlens::ParseSvmParams;
  using loanlens::SvmKernel;
  const loanlens::SvmParams d = ParseSvmParams({}, 42);
  CHECK(d.kernel == SvmKernel::kRbf);
  CHECK(d.c == 1.0);
  CHECK(d.gamma == "scale");
  CHECK(d.degree == 3);
  CHECK(d.coef0 == 0.0);
  CHECK_FALSE(d.balanced);
  CHECK(d.tol == 1e-3);
  CHECK(d.max_train_rows == 20000);
  CHECK(d.seed == 42);  // the context's seed unless seed= is given
  CHECK(d.cache_mb == 100.0);
  CHECK(d.shrinking);
  CHECK(d.max_iter == 1000);
  CHECK(d.platt_folds == 5);
  CHECK(ParseSvmParams({{"kernel", "linear"}}, 7).tol == 1e-4);  // LinearSVC's default

  const loanlens::SvmParams p = ParseSvmParams({{"kernel", "poly"},
                                                {"C", "2"},
                                                {"gamma", "0.5"},
                                                {"degree", "10"},
                                                {"coef0", "-1.5"},
                                                {"class_weight", "balanced"},
                                                {"tol", "0.01"},
                                                {"max_train_rows", "10"},
                                                {"seed", "18446744073709551615"},
                                                {"cache_mb", "0.5"},
                                                {"shrinking", "false"},
                                                {"max_iter", "1"},
                                                {"platt_folds", "0"}},
                                               7);
  CHECK(p.kernel == SvmKernel::kPoly);
  CHECK(p.c == 2.0);
  CHECK(p.gamma == "0.5");
  CHECK(p.degree == 10);
  CHECK(p.coef0 == -1.5);
  CHECK(p.balanced);
  CHECK(p.tol == 0.01);
  CHECK(p.max_train_rows == 10);
  CHECK(p.seed == 18446744073709551615ULL);  // all 64 bits
  CHECK(p.cache_mb == 0.5);
  CHECK_FALSE(p.shrinking);
  CHECK(p.max_iter == 1);
  CHECK(p.platt_folds == 0);
  CHECK(ParseSvmParams({{"gamma", "auto"}, {"platt_folds", "2"}}, 7).gamma == "auto");

  const auto fails = [](const loanlens::ParamMap& m, const std::string& message) {
    CHECK_THROWS_WITH_AS(ParseSvmParams(m, 7), message.c_str(), loanlens::Error);
  };
  fails({{"kernel", "sigmoid"}},
        "parameter 'kernel': expected one of linear, rbf, poly, got 'sigmoid'");
  fails({{"C", "0"}}, "parameter 'C': expected a positive number, got '0'");
  for (const char* g : {"-1", "0", "abc", "inf", ""}) {
    CAPTURE(g);
    fails({{"gamma", g}},
          std::string("parameter 'gamma': expected scale, auto or a positive number, got '") + g +
              "'");
  }
  fails({{"degree", "0"}}, "parameter 'degree': expected an integer in [1, 10], got '0'");
  fails({{"degree", "11"}}, "parameter 'degree': expected an integer in [1, 10], got '11'");
  fails({{"coef0", "x"}}, "parameter 'coef0': expected a number, got 'x'");
  fails({{"class_weight", "auto"}},
        "parameter 'class_weight': expected one of none, balanced, got 'auto'");
  fails({{"tol", "0"}}, "parameter 'tol': expected a positive number, got '0'");
  fails({{"max_train_rows", "9"}},
        "parameter 'max_train_rows': expected an integer in [10, 2147483647], got '9'");
  fails({{"seed", "-1"}},
        "parameter 'seed': expected an integer in [0, 18446744073709551615], got '-1'");
  fails({{"cache_mb", "-5"}}, "parameter 'cache_mb': expected a positive number, got '-5'");
  fails({{"shrinking", "yes"}}, "parameter 'shrinking': expected one of true, false, got 'yes'");
  fails({{"max_iter", "0"}},
        "parameter 'max_iter': expected an integer in [1, 1000000], got '0'");
  fails({{"platt_folds", "1"}},
        "parameter 'platt_folds': expected 0 (no cross-validation) or at least 2, got '1'");
  fails({{"platt_folds", "-1"}},
        "parameter 'platt_folds': expected an integer in [0, 20], got '-1'");
  fails({{"kernal", "rbf"}},
        "parameter 'kernal' is not known for model 'svm' (known: C, cache_mb, class_weight, coef0, "
        "degree, gamma, kernel, max_iter, max_train_rows, platt_folds, seed, shrinking, tol)");
}
