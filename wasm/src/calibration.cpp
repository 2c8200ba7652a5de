#include "loanlens/portable_math.h"
#include "loanlens/sigmoid.h"
#include "loanlens/calibration.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "loanlens/error.h"

namespace loanlens {

std::string ToString(CalibrationKind kind) {
  switch (kind) {
    case CalibrationKind::kNone:
      return "none";
    case CalibrationKind::kPlatt:
      return "platt";
    case CalibrationKind::kIsotonic:
      return "isotonic";
  }
  return "none";
}

CalibrationKind CalibrationKindFromString(const std::string& s) {
  if (s == "none") return CalibrationKind::kNone;
  if (s == "platt") return CalibrationKind::kPlatt;
  if (s == "isotonic") return CalibrationKind::kIsotonic;
  throw Error("calibration: unknown kind '" + s + "' (known: none, platt, isotonic)");
}

namespace {

void CheckInputs(const std::vector<double>& margin, const std::vector<double>& y,
                 const char* what) {
  if (margin.size() != y.size())
    throw Error(std::string(what) + ": " + std::to_string(margin.size()) + " margins but " +
                std::to_string(y.size()) + " labels");
  if (margin.empty()) throw Error(std::string(what) + ": no rows to fit on");
  for (std::size_t i = 0; i < margin.size(); ++i) {
    if (!std::isfinite(margin[i]))
      throw Error(std::string(what) + ": margin of row " + std::to_string(i + 1) +
                  " is not finite");
    if (y[i] != 0 && y[i] != 1)
      throw Error(std::string(what) + ": label of row " + std::to_string(i + 1) + " is " +
                  std::to_string(y[i]) + ", expected 0 or 1");
  }
}

}  // namespace

PlattCoefficients FitPlatt(const std::vector<double>& margin, const std::vector<double>& y,
                           bool target_smoothing, const std::vector<double>* weight) {
  // Lin, Lin & Weng (2007), Algorithm 1. Their model is P(y=1|f) = 1 / (1 + exp(A f + B)); we
  // return a = -A, b = -B so that pd = sigmoid(a * margin + b).
  CheckInputs(margin, y, "Platt scaling");
  const std::size_t n = margin.size();
  const bool weighted = weight != nullptr && !weight->empty();
  if (weighted && weight->size() != n) throw Error("Platt scaling: weights and rows differ");
  auto w = [&](std::size_t i) { return weighted ? (*weight)[i] : 1.0; };
  double prior1 = 0, prior0 = 0;
  for (std::size_t i = 0; i < n; ++i) (y[i] == 1 ? prior1 : prior0) += w(i);
  // Step 1: targets (Platt's smoothing avoids an unbounded fit on separable margins).
  const double hi_target = target_smoothing ? (prior1 + 1.0) / (prior1 + 2.0) : 1.0;
  const double lo_target = target_smoothing ? 1.0 / (prior0 + 2.0) : 0.0;
  std::vector<double> t(n);
  for (std::size_t i = 0; i < n; ++i) t[i] = y[i] == 1 ? hi_target : lo_target;
  const int kMaxIter = 100;
  const double kMinStep = 1e-10, kSigma = 1e-12, kEps = 1e-5;
  double A = 0, B = Log((prior0 + 1.0) / (prior1 + 1.0));
  // Negative log-likelihood, written to avoid overflow in exp.
  auto objective = [&](double a, double b) {
    double f = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const double fApB = margin[i] * a + b;
      f += w(i) * (fApB >= 0 ? t[i] * fApB + Log1p(Exp(-fApB))
                             : (t[i] - 1) * fApB + Log1p(Exp(fApB)));
    }
    return f;
  };
  double fval = objective(A, B);
  for (int iter = 0; iter < kMaxIter; ++iter) {
    // Step 2: gradient and Hessian (plus sigma on the diagonal for a positive-definite H).
    double h11 = kSigma, h22 = kSigma, h21 = 0, g1 = 0, g2 = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const double fApB = margin[i] * A + B;
      double p, q;
      if (fApB >= 0) {
        const double e = Exp(-fApB);
        p = e / (1.0 + e);
        q = 1.0 / (1.0 + e);
      } else {
        const double e = Exp(fApB);
        p = 1.0 / (1.0 + e);
        q = e / (1.0 + e);
      }
      const double d2 = w(i) * p * q;
      h11 += margin[i] * margin[i] * d2;
      h22 += d2;
      h21 += margin[i] * d2;
      const double d1 = w(i) * (t[i] - p);
      g1 += margin[i] * d1;
      g2 += d1;
    }
    if (std::fabs(g1) < kEps && std::fabs(g2) < kEps) break;
    // Step 3: Newton direction.
    const double det = h11 * h22 - h21 * h21;
    const double dA = -(h22 * g1 - h21 * g2) / det;
    const double dB = -(-h21 * g1 + h11 * g2) / det;
    const double gd = g1 * dA + g2 * dB;
    // Step 4: backtracking line search (Armijo).
    double step = 1;
    while (step >= kMinStep) {
      const double new_a = A + step * dA, new_b = B + step * dB;
      const double new_f = objective(new_a, new_b);
      if (new_f < fval + 1e-4 * step * gd) {
        A = new_a;
        B = new_b;
        fval = new_f;
        break;
      }
      step /= 2;
    }
    if (step < kMinStep) break;  // no progress possible
  }
  return {-A, -B};
}

Calibrator Calibrator::Fit(const std::vector<double>& margin, const std::vector<double>& y,
                           CalibrationKind kind) {
  Calibrator c;
  c.kind = kind;
  if (kind == CalibrationKind::kNone) return c;
  if (kind == CalibrationKind::kPlatt) {
    c.platt = FitPlatt(margin, y, true);
    return c;
  }
  CheckInputs(margin, y, "isotonic calibration");
  // Sort by margin (then label, as sklearn's lexsort does) and pool equal margins.
  const std::size_t n = margin.size();
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return margin[a] != margin[b] ? margin[a] < margin[b] : y[a] < y[b];
  });
  std::vector<double> ux, uy, uw;
  for (std::size_t k = 0; k < n; ++k) {
    const double x = margin[order[k]], v = y[order[k]];
    if (ux.empty() || x - ux.back() >= 1e-15) {  // sklearn pools within float resolution
      ux.push_back(x);
      uy.push_back(v);
      uw.push_back(1);
    } else {
      uy.back() = (uy.back() * uw.back() + v) / (uw.back() + 1);
      uw.back() += 1;
    }
  }
  // Pool adjacent violators: a stack of blocks (value, weight, length), merged while decreasing.
  struct Block {
    double value, weight;
    std::size_t length;
  };
  std::vector<Block> blocks;
  for (std::size_t i = 0; i < ux.size(); ++i) {
    blocks.push_back({uy[i], uw[i], 1});
    while (blocks.size() > 1 && blocks[blocks.size() - 2].value >= blocks.back().value) {
      Block top = blocks.back();
      blocks.pop_back();
      Block& prev = blocks.back();
      prev.value = (prev.value * prev.weight + top.value * top.weight) / (prev.weight + top.weight);
      prev.weight += top.weight;
      prev.length += top.length;
    }
  }
  std::vector<double> fitted;
  fitted.reserve(ux.size());
  for (const Block& b : blocks) fitted.insert(fitted.end(), b.length, b.value);
  // Keep the end points of constant runs: the same knots as sklearn's X_thresholds_.
  for (std::size_t i = 0; i < ux.size(); ++i) {
    const bool keep =
        i == 0 || i + 1 == ux.size() || fitted[i - 1] != fitted[i] || fitted[i] != fitted[i + 1];
    if (keep) {
      c.knots_margin.push_back(ux[i]);
      c.knots_pd.push_back(fitted[i]);
    }
  }
  return c;
}

double Calibrator::Apply(double margin) const {
  switch (kind) {
    case CalibrationKind::kNone:
      return Sigmoid(margin);
    case CalibrationKind::kPlatt:
      return Sigmoid(platt.a * margin + platt.b);
    case CalibrationKind::kIsotonic: {
      if (std::isnan(margin)) return margin;
      if (margin <= knots_margin.front()) return knots_pd.front();
      if (margin >= knots_margin.back()) return knots_pd.back();
      // First knot strictly above the margin; interpolate on [k-1, k].
      const std::size_t k =
          std::upper_bound(knots_margin.begin(), knots_margin.end(), margin) - knots_margin.begin();
      const double x0 = knots_margin[k - 1], x1 = knots_margin[k];
      const double y0 = knots_pd[k - 1], y1 = knots_pd[k];
      return y0 + (y1 - y0) * (margin - x0) / (x1 - x0);
    }
  }
  return Sigmoid(margin);
}

nlohmann::json Calibrator::ToJson() const {
  nlohmann::json j = {{"kind", ToString(kind)}};
  if (kind == CalibrationKind::kPlatt) {
    j["a"] = platt.a;
    j["b"] = platt.b;
  } else if (kind == CalibrationKind::kIsotonic) {
    j["knots_margin"] = knots_margin;
    j["knots_pd"] = knots_pd;
  }
  return j;
}

namespace {

double FiniteNumber(const nlohmann::json& j, const std::string& key, const std::string& path) {
  if (!j.contains(key) || !j[key].is_number())
    throw Error(path + "." + key + ": expected a number");
  const double v = j[key].get<double>();
  if (!std::isfinite(v)) throw Error(path + "." + key + ": expected a finite number");
  return v;
}

std::vector<double> FiniteArray(const nlohmann::json& j, const std::string& key,
                                const std::string& path) {
  if (!j.contains(key) || !j[key].is_array())
    throw Error(path + "." + key + ": expected an array of numbers");
  std::vector<double> out;
  for (std::size_t i = 0; i < j[key].size(); ++i) {
    const auto& v = j[key][i];
    if (!v.is_number() || !std::isfinite(v.get<double>()))
      throw Error(path + "." + key + "[" + std::to_string(i) + "]: expected a finite number");
    out.push_back(v.get<double>());
  }
  return out;
}

}  // namespace

Calibrator Calibrator::FromJson(const nlohmann::json& j) {
  const std::string path = "calibration";
  if (!j.is_object() || !j.contains("kind") || !j["kind"].is_string())
    throw Error(path + ": expected an object with a string 'kind'");
  Calibrator c;
  c.kind = CalibrationKindFromString(j["kind"].get<std::string>());
  if (c.kind == CalibrationKind::kPlatt) {
    c.platt.a = FiniteNumber(j, "a", path);
    c.platt.b = FiniteNumber(j, "b", path);
  } else if (c.kind == CalibrationKind::kIsotonic) {
    c.knots_margin = FiniteArray(j, "knots_margin", path);
    c.knots_pd = FiniteArray(j, "knots_pd", path);
    if (c.knots_margin.empty() || c.knots_margin.size() != c.knots_pd.size())
      throw Error(path + ": knots_margin and knots_pd must be non-empty and of equal length");
    for (std::size_t i = 0; i < c.knots_pd.size(); ++i) {
      if (c.knots_pd[i] < 0 || c.knots_pd[i] > 1)
        throw Error(path + ".knots_pd[" + std::to_string(i) + "]: expected a value in [0, 1]");
      if (i > 0 && !(c.knots_margin[i] > c.knots_margin[i - 1]))
        throw Error(path + ".knots_margin[" + std::to_string(i) + "]: expected ascending values");
      if (i > 0 && c.knots_pd[i] < c.knots_pd[i - 1])
        throw Error(path + ".knots_pd[" + std::to_string(i) + "]: expected non-decreasing values");
    }
  }
  return c;
}

}  // namespace loanlens
