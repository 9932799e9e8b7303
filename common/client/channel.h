#ifndef OUTREACH_COMMON_CLIENT_CHANNEL_H_
#define OUTREACH_COMMON_CLIENT_CHANNEL_H_

// The channel one Outreach service uses to call another.
//
// - round_robin over every address the name resolves to: in Kubernetes the
//   target is a headless Service, so DNS returns each ready pod and calls
//   spread across them instead of sticking to one connection.
// - Reads are retried by gRPC itself, from the channel's service config:
//   every method of `service` that only reads (Get*, List*, BatchGet*,
//   Check*, Resolve*, Render*) gets a retryPolicy (3 attempts in all, on
//   UNAVAILABLE, backoff 50ms doubling to 1s, within the call's deadline),
//   and the channel a retryThrottling budget (10 tokens, 0.1 back per
//   success), so that retries stop when most calls fail instead of
//   multiplying the load on a struggling peer. A server that answers with
//   grpc-retry-pushback-ms: -1 (common/server/call_log_interceptor.h does,
//   for a failure its own dependency caused) is not retried: retries happen
//   at one layer only. Writes are not in the config; whether one may be
//   retried depends on its request (CallPolicy).
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
// `service` is the full name of the gRPC service called on this channel
// ("outreach.events.v1.EventsService"); its generated code must be linked
// in, so that its methods can be read from the descriptor pool.
std::shared_ptr<grpc::Channel> MakeServiceChannel(
    const std::string& address, const std::string& service, Metrics* metrics,
    std::shared_ptr<grpc::ChannelCredentials> credentials = nullptr);

// The service config MakeServiceChannel gives a channel to `service`
// (JSON). Exposed for tests.
std::string ServiceConfigFor(const std::string& service);

// Whether `method` (a name such as "GetEvent") only reads, and so may be
// retried whatever its request.
bool IsReadMethodName(const std::string& method);

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
