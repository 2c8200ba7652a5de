#pragma once
/// \file
/// Exact interventional Shapley values for RBF kernel expansions (RBF SVMs) against a weighted
/// background set, in polynomial time. The RBF kernel factorises over players (groups of design
/// columns): k(x, s) = prod_g exp(-gamma |x_g - s_g|^2), so for a support vector s and a
/// background row z the hybrid row h = (x_S, z_~S) gives the product game
/// v(S) = prod_{g in S} a_g prod_{g not in S} b_g, a_g = exp(-gamma |x_g - s_g|^2),
/// b_g = exp(-gamma |z_g - s_g|^2). Its Shapley values are
///   phi_g = (a_g - b_g) sum_{S subset of N\g} |S|! (n-1-|S|)! / n! prod_{h in S} a_h
///           prod_{h not in S, h != g} b_h
///         = (a_g - b_g) integral_0^1 prod_{h != g} (b_h + t (a_h - b_h)) dt,
/// since the Shapley weight k! (n-1-k)! / n! is the Beta integral of t^k (1-t)^(n-1-k). The
/// integrand is a polynomial of degree n-1, so Gauss-Legendre quadrature with ceil(n/2) nodes is
/// exact; every factor lies between a_h and b_h (positive), so the leave-one-out products (prefix
/// times suffix, no division) have no cancellation and stay stable when a kernel factor
/// underflows. Players where x equals z are dummies of that pair's game and are left out (their
/// common factor multiplies the others). Cost: O(num_sv * num_background * n^2 / 2), in blocks
/// of support vectors so that the inner loops run over independent support vectors.
#include <cstddef>
#include <vector>

namespace loanlens {

/// g(x) = sum_s coef[s] exp(-gamma |x - sv_s|^2): an RBF SVM's decision value without its bias.
struct RbfExpansion {
  const double* support_vectors = nullptr;  ///< num_support_vectors x num_inputs, row-major
  const double* coef = nullptr;             ///< num_support_vectors values (alpha_i y_i)
  std::size_t num_support_vectors = 0;
  std::size_t num_inputs = 0;
  double gamma = 1;
};

/// The x-independent part of RbfShapValues for one background set: the kernel factor
/// exp(-gamma |z_b,g - sv_g|^2) of every background row b, player g and support vector. Built
/// once and reused for every explained row (num_background x num_players x num_sv values).
struct RbfBackgroundTable {
  std::vector<double> background;  ///< the rows it was built for, num_background x num_inputs
  std::vector<int> group;
  std::size_t num_players = 0;
  std::vector<double> factor;  ///< in blocks of support vectors (layout private to rbf_shap.cpp)
  /// True when built for exactly these rows and players.
  bool Matches(const double* rows, std::size_t num_background, const std::vector<int>& players,
               std::size_t num_players) const;
};
/// Largest table MakeRbfBackgroundTable builds (values): 2^23 (64 MiB; 37 MiB for 4,572 support
/// vectors, 20 players and 50 background rows).
inline constexpr std::size_t kMaxRbfTableValues = std::size_t{1} << 23;
/// Number of values MakeRbfBackgroundTable would store.
std::size_t RbfBackgroundTableSize(const RbfExpansion& g, std::size_t num_background,
                                   std::size_t num_players);
/// The table for `background`; throws loanlens::Error when it would exceed kMaxRbfTableValues or
/// `group` does not match.
RbfBackgroundTable MakeRbfBackgroundTable(const RbfExpansion& g, const double* background,
                                          std::size_t num_background, const std::vector<int>& group,
                                          std::size_t num_players);

/**
 * Exact interventional Shapley values of g for the game v(S) = sum_b weight[b] g(x_S, z_b,~S).
 * \param x               num_inputs values
 * \param background      num_background x num_inputs, row-major
 * \param weight          num_background values (1 / num_background for an unweighted set)
 * \param group           num_inputs player indices in [0, num_players)
 * \param phi             out: num_players values; sum(phi) == sum_b weight[b] (g(x) - g(z_b))
 * \param table           optional MakeRbfBackgroundTable() of this background (same numbers,
 *                        faster); nullptr computes the background's kernel factors per call
 * Throws loanlens::Error when `group` does not match num_inputs / num_players or the background
 * is empty.
 */
void RbfShapValues(const RbfExpansion& g, const double* x, const double* background,
                   const double* weight, std::size_t num_background, const std::vector<int>& group,
                   std::size_t num_players, double* phi, const RbfBackgroundTable* table = nullptr);

/// Gauss-Legendre rule with n >= 1 nodes on [0, 1] (weights sum to 1; exact for polynomials of
/// degree <= 2n - 1). Nodes by Newton's method on the Legendre polynomial P_n.
void GaussLegendre01(std::size_t n, std::vector<double>* nodes, std::vector<double>* weights);

}  // namespace loanlens
