#include "loanlens/parallel.h"

#include <algorithm>
#include <exception>
#include <vector>
#if LOANLENS_THREADS
#include <atomic>
#include <mutex>
#include <thread>
#endif

namespace loanlens {

int DefaultThreads() {
#if LOANLENS_THREADS
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
#else
  return 1;
#endif
}

bool ThreadsAvailable() {
#if LOANLENS_THREADS
  return true;
#else
  return false;
#endif
}

void ParallelRows(std::size_t n, int threads, const std::function<void(std::size_t)>& body) {
#if LOANLENS_THREADS
  if (threads > 1 && n > 1) {
    constexpr std::size_t kChunk = 8;  // rows per grab: balances rows of very different cost
    const std::size_t workers = std::min<std::size_t>(threads, (n + kChunk - 1) / kChunk);
    std::atomic<std::size_t> next{0};
    std::atomic<bool> stop{false};
    std::mutex error_mutex;
    std::exception_ptr error;
    std::size_t error_index = n;
    auto work = [&] {
      while (!stop.load(std::memory_order_relaxed)) {
        const std::size_t begin = next.fetch_add(kChunk);
        if (begin >= n) return;
        for (std::size_t i = begin; i < std::min(n, begin + kChunk); ++i) {
          try {
            body(i);
          } catch (...) {
            const std::lock_guard<std::mutex> lock(error_mutex);
            if (i < error_index) error_index = i, error = std::current_exception();
            stop = true;
            return;
          }
        }
      }
    };
    std::vector<std::thread> pool;
    pool.reserve(workers - 1);
    for (std::size_t t = 1; t < workers; ++t) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
    if (error) std::rethrow_exception(error);
    return;
  }
#else
  (void)threads;
#endif
  for (std::size_t i = 0; i < n; ++i) body(i);
}

}  // namespace loanlens
