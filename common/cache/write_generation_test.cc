#include "common/cache/write_generation.h"

#include <functional>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/cache/in_memory_cache.h"
#include "gtest/gtest.h"

namespace outreach {
namespace {

using Role = WriteGenerationOptions::Role;

WriteGenerationOptions Writer() {
  WriteGenerationOptions o;
  o.retry_every = absl::Milliseconds(5);
  return o;
}

WriteGenerationOptions Reader(Clock* clock) {
  WriteGenerationOptions o;
  o.role = Role::kReader;
  o.settle = absl::Seconds(11);
  o.clock = clock;
  return o;
}

// Polls `done` for up to 5s: the writer's loop runs every 5ms.
bool Eventually(const std::function<bool()>& done) {
  const absl::Time deadline = absl::Now() + absl::Seconds(5);
  while (!done()) {
    if (absl::Now() > deadline) return false;
    absl::SleepFor(absl::Milliseconds(2));
  }
  return true;
}

int64_t Stored(InMemoryCache& cache) {
  auto raw = cache.GetRaw(kWriteGenerationKey);
  int64_t v = 0;
  if (raw.ok() && raw->has_value()) (void)absl::SimpleAtoi(**raw, &v);
  return v;
}

TEST(WriteGenerationTest, BumpsChangeTheGenerationWithinARandomEpoch) {
  InMemoryCache cache;
  FakeClock clock;
  WriteGeneration writer(&cache, Writer());
  WriteGeneration reader(&cache, Reader(&clock));
  writer.Bump();
  auto first = reader.Current();
  ASSERT_TRUE(first.ok()) << first.status();
  writer.Bump();
  writer.Bump();
  auto third = reader.Current();
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(*third, *first + 2);
  // Seeded at a random epoch, not at 0, so that a reset cache does not
  // count through the same values again.
  EXPECT_GT(WriteGeneration::EpochOf(*first), 0);
  EXPECT_EQ(WriteGeneration::CountOf(*first), 1);
}

TEST(WriteGenerationTest, AFlushedGenerationIsSeededInANewEpoch) {
  InMemoryCache cache;
  FakeClock clock;
  WriteGeneration writer(&cache, Writer());
  WriteGeneration reader(&cache, Reader(&clock));
  writer.Bump();
  const int64_t before = *reader.Current();
  ASSERT_TRUE(cache.Erase(kWriteGenerationKey).ok());  // FLUSHALL
  // The reader trusts nothing until a writer has seeded it...
  EXPECT_FALSE(reader.Current().ok());
  // ...which the writer does by itself, without a write.
  ASSERT_TRUE(Eventually([&] { return Stored(cache) != 0; }));
  EXPECT_NE(WriteGeneration::EpochOf(Stored(cache)),
            WriteGeneration::EpochOf(before));
}

TEST(WriteGenerationTest, AGenerationGoneBackStartsANewEpoch) {
  InMemoryCache cache;
  WriteGeneration writer(&cache, Writer());
  for (int i = 0; i < 5; ++i) writer.Bump();
  const int64_t latest = Stored(cache);
  // A Redis restored from an older snapshot, or a lagging replica
  // promoted: the count is back where composites were keyed before.
  ASSERT_TRUE(cache.SetRaw(kWriteGenerationKey, absl::StrCat(latest - 3),
                           absl::ZeroDuration())
                  .ok());
  ASSERT_TRUE(Eventually([&] {
    return WriteGeneration::EpochOf(Stored(cache)) !=
           WriteGeneration::EpochOf(latest);
  }));
}

TEST(WriteGenerationTest, AReaderThatSeesTheGenerationGoBackTrustsNothing) {
  InMemoryCache cache;
  FakeClock clock;
  WriteGeneration reader(&cache, Reader(&clock));
  const int64_t g = int64_t{7} << 32;
  ASSERT_TRUE(cache.SetRaw(kWriteGenerationKey, absl::StrCat(g + 9),
                           absl::ZeroDuration()).ok());
  ASSERT_TRUE(reader.Current().ok());
  ASSERT_TRUE(cache.SetRaw(kWriteGenerationKey, absl::StrCat(g + 4),
                           absl::ZeroDuration()).ok());
  EXPECT_FALSE(reader.Current().ok());
  EXPECT_FALSE(reader.Current().ok());  // still settling
  clock.Advance(absl::Seconds(12));
  EXPECT_TRUE(reader.Current().ok());
}

// Two reads overlap: the one that began first finishes last, with the
// value from before a bump. That value was current during its read; it is
// no fault, and does not make the reader distrust the cache for `settle`.
TEST(WriteGenerationTest, OverlappingReadsFinishingOutOfOrderAreNoFault) {
  InMemoryCache cache;
  FakeClock clock;
  WriteGeneration reader(&cache, Reader(&clock));
  const int64_t g = int64_t{7} << 32;
  auto raw = [](int64_t v) {
    return absl::StatusOr<std::optional<std::string>>(absl::StrCat(v));
  };
  ASSERT_TRUE(reader.Accept(raw(g + 4), reader.BeginRead()).ok());
  const int64_t first = reader.BeginRead();   // reads g + 5 ...
  const int64_t second = reader.BeginRead();  // ... then a bump: g + 6
  auto newer = reader.Accept(raw(g + 6), second);
  ASSERT_TRUE(newer.ok());
  auto older = reader.Accept(raw(g + 5), first);
  ASSERT_TRUE(older.ok()) << older.status();
  EXPECT_EQ(*older, g + 5);
  EXPECT_EQ(*reader.Accept(raw(g + 6), reader.BeginRead()), g + 6);
  // A read that began after g + 6 was seen and returns less is a fault.
  EXPECT_FALSE(reader.Accept(raw(g + 5), reader.BeginRead()).ok());
  EXPECT_FALSE(reader.Accept(raw(g + 6), reader.BeginRead()).ok());  // settling
}

TEST(WriteGenerationTest, AfterACacheFaultTheReaderWaitsForMissedBumps) {
  InMemoryCache cache;
  FakeClock clock;
  WriteGeneration writer(&cache, Writer());
  WriteGeneration reader(&cache, Reader(&clock));
  writer.Bump();
  ASSERT_TRUE(reader.Current().ok());
  cache.set_available(false);
  EXPECT_FALSE(reader.Current().ok());
  cache.set_available(true);
  // Redis is back, but a writer's bump may still be on its way.
  EXPECT_FALSE(reader.Current().ok());
  clock.Advance(absl::Seconds(10));
  EXPECT_FALSE(reader.Current().ok());
  clock.Advance(absl::Seconds(2));
  EXPECT_TRUE(reader.Current().ok());
}

TEST(WriteGenerationTest, AMissedBumpIsDeliveredWhenTheCacheReturns) {
  InMemoryCache cache;
  WriteGeneration gen(&cache, Writer());
  gen.Bump();
  const int64_t before = Stored(cache);
  cache.set_available(false);
  gen.Bump();  // lost for now
  EXPECT_EQ(gen.pending(), 1);
  cache.set_available(true);
  ASSERT_TRUE(Eventually([&] { return gen.pending() == 0; }));
  EXPECT_EQ(Stored(cache), before + 1);
}

TEST(WriteGenerationTest, NoCacheIsHarmless) {
  WriteGeneration gen(nullptr);
  gen.Bump();
  EXPECT_FALSE(gen.Current().ok());
}

}  // namespace
}  // namespace outreach
