#include "tests/testing/service_process.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status/status_util.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"

namespace outreach::testing {

ServiceProcess::ServiceProcess(std::string binary,
                               std::vector<std::string> flags,
                               std::string log_path)
    : binary_(std::move(binary)),
      flags_(std::move(flags)),
      log_path_(std::move(log_path)),
      port_(PickFreePort()),
      metrics_port_(PickFreePort()),
      health_port_(PickFreePort()) {}

ServiceProcess::~ServiceProcess() { process_.Stop(absl::Seconds(5)); }

std::string ServiceProcess::address() const {
  return absl::StrCat("127.0.0.1:", port_);
}

std::shared_ptr<grpc::Channel> ServiceProcess::NewChannel() const {
  return NewChannel(grpc::InsecureChannelCredentials());
}

std::shared_ptr<grpc::Channel> ServiceProcess::NewChannel(
    std::shared_ptr<grpc::ChannelCredentials> credentials) const {
  grpc::ChannelArguments args;
  // Each test channel gets its own connection.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(address(), credentials, args);
}

bool ServiceProcess::Start(absl::Duration timeout) {
  return Launch() && WaitServing(timeout);
}

bool ServiceProcess::Launch() {
  std::vector<std::string> argv = {
      binary_, absl::StrCat("--port=", port_),
      absl::StrCat("--metrics_port=", metrics_port_),
      absl::StrCat("--health_port=", health_port_),
      "--listen_host=127.0.0.1"};
  argv.insert(argv.end(), flags_.begin(), flags_.end());
  return process_.Start(argv, log_path_);
}

bool ServiceProcess::WaitServing(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    // A fresh channel each time: a channel whose first connect was refused
    // keeps reporting that failure for a while.
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    if (HealthStatus(grpc::CreateCustomChannel(
                         absl::StrCat("127.0.0.1:", health_port_),
                         grpc::InsecureChannelCredentials(), args),
                     "") == "SERVING") {
      return true;
    }
    if (!process_.running()) return false;
    absl::SleepFor(absl::Milliseconds(25));
  }
  return false;
}

int ServiceProcess::Stop(absl::Duration grace) { return process_.Stop(grace); }

std::string HealthStatus(const std::shared_ptr<grpc::Channel>& channel,
                         const std::string& service) {
  auto stub = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext ctx;
  // Room for a TLS handshake on a loaded machine; a refused connection
  // still fails at once.
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  grpc::health::v1::HealthCheckRequest req;
  req.set_service(service);
  grpc::health::v1::HealthCheckResponse resp;
  grpc::Status s = stub->Check(&ctx, req, &resp);
  if (!s.ok()) {
    if (s.error_code() == grpc::StatusCode::NOT_FOUND) return "SERVICE_UNKNOWN";
    return absl::StrCat("error ", s.error_code(), ": ", s.error_message());
  }
  return grpc::health::v1::HealthCheckResponse::ServingStatus_Name(
      resp.status());
}

std::vector<std::string> ReflectedServices(
    const std::shared_ptr<grpc::Channel>& channel, grpc::StatusCode* code) {
  auto stub = grpc::reflection::v1alpha::ServerReflection::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  auto stream = stub->ServerReflectionInfo(&ctx);
  grpc::reflection::v1alpha::ServerReflectionRequest req;
  req.set_list_services("");
  std::vector<std::string> names;
  if (stream->Write(req)) {
    stream->WritesDone();
    grpc::reflection::v1alpha::ServerReflectionResponse resp;
    while (stream->Read(&resp)) {
      for (const auto& s : resp.list_services_response().service()) {
        names.push_back(s.name());
      }
    }
  }
  const grpc::Status status = stream->Finish();
  if (code != nullptr) *code = status.error_code();
  return names;
}

std::vector<std::string> ViolatedFields(const grpc::Status& status) {
  std::vector<std::string> out;
  for (const auto& v : GetFieldViolations(FromGrpcStatus(status))) {
    out.push_back(v.field);
  }
  return out;
}

}  // namespace outreach::testing
