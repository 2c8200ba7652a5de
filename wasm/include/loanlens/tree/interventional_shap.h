#pragma once
/// \file
/// Exact interventional TreeSHAP (Lundberg et al. 2020, "From local explanations to global
/// understanding with explainable AI for trees", Nature Machine Intelligence 2, Methods:
/// "Interventional Tree SHAP"), shared by every tree family (gbdt, random_forest, imported
/// XGBoost models).
///
/// For one row x, one background row z and one tree t, the game is v(S) = t(x_S, z_~S): the
/// players in S take x's values, the others z's. The players are original features (a player
/// owns every design column c with group[c] == player, so one-hot columns switch together).
/// Walking the tree from the root, a node where x and z go the same way constrains nothing; where
/// they differ, x's branch needs the node's player in S and z's branch needs it out of S. A path
/// that needs one player both in and out is unreachable for every S. Each leaf reached with the
/// players A required in S and B required out is the game v * 1[A in S, B outside S], whose
/// Shapley values are v (|A|-1)! |B|! / (|A|+|B|)! for each player of A and
/// -v |A|! (|B|-1)! / (|A|+|B|)! for each player of B. Summing over leaves, trees and (averaged)
/// background rows gives the exact Shapley values of v(S) = mean_b f(x_S, z_b), with
/// sum(phi) = f(x) - mean_b f(z_b). Cost: per tree, one split test per background row and
/// frame it is in, and one leaf update per reached leaf and set of requirements; no recursion
/// (an explicit stack), so deep trees are safe.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "loanlens/tree/tree.h"

namespace loanlens::tree {

/// The background set and the players of an interventional explanation.
struct InterventionalArgs {
  const double* background = nullptr;  ///< num_background x num_inputs, row-major, NaN = missing
  std::size_t num_background = 0;
  std::size_t num_inputs = 0;
  const std::vector<int>* group = nullptr;  ///< num_inputs player indices in [0, num_players)
  std::size_t num_players = 0;
  bool float32 = false;   ///< compare as float (imported XGBoost models), as GoesLeft()
  double tree_scale = 1;  ///< weight of each tree in f: 1 for a sum (gbdt), 1/T for an average
};

/// The split directions of a background set in an ensemble: for every tree and internal node, a
/// bit per background row, set when the row goes left. Built once per background (the bundle's
/// reference rows) and read by every explained row: the walk then tests a whole frame of rows
/// with a few word operations instead of one split test per row. Read-only once built.
struct InterventionalTable {
  std::vector<double> background;  ///< the rows it was built for (num_background x num_inputs)
  std::size_t num_background = 0, num_inputs = 0, words = 0;  ///< words = ceil(rows / 64)
  bool float32 = false;
  std::size_t num_trees = 0, num_nodes = 0;
  std::vector<std::size_t> tree_offset;  ///< per tree: its first word in `left`
  std::vector<std::uint64_t> left;       ///< node k of tree t: words at tree_offset[t] + k * words
  /// True when built for exactly these trees (counts), rows and comparison.
  bool Matches(const std::vector<Tree>& trees, const InterventionalArgs& args) const;
};

/// Tables kept by a model for the backgrounds it explains against (the last two, most recent
/// first), shared between threads: Get() is safe to call concurrently.
class InterventionalCache {
 public:
  /// Largest table built (words); a bigger background or ensemble walks without one.
  static constexpr std::size_t kMaxWords = std::size_t{1} << 23;  // 64 MiB
  /// The table for args' background, built on first use; nullptr when it would exceed kMaxWords.
  std::shared_ptr<const InterventionalTable> Get(const std::vector<Tree>& trees,
                                                 const InterventionalArgs& args) const;

 private:
  mutable std::mutex mutex_;
  mutable std::vector<std::shared_ptr<const InterventionalTable>> tables_;
};

/// One tree's term of the ensemble's Shapley values, with scratch space reused across trees
/// (no allocation once it has seen the deepest tree). The background rows are walked together:
/// a frame of the walk holds the rows that reach a node under the same requirements, so each
/// reached leaf is visited once per distinct set of requirements, not once per row.
class InterventionalTreeGame {
 public:
  /** \param args background, players, float32, tree weight (checked by the caller; must
   *  outlive the game) */
  explicit InterventionalTreeGame(const InterventionalArgs& args);
  /**
   * Adds tree_scale * mean_b of the Shapley values of v_b(S) = tree(x_S, z_b,~S) to phi.
   * \param tree  one tree (split features index the design rows)
   * \param x     the explained design row
   * \param phi   in/out: num_players values
   */
  void Add(const Tree& tree, const double* x, double* phi);
  /**
   * The same sum, bit for bit (the same frames in the same order, so the same leaf updates), with
   * the rows' split directions read from `left` (the tree's words of an InterventionalTable
   * built for args' background).
   */
  void Add(const Tree& tree, const std::uint64_t* left, const double* x, double* phi);

 private:
  struct Step {
    std::int32_t player;  ///< player required by the edge into the node (-1: none)
    bool in_s;            ///< required in S (x's branch) or out of S (z's branch)
  };
  struct Frame {
    std::int32_t node;
    std::uint32_t path_length;           ///< steps of the parent's path
    Step step;                           ///< the edge's requirement
    std::uint32_t rows_begin, rows_end;  ///< the background rows of the frame, in rows_
  };
  /// A frame of the table walk: its rows are the bits of masks_[slot * words, + words).
  struct MaskFrame {
    std::int32_t node;
    std::uint32_t path_length;
    Step step;
  };
  void Enter(std::uint32_t path_length, Step step);  ///< back to the parent's path, then step
  /// Pushes a frame whose rows are `mask` (words_ values).
  void PushMasked(std::int32_t node, std::uint32_t path_length, Step step,
                  const std::uint64_t* mask);
  void Truncate(std::size_t length);
  /// Adds the leaf's Shapley values under the current requirements, times `scale`.
  void AddLeaf(double value, double scale, double* phi) const;

  const InterventionalArgs& args_;
  std::vector<std::uint8_t> state_;  ///< per player: 0 free, 1 required in S, 2 required out
  std::vector<Step> path_;           ///< the requirements of the current path (distinct players)
  std::vector<Frame> stack_;
  std::vector<std::uint32_t> rows_;  ///< background row indices, partitioned by the frames
  int num_in_ = 0, num_out_ = 0;
  std::size_t words_;  ///< 64-bit words of a row mask
  std::vector<MaskFrame> mask_stack_;
  std::vector<std::uint64_t> masks_;    ///< mask of mask_stack_[k] at k * words_
  std::vector<std::uint64_t> scratch_;  ///< the popped frame's mask, x's and z's rows
};

/**
 * Interventional Shapley values of an ensemble f = tree_scale * sum_t t for one row.
 * \param trees  the ensemble
 * \param x      args.num_inputs values (NaN = missing: default_left, as for z)
 * \param args   background, players, float32, tree weight (validated: loanlens::Error)
 * \param phi    out: args.num_players values; sum(phi) == f(x) - mean_b f(z_b) to rounding
 */
void InterventionalTreeShap(const std::vector<Tree>& trees, const double* x,
                            const InterventionalArgs& args, double* phi);
/// The same values, bit for bit, walking with the cache's table for args' background when it
/// has (or can build) one.
void InterventionalTreeShap(const std::vector<Tree>& trees, const double* x,
                            const InterventionalArgs& args, const InterventionalCache& cache,
                            double* phi);

}  // namespace loanlens::tree
