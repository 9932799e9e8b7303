#include "common/cache/cache_aside.h"

#include "common/cache/in_memory_cache.h"
#include "gtest/gtest.h"

namespace outreach {
namespace {

CacheAsideOptions Options() {
  CacheAsideOptions o;
  o.key_namespace = "test:";
  o.epoch = 1;
  return o;
}

TEST(CacheAsideTest, NullCacheIsAlwaysAMiss) {
  CacheAside aside(nullptr, Options());
  aside.Fill("k", 1, "v");
  aside.Invalidate("k", 2);
  EXPECT_FALSE(aside.Get("k").has_value());
}

TEST(CacheAsideTest, FillThenHit) {
  InMemoryCache cache;
  CacheAside aside(&cache, Options());
  EXPECT_FALSE(aside.Get("k").has_value());
  aside.Fill("k", 1, "v");
  EXPECT_EQ(aside.Get("k"), "v");
  EXPECT_EQ(aside.stats().hits, 1);
  EXPECT_EQ(aside.stats().misses, 1);
}

TEST(CacheAsideTest, SlowReaderCannotRestoreOldValue) {
  InMemoryCache cache;
  CacheAside aside(&cache, Options());
  // A reader loaded revision 1; meanwhile revision 2 was committed.
  aside.Invalidate("k", 2);
  aside.Fill("k", 1, "old");
  EXPECT_FALSE(aside.Get("k").has_value());
}

TEST(CacheAsideTest, FailedInvalidationBypassesUntilDelivered) {
  InMemoryCache cache;
  CacheAside aside(&cache, Options());
  aside.Fill("k", 1, "old");
  cache.set_available(false);
  aside.Invalidate("k", 2);  // lost: the cache is down
  EXPECT_EQ(aside.stats().pending_invalidations, 1u);
  cache.set_available(true);
  // Redis is back with the old entry in it. The first call delivers the
  // pending invalidation before it reads.
  EXPECT_FALSE(aside.Get("k").has_value());
  EXPECT_EQ(aside.stats().pending_invalidations, 0u);
  aside.Fill("k", 2, "new");
  EXPECT_EQ(aside.Get("k"), "new");
}

TEST(CacheAsideTest, PendingKeyIsNotFilled) {
  InMemoryCache cache;
  CacheAside aside(&cache, Options());
  cache.set_available(false);
  aside.Invalidate("k", 2);
  aside.Fill("k", 2, "new");  // cache down: skipped
  EXPECT_FALSE(aside.Get("k").has_value());
}

TEST(CacheAsideTest, ErrorsAreMisses) {
  InMemoryCache cache;
  CacheAside aside(&cache, Options());
  aside.Fill("k", 1, "v");
  cache.set_available(false);
  EXPECT_FALSE(aside.Get("k").has_value());
  EXPECT_GT(aside.stats().errors, 0);
}

TEST(CacheAsideTest, OverflowMovesToANewEpoch) {
  InMemoryCache cache;
  CacheAsideOptions o = Options();
  o.max_pending = 2;
  CacheAside aside(&cache, o);
  aside.Fill("a", 1, "old");
  cache.set_available(false);
  aside.Invalidate("a", 2);
  aside.Invalidate("b", 2);
  aside.Invalidate("c", 2);  // overflow
  EXPECT_EQ(aside.stats().pending_invalidations, 0u);
  cache.set_available(true);
  EXPECT_FALSE(aside.Get("a").has_value()) << "old epoch must not be read";
}

TEST(CacheAsideTest, AnEntryThatCannotBeTrueIsDroppedNotServed) {
  InMemoryCache cache;
  CacheAsideOptions o = Options();
  o.plausible = [](int64_t, absl::string_view value) { return value != "junk"; };
  int64_t latest = 10;
  int asked = 0;
  o.latest_revision = [&]() -> absl::StatusOr<int64_t> {
    ++asked;
    return latest;
  };
  CacheAside aside(&cache, o);

  // Planted far ahead of anything the store wrote: a versioned fill could
  // never replace it, so it would stick until its TTL.
  ASSERT_TRUE(cache.Fill("test:1:k", 1000000000, "forged", absl::Hours(1)).ok());
  EXPECT_FALSE(aside.Get("k").has_value());
  EXPECT_EQ(asked, 1);
  EXPECT_EQ(aside.stats().dropped, 1);
  aside.Fill("k", 7, "from the store");
  EXPECT_EQ(aside.Get("k"), "from the store");
  EXPECT_EQ(asked, 1) << "a version within the last answer asks nothing";

  // Corrupt at a plausible version.
  ASSERT_TRUE(cache.Fill("test:1:k2", 3, "junk", absl::Hours(1)).ok());
  EXPECT_FALSE(aside.Get("k2").has_value());
  aside.Fill("k2", 3, "good");
  EXPECT_EQ(aside.Get("k2"), "good");

  // Newer than the last answer but written since: asked again, served.
  latest = 20;
  aside.Fill("k3", 15, "new");
  EXPECT_EQ(aside.Get("k3"), "new");
  EXPECT_EQ(asked, 2);
  EXPECT_EQ(aside.stats().dropped, 2);
}

}  // namespace
}  // namespace outreach
