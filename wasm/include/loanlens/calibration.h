#pragma once
/// \file
/// Probability calibration for any model: maps a margin (the model's log-odds of default) to a
/// calibrated probability of default. Fitted on held-out (or cross-validated) margins.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "loanlens/sigmoid.h"
namespace loanlens {

enum class CalibrationKind { kNone, kPlatt, kIsotonic };
std::string ToString(CalibrationKind kind);  ///< "none" | "platt" | "isotonic"
/// Throws loanlens::Error naming the value and the known kinds.
CalibrationKind CalibrationKindFromString(const std::string& s);

/// Coefficients of pd = sigmoid(a * margin + b).
struct PlattCoefficients {
  double a = 1;
  double b = 0;
};

/**
 * Platt scaling by Newton's method with backtracking line search (Lin, Lin & Weng 2007, "A note
 * on Platt's probabilistic outputs for support vector machines", Algorithm 1), as LIBSVM's
 * sigmoid_train does.
 * \param margin           num_rows margins
 * \param y                num_rows 0/1 labels (1 = default)
 * \param target_smoothing true: Platt's targets (n1+1)/(n1+2) and 1/(n0+2) instead of 1 and 0
 *                         (the regularised fit); false: plain 1-D logistic regression (MLE).
 * \param weight           optional sample weights (nullptr or empty = all 1)
 */
PlattCoefficients FitPlatt(const std::vector<double>& margin, const std::vector<double>& y,
                           bool target_smoothing = true,
                           const std::vector<double>* weight = nullptr);


/// A fitted calibration map margin -> pd.
struct Calibrator {
  CalibrationKind kind = CalibrationKind::kNone;
  PlattCoefficients platt;  ///< kPlatt
  /// kIsotonic: knots of the non-decreasing piecewise-linear map (as sklearn's
  /// IsotonicRegression X_thresholds_ / y_thresholds_): ascending margins and their pd values.
  std::vector<double> knots_margin;
  std::vector<double> knots_pd;

  /**
   * Fits a calibration map.
   * \param margin num_rows margins
   * \param y      num_rows 0/1 labels
   * \param kind   none (identity: pd = sigmoid(margin)), platt or isotonic
   * Isotonic: pool-adjacent-violators on margins sorted ascending (ties pooled first), linear
   * interpolation between the first and last margin of adjacent blocks, clipped outside the
   * training range — the same map as sklearn IsotonicRegression(out_of_bounds="clip").
   */
  static Calibrator Fit(const std::vector<double>& margin, const std::vector<double>& y,
                        CalibrationKind kind);
  /// Calibrated pd for one margin.
  double Apply(double margin) const;
  nlohmann::json ToJson() const;
  /// Validates kind, finiteness, knot order and pd range; throws loanlens::Error naming the key.
  static Calibrator FromJson(const nlohmann::json& j);
};

}  // namespace loanlens
