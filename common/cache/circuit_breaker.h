#ifndef OUTREACH_COMMON_CACHE_CIRCUIT_BREAKER_H_
#define OUTREACH_COMMON_CACHE_CIRCUIT_BREAKER_H_

// A circuit breaker for an optional dependency: after `failure_threshold`
// consecutive failures it opens and refuses calls at no cost; after a
// backoff it lets one trial call through (half-open); the trial's success
// closes it, its failure reopens it for a longer backoff. The growing
// backoff is also the reconnection schedule of the Redis client.

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/retry/backoff_policy.h"
#include "common/time/clock.h"

namespace outreach {

struct CircuitBreakerOptions {
  // Consecutive failures that open the breaker. Default 3.
  int failure_threshold = 3;
  // How long it stays open: grows per failed trial. Defaults 250ms to 10s.
  BackoffOptions open_backoff = {absl::Milliseconds(250), absl::Seconds(10),
                                 2.0};
};

// Thread-safe.
class CircuitBreaker {
 public:
  enum class State { kClosed, kOpen, kHalfOpen };

  explicit CircuitBreaker(CircuitBreakerOptions options = {},
                          Clock* clock = SystemClock::Default());

  // Whether a call may go ahead. In half-open state only one caller at a
  // time gets true (the trial); it must report the outcome.
  bool Allow();
  void RecordSuccess();
  void RecordFailure();
  State state() const;

 private:
  void OpenLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const CircuitBreakerOptions options_;
  Clock* const clock_;
  mutable absl::Mutex mu_;
  State state_ ABSL_GUARDED_BY(mu_) = State::kClosed;
  int consecutive_failures_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Time open_until_ ABSL_GUARDED_BY(mu_);
  bool trial_in_flight_ ABSL_GUARDED_BY(mu_) = false;
  ExponentialBackoff backoff_ ABSL_GUARDED_BY(mu_);
};

}  // namespace outreach

#endif  // OUTREACH_COMMON_CACHE_CIRCUIT_BREAKER_H_
