#ifndef OUTREACH_COMMON_CLIENT_CHANNEL_H_
#define OUTREACH_COMMON_CLIENT_CHANNEL_H_

// The channel one Outreach service uses to call another.
//
// - round_robin over every address the name resolves to: in Kubernetes the
//   target is a headless Service, so DNS returns each ready pod and calls
//   spread across them instead of sticking to one connection.
// - Each call's target service, method, final code and latency go to
//   Metrics (client_requests_total, client_request_duration_seconds).

#include <memory>
#include <string>

#include "common/metrics/metrics.h"
#include "grpcpp/channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/client_interceptor.h"

namespace outreach {

// `metrics` may be null (nothing is recorded); not owned, must outlive the
// channel. `credentials`: the caller's own (ServerSecurity's
// channel_credentials()); null is plaintext.
std::shared_ptr<grpc::Channel> MakeServiceChannel(
    const std::string& address, Metrics* metrics,
    std::shared_ptr<grpc::ChannelCredentials> credentials = nullptr);

// Records each call on a channel into Metrics. Exposed for tests.
class ClientMetricsInterceptorFactory
    : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit ClientMetricsInterceptorFactory(Metrics* metrics)
      : metrics_(metrics) {}
  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo* info) override;

 private:
  Metrics* const metrics_;
};

}  // namespace outreach

#endif  // OUTREACH_COMMON_CLIENT_CHANNEL_H_
