#ifndef OUTREACH_COMMON_CONCURRENCY_THREAD_POOL_H_
#define OUTREACH_COMMON_CONCURRENCY_THREAD_POOL_H_

// A fixed set of threads that run submitted work in order of submission.
//
// The gateway fans a composite call out into blocking calls to the other
// services. Starting a thread per branch (std::async) costs tens of
// microseconds each, which showed as most of a cold note's time at
// concurrency 1 and collapsed its throughput at 16 (docs/performance.md).
// Kept threads remove that cost.
//
// Contract: work must not wait on other work submitted to the same pool
// (it could wait forever behind it); the gateway's branches only make
// calls. When every thread is busy, work queues. The destructor runs what
// is queued, then joins.

#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace outreach {

class ThreadPool {
 public:
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // Runs `f` on a pool thread; its result (or exception) comes through the
  // future.
  template <typename F>
  auto Submit(F f) -> std::future<std::invoke_result_t<F>> {
    using R = std::invoke_result_t<F>;
    auto task = std::make_shared<std::packaged_task<R()>>(std::move(f));
    std::future<R> result = task->get_future();
    Schedule([task] { (*task)(); });
    return result;
  }

  int size() const { return static_cast<int>(threads_.size()); }

 private:
  void Schedule(std::function<void()> work);
  void Loop();

  absl::Mutex mu_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace outreach

#endif  // OUTREACH_COMMON_CONCURRENCY_THREAD_POOL_H_
