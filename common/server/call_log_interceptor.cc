#include "common/server/call_log_interceptor.h"

#include <random>

#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/log/json_log.h"
#include "grpcpp/server_context.h"

namespace outreach {
namespace {

using grpc::experimental::InterceptionHookPoints;

const char* CodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "OK";
    case grpc::StatusCode::CANCELLED:
      return "CANCELLED";
    case grpc::StatusCode::UNKNOWN:
      return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND:
      return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED:
      return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE:
      return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL:
      return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS:
      return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    default:
      return "UNKNOWN";
  }
}

class CallLogInterceptor final : public grpc::experimental::Interceptor {
 public:
  CallLogInterceptor(grpc::experimental::ServerRpcInfo* info,
                     std::atomic<int>* in_flight,
                     const std::function<void()>* after_write)
      : info_(info), after_write_(after_write), start_(absl::Now()) {
    const char* method = info->method();
    if (in_flight != nullptr &&
        !(method != nullptr &&
          absl::string_view(method) == "/grpc.health.v1.Health/Watch")) {
      in_flight_ = in_flight;
      in_flight_->fetch_add(1);
    }
  }
  ~CallLogInterceptor() override {
    if (in_flight_ != nullptr) in_flight_->fetch_sub(1);
  }

  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      auto* md = methods->GetRecvInitialMetadata();
      auto it = md->find(kRequestIdHeader);
      if (it != md->end()) {
        request_id_.assign(it->second.data(), it->second.size());
      }
      if (request_id_.empty() || request_id_.size() > 128) {
        request_id_ = NewRequestId();
      }
    }
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      methods->GetSendInitialMetadata()->emplace(kRequestIdHeader, request_id_);
    }
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_STATUS)) {
      const grpc::Status status = methods->GetSendStatus();
      if (status.ok() && after_write_ != nullptr && *after_write_ &&
          info_->method() != nullptr && IsWriteMethod(info_->method())) {
        (*after_write_)();
      }
      LogCall(status);
    }
    methods->Proceed();
  }

 private:
  void LogCall(const grpc::Status& status) {
    const std::string method = info_->method() ? info_->method() : "";
    if (status.ok() && absl::StartsWith(method, "/grpc.health.v1.Health/")) {
      return;
    }
    nlohmann::json fields = {
        {"method", method},
        {"code", CodeName(status.error_code())},
        {"latency_ms", absl::ToDoubleMilliseconds(absl::Now() - start_)},
        {"request_id", request_id_},
        {"peer", info_->server_context()->peer()},
    };
    if (!status.ok()) fields["error"] = status.error_message();
    const bool server_fault =
        status.error_code() == grpc::StatusCode::INTERNAL ||
        status.error_code() == grpc::StatusCode::UNKNOWN ||
        status.error_code() == grpc::StatusCode::DATA_LOSS;
    Log(server_fault ? LogSeverity::kError : LogSeverity::kInfo, "rpc",
        std::move(fields));
  }

  grpc::experimental::ServerRpcInfo* info_;
  const std::function<void()>* after_write_;
  std::atomic<int>* in_flight_ = nullptr;
  absl::Time start_;
  std::string request_id_;
};

}  // namespace

grpc::experimental::Interceptor*
CallLogInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  return new CallLogInterceptor(info, in_flight_, &after_write_);
}

bool IsWriteMethod(absl::string_view method) {
  const size_t slash = method.rfind('/');
  const absl::string_view name =
      slash == absl::string_view::npos ? method : method.substr(slash + 1);
  for (const char* prefix :
       {"Create", "BatchCreate", "Update", "Delete", "Transition"}) {
    if (absl::StartsWith(name, prefix)) return true;
  }
  return false;
}

std::string NewRequestId() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return absl::StrFormat("%016x%016x", rng(), rng());
}

}  // namespace outreach
