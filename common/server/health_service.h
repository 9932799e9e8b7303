#ifndef OUTREACH_COMMON_SERVER_HEALTH_SERVICE_H_
#define OUTREACH_COMMON_SERVER_HEALTH_SERVICE_H_

// grpc.health.v1.Health on the synchronous API.
//
// gRPC's built-in health service is a callback service; registering it on
// an otherwise synchronous server adds callback pollers that compete with
// the request threads, which cost about a fifth of an echo's throughput on
// two cores (docs/performance.md). This one runs on the same threads as
// everything else. The protocol is the standard one:
//
// - Check: the status of a registered name; NOT_FOUND for an unknown one.
// - Watch: the current status (SERVICE_UNKNOWN for an unknown name), then
//   each change, until the caller cancels or the server shuts down. A
//   watch holds a server thread, so at most `max_watches` run at once;
//   more get RESOURCE_EXHAUSTED. (Kubernetes probes use Check.)
//
// Thread-safe.

#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace outreach {

class HealthService final : public grpc::health::v1::Health::Service {
 public:
  explicit HealthService(int max_watches = 4) : max_watches_(max_watches) {}

  // Registers `service` if new, and sets its status. Ignored after
  // Shutdown().
  void SetServing(const std::string& service, bool serving);
  // Every name NOT_SERVING from now on; watches send that and end.
  void Shutdown();

  grpc::Status Check(grpc::ServerContext* context,
                     const grpc::health::v1::HealthCheckRequest* request,
                     grpc::health::v1::HealthCheckResponse* response) override;
  grpc::Status Watch(
      grpc::ServerContext* context,
      const grpc::health::v1::HealthCheckRequest* request,
      grpc::ServerWriter<grpc::health::v1::HealthCheckResponse>* writer)
      override;

 private:
  using Status = grpc::health::v1::HealthCheckResponse::ServingStatus;
  Status StatusOf(const std::string& service) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const int max_watches_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, bool> serving_ ABSL_GUARDED_BY(mu_);
  // Bumped on every change, so watchers know to look again.
  int64_t version_ ABSL_GUARDED_BY(mu_) = 0;
  bool shutdown_ ABSL_GUARDED_BY(mu_) = false;
  int watches_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace outreach

#endif  // OUTREACH_COMMON_SERVER_HEALTH_SERVICE_H_
