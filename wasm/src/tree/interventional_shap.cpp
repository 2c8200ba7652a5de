#include "loanlens/tree/interventional_shap.h"

#include <algorithm>

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

InterventionalTreeGame::InterventionalTreeGame(const std::vector<int>* group,
                                               std::size_t num_players)
    : group_(group), state_(num_players, 0) {}

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

void InterventionalTreeGame::Add(const Tree& tree, const double* x, const double* z, bool float32,
                                 double scale, double* phi) {
  Truncate(0);
  stack_.clear();
  stack_.push_back({0, 0, {-1, false}});
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
      AddLeaf(n.value, scale, phi);
      continue;
    }
    const bool x_left = GoesLeft(n, x, float32);
    const bool z_left = GoesLeft(n, z, float32);
    const int x_child = x_left ? n.left : n.right;
    const auto length = static_cast<std::uint32_t>(path_.size());
    if (x_left == z_left) {  // both rows go the same way: no constraint
      stack_.push_back({x_child, length, {-1, false}});
      continue;
    }
    const int z_child = x_left ? n.right : n.left;
    const int player = (*group_)[n.feature];
    // A player already required in S follows x only; one required outside S follows z only;
    // a free player splits the path (in S: x's branch; out of S: z's branch).
    if (state_[player] != 2)
      stack_.push_back({x_child, length, {state_[player] ? -1 : player, true}});
    if (state_[player] != 1)
      stack_.push_back({z_child, length, {state_[player] ? -1 : player, false}});
  }
  Truncate(0);
}

void InterventionalTreeShap(const std::vector<Tree>& trees, const double* x,
                            const InterventionalArgs& args, double* phi) {
  if (args.group == nullptr) throw Error("ExplainAgainst: no player groups given");
  CheckBackgroundArgs(args.num_inputs, args.background, args.num_background, *args.group,
                      args.num_players);
  std::fill(phi, phi + args.num_players, 0.0);
  InterventionalTreeGame game(args.group, args.num_players);
  const double scale = args.tree_scale / static_cast<double>(args.num_background);
  for (const Tree& tree : trees)
    for (std::size_t b = 0; b < args.num_background; ++b)
      game.Add(tree, x, args.background + b * args.num_inputs, args.float32, scale, phi);
}

}  // namespace loanlens::tree
