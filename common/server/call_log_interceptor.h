#ifndef OUTREACH_COMMON_SERVER_CALL_LOG_INTERCEPTOR_H_
#define OUTREACH_COMMON_SERVER_CALL_LOG_INTERCEPTOR_H_

// Writes a JSON access line for finished calls: method, code, latency,
// request id and peer. Every failed call and every write (IsWriteMethod) is
// logged; of the successful reads, one in `access_log_every` (1 logs them
// all). Formatting and writing the line cost about a third of a cheap
// call's server time on the benchmark machine (docs/performance.md), and a
// read that succeeded is already counted and timed by the metrics. The request
// id is the caller's `x-request-id` metadata, or a fresh one when the caller
// sent none; either way it is echoed back in the response's trailing metadata
// so a client can quote it (trailers, so that a failed call stays
// "trailers-only" and gRPC clients may retry it).
//
// The same facts go to Metrics, when given, as Prometheus series.
//
// Successful health checks are not logged: Kubernetes probes every few
// seconds and those lines would bury the rest.
//
// It also counts the calls in flight, which graceful shutdown waits on.
// Health watches are long-lived by design and are not counted.

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "common/metrics/metrics.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/server_interceptor.h"

namespace outreach {

// gRPC's server pushback trailer (gRFC A6): "-1" tells a client's retry
// logic not to retry the call.
inline constexpr char kRetryPushbackHeader[] = "grpc-retry-pushback-ms";

inline constexpr char kRequestIdHeader[] = "x-request-id";

// A trailer a handler of a write method adds when the call changed
// nothing (a `validate_only` create): the interceptor then does not run
// `after_write`, so the suite's write generation stays put and cached
// composites stay warm, and it removes the trailer before it is sent.
inline constexpr char kWroteNothingTrailer[] = "x-outreach-wrote-nothing";

// Marks the call `ctx` serves as one that wrote nothing (see above).
inline void MarkWroteNothing(grpc::ServerContextBase& ctx) {
  ctx.AddTrailingMetadata(kWroteNothingTrailer, "1");
}

class CallLogInterceptorFactory
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  // `in_flight` (may be null) counts calls from start to end; not owned.
  // `after_write` (may be empty) runs after each successful write call
  // (Create*, BatchCreate*, Update*, Delete*, Transition*), before its
  // status is sent, so that what it does precedes the acknowledgement.
  // `metrics` (may be null, not owned) receives each call's method, code
  // and latency. `access_log_every` (at least 1) samples the lines of
  // successful reads, as above.
  explicit CallLogInterceptorFactory(std::atomic<int>* in_flight = nullptr,
                                     std::function<void()> after_write = {},
                                     Metrics* metrics = nullptr,
                                     int access_log_every = 1)
      : in_flight_(in_flight),
        after_write_(std::move(after_write)),
        metrics_(metrics),
        access_log_every_(access_log_every < 1 ? 1 : access_log_every) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

 private:
  std::atomic<int>* const in_flight_;
  const std::function<void()> after_write_;
  Metrics* const metrics_;
  const uint64_t access_log_every_;
  // Successful reads seen; every access_log_every_-th one is logged.
  std::atomic<uint64_t> reads_{0};
};

// Whether a full method name ("/pkg.Service/CreateEvent") changes data.
bool IsWriteMethod(absl::string_view method);

// A new random request id: 32 lower-case hex digits.
std::string NewRequestId();

}  // namespace outreach

#endif  // OUTREACH_COMMON_SERVER_CALL_LOG_INTERCEPTOR_H_
