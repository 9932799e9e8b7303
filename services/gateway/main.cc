// The aggregation gateway: flags, then options, then run. Every flag can
// also be set from the environment as OUTREACH_<FLAG>.

#include <algorithm>
#include <csignal>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/cache/near_cache.h"
#include "common/cache/write_generation.h"
#include "common/client/call_policy.h"
#include "common/client/channel.h"
#include "common/concurrency/thread_pool.h"
#include "common/config/env_flags.h"
#include "common/geo/iso3166.h"
#include "common/log/json_log.h"
#include "common/metrics/metrics.h"
#include "common/server/server_runner.h"
#include "common/server/service_flags.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "services/gateway/backend_clients.h"
#include "services/gateway/gateway_service.h"
#include "services/gateway/note_composer.h"
#include "services/gateway/note_importer.h"

ABSL_FLAG(int, port, 8080, "gRPC port; 0 picks a free one.");
ABSL_FLAG(std::string, events_address, "127.0.0.1:8081",
          "The events service, host:port.");
ABSL_FLAG(std::string, participants_address, "127.0.0.1:8082",
          "The participants service, host:port.");
ABSL_FLAG(std::string, recommendations_address, "127.0.0.1:8083",
          "The recommendations service, host:port.");
ABSL_FLAG(absl::Duration, dependency_timeout, absl::Seconds(5),
          "Budget of a composite call when the caller set no deadline.");
ABSL_FLAG(std::string, iso3166_path, outreach::kDefaultIso3166Path,
          "ISO 3166-1 JSON from Debian's iso-codes package.");
ABSL_FLAG(absl::Duration, cache_ttl, absl::Minutes(5),
          "Lifetime of a cached composite result.");
ABSL_FLAG(int64_t, near_cache_bytes, int64_t{32} << 20,
          "Bound of the in-process copy of cached composites, in bytes; 0 "
          "turns it off. Entries are keyed by the write generation, so they "
          "never go stale; each read still asks Redis for the generation.");
ABSL_FLAG(int, metrics_port, 9080,
          "Port of the Prometheus /metrics endpoint, on --listen_host; 0 "
          "serves none.");
ABSL_FLAG(int, fanout_threads, 64,
          "Threads kept for the parallel calls of composite views.");
ABSL_FLAG(int, import_threads, 8,
          "Imports (parsing, resolving, creating) that run at once, each on "
          "the thread that took its call.");
ABSL_FLAG(int, max_queued_imports, 8,
          "Imports that may wait for a turn, each holding its serving "
          "thread; more are refused with RESOURCE_EXHAUSTED. With "
          "--import_threads, at most half of --max_threads.");
ABSL_FLAG(std::string, test_kill_after_import_step, "",
          "Fault tests only: the gateway kills itself (SIGKILL) right after "
          "this step of an import: event, participations, outcome-N, "
          "complete. Empty (the default) in any real deployment.");

namespace outreach::gateway {
namespace {

int Run() {
  // Every part below records into this; it outlives them all.
  Metrics metrics;
  // Its calls wait on Redis and on the backends, so more of its threads
  // must be free to take the next call (ServerOptions::max_pollers).
  auto base = ServiceBaseFromFlags(absl::GetFlag(FLAGS_port),
                                   absl::GetFlag(FLAGS_metrics_port), &metrics,
                                   /*default_max_pollers=*/16);
  if (!base.ok()) {
    LogError("bad flags", {{"error", std::string(base.status().message())}});
    return 2;
  }
  ServerOptions& server_options = base->server;
  // Imports run on serving threads (gateway_service.h): running and
  // waiting ones together may hold at most half of them, so that reads
  // always find a thread.
  const int import_threads = absl::GetFlag(FLAGS_import_threads);
  const int max_queued_imports = absl::GetFlag(FLAGS_max_queued_imports);
  if (import_threads < 1 || max_queued_imports < 0 ||
      import_threads + max_queued_imports > server_options.max_threads / 2) {
    LogError(
        "bad flags",
        {{"error", absl::StrCat("--import_threads (", import_threads,
                                ", at least 1) plus --max_queued_imports (",
                                max_queued_imports,
                                ") may be at most half of --max_threads (",
                                server_options.max_threads, ")")}});
    return 2;
  }
  const auto peer_credentials = base->security->channel_credentials();
  auto countries = CountryRegistry::Load(absl::GetFlag(FLAGS_iso3166_path));
  if (!countries.ok()) {
    LogError("cannot load ISO 3166 data",
             {{"error", std::string(countries.status().message())}});
    return 1;
  }
  auto events = outreach::events::v1::EventsService::NewStub(MakeServiceChannel(
      absl::GetFlag(FLAGS_events_address),
      outreach::events::v1::EventsService::service_full_name(), &metrics,
      peer_credentials));
  auto participants = outreach::participants::v1::ParticipantsService::NewStub(
      MakeServiceChannel(
          absl::GetFlag(FLAGS_participants_address),
          outreach::participants::v1::ParticipantsService::service_full_name(),
          &metrics, peer_credentials));
  auto recommendations =
      outreach::recommendations::v1::RecommendationsService::NewStub(
          MakeServiceChannel(absl::GetFlag(FLAGS_recommendations_address),
                             outreach::recommendations::v1::
                                 RecommendationsService::service_full_name(),
                             &metrics, peer_credentials));
  CallPolicyOptions policy_options;
  policy_options.default_timeout = absl::GetFlag(FLAGS_dependency_timeout);
  policy_options.max_timeout = absl::GetFlag(FLAGS_dependency_timeout) * 2;
  CallPolicy policy(policy_options);
  Cache* const shared_cache = base->shared_cache.get();
  // The gateway only reads the generation; the stores keep it.
  WriteGenerationOptions generation_options;
  generation_options.role = WriteGenerationOptions::Role::kReader;
  WriteGeneration generation(shared_cache, generation_options);
  ThreadPool fanout(absl::GetFlag(FLAGS_fanout_threads));
  auto events_client = MakeGrpcEventsClient(events.get(), &policy);
  auto participants_client =
      MakeGrpcParticipantsClient(participants.get(), &policy);
  auto recommendations_client =
      MakeGrpcRecommendationsClient(recommendations.get(), &policy);
  const BackendClients clients = {events_client.get(),
                                  participants_client.get(),
                                  recommendations_client.get()};
  const int64_t near_bytes = absl::GetFlag(FLAGS_near_cache_bytes);
  NearCache<std::string> near(
      static_cast<size_t>(std::max<int64_t>(0, near_bytes)),
      [](const std::string& bytes) { return bytes.size(); });
  NoteComposer composer(clients, &fanout, countries->get(), shared_cache,
                        &generation, absl::GetFlag(FLAGS_cache_ttl),
                        DeadlineShares{}, &base->security->readers(),
                        near_bytes > 0 ? &near : nullptr);
  NoteImporter::StepHook hook;
  if (const std::string step = absl::GetFlag(FLAGS_test_kill_after_import_step);
      !step.empty()) {
    // Fault tests only: die as `kill -9` would, after that step.
    hook = [step](absl::string_view done) {
      if (done == step) raise(SIGKILL);
    };
  }
  NoteImporter importer(clients, DeadlineShares{}, std::move(hook));
  GatewayServiceImpl service(&composer, &importer, import_threads,
                             max_queued_imports);

  // The gateway keeps no store: it is ready as soon as it serves.
  return Serve(server_options,
               {{&service, v1::GatewayService::service_full_name()}}, nullptr,
               "gateway", {{"events", absl::GetFlag(FLAGS_events_address)}});
}

}  // namespace
}  // namespace outreach::gateway

int main(int argc, char** argv) {
  outreach::BlockTerminationSignals();
  outreach::ParseFlagsWithEnv(
      argc, argv,
      "The Outreach aggregation gateway. Flags may also be set as "
      "OUTREACH_<FLAG> environment variables.");
  return outreach::gateway::Run();
}
