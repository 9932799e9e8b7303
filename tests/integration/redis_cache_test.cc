// RedisCache's one-round-trip chained read against a real redis-server, and
// the same answers from the two-read default (InMemoryCache) on the same
// data: the gateway's warm composites depend on both agreeing.

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "common/cache/in_memory_cache.h"
#include "common/cache/redis_cache.h"
#include "tests/testing/redis_server.h"
#include "tests/testing/temp_dir.h"

namespace outreach::testing {
namespace {

class RedisCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    redis_ = std::make_unique<RedisServer>(dir_.path());
    ASSERT_TRUE(redis_->Start());
    RedisCacheOptions options;
    options.address = redis_->address();
    options.key_prefix = "p:";
    redis_cache_ = std::make_unique<RedisCache>(options);
  }

  // Both caches, holding the same values.
  void SetBoth(const std::string& key, const std::string& value) {
    ASSERT_TRUE(redis_cache_->SetRaw(key, value, absl::ZeroDuration()).ok());
    ASSERT_TRUE(memory_.SetRaw(key, value, absl::ZeroDuration()).ok());
  }

  void ExpectBoth(const std::optional<std::string>& first,
                  const std::optional<std::string>& second) {
    for (Cache* cache : {static_cast<Cache*>(redis_cache_.get()),
                         static_cast<Cache*>(&memory_)}) {
      auto got = cache->GetRawChained("gen", "note:", ":all:k");
      ASSERT_TRUE(got.ok()) << got.status();
      EXPECT_EQ(got->first, first);
      EXPECT_EQ(got->second, second);
    }
  }

  TempDir dir_;
  std::unique_ptr<RedisServer> redis_;
  std::unique_ptr<RedisCache> redis_cache_;
  InMemoryCache memory_;
};

TEST_F(RedisCacheTest, AChainedReadFollowsTheFirstValueToTheSecondKey) {
  ExpectBoth(std::nullopt, std::nullopt);  // nothing yet
  SetBoth("gen", "41");
  ExpectBoth("41", std::nullopt);  // a generation, no composite at it
  SetBoth("note:41:all:k", "composite");
  ExpectBoth("41", "composite");
  SetBoth("gen", "42");
  ExpectBoth("42", std::nullopt);  // the old composite is not read
  // The prefix applies to both keys: the raw Redis keys are p:gen and
  // p:note:42:all:k.
  EXPECT_EQ(redis_->Command("GET p:gen"), "42");
}

TEST_F(RedisCacheTest, AChainedReadOfAStoppedRedisFailsFast) {
  redis_->Stop();
  auto got = redis_cache_->GetRawChained("gen", "note:", ":all:k");
  EXPECT_FALSE(got.ok());
}

}  // namespace
}  // namespace outreach::testing
