#include "common/cache/circuit_breaker.h"

#include "gtest/gtest.h"

namespace outreach {
namespace {

CircuitBreakerOptions Options() {
  CircuitBreakerOptions o;
  o.failure_threshold = 2;
  o.open_backoff = {absl::Seconds(1), absl::Seconds(8), 2.0};
  return o;
}

TEST(CircuitBreakerTest, OpensAfterConsecutiveFailures) {
  FakeClock clock;
  CircuitBreaker b(Options(), &clock);
  EXPECT_TRUE(b.Allow());
  b.RecordFailure();
  EXPECT_EQ(b.state(), CircuitBreaker::State::kClosed);
  b.RecordFailure();
  EXPECT_EQ(b.state(), CircuitBreaker::State::kOpen);
  EXPECT_FALSE(b.Allow());
}

TEST(CircuitBreakerTest, SuccessResetsTheCount) {
  FakeClock clock;
  CircuitBreaker b(Options(), &clock);
  b.RecordFailure();
  b.RecordSuccess();
  b.RecordFailure();
  EXPECT_EQ(b.state(), CircuitBreaker::State::kClosed);
}

TEST(CircuitBreakerTest, HalfOpenAllowsOneTrial) {
  FakeClock clock;
  CircuitBreaker b(Options(), &clock);
  b.RecordFailure();
  b.RecordFailure();
  clock.Advance(absl::Seconds(1));  // the first backoff is at most 1s
  EXPECT_TRUE(b.Allow());
  EXPECT_EQ(b.state(), CircuitBreaker::State::kHalfOpen);
  EXPECT_FALSE(b.Allow()) << "only one trial at a time";
  b.RecordSuccess();
  EXPECT_EQ(b.state(), CircuitBreaker::State::kClosed);
  EXPECT_TRUE(b.Allow());
}

TEST(CircuitBreakerTest, FailedTrialReopensForLonger) {
  FakeClock clock;
  CircuitBreaker b(Options(), &clock);
  b.RecordFailure();
  b.RecordFailure();
  clock.Advance(absl::Seconds(1));
  ASSERT_TRUE(b.Allow());
  b.RecordFailure();
  EXPECT_EQ(b.state(), CircuitBreaker::State::kOpen);
  // The second open period is 2s before jitter, at least 1s after it.
  clock.Advance(absl::Milliseconds(900));
  EXPECT_FALSE(b.Allow());
  clock.Advance(absl::Milliseconds(1200));
  EXPECT_TRUE(b.Allow());
}

}  // namespace
}  // namespace outreach
