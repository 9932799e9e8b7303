#include "common/retry/backoff_policy.h"

#include "gtest/gtest.h"

namespace outreach {
namespace {

TEST(ExponentialBackoffTest, GrowsWithJitterAndCaps) {
  ExponentialBackoff b({absl::Milliseconds(100), absl::Milliseconds(400), 2.0},
                       42);
  absl::Duration d1 = b.NextDelay();
  EXPECT_GE(d1, absl::Milliseconds(50));
  EXPECT_LE(d1, absl::Milliseconds(100));
  absl::Duration d2 = b.NextDelay();
  EXPECT_GE(d2, absl::Milliseconds(100));
  EXPECT_LE(d2, absl::Milliseconds(200));
  for (int i = 0; i < 10; ++i)
    EXPECT_LE(b.NextDelay(), absl::Milliseconds(400));
  b.Reset();
  EXPECT_LE(b.NextDelay(), absl::Milliseconds(100));
}

}  // namespace
}  // namespace outreach
