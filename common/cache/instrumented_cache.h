#ifndef OUTREACH_COMMON_CACHE_INSTRUMENTED_CACHE_H_
#define OUTREACH_COMMON_CACHE_INSTRUMENTED_CACHE_H_

// A Cache that forwards to another and counts each result in Metrics:
// lookups as hit or miss (a tombstone is a miss: it holds no value),
// writes as ok, and any failure as error. It changes no behaviour.

#include <memory>
#include <utility>

#include "common/cache/cache.h"
#include "common/metrics/metrics.h"

namespace outreach {

class InstrumentedCache final : public Cache {
 public:
  // Neither is owned; both must outlive this. `metrics` may be null.
  InstrumentedCache(Cache* inner, Metrics* metrics)
      : inner_(inner), metrics_(metrics) {}
  // Owns `inner` (not null).
  InstrumentedCache(std::unique_ptr<Cache> inner, Metrics* metrics)
      : inner_(inner.get()), metrics_(metrics), owned_(std::move(inner)) {}

  absl::StatusOr<std::optional<CacheEntry>> Lookup(
      absl::string_view key) override;
  absl::Status Fill(absl::string_view key, int64_t version,
                    absl::string_view value, absl::Duration ttl) override;
  absl::Status Invalidate(absl::string_view key, int64_t version,
                          absl::Duration ttl) override;
  absl::StatusOr<std::optional<std::string>> GetRaw(
      absl::string_view key) override;
  absl::Status SetRaw(absl::string_view key, absl::string_view value,
                      absl::Duration ttl) override;
  absl::StatusOr<int64_t> Increment(absl::string_view key,
                                    int64_t seed_if_missing) override;
  using Cache::Increment;
  absl::Status Erase(absl::string_view key) override;
  absl::StatusOr<Chained> GetRawChained(absl::string_view first_key,
                                        absl::string_view prefix,
                                        absl::string_view suffix) override;

 private:
  void Count(absl::string_view operation, absl::string_view result);
  absl::Status CountWrite(absl::string_view operation, absl::Status s);

  Cache* const inner_;
  Metrics* const metrics_;
  const std::unique_ptr<Cache> owned_;
};

// `inner` wrapped in an InstrumentedCache that owns it; null when `inner`
// is null (the suite running without a cache).
std::unique_ptr<Cache> WithMetrics(std::unique_ptr<Cache> inner,
                                   Metrics* metrics);

}  // namespace outreach

#endif  // OUTREACH_COMMON_CACHE_INSTRUMENTED_CACHE_H_
