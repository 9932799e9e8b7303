#include "common/server/call_gate.h"

#include <atomic>
#include <string>

#include "absl/strings/match.h"
#include "grpc/grpc.h"

namespace outreach {
namespace {

// Read on every call, written once before serving: an atomic pointer
// rather than a lock.
std::atomic<const CallGate*> installed{nullptr};

constexpr absl::string_view kReflectionPrefix = "/grpc.reflection.";

class ReflectionGate final : public grpc::experimental::Interceptor {
 public:
  explicit ReflectionGate(grpc::experimental::ServerRpcInfo* info)
      : info_(info) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::
                POST_RECV_INITIAL_METADATA)) {
      Check();
    }
    methods->Proceed();
  }

 private:
  void Check() {
    const absl::string_view path = info_->method();  // "/service/method"
    const size_t slash = path.rfind('/');
    if (slash == 0 || slash == absl::string_view::npos) return;
    grpc::ServerContextBase* context = info_->server_context();
    const grpc::Status status = GateCall(*context, path.substr(1, slash - 1),
                                         path.substr(slash + 1));
    if (status.ok()) return;
    // The status goes to the client as the call's trailers; every later
    // operation of the handler on this call fails.
    const std::string message = status.error_message();
    grpc_call_cancel_with_status(
        context->c_call(), static_cast<grpc_status_code>(status.error_code()),
        message.c_str(), nullptr);
  }

  grpc::experimental::ServerRpcInfo* const info_;
};

}  // namespace

grpc::experimental::Interceptor* ReflectionGateFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  if (!absl::StartsWith(info->method(), kReflectionPrefix)) return nullptr;
  return new ReflectionGate(info);
}

void InstallCallGate(const CallGate* gate) {
  installed.store(gate, std::memory_order_release);
}

grpc::Status GateCall(const grpc::ServerContextBase& context,
                      absl::string_view service, absl::string_view method) {
  const CallGate* gate = installed.load(std::memory_order_acquire);
  if (gate == nullptr) return grpc::Status::OK;
  return gate->Check(context, service, method);
}

}  // namespace outreach
