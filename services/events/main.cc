// The events service: flags, then options, then run.
//
//   events_server --port=8081 --db_path=.outreach/data/events.db
//       --redis_address=127.0.0.1:6390
//
// Every flag can also be set from the environment as OUTREACH_<FLAG>, e.g.
// OUTREACH_DB_PATH (common/config/env_flags.h).

#include <cstdio>
#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/cache/cache_aside.h"
#include "common/cache/redis_cache.h"
#include "common/cache/write_generation.h"
#include "common/cache/instrumented_cache.h"
#include "common/client/call_policy.h"
#include "common/client/channel.h"
#include "common/config/env_flags.h"
#include "common/metrics/metrics.h"
#include "common/resource/resource_ids.h"
#include "common/geo/iso3166.h"
#include "common/log/json_log.h"
#include "common/security/server_security.h"
#include "common/server/server_runner.h"
#include "common/sqlite/sqlite_db.h"
#include "services/events/event_manager.h"
#include "services/events/events_service.h"
#include "services/events/sqlite_event_store.h"

ABSL_FLAG(std::string, listen_host, "127.0.0.1",
          "Address to listen on; 0.0.0.0 in a container.");
ABSL_FLAG(int, port, 8081, "gRPC port; 0 picks a free one.");
ABSL_FLAG(std::string, db_path, ".outreach/data/events.db",
          "SQLite database file; created and migrated when missing.");
ABSL_FLAG(absl::Duration, db_busy_timeout, absl::Seconds(5),
          "How long a write waits for a locked database before UNAVAILABLE.");
ABSL_FLAG(std::string, db_synchronous, "NORMAL",
          "SQLite synchronous level: NORMAL (a commit survives a process "
          "crash; a power loss may lose the last ones) or FULL (survives a "
          "power loss too, at an fsync per commit).");
ABSL_FLAG(int, db_read_connections, 4, "SQLite reader connections.");
ABSL_FLAG(std::string, redis_address, "",
          "Redis host:port for the shared cache; empty runs without a cache.");
ABSL_FLAG(std::string, redis_username, "",
          "Redis ACL user; empty for the default user.");
ABSL_FLAG(std::string, redis_password, "",
          "Redis password, sent with AUTH. Set it as OUTREACH_REDIS_PASSWORD "
          "(from a Secret), not on the command line.");
ABSL_FLAG(absl::Duration, redis_timeout, absl::Milliseconds(100),
          "Redis connect and command timeout.");
ABSL_FLAG(absl::Duration, cache_ttl, absl::Minutes(10),
          "Lifetime of cached events.");
ABSL_FLAG(std::string, iso3166_path, outreach::kDefaultIso3166Path,
          "ISO 3166-1 JSON from Debian's iso-codes package.");
ABSL_FLAG(int, metrics_port, 9081,
          "Port of the Prometheus /metrics endpoint, on --listen_host; 0 "
          "serves none.");
ABSL_FLAG(int, max_threads, 32, "Upper bound on threads serving calls.");
ABSL_FLAG(absl::Duration, shutdown_grace, absl::Seconds(20),
          "Time calls in flight get to finish after SIGTERM.");
ABSL_FLAG(absl::Duration, max_connection_age, absl::Minutes(5),
          "Connections are recycled after this age so clients rebalance.");
ABSL_FLAG(int, max_message_bytes, 4 << 20, "Largest request accepted.");
ABSL_FLAG(std::string, participants_address, "127.0.0.1:8082",
          "The participants service, host:port: DeleteEvent asks it for the "
          "event's participations. Empty, with --recommendations_address "
          "empty too: DeleteEvent checks nothing (an events service alone).");
ABSL_FLAG(std::string, recommendations_address, "127.0.0.1:8083",
          "The recommendations service, host:port: DeleteEvent asks it for "
          "the event's outcomes.");
ABSL_FLAG(absl::Duration, dependency_timeout, absl::Seconds(5),
          "Budget of DeleteEvent's calls to the other services when the "
          "caller set no deadline.");

namespace outreach::events {
namespace {

int Run() {
  // Every part below records into this; it outlives them all.
  Metrics metrics;
  ServerOptions server_options;
  server_options.listen_address = absl::StrCat(absl::GetFlag(FLAGS_listen_host),
                                               ":", absl::GetFlag(FLAGS_port));
  // Credentials of this server's port and of its calls to the others.
  auto security = ServerSecurity::FromFlags(&server_options);
  if (!security.ok()) {
    LogError("bad security flags",
             {{"error", std::string(security.status().message())}});
    return 2;
  }
  const auto peer_credentials = (*security)->channel_credentials();
  auto countries = CountryRegistry::Load(absl::GetFlag(FLAGS_iso3166_path));
  if (!countries.ok()) {
    LogError("cannot load ISO 3166 data",
             {{"error", std::string(countries.status().message())}});
    return 1;
  }

  SqliteOptions db_options;
  db_options.path = absl::GetFlag(FLAGS_db_path);
  db_options.busy_timeout = absl::GetFlag(FLAGS_db_busy_timeout);
  db_options.synchronous = absl::GetFlag(FLAGS_db_synchronous);
  db_options.metrics = &metrics;
  db_options.read_connections = absl::GetFlag(FLAGS_db_read_connections);
  auto store = SqliteEventStore::Open(db_options);
  if (!store.ok()) {
    LogError("cannot open the database",
             {{"path", db_options.path},
              {"error", std::string(store.status().message())}});
    return 1;
  }

  auto redis = MakeRedisCache(absl::GetFlag(FLAGS_redis_address),
                              absl::GetFlag(FLAGS_redis_timeout),
                              absl::GetFlag(FLAGS_redis_username),
                              absl::GetFlag(FLAGS_redis_password));
  if (!redis.ok()) {
    LogError("bad --redis_address",
             {{"error", std::string(redis.status().message())}});
    return 2;
  }
  const std::unique_ptr<Cache> shared_cache =
      WithMetrics(std::move(*redis), &metrics);
  CacheAsideOptions cache_options;
  cache_options.key_namespace =
      absl::StrCat("outreach:events:v1:", (*store)->incarnation(), ":");
  cache_options.ttl = absl::GetFlag(FLAGS_cache_ttl);
  // A cached event must be one the store wrote: anything else (planted,
  // corrupt) is dropped and read from the store again.
  cache_options.plausible = &IsMessageAtRevision<v1::Event>;
  EventStore* revisions = store->get();
  cache_options.latest_revision = [revisions] {
    return revisions->LatestRevision();
  };
  CacheAside cache(shared_cache.get(), cache_options);

  // DeleteEvent's view of what refers to an event in the other services.
  auto participants = outreach::participants::v1::ParticipantsService::NewStub(
      MakeServiceChannel(absl::GetFlag(FLAGS_participants_address), &metrics,
                         peer_credentials));
  auto recommendations =
      outreach::recommendations::v1::RecommendationsService::NewStub(
          MakeServiceChannel(absl::GetFlag(FLAGS_recommendations_address), &metrics,
                         peer_credentials));
  CallPolicyOptions policy_options;
  policy_options.default_timeout = absl::GetFlag(FLAGS_dependency_timeout);
  policy_options.max_timeout = absl::GetFlag(FLAGS_dependency_timeout) * 2;
  CallPolicy policy(policy_options);
  GrpcEventDependents dependents(participants.get(), recommendations.get(),
                                 &policy);
  // Both empty: an events service on its own (its tests), which can check
  // nothing that refers to its events.
  const bool alone = absl::GetFlag(FLAGS_participants_address).empty() &&
                     absl::GetFlag(FLAGS_recommendations_address).empty();
  EventManager manager(store->get(), &cache, countries->get(),
                       SystemClock::Default(), alone ? nullptr : &dependents);
  EventsServiceImpl service(&manager);

  // Every acknowledged write changes the suite's write generation, which
  // keys the gateway's composite cache.
  WriteGeneration generation(shared_cache.get());
  // Composites computed before this store started (before a restore,
  // say) must never be served again: a store that starts moves the suite's
  // write generation on, as a write would.
  generation.Bump();
  server_options.after_write = [&generation] { generation.Bump(); };
  server_options.max_threads = absl::GetFlag(FLAGS_max_threads);
  server_options.metrics = &metrics;
  server_options.metrics_port = absl::GetFlag(FLAGS_metrics_port);
  server_options.shutdown_grace = absl::GetFlag(FLAGS_shutdown_grace);
  server_options.max_connection_age = absl::GetFlag(FLAGS_max_connection_age);
  server_options.max_receive_message_bytes =
      absl::GetFlag(FLAGS_max_message_bytes);
  EventStore* readiness_store = store->get();
  return Serve(
      server_options, {{&service, v1::EventsService::service_full_name()}},
      [readiness_store] { return readiness_store->Ping(); }, "events service",
      {{"db_path", db_options.path},
       {"redis", absl::GetFlag(FLAGS_redis_address)}});
}

}  // namespace
}  // namespace outreach::events

int main(int argc, char** argv) {
  // Before any thread exists, so that only the signal thread sees them.
  outreach::BlockTerminationSignals();
  outreach::ParseFlagsWithEnv(
      argc, argv,
      "The Outreach events service. Flags may also be set as OUTREACH_<FLAG> "
      "environment variables.");
  return outreach::events::Run();
}
