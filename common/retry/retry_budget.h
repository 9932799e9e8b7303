#ifndef OUTREACH_COMMON_RETRY_RETRY_BUDGET_H_
#define OUTREACH_COMMON_RETRY_RETRY_BUDGET_H_

// A retry budget: the token bucket of gRPC's retryThrottling (gRFC A6),
// for the retries gRPC's service config cannot express (CallPolicy's
// retries of writes made idempotent by their request).
//
// The bucket starts full at `max_tokens`. Each failed attempt takes one
// token, each successful one gives back `token_ratio`. Retries are allowed
// only while more than half the tokens are left, so when most calls to a
// peer fail, retries stop at once instead of multiplying its load.
// Thread-safe.

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace outreach {

class RetryBudget {
 public:
  explicit RetryBudget(double max_tokens = 10, double token_ratio = 0.1);

  // After each attempt.
  void RecordSuccess();
  void RecordFailure();
  // Whether a retry may be made now.
  bool CanRetry() const;
  double tokens() const;

 private:
  const double max_tokens_;
  const double token_ratio_;
  mutable absl::Mutex mu_;
  double tokens_ ABSL_GUARDED_BY(mu_);
};

}  // namespace outreach

#endif  // OUTREACH_COMMON_RETRY_RETRY_BUDGET_H_
