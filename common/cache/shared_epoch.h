#ifndef OUTREACH_COMMON_CACHE_SHARED_EPOCH_H_
#define OUTREACH_COMMON_CACHE_SHARED_EPOCH_H_

// The key epoch of a cache namespace that several replicas of a service
// share (cache_aside.h). Every replica reads and fills the same keys, so
// an invalidation one replica could not deliver would leave the others
// reading a stale entry: instead, that replica moves every replica to a new
// epoch before its write is acknowledged. PostgreSQL keeps the epoch
// (common/postgres/pg_shared_epoch.h), because the replica that failed to
// reach the cache can still reach its database.

#include <cstdint>

#include "absl/status/status.h"

namespace outreach {

class SharedCacheEpoch {
 public:
  virtual ~SharedCacheEpoch() = default;
  // The epoch now, as this process last learned it; cheap (called per key).
  virtual int64_t Current() const = 0;
  // Moves every replica to a new epoch: once this returns OK, Current() is
  // the new epoch here, and the other replicas are told.
  virtual absl::Status Advance() = 0;
};

}  // namespace outreach

#endif  // OUTREACH_COMMON_CACHE_SHARED_EPOCH_H_
