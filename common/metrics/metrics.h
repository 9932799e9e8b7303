#ifndef OUTREACH_COMMON_METRICS_METRICS_H_
#define OUTREACH_COMMON_METRICS_METRICS_H_

// Prometheus metrics for one Outreach binary, on Debian's prometheus-cpp.
//
// One Metrics object is made in main() and passed, as a pointer, to what
// records into it: the server runner (calls served), the client interceptor
// (calls to other services), InstrumentedCache (cache results) and the
// SQLite store (store errors). A null Metrics* everywhere means "record
// nothing", which is what unit tests use.
//
// Series, all prefixed `outreach_`:
//   server_requests_total{method,code}          calls served, by final code
//   server_request_duration_seconds{method}     histogram of serving time
//   server_in_flight                            calls being served
//   client_requests_total{target,method,code}   calls to other services
//   client_request_duration_seconds{target,method}
//   cache_requests_total{operation,result}      result = hit|miss|ok|error
//   store_errors_total{operation,code}          store failures (not domain
//                                               answers such as NOT_FOUND)
//
// Label values are bounded: methods and targets come from the contracts,
// codes from the 17 gRPC codes, operations from a fixed list in the code.
// Thread-safe.

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace prometheus {
class Exposer;
}

namespace outreach {

class Metrics {
 public:
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Serves GET /metrics over HTTP on `address` ("host:port"; port 0 picks
  // a free one). UNAVAILABLE when it cannot bind. Call at most once, and
  // only on a Metrics that lives until the process exits: the endpoint is
  // not stopped on destruction (see metrics.cc).
  absl::Status Expose(const std::string& address);
  // The bound port after Expose(), else 0.
  int exposed_port() const { return exposed_port_; }

  // The text exposition format, as a scrape would return it.
  std::string Serialize() const;

  void ObserveServerCall(absl::string_view method, absl::string_view code,
                         absl::Duration latency);
  void AddInFlight(int delta);
  void ObserveClientCall(absl::string_view target, absl::string_view method,
                         absl::string_view code, absl::Duration latency);
  void CountCache(absl::string_view operation, absl::string_view result);
  void CountStoreError(absl::string_view operation, absl::string_view code);

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& server_requests_;
  prometheus::Family<prometheus::Histogram>& server_latency_;
  prometheus::Gauge& server_in_flight_;
  prometheus::Family<prometheus::Counter>& client_requests_;
  prometheus::Family<prometheus::Histogram>& client_latency_;
  prometheus::Family<prometheus::Counter>& cache_requests_;
  prometheus::Family<prometheus::Counter>& store_errors_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  int exposed_port_ = 0;
};

// The canonical name of a gRPC code ("NOT_FOUND"), as logs and metrics
// spell it.
const char* GrpcCodeName(int code);

// Whether a store's failure is a fault worth counting (UNAVAILABLE,
// DEADLINE_EXCEEDED, INTERNAL, DATA_LOSS, RESOURCE_EXHAUSTED, UNKNOWN) as
// opposed to a domain answer (NOT_FOUND, ALREADY_EXISTS, ABORTED, ...).
bool IsStoreFault(const absl::Status& status);

}  // namespace outreach

#endif  // OUTREACH_COMMON_METRICS_METRICS_H_
