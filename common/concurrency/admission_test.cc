#include "common/concurrency/admission.h"

#include <atomic>
#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace outreach {
namespace {

TEST(AdmissionTest, RunsUpToTheBoundAndRefusesTheNextAtOnce) {
  Admission admission(2, 0);
  Admission::Turn a, b, c;
  ASSERT_TRUE(
      admission.Enter(absl::InfiniteFuture(), nullptr, "imports", a).ok());
  ASSERT_TRUE(
      admission.Enter(absl::InfiniteFuture(), nullptr, "imports", b).ok());
  const absl::Time start = absl::Now();
  absl::Status refused =
      admission.Enter(absl::InfiniteFuture(), nullptr, "imports", c);
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(refused.message().find("too many imports"), std::string::npos);
  EXPECT_LT(absl::Now() - start, absl::Seconds(1));
  EXPECT_EQ(admission.running(), 2);
}

TEST(AdmissionTest, AWaiterRunsWhenATurnEndsAndTheNextBeyondIsRefused) {
  Admission admission(1, 1);
  auto first = std::make_unique<Admission::Turn>();
  ASSERT_TRUE(
      admission.Enter(absl::InfiniteFuture(), nullptr, "imports", *first).ok());
  std::atomic<bool> released{false};
  absl::Status waited;
  bool ran_after_release = false;
  std::thread waiter([&] {
    Admission::Turn turn;
    waited = admission.Enter(absl::Now() + absl::Seconds(30), nullptr,
                             "imports", turn);
    ran_after_release = released.load();
  });
  while (admission.waiting() == 0) absl::SleepFor(absl::Milliseconds(1));
  // The one waiting place is taken: the next is refused, not queued.
  Admission::Turn third;
  EXPECT_EQ(
      admission.Enter(absl::InfiniteFuture(), nullptr, "imports", third).code(),
      absl::StatusCode::kResourceExhausted);
  absl::SleepFor(absl::Milliseconds(50));
  released = true;
  first.reset();
  waiter.join();
  EXPECT_TRUE(waited.ok()) << waited;
  EXPECT_TRUE(ran_after_release);
  EXPECT_EQ(admission.running(), 0);
  EXPECT_EQ(admission.waiting(), 0);
}

TEST(AdmissionTest, AWaiterGivesUpAtItsDeadline) {
  Admission admission(1, 4);
  Admission::Turn held, late;
  ASSERT_TRUE(
      admission.Enter(absl::InfiniteFuture(), nullptr, "imports", held).ok());
  const absl::Time start = absl::Now();
  absl::Status s = admission.Enter(start + absl::Milliseconds(120), nullptr,
                                   "imports", late);
  const absl::Duration took = absl::Now() - start;
  EXPECT_EQ(s.code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_GE(took, absl::Milliseconds(110));
  EXPECT_LT(took, absl::Seconds(2));
  EXPECT_EQ(admission.waiting(), 0);
  EXPECT_EQ(admission.running(), 1);
}

TEST(AdmissionTest, AWaiterGivesUpWhenItsCallerCancels) {
  Admission admission(1, 4);
  Admission::Turn held;
  ASSERT_TRUE(
      admission.Enter(absl::InfiniteFuture(), nullptr, "imports", held).ok());
  std::atomic<bool> cancelled{false};
  absl::Status s;
  absl::Time gave_up;
  std::thread waiter([&] {
    Admission::Turn turn;
    s = admission.Enter(
        absl::InfiniteFuture(), [&] { return cancelled.load(); }, "imports",
        turn);
    gave_up = absl::Now();
  });
  while (admission.waiting() == 0) absl::SleepFor(absl::Milliseconds(1));
  const absl::Time cancelled_at = absl::Now();
  cancelled = true;
  waiter.join();
  EXPECT_EQ(s.code(), absl::StatusCode::kCancelled);
  EXPECT_LT(gave_up - cancelled_at, absl::Seconds(1));
  EXPECT_EQ(admission.waiting(), 0);
}

TEST(AdmissionTest, AMovedTurnEndsOnce) {
  Admission admission(1, 0);
  {
    Admission::Turn a;
    ASSERT_TRUE(
        admission.Enter(absl::InfiniteFuture(), nullptr, "imports", a).ok());
    Admission::Turn b(std::move(a));
    Admission::Turn c;
    c = std::move(b);
    EXPECT_EQ(admission.running(), 1);
  }
  EXPECT_EQ(admission.running(), 0);
}

}  // namespace
}  // namespace outreach
