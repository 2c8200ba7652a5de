#pragma once
/// \file
/// Reference histograms stored in the bundle at training time, against which new data is
/// compared: deciles of the training sample's PD, and per feature deciles (numeric and boolean)
/// or level shares (categorical), each with "missing" as its own bin; categorical features also
/// have "__other__" for levels beyond the 20 most frequent and levels never seen in training.
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "loanlens/data/frame.h"
#include "loanlens/data/schema.h"

namespace loanlens {

/// Binning of one variable (a feature's raw Frame value, or the PD) with its reference shares.
struct BinnedVariable {
  std::string name;
  bool categorical = false;
  bool has_missing_bin = true;  ///< false for the score (never missing)
  /// Numeric: bin k holds edges[k-1] < x <= edges[k] (edges: QuantileEdges); the last
  /// value bin holds x > edges.back(). Then the missing bin (if any).
  std::vector<double> edges;
  /// Categorical: bin of each schema level index (levels beyond the first 20 -> __other__).
  std::vector<std::size_t> level_bin;
  std::vector<std::string> labels;  ///< one per bin (for reports and charts)
  std::vector<double> shares;       ///< reference share per bin (sum 1)
  double missing_rate = 0;          ///< reference share of missing values
  double min = 0, max = 0;          ///< numeric: range in the reference sample

  std::size_t NumBins() const { return labels.size(); }
  /// The bin of a raw value (NaN -> missing bin; kUnseenLevel -> __other__).
  std::size_t Bin(double raw) const;
  /// Outside the reference: numeric below min or above max; categorical an unseen level.
  bool OutOfRange(double raw) const;
  nlohmann::json ToJson() const;
  static BinnedVariable FromJson(const nlohmann::json& j, const std::string& path);
};

struct DriftReference {
  std::size_t rows = 0;                  ///< rows of the reference sample
  std::string sample;                    ///< which rows ("training sample")
  BinnedVariable score;                  ///< deciles of pd
  std::vector<BinnedVariable> features;  ///< in Frame feature order
  nlohmann::json ToJson() const;
  /// Validates; throws loanlens::Error naming the JSON path.
  static DriftReference FromJson(const nlohmann::json& j);
};

/// Most frequent categorical levels given their own bin.
inline constexpr std::size_t kDriftMaxLevels = 20;

/// Bin edges at the quantiles k / bins (k = 1..bins-1) of the finite values, as the inverted CDF
/// (the smallest value x with at least k / bins of the values <= x, numpy's "inverted_cdf"),
/// distinct, and without an edge at the maximum.
std::vector<double> QuantileEdges(std::vector<double> values, std::size_t bins);

/// Builds the reference from the training rows and their PDs (schema gives types and levels).
DriftReference FitDriftReference(const Schema& schema, const Frame& frame,
                                 const std::vector<double>& pd, std::size_t bins = 10);

}  // namespace loanlens
