#include "common/client/channel.h"

#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "nlohmann/json.hpp"
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

bool IsReadMethodName(const std::string& method) {
  for (const char* prefix :
       {"Get", "List", "BatchGet", "Check", "Resolve", "Render"}) {
    if (absl::StartsWith(method, prefix)) return true;
  }
  return false;
}

std::string ServiceConfigFor(const std::string& service) {
  nlohmann::json names = nlohmann::json::array();
  const google::protobuf::ServiceDescriptor* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
          service);
  if (descriptor != nullptr) {
    for (int i = 0; i < descriptor->method_count(); ++i) {
      const std::string& method = descriptor->method(i)->name();
      if (IsReadMethodName(method)) {
        names.push_back({{"service", service}, {"method", method}});
      }
    }
  }
  nlohmann::json config = {
      {"retryThrottling", {{"maxTokens", 10}, {"tokenRatio", 0.1}}}};
  if (!names.empty()) {
    config["methodConfig"] = nlohmann::json::array(
        {{{"name", names},
          {"retryPolicy",
           {{"maxAttempts", 3},
            {"initialBackoff", "0.05s"},
            {"maxBackoff", "1s"},
            {"backoffMultiplier", 2},
            {"retryableStatusCodes", {"UNAVAILABLE"}}}}}});
  }
  return config.dump();
}

grpc::experimental::Interceptor*
ClientMetricsInterceptorFactory::CreateClientInterceptor(
    grpc::experimental::ClientRpcInfo* info) {
  return new ClientMetricsInterceptor(info, metrics_);
}

std::shared_ptr<grpc::Channel> MakeServiceChannel(
    const std::string& address, const std::string& service, Metrics* metrics,
    std::shared_ptr<grpc::ChannelCredentials> credentials) {
  if (credentials == nullptr) credentials = grpc::InsecureChannelCredentials();
  grpc::ChannelArguments args;
  args.SetLoadBalancingPolicyName("round_robin");
  args.SetServiceConfigJSON(ServiceConfigFor(service));
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
