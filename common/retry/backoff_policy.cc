#include "common/retry/backoff_policy.h"

#include <algorithm>

namespace outreach {

ExponentialBackoff::ExponentialBackoff(BackoffOptions options, uint64_t seed)
    : options_(options), current_(options.initial), rng_(seed) {}

absl::Duration ExponentialBackoff::NextDelay() {
  const absl::Duration d = std::min(current_, options_.maximum);
  current_ = std::min(current_ * options_.multiplier, options_.maximum);
  std::uniform_real_distribution<double> jitter(0.5, 1.0);
  return d * jitter(rng_);
}

void ExponentialBackoff::Reset() { current_ = options_.initial; }

}  // namespace outreach
