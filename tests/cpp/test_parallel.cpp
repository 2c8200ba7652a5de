#include <doctest/doctest.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <vector>

#include "loanlens/parallel.h"

using loanlens::ParallelRows;

TEST_CASE("ParallelRows calls every index once, on any number of threads") {
  for (int threads : {1, 2, 3, 8}) {
    for (std::size_t n : {0u, 1u, 7u, 8u, 9u, 1000u}) {
      std::vector<int> calls(n, 0);
      ParallelRows(n, threads, [&](std::size_t i) { ++calls[i]; });  // slot i only
      for (std::size_t i = 0; i < n; ++i) CHECK(calls[i] == 1);
    }
  }
  CHECK(loanlens::DefaultThreads() >= 1);
  if (!loanlens::ThreadsAvailable()) CHECK(loanlens::DefaultThreads() == 1);
}

TEST_CASE("ParallelRows rethrows an exception of the body on the calling thread") {
  for (int threads : {1, 4}) {
    std::atomic<int> done{0};
    try {
      ParallelRows(200, threads, [&](std::size_t i) {
        if (i == 50) throw std::runtime_error("row " + std::to_string(i));
        ++done;
      });
      FAIL("no exception");
    } catch (const std::runtime_error& e) {
      CHECK(std::string(e.what()) == "row 50");
    }
    CHECK(done.load() < 200);
  }
}
