#ifndef OUTREACH_COMMON_CACHE_WRITE_GENERATION_H_
#define OUTREACH_COMMON_CACHE_WRITE_GENERATION_H_

// One suite-wide counter of writes, kept in the shared cache. Every service
// bumps it after each committed write, before the write is acknowledged;
// the gateway keys its composite results by it. A write through any
// service therefore changes the key of every composite, and the next
// gateway read recomputes — coherence without tracking which composite
// depends on which record.
//
// A bump that fails (Redis away) is remembered and retried in the
// background until it is delivered; until then the generation may lag.
// Thread-safe.

#include <cstdint>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "common/cache/cache.h"

namespace outreach {

inline constexpr char kWriteGenerationKey[] = "outreach:write-generation";

class WriteGeneration {
 public:
  // `cache` may be null (no cache: nothing to do); not owned.
  explicit WriteGeneration(Cache* cache,
                           absl::Duration retry_every = absl::Milliseconds(200));
  ~WriteGeneration();

  // After a committed write.
  void Bump();
  // The current generation; an error when the cache cannot be read.
  absl::StatusOr<int64_t> Current();
  // Bumps not yet delivered.
  int pending() const;

 private:
  void RetryLoop();

  Cache* const cache_;
  const absl::Duration retry_every_;
  mutable absl::Mutex mu_;
  int pending_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Notification stop_;
  std::thread retry_thread_;
};

}  // namespace outreach

#endif  // OUTREACH_COMMON_CACHE_WRITE_GENERATION_H_
