#include "common/cache/write_generation.h"

#include "absl/random/random.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace outreach {

WriteGeneration::WriteGeneration(Cache* cache, WriteGenerationOptions options)
    : cache_(cache), options_(options) {
  if (cache_ != nullptr &&
      options_.role == WriteGenerationOptions::Role::kWriter) {
    retry_thread_ = std::thread([this] { RetryLoop(); });
  }
}

WriteGeneration::~WriteGeneration() {
  stop_.Notify();
  if (retry_thread_.joinable()) retry_thread_.join();
}

int64_t WriteGeneration::NewSeed() {
  static absl::Mutex mu(absl::kConstInit);
  static absl::BitGen* gen = new absl::BitGen();
  absl::MutexLock lock(&mu);
  // Epochs 1 .. 2^30 - 1, count 0: positive, and far from every other
  // epoch's counts.
  return absl::Uniform<int64_t>(*gen, 1, int64_t{1} << 30) << 32;
}

int64_t WriteGeneration::BeginRead() const {
  absl::MutexLock lock(&mu_);
  return finished_;
}

bool WriteGeneration::Observe(int64_t value, int64_t begun) {
  ++finished_;
  if (EpochOf(value) == EpochOf(highest_) && value >= highest_) {
    highest_ = value;
    highest_at_ = finished_;
    return true;
  }
  // The highest was seen by a read or bump that finished after this one
  // began: the two overlapped, and this value was current during this
  // read. Not a fault, and not the newest either.
  if (highest_at_ > begun) return true;
  if (EpochOf(value) != EpochOf(highest_)) {
    highest_ = value;  // a new epoch
    highest_at_ = finished_;
    return true;
  }
  return false;
}

absl::Status WriteGeneration::Deliver() {
  const int64_t begun = BeginRead();
  auto value = cache_->Increment(kWriteGenerationKey, NewSeed());
  if (!value.ok()) return value.status();
  absl::MutexLock lock(&mu_);
  if (Observe(*value, begun)) return absl::OkStatus();
  // Our own bump gave a count below one we saw in this epoch: Redis lost
  // bumps, and composites keyed by the counts between may still exist.
  // A new epoch makes them unreachable.
  const int64_t seed = NewSeed() + 1;
  if (auto s = cache_->SetRaw(kWriteGenerationKey, absl::StrCat(seed),
                              absl::ZeroDuration());
      !s.ok()) {
    return s;
  }
  highest_ = seed;
  highest_at_ = ++finished_;
  return absl::OkStatus();
}

void WriteGeneration::Bump() {
  if (cache_ == nullptr) return;
  if (Deliver().ok()) return;
  absl::MutexLock lock(&mu_);
  ++pending_;
}

absl::StatusOr<int64_t> WriteGeneration::Current() {
  if (cache_ == nullptr) return absl::UnavailableError("no cache");
  const int64_t begun = BeginRead();
  return Accept(cache_->GetRaw(kWriteGenerationKey), begun);
}

absl::StatusOr<int64_t> WriteGeneration::Accept(
    const absl::StatusOr<std::optional<std::string>>& raw, int64_t begun) {
  const absl::Time now = options_.clock->Now();
  absl::MutexLock lock(&mu_);
  if (!raw.ok()) {
    last_fault_ = now;
    return raw.status();
  }
  int64_t value = 0;
  if (!raw->has_value() || !absl::SimpleAtoi(**raw, &value) || value <= 0) {
    // Reset, and not seeded yet: writers seed it within retry_every.
    last_fault_ = now;
    return absl::UnavailableError("the write generation is not set");
  }
  if (!Observe(value, begun)) {
    // Gone back in time: a writer will start a new epoch.
    last_fault_ = now;
    highest_ = value;
    return absl::UnavailableError("the write generation went back");
  }
  if (now - last_fault_ < options_.settle) {
    return absl::UnavailableError(
        "the cache was unreachable lately; bumps may still be on their way");
  }
  return value;
}

int WriteGeneration::pending() const {
  absl::MutexLock lock(&mu_);
  return pending_;
}

void WriteGeneration::Check() {
  bool pending;
  {
    absl::MutexLock lock(&mu_);
    pending = pending_ > 0;
  }
  if (!pending) {
    const int64_t begun = BeginRead();
    auto raw = cache_->GetRaw(kWriteGenerationKey);
    if (!raw.ok()) return;
    int64_t value = 0;
    bool fine = raw->has_value() && absl::SimpleAtoi(**raw, &value) && value > 0;
    if (fine) {
      absl::MutexLock lock(&mu_);
      fine = Observe(value, begun);
    }
    // Missing, garbled, or gone back: a bump seeds it or starts an epoch.
    if (fine) return;
  }
  if (Deliver().ok()) {
    absl::MutexLock lock(&mu_);
    pending_ = 0;
  }
}

void WriteGeneration::RetryLoop() {
  while (!stop_.WaitForNotificationWithTimeout(options_.retry_every)) {
    Check();
  }
}

}  // namespace outreach
