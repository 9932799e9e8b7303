// The participants service: flags, then options, then run. Every flag can
// also be set from the environment as OUTREACH_<FLAG>.

#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/cache/write_generation.h"
#include "common/client/call_policy.h"
#include "common/client/event_checker.h"
#include "common/client/channel.h"
#include "common/config/env_flags.h"
#include "common/metrics/metrics.h"
#include "common/geo/iso3166.h"
#include "common/log/json_log.h"
#include "common/server/server_runner.h"
#include "common/server/service_flags.h"
#include "common/sql/store_flags.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "services/participants/participant_manager.h"
#include "services/participants/participants_service.h"
#include "services/participants/reference_data.h"
#include "services/participants/sql_participant_store.h"

#ifndef OUTREACH_PARTICIPANTS_DATA_DIR
#define OUTREACH_PARTICIPANTS_DATA_DIR "/usr/share/outreach/participants"
#endif

ABSL_FLAG(int, port, 8082, "gRPC port; 0 picks a free one.");
ABSL_FLAG(std::string, db_path, ".outreach/data/participants.db",
          "SQLite database file; created and migrated when missing. Unused "
          "with --database_url.");
ABSL_FLAG(std::string, reference_dir, OUTREACH_PARTICIPANTS_DATA_DIR,
          "Folder with the reference data (osce_2013.tsv, memberships.tsv, "
          "state_aliases.tsv, organizations.tsv).");
ABSL_FLAG(std::string, iso3166_path, outreach::kDefaultIso3166Path,
          "ISO 3166-1 JSON from Debian's iso-codes package.");
ABSL_FLAG(std::string, events_address, "127.0.0.1:8081",
          "The events service, host:port (dns:/// names balance with "
          "round_robin).");
ABSL_FLAG(absl::Duration, dependency_timeout, absl::Seconds(2),
          "Budget of a call to the events service when the caller set none.");
ABSL_FLAG(absl::Duration, events_timeout, absl::Seconds(2),
          "Deprecated: use --dependency_timeout, which it sets.");
ABSL_FLAG(absl::Duration, event_cache_ttl, absl::Seconds(30),
          "Deprecated and ignored: whether an event exists is always asked "
          "of the events service, since a cached answer could let a "
          "participation be created under an event deleted since. Accepted "
          "so that existing configurations still start.");
ABSL_FLAG(int, metrics_port, 9082,
          "Port of the Prometheus /metrics endpoint, on --listen_host; 0 "
          "serves none.");

namespace outreach::participants {
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
  auto reference =
      LoadReferenceEntities(absl::GetFlag(FLAGS_reference_dir), **countries);
  if (!reference.ok()) {
    LogError("cannot load reference data",
             {{"error", std::string(reference.status().message())}});
    return 1;
  }
  const std::string db_path = absl::GetFlag(FLAGS_db_path);
  auto opened = OpenStoreFromFlags(db_path, "participants", SqlParticipantStore::Migrations(),
                                   &metrics);
  if (!opened.ok()) {
    LogError("cannot open the database",
             {{"store", StoreLocationForLog(db_path)},
              {"error", std::string(opened.status().message())}});
    return 1;
  }
  auto store = std::make_unique<SqlParticipantStore>(std::move(opened->db));


  auto channel =
      MakeServiceChannel(absl::GetFlag(FLAGS_events_address),
                         outreach::events::v1::EventsService::service_full_name(), &metrics,
                         peer_credentials);
  auto events_stub = outreach::events::v1::EventsService::NewStub(channel);
  CallPolicyOptions policy_options;
  policy_options.default_timeout = absl::GetFlag(FLAGS_dependency_timeout);
  CallPolicy policy(policy_options);
  GrpcEventChecker checker(events_stub.get(), &policy);

  ParticipantManager manager(store.get(), &checker, SystemClock::Default());
  auto ambiguous = LoadAmbiguousNames(absl::GetFlag(FLAGS_reference_dir),
                                      **countries);
  if (!ambiguous.ok()) {
    LogError("cannot load the reference data",
             {{"error", std::string(ambiguous.status().message())}});
    return 1;
  }
  if (auto s = manager.Load(*reference, std::move(*ambiguous)); !s.ok()) {
    LogError("cannot load the registry", {{"error", std::string(s.message())}});
    return 1;
  }
  ParticipantsServiceImpl service(&manager);

  // Every acknowledged write changes the suite's write generation, which
  // keys the gateway's composite cache.
  WriteGeneration generation(base->generation_cache.get());
  // Composites computed before this store started (before a restore,
  // say) must never be served again: a store that starts moves the suite's
  // write generation on, as a write would.
  generation.Bump();
  server_options.after_write = [&generation] { generation.Bump(); };
  ParticipantStore* readiness_store = store.get();
  return Serve(server_options,
               {{&service, v1::ParticipantsService::service_full_name()}},
               [readiness_store] { return readiness_store->Ping(); },
               "participants service",
               {{"store", StoreLocationForLog(db_path)},
                {"entities", reference->size()},
                {"events", absl::GetFlag(FLAGS_events_address)}});
}

}  // namespace
}  // namespace outreach::participants

int main(int argc, char** argv) {
  outreach::BlockTerminationSignals();
  outreach::ParseFlagsWithEnv(
      argc, argv,
      "The Outreach participants service. Flags may also be set as "
      "OUTREACH_<FLAG> environment variables.");
  if (auto s = outreach::ApplyDeprecatedAliases(
          {{"events_timeout", "dependency_timeout"}});
      !s.ok()) {
    outreach::LogError("bad flags", {{"error", std::string(s.message())}});
    return 2;
  }
  return outreach::participants::Run();
}
