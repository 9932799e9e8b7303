#include "common/server/call_log_interceptor.h"

#include <random>

#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/log/json_log.h"
#include "common/server/utf8_violation.h"
#include "common/status/status_util.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/server_context.h"

namespace outreach {
namespace {

using grpc::experimental::InterceptionHookPoints;

class CallLogInterceptor final : public grpc::experimental::Interceptor {
 public:
  CallLogInterceptor(grpc::experimental::ServerRpcInfo* info,
                     std::atomic<int>* in_flight,
                     const std::function<void()>* after_write, Metrics* metrics,
                     uint64_t access_log_every, std::atomic<uint64_t>* reads)
      : info_(info),
        after_write_(after_write),
        metrics_(metrics),
        access_log_every_(access_log_every),
        reads_(reads),
        start_(absl::Now()) {
    const char* method = info->method();
    if (in_flight != nullptr &&
        !(method != nullptr &&
          absl::string_view(method) == "/grpc.health.v1.Health/Watch")) {
      in_flight_ = in_flight;
      in_flight_->fetch_add(1);
      if (metrics_ != nullptr) metrics_->AddInFlight(1);
    }
  }
  ~CallLogInterceptor() override {
    if (in_flight_ != nullptr) {
      in_flight_->fetch_sub(1);
      if (metrics_ != nullptr) metrics_->AddInFlight(-1);
    }
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
    // gRPC hands the interceptor no message when the request's bytes did
    // not parse, and then answers INTERNAL with no message itself. Only
    // for calls with one request: a stream's end is also no message.
    using Type = grpc::experimental::ServerRpcInfo::Type;
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::POST_RECV_MESSAGE) &&
        (info_->type() == Type::UNARY ||
         info_->type() == Type::SERVER_STREAMING) &&
        methods->GetRecvMessage() == nullptr) {
      unparsable_request_ = true;
    }
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_STATUS)) {
      grpc::Status status = methods->GetSendStatus();
      // A request protobuf refused for invalid UTF-8 (utf8_violation.h):
      // bad input, not a server fault.
      if (status.error_code() == grpc::StatusCode::INTERNAL) {
        if (auto field = TakeUtf8Violation(); field.has_value()) {
          status = ToGrpcStatus(
              InvalidField(FieldPathOf(RequestType(), *field),
                           "is not valid UTF-8 (a string field must be)"));
          methods->ModifySendStatus(status);
        } else if (unparsable_request_) {
          // Bytes that are not the request message (binary, truncated, a
          // wrong type): bad input, not a server fault.
          const auto* type = RequestType();
          status = grpc::Status(
              grpc::StatusCode::INVALID_ARGUMENT,
              absl::StrCat("the request is not a valid ",
                           type != nullptr ? type->full_name() : "message",
                           " (its bytes do not parse)"));
          methods->ModifySendStatus(status);
        }
      }
      // The request id goes back in the trailers, not the headers: a
      // failed call whose headers are empty is answered "trailers-only",
      // which is what lets a client's gRPC retry it (gRFC A6 commits a call
      // once headers arrive).
      methods->GetSendTrailingMetadata()->emplace(kRequestIdHeader,
                                                  request_id_);
      // A failure of this service's own dependency, which this service
      // retried already: tell gRPC clients not to retry it again
      // (gRFC A6 server pushback; a negative delay means never).
      if (status.error_code() == grpc::StatusCode::UNAVAILABLE &&
          IsDependencyFailure(status)) {
        methods->GetSendTrailingMetadata()->emplace(kRetryPushbackHeader, "-1");
      }
      auto* trailers = methods->GetSendTrailingMetadata();
      const bool wrote_nothing = trailers->erase(kWroteNothingTrailer) > 0;
      if (status.ok() && !wrote_nothing && after_write_ != nullptr &&
          *after_write_ && info_->method() != nullptr &&
          IsWriteMethod(info_->method())) {
        (*after_write_)();
      }
      LogCall(status);
    }
    methods->Proceed();
  }

 private:
  // The request message type of this call's method, from the descriptor
  // pool; null when unknown.
  const google::protobuf::Descriptor* RequestType() const {
    const absl::string_view full = info_->method() ? info_->method() : "";
    const size_t slash = full.rfind('/');
    if (full.size() < 2 || slash == absl::string_view::npos || slash == 0) {
      return nullptr;
    }
    const auto* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
            std::string(full.substr(1, slash - 1)));
    if (service == nullptr) return nullptr;
    const auto* method =
        service->FindMethodByName(std::string(full.substr(slash + 1)));
    return method == nullptr ? nullptr : method->input_type();
  }

  void LogCall(const grpc::Status& status) {
    const std::string method = info_->method() ? info_->method() : "";
    const absl::Duration latency = absl::Now() - start_;
    if (metrics_ != nullptr) {
      // An unknown method's name is whatever the caller sent; it must not
      // become a label value, or any client could grow the series unbounded.
      const bool unknown =
          status.error_code() == grpc::StatusCode::UNIMPLEMENTED;
      metrics_->ObserveServerCall(unknown ? "unknown" : method,
                                  GrpcCodeName(status.error_code()), latency);
    }
    if (status.ok() && absl::StartsWith(method, "/grpc.health.v1.Health/")) {
      return;
    }
    if (status.ok() && access_log_every_ > 1 && !IsWriteMethod(method) &&
        reads_->fetch_add(1, std::memory_order_relaxed) % access_log_every_ !=
            0) {
      return;
    }
    nlohmann::json fields = {
        {"method", method},
        {"code", GrpcCodeName(status.error_code())},
        {"latency_ms", absl::ToDoubleMilliseconds(latency)},
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
  Metrics* const metrics_;
  const uint64_t access_log_every_;
  std::atomic<uint64_t>* const reads_;
  std::atomic<int>* in_flight_ = nullptr;
  absl::Time start_;
  std::string request_id_;
  bool unparsable_request_ = false;
};

}  // namespace

grpc::experimental::Interceptor*
CallLogInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  return new CallLogInterceptor(info, in_flight_, &after_write_, metrics_,
                                access_log_every_, &reads_);
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
  // A random 64-bit process prefix and a counter: unique without a random
  // draw per call, and without seeding a generator on each new thread (the
  // synchronous server starts and retires threads as load changes, and
  // seeding reads the kernel's entropy).
  static const uint64_t prefix =
      std::random_device{}() * 0x9e3779b97f4a7c15ULL ^
      static_cast<uint64_t>(absl::GetCurrentTimeNanos());
  static std::atomic<uint64_t> counter{0};
  return absl::StrFormat("%016x%016x", prefix, counter.fetch_add(1));
}

}  // namespace outreach
