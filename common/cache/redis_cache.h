#ifndef OUTREACH_COMMON_CACHE_REDIS_CACHE_H_
#define OUTREACH_COMMON_CACHE_REDIS_CACHE_H_

// The production Cache, on hiredis' blocking API.
//
// - A fixed pool of connections; a caller waits at most `pool_wait` for one,
//   then gives up (a miss), so a slow Redis cannot pile up gRPC threads.
// - Every connect and command is bounded by `connect_timeout` and
//   `command_timeout`.
// - A broken connection is dropped and reopened on next use, on the
//   schedule of the circuit breaker: after `failure_threshold` failures in a
//   row the breaker opens, calls fail at once without touching the network,
//   and trial reconnections follow an exponential backoff.
// - Fill and Invalidate run one Lua script that applies
//   CacheEntryReplaces atomically inside Redis.
//
// Values are stored as "<version>:<V|T>:<payload>". Thread-safe.

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "common/cache/cache.h"
#include "common/cache/circuit_breaker.h"

struct redisContext;
struct redisReply;

namespace outreach {

struct RedisCacheOptions {
  // Server address, "host:port". Required.
  std::string address = "127.0.0.1:6379";
  // Connections in the pool. Default 4.
  int pool_size = 4;
  // Longest wait for a free connection. Default 20ms.
  absl::Duration pool_wait = absl::Milliseconds(20);
  // TCP connect timeout. Default 100ms.
  absl::Duration connect_timeout = absl::Milliseconds(100);
  // Timeout of each command. Default 100ms.
  absl::Duration command_timeout = absl::Milliseconds(100);
  // Credentials sent with AUTH on every new connection when `password` is
  // set (a managed Redis, or one with requirepass); `username` selects a
  // Redis 6 ACL user, empty for the default user.
  std::string username;
  std::string password;
  // Prefixed to every key, e.g. "outreach:events:". Default empty.
  std::string key_prefix;
  CircuitBreakerOptions breaker;
};

class RedisCache final : public Cache {
 public:
  explicit RedisCache(RedisCacheOptions options,
                      Clock* clock = SystemClock::Default());
  ~RedisCache() override;
  RedisCache(const RedisCache&) = delete;
  RedisCache& operator=(const RedisCache&) = delete;

  absl::StatusOr<std::optional<CacheEntry>> Lookup(
      absl::string_view key) override;
  absl::Status Fill(absl::string_view key, int64_t version,
                    absl::string_view value, absl::Duration ttl) override;
  absl::Status Invalidate(absl::string_view key, int64_t version,
                          absl::Duration ttl) override;

  // One EVAL: one round trip instead of two.
  absl::StatusOr<Chained> GetRawChained(absl::string_view first_key,
                                        absl::string_view prefix,
                                        absl::string_view suffix) override;
  absl::StatusOr<std::optional<std::string>> GetRaw(
      absl::string_view key) override;
  absl::Status SetRaw(absl::string_view key, absl::string_view value,
                      absl::Duration ttl) override;
  absl::StatusOr<int64_t> Increment(absl::string_view key,
                                    int64_t seed_if_missing) override;
  using Cache::Increment;
  absl::Status Erase(absl::string_view key) override;

  CircuitBreaker::State breaker_state() const { return breaker_.state(); }

 private:
  struct Connection;

  // Runs one command; argv are binary-safe. Handles the pool, the breaker
  // and reconnection. On success *reply_out owns the reply.
  absl::Status Command(const std::vector<std::string>& argv,
                       ::redisReply** reply_out);
  absl::Status Store(absl::string_view key, int64_t version, bool tombstone,
                     absl::string_view value, absl::Duration ttl);
  absl::Status Connect(Connection& conn);

  const RedisCacheOptions options_;
  std::string host_;
  int port_ = 0;
  CircuitBreaker breaker_;

  absl::Mutex mu_;
  std::vector<std::unique_ptr<Connection>> connections_;
  std::vector<Connection*> idle_ ABSL_GUARDED_BY(mu_);
};

// The cache a service uses: none (nullptr) when `address` is empty, else a
// RedisCache with `timeout` for connects and commands. INVALID_ARGUMENT
// when the address is not host:port.
// `pool_size` and `pool_wait` as in RedisCacheOptions.
absl::StatusOr<std::unique_ptr<RedisCache>> MakeRedisCache(
    const std::string& address, absl::Duration timeout,
    const std::string& username = "", const std::string& password = "",
    int pool_size = 4, absl::Duration pool_wait = absl::Milliseconds(20));

// Parses "host:port". INVALID_ARGUMENT when malformed.
absl::Status ParseHostPort(absl::string_view address, std::string* host,
                           int* port);

}  // namespace outreach

#endif  // OUTREACH_COMMON_CACHE_REDIS_CACHE_H_
