#ifndef OUTREACH_COMMON_RETRY_BACKOFF_POLICY_H_
#define OUTREACH_COMMON_RETRY_BACKOFF_POLICY_H_

// Exponential backoff with full jitter, as a small value object, so loops
// that retry (Redis reconnects, calls to other services) share one policy
// instead of hand-rolling sleeps.

#include <cstdint>
#include <random>

#include "absl/time/time.h"

namespace outreach {

struct BackoffOptions {
  // First delay before jitter. Default 100ms.
  absl::Duration initial = absl::Milliseconds(100);
  // Ceiling of the delay before jitter. Default 30s.
  absl::Duration maximum = absl::Seconds(30);
  // Growth factor per failure. Default 2.
  double multiplier = 2.0;
};

// Not thread-safe; each retry loop owns one.
class ExponentialBackoff {
 public:
  explicit ExponentialBackoff(BackoffOptions options = {},
                              uint64_t seed = std::random_device{}());

  // The delay to wait after one more failure: uniform in [d/2, d], where d
  // grows by `multiplier` per call up to `maximum`. Half jitter keeps a
  // floor so a dead dependency is not hammered.
  absl::Duration NextDelay();
  // Back to `initial`, after a success.
  void Reset();

 private:
  BackoffOptions options_;
  absl::Duration current_;
  std::mt19937_64 rng_;
};

}  // namespace outreach

#endif  // OUTREACH_COMMON_RETRY_BACKOFF_POLICY_H_
