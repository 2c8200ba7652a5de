#include "binned.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "loanlens/error.h"

namespace loanlens::tree {

namespace {

/// Columns gathered per pass over the row-major rows: 8 doubles are one cache line, so a pass
/// reads each row's line once, and only 8 columns are copied at a time.
constexpr std::size_t kColumnsPerPass = 8;

/// The non-missing values of columns [first, first + count) (unsorted), in one pass over the
/// rows. Throws loanlens::Error (row, column name) on +-inf.
std::vector<std::vector<double>> ColumnValues(const TrainData& data, std::size_t first,
                                              std::size_t count) {
  const std::size_t n = data.num_rows, m = data.num_inputs;
  std::vector<std::vector<double>> columns(count);
  for (auto& c : columns) c.reserve(n);
  for (std::size_t r = 0; r < n; ++r) {
    const double* row = data.x + r * m + first;
    for (std::size_t k = 0; k < count; ++k) {
      const double v = row[k];
      if (std::isnan(v)) continue;
      if (!std::isfinite(v)) {
        const std::size_t f = first + k;
        throw Error({"", r + 2, f < data.input_names.size() ? data.input_names[f] : "", ""},
                    "infinite value; tree models expect finite numbers or missing values");
      }
      columns[k].push_back(v);
    }
  }
  return columns;
}

/// The distinct values of a sorted column and, for each, how many values are <= it.
struct DistinctValues {
  std::vector<double> value;
  std::vector<std::size_t> upto;  ///< number of values <= value[k]
};

DistinctValues CountDistinct(const std::vector<double>& sorted) {
  DistinctValues d;
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    if (d.value.empty() || sorted[i] != d.value.back()) {
      d.value.push_back(sorted[i]);
      d.upto.push_back(0);
    }
    d.upto.back() = i + 1;
  }
  return d;
}

/// A bin edge strictly above lo and at most hi (the midpoint unless it rounds down to lo).
double EdgeBetween(double lo, double hi) {
  const double mid = lo + (hi - lo) / 2;
  return mid > lo ? mid : hi;
}

/// Edges between consecutive distinct values for at most `cap` bins: all of them when there are
/// few distinct values, else at the quantiles k/cap of the num_values values.
std::vector<double> BinEdges(const DistinctValues& d, std::size_t num_values, std::size_t cap) {
  std::vector<double> edges;
  const std::vector<double>& distinct = d.value;
  if (distinct.size() <= std::max<std::size_t>(cap, 1)) {
    for (std::size_t k = 1; k < distinct.size(); ++k)
      edges.push_back(EdgeBetween(distinct[k - 1], distinct[k]));
    return edges;
  }
  const double total = static_cast<double>(num_values);
  std::size_t next = 1;
  for (std::size_t k = 1; k < distinct.size() && next < cap; ++k) {
    // Place an edge before distinct[k] once the values below it reach quantile next/cap.
    if (static_cast<double>(d.upto[k - 1]) >= total * next / cap) {
      edges.push_back(EdgeBetween(distinct[k - 1], distinct[k]));
      while (next < cap && static_cast<double>(d.upto[k - 1]) >= total * next / cap) ++next;
    }
  }
  return edges;
}

/// Sorts column f's non-missing values and sets its edges, bins and histogram slots in *b;
/// true when it holds only 0 and 1 with nothing missing (a candidate for bundling).
bool SetColumnEdges(std::vector<double>& values, std::size_t f, int max_bins, BinnedData* b) {
  std::sort(values.begin(), values.end());
  // A column with missing values keeps one of the (at most 256) bins for them.
  const bool has_missing = values.size() < b->num_rows;
  const std::size_t cap =
      static_cast<std::size_t>(has_missing ? std::min(max_bins - 1, 255) : std::min(max_bins, 256));
  const DistinctValues distinct = CountDistinct(values);
  b->edges[f] = BinEdges(distinct, values.size(), cap);
  b->num_bins[f] = static_cast<int>(b->edges[f].size()) + 1;
  b->offset[f] = b->hist_size;
  b->hist_size += b->num_bins[f] + 1;
  return !has_missing && distinct.value == std::vector<double>{0.0, 1.0};
}

/// The number of edges <= v (std::upper_bound without a branch per step: the halving always
/// runs to the end, the comparison picks the half).
std::size_t EdgesAtOrBelow(const std::vector<double>& edges, double v) {
  std::size_t len = edges.size();
  if (len == 0) return 0;
  const double* base = edges.data();
  while (len > 1) {
    const std::size_t half = len / 2;
    base = base[half] <= v ? base + half : base;
    len -= half;
  }
  return static_cast<std::size_t>(base - edges.data()) + (*base <= v);
}

/// Bins every column into b->bins (edges and num_bins already set), in one pass over the
/// row-major rows: missing values get the missing bin, others the number of edges <= the value.
void AssignBins(const TrainData& data, BinnedData* b) {
  const std::size_t n = data.num_rows, m = data.num_inputs;
  for (std::size_t r = 0; r < n; ++r) {
    const double* row = data.x + r * m;
    for (std::size_t f = 0; f < m; ++f) {
      const double v = row[f];
      b->bins[f * n + r] = static_cast<std::uint8_t>(
          std::isnan(v) ? b->num_bins[f] : EdgesAtOrBelow(b->edges[f], v));
    }
  }
}

/// The first bundle with room whose occupied rows never meet a 1 of `col`; bundles.size() when
/// there is none.
std::size_t FirstCompatibleBundle(const BinnedData& b, const std::uint8_t* col,
                                  const std::vector<std::vector<char>>& occupied) {
  std::size_t k = 0;
  for (; k < b.bundles.size(); ++k) {
    if (b.bundles[k].members.size() >= 254) continue;
    bool clash = false;
    for (std::size_t r = 0; r < b.num_rows && !clash; ++r) clash = col[r] && occupied[k][r];
    if (!clash) break;
  }
  return k;
}

/// Greedy bundling of mutually exclusive 0/1 columns without missing values (binary[f]; fills
/// b->bundles and b->bundle_of); a bundle of one column is no saving and is dropped from
/// bundle_of.
void BundleExclusiveColumns(const std::vector<char>& binary, BinnedData* b) {
  const std::size_t n = b->num_rows, m = b->num_features;
  b->bundle_of.assign(m, -1);
  std::vector<std::vector<char>> occupied;  // per bundle: rows where a member is 1
  for (std::size_t f = 0; f < m; ++f) {
    if (!binary[f]) continue;
    const std::uint8_t* col = b->Column(f);
    const std::size_t k = FirstCompatibleBundle(*b, col, occupied);
    if (k == b->bundles.size()) {
      b->bundles.emplace_back();
      b->bundles.back().code.assign(n, 0);
      occupied.emplace_back(n, 0);
    }
    auto& bundle = b->bundles[k];
    bundle.members.push_back(static_cast<int>(f));
    const auto code = static_cast<std::uint8_t>(bundle.members.size());
    for (std::size_t r = 0; r < n; ++r)
      if (col[r]) {
        bundle.code[r] = code;
        occupied[k][r] = 1;
      }
    b->bundle_of[f] = static_cast<int>(k);
  }
  for (std::size_t k = 0; k < b->bundles.size(); ++k)
    if (b->bundles[k].members.size() == 1) b->bundle_of[b->bundles[k].members[0]] = -1;
}

}  // namespace

BinnedData BinData(const TrainData& data, int max_bins) {
  if (max_bins < 2 || max_bins > 256)
    throw Error("parameter 'max_bins': expected an integer in [2, 256], got " +
                std::to_string(max_bins));
  BinnedData b;
  const std::size_t n = data.num_rows, m = data.num_inputs;
  b.num_rows = n;
  b.num_features = m;
  b.bins.resize(n * m);
  b.edges.resize(m);
  b.num_bins.resize(m);
  b.offset.resize(m);
  std::vector<char> binary(m, 0);  // only 0 and 1, nothing missing: a bundling candidate
  for (std::size_t first = 0; first < m; first += kColumnsPerPass) {
    std::vector<std::vector<double>> columns =
        ColumnValues(data, first, std::min(kColumnsPerPass, m - first));
    for (std::size_t k = 0; k < columns.size(); ++k)
      binary[first + k] = SetColumnEdges(columns[k], first + k, max_bins, &b);
  }
  AssignBins(data, &b);
  BundleExclusiveColumns(binary, &b);
  return b;
}

std::size_t PartitionRows(const BinnedData& binned, int feature, int bin, bool default_left,
                          std::uint32_t* rows, std::size_t begin, std::size_t end,
                          std::uint32_t* tmp) {
  const std::uint8_t* col = binned.Column(feature);
  // The side of every bin code (the missing bin takes the default side), looked up per row.
  std::uint8_t left_of[256];
  const int miss = binned.MissingBin(feature);
  for (int b = 0; b < 256; ++b) left_of[b] = b == miss ? default_left : b < bin;
  std::size_t nl = begin, nr = 0;
  // Branch-free: each row is written to both sides and only its own side's count advances
  // (a row's side is as unpredictable as the data; nl <= i, so rows[i] is read before any
  // write reaches it).
  for (std::size_t i = begin; i < end; ++i) {
    const std::uint32_t r = rows[i];
    const std::size_t left = left_of[col[r]];
    rows[nl] = r;
    tmp[nr] = r;
    nl += left;
    nr += 1 - left;
  }
  std::copy(tmp, tmp + nr, rows + nl);
  return nl;
}

}  // namespace loanlens::tree
