#include "common/cache/instrumented_cache.h"

#include "common/cache/in_memory_cache.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace outreach {
namespace {

using ::testing::HasSubstr;

std::string Series(const std::string& op,
                   const std::string& result, int n) {
  return "outreach_cache_requests_total{operation=\"" + op + "\",result=\"" +
         result + "\"} " + std::to_string(n);
}

TEST(InstrumentedCacheTest, CountsHitsMissesWritesAndErrors) {
  InMemoryCache inner;
  Metrics metrics;
  InstrumentedCache cache(&inner, &metrics);

  ASSERT_TRUE(cache.Lookup("k").ok());                        // miss
  ASSERT_TRUE(cache.Fill("k", 1, "v", absl::Minutes(1)).ok());  // ok
  auto hit = cache.Lookup("k");                               // hit
  ASSERT_TRUE(hit.ok());
  ASSERT_TRUE(hit->has_value());
  EXPECT_EQ((*hit)->value, "v");  // forwarded unchanged
  ASSERT_TRUE(cache.Invalidate("k", 2, absl::Minutes(1)).ok());
  ASSERT_TRUE(cache.Lookup("k").ok());  // tombstone: a miss
  ASSERT_TRUE(cache.GetRaw("r").ok());  // miss
  ASSERT_TRUE(cache.SetRaw("r", "x", absl::Minutes(1)).ok());
  ASSERT_TRUE(cache.GetRaw("r").ok());  // hit
  ASSERT_TRUE(cache.Increment("n").ok());

  inner.set_available(false);
  EXPECT_FALSE(cache.Lookup("k").ok());
  EXPECT_FALSE(cache.Increment("n").ok());

  const std::string text = metrics.Serialize();
  EXPECT_THAT(text, HasSubstr(Series("lookup", "miss", 2)));
  EXPECT_THAT(text, HasSubstr(Series("lookup", "hit", 1)));
  EXPECT_THAT(text, HasSubstr(Series("lookup", "error", 1)));
  EXPECT_THAT(text, HasSubstr(Series("fill", "ok", 1)));
  EXPECT_THAT(text, HasSubstr(Series("invalidate", "ok", 1)));
  EXPECT_THAT(text, HasSubstr(Series("get", "miss", 1)));
  EXPECT_THAT(text, HasSubstr(Series("get", "hit", 1)));
  EXPECT_THAT(text, HasSubstr(Series("set", "ok", 1)));
  EXPECT_THAT(text, HasSubstr(Series("increment", "ok", 1)));
  EXPECT_THAT(text, HasSubstr(Series("increment", "error", 1)));
}

TEST(InstrumentedCacheTest, WithMetricsKeepsNoCacheAsNoCache) {
  Metrics metrics;
  EXPECT_EQ(WithMetrics(nullptr, &metrics), nullptr);
  auto wrapped = WithMetrics(std::make_unique<InMemoryCache>(), &metrics);
  ASSERT_NE(wrapped, nullptr);
  EXPECT_TRUE(wrapped->SetRaw("a", "b", absl::Minutes(1)).ok());
}

}  // namespace
}  // namespace outreach
