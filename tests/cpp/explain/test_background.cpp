#include <doctest/doctest.h>

#include <vector>

#include "loanlens/error.h"
#include "loanlens/explain/background.h"

using loanlens::CheckBackgroundArgs;

TEST_CASE("ExplainAgainst arguments: empty background, group size and range are clear errors") {
  const std::vector<double> background(6, 0.0);
  CHECK_NOTHROW(CheckBackgroundArgs(3, background.data(), 2, {0, 0, 1}, 2));
  CHECK_THROWS_WITH_AS(CheckBackgroundArgs(3, background.data(), 0, {0, 0, 1}, 2),
                       doctest::Contains("background set is empty"), loanlens::Error);
  CHECK_THROWS_WITH_AS(CheckBackgroundArgs(3, nullptr, 2, {0, 0, 1}, 2),
                       doctest::Contains("background set is empty"), loanlens::Error);
  CHECK_THROWS_WITH_AS(CheckBackgroundArgs(3, background.data(), 2, {0, 1}, 2),
                       doctest::Contains("group has 2 entries, expected 3"), loanlens::Error);
  CHECK_THROWS_WITH_AS(CheckBackgroundArgs(3, background.data(), 2, {0, 2, 1}, 2),
                       doctest::Contains("group[1] = 2, expected a player index in [0, 2)"),
                       loanlens::Error);
  CHECK_THROWS_WITH_AS(CheckBackgroundArgs(3, background.data(), 2, {0, -1, 1}, 2),
                       doctest::Contains("group[1] = -1"), loanlens::Error);
}
