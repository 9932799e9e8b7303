// outreach_health: asks a server for its grpc.health.v1 status, as
// Kubernetes' gRPC probe does, and optionally lists its services through
// reflection. Exit code 0 when SERVING, 1 otherwise; used by scripts/run.sh
// and handy by hand:
//
//   outreach_health --address=127.0.0.1:8081
//   outreach_health --address=127.0.0.1:8081 --list

#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/config/env_flags.h"
#include "common/security/client_security.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"

ABSL_FLAG(std::string, address, "127.0.0.1:8081", "Server host:port.");
ABSL_FLAG(std::string, service, "",
          "Service to ask about; empty means the whole server.");
ABSL_FLAG(absl::Duration, timeout, absl::Seconds(2), "Deadline of each call.");
ABSL_FLAG(bool, list, false, "Also print the services reflection lists.");

namespace {

int ListServices(const std::shared_ptr<grpc::Channel>& channel) {
  auto stub = grpc::reflection::v1alpha::ServerReflection::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(
      absl::ToChronoTime(absl::Now() + absl::GetFlag(FLAGS_timeout)));
  auto stream = stub->ServerReflectionInfo(&ctx);
  grpc::reflection::v1alpha::ServerReflectionRequest req;
  req.set_list_services("");
  stream->Write(req);
  stream->WritesDone();
  grpc::reflection::v1alpha::ServerReflectionResponse resp;
  while (stream->Read(&resp)) {
    for (const auto& s : resp.list_services_response().service()) {
      std::printf("  %s\n", s.name().c_str());
    }
  }
  grpc::Status s = stream->Finish();
  if (!s.ok()) {
    std::fprintf(stderr, "reflection failed: %s\n", s.error_message().c_str());
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  outreach::ParseFlagsWithEnv(argc, argv,
                              "Checks a server's grpc.health.v1 status.");
  auto credentials =
      outreach::ClientCredentials(outreach::ClientSecurityFromFlags());
  if (!credentials.ok()) {
    std::fprintf(stderr, "%s\n", std::string(credentials.status().message()).c_str());
    return 2;
  }
  auto channel =
      grpc::CreateChannel(absl::GetFlag(FLAGS_address), *credentials);
  auto stub = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(
      absl::ToChronoTime(absl::Now() + absl::GetFlag(FLAGS_timeout)));
  grpc::health::v1::HealthCheckRequest req;
  req.set_service(absl::GetFlag(FLAGS_service));
  grpc::health::v1::HealthCheckResponse resp;
  grpc::Status s = stub->Check(&ctx, req, &resp);
  if (!s.ok()) {
    std::fprintf(stderr, "%s: health check failed: %s\n",
                 absl::GetFlag(FLAGS_address).c_str(),
                 s.error_message().c_str());
    return 1;
  }
  std::printf(
      "%s %s\n", absl::GetFlag(FLAGS_address).c_str(),
      grpc::health::v1::HealthCheckResponse::ServingStatus_Name(resp.status())
          .c_str());
  int rc =
      resp.status() == grpc::health::v1::HealthCheckResponse::SERVING ? 0 : 1;
  if (absl::GetFlag(FLAGS_list)) rc |= ListServices(channel);
  return rc;
}
