#ifndef OUTREACH_COMMON_SERVER_CALL_GATE_H_
#define OUTREACH_COMMON_SERVER_CALL_GATE_H_

// The check every handler makes before it does anything else: who is
// calling, and may they call this method. Security installs the check
// (common/security/caller_authenticator.h) when the server has TLS; with
// none installed, as on a plaintext server, every call passes.
//
// Why in the handler and not in gRPC's server auth filter (an
// AuthMetadataProcessor, where it was): with the processor installed, gRPC
// 1.51 finished much of each call's transport work on its executor
// threads, about 0.2 context switches per call against 0.01 without it,
// and the events service served a third fewer TLS calls
// (tools/bench/findings.md). gRPC resumes a call from a processor in an
// execution context of its own, which is the likely reason; the cost is
// the processor's presence, not its few microseconds of work. In the
// handler the same checks cost their lookups alone.
//
// Contract: each handler of every service calls GateCall first, and
// returns its status when it is not OK; the integration test
// SecurityTest.EveryMethodChecksItsCallerFirst calls every method of every
// service without credentials to hold every handler to it. gRPC's own
// reflection service has no handler of ours: ReflectionGateFactory gates
// it instead.

#include <memory>

#include "absl/strings/string_view.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/server_interceptor.h"
#include "grpcpp/support/status.h"

namespace outreach {

class CallGate {
 public:
  virtual ~CallGate() = default;
  // OK to go on; otherwise the status to answer with. `service` is the
  // full name ("outreach.events.v1.EventsService"), `method` the bare one.
  virtual grpc::Status Check(const grpc::ServerContextBase& context,
                             absl::string_view service,
                             absl::string_view method) const = 0;
};

// Installs the process's gate; set once at start, before serving. The gate
// must outlive every call.
void InstallCallGate(const CallGate* gate);

// The installed gate's answer, or OK when none is installed.
grpc::Status GateCall(const grpc::ServerContextBase& context,
                      absl::string_view service, absl::string_view method);

// The same for a method of the generated `Service`. A handler passes its
// own __func__, which is the method's name, since it overrides the
// generated method of that name:
//
//   if (auto denied = GateCall<v1::EventsService>(*context, __func__);
//       !denied.ok()) {
//     return denied;
//   }
template <typename Service>
grpc::Status GateCall(const grpc::ServerContextBase& context,
                      absl::string_view method) {
  return GateCall(context, Service::service_full_name(), method);
}

// Gates gRPC's reflection service, whose handler is not ours to change:
// a call the gate refuses is ended with the gate's status as soon as its
// metadata has arrived, before the handler reads a request; the handler
// then finds the call over. Reflection only reads, so nothing is done for
// a refused caller, and nothing is sent but the status. Other calls pass
// untouched.
class ReflectionGateFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;
};

}  // namespace outreach

#endif  // OUTREACH_COMMON_SERVER_CALL_GATE_H_
