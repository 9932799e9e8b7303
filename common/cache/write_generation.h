#ifndef OUTREACH_COMMON_CACHE_WRITE_GENERATION_H_
#define OUTREACH_COMMON_CACHE_WRITE_GENERATION_H_

// One suite-wide counter of writes, kept in the shared cache. Every service
// bumps it after each committed write, before the write is acknowledged;
// the gateway keys its composite results by it. A write through any
// service therefore changes the key of every composite, and the next
// gateway read recomputes: coherence without tracking which composite
// depends on which record.
//
// The value is an epoch and a count: epoch * 2^32 + count. The epoch is
// random, chosen by whichever writer finds the generation missing (a Redis
// that restarted empty, or was flushed) or gone back in time (a Redis
// restored from an older snapshot, or a replica promoted before it had
// every bump). So a reset Redis never hands out a generation that old
// composites were keyed by: in the same epoch counts only grow, and a new
// epoch starts at a random place among 2^30.
//
// Writers (`Role::kWriter`, the three stores) check the generation every
// `retry_every`: they seed a missing one, start a new epoch when the count
// is below the highest they have seen in that epoch, and deliver the bumps
// they could not deliver before. One delivered bump covers every missed
// one: readers only need the generation to change.
//
// A bump that cannot be delivered (Redis away) does not fail the write,
// which is committed and durable; instead the reader (the gateway) stops
// trusting composites: after any failure to read the generation, and after
// seeing it go back in time, Current() answers UNAVAILABLE for `settle`,
// long enough for every writer to have delivered what it missed (its
// circuit breaker's longest open period plus a retry). The gateway then
// computes views from the stores. See docs/architecture.md, "Caching".
//
// Thread-safe.

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "common/cache/cache.h"
#include "common/time/clock.h"

namespace outreach {

inline constexpr char kWriteGenerationKey[] = "outreach:write-generation";

struct WriteGenerationOptions {
  enum class Role { kWriter, kReader };
  Role role = Role::kWriter;
  // How often a writer checks the generation and retries missed bumps.
  absl::Duration retry_every = absl::Milliseconds(200);
  // How long a reader distrusts the generation after a fault (see above).
  // The default covers RedisCache's breaker (open for at most 10s) and two
  // retries.
  absl::Duration settle = absl::Seconds(11);
  Clock* clock = SystemClock::Default();
};

class WriteGeneration {
 public:
  // `cache` may be null (no cache: nothing to do); not owned.
  explicit WriteGeneration(Cache* cache, WriteGenerationOptions options = {});
  ~WriteGeneration();
  WriteGeneration(const WriteGeneration&) = delete;
  WriteGeneration& operator=(const WriteGeneration&) = delete;

  // After a committed write.
  void Bump();
  // The generation to key composites by, or UNAVAILABLE when none may be
  // trusted now: no cache, the cache cannot be read, no generation yet, or
  // within `settle` of a fault.
  absl::StatusOr<int64_t> Current();
  // As Current(), for a generation the caller read itself (with
  // Cache::GetRawChained, beside the composite keyed by it): the raw value
  // at kWriteGenerationKey, or the read's error.
  //
  // `begun` is BeginRead() taken just before that read. Reads run
  // concurrently, so a read may finish after one that started later and
  // saw a newer value; its value was still current while it ran, and is
  // not a generation "going back". Only a value below one that a read
  // finished *before this one began* had seen is a fault. Without `begun`
  // every lower value is a fault (the strict, sequential reading).
  absl::StatusOr<int64_t> Accept(
      const absl::StatusOr<std::optional<std::string>>& raw,
      int64_t begun = kSequential);
  // A ticket for Accept: how many reads and bumps had finished.
  int64_t BeginRead() const;
  static constexpr int64_t kSequential = std::numeric_limits<int64_t>::max();
  // Bumps not yet delivered.
  int pending() const;

  static int64_t EpochOf(int64_t generation) { return generation >> 32; }
  static int64_t CountOf(int64_t generation) {
    return generation & 0xffffffffLL;
  }

 private:
  // A fresh epoch's first value.
  static int64_t NewSeed();
  // Notes a value this process read or made; false when it went back in
  // time within its epoch.
  // `begun` as for Accept: a lower value from a read concurrent with the
  // one that saw the highest is not a fault.
  bool Observe(int64_t value, int64_t begun)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Bumps (seeding a missing generation); starts a new epoch when the
  // count went back. OK once delivered.
  absl::Status Deliver();
  // The writer's periodic check.
  void Check();
  void RetryLoop();

  Cache* const cache_;
  const WriteGenerationOptions options_;
  mutable absl::Mutex mu_;
  int pending_ ABSL_GUARDED_BY(mu_) = 0;
  // The highest value seen in the current epoch; 0 before any.
  int64_t highest_ ABSL_GUARDED_BY(mu_) = 0;
  // Reads and bumps finished so far, and how many had when highest_ was
  // seen (Observe's concurrency test).
  int64_t finished_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t highest_at_ ABSL_GUARDED_BY(mu_) = 0;
  // Readers: when the last fault was seen.
  absl::Time last_fault_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  absl::Notification stop_;
  std::thread retry_thread_;
};

}  // namespace outreach

#endif  // OUTREACH_COMMON_CACHE_WRITE_GENERATION_H_
