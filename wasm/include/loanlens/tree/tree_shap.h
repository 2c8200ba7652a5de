#pragma once
/// \file
/// Exact path-dependent TreeSHAP for tree ensembles (Lundberg, Erion & Lee 2018, "Consistent
/// Individualized Feature Attribution for Tree Ensembles", arXiv:1802.03888).
///
/// The game explained is the paper's: v(S) = E[f(x) | x_S] where a split on a feature outside S
/// sends the row down both branches weighted by the children's covers. Because a tree is a sum
/// of its leaves, v is a sum of per-leaf games: with U the distinct features on a leaf's path,
/// z_j the product of the cover ratios of the path's edges on feature j and o_j = 1 when x
/// follows all of them (else 0), leaf value v contributes v * prod_{j in S} o_j * prod_{j in U\S}
/// z_j. `TreeShapExplainer` precomputes, per leaf, the Shapley values of that game for each of the
/// 2^|U| patterns of o (the idea of Fast TreeSHAP v2, Yang 2021, arXiv:2109.09847), so
/// explaining a row costs one pass over each tree's leaf paths. Trees whose tables would be too
/// large (deep random-forest trees) fall back to the paper's Algorithm 2.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "loanlens/tree/tree.h"

namespace loanlens::tree {

/// Expected value of one tree under its covers: sum over leaves of value * product of the
/// cover ratios along the path (the base value TreeSHAP uses).
double ExpectedValue(const Tree& tree);

/**
 * Algorithm 2 of arXiv:1802.03888 for one tree: adds the tree's SHAP values to phi.
 * \param tree     the tree (covers recorded)
 * \param x        one design row (NaN = missing)
 * \param float32  compare as float (imported XGBoost models)
 * \param phi      in/out: num_inputs values; this tree's contributions are added
 */
void TreeShapRecursive(const Tree& tree, const double* x, bool float32, double* phi);

/**
 * SHAP interaction values (Shapley interaction index of the same game) of an ensemble for one row.
 * \param trees       the ensemble
 * \param num_inputs  M, number of design columns
 * \param x           one design row
 * \param float32     compare as float
 * \param out         out: M x M row-major, symmetric; out[i*M+j] (i != j) is half the pairwise
 *                    interaction of i and j; the diagonal is the main effect, so row i sums to
 *                    phi_i and the whole matrix sums to margin - base.
 * \return            the base value (sum of the trees' expected values)
 */
double ShapInteractions(const std::vector<Tree>& trees, std::size_t num_inputs, const double* x,
                        bool float32, double* out);

/// Precomputed TreeSHAP for an ensemble (sum over trees). Build once per model; Explain() does
/// not allocate after the first call on a thread.
class TreeShapExplainer {
 public:
  TreeShapExplainer() = default;
  /**
   * \param trees       the ensemble (must outlive the explainer)
   * \param num_inputs  design columns
   * \param float32     compare as float (imported XGBoost models)
   */
  TreeShapExplainer(const std::vector<Tree>* trees, std::size_t num_inputs, bool float32);
  /// Writes phi (num_inputs values, zeroed first) and returns the sum of the trees' expected
  /// values; sum(phi) + return == sum of the trees' predictions for x.
  double Explain(const double* x, double* phi) const;
  double ExpectedValue() const { return expected_value_; }

 private:
  struct Edge {
    std::int32_t node;
    std::uint8_t unique;     ///< index of the edge's feature among the leaf's distinct features
    std::uint8_t want_left;  ///< the path goes to the left child here
  };
  struct LeafTable {
    std::uint32_t edge_begin, edge_end;  ///< into edges_
    std::uint32_t feature_begin;         ///< into features_ (num_unique entries)
    std::uint32_t num_unique;
    std::uint64_t table;  ///< into table_: 2^num_unique x num_unique phi contributions
  };
  struct TreeInfo {
    bool fast = false;  ///< leaf tables built (otherwise Algorithm 2)
    std::uint32_t leaf_begin = 0, leaf_end = 0;
  };
  const std::vector<Tree>* trees_ = nullptr;
  std::size_t num_inputs_ = 0;
  bool float32_ = false;
  double expected_value_ = 0;
  std::vector<TreeInfo> info_;
  std::vector<LeafTable> leaves_;
  std::vector<Edge> edges_;
  std::vector<std::int32_t> features_;
  std::vector<double> table_;
};

}  // namespace loanlens::tree
