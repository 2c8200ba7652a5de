#pragma once
/// \file
/// Argument checks shared by the families' Model::ExplainAgainst (exact Shapley values against
/// a background set): one message, whichever family is asked.
#include <cstddef>
#include <vector>

namespace loanlens {

/**
 * Throws loanlens::Error unless the arguments of Model::ExplainAgainst are consistent.
 * \param num_inputs      the model's NumInputs()
 * \param background      the background rows (must not be null when num_background > 0)
 * \param num_background  at least 1 (the mean over an empty set is undefined)
 * \param group           num_inputs player indices, each in [0, num_players)
 * \param num_players     number of players
 */
void CheckBackgroundArgs(std::size_t num_inputs, const double* background,
                         std::size_t num_background, const std::vector<int>& group,
                         std::size_t num_players);

}  // namespace loanlens
