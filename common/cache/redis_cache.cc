#include "common/cache/redis_cache.h"

#include <hiredis/hiredis.h>
#include <sys/time.h>

#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace outreach {
namespace {

// Applies CacheEntryReplaces (cache.cc) atomically. KEYS[1]: key.
// ARGV[1]: version, ARGV[2]: "T" or "V", ARGV[3]: the encoded entry,
// ARGV[4]: TTL in milliseconds. Returns 1 when stored, 0 when refused.
constexpr char kStoreScript[] = R"lua(
local cur = redis.call('GET', KEYS[1])
if cur then
  local v, kind = string.match(cur, '^(%d+):(%a):')
  if v then
    v = tonumber(v)
    local new = tonumber(ARGV[1])
    if ARGV[2] == 'T' or kind == 'V' then
      if v >= new then return 0 end
    else
      if v > new then return 0 end
    end
  end
end
redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4])
return 1
)lua";

struct ReplyDeleter {
  void operator()(redisReply* r) const {
    if (r != nullptr) freeReplyObject(r);
  }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyDeleter>;

}  // namespace

struct RedisCache::Connection {
  redisContext* ctx = nullptr;
  ~Connection() { Reset(); }
  void Reset() {
    if (ctx != nullptr) redisFree(ctx);
    ctx = nullptr;
  }
};

absl::Status ParseHostPort(absl::string_view address, std::string* host,
                           int* port) {
  const size_t colon = address.rfind(':');
  if (colon == absl::string_view::npos || colon == 0 ||
      !absl::SimpleAtoi(address.substr(colon + 1), port) || *port <= 0 ||
      *port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("address '", address, "' is not host:port"));
  }
  *host = std::string(address.substr(0, colon));
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<RedisCache>> MakeRedisCache(
    const std::string& address, absl::Duration timeout,
    const std::string& username, const std::string& password, int pool_size,
    absl::Duration pool_wait) {
  if (address.empty()) return std::unique_ptr<RedisCache>();
  std::string host;
  int port = 0;
  if (auto s = ParseHostPort(address, &host, &port); !s.ok()) return s;
  RedisCacheOptions options;
  options.address = address;
  options.connect_timeout = timeout;
  options.command_timeout = timeout;
  options.username = username;
  options.password = password;
  options.pool_size = pool_size;
  options.pool_wait = pool_wait;
  return std::make_unique<RedisCache>(options);
}

RedisCache::RedisCache(RedisCacheOptions options, Clock* clock)
    : options_(std::move(options)), breaker_(options_.breaker, clock) {
  if (!ParseHostPort(options_.address, &host_, &port_).ok()) port_ = 0;
  const int n = options_.pool_size > 0 ? options_.pool_size : 1;
  absl::MutexLock lock(&mu_);
  for (int i = 0; i < n; ++i) {
    connections_.push_back(std::make_unique<Connection>());
    idle_.push_back(connections_.back().get());
  }
}

RedisCache::~RedisCache() = default;

absl::Status RedisCache::Connect(Connection& conn) {
  if (port_ == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad redis address '", options_.address, "'"));
  }
  const timeval connect_timeout = absl::ToTimeval(options_.connect_timeout);
  conn.ctx = redisConnectWithTimeout(host_.c_str(), port_, connect_timeout);
  if (conn.ctx == nullptr || conn.ctx->err != 0) {
    std::string why = conn.ctx ? conn.ctx->errstr : "out of memory";
    conn.Reset();
    return absl::UnavailableError(absl::StrCat("redis connect: ", why));
  }
  const timeval command_timeout = absl::ToTimeval(options_.command_timeout);
  if (redisSetTimeout(conn.ctx, command_timeout) != REDIS_OK) {
    conn.Reset();
    return absl::UnavailableError("redis: cannot set command timeout");
  }
  if (!options_.password.empty()) {
    std::vector<const char*> args = {"AUTH"};
    std::vector<size_t> lens = {4};
    if (!options_.username.empty()) {
      args.push_back(options_.username.data());
      lens.push_back(options_.username.size());
    }
    args.push_back(options_.password.data());
    lens.push_back(options_.password.size());
    auto* reply = static_cast<redisReply*>(redisCommandArgv(
        conn.ctx, static_cast<int>(args.size()), args.data(), lens.data()));
    // The reply's text is Redis's ("WRONGPASS ..."); it never echoes the
    // password, so it is safe to log.
    std::string why = reply == nullptr ? std::string(conn.ctx->errstr)
                      : reply->type == REDIS_REPLY_ERROR
                          ? std::string(reply->str, reply->len)
                          : std::string();
    if (reply != nullptr) freeReplyObject(reply);
    if (reply == nullptr || !why.empty()) {
      conn.Reset();
      return absl::UnavailableError(absl::StrCat("redis auth: ", why));
    }
  }
  return absl::OkStatus();
}

absl::Status RedisCache::Command(const std::vector<std::string>& argv,
                                 redisReply** reply_out) {
  *reply_out = nullptr;
  Connection* conn = nullptr;
  {
    absl::MutexLock lock(&mu_);
    auto has_idle = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return !idle_.empty();
    };
    if (!mu_.AwaitWithTimeout(absl::Condition(&has_idle), options_.pool_wait)) {
      return absl::ResourceExhaustedError("redis pool exhausted");
    }
    conn = idle_.back();
    idle_.pop_back();
  }
  // Asked only once a connection is in hand, so that a half-open trial is
  // never lost to pool saturation.
  if (!breaker_.Allow()) {
    absl::MutexLock lock(&mu_);
    idle_.push_back(conn);
    return absl::UnavailableError("redis circuit breaker is open");
  }
  absl::Status status;
  if (conn->ctx == nullptr) status = Connect(*conn);
  if (status.ok()) {
    std::vector<const char*> args;
    std::vector<size_t> lens;
    for (const auto& a : argv) {
      args.push_back(a.data());
      lens.push_back(a.size());
    }
    void* raw = redisCommandArgv(conn->ctx, static_cast<int>(args.size()),
                                 args.data(), lens.data());
    auto* reply = static_cast<redisReply*>(raw);
    if (reply == nullptr) {
      // The context is unusable after an I/O error or timeout.
      status =
          absl::UnavailableError(absl::StrCat("redis: ", conn->ctx->errstr));
      conn->Reset();
    } else if (reply->type == REDIS_REPLY_ERROR) {
      status = absl::InternalError(
          absl::StrCat("redis: ", std::string(reply->str, reply->len)));
      freeReplyObject(reply);
    } else {
      *reply_out = reply;
    }
  }
  {
    absl::MutexLock lock(&mu_);
    idle_.push_back(conn);
  }
  if (status.ok() || status.code() == absl::StatusCode::kInternal) {
    // An error reply proves the server is reachable.
    breaker_.RecordSuccess();
  } else {
    breaker_.RecordFailure();
  }
  return status;
}

absl::StatusOr<std::optional<CacheEntry>> RedisCache::Lookup(
    absl::string_view key) {
  redisReply* raw = nullptr;
  absl::Status s =
      Command({"GET", absl::StrCat(options_.key_prefix, key)}, &raw);
  if (!s.ok()) return s;
  ReplyPtr reply(raw);
  if (reply->type == REDIS_REPLY_NIL) return std::optional<CacheEntry>();
  if (reply->type != REDIS_REPLY_STRING) {
    return absl::InternalError("redis: unexpected reply to GET");
  }
  absl::string_view data(reply->str, reply->len);
  // "<version>:<V|T>:<payload>"
  const size_t first = data.find(':');
  if (first == absl::string_view::npos || data.size() < first + 3 ||
      data[first + 2] != ':') {
    return std::optional<CacheEntry>();  // foreign value: treat as a miss
  }
  CacheEntry entry;
  if (!absl::SimpleAtoi(data.substr(0, first), &entry.version)) {
    return std::optional<CacheEntry>();
  }
  entry.tombstone = data[first + 1] == 'T';
  entry.value = std::string(data.substr(first + 3));
  return std::optional<CacheEntry>(std::move(entry));
}

absl::Status RedisCache::Store(absl::string_view key, int64_t version,
                               bool tombstone, absl::string_view value,
                               absl::Duration ttl) {
  const char* kind = tombstone ? "T" : "V";
  int64_t ttl_ms = absl::ToInt64Milliseconds(ttl);
  if (ttl_ms <= 0) ttl_ms = 1;
  redisReply* raw = nullptr;
  absl::Status s = Command(
      {"EVAL", kStoreScript, "1", absl::StrCat(options_.key_prefix, key),
       absl::StrCat(version), kind,
       absl::StrCat(version, ":", kind, ":", value), absl::StrCat(ttl_ms)},
      &raw);
  ReplyPtr reply(raw);
  return s;
}

absl::Status RedisCache::Fill(absl::string_view key, int64_t version,
                              absl::string_view value, absl::Duration ttl) {
  return Store(key, version, false, value, ttl);
}

absl::Status RedisCache::Invalidate(absl::string_view key, int64_t version,
                                    absl::Duration ttl) {
  return Store(key, version, true, "", ttl);
}

absl::StatusOr<std::optional<std::string>> RedisCache::GetRaw(
    absl::string_view key) {
  redisReply* raw = nullptr;
  absl::Status s =
      Command({"GET", absl::StrCat(options_.key_prefix, key)}, &raw);
  if (!s.ok()) return s;
  ReplyPtr reply(raw);
  if (reply->type == REDIS_REPLY_NIL) return std::optional<std::string>();
  if (reply->type != REDIS_REPLY_STRING) {
    return absl::InternalError("redis: unexpected reply to GET");
  }
  return std::optional<std::string>(std::string(reply->str, reply->len));
}

absl::StatusOr<Cache::Chained> RedisCache::GetRawChained(
    absl::string_view first_key, absl::string_view prefix,
    absl::string_view suffix) {
  // Both reads in one script, so that they see one moment and cost one
  // round trip. (The second key is built in the script: fine on one Redis,
  // not on a Redis Cluster, which this suite does not use.)
  static constexpr char kChained[] =
      "local v = redis.call('GET', KEYS[1]) "
      "if not v then return {} end "
      "return {v, redis.call('GET', ARGV[1] .. v .. ARGV[2])}";
  redisReply* raw = nullptr;
  absl::Status s = Command(
      {"EVAL", kChained, "1", absl::StrCat(options_.key_prefix, first_key),
       absl::StrCat(options_.key_prefix, prefix), std::string(suffix)},
      &raw);
  if (!s.ok()) return s;
  ReplyPtr reply(raw);
  if (reply->type != REDIS_REPLY_ARRAY) {
    return absl::InternalError("redis: unexpected reply to a chained read");
  }
  Chained out;
  // A nil inside a script's table ends it: {v} when the second is absent.
  if (reply->elements >= 1) {
    const redisReply* first = reply->element[0];
    if (first->type != REDIS_REPLY_STRING) {
      return absl::InternalError("redis: unexpected reply to a chained read");
    }
    out.first = std::string(first->str, first->len);
  }
  if (reply->elements >= 2) {
    const redisReply* second = reply->element[1];
    if (second->type == REDIS_REPLY_STRING) {
      out.second = std::string(second->str, second->len);
    }
  }
  return out;
}

absl::Status RedisCache::SetRaw(absl::string_view key, absl::string_view value,
                                absl::Duration ttl) {
  const int64_t ttl_ms = absl::ToInt64Milliseconds(ttl);
  std::vector<std::string> argv = {"SET", absl::StrCat(options_.key_prefix, key),
                                   std::string(value)};
  if (ttl_ms > 0) {
    argv.push_back("PX");
    argv.push_back(absl::StrCat(ttl_ms));
  }
  redisReply* raw = nullptr;
  absl::Status s = Command(argv, &raw);
  ReplyPtr reply(raw);
  return s;
}

absl::StatusOr<int64_t> RedisCache::Increment(absl::string_view key,
                                              int64_t seed_if_missing) {
  // Seeding and adding in one script, so that no other client's INCR can
  // fall between them.
  static constexpr char kSeededIncrement[] =
      "if not redis.call('GET', KEYS[1]) then "
      "redis.call('SET', KEYS[1], ARGV[1]) end "
      "return redis.call('INCR', KEYS[1])";
  redisReply* raw = nullptr;
  const std::string full_key = absl::StrCat(options_.key_prefix, key);
  absl::Status s =
      seed_if_missing == 0
          ? Command({"INCR", full_key}, &raw)
          : Command({"EVAL", kSeededIncrement, "1", full_key,
                     absl::StrCat(seed_if_missing)},
                    &raw);
  if (!s.ok()) return s;
  ReplyPtr reply(raw);
  if (reply->type != REDIS_REPLY_INTEGER) {
    return absl::InternalError("redis: unexpected reply to an increment");
  }
  return static_cast<int64_t>(reply->integer);
}

absl::Status RedisCache::Erase(absl::string_view key) {
  redisReply* raw = nullptr;
  absl::Status s = Command({"DEL", absl::StrCat(options_.key_prefix, key)}, &raw);
  ReplyPtr reply(raw);
  return s;
}

}  // namespace outreach
