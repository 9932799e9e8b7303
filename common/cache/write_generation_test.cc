#include "common/cache/write_generation.h"

#include "absl/time/clock.h"
#include "common/cache/in_memory_cache.h"
#include "gtest/gtest.h"

namespace outreach {
namespace {

TEST(WriteGenerationTest, BumpsChangeTheGeneration) {
  InMemoryCache cache;
  WriteGeneration gen(&cache);
  EXPECT_EQ(*gen.Current(), 0);
  gen.Bump();
  gen.Bump();
  EXPECT_EQ(*gen.Current(), 2);
}

TEST(WriteGenerationTest, AMissedBumpIsDeliveredWhenTheCacheReturns) {
  InMemoryCache cache;
  WriteGeneration gen(&cache, absl::Milliseconds(5));
  gen.Bump();
  cache.set_available(false);
  gen.Bump();  // lost for now
  EXPECT_EQ(gen.pending(), 1);
  EXPECT_FALSE(gen.Current().ok());
  cache.set_available(true);
  const absl::Time deadline = absl::Now() + absl::Seconds(5);
  while (gen.pending() > 0 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  EXPECT_EQ(gen.pending(), 0);
  EXPECT_EQ(*gen.Current(), 2);
}

TEST(WriteGenerationTest, NoCacheIsHarmless) {
  WriteGeneration gen(nullptr);
  gen.Bump();
  EXPECT_FALSE(gen.Current().ok());
}

}  // namespace
}  // namespace outreach
