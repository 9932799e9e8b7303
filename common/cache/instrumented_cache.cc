#include "common/cache/instrumented_cache.h"

#include <utility>

namespace outreach {

void InstrumentedCache::Count(absl::string_view operation,
                              absl::string_view result) {
  if (metrics_ != nullptr) metrics_->CountCache(operation, result);
}

absl::Status InstrumentedCache::CountWrite(absl::string_view operation,
                                           absl::Status s) {
  Count(operation, s.ok() ? "ok" : "error");
  return s;
}

absl::StatusOr<std::optional<CacheEntry>> InstrumentedCache::Lookup(
    absl::string_view key) {
  auto entry = inner_->Lookup(key);
  if (!entry.ok()) {
    Count("lookup", "error");
  } else {
    Count("lookup",
          entry->has_value() && !(*entry)->tombstone ? "hit" : "miss");
  }
  return entry;
}

absl::Status InstrumentedCache::Fill(absl::string_view key, int64_t version,
                                     absl::string_view value,
                                     absl::Duration ttl) {
  return CountWrite("fill", inner_->Fill(key, version, value, ttl));
}

absl::Status InstrumentedCache::Invalidate(absl::string_view key,
                                           int64_t version,
                                           absl::Duration ttl) {
  return CountWrite("invalidate", inner_->Invalidate(key, version, ttl));
}

absl::StatusOr<std::optional<std::string>> InstrumentedCache::GetRaw(
    absl::string_view key) {
  auto value = inner_->GetRaw(key);
  Count("get", !value.ok() ? "error" : value->has_value() ? "hit" : "miss");
  return value;
}

absl::StatusOr<Cache::Chained> InstrumentedCache::GetRawChained(
    absl::string_view first_key, absl::string_view prefix,
    absl::string_view suffix) {
  auto both = inner_->GetRawChained(first_key, prefix, suffix);
  // Counted as the two reads it replaces.
  if (!both.ok()) {
    Count("get", "error");
    return both;
  }
  Count("get", both->first.has_value() ? "hit" : "miss");
  if (both->first.has_value()) {
    Count("get", both->second.has_value() ? "hit" : "miss");
  }
  return both;
}

absl::Status InstrumentedCache::SetRaw(absl::string_view key,
                                       absl::string_view value,
                                       absl::Duration ttl) {
  return CountWrite("set", inner_->SetRaw(key, value, ttl));
}

absl::StatusOr<int64_t> InstrumentedCache::Increment(absl::string_view key,
                                                     int64_t seed_if_missing) {
  auto value = inner_->Increment(key, seed_if_missing);
  Count("increment", value.ok() ? "ok" : "error");
  return value;
}

absl::Status InstrumentedCache::Erase(absl::string_view key) {
  absl::Status s = inner_->Erase(key);
  Count("erase", s.ok() ? "ok" : "error");
  return s;
}

std::unique_ptr<Cache> WithMetrics(std::unique_ptr<Cache> inner,
                                   Metrics* metrics) {
  if (inner == nullptr) return nullptr;
  return std::make_unique<InstrumentedCache>(std::move(inner), metrics);
}

}  // namespace outreach
