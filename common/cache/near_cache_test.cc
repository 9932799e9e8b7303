#include "common/cache/near_cache.h"

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace outreach {
namespace {

using StringCache = NearCache<std::string>;

size_t Length(const std::string& s) { return s.size(); }

std::shared_ptr<const std::string> Value(std::string s) {
  return std::make_shared<const std::string>(std::move(s));
}

TEST(NearCacheTest, KeepsWhatIsFilledUntilInvalidated) {
  StringCache cache(1 << 20, Length);
  EXPECT_EQ(cache.Get("a"), nullptr);
  cache.Fill("a", cache.ticket(), Value("one"));
  ASSERT_NE(cache.Get("a"), nullptr);
  EXPECT_EQ(*cache.Get("a"), "one");
  cache.Invalidate("a");
  EXPECT_EQ(cache.Get("a"), nullptr);
  const NearCacheStats stats = cache.stats();
  EXPECT_EQ(stats.hits, 2);
  EXPECT_EQ(stats.misses, 2);
  EXPECT_EQ(stats.entries, 0u);
  EXPECT_EQ(stats.bytes, 0u);
}

// A reader that took its ticket before a write was invalidated read what
// may be the old value: its fill is refused. kAnyTicket (immutable keys)
// is never refused.
TEST(NearCacheTest, RefusesAFillReadBeforeAnInvalidation) {
  StringCache cache(1 << 20, Length);
  const StringCache::Ticket before = cache.ticket();
  cache.Invalidate("a");  // a write of "a" (or of anything) committed
  cache.Fill("a", before, Value("old"));
  EXPECT_EQ(cache.Get("a"), nullptr);
  EXPECT_EQ(cache.stats().refused_fills, 1);
  cache.Fill("a", cache.ticket(), Value("new"));
  ASSERT_NE(cache.Get("a"), nullptr);
  EXPECT_EQ(*cache.Get("a"), "new");
  cache.Invalidate("b");
  cache.Fill("c", StringCache::kAnyTicket, Value("fixed"));
  EXPECT_NE(cache.Get("c"), nullptr);
}

// The bound holds: the least recently used entries go first, and a value
// bigger than the whole bound is not kept at all.
TEST(NearCacheTest, EvictsLeastRecentlyUsedWithinItsBound) {
  // Each entry costs its value, its key (1 byte) and a fixed overhead.
  const size_t entry = 100 + 1 + 96;
  StringCache cache(3 * entry, Length);
  cache.Fill("a", StringCache::kAnyTicket, Value(std::string(100, 'a')));
  cache.Fill("b", StringCache::kAnyTicket, Value(std::string(100, 'b')));
  cache.Fill("c", StringCache::kAnyTicket, Value(std::string(100, 'c')));
  EXPECT_NE(cache.Get("a"), nullptr);  // now the most recent
  cache.Fill("d", StringCache::kAnyTicket, Value(std::string(100, 'd')));
  EXPECT_EQ(cache.Get("b"), nullptr);  // the least recent went
  EXPECT_NE(cache.Get("a"), nullptr);
  EXPECT_NE(cache.Get("c"), nullptr);
  EXPECT_NE(cache.Get("d"), nullptr);
  EXPECT_LE(cache.stats().bytes, 3 * entry);
  EXPECT_EQ(cache.stats().evictions, 1);

  cache.Fill("huge", StringCache::kAnyTicket, Value(std::string(4 * entry, 'h')));
  EXPECT_EQ(cache.Get("huge"), nullptr);
  EXPECT_NE(cache.Get("d"), nullptr);  // nothing was evicted for it

  StringCache off(0, Length);
  off.Fill("a", StringCache::kAnyTicket, Value("x"));
  EXPECT_EQ(off.Get("a"), nullptr);
}

// Rule 2 under races: one writer commits versions of one record to a
// "store" and invalidates after each commit; readers read through the
// cache as EventManager::GetEvent does (ticket, then the store, then
// fill). Once a write is acknowledged (Invalidate returned), no read may
// return an older version.
TEST(NearCacheTest, NoReadAfterAnAcknowledgedWriteSeesTheOldValue) {
  StringCache cache(1 << 20, Length);
  std::atomic<int> store{0};
  std::atomic<int> acknowledged{0};
  std::atomic<bool> stop{false};
  std::atomic<int> stale{0};
  std::atomic<long> reads{0};
  auto read = [&] {
    if (auto hit = cache.Get("r")) return std::stoi(*hit);
    const auto ticket = cache.ticket();
    const int version = store.load();
    // A slow reader: the write may commit and invalidate meanwhile.
    std::this_thread::yield();
    cache.Fill("r", ticket, Value(std::to_string(version)));
    return version;
  };
  std::vector<std::thread> readers;
  for (int i = 0; i < 4; ++i) {
    readers.emplace_back([&] {
      while (!stop.load()) {
        const int floor = acknowledged.load();
        if (read() < floor) stale.fetch_add(1);
        reads.fetch_add(1);
      }
    });
  }
  for (int v = 1; v <= 20000; ++v) {
    store.store(v);        // commit
    cache.Invalidate("r");  // then invalidate
    acknowledged.store(v);  // then acknowledge
    if (v % 64 == 0) std::this_thread::yield();
  }
  // The readers go on until the cache has served a hit (bounded): on a
  // loaded machine the writer can finish before any reader's fill
  // survives an invalidation, and the check below must not be left to
  // that race.
  for (int i = 0; i < 5000 && cache.stats().hits == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  stop.store(true);
  for (auto& t : readers) t.join();
  EXPECT_EQ(stale.load(), 0) << "of " << reads.load() << " reads";
  EXPECT_GT(cache.stats().hits, 0);
}

}  // namespace
}  // namespace outreach
