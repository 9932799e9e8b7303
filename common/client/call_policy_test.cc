#include "common/client/call_policy.h"

#include <vector>

#include "common/status/status_util.h"
#include "gtest/gtest.h"

namespace outreach {
namespace {

class CallPolicyTest : public ::testing::Test {
 protected:
  CallPolicy Policy(CallPolicyOptions options = {}) {
    return CallPolicy(options, &clock_, [this](absl::Duration d) {
      sleeps_.push_back(d);
      clock_.Advance(d);
    });
  }
  FakeClock clock_;
  std::vector<absl::Duration> sleeps_;
};

TEST_F(CallPolicyTest, DeadlineComesFromTheCaller) {
  CallScope scope;
  scope.deadline = clock_.Now() + absl::Milliseconds(500);
  EXPECT_EQ(Policy().OutgoingDeadline(scope),
            clock_.Now() + absl::Milliseconds(480));
  scope.deadline = absl::InfiniteFuture();
  EXPECT_EQ(Policy().OutgoingDeadline(scope), clock_.Now() + absl::Seconds(2));
  scope.deadline = clock_.Now() + absl::Hours(1);
  EXPECT_EQ(Policy().OutgoingDeadline(scope), clock_.Now() + absl::Seconds(10));
}

TEST_F(CallPolicyTest, RetriesUnavailableThenSucceeds) {
  int calls = 0;
  absl::Status s = Policy().Run({}, Idempotent::kYes, [&](grpc::ClientContext&) {
    return ++calls < 3 ? absl::UnavailableError("down") : absl::OkStatus();
  });
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(sleeps_.size(), 2u);
}

// A write that is not idempotent is tried once: after a lost reply, its
// retry would fail (ALREADY_EXISTS) although the first attempt worked.
TEST_F(CallPolicyTest, WritesThatAreNotIdempotentAreNotRetried) {
  int calls = 0;
  absl::Status s = Policy().Run({}, Idempotent::kNo, [&](grpc::ClientContext&) {
    ++calls;
    return absl::UnavailableError("reply lost");
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(sleeps_.empty());
}

TEST_F(CallPolicyTest, OtherErrorsAreNotRetried) {
  int calls = 0;
  absl::Status s = Policy().Run({}, Idempotent::kYes, [&](grpc::ClientContext&) {
    ++calls;
    return absl::NotFoundError("no");
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(calls, 1);
}

TEST_F(CallPolicyTest, GivesUpWithinTheDeadline) {
  CallPolicyOptions options;
  options.max_attempts = 100;
  CallScope scope;
  scope.deadline = clock_.Now() + absl::Milliseconds(300);
  int calls = 0;
  absl::Status s = Policy(options).Run(scope, Idempotent::kYes, [&](grpc::ClientContext&) {
    ++calls;
    return absl::UnavailableError("down");
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_LT(calls, 100);
  EXPECT_LE(clock_.Now(), scope.deadline);
}

TEST_F(CallPolicyTest, NoTimeLeftIsDeadlineExceeded) {
  CallScope scope;
  scope.deadline = clock_.Now() + absl::Milliseconds(10);  // under the margin
  int calls = 0;
  absl::Status s = Policy().Run(scope, Idempotent::kYes, [&](grpc::ClientContext&) {
    ++calls;
    return absl::OkStatus();
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(calls, 0);
}

// The asynchronous halves answer as Run does for one attempt it would
// not retry.
TEST_F(CallPolicyTest, AnAsynchronousAttemptEndsAsRunWould) {
  CallPolicy policy = Policy();
  CallScope scope;
  scope.deadline = clock_.Now() + absl::Milliseconds(500);
  grpc::ClientContext context;
  ASSERT_TRUE(policy.PrepareAttempt(scope, context).ok());
  EXPECT_EQ(absl::FromChrono(context.deadline()),
            clock_.Now() + absl::Milliseconds(480));
  EXPECT_TRUE(policy.FinishAttempt(absl::OkStatus()).ok());
  EXPECT_EQ(policy.FinishAttempt(absl::NotFoundError("x")).code(),
            absl::StatusCode::kNotFound);
  // A final UNAVAILABLE is marked, so that callers above do not retry it.
  absl::Status down = policy.FinishAttempt(absl::UnavailableError("down"));
  EXPECT_EQ(down.code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(IsDependencyFailure(down));
  EXPECT_EQ(sleeps_.size(), 0u);

  scope.deadline = clock_.Now() + absl::Milliseconds(10);  // under the margin
  grpc::ClientContext late;
  EXPECT_EQ(policy.PrepareAttempt(scope, late).code(),
            absl::StatusCode::kDeadlineExceeded);
}

TEST_F(CallPolicyTest, EveryAttemptCarriesTheSameDeadline) {
  const absl::Time start = clock_.Now();
  CallScope scope;
  scope.deadline = start + absl::Seconds(1);
  int calls = 0;
  absl::Status s = Policy().Run(scope, Idempotent::kYes, [&](grpc::ClientContext& ctx) {
    EXPECT_EQ(absl::FromChrono(ctx.deadline()),
              start + absl::Milliseconds(980));
    return ++calls < 2 ? absl::UnavailableError("down") : absl::OkStatus();
  });
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(calls, 2);
}

}  // namespace
}  // namespace outreach
