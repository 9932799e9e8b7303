#include "common/concurrency/work_budget.h"

#include <atomic>

#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace outreach {
namespace {

TEST(PollAtMostEveryTest, DoesNotPollBeforeTheFirstInterval) {
  int polls = 0;
  auto cancelled = PollAtMostEvery(absl::Seconds(60), [&polls] {
    ++polls;
    return true;
  });
  for (int i = 0; i < 1000; ++i) EXPECT_FALSE(cancelled());
  EXPECT_EQ(polls, 0);
}

TEST(PollAtMostEveryTest, PollsOncePerIntervalAndSeesACancellation) {
  std::atomic<bool> gone{false};
  int polls = 0;
  auto cancelled = PollAtMostEvery(absl::Milliseconds(5), [&] {
    ++polls;
    return gone.load();
  });
  // Busy for 30 ms: at most one poll per 5 ms, so at most 6 (and some).
  const absl::Time end = absl::Now() + absl::Milliseconds(30);
  while (absl::Now() < end) EXPECT_FALSE(cancelled());
  EXPECT_GE(polls, 1);
  EXPECT_LE(polls, 6);
  gone = true;
  absl::SleepFor(absl::Milliseconds(6));
  EXPECT_TRUE(cancelled());
  const int seen_at = polls;
  // Latched: true without asking again.
  EXPECT_TRUE(cancelled());
  EXPECT_EQ(polls, seen_at);
}

TEST(PollAtMostEveryTest, BudgetStatusReportsTheThrottledCancellation) {
  WorkBudget budget;
  budget.cancelled = PollAtMostEvery(absl::Milliseconds(1), [] { return true; });
  EXPECT_TRUE(BudgetStatus(budget, "the read").ok());  // too soon to ask
  absl::SleepFor(absl::Milliseconds(2));
  EXPECT_EQ(BudgetStatus(budget, "the read").code(),
            absl::StatusCode::kCancelled);
}

}  // namespace
}  // namespace outreach
