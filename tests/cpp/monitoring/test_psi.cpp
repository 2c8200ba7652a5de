#include <doctest/doctest.h>

#include <cmath>

#include "loanlens/error.h"
#include "loanlens/monitoring/psi.h"

using namespace loanlens;

TEST_CASE("PSI by hand, with an empty reference bin floored at 1e-4") {
  // Reference 50/50/0/0, new 40/40/20/0. By hand: two bins give (0.4 - 0.5) ln(0.4 / 0.5) each;
  // the third, empty in the reference, gives (0.2 - 1e-4) ln(0.2 / 1e-4); the fourth, empty in
  // both, gives 0.
  const double by_hand = 2 * (-0.1) * std::log(0.8) + (0.2 - 1e-4) * std::log(0.2 / 1e-4);
  CHECK(by_hand == doctest::Approx(1.5640491119).epsilon(1e-10));
  CHECK(kPsiFloor == 1e-4);
  CHECK(Psi({0.5, 0.5, 0, 0}, {0.4, 0.4, 0.2, 0}) == doctest::Approx(by_hand).epsilon(1e-14));
  // A larger floor gives a smaller term for the empty bin.
  CHECK(Psi({0.5, 0.5, 0, 0}, {0.4, 0.4, 0.2, 0}, 1e-2) <
        Psi({0.5, 0.5, 0, 0}, {0.4, 0.4, 0.2, 0}, 1e-4));
  CHECK(Psi({0.25, 0.75}, {0.25, 0.75}) == 0.0);
  // Symmetric in A and E.
  CHECK(Psi({0.3, 0.7}, {0.6, 0.4}) == doctest::Approx(Psi({0.6, 0.4}, {0.3, 0.7})));
  CHECK_THROWS_AS(Psi({0.5, 0.5}, {1.0}), Error);
}

TEST_CASE("PSI verdicts at the conventional thresholds") {
  CHECK(PsiVerdict(0.0) == "stable");
  CHECK(PsiVerdict(0.0999) == "stable");
  CHECK(PsiVerdict(0.10) == "investigate");
  CHECK(PsiVerdict(0.25) == "investigate");
  CHECK(PsiVerdict(0.2501) == "significant shift");
}

TEST_CASE("shares of counts") {
  CHECK(Shares({1, 3}) == std::vector<double>{0.25, 0.75});
  CHECK(Shares({0, 0}) == std::vector<double>{0, 0});
}
