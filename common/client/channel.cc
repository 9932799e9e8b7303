#include "common/client/channel.h"

#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"

namespace outreach {
namespace {

using grpc::experimental::InterceptionHookPoints;

class ClientMetricsInterceptor final : public grpc::experimental::Interceptor {
 public:
  ClientMetricsInterceptor(grpc::experimental::ClientRpcInfo* info,
                           Metrics* metrics)
      : metrics_(metrics), start_(absl::Now()) {
    // "/outreach.events.v1.EventsService/GetEvent" -> target, method.
    const absl::string_view full = info->method() ? info->method() : "";
    const size_t slash = full.rfind('/');
    if (slash != absl::string_view::npos && slash > 0) {
      target_ = std::string(full.substr(1, slash - 1));
      method_ = std::string(full.substr(slash + 1));
    } else {
      method_ = std::string(full);
    }
  }

  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::POST_RECV_STATUS)) {
      const grpc::Status* status = methods->GetRecvStatus();
      metrics_->ObserveClientCall(target_, method_,
                                  GrpcCodeName(status->error_code()),
                                  absl::Now() - start_);
    }
    methods->Proceed();
  }

 private:
  Metrics* const metrics_;
  const absl::Time start_;
  std::string target_;
  std::string method_;
};

}  // namespace

grpc::experimental::Interceptor*
ClientMetricsInterceptorFactory::CreateClientInterceptor(
    grpc::experimental::ClientRpcInfo* info) {
  return new ClientMetricsInterceptor(info, metrics_);
}

std::shared_ptr<grpc::Channel> MakeServiceChannel(
    const std::string& address, Metrics* metrics,
    std::shared_ptr<grpc::ChannelCredentials> credentials) {
  if (credentials == nullptr) credentials = grpc::InsecureChannelCredentials();
  grpc::ChannelArguments args;
  args.SetLoadBalancingPolicyName("round_robin");
  if (metrics == nullptr) {
    return grpc::CreateCustomChannel(
        address, credentials, args);
  }
  std::vector<
      std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>>
      interceptors;
  interceptors.push_back(
      std::make_unique<ClientMetricsInterceptorFactory>(metrics));
  return grpc::experimental::CreateCustomChannelWithInterceptors(
      address, credentials, args,
      std::move(interceptors));
}

}  // namespace outreach
