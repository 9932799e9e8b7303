#ifndef OUTREACH_COMMON_CACHE_NEAR_CACHE_H_
#define OUTREACH_COMMON_CACHE_NEAR_CACHE_H_

// A small in-process cache of parsed values, bounded in bytes and evicted
// least recently used first. It sits in front of the shared cache where a
// read would otherwise pay a Redis round trip and a parse (on this
// project's machines, more than the store read it replaces; see
// docs/performance.md).
//
// It is only as coherent as the rule its owner keeps; two rules are
// supported, and docs/architecture.md ("Caching") argues both:
//
// 1. Keys whose value never changes (the gateway's composites, keyed by
//    the suite's write generation): any entry is true for as long as it
//    lives, and Fill may be given kAnyTicket.
// 2. Keys of a store only this process writes (a service on SQLite, which
//    holds its database file exclusively: common/sqlite/sqlite_db.h).
//    Every write calls Invalidate(key) after its commit and before it is
//    acknowledged, so no entry older than an acknowledged write survives.
//    A reader takes a Ticket() *before* reading the value it will fill;
//    Fill refuses the value when any Invalidate ran since, so a slow
//    reader cannot put back what a write replaced while it was reading.
//    (This refuses some good fills while writes are frequent; it never
//    accepts a stale one.) A store that other processes write (PostgreSQL
//    replicas) must not use this rule: their writes never reach it.
//
// Values are shared, immutable and handed out as shared_ptr, so a reader
// can copy one out after the entry is evicted. Thread-safe.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace outreach {

struct NearCacheStats {
  int64_t hits = 0;
  int64_t misses = 0;
  // Fills refused because a write ran while the value was being read.
  int64_t refused_fills = 0;
  int64_t evictions = 0;
  size_t entries = 0;
  size_t bytes = 0;
};

template <typename V>
class NearCache {
 public:
  using Ticket = uint64_t;
  // For keys whose value never changes (rule 1): never refused.
  static constexpr Ticket kAnyTicket = ~Ticket{0};

  // `max_bytes` bounds the sum of `cost(value)` plus each key's length; 0
  // makes a cache that holds nothing. `cost` estimates a value's memory
  // (e.g. a message's ByteSizeLong).
  NearCache(size_t max_bytes, std::function<size_t(const V&)> cost)
      : max_bytes_(max_bytes), cost_(std::move(cost)) {}
  NearCache(const NearCache&) = delete;
  NearCache& operator=(const NearCache&) = delete;

  // The value at `key`, or null.
  std::shared_ptr<const V> Get(absl::string_view key) {
    absl::MutexLock lock(&mu_);
    auto it = index_.find(key);
    if (it == index_.end()) {
      ++stats_.misses;
      return nullptr;
    }
    ++stats_.hits;
    lru_.splice(lru_.begin(), lru_, it->second);
    return it->second->value;
  }

  // Take before reading the value to fill (rule 2).
  Ticket ticket() const {
    absl::MutexLock lock(&mu_);
    return invalidations_;
  }

  // Offers `value`, read after `ticket` was taken. Refused when a write
  // was invalidated since (unless kAnyTicket), or when it alone exceeds
  // the bound.
  void Fill(absl::string_view key, Ticket ticket,
            std::shared_ptr<const V> value) {
    if (max_bytes_ == 0 || value == nullptr) return;
    const size_t bytes = cost_(*value) + key.size() + kOverheadBytes;
    if (bytes > max_bytes_) return;
    absl::MutexLock lock(&mu_);
    if (ticket != kAnyTicket && ticket != invalidations_) {
      ++stats_.refused_fills;
      return;
    }
    EraseLocked(key);
    lru_.push_front(Entry{std::string(key), std::move(value), bytes});
    index_.emplace(lru_.front().key, lru_.begin());
    stats_.bytes += bytes;
    while (stats_.bytes > max_bytes_) {
      EraseLocked(lru_.back().key);
      ++stats_.evictions;
    }
    stats_.entries = index_.size();
  }

  // After a write of `key` commits, before it is acknowledged (rule 2).
  void Invalidate(absl::string_view key) {
    absl::MutexLock lock(&mu_);
    ++invalidations_;
    EraseLocked(key);
    stats_.entries = index_.size();
  }

  NearCacheStats stats() const {
    absl::MutexLock lock(&mu_);
    return stats_;
  }

 private:
  // What a node, its key and its index slot cost beyond the value.
  static constexpr size_t kOverheadBytes = 96;

  struct Entry {
    std::string key;
    std::shared_ptr<const V> value;
    size_t bytes;
  };
  using List = std::list<Entry>;

  void EraseLocked(absl::string_view key) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    auto it = index_.find(key);
    if (it == index_.end()) return;
    auto node = it->second;
    index_.erase(it);  // before the node: the index's key views its string
    stats_.bytes -= node->bytes;
    lru_.erase(node);
  }

  const size_t max_bytes_;
  const std::function<size_t(const V&)> cost_;
  mutable absl::Mutex mu_;
  List lru_ ABSL_GUARDED_BY(mu_);
  // Keys view the strings in lru_'s nodes, which never move.
  absl::flat_hash_map<absl::string_view, typename List::iterator> index_
      ABSL_GUARDED_BY(mu_);
  Ticket invalidations_ ABSL_GUARDED_BY(mu_) = 0;
  NearCacheStats stats_ ABSL_GUARDED_BY(mu_);
};

}  // namespace outreach

#endif  // OUTREACH_COMMON_CACHE_NEAR_CACHE_H_
