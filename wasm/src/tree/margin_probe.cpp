#include "loanlens/tree/margin_probe.h"

#include <algorithm>
#include <cmath>

namespace loanlens::tree {

TreeMarginProbe::TreeMarginProbe(const std::vector<Tree>& trees,
                                 std::shared_ptr<const SplitIndex> index, const double* x,
                                 std::size_t num_inputs, bool float32, double start, double divisor)
    : trees_(trees),
      index_(std::move(index)),
      last_(x, x + num_inputs),
      value_(trees.size()),
      float32_(float32),
      start_(start),
      divisor_(divisor),
      stamp_(trees.size(), 0) {
  for (std::size_t t = 0; t < trees.size(); ++t) value_[t] = trees[t].Predict(x, float32);
}

double TreeMarginProbe::Margin(const double* row) {
  ++call_;
  const std::size_t columns = std::min(last_.size(), index_->splits.size());
  for (std::size_t c = 0; c < columns; ++c) {
    const double a = row[c], b = last_[c];
    if (a == b || (std::isnan(a) && std::isnan(b))) continue;
    if (std::isnan(a) || std::isnan(b)) {  // to or from missing: default directions
      for (std::size_t t : index_->trees[c]) stamp_[t] = call_;
      continue;
    }
    double lo = std::min(a, b), hi = std::max(a, b);
    if (float32_) {  // compared as float, against float thresholds
      lo = static_cast<double>(static_cast<float>(lo));
      hi = static_cast<double>(static_cast<float>(hi));
    }
    // The splits with lo < t <= hi send lo and hi different ways.
    const auto& splits = index_->splits[c];
    auto it = std::upper_bound(splits.begin(), splits.end(), lo,
                               [](double v, const std::pair<double, std::size_t>& s) {
                                 return v < s.first;
                               });
    for (; it != splits.end() && it->first <= hi; ++it) stamp_[it->second] = call_;
  }
  for (std::size_t t = 0; t < trees_.size(); ++t)
    if (stamp_[t] == call_) value_[t] = trees_[t].Predict(row, float32_);
  std::copy(row, row + last_.size(), last_.begin());
  double sum = start_;
  for (std::size_t t = 0; t < trees_.size(); ++t) sum += value_[t];
  return sum / divisor_;
}

}  // namespace loanlens::tree
