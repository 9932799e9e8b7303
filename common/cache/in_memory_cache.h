#ifndef OUTREACH_COMMON_CACHE_IN_MEMORY_CACHE_H_
#define OUTREACH_COMMON_CACHE_IN_MEMORY_CACHE_H_

// A Cache in process memory, for unit tests. It can be told to fail, to
// stand in for a Redis outage. TTLs are ignored.

#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "common/cache/cache.h"

namespace outreach {

class InMemoryCache final : public Cache {
 public:
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

  // While false, every call returns UNAVAILABLE and nothing changes.
  void set_available(bool available);
  // Test helpers.
  size_t size() const;
  int lookups() const;
  int hits() const;

 private:
  absl::Status Store(absl::string_view key, CacheEntry entry);

  mutable absl::Mutex mu_;
  bool available_ ABSL_GUARDED_BY(mu_) = true;
  absl::flat_hash_map<std::string, CacheEntry> entries_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, std::string> raw_ ABSL_GUARDED_BY(mu_);
  int lookups_ ABSL_GUARDED_BY(mu_) = 0;
  int hits_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace outreach

#endif  // OUTREACH_COMMON_CACHE_IN_MEMORY_CACHE_H_
