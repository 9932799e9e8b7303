#include "common/concurrency/admission.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace outreach {
namespace {

// How often a waiter asks whether its caller has given up: cancellation
// has no signal to wait on, so it is polled.
constexpr absl::Duration kCancelPoll = absl::Milliseconds(50);

}  // namespace

Admission::Admission(int running, int waiting)
    : max_running_(std::max(1, running)), max_waiting_(std::max(0, waiting)) {}

Admission::Turn& Admission::Turn::operator=(Turn&& other) noexcept {
  if (this != &other) {
    if (owner_ != nullptr) owner_->Leave();
    owner_ = other.owner_;
    other.owner_ = nullptr;
  }
  return *this;
}

Admission::Turn::~Turn() {
  if (owner_ != nullptr) owner_->Leave();
}

absl::Status Admission::Enter(absl::Time deadline,
                              const std::function<bool()>& cancelled,
                              const char* what, Turn& turn) {
  absl::MutexLock lock(&mu_);
  if (running_ < max_running_) {
    ++running_;
    turn = Turn(this);
    return absl::OkStatus();
  }
  if (waiting_ >= max_waiting_) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "too many ", what, " in progress (", max_running_, " running, ",
        max_waiting_, " waiting); retry with backoff"));
  }
  ++waiting_;
  const auto free = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    return running_ < max_running_;
  };
  absl::Status status;
  while (true) {
    if (mu_.AwaitWithDeadline(absl::Condition(&free),
                              std::min(deadline, absl::Now() + kCancelPoll))) {
      break;
    }
    if (absl::Now() >= deadline) {
      status = absl::DeadlineExceededError(
          absl::StrCat("deadline passed while waiting behind other ", what));
      break;
    }
    if (cancelled && cancelled()) {
      status = absl::CancelledError("the caller cancelled");
      break;
    }
  }
  --waiting_;
  if (!status.ok()) return status;
  ++running_;
  turn = Turn(this);
  return absl::OkStatus();
}

void Admission::Leave() {
  absl::MutexLock lock(&mu_);
  --running_;
}

int Admission::running() const {
  absl::MutexLock lock(&mu_);
  return running_;
}

int Admission::waiting() const {
  absl::MutexLock lock(&mu_);
  return waiting_;
}

}  // namespace outreach
