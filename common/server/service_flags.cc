#include "common/server/service_flags.h"

#include <string>
#include <utility>

#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/cache/instrumented_cache.h"
#include "common/cache/redis_cache.h"
#include "common/log/json_log.h"

ABSL_FLAG(std::string, listen_host, "127.0.0.1",
          "Address to listen on; 0.0.0.0 in a container.");
ABSL_FLAG(int, max_threads, 32,
          "Upper bound on threads serving calls; a call that finds none "
          "free is refused with RESOURCE_EXHAUSTED.");
ABSL_FLAG(int, max_pollers, 0,
          "Threads that may wait for the next call; 0 takes the binary's "
          "own (2, gRPC's; the gateway, whose calls wait on others, 16). "
          "docs/performance.md gives the measurements.");
ABSL_FLAG(int, access_log_every, 100,
          "Of the successful reads, one in this many gets an access line; "
          "failed calls and writes always do. 1 logs every call.");
ABSL_FLAG(absl::Duration, shutdown_grace, absl::Seconds(20),
          "Time calls in flight get to finish after SIGTERM.");
ABSL_FLAG(absl::Duration, max_connection_age, absl::Minutes(5),
          "Connections are recycled after this age so clients rebalance.");
ABSL_FLAG(absl::Duration, max_connection_idle, absl::Minutes(10),
          "A connection with no call for this long is closed, so idle "
          "clients do not hold the server's memory; 0 keeps them.");
ABSL_FLAG(int, max_message_bytes, 4 << 20, "Largest request accepted.");
ABSL_FLAG(int, max_concurrent_streams, 100,
          "Calls one connection may have open at once (HTTP/2 "
          "MAX_CONCURRENT_STREAMS); further ones wait in the client.");
ABSL_FLAG(int64_t, memory_quota_bytes, int64_t{128} << 20,
          "gRPC's memory quota for connections and calls; under pressure "
          "gRPC shrinks buffers and closes idle connections. Keep it below "
          "the pod's memory limit; 0 leaves it unbounded.");
ABSL_FLAG(std::string, redis_address, "",
          "Redis host:port for the shared cache; empty runs without a cache.");
ABSL_FLAG(std::string, redis_username, "",
          "Redis ACL user; empty for the default user.");
ABSL_FLAG(std::string, redis_password, "",
          "Redis password, sent with AUTH. Set it as OUTREACH_REDIS_PASSWORD "
          "(from a Secret), not on the command line.");
ABSL_FLAG(absl::Duration, redis_timeout, absl::Milliseconds(100),
          "Redis connect and command timeout.");

namespace outreach {

absl::StatusOr<ServiceBase> ServiceBaseFromFlags(int port, int metrics_port,
                                                 Metrics* metrics,
                                                 int default_max_pollers) {
  ServiceBase base;
  ServerOptions& o = base.server;
  o.listen_address =
      absl::StrCat(absl::GetFlag(FLAGS_listen_host), ":", port);
  o.metrics = metrics;
  o.metrics_port = metrics_port;
  o.max_threads = absl::GetFlag(FLAGS_max_threads);
  o.max_pollers = absl::GetFlag(FLAGS_max_pollers) > 0
                      ? absl::GetFlag(FLAGS_max_pollers)
                      : default_max_pollers;
  o.access_log_every = absl::GetFlag(FLAGS_access_log_every);
  o.shutdown_grace = absl::GetFlag(FLAGS_shutdown_grace);
  o.max_connection_age = absl::GetFlag(FLAGS_max_connection_age);
  o.max_connection_idle = absl::GetFlag(FLAGS_max_connection_idle);
  o.max_receive_message_bytes = absl::GetFlag(FLAGS_max_message_bytes);
  o.max_concurrent_streams = absl::GetFlag(FLAGS_max_concurrent_streams);
  o.memory_quota_bytes = absl::GetFlag(FLAGS_memory_quota_bytes);
  if (o.max_threads < 2) {
    return absl::InvalidArgumentError("--max_threads must be at least 2");
  }
  if (absl::GetFlag(FLAGS_max_pollers) < 0) {
    return absl::InvalidArgumentError("--max_pollers is negative");
  }
  if (o.access_log_every < 1) {
    return absl::InvalidArgumentError("--access_log_every must be at least 1");
  }
  if (o.max_concurrent_streams < 1) {
    return absl::InvalidArgumentError(
        "--max_concurrent_streams must be at least 1");
  }
  if (o.max_receive_message_bytes < 1024) {
    return absl::InvalidArgumentError(
        "--max_message_bytes must be at least 1024");
  }
  if (o.memory_quota_bytes < 0 ||
      (o.memory_quota_bytes > 0 &&
       o.memory_quota_bytes < 4 * int64_t{o.max_receive_message_bytes})) {
    return absl::InvalidArgumentError(
        "--memory_quota_bytes must be 0 (unbounded) or at least four times "
        "--max_message_bytes");
  }
  if (o.max_connection_idle < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--max_connection_idle is negative");
  }
  auto security = ServerSecurity::FromFlags(&o);
  if (!security.ok()) return security.status();
  base.security = std::move(*security);

  auto redis = MakeRedisCache(absl::GetFlag(FLAGS_redis_address),
                              absl::GetFlag(FLAGS_redis_timeout),
                              absl::GetFlag(FLAGS_redis_username),
                              absl::GetFlag(FLAGS_redis_password));
  if (!redis.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--redis_address: ", redis.status().message()));
  }
  base.shared_cache = WithMetrics(std::move(*redis), metrics);
  auto generation = MakeRedisCache(
      absl::GetFlag(FLAGS_redis_address), absl::GetFlag(FLAGS_redis_timeout),
      absl::GetFlag(FLAGS_redis_username), absl::GetFlag(FLAGS_redis_password),
      /*pool_size=*/2, /*pool_wait=*/absl::Milliseconds(250));
  if (!generation.ok()) return generation.status();
  base.generation_cache = WithMetrics(std::move(*generation), metrics);
  return base;
}

absl::Status ApplyDeprecatedAliases(absl::Span<const FlagAlias> aliases) {
  for (const FlagAlias& alias : aliases) {
    absl::CommandLineFlag* old_flag = absl::FindCommandLineFlag(alias.deprecated);
    absl::CommandLineFlag* new_flag =
        absl::FindCommandLineFlag(alias.replacement);
    if (old_flag == nullptr || new_flag == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("no flag --", alias.deprecated, " or --",
                       alias.replacement));
    }
    if (old_flag->CurrentValue() == old_flag->DefaultValue()) continue;
    if (new_flag->CurrentValue() != new_flag->DefaultValue()) {
      LogWarning("deprecated flag ignored",
                 {{"flag", absl::StrCat("--", alias.deprecated)},
                  {"use", absl::StrCat("--", alias.replacement)},
                  {"reason", "both are set; the new one wins"}});
      continue;
    }
    std::string error;
    if (!new_flag->ParseFrom(old_flag->CurrentValue(), &error)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--", alias.deprecated, " (now --", alias.replacement, "): ", error));
    }
    LogWarning("deprecated flag",
               {{"flag", absl::StrCat("--", alias.deprecated)},
                {"use", absl::StrCat("--", alias.replacement)}});
  }
  return absl::OkStatus();
}

}  // namespace outreach
