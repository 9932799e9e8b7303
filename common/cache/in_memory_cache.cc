#include "common/cache/in_memory_cache.h"

#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace outreach {

absl::StatusOr<std::optional<CacheEntry>> InMemoryCache::Lookup(
    absl::string_view key) {
  absl::MutexLock lock(&mu_);
  if (!available_) return absl::UnavailableError("cache unavailable");
  ++lookups_;
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::optional<CacheEntry>();
  if (!it->second.tombstone) ++hits_;
  return std::optional<CacheEntry>(it->second);
}

absl::Status InMemoryCache::Store(absl::string_view key, CacheEntry entry) {
  absl::MutexLock lock(&mu_);
  if (!available_) return absl::UnavailableError("cache unavailable");
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    entries_.emplace(std::string(key), std::move(entry));
  } else if (CacheEntryReplaces(it->second, entry)) {
    it->second = std::move(entry);
  }
  return absl::OkStatus();
}

absl::Status InMemoryCache::Fill(absl::string_view key, int64_t version,
                                 absl::string_view value, absl::Duration) {
  return Store(key, CacheEntry{version, false, std::string(value)});
}

absl::Status InMemoryCache::Invalidate(absl::string_view key, int64_t version,
                                       absl::Duration) {
  return Store(key, CacheEntry{version, true, ""});
}

absl::StatusOr<std::optional<std::string>> InMemoryCache::GetRaw(
    absl::string_view key) {
  absl::MutexLock lock(&mu_);
  if (!available_) return absl::UnavailableError("cache unavailable");
  auto it = raw_.find(key);
  if (it == raw_.end()) return std::optional<std::string>();
  return std::optional<std::string>(it->second);
}

absl::Status InMemoryCache::SetRaw(absl::string_view key,
                                   absl::string_view value, absl::Duration) {
  absl::MutexLock lock(&mu_);
  if (!available_) return absl::UnavailableError("cache unavailable");
  raw_[std::string(key)] = std::string(value);
  return absl::OkStatus();
}

absl::StatusOr<int64_t> InMemoryCache::Increment(absl::string_view key,
                                                 int64_t seed_if_missing) {
  absl::MutexLock lock(&mu_);
  if (!available_) return absl::UnavailableError("cache unavailable");
  int64_t value = seed_if_missing;
  auto it = raw_.find(key);
  if (it != raw_.end()) (void)absl::SimpleAtoi(it->second, &value);
  ++value;
  raw_[std::string(key)] = absl::StrCat(value);
  return value;
}

absl::Status InMemoryCache::Erase(absl::string_view key) {
  absl::MutexLock lock(&mu_);
  if (!available_) return absl::UnavailableError("cache unavailable");
  entries_.erase(key);
  raw_.erase(key);
  return absl::OkStatus();
}

void InMemoryCache::set_available(bool available) {
  absl::MutexLock lock(&mu_);
  available_ = available;
}

size_t InMemoryCache::size() const {
  absl::MutexLock lock(&mu_);
  return entries_.size();
}

int InMemoryCache::lookups() const {
  absl::MutexLock lock(&mu_);
  return lookups_;
}

int InMemoryCache::hits() const {
  absl::MutexLock lock(&mu_);
  return hits_;
}

}  // namespace outreach
