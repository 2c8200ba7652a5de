#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "loanlens/error.h"
#include "loanlens/metrics.h"

namespace {

using loanlens::Error;
using nlohmann::json;

json ReadFixture(const std::string& name) {
  const std::string path = std::string(LOANLENS_SOURCE_DIR) + "/tests/fixtures/metrics/" + name;
  std::ifstream in(path);
  REQUIRE_MESSAGE(in.good(), "missing fixture " << path);
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str());
}

/// Largest |a - b| seen per quantity, printed when LOANLENS_REPORT_DIFFS is set.
struct DiffLog {
  double max_diff = 0;
  void Check(double actual, double want, double tol, const std::string& what) {
    const double d = std::fabs(actual - want);
    max_diff = std::max(max_diff, d);
    CHECK_MESSAGE(d <= tol, what << ": got " << actual << ", sklearn " << want << ", diff " << d);
  }
};

void CheckVector(DiffLog& log, const std::vector<double>& actual, const json& want, double tol,
                 const std::string& what) {
  REQUIRE_MESSAGE(actual.size() == want.size(),
                  what << ": length " << actual.size() << " vs " << want.size());
  for (std::size_t i = 0; i < actual.size(); ++i) {
    log.Check(actual[i], want[i].get<double>(), tol, what + "[" + std::to_string(i) + "]");
  }
}

/// Pair counting, the definition of AUC: P(score_pos > score_neg) + P(tie) / 2.
double BruteAuc(const std::vector<double>& y, const std::vector<double>& s) {
  double wins = 0, pairs = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    for (std::size_t j = 0; j < y.size(); ++j) {
      if (y[i] != 1 || y[j] != 0) continue;
      pairs += 1;
      wins += s[i] > s[j] ? 1.0 : (s[i] == s[j] ? 0.5 : 0.0);
    }
  }
  return wins / pairs;
}

}  // namespace

TEST_CASE("metrics agree with scikit-learn on the committed fixtures") {
  const char* cases[] = {"ties", "perfect", "inverse", "realistic"};
  const bool report = std::getenv("LOANLENS_REPORT_DIFFS") != nullptr;
  for (const std::string name : cases) {
    CAPTURE(name);
    const json doc = ReadFixture(name + ".json");
    const auto y = doc.at("y").get<std::vector<double>>();
    const auto pd = doc.at("pd").get<std::vector<double>>();
    const json& want = doc.at("expected");
    DiffLog scalar, roc, calibration, gains;

    scalar.Check(loanlens::RocAuc(y, pd), want.at("auc"), 1e-12, "auc");
    scalar.Check(loanlens::AveragePrecision(y, pd), want.at("pr_auc"), 1e-12, "pr_auc");
    scalar.Check(loanlens::LogLoss(y, pd), want.at("log_loss"), 1e-12, "log_loss");
    scalar.Check(loanlens::BrierScore(y, pd), want.at("brier"), 1e-12, "brier");
    const loanlens::KsResult ks = loanlens::KsStatistic(y, pd);
    scalar.Check(ks.ks, want.at("ks"), 1e-12, "ks");
    CHECK(ks.threshold == want.at("ks_threshold").get<double>());

    const loanlens::RocCurve curve = loanlens::ComputeRocCurve(y, pd, 0);
    CheckVector(roc, curve.fpr, want.at("roc").at("fpr"), 1e-12, "roc.fpr");
    CheckVector(roc, curve.tpr, want.at("roc").at("tpr"), 1e-12, "roc.tpr");
    CheckVector(roc, curve.threshold, want.at("roc").at("threshold"), 0, "roc.threshold");

    for (const json& c : want.at("confusion")) {
      const loanlens::Confusion got = loanlens::ConfusionAt(y, pd, c.at("threshold"));
      CHECK(got.tp == c.at("tp").get<std::size_t>());
      CHECK(got.fp == c.at("fp").get<std::size_t>());
      CHECK(got.tn == c.at("tn").get<std::size_t>());
      CHECK(got.fn == c.at("fn").get<std::size_t>());
    }

    const auto table = loanlens::CalibrationTable(y, pd, 10);
    REQUIRE(table.size() == want.at("calibration").size());
    for (std::size_t i = 0; i < table.size(); ++i) {
      const json& w = want.at("calibration")[i];
      CHECK(table[i].bin == w.at("bin").get<std::size_t>());
      CHECK(table[i].n == w.at("n").get<std::size_t>());
      calibration.Check(table[i].lower, w.at("lower"), 0, "calibration.lower");
      calibration.Check(table[i].upper, w.at("upper"), 0, "calibration.upper");
      calibration.Check(table[i].mean_pd, w.at("mean_pd"), 1e-12, "calibration.mean_pd");
      calibration.Check(table[i].observed, w.at("observed"), 1e-12, "calibration.observed");
    }

    const auto dist = loanlens::ScoreHistogram(y, pd, 20);
    const json& wd = want.at("score_distribution");
    CHECK(dist.edges == wd.at("edges").get<std::vector<double>>());
    CHECK(dist.positive == wd.at("positive").get<std::vector<std::size_t>>());
    CHECK(dist.negative == wd.at("negative").get<std::vector<std::size_t>>());

    const auto rows = loanlens::GainsTable(y, pd, 10);
    REQUIRE(rows.size() == want.at("gains").size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const json& w = want.at("gains")[i];
      CHECK(rows[i].n == w.at("n").get<std::size_t>());
      gains.Check(rows[i].positives, w.at("positives"), 1e-9, "gains.positives");
      gains.Check(rows[i].cum_population, w.at("cum_population"), 1e-12, "gains.cum_population");
      gains.Check(rows[i].cum_gain, w.at("cum_gain"), 1e-12, "gains.cum_gain");
      gains.Check(rows[i].lift, w.at("lift"), 1e-9, "gains.lift");
      gains.Check(rows[i].cum_lift, w.at("cum_lift"), 1e-12, "gains.cum_lift");
      gains.Check(rows[i].min_score, w.at("min_score"), 0, "gains.min_score");
      gains.Check(rows[i].max_score, w.at("max_score"), 0, "gains.max_score");
    }
    if (report) {
      MESSAGE(name << ": max |diff| scalars " << scalar.max_diff << ", roc " << roc.max_diff
                   << ", calibration " << calibration.max_diff << ", gains " << gains.max_diff);
    }
  }
}

TEST_CASE("ROC AUC is the pair-counting probability, ties counted one half") {
  std::mt19937_64 rng(11);
  std::uniform_int_distribution<int> grid(0, 6);
  std::bernoulli_distribution coin(0.4);
  std::vector<double> y, s;
  for (int i = 0; i < 150; ++i) {
    y.push_back(coin(rng) ? 1 : 0);
    s.push_back(grid(rng) / 6.0);  // heavy ties
  }
  CHECK(loanlens::RocAuc(y, s) == doctest::Approx(BruteAuc(y, s)).epsilon(1e-14));
  SUBCASE("rank based: any increasing transform of the score leaves it unchanged") {
    std::vector<double> margin;
    for (double v : s) margin.push_back(std::log(v + 0.01) * 3 - 7);
    CHECK(loanlens::RocAuc(y, margin) == loanlens::RocAuc(y, s));
    CHECK(loanlens::KsStatistic(y, margin).ks == loanlens::KsStatistic(y, s).ks);
  }
  SUBCASE("all scores tied gives 0.5") {
    std::vector<double> flat(y.size(), 0.3);
    CHECK(loanlens::RocAuc(y, flat) == 0.5);
  }
}

TEST_CASE("EvaluateBinary collects the metrics and thins curves for storage") {
  const json doc = ReadFixture("realistic.json");
  const auto y = doc.at("y").get<std::vector<double>>();
  const auto pd = doc.at("pd").get<std::vector<double>>();
  loanlens::EvalOptions options;
  options.roc_max_points = 120;
  const json e = loanlens::EvaluateBinary(y, pd, options);

  CHECK(e.at("n_rows") == y.size());
  CHECK(e.at("n_positive").get<double>() == std::count(y.begin(), y.end(), 1.0));
  CHECK(e.at("auc").get<double>() == loanlens::RocAuc(y, pd));
  CHECK(e.at("gini").get<double>() == doctest::Approx(2 * loanlens::RocAuc(y, pd) - 1));
  CHECK(e.at("ks").get<double>() == loanlens::KsStatistic(y, pd).ks);
  CHECK(e.at("ks_threshold").get<double>() == doc["expected"]["ks_threshold"].get<double>());
  CHECK(e.at("pr_auc").get<double>() == loanlens::AveragePrecision(y, pd));
  CHECK(e.at("threshold").get<double>() == 0.5);
  CHECK(e.at("confusion").at("tp").get<std::size_t>() == loanlens::ConfusionAt(y, pd, 0.5).tp);
  for (const char* key :
       {"log_loss", "brier", "positive_rate", "calibration", "gains", "score_distribution"}) {
    CHECK_MESSAGE(e.contains(key), key);
  }

  SUBCASE("the stored ROC is a thinned subset of the full curve with both ends") {
    const auto full = loanlens::ComputeRocCurve(y, pd, 0);
    const auto fpr = e.at("roc").at("fpr").get<std::vector<double>>();
    const auto tpr = e.at("roc").at("tpr").get<std::vector<double>>();
    REQUIRE(full.fpr.size() > 120);
    CHECK(fpr.size() <= 120);
    CHECK(fpr.size() >= 100);
    CHECK(fpr.front() == 0);
    CHECK(tpr.front() == 0);
    CHECK(fpr.back() == 1);
    CHECK(tpr.back() == 1);
    // Trapezoid AUC of the thinned curve stays close to the exact AUC.
    double area = 0;
    for (std::size_t i = 1; i < fpr.size(); ++i) {
      area += (fpr[i] - fpr[i - 1]) * (tpr[i] + tpr[i - 1]) / 2;
    }
    CHECK(area == doctest::Approx(e.at("auc").get<double>()).epsilon(2e-3));
  }
  SUBCASE("the KS curve keeps the KS point") {
    const json& k = e.at("ks_curve");
    const auto bad = k.at("cum_bad").get<std::vector<double>>();
    const auto good = k.at("cum_good").get<std::vector<double>>();
    CHECK(bad.size() <= 120);
    double best = -1;
    for (std::size_t i = 0; i < bad.size(); ++i) best = std::max(best, bad[i] - good[i]);
    CHECK(best == e.at("ks").get<double>());
    CHECK(k.at("population").back().get<double>() == 1.0);
  }
  SUBCASE("the confusion grid: unthinned, the counts at every multiple of its step") {
    const json& g = e.at("confusion_grid");
    const auto t = g.at("threshold").get<std::vector<double>>();
    const auto tpr = g.at("tpr").get<std::vector<double>>();
    const auto fpr = g.at("fpr").get<std::vector<double>>();
    REQUIRE(t.size() == 201);
    REQUIRE(tpr.size() == t.size());
    REQUIRE(fpr.size() == t.size());
    CHECK(g.at("step").get<double>() == 0.005);
    const double pos = std::count(y.begin(), y.end(), 1.0), neg = y.size() - pos;
    for (std::size_t i = 0; i < t.size(); ++i) {
      CHECK(t[i] == static_cast<double>(i) / 200);
      std::size_t tp = 0, fp = 0;  // brute force: rows with pd >= t
      for (std::size_t r = 0; r < y.size(); ++r)
        if (pd[r] >= t[i]) ++(y[r] == 1.0 ? tp : fp);
      CHECK(tpr[i] == tp / pos);
      CHECK(fpr[i] == fp / neg);
    }
    CHECK(tpr.front() == 1.0);
    CHECK_THROWS_AS(loanlens::ConfusionGridJson(y, pd, 0), loanlens::Error);
  }
  SUBCASE("confusion rates follow from the counts") {
    const auto c = loanlens::ConfusionAt(y, pd, 0.2);
    CHECK(c.tp + c.fp + c.tn + c.fn == y.size());
    CHECK(c.tpr == doctest::Approx(double(c.tp) / (c.tp + c.fn)));
    CHECK(c.precision == doctest::Approx(double(c.tp) / (c.tp + c.fp)));
    CHECK(c.f1 == doctest::Approx(2 * c.precision * c.tpr / (c.precision + c.tpr)));
  }
}

TEST_CASE("degenerate inputs raise a loanlens::Error that says what is wrong") {
  const std::vector<double> y{0, 1, 0, 1};
  const std::vector<double> pd{0.1, 0.8, 0.3, 0.6};
  auto message = [](auto&& fn) {
    try {
      fn();
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  SUBCASE("one class only: AUC is undefined") {
    const std::string m = message([] { loanlens::RocAuc({0, 0, 0}, {0.1, 0.2, 0.3}); });
    CHECK(m.find("ROC AUC is undefined when only one class is present") != std::string::npos);
    CHECK(m.find("no positives") != std::string::npos);
    CHECK_THROWS_AS(loanlens::EvaluateBinary({1, 1}, {0.4, 0.5}), Error);
    CHECK_THROWS_AS(loanlens::KsStatistic({1, 1}, {0.4, 0.5}), Error);
    CHECK_THROWS_AS(loanlens::AveragePrecision({0, 0}, {0.4, 0.5}), Error);
  }
  SUBCASE("empty input") {
    CHECK(message([] { loanlens::EvaluateBinary({}, {}); }).find("no rows") != std::string::npos);
    CHECK_THROWS_AS(loanlens::LogLoss({}, {}), Error);
  }
  SUBCASE("pd outside [0, 1] names the entry and the value") {
    const std::string m = message([&] { loanlens::EvaluateBinary(y, {0.1, 1.5, 0.3, 0.6}); });
    CHECK(m.find("column 'pd', value '1.5'") != std::string::npos);
    CHECK(m.find("entry 2 of 4 is outside [0, 1]") != std::string::npos);
    CHECK_THROWS_AS(loanlens::BrierScore(y, {-0.1, 0.8, 0.3, 0.6}), Error);
    // A margin is a fine score for rank metrics.
    CHECK(loanlens::RocAuc(y, {-3, 4, -1, 2}) == 1.0);
  }
  SUBCASE("NaN score, bad label, length mismatch") {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    CHECK(message([&] {
            loanlens::RocAuc(y, {0.1, nan, 0.3, 0.6});
          }).find("entry 2 of 4 is not a finite number") != std::string::npos);
    CHECK(message([&] {
            loanlens::LogLoss({0, 2, 0, 1}, pd);
          }).find("expected 0 or 1") != std::string::npos);
    CHECK(message([&] { loanlens::BrierScore(y, {0.1}); }).find("y has 4 entries but pd has 1") !=
          std::string::npos);
  }
}
