#ifndef OUTREACH_COMMON_CACHE_CACHE_ASIDE_H_
#define OUTREACH_COMMON_CACHE_CACHE_ASIDE_H_

// Cache-aside reads and invalidating writes over a Cache, with the two
// promises services rely on:
//
// 1. A cache failure never fails a request: every error is a miss, logged
//    when the cache goes down and when it comes back, not per call.
// 2. A read after an acknowledged write never sees the old value. Versioned
//    entries (cache.h) cover concurrent readers. An invalidation that fails
//    because the cache is down is remembered; until it has been delivered,
//    reads of that key bypass the cache and fills of it are skipped, and
//    every later call first retries the delivery (free while the breaker is
//    open). If more than `max_pending` invalidations pile up, the whole
//    namespace is abandoned by moving to a new key epoch.
//
// 3. An entry that cannot be true (CacheAsideOptions::plausible and
//    latest_revision) is dropped and read as a miss: one planted in the
//    cache, or left corrupt, cannot stick.
//
// Keys live under "<namespace><epoch>:". With one process per store
// (SQLite), the epoch starts at the process start time, so entries left in
// Redis by an earlier process, which may have missed invalidations, are
// never read; they expire by TTL. Replicas of one store (PostgreSQL) share
// the epoch instead (CacheAsideOptions::shared_epoch, shared_epoch.h): an
// invalidation that cannot be delivered moves all of them to a new epoch
// before the write is acknowledged, since the others cannot know what this
// one missed.
//
// Thread-safe.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "common/cache/cache.h"
#include "common/cache/shared_epoch.h"

namespace outreach {

struct CacheAsideOptions {
  // Prefix of every key, e.g. "outreach:events:v1:". Default empty.
  std::string key_namespace;
  // Lifetime of values and tombstones. Default 10 minutes.
  absl::Duration ttl = absl::Minutes(10);
  // Undelivered invalidations kept before abandoning the epoch. Default
  // 10000.
  size_t max_pending = 10000;
  // First epoch; 0 means the current time in microseconds.
  int64_t epoch = 0;
  // Whether a cached value can be what the store holds at `version` (it
  // parses, its etag is that version's): one that cannot is dropped, and
  // read as a miss, so that a planted or corrupt entry cannot stick. Null
  // accepts every value.
  std::function<bool(int64_t version, absl::string_view value)> plausible;
  // The store's latest revision. A cached version above it was never
  // written by the store: the entry is dropped. Asked only when a version
  // exceeds the last answer. Null: no bound.
  std::function<absl::StatusOr<int64_t>()> latest_revision;
  // The epoch all replicas of the store share; not owned. Null: a
  // process-local epoch (one process per store).
  SharedCacheEpoch* shared_epoch = nullptr;
};

struct CacheAsideStats {
  int64_t hits = 0;
  int64_t misses = 0;
  int64_t errors = 0;
  // Entries not served because they could not be true (CacheAsideOptions).
  int64_t dropped = 0;
  size_t pending_invalidations = 0;
};

class CacheAside {
 public:
  // `cache` may be null: every read is then a miss. Not owned.
  CacheAside(Cache* cache, CacheAsideOptions options);

  // The cached value of `key`, or nullopt on a miss, a tombstone, an error,
  // or an undelivered invalidation.
  std::optional<std::string> Get(absl::string_view key);
  // Offers `value`, read from the store at `version`, to the cache.
  void Fill(absl::string_view key, int64_t version, absl::string_view value);
  // Call after a write of `key` at `version` is committed.
  void Invalidate(absl::string_view key, int64_t version);

  CacheAsideStats stats() const;

 private:
  std::string FullKey(absl::string_view key) const;
  bool IsPending(absl::string_view key) const;
  void RetryPending();
  void NoteResult(const absl::Status& status);
  // Whether an entry at `version` holding `value` can be true; drops it
  // from the cache when not.
  bool Believable(absl::string_view full_key, int64_t version,
                  absl::string_view value);

  Cache* const cache_;
  const CacheAsideOptions options_;

  mutable absl::Mutex mu_;
  int64_t epoch_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, int64_t> pending_ ABSL_GUARDED_BY(mu_);
  bool retrying_ ABSL_GUARDED_BY(mu_) = false;
  bool healthy_ ABSL_GUARDED_BY(mu_) = true;
  CacheAsideStats stats_ ABSL_GUARDED_BY(mu_);
  // The last answer of latest_revision.
  int64_t known_latest_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace outreach

#endif  // OUTREACH_COMMON_CACHE_CACHE_ASIDE_H_
