#include "common/server/health_service.h"

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/server/call_gate.h"

namespace outreach {

using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

namespace {
constexpr absl::string_view kService = "grpc.health.v1.Health";
}  // namespace

void HealthService::SetServing(const std::string& service, bool serving) {
  absl::MutexLock lock(&mu_);
  if (shutdown_) return;
  auto [it, inserted] = serving_.try_emplace(service, serving);
  if (!inserted && it->second == serving) return;
  it->second = serving;
  ++version_;
}

void HealthService::Shutdown() {
  absl::MutexLock lock(&mu_);
  shutdown_ = true;
  for (auto& [name, serving] : serving_) serving = false;
  ++version_;
}

HealthService::Status HealthService::StatusOf(
    const std::string& service) const {
  auto it = serving_.find(service);
  if (it == serving_.end()) return HealthCheckResponse::SERVICE_UNKNOWN;
  return it->second ? HealthCheckResponse::SERVING
                    : HealthCheckResponse::NOT_SERVING;
}

grpc::Status HealthService::Check(grpc::ServerContext* context,
                                  const HealthCheckRequest* request,
                                  HealthCheckResponse* response) {
  if (auto denied = GateCall(*context, kService, "Check"); !denied.ok()) {
    return denied;
  }
  absl::MutexLock lock(&mu_);
  const Status status = StatusOf(request->service());
  if (status == HealthCheckResponse::SERVICE_UNKNOWN) {
    return grpc::Status(grpc::StatusCode::NOT_FOUND, "unknown service");
  }
  response->set_status(status);
  return grpc::Status::OK;
}

grpc::Status HealthService::Watch(
    grpc::ServerContext* context, const HealthCheckRequest* request,
    grpc::ServerWriter<HealthCheckResponse>* writer) {
  if (auto denied = GateCall(*context, kService, "Watch"); !denied.ok()) {
    return denied;
  }
  {
    absl::MutexLock lock(&mu_);
    if (watches_ >= max_watches_) {
      return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                          "too many health watches on this server");
    }
    ++watches_;
  }
  int64_t seen = -1;
  Status sent = HealthCheckResponse::UNKNOWN;
  grpc::Status result = grpc::Status::OK;
  for (;;) {
    Status now;
    bool ended;
    {
      absl::MutexLock lock(&mu_);
      // Wake on a change, or every 200ms to notice a cancelled caller.
      auto changed = [this, seen]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return version_ != seen;
      };
      mu_.AwaitWithTimeout(absl::Condition(&changed), absl::Milliseconds(200));
      seen = version_;
      now = StatusOf(request->service());
      ended = shutdown_;
    }
    if (context->IsCancelled()) {
      result = grpc::Status(grpc::StatusCode::CANCELLED, "watch cancelled");
      break;
    }
    if (now != sent) {
      HealthCheckResponse response;
      response.set_status(now);
      if (!writer->Write(response)) break;
      sent = now;
    }
    if (ended) break;
  }
  absl::MutexLock lock(&mu_);
  --watches_;
  return result;
}

}  // namespace outreach
