#include "common/retry/retry_budget.h"

#include <algorithm>

namespace outreach {

RetryBudget::RetryBudget(double max_tokens, double token_ratio)
    : max_tokens_(max_tokens), token_ratio_(token_ratio), tokens_(max_tokens) {}

void RetryBudget::RecordSuccess() {
  absl::MutexLock lock(&mu_);
  tokens_ = std::min(max_tokens_, tokens_ + token_ratio_);
}

void RetryBudget::RecordFailure() {
  absl::MutexLock lock(&mu_);
  tokens_ = std::max(0.0, tokens_ - 1);
}

bool RetryBudget::CanRetry() const {
  absl::MutexLock lock(&mu_);
  return tokens_ > max_tokens_ / 2;
}

double RetryBudget::tokens() const {
  absl::MutexLock lock(&mu_);
  return tokens_;
}

}  // namespace outreach
