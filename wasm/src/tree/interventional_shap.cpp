#include "loanlens/tree/interventional_shap.h"

#include <algorithm>
#include <string>

#include "loanlens/error.h"
#include "loanlens/explain/background.h"

namespace loanlens::tree {
namespace {

/// |A|! |B|! / (|A|+|B|)! = 1 / C(n, k) with n = |A|+|B|, k = |A|, as a product of ratios.
double InverseBinomial(int n, int k) {
  k = std::min(k, n - k);
  double r = 1;
  for (int i = 1; i <= k; ++i) r = r * i / (n - k + i);
  return r;
}

}  // namespace

InterventionalTreeGame::InterventionalTreeGame(const InterventionalArgs& args)
    : args_(args), state_(args.num_players, 0), rows_(args.num_background) {}

void InterventionalTreeGame::Truncate(std::size_t length) {
  while (path_.size() > length) {
    const Step s = path_.back();
    state_[s.player] = 0;
    --(s.in_s ? num_in_ : num_out_);
    path_.pop_back();
  }
}

void InterventionalTreeGame::AddLeaf(double value, double scale, double* phi) const {
  const int n = num_in_ + num_out_;
  if (n == 0) return;  // x and z reach this leaf together: no player changes anything
  const double c = scale * value * InverseBinomial(n, num_in_);
  // A player of A: v (|A|-1)! |B|! / n!; a player of B: -v |A|! (|B|-1)! / n!.
  const double w_in = num_in_ > 0 ? c / num_in_ : 0;
  const double w_out = num_out_ > 0 ? c / num_out_ : 0;
  for (const Step& s : path_) phi[s.player] += s.in_s ? w_in : -w_out;
}

void InterventionalTreeGame::Add(const Tree& tree, const double* x, double* phi) {
  const std::size_t m = args_.num_inputs;
  const bool float32 = args_.float32;
  const double weight = args_.tree_scale / static_cast<double>(rows_.size());
  for (std::size_t b = 0; b < rows_.size(); ++b) rows_[b] = static_cast<std::uint32_t>(b);
  Truncate(0);
  stack_.clear();
  stack_.push_back({0, 0, {-1, false}, 0, static_cast<std::uint32_t>(rows_.size())});
  while (!stack_.empty()) {
    const Frame f = stack_.back();
    stack_.pop_back();
    // Back to the parent's path, then add the edge's constraint.
    Truncate(f.path_length);
    if (f.step.player >= 0) {
      path_.push_back(f.step);
      state_[f.step.player] = f.step.in_s ? 1 : 2;
      ++(f.step.in_s ? num_in_ : num_out_);
    }
    const Node& n = tree.nodes[f.node];
    if (n.IsLeaf()) {
      AddLeaf(n.value, weight * (f.rows_end - f.rows_begin), phi);
      continue;
    }
    const bool x_left = GoesLeft(n, x, float32);
    const int x_child = x_left ? n.left : n.right;
    const int z_child = x_left ? n.right : n.left;
    const auto length = static_cast<std::uint32_t>(path_.size());
    const int player = (*args_.group)[n.feature];
    const std::uint8_t state = state_[player];
    if (state == 1) {  // the player is in S: every row takes x's value here
      stack_.push_back({x_child, length, {-1, false}, f.rows_begin, f.rows_end});
      continue;
    }
    // Rows going x's way first, the others after. In place: the frames processed before a
    // pending frame only permute sub-ranges of its range or ranges disjoint from it, so its
    // rows stay the same set.
    std::uint32_t* rows = rows_.data();
    const std::uint32_t* split = std::partition(
        rows + f.rows_begin, rows + f.rows_end,
        [&](std::uint32_t b) { return GoesLeft(n, args_.background + b * m, float32) == x_left; });
    const auto mid = static_cast<std::uint32_t>(split - rows);
    // Where x and z go the same way, nothing is required.
    if (mid > f.rows_begin) stack_.push_back({x_child, length, {-1, false}, f.rows_begin, mid});
    if (mid == f.rows_end) continue;
    if (state == 2) {  // the player is outside S: the other rows take z's branch
      stack_.push_back({z_child, length, {-1, false}, mid, f.rows_end});
    } else {  // a free player splits the path: in S, x's branch; outside S, z's branch
      stack_.push_back({x_child, length, {player, true}, mid, f.rows_end});
      stack_.push_back({z_child, length, {player, false}, mid, f.rows_end});
    }
  }
  Truncate(0);
}

void InterventionalTreeShap(const std::vector<Tree>& trees, const double* x,
                            const InterventionalArgs& args, double* phi) {
  if (args.group == nullptr) throw Error("ExplainAgainst: no player groups given");
  CheckBackgroundArgs(args.num_inputs, args.background, args.num_background, *args.group,
                      args.num_players);
  if (args.num_background >= 0xffffffffu)
    throw Error("ExplainAgainst: " + std::to_string(args.num_background) +
                " background rows, expected fewer than 2^32 - 1");
  std::fill(phi, phi + args.num_players, 0.0);
  InterventionalTreeGame game(args);
  for (const Tree& tree : trees) game.Add(tree, x, phi);
}

}  // namespace loanlens::tree
