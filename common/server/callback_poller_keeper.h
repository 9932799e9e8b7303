#ifndef OUTREACH_COMMON_SERVER_CALLBACK_POLLER_KEEPER_H_
#define OUTREACH_COMMON_SERVER_CALLBACK_POLLER_KEEPER_H_

#include <memory>
#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "grpcpp/generic/async_generic_service.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/server.h"

namespace outreach {

// Keeps gRPC's callback-API threads from taking their idle sleep, which
// stalls other calls of the process for up to 100 ms.
//
// Why: gRPC 1.51 (Debian 12's) runs every completion of the callback API
// (callback methods, callback client calls) on "nexting" threads, two or
// more per process (CompletionQueue::CallbackAlternativeCQ in
// completion_queue_cc.cc). A nexting thread that waits one second without
// an event sleeps 100 ms before it polls again; gRPC's own TODO there says
// this starves other polling. Those threads poll the process's sockets
// like any other (epoll1), and a call that arrives while one of them
// sleeps can wait for it. Measured on the gateway (tools/bench/findings.md):
// cold notes at concurrency 1, which use no callback at all, had a maximum
// near 100 ms, about one call in a thousand; with callback traffic beside
// them it fell to about 5 ms.
//
// What it does: every `period` it makes one callback call on an in-process
// channel to a private server with no ports whose callback generic service
// answers UNIMPLEMENTED. Each call is two events on the nexting threads
// (the served call and the client's completion), no socket and no
// interceptor of the process's own server, so nothing is counted or
// logged. By default the period gives each nexting thread about five
// events per second.
//
// Contract: the private server takes none of the process's builder
// plugins (no reflection), so it starts no synchronous threads. Destroy
// the keeper before gRPC shuts down. It owns one thread of its own.
class CallbackPollerKeeper {
 public:
  // A zero `period` chooses 200 ms divided by the number of nexting
  // threads gRPC starts on this machine.
  explicit CallbackPollerKeeper(absl::Duration period = absl::ZeroDuration());
  ~CallbackPollerKeeper();

  CallbackPollerKeeper(const CallbackPollerKeeper&) = delete;
  CallbackPollerKeeper& operator=(const CallbackPollerKeeper&) = delete;

  // The chosen period.
  absl::Duration period() const { return period_; }

 private:
  void Loop();

  const absl::Duration period_;
  grpc::CallbackGenericService unimplemented_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<grpc::GenericStub> stub_;
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace outreach

#endif  // OUTREACH_COMMON_SERVER_CALLBACK_POLLER_KEEPER_H_
