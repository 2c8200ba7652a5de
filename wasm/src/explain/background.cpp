#include "loanlens/explain/background.h"

#include <string>

#include "loanlens/error.h"

namespace loanlens {

void CheckBackgroundArgs(std::size_t num_inputs, const double* background,
                         std::size_t num_background, const std::vector<int>& group,
                         std::size_t num_players) {
  const std::string where = "ExplainAgainst: ";
  if (num_background == 0 || background == nullptr)
    throw Error(where + "the background set is empty (expected at least one row)");
  if (group.size() != num_inputs)
    throw Error(where + "group has " + std::to_string(group.size()) + " entries, expected " +
                std::to_string(num_inputs) + " (one per design column)");
  for (std::size_t c = 0; c < group.size(); ++c)
    if (group[c] < 0 || static_cast<std::size_t>(group[c]) >= num_players)
      throw Error(where + "group[" + std::to_string(c) + "] = " + std::to_string(group[c]) +
                  ", expected a player index in [0, " + std::to_string(num_players) + ")");
}

}  // namespace loanlens
