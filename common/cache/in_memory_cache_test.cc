#include "common/cache/in_memory_cache.h"

#include "gtest/gtest.h"

namespace outreach {
namespace {

const absl::Duration kTtl = absl::Minutes(1);

TEST(CacheEntryReplacesTest, Table) {
  const CacheEntry v5{5, false, "a"};
  const CacheEntry v6{6, false, "b"};
  const CacheEntry t5{5, true, ""};
  const CacheEntry t6{6, true, ""};
  EXPECT_TRUE(CacheEntryReplaces(v5, v6));
  EXPECT_FALSE(CacheEntryReplaces(v6, v5));
  EXPECT_FALSE(CacheEntryReplaces(v5, v5));
  EXPECT_TRUE(CacheEntryReplaces(v5, t6));
  EXPECT_FALSE(CacheEntryReplaces(v6, t6)) << "a fill of the new revision wins";
  EXPECT_FALSE(CacheEntryReplaces(t6, v5)) << "a stale fill is refused";
  EXPECT_TRUE(CacheEntryReplaces(t6, v6)) << "the new revision may fill";
  EXPECT_TRUE(CacheEntryReplaces(t5, t6));
  EXPECT_FALSE(CacheEntryReplaces(t6, t5));
}

TEST(InMemoryCacheTest, StaleFillAfterInvalidateIsRefused) {
  InMemoryCache cache;
  ASSERT_TRUE(cache.Fill("k", 1, "old", kTtl).ok());
  ASSERT_TRUE(cache.Invalidate("k", 2, kTtl).ok());
  ASSERT_TRUE(cache.Fill("k", 1, "old", kTtl).ok());
  auto entry = cache.Lookup("k");
  ASSERT_TRUE(entry.ok());
  ASSERT_TRUE(entry->has_value());
  EXPECT_TRUE((*entry)->tombstone);
  ASSERT_TRUE(cache.Fill("k", 2, "new", kTtl).ok());
  entry = cache.Lookup("k");
  EXPECT_EQ((*entry)->value, "new");
}

TEST(InMemoryCacheTest, UnavailableChangesNothing) {
  InMemoryCache cache;
  cache.set_available(false);
  EXPECT_EQ(cache.Fill("k", 1, "v", kTtl).code(),
            absl::StatusCode::kUnavailable);
  cache.set_available(true);
  EXPECT_EQ(cache.size(), 0u);
}

}  // namespace
}  // namespace outreach
