// The aggregation gateway: flags, then options, then run. Every flag can
// also be set from the environment as OUTREACH_<FLAG>.

#include <csignal>
#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/cache/redis_cache.h"
#include "common/cache/write_generation.h"
#include "common/client/call_policy.h"
#include "common/cache/instrumented_cache.h"
#include "common/client/channel.h"
#include "common/concurrency/thread_pool.h"
#include "common/config/env_flags.h"
#include "common/metrics/metrics.h"
#include "common/geo/iso3166.h"
#include "common/log/json_log.h"
#include "common/security/server_security.h"
#include "common/server/server_runner.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "services/gateway/backend_clients.h"
#include "services/gateway/note_composer.h"
#include "services/gateway/note_importer.h"
#include "services/gateway/gateway_service.h"

ABSL_FLAG(std::string, listen_host, "127.0.0.1",
          "Address to listen on; 0.0.0.0 in a container.");
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
ABSL_FLAG(std::string, redis_address, "",
          "Redis host:port for the composite cache; empty runs without one.");
ABSL_FLAG(std::string, redis_username, "",
          "Redis ACL user; empty for the default user.");
ABSL_FLAG(std::string, redis_password, "",
          "Redis password, sent with AUTH. Set it as OUTREACH_REDIS_PASSWORD "
          "(from a Secret), not on the command line.");
ABSL_FLAG(absl::Duration, redis_timeout, absl::Milliseconds(100),
          "Redis connect and command timeout.");
ABSL_FLAG(absl::Duration, cache_ttl, absl::Minutes(5),
          "Lifetime of a cached composite result.");
ABSL_FLAG(int, metrics_port, 9080,
          "Port of the Prometheus /metrics endpoint, on --listen_host; 0 "
          "serves none.");
ABSL_FLAG(int, fanout_threads, 64,
          "Threads kept for the parallel calls of composite views.");
ABSL_FLAG(int, import_threads, 4,
          "Threads that run note imports (parsing, resolving, creating).");
ABSL_FLAG(int, max_queued_imports, 64,
          "Imports that may wait for a thread; more are refused with "
          "RESOURCE_EXHAUSTED.");
ABSL_FLAG(int, max_threads, 32, "Upper bound on threads serving calls.");
ABSL_FLAG(std::string, test_kill_after_import_step, "",
          "Fault tests only: the gateway kills itself (SIGKILL) right after "
          "this step of an import: event, participations, outcome-N, "
          "complete. Empty (the default) in any real deployment.");
ABSL_FLAG(absl::Duration, shutdown_grace, absl::Seconds(20),
          "Time calls in flight get to finish after SIGTERM.");
ABSL_FLAG(int, max_message_bytes, 4 << 20, "Largest request accepted.");

namespace outreach::gateway {
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
  auto events = outreach::events::v1::EventsService::NewStub(
      MakeServiceChannel(absl::GetFlag(FLAGS_events_address), &metrics,
                         peer_credentials));
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
  WriteGeneration generation(shared_cache.get());
  ThreadPool fanout(absl::GetFlag(FLAGS_fanout_threads));
  auto events_client = MakeGrpcEventsClient(events.get(), &policy);
  auto participants_client =
      MakeGrpcParticipantsClient(participants.get(), &policy);
  auto recommendations_client =
      MakeGrpcRecommendationsClient(recommendations.get(), &policy);
  const BackendClients clients = {events_client.get(),
                                  participants_client.get(),
                                  recommendations_client.get()};
  NoteComposer composer(clients, &fanout, countries->get(), shared_cache.get(),
                        &generation, absl::GetFlag(FLAGS_cache_ttl),
                        DeadlineShares{}, &(*security)->readers());
  NoteImporter::StepHook hook;
  if (const std::string step =
          absl::GetFlag(FLAGS_test_kill_after_import_step);
      !step.empty()) {
    // Fault tests only: die as `kill -9` would, after that step.
    hook = [step](absl::string_view done) {
      if (done == step) raise(SIGKILL);
    };
  }
  NoteImporter importer(clients, DeadlineShares{}, std::move(hook));
  ThreadPool imports(absl::GetFlag(FLAGS_import_threads));
  GatewayServiceImpl service(&composer, &importer, &imports,
                             absl::GetFlag(FLAGS_max_queued_imports));

  server_options.max_threads = absl::GetFlag(FLAGS_max_threads);
  server_options.metrics = &metrics;
  server_options.metrics_port = absl::GetFlag(FLAGS_metrics_port);
  server_options.shutdown_grace = absl::GetFlag(FLAGS_shutdown_grace);
  server_options.max_receive_message_bytes =
      absl::GetFlag(FLAGS_max_message_bytes);
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
