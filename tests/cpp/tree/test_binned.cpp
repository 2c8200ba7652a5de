#include <doctest/doctest.h>

#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include "../../../wasm/src/tree/binned.h"  // training internals, not public API
#include "loanlens/error.h"

using loanlens::TrainData;
using loanlens::tree::BinData;
using loanlens::tree::BinnedData;

namespace {

/// Column-major construction of a row-major TrainData: columns[f][r].
struct Columns {
  std::vector<double> x;
  TrainData data;
  explicit Columns(const std::vector<std::vector<double>>& columns) {
    const std::size_t m = columns.size(), n = columns.empty() ? 0 : columns[0].size();
    x.resize(n * m);
    for (std::size_t f = 0; f < m; ++f)
      for (std::size_t r = 0; r < n; ++r) x[r * m + f] = columns[f][r];
    data.x = x.data();
    data.num_rows = n;
    data.num_inputs = m;
    for (std::size_t f = 0; f < m; ++f) data.input_names.push_back("c" + std::to_string(f));
  }
};

}  // namespace

TEST_CASE("BinData: edges, missing bin, quantile cap, histogram layout") {
  SUBCASE("few distinct values: one bin per value, edges at the midpoints") {
    Columns c({{3, 1, 2, 1, 3}});
    const BinnedData b = BinData(c.data, 16);
    REQUIRE(b.edges[0] == std::vector<double>{1.5, 2.5});
    CHECK(b.num_bins[0] == 3);
    CHECK(std::vector<std::uint8_t>(b.Column(0), b.Column(0) + 5) ==
          std::vector<std::uint8_t>{2, 0, 1, 0, 2});
    CHECK(b.hist_size == 4);  // 3 bins + the missing slot
  }
  SUBCASE("missing values go to the extra bin and take one of the max_bins") {
    Columns c({{0, NAN, 1, 2, NAN, 3}});
    const BinnedData b = BinData(c.data, 3);  // at most 2 real bins
    CHECK(b.num_bins[0] == 2);
    CHECK(b.MissingBin(0) == 2);
    CHECK(b.Column(0)[1] == 2);
    CHECK(b.Column(0)[4] == 2);
    // Every value below the edge is in bin 0, every value above in bin 1.
    for (std::size_t r : {0, 2, 3, 5}) {
      const double v = c.x[r];
      CHECK(b.Column(0)[r] == (v < b.edges[0][0] ? 0 : 1));
    }
  }
  SUBCASE("many distinct values: at most max_bins bins of about equal counts") {
    std::vector<double> v(1000);
    std::iota(v.begin(), v.end(), 0.0);
    Columns c({v, std::vector<double>(1000, 7.0)});
    const BinnedData b = BinData(c.data, 4);
    CHECK(b.num_bins[0] == 4);
    std::vector<int> count(4, 0);
    for (std::size_t r = 0; r < 1000; ++r) ++count[b.Column(0)[r]];
    for (int k : count) CHECK(k == 250);
    CHECK(b.num_bins[1] == 1);  // a constant column has one bin
    CHECK(b.offset[1] == 5);
    CHECK(b.hist_size == 5 + 2);
  }
  SUBCASE("an edge between adjacent doubles is the upper one (never equal to the lower)") {
    const double lo = 1.0, hi = std::nextafter(1.0, 2.0);
    Columns c({{lo, hi}});
    const BinnedData b = BinData(c.data, 16);
    REQUIRE(b.edges[0].size() == 1);
    CHECK(b.edges[0][0] == hi);
    CHECK(b.Column(0)[0] == 0);
    CHECK(b.Column(0)[1] == 1);
  }
  SUBCASE("refusals name the parameter, or the row and column") {
    Columns c({{1, 2}, {0, INFINITY}});
    CHECK_THROWS_WITH_AS(BinData(c.data, 1),
                         "parameter 'max_bins': expected an integer in [2, 256], got 1",
                         loanlens::Error);
    CHECK_THROWS_WITH_AS(BinData(c.data, 257),
                         "parameter 'max_bins': expected an integer in [2, 256], got 257",
                         loanlens::Error);
    // Data row 2 is spreadsheet row 3 (the header is row 1).
    CHECK_THROWS_WITH_AS(BinData(c.data, 16),
                         "row 3, column 'c1', value '': infinite value; tree models expect finite "
                         "numbers or missing values",
                         loanlens::Error);
  }
}

TEST_CASE("BinData bundles mutually exclusive 0/1 columns") {
  // c0..c2 one-hot (one of them is 1 on each row), c3 clashes with c0, c4 has a missing value,
  // c5 is numeric, c6 is constant.
  Columns c({{1, 0, 0, 1, 0, 0},
             {0, 1, 0, 0, 1, 0},
             {0, 0, 1, 0, 0, 1},
             {1, 1, 0, 0, 0, 0},
             {1, NAN, 0, 0, 0, 0},
             {0.5, 2, 3, 4, 5, 6},
             {0, 0, 0, 0, 0, 0}});
  const BinnedData b = BinData(c.data, 16);
  REQUIRE(b.bundles.size() == 2);
  CHECK(b.bundles[0].members == std::vector<int>{0, 1, 2});
  CHECK(b.bundles[0].code == std::vector<std::uint8_t>{1, 2, 3, 1, 2, 3});
  CHECK(b.bundle_of[0] == 0);
  CHECK(b.bundle_of[1] == 0);
  CHECK(b.bundle_of[2] == 0);
  // c3 opens a second bundle that no other column joins: one member is no saving. c4 (missing),
  // c5 (numeric) and c6 (one bin) are not 0/1 columns.
  CHECK(b.bundles[1].members == std::vector<int>{3});
  CHECK(b.bundle_of[3] == -1);
  CHECK(b.bundle_of[4] == -1);
  CHECK(b.bundle_of[5] == -1);
  CHECK(b.bundle_of[6] == -1);

  SUBCASE("a bundle holds at most 254 columns") {
    const std::size_t n = 300, m = 300;
    std::vector<std::vector<double>> cols(m, std::vector<double>(n, 0.0));
    for (std::size_t f = 0; f < m; ++f) cols[f][f] = 1;
    Columns wide(cols);
    const BinnedData w = BinData(wide.data, 64);
    REQUIRE(w.bundles.size() == 2);
    CHECK(w.bundles[0].members.size() == 254);
    CHECK(w.bundles[1].members.size() == 46);
    CHECK(w.bundle_of[253] == 0);
    CHECK(w.bundle_of[254] == 1);
  }
}

TEST_CASE("PartitionRows is a stable partition of a range by a binned split") {
  Columns c({{0, 1, 2, NAN, 0, 2, NAN, 1}});
  const BinnedData b = BinData(c.data, 16);  // bins 0, 1, 2; missing = 3
  std::vector<std::uint32_t> rows = {0, 1, 2, 3, 4, 5, 6, 7}, tmp(8);
  SUBCASE("missing goes right") {
    const std::size_t mid =
        loanlens::tree::PartitionRows(b, 0, 1, false, rows.data(), 0, 8, tmp.data());
    CHECK(mid == 2);
    CHECK(rows == std::vector<std::uint32_t>{0, 4, 1, 2, 3, 5, 6, 7});
  }
  SUBCASE("missing goes left, on a sub-range") {
    const std::size_t mid =
        loanlens::tree::PartitionRows(b, 0, 2, true, rows.data(), 2, 8, tmp.data());
    CHECK(mid == 6);
    CHECK(rows == std::vector<std::uint32_t>{0, 1, 3, 4, 6, 7, 2, 5});
  }
}
