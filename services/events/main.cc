// The events service: flags, then options, then run.
//
//   events_server --port=8081 --db_path=.outreach/data/events.db
//       --redis_address=127.0.0.1:6390
//
// Every flag can also be set from the environment as OUTREACH_<FLAG>, e.g.
// OUTREACH_DB_PATH (common/config/env_flags.h).

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/cache/cache_aside.h"
#include "common/cache/near_cache.h"
#include "common/cache/write_generation.h"
#include "common/client/call_policy.h"
#include "common/client/channel.h"
#include "common/config/env_flags.h"
#include "common/metrics/metrics.h"
#include "common/resource/resource_ids.h"
#include "common/geo/iso3166.h"
#include "common/log/json_log.h"
#include "common/server/server_runner.h"
#include "common/server/service_flags.h"
#include "common/sql/store_flags.h"
#include "services/events/event_manager.h"
#include "services/events/events_service.h"
#include "services/events/sql_event_store.h"

ABSL_FLAG(int, port, 8081, "gRPC port; 0 picks a free one.");
ABSL_FLAG(std::string, db_path, ".outreach/data/events.db",
          "SQLite database file; created and migrated when missing. Unused "
          "with --database_url.");
ABSL_FLAG(absl::Duration, cache_ttl, absl::Minutes(10),
          "Lifetime of cached events.");
ABSL_FLAG(std::string, iso3166_path, outreach::kDefaultIso3166Path,
          "ISO 3166-1 JSON from Debian's iso-codes package.");
ABSL_FLAG(int, metrics_port, 9081,
          "Port of the Prometheus /metrics endpoint, on --listen_host; 0 "
          "serves none.");
ABSL_FLAG(std::string, participants_address, "127.0.0.1:8082",
          "The participants service, host:port: DeleteEvent asks it for the "
          "event's participations. Empty, with --recommendations_address "
          "empty too: DeleteEvent checks nothing (an events service alone).");
ABSL_FLAG(std::string, recommendations_address, "127.0.0.1:8083",
          "The recommendations service, host:port: DeleteEvent asks it for "
          "the event's outcomes.");
ABSL_FLAG(int64_t, near_cache_bytes, int64_t{16} << 20,
          "Bound of the in-process cache of events read, in bytes; 0 turns "
          "it off. Always off with --database_url: other replicas write "
          "that store, and their writes never reach this process.");
ABSL_FLAG(absl::Duration, dependency_timeout, absl::Seconds(5),
          "Budget of DeleteEvent's calls to the other services when the "
          "caller set no deadline.");

namespace outreach::events {
namespace {

int Run() {
  // Every part below records into this; it outlives them all.
  Metrics metrics;
  auto base = ServiceBaseFromFlags(absl::GetFlag(FLAGS_port),
                                   absl::GetFlag(FLAGS_metrics_port), &metrics);
  if (!base.ok()) {
    LogError("bad flags", {{"error", std::string(base.status().message())}});
    return 2;
  }
  ServerOptions& server_options = base->server;
  const auto peer_credentials = base->security->channel_credentials();
  auto countries = CountryRegistry::Load(absl::GetFlag(FLAGS_iso3166_path));
  if (!countries.ok()) {
    LogError("cannot load ISO 3166 data",
             {{"error", std::string(countries.status().message())}});
    return 1;
  }

  const std::string db_path = absl::GetFlag(FLAGS_db_path);
  auto opened = OpenStoreFromFlags(db_path, "events", SqlEventStore::Migrations(),
                                   &metrics);
  if (!opened.ok()) {
    LogError("cannot open the database",
             {{"store", StoreLocationForLog(db_path)},
              {"error", std::string(opened.status().message())}});
    return 1;
  }
  auto store = std::make_unique<SqlEventStore>(std::move(opened->db));
  // Declared after the store, whose database it reads: gone first.
  std::unique_ptr<SharedCacheEpoch> shared_epoch =
      std::move(opened->shared_epoch);

  Cache* const shared_cache = base->shared_cache.get();
  CacheAsideOptions cache_options;
  cache_options.key_namespace =
      absl::StrCat("outreach:events:v1:", store->incarnation(), ":");
  cache_options.shared_epoch = shared_epoch.get();
  cache_options.ttl = absl::GetFlag(FLAGS_cache_ttl);
  // A cached event must be one the store wrote: anything else (planted,
  // corrupt) is dropped and read from the store again.
  cache_options.plausible = &IsMessageAtRevision<v1::Event>;
  EventStore* revisions = store.get();
  cache_options.latest_revision = [revisions] {
    return revisions->LatestRevision();
  };
  CacheAside cache(shared_cache, cache_options);

  // DeleteEvent's view of what refers to an event in the other services.
  auto participants = outreach::participants::v1::ParticipantsService::NewStub(
      MakeServiceChannel(absl::GetFlag(FLAGS_participants_address),
                         outreach::participants::v1::ParticipantsService::service_full_name(), &metrics,
                         peer_credentials));
  auto recommendations =
      outreach::recommendations::v1::RecommendationsService::NewStub(
          MakeServiceChannel(absl::GetFlag(FLAGS_recommendations_address),
                         outreach::recommendations::v1::RecommendationsService::service_full_name(), &metrics,
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
  // The near cache is coherent only while this process is the store's
  // only writer: true of SQLite, which it opened exclusively
  // (common/sqlite/sqlite_db.h), and never of shared PostgreSQL. Off, it
  // is not passed at all, so reads take none of its locks.
  const int64_t near_bytes = absl::GetFlag(FLAGS_near_cache_bytes);
  const bool use_near = shared_epoch == nullptr && near_bytes > 0;
  NearCache<v1::Event> near(
      use_near ? static_cast<size_t>(near_bytes) : 0,
      [](const v1::Event& e) { return e.ByteSizeLong(); });
  EventManager manager(store.get(), &cache, countries->get(),
                       SystemClock::Default(), alone ? nullptr : &dependents,
                       use_near ? &near : nullptr);
  EventsServiceImpl service(&manager);

  // Every acknowledged write changes the suite's write generation, which
  // keys the gateway's composite cache.
  WriteGeneration generation(base->generation_cache.get());
  // Composites computed before this store started (before a restore,
  // say) must never be served again: a store that starts moves the suite's
  // write generation on, as a write would.
  generation.Bump();
  server_options.after_write = [&generation] { generation.Bump(); };
  EventStore* readiness_store = store.get();
  return Serve(
      server_options, {{&service, v1::EventsService::service_full_name()}},
      [readiness_store] { return readiness_store->Ping(); }, "events service",
      {{"store", StoreLocationForLog(db_path)},
       {"cache", shared_cache != nullptr},
       {"near_cache", use_near}});
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
