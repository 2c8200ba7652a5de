#include "binned.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#if LOANLENS_THREADS
#include <thread>
#endif

#include "loanlens/error.h"

namespace loanlens::tree {

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
  std::vector<double> values;
  for (std::size_t f = 0; f < m; ++f) {
    // Distinct non-missing values, sorted, with counts.
    values.clear();
    for (std::size_t r = 0; r < n; ++r) {
      const double v = data.x[r * m + f];
      if (std::isnan(v)) continue;
      if (!std::isfinite(v))
        throw Error({"", r + 2, f < data.input_names.size() ? data.input_names[f] : "", ""},
                    "infinite value; tree models expect finite numbers or missing values");
      values.push_back(v);
    }
    const bool has_missing = values.size() < n;
    const std::size_t cap = static_cast<std::size_t>(has_missing ? std::min(max_bins - 1, 255)
                                                                 : std::min(max_bins, 256));
    std::sort(values.begin(), values.end());
    std::vector<double> distinct;
    std::vector<std::size_t> upto;  // number of values <= distinct[k]
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (distinct.empty() || values[i] != distinct.back()) {
        distinct.push_back(values[i]);
        upto.push_back(0);
      }
      upto.back() = i + 1;
    }
    // Edges between consecutive distinct values: all of them when few, else at quantiles.
    std::vector<double>& edges = b.edges[f];
    auto edge_between = [](double lo, double hi) {
      const double mid = lo + (hi - lo) / 2;
      return mid > lo ? mid : hi;
    };
    if (distinct.size() <= std::max<std::size_t>(cap, 1)) {
      for (std::size_t k = 1; k < distinct.size(); ++k)
        edges.push_back(edge_between(distinct[k - 1], distinct[k]));
    } else {
      const double total = static_cast<double>(values.size());
      std::size_t next = 1;
      for (std::size_t k = 1; k < distinct.size() && next < cap; ++k) {
        // Place an edge before distinct[k] once the values below it reach quantile next/cap.
        if (static_cast<double>(upto[k - 1]) >= total * next / cap) {
          edges.push_back(edge_between(distinct[k - 1], distinct[k]));
          while (next < cap && static_cast<double>(upto[k - 1]) >= total * next / cap) ++next;
        }
      }
    }
    b.num_bins[f] = static_cast<int>(edges.size()) + 1;
    std::uint8_t* col = b.bins.data() + f * n;
    for (std::size_t r = 0; r < n; ++r) {
      const double v = data.x[r * m + f];
      col[r] = static_cast<std::uint8_t>(
          std::isnan(v) ? b.num_bins[f]
                        : std::upper_bound(edges.begin(), edges.end(), v) - edges.begin());
    }
    b.offset[f] = b.hist_size;
    b.hist_size += b.num_bins[f] + 1;
  }
  // Greedy bundling of mutually exclusive 0/1 columns without missing values.
  b.bundle_of.assign(m, -1);
  std::vector<std::vector<char>> occupied;
  for (std::size_t f = 0; f < m; ++f) {
    if (b.num_bins[f] != 2 || b.edges[f][0] != 0.5) continue;
    bool binary = true;
    for (std::size_t r = 0; r < n && binary; ++r) {
      const double v = data.x[r * m + f];
      binary = v == 0 || v == 1;
    }
    if (!binary) continue;
    const std::uint8_t* col = b.Column(f);
    std::size_t k = 0;
    for (; k < b.bundles.size(); ++k) {
      if (b.bundles[k].members.size() >= 254) continue;
      bool clash = false;
      for (std::size_t r = 0; r < n && !clash; ++r) clash = col[r] && occupied[k][r];
      if (!clash) break;
    }
    if (k == b.bundles.size()) {
      b.bundles.emplace_back();
      b.bundles.back().code.assign(n, 0);
      occupied.emplace_back(n, 0);
    }
    auto& bundle = b.bundles[k];
    bundle.members.push_back(static_cast<int>(f));
    const auto code = static_cast<std::uint8_t>(bundle.members.size());
    for (std::size_t r = 0; r < n; ++r)
      if (col[r]) {
        bundle.code[r] = code;
        occupied[k][r] = 1;
      }
    b.bundle_of[f] = static_cast<int>(k);
  }
  // A bundle of one column is no saving; leave it alone.
  for (std::size_t k = 0; k < b.bundles.size(); ++k)
    if (b.bundles[k].members.size() == 1) b.bundle_of[b.bundles[k].members[0]] = -1;
  return b;
}

std::size_t PartitionRows(const BinnedData& binned, int feature, int bin, bool default_left,
                          std::uint32_t* rows, std::size_t begin, std::size_t end,
                          std::uint32_t* tmp) {
  const std::uint8_t* col = binned.Column(feature);
  const int miss = binned.MissingBin(feature);
  std::size_t nl = begin, nr = 0;
  for (std::size_t i = begin; i < end; ++i) {
    const std::uint32_t r = rows[i];
    const int b = col[r];
    if (b == miss ? default_left : b < bin)
      rows[nl++] = r;
    else
      tmp[nr++] = r;
  }
  std::copy(tmp, tmp + nr, rows + nl);
  return nl;
}

void ParallelFor(std::size_t n, int threads,
                 const std::function<void(std::size_t, std::size_t)>& body) {
#if LOANLENS_THREADS
  if (threads > 1 && n > 1) {
    const std::size_t parts = std::min<std::size_t>(threads, n);
    std::vector<std::thread> pool;
    pool.reserve(parts - 1);
    for (std::size_t p = 1; p < parts; ++p)
      pool.emplace_back(body, p * n / parts, (p + 1) * n / parts);
    body(0, n / parts);
    for (auto& t : pool) t.join();
    return;
  }
#else
  (void)threads;
#endif
  body(0, n);
}

}  // namespace loanlens::tree
