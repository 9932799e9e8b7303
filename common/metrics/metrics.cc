#include "common/metrics/metrics.h"

#include <exception>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "prometheus/exposer.h"
#include "prometheus/text_serializer.h"

namespace outreach {
namespace {

// Seconds; from half a millisecond (a cache hit on loopback) to ten
// seconds (past every deadline the suite sets).
const prometheus::Histogram::BucketBoundaries& LatencyBuckets() {
  static const auto* buckets = new prometheus::Histogram::BucketBoundaries{
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
      0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  return *buckets;
}

std::string S(absl::string_view v) { return std::string(v); }

}  // namespace

Metrics::Metrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      server_requests_(prometheus::BuildCounter()
                           .Name("outreach_server_requests_total")
                           .Help("Calls served, by method and final code.")
                           .Register(*registry_)),
      server_latency_(prometheus::BuildHistogram()
                          .Name("outreach_server_request_duration_seconds")
                          .Help("Time from a call's arrival to its status.")
                          .Register(*registry_)),
      server_in_flight_(prometheus::BuildGauge()
                            .Name("outreach_server_in_flight")
                            .Help("Calls being served.")
                            .Register(*registry_)
                            .Add({})),
      client_requests_(prometheus::BuildCounter()
                           .Name("outreach_client_requests_total")
                           .Help("Calls to other Outreach services, by target "
                                 "service, method and final code.")
                           .Register(*registry_)),
      client_latency_(prometheus::BuildHistogram()
                          .Name("outreach_client_request_duration_seconds")
                          .Help("Latency of calls to other Outreach services.")
                          .Register(*registry_)),
      cache_requests_(prometheus::BuildCounter()
                          .Name("outreach_cache_requests_total")
                          .Help("Shared-cache operations by result: hit, "
                                "miss, ok (a write) or error.")
                          .Register(*registry_)),
      store_errors_(prometheus::BuildCounter()
                        .Name("outreach_store_errors_total")
                        .Help("Store operations that failed for a reason "
                              "other than the data (busy, I/O, corruption).")
                        .Register(*registry_)) {}

Metrics::~Metrics() {
  // Deliberately not stopped: civetweb's stop waits for its accept loop's
  // poll() to time out, a fixed 2 s, which would add 2 s to every graceful
  // shutdown (and break the drain budget Kubernetes is given). A Metrics
  // lives as long as its process, whose exit closes the socket; scrapes
  // racing the exit find the registry gone (it is held weakly) and answer
  // empty.
  exposer_.release();
}

absl::Status Metrics::Expose(const std::string& address) {
  try {
    exposer_ = std::make_unique<prometheus::Exposer>(address, 1);
  } catch (const std::exception& e) {
    return absl::UnavailableError(
        absl::StrCat("cannot serve metrics on ", address, ": ", e.what()));
  }
  exposer_->RegisterCollectable(registry_);
  const std::vector<int> ports = exposer_->GetListeningPorts();
  exposed_port_ = ports.empty() ? 0 : ports.front();
  return absl::OkStatus();
}

std::string Metrics::Serialize() const {
  return prometheus::TextSerializer().Serialize(registry_->Collect());
}

void Metrics::ObserveServerCall(absl::string_view method,
                                absl::string_view code,
                                absl::Duration latency) {
  server_requests_.Add({{"method", S(method)}, {"code", S(code)}})
      .Increment();
  server_latency_.Add({{"method", S(method)}}, LatencyBuckets())
      .Observe(absl::ToDoubleSeconds(latency));
}

void Metrics::AddInFlight(int delta) { server_in_flight_.Increment(delta); }

void Metrics::ObserveClientCall(absl::string_view target,
                                absl::string_view method,
                                absl::string_view code,
                                absl::Duration latency) {
  client_requests_
      .Add({{"target", S(target)}, {"method", S(method)}, {"code", S(code)}})
      .Increment();
  client_latency_
      .Add({{"target", S(target)}, {"method", S(method)}}, LatencyBuckets())
      .Observe(absl::ToDoubleSeconds(latency));
}

void Metrics::CountCache(absl::string_view operation,
                         absl::string_view result) {
  cache_requests_.Add({{"operation", S(operation)}, {"result", S(result)}})
      .Increment();
}

void Metrics::CountStoreError(absl::string_view operation,
                              absl::string_view code) {
  store_errors_.Add({{"operation", S(operation)}, {"code", S(code)}})
      .Increment();
}

const char* GrpcCodeName(int code) {
  static constexpr const char* kNames[] = {
      "OK",           "CANCELLED",         "UNKNOWN",
      "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
      "ALREADY_EXISTS",   "PERMISSION_DENIED", "RESOURCE_EXHAUSTED",
      "FAILED_PRECONDITION", "ABORTED",     "OUT_OF_RANGE",
      "UNIMPLEMENTED",    "INTERNAL",          "UNAVAILABLE",
      "DATA_LOSS",        "UNAUTHENTICATED"};
  if (code < 0 || code >= static_cast<int>(std::size(kNames))) {
    return "UNKNOWN";
  }
  return kNames[code];
}

bool IsStoreFault(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kDataLoss:
    case absl::StatusCode::kResourceExhausted:
    case absl::StatusCode::kUnknown:
      return true;
    default:
      return false;
  }
}

}  // namespace outreach
