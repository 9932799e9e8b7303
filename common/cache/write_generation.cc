#include "common/cache/write_generation.h"

#include "absl/strings/numbers.h"

namespace outreach {

WriteGeneration::WriteGeneration(Cache* cache, absl::Duration retry_every)
    : cache_(cache), retry_every_(retry_every) {
  if (cache_ != nullptr) retry_thread_ = std::thread([this] { RetryLoop(); });
}

WriteGeneration::~WriteGeneration() {
  stop_.Notify();
  if (retry_thread_.joinable()) retry_thread_.join();
}

void WriteGeneration::Bump() {
  if (cache_ == nullptr) return;
  if (cache_->Increment(kWriteGenerationKey).ok()) return;
  absl::MutexLock lock(&mu_);
  ++pending_;
}

absl::StatusOr<int64_t> WriteGeneration::Current() {
  if (cache_ == nullptr) return absl::UnavailableError("no cache");
  auto raw = cache_->GetRaw(kWriteGenerationKey);
  if (!raw.ok()) return raw.status();
  int64_t value = 0;
  if (raw->has_value()) (void)absl::SimpleAtoi(**raw, &value);
  return value;
}

int WriteGeneration::pending() const {
  absl::MutexLock lock(&mu_);
  return pending_;
}

void WriteGeneration::RetryLoop() {
  while (!stop_.WaitForNotificationWithTimeout(retry_every_)) {
    {
      absl::MutexLock lock(&mu_);
      if (pending_ == 0) continue;
    }
    // One delivered bump covers every missed one: readers only need the
    // generation to change.
    if (cache_->Increment(kWriteGenerationKey).ok()) {
      absl::MutexLock lock(&mu_);
      pending_ = 0;
    }
  }
}

}  // namespace outreach
