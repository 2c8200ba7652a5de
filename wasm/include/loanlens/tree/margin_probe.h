#pragma once
/// \file
/// Model::Probe for tree ensembles: f(row) = (start + sum_t t(row)) / divisor with every tree's
/// value at the last row kept (x at first). A tree is walked again only when a column that moved
/// crossed one of its split thresholds: a split "left when v < t" sends values a < b the same
/// way unless a < t <= b, so a tree without such a t (nor a value turning missing) reaches the
/// same leaf. Rows in the limit search move one amount across one interval at a time, so only
/// the trees split at that breakpoint are walked. The sum runs over every tree's value in order,
/// as PredictMargin() adds them, so the result is the same double.
#include <cstddef>
#include <memory>
#include <vector>

#include "loanlens/model.h"
#include "loanlens/tree/split_threshold_index.h"
#include "loanlens/tree/tree.h"

namespace loanlens::tree {

class TreeMarginProbe : public MarginProbe {
 public:
  /**
   * \param trees    the ensemble (must outlive the probe)
   * \param index    its SplitThresholdIndex::Get()
   * \param x        the design row (num_inputs values, copied)
   * \param start    the value the sum starts from (gbdt: base_score; random forest: 0)
   * \param divisor  the sum is divided by it (gbdt: 1, exact; random forest: the tree count)
   */
  TreeMarginProbe(const std::vector<Tree>& trees, std::shared_ptr<const SplitIndex> index,
                  const double* x, std::size_t num_inputs, bool float32, double start,
                  double divisor);
  double Margin(const double* row) override;

 private:
  const std::vector<Tree>& trees_;
  std::shared_ptr<const SplitIndex> index_;
  std::vector<double> last_, value_;  ///< the last row and each tree's value at it
  bool float32_;
  double start_, divisor_;
  std::vector<std::size_t> stamp_;  ///< stamp_[t] == call_: tree t is walked again this call
  std::size_t call_ = 0;
};

}  // namespace loanlens::tree
