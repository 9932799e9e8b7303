#include "common/cache/circuit_breaker.h"

namespace outreach {

CircuitBreaker::CircuitBreaker(CircuitBreakerOptions options, Clock* clock)
    : options_(options), clock_(clock), backoff_(options.open_backoff) {}

bool CircuitBreaker::Allow() {
  absl::MutexLock lock(&mu_);
  switch (state_) {
    case State::kClosed:
      return true;
    case State::kOpen:
      if (clock_->Now() < open_until_) return false;
      state_ = State::kHalfOpen;
      trial_in_flight_ = true;
      return true;
    case State::kHalfOpen:
      if (trial_in_flight_) return false;
      trial_in_flight_ = true;
      return true;
  }
  return false;
}

void CircuitBreaker::RecordSuccess() {
  absl::MutexLock lock(&mu_);
  state_ = State::kClosed;
  consecutive_failures_ = 0;
  trial_in_flight_ = false;
  backoff_.Reset();
}

void CircuitBreaker::RecordFailure() {
  absl::MutexLock lock(&mu_);
  trial_in_flight_ = false;
  if (state_ == State::kHalfOpen) {
    OpenLocked();
    return;
  }
  if (state_ == State::kClosed &&
      ++consecutive_failures_ >= options_.failure_threshold) {
    OpenLocked();
  }
}

void CircuitBreaker::OpenLocked() {
  state_ = State::kOpen;
  open_until_ = clock_->Now() + backoff_.NextDelay();
}

CircuitBreaker::State CircuitBreaker::state() const {
  absl::MutexLock lock(&mu_);
  return state_;
}

}  // namespace outreach
