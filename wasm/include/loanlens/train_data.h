#pragma once
/// \file
/// What a model family's trainer receives: the training rows in design space and the context
/// (validation rows, seed, threads, progress).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace loanlens {

/// Training data in design space. x is row-major num_rows x num_inputs; NaN = missing (only tree
/// models receive missing values; linear models and SVMs get imputed inputs).
struct TrainData {
  const double* x = nullptr;
  std::size_t num_rows = 0;
  std::size_t num_inputs = 0;
  const double* y = nullptr;             ///< 0/1 labels, num_rows
  const double* weight = nullptr;        ///< optional sample weights, num_rows (nullptr = all 1)
  std::vector<std::string> input_names;  ///< design column names
  /// group[j] = index of the original feature design column j came from (one-hot groups share it).
  std::vector<int> group;
  std::vector<std::string> group_names;  ///< original feature names
  const double* x_row(std::size_t i) const { return x + i * num_inputs; }
};

/// Optional validation data (early stopping, calibration) and progress reporting.
struct TrainContext {
  const TrainData* valid = nullptr;
  std::uint64_t seed = 7;
  int threads = 1;
  /// Called with (done, total) work units; may be empty.
  std::function<void(std::size_t, std::size_t)> progress;
  /// When set, a family that tracks its training rows' margins while fitting may leave them
  /// here, bit for bit what the fitted model's PredictMargins gives on those rows, sparing the
  /// caller that pass; otherwise it stays empty.
  std::vector<double>* train_margins = nullptr;
};

}  // namespace loanlens
