// The recommendations service: flags, then options, then run. Every flag
// can also be set from the environment as OUTREACH_<FLAG>.

#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/cache/cache_aside.h"
#include "common/cache/write_generation.h"
#include "common/client/call_policy.h"
#include "common/client/event_checker.h"
#include "common/client/channel.h"
#include "common/config/env_flags.h"
#include "common/metrics/metrics.h"
#include "common/resource/resource_ids.h"
#include "common/log/json_log.h"
#include "common/server/server_runner.h"
#include "common/server/service_flags.h"
#include "common/sql/store_flags.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "services/recommendations/entity_checker.h"
#include "services/recommendations/recommendation_manager.h"
#include "services/recommendations/recommendations_service.h"
#include "services/recommendations/sql_recommendation_store.h"

ABSL_FLAG(int, port, 8083, "gRPC port; 0 picks a free one.");
ABSL_FLAG(std::string, db_path, ".outreach/data/recommendations.db",
          "SQLite database file; created and migrated when missing. Unused "
          "with --database_url.");
ABSL_FLAG(std::string, events_address, "127.0.0.1:8081",
          "The events service, host:port.");
ABSL_FLAG(std::string, participants_address, "127.0.0.1:8082",
          "The participants service, host:port.");
ABSL_FLAG(absl::Duration, dependency_timeout, absl::Seconds(2),
          "Budget of a call to another service when the caller set none.");
ABSL_FLAG(absl::Duration, cache_ttl, absl::Minutes(10),
          "Lifetime of cached outcomes.");
ABSL_FLAG(absl::Duration, reference_cache_ttl, absl::Seconds(30),
          "How long a confirmed event or addressee is trusted without asking "
          "again.");
ABSL_FLAG(int, metrics_port, 9083,
          "Port of the Prometheus /metrics endpoint, on --listen_host; 0 "
          "serves none.");

namespace outreach::recommendations {
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
  const std::string db_path = absl::GetFlag(FLAGS_db_path);
  auto opened = OpenStoreFromFlags(db_path, "recommendations", SqlRecommendationStore::Migrations(),
                                   &metrics);
  if (!opened.ok()) {
    LogError("cannot open the database",
             {{"store", StoreLocationForLog(db_path)},
              {"error", std::string(opened.status().message())}});
    return 1;
  }
  auto store = SqlRecommendationStore::Open(std::move(opened->db));
  if (!store.ok()) {
    LogError("cannot open the database",
             {{"store", StoreLocationForLog(db_path)},
              {"error", std::string(store.status().message())}});
    return 1;
  }
  // Declared after the store, whose database it reads: gone first.
  std::unique_ptr<SharedCacheEpoch> shared_epoch =
      std::move(opened->shared_epoch);
  Cache* const shared_cache = base->shared_cache.get();
  CacheAsideOptions outcome_cache;
  outcome_cache.key_namespace = absl::StrCat(
      "outreach:recommendations:v1:", (*store)->incarnation(), ":");
  outcome_cache.ttl = absl::GetFlag(FLAGS_cache_ttl);
  CacheAsideOptions reference_cache = outcome_cache;
  // A cached outcome must be one the store wrote: anything else (planted,
  // corrupt) is dropped and read from the store again.
  outcome_cache.plausible = &IsMessageAtRevision<v1::Recommendation>;
  RecommendationStore* revisions = store->get();
  outcome_cache.latest_revision = [revisions] {
    return revisions->LatestRevision();
  };
  outcome_cache.shared_epoch = shared_epoch.get();
  CacheAside cache(shared_cache, outcome_cache);
  // What the entity checker caches is "1" at version 1, nothing else.
  reference_cache.plausible = [](int64_t version, absl::string_view value) {
    return version == 1 && value == "1";
  };
  reference_cache.key_namespace = absl::StrCat(
      "outreach:recommendations:v1:refs:", (*store)->incarnation(), ":");
  reference_cache.ttl = absl::GetFlag(FLAGS_reference_cache_ttl);
  CacheAside refs(shared_cache, reference_cache);

  auto events_stub = outreach::events::v1::EventsService::NewStub(
      MakeServiceChannel(absl::GetFlag(FLAGS_events_address),
                         outreach::events::v1::EventsService::service_full_name(), &metrics,
                         peer_credentials));
  auto participants_stub =
      outreach::participants::v1::ParticipantsService::NewStub(
          MakeServiceChannel(absl::GetFlag(FLAGS_participants_address),
                         outreach::participants::v1::ParticipantsService::service_full_name(), &metrics,
                         peer_credentials));
  CallPolicyOptions policy_options;
  policy_options.default_timeout = absl::GetFlag(FLAGS_dependency_timeout);
  CallPolicy policy(policy_options);
  GrpcEventChecker events(events_stub.get(), &policy);
  GrpcEntityChecker entities(participants_stub.get(), &policy, &refs);

  RecommendationManager manager(store->get(), &cache, &events, &entities,
                                SystemClock::Default(),
                                &base->security->readers());
  RecommendationsServiceImpl service(&manager);

  // Every acknowledged write changes the suite's write generation, which
  // keys the gateway's composite cache.
  WriteGeneration generation(base->generation_cache.get());
  // Composites computed before this store started (before a restore,
  // say) must never be served again: a store that starts moves the suite's
  // write generation on, as a write would.
  generation.Bump();
  server_options.after_write = [&generation] { generation.Bump(); };
  RecommendationStore* readiness_store = store->get();
  return Serve(server_options,
               {{&service, v1::RecommendationsService::service_full_name()}},
               [readiness_store] { return readiness_store->Ping(); },
               "recommendations service", {{"store", StoreLocationForLog(db_path)}});
}

}  // namespace
}  // namespace outreach::recommendations

int main(int argc, char** argv) {
  outreach::BlockTerminationSignals();
  outreach::ParseFlagsWithEnv(
      argc, argv,
      "The Outreach recommendations service. Flags may also be set as "
      "OUTREACH_<FLAG> environment variables.");
  return outreach::recommendations::Run();
}
