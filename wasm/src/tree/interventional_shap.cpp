#include "loanlens/tree/interventional_shap.h"

#include <algorithm>
#include <cstring>
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

/// Builds the split-direction table of `args`' background (see InterventionalTable).
std::shared_ptr<const InterventionalTable> MakeTable(const std::vector<Tree>& trees,
                                                     const InterventionalArgs& args) {
  auto t = std::make_shared<InterventionalTable>();
  const std::size_t n = args.num_background, m = args.num_inputs;
  t->background.assign(args.background, args.background + n * m);
  t->num_background = n;
  t->num_inputs = m;
  t->words = (n + 63) / 64;
  t->float32 = args.float32;
  t->num_trees = trees.size();
  std::size_t offset = 0;
  for (const Tree& tree : trees) {
    t->tree_offset.push_back(offset);
    offset += tree.nodes.size() * t->words;
    t->num_nodes += tree.nodes.size();
  }
  t->left.assign(offset, 0);
  for (std::size_t k = 0; k < trees.size(); ++k) {
    const auto& nodes = trees[k].nodes;
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      if (nodes[i].IsLeaf()) continue;
      std::uint64_t* bits = t->left.data() + t->tree_offset[k] + i * t->words;
      for (std::size_t b = 0; b < n; ++b)
        if (GoesLeft(nodes[i], args.background + b * m, args.float32))
          bits[b / 64] |= std::uint64_t{1} << (b % 64);
    }
  }
  return t;
}

std::size_t TotalNodes(const std::vector<Tree>& trees) {
  std::size_t n = 0;
  for (const Tree& tree : trees) n += tree.nodes.size();
  return n;
}

}  // namespace

bool InterventionalTable::Matches(const std::vector<Tree>& trees,
                                  const InterventionalArgs& args) const {
  return num_background == args.num_background && num_inputs == args.num_inputs &&
         float32 == args.float32 && num_trees == trees.size() && num_nodes == TotalNodes(trees) &&
         std::memcmp(background.data(), args.background, background.size() * sizeof(double)) == 0;
}

std::shared_ptr<const InterventionalTable> InterventionalCache::Get(
    const std::vector<Tree>& trees, const InterventionalArgs& args) const {
  const std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& t : tables_)
    if (t->Matches(trees, args)) return t;
  if (TotalNodes(trees) * ((args.num_background + 63) / 64) > kMaxWords) return nullptr;
  // Built under the lock: threads that miss together wait for one build instead of each
  // making its own.
  tables_.insert(tables_.begin(), MakeTable(trees, args));
  if (tables_.size() > 2) tables_.pop_back();
  return tables_.front();
}

InterventionalTreeGame::InterventionalTreeGame(const InterventionalArgs& args)
    : args_(args),
      state_(args.num_players, 0),
      rows_(args.num_background),
      words_((args.num_background + 63) / 64) {}

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

void InterventionalTreeGame::Enter(std::uint32_t path_length, Step step) {
  Truncate(path_length);
  if (step.player >= 0) {
    path_.push_back(step);
    state_[step.player] = step.in_s ? 1 : 2;
    ++(step.in_s ? num_in_ : num_out_);
  }
}

void InterventionalTreeGame::PushMasked(std::int32_t node, std::uint32_t path_length, Step step,
                                        const std::uint64_t* mask) {
  const std::size_t at = mask_stack_.size() * words_;
  mask_stack_.push_back({node, path_length, step});
  if (masks_.size() < at + words_) masks_.resize(2 * (at + words_));  // grows, never shrinks
  std::copy(mask, mask + words_, masks_.begin() + static_cast<std::ptrdiff_t>(at));
}

void InterventionalTreeGame::Add(const Tree& tree, const std::uint64_t* left, const double* x,
                                 double* phi) {
  // Add() above with the frames' row ranges replaced by bit masks: a frame pushes the same
  // children in the same order with the same rows, so every AddLeaf call is the same.
  const std::size_t w = words_, n = rows_.size();
  const double weight = args_.tree_scale / static_cast<double>(n);
  scratch_.assign(3 * w, 0);
  std::uint64_t *rows = scratch_.data(), *x_rows = rows + w, *z_rows = rows + 2 * w;
  for (std::size_t b = 0; b < n; ++b) rows[b / 64] |= std::uint64_t{1} << (b % 64);
  Truncate(0);
  mask_stack_.clear();
  PushMasked(0, 0, {-1, false}, rows);
  while (!mask_stack_.empty()) {
    const MaskFrame f = mask_stack_.back();
    mask_stack_.pop_back();
    const auto top = masks_.begin() + static_cast<std::ptrdiff_t>(mask_stack_.size() * w);
    std::copy(top, top + static_cast<std::ptrdiff_t>(w), rows);
    Enter(f.path_length, f.step);
    const Node& node = tree.nodes[f.node];
    if (node.IsLeaf()) {
      std::size_t count = 0;
      for (std::size_t k = 0; k < w; ++k)
        count += static_cast<std::size_t>(__builtin_popcountll(rows[k]));
      AddLeaf(node.value, weight * static_cast<std::uint32_t>(count), phi);
      continue;
    }
    const bool x_left = GoesLeft(node, x, args_.float32);
    const int x_child = x_left ? node.left : node.right;
    const int z_child = x_left ? node.right : node.left;
    const auto length = static_cast<std::uint32_t>(path_.size());
    const int player = (*args_.group)[node.feature];
    const std::uint8_t state = state_[player];
    if (state == 1) {  // the player is in S: every row takes x's value here
      PushMasked(x_child, length, {-1, false}, rows);
      continue;
    }
    const std::uint64_t* bits = left + static_cast<std::size_t>(f.node) * w;
    bool any_x = false, any_z = false;
    for (std::size_t k = 0; k < w; ++k) {
      const std::uint64_t same = x_left ? bits[k] : ~bits[k];
      x_rows[k] = rows[k] & same;
      z_rows[k] = rows[k] & ~same;
      any_x = any_x || x_rows[k] != 0;
      any_z = any_z || z_rows[k] != 0;
    }
    if (any_x) PushMasked(x_child, length, {-1, false}, x_rows);
    if (!any_z) continue;
    if (state == 2) {
      PushMasked(z_child, length, {-1, false}, z_rows);
    } else {
      PushMasked(x_child, length, {player, true}, z_rows);
      PushMasked(z_child, length, {player, false}, z_rows);
    }
  }
  Truncate(0);
}

namespace {

void CheckArgs(const InterventionalArgs& args) {
  if (args.group == nullptr) throw Error("ExplainAgainst: no player groups given");
  CheckBackgroundArgs(args.num_inputs, args.background, args.num_background, *args.group,
                      args.num_players);
  if (args.num_background >= 0xffffffffu)
    throw Error("ExplainAgainst: " + std::to_string(args.num_background) +
                " background rows, expected fewer than 2^32 - 1");
}

}  // namespace

void InterventionalTreeShap(const std::vector<Tree>& trees, const double* x,
                            const InterventionalArgs& args, double* phi) {
  CheckArgs(args);
  std::fill(phi, phi + args.num_players, 0.0);
  InterventionalTreeGame game(args);
  for (const Tree& tree : trees) game.Add(tree, x, phi);
}

void InterventionalTreeShap(const std::vector<Tree>& trees, const double* x,
                            const InterventionalArgs& args, const InterventionalCache& cache,
                            double* phi) {
  CheckArgs(args);
  const auto table = cache.Get(trees, args);
  if (!table) return InterventionalTreeShap(trees, x, args, phi);
  std::fill(phi, phi + args.num_players, 0.0);
  InterventionalTreeGame game(args);
  for (std::size_t t = 0; t < trees.size(); ++t)
    game.Add(trees[t], table->left.data() + table->tree_offset[t], x, phi);
}

}  // namespace loanlens::tree
