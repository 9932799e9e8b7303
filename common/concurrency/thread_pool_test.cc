#include "common/concurrency/thread_pool.h"

#include <atomic>
#include <set>
#include <stdexcept>
#include <string>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace outreach {
namespace {

TEST(ThreadPoolTest, RunsWorkAndReturnsResults) {
  ThreadPool pool(3);
  std::vector<std::future<int>> results;
  for (int i = 0; i < 100; ++i) results.push_back(pool.Submit([i] { return i * i; }));
  for (int i = 0; i < 100; ++i) EXPECT_EQ(results[i].get(), i * i);
}

TEST(ThreadPoolTest, BranchesRunInParallel) {
  // Three branches that each wait for the others to start finish only if
  // they run at the same time.
  ThreadPool pool(3);
  std::atomic<int> started{0};
  auto branch = [&] {
    started.fetch_add(1);
    const absl::Time until = absl::Now() + absl::Seconds(5);
    while (started.load() < 3 && absl::Now() < until) absl::SleepFor(absl::Milliseconds(1));
    return started.load();
  };
  auto a = pool.Submit(branch), b = pool.Submit(branch), c = pool.Submit(branch);
  EXPECT_EQ(a.get(), 3);
  EXPECT_EQ(b.get(), 3);
  EXPECT_EQ(c.get(), 3);
}

TEST(ThreadPoolTest, ReusesItsThreads) {
  ThreadPool pool(2);
  absl::Mutex mu;
  std::set<std::thread::id> ids;
  std::vector<std::future<void>> done;
  for (int i = 0; i < 50; ++i) {
    done.push_back(pool.Submit([&] {
      absl::MutexLock lock(&mu);
      ids.insert(std::this_thread::get_id());
    }));
  }
  for (auto& d : done) d.get();
  EXPECT_LE(ids.size(), 2u);
}

TEST(ThreadPoolTest, ExceptionsReachTheFuture) {
  ThreadPool pool(1);
  auto f = pool.Submit([]() -> int { throw std::runtime_error("boom"); });
  EXPECT_THROW(f.get(), std::runtime_error);
  EXPECT_EQ(pool.Submit([] { return 7; }).get(), 7);  // the thread survived
}

TEST(ThreadPoolTest, DestructorRunsQueuedWork) {
  std::atomic<int> ran{0};
  {
    ThreadPool pool(1);
    for (int i = 0; i < 20; ++i) pool.Submit([&] { ran.fetch_add(1); });
  }
  EXPECT_EQ(ran.load(), 20);
}

}  // namespace
}  // namespace outreach
