#include "common/cache/cache_aside.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log/json_log.h"

namespace outreach {

CacheAside::CacheAside(Cache* cache, CacheAsideOptions options)
    : cache_(cache), options_(std::move(options)) {
  epoch_ =
      options_.epoch != 0 ? options_.epoch : absl::ToUnixMicros(absl::Now());
}

std::string CacheAside::FullKey(absl::string_view key) const {
  if (options_.shared_epoch != nullptr) {
    return absl::StrCat(options_.key_namespace, options_.shared_epoch->Current(),
                        ":", key);
  }
  absl::MutexLock lock(&mu_);
  return absl::StrCat(options_.key_namespace, epoch_, ":", key);
}

bool CacheAside::IsPending(absl::string_view key) const {
  absl::MutexLock lock(&mu_);
  return pending_.contains(key);
}

void CacheAside::NoteResult(const absl::Status& status) {
  absl::MutexLock lock(&mu_);
  if (!status.ok()) ++stats_.errors;
  const bool ok = status.ok();
  if (ok == healthy_) return;
  healthy_ = ok;
  if (ok) {
    LogInfo("cache reachable again", {{"namespace", options_.key_namespace}});
  } else {
    LogWarning("cache unavailable; serving from the store",
               {{"namespace", options_.key_namespace},
                {"error", std::string(status.message())}});
  }
}

void CacheAside::RetryPending() {
  std::vector<std::pair<std::string, int64_t>> batch;
  {
    absl::MutexLock lock(&mu_);
    if (pending_.empty() || retrying_) return;
    retrying_ = true;
    batch.assign(pending_.begin(), pending_.end());
  }
  for (const auto& [key, version] : batch) {
    absl::Status s = cache_->Invalidate(FullKey(key), version, options_.ttl);
    NoteResult(s);
    if (!s.ok()) break;  // still down; try again on a later call
    absl::MutexLock lock(&mu_);
    auto it = pending_.find(key);
    // A newer failed invalidation may have replaced this one meanwhile.
    if (it != pending_.end() && it->second == version) pending_.erase(it);
  }
  absl::MutexLock lock(&mu_);
  retrying_ = false;
  stats_.pending_invalidations = pending_.size();
}

std::optional<std::string> CacheAside::Get(absl::string_view key) {
  if (cache_ == nullptr) return std::nullopt;
  RetryPending();
  if (IsPending(key)) return std::nullopt;
  const std::string full_key = FullKey(key);
  auto result = cache_->Lookup(full_key);
  NoteResult(result.status());
  if (result.ok() && result->has_value() && !(*result)->tombstone &&
      !Believable(full_key, (*result)->version, (*result)->value)) {
    absl::MutexLock lock(&mu_);
    ++stats_.dropped;
    ++stats_.misses;
    return std::nullopt;
  }
  absl::MutexLock lock(&mu_);
  if (!result.ok() || !result->has_value() || (*result)->tombstone) {
    ++stats_.misses;
    return std::nullopt;
  }
  ++stats_.hits;
  return std::move((*result)->value);
}

bool CacheAside::Believable(absl::string_view full_key, int64_t version,
                            absl::string_view value) {
  bool believable = version > 0 && (options_.plausible == nullptr ||
                                    options_.plausible(version, value));
  if (believable && options_.latest_revision != nullptr) {
    bool above = false;
    {
      absl::MutexLock lock(&mu_);
      above = version > known_latest_;
    }
    if (above) {
      // Asked again only now: a version above the last answer is either
      // newer than it (and the store says so) or never written.
      auto latest = options_.latest_revision();
      if (latest.ok()) {
        absl::MutexLock lock(&mu_);
        known_latest_ = std::max(known_latest_, *latest);
        believable = version <= known_latest_;
      } else {
        // The store cannot say: not served, not dropped.
        return false;
      }
    }
  }
  if (!believable) {
    LogWarning("dropped an implausible cache entry",
               {{"key", std::string(full_key)}, {"version", version}});
    NoteResult(cache_->Erase(full_key));
  }
  return believable;
}

void CacheAside::Fill(absl::string_view key, int64_t version,
                      absl::string_view value) {
  if (cache_ == nullptr || IsPending(key)) return;
  NoteResult(cache_->Fill(FullKey(key), version, value, options_.ttl));
}

void CacheAside::Invalidate(absl::string_view key, int64_t version) {
  if (cache_ == nullptr) return;
  absl::Status s = cache_->Invalidate(FullKey(key), version, options_.ttl);
  NoteResult(s);
  if (s.ok()) return;
  if (options_.shared_epoch != nullptr) {
    // The other replicas cannot know what this one missed: move them all
    // on, before the write is acknowledged.
    if (absl::Status moved = options_.shared_epoch->Advance(); moved.ok()) {
      LogWarning("cache invalidation lost; moved every replica to a new key "
                 "epoch",
                 {{"namespace", options_.key_namespace},
                  {"epoch", options_.shared_epoch->Current()}});
      return;
    } else {
      LogError("cache invalidation lost and the shared epoch could not move; "
               "other replicas may read the old value until the entry expires",
               {{"namespace", options_.key_namespace},
                {"error", std::string(moved.message())}});
    }
  }
  absl::MutexLock lock(&mu_);
  auto& pending_version = pending_[std::string(key)];
  pending_version = std::max(pending_version, version);
  if (pending_.size() > options_.max_pending) {
    // Too much was missed to track key by key: start a fresh namespace.
    ++epoch_;
    pending_.clear();
    LogWarning("cache invalidations lost; moved to a new key epoch",
               {{"namespace", options_.key_namespace}, {"epoch", epoch_}});
  }
  stats_.pending_invalidations = pending_.size();
}

CacheAsideStats CacheAside::stats() const {
  absl::MutexLock lock(&mu_);
  return stats_;
}

}  // namespace outreach
