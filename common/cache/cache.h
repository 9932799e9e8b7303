#ifndef OUTREACH_COMMON_CACHE_CACHE_H_
#define OUTREACH_COMMON_CACHE_CACHE_H_

// The shared cache behind a small interface: Redis in production
// (redis_cache.h), an in-memory fake in unit tests (in_memory_cache.h).
//
// Entries are versioned so that cache-aside stays coherent without locks:
// a writer, after committing revision R, calls Invalidate(key, R), which
// leaves a tombstone at R; a reader that loaded revision r from the store
// calls Fill(key, r, value), which is refused when the key already holds a
// newer value or a tombstone newer than r. A slow reader therefore can never
// put back a value older than an acknowledged write.

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace outreach {

struct CacheEntry {
  int64_t version = 0;
  // A tombstone marks the key invalid as of `version`; it has no value.
  bool tombstone = false;
  std::string value;
};

// The replacement rule both implementations follow. `incoming` replaces
// `existing` when:
//   - incoming is a tombstone and existing.version < incoming.version;
//   - incoming is a value, existing is a value, and existing.version <
//     incoming.version;
//   - incoming is a value, existing is a tombstone, and existing.version <=
//     incoming.version (a reader that loaded the revision the tombstone names
//     may fill it).
bool CacheEntryReplaces(const CacheEntry& existing, const CacheEntry& incoming);

// Implementations are thread-safe. Every method may fail (UNAVAILABLE when
// the cache cannot be reached, DEADLINE_EXCEEDED on a timeout); callers
// treat a failure as a miss and never fail a request because of it.
class Cache {
 public:
  virtual ~Cache() = default;

  // The entry, or nullopt on a miss.
  virtual absl::StatusOr<std::optional<CacheEntry>> Lookup(
      absl::string_view key) = 0;

  // Stores `value` at `version` for `ttl`, subject to CacheEntryReplaces.
  // Returns OK whether or not it was stored.
  virtual absl::Status Fill(absl::string_view key, int64_t version,
                            absl::string_view value, absl::Duration ttl) = 0;

  // Stores a tombstone at `version` for `ttl`, subject to CacheEntryReplaces.
  virtual absl::Status Invalidate(absl::string_view key, int64_t version,
                                  absl::Duration ttl) = 0;

  // Plain values, for what is not versioned (composite results keyed by a
  // write generation). nullopt on a miss. A `ttl` of zero or less keeps
  // the value until it is replaced or erased.
  virtual absl::StatusOr<std::optional<std::string>> GetRaw(
      absl::string_view key) = 0;
  virtual absl::Status SetRaw(absl::string_view key, absl::string_view value,
                              absl::Duration ttl) = 0;
  // Adds one to the integer at `key` and returns it. An absent key is
  // first set to `seed_if_missing` (0 by default), atomically.
  virtual absl::StatusOr<int64_t> Increment(absl::string_view key,
                                            int64_t seed_if_missing) = 0;
  absl::StatusOr<int64_t> Increment(absl::string_view key) {
    return Increment(key, 0);
  }
  // Removes `key`, whatever it holds: how an entry that cannot be true
  // (cache_aside.h) is dropped, since no versioned write may replace it.
  virtual absl::Status Erase(absl::string_view key) = 0;

  // Reads `first_key`, and, when it holds a value v, the plain value at
  // `prefix` + v + `suffix`, as of one moment: a write generation and the
  // composite keyed by it (services/gateway/note_composer.cc). Redis does
  // it in one round trip; this default makes two reads.
  struct Chained {
    std::optional<std::string> first;
    std::optional<std::string> second;
  };
  virtual absl::StatusOr<Chained> GetRawChained(absl::string_view first_key,
                                                absl::string_view prefix,
                                                absl::string_view suffix);
};

}  // namespace outreach

#endif  // OUTREACH_COMMON_CACHE_CACHE_H_
