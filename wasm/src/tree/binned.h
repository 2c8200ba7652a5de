#pragma once
/// \file
/// Training-time internals shared by gbdt and random_forest (not public API): quantile binning
/// of the design matrix into a column-major uint8 bin matrix, a small deterministic RNG and the
/// stable row partition of a split. (Training threads use loanlens/parallel.h's ParallelRows.)
#include <cstddef>
#include <cstdint>
#include <vector>

#include "loanlens/detail/splitmix.h"
#include "loanlens/model.h"
#include "loanlens/train_data.h"

namespace loanlens::tree {

/// Features binned once. Bin b of feature f holds values v with edges[b-1] <= v < edges[b];
/// a split "left if bin < k" is the raw split "left if x < edges[k-1]". Missing values get the
/// extra bin num_bins[f] (histograms have num_bins[f] + 1 slots per feature).
struct BinnedData {
  std::size_t num_rows = 0;
  std::size_t num_features = 0;
  std::vector<std::uint8_t> bins;          ///< bins[f * num_rows + r]
  std::vector<std::vector<double>> edges;  ///< per feature, ascending
  std::vector<int> num_bins;               ///< real bins per feature (edges + 1)
  std::vector<std::size_t> offset;         ///< start of feature f in a flat histogram
  std::size_t hist_size = 0;               ///< slots in a flat histogram
  /// Exclusive feature bundles (Ke et al. 2017, LightGBM): 0/1 columns never 1 on the same row
  /// (one-hot groups) share one code column, so one histogram pass serves them all.
  struct Bundle {
    std::vector<int> members;        ///< design columns
    std::vector<std::uint8_t> code;  ///< per row: 0 = none active, k = members[k-1] is 1
  };
  std::vector<Bundle> bundles;
  std::vector<int> bundle_of;  ///< per feature: bundle index or -1
  const std::uint8_t* Column(std::size_t f) const { return bins.data() + f * num_rows; }
  int MissingBin(std::size_t f) const { return num_bins[f]; }
};

/** Quantile-bins every column (at most max_bins bins incl. the missing bin when a column has
 *  missing values; at most 256). Throws loanlens::Error on +-inf values. */
BinnedData BinData(const TrainData& data, int max_bins);

/// Tree training draws from SplitMix64 (identical on every platform, unlike std:: distributions).
using Rng = detail::SplitMix64;

/**
 * Stable partition of rows[begin, end) by a binned split: a row goes left when its bin of
 * `feature` is < `bin`, or when it is missing and `default_left`; left rows first, each side in
 * its former order. \param tmp  scratch of at least end - begin entries. \return the split point.
 */
std::size_t PartitionRows(const BinnedData& binned, int feature, int bin, bool default_left,
                          std::uint32_t* rows, std::size_t begin, std::size_t end,
                          std::uint32_t* tmp);

}  // namespace loanlens::tree
