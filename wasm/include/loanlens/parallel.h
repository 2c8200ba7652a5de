#pragma once
/// \file
/// Row-parallel loops for the engine's batch paths (score, and anything else whose rows are
/// independent). Natively (LOANLENS_THREADS on) they run on std::thread workers; the WebAssembly
/// build has no threads (no SharedArrayBuffer, so any static host works) and runs them inline.
#include <cstddef>
#include <functional>

namespace loanlens {

/// The number of threads `--threads` means by default: std::thread::hardware_concurrency()
/// (at least 1), and 1 when the build has no threads.
int DefaultThreads();

/// True when the build can run more than one thread (LOANLENS_THREADS).
bool ThreadsAvailable();

/**
 * Calls body(i) once for every i in [0, n), on up to `threads` threads (the caller's included),
 * handing out indices in small chunks from a shared counter so that uneven rows balance. The
 * order of the calls is unspecified: body must write only to slot i of its outputs and read
 * shared state only through const, thread-safe calls. An exception escaping body stops the
 * loop; the one of the lowest index is rethrown on the calling thread after every worker has
 * joined. threads <= 1, n <= 1 or a build without threads: a plain loop in index order.
 */
void ParallelRows(std::size_t n, int threads, const std::function<void(std::size_t)>& body);

}  // namespace loanlens
