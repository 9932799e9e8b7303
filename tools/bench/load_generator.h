#ifndef OUTREACH_TOOLS_BENCH_LOAD_GENERATOR_H_
#define OUTREACH_TOOLS_BENCH_LOAD_GENERATOR_H_

// Drives unary calls of one method at a server on the async gRPC API
// (grpc::GenericStub and one CompletionQueue), in either mode:
//
// - Closed loop: `concurrency` calls always outstanding; each completion
//   starts the next. Measures throughput at that concurrency; latency is
//   from send to completion.
// - Open loop: calls are scheduled at `rate` per second, the i-th at
//   start + i/rate, whether or not earlier ones have finished. Latency is
//   measured from that intended send time, so when the server (or the
//   client) falls behind, the queueing shows in the percentiles instead of
//   silently lowering the rate (coordinated omission).
//
// Requests are opaque bytes, so the generator knows nothing of the
// suite's contracts; outreach_bench.cc builds them.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "grpcpp/support/byte_buffer.h"
#include "tools/bench/latency_stats.h"

namespace outreach::bench {

struct LoadOptions {
  std::string name;
  // Calls are spread over these, in turn. Several channels give several
  // HTTP/2 connections, as several client processes would.
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  // Full method name, "/outreach.events.v1.EventsService/GetEvent".
  std::string method;
  // The n-th request (n from 0). Called on the sending thread.
  std::function<grpc::ByteBuffer(int64_t n)> request;
  // Closed loop: calls outstanding.
  int concurrency = 1;
  // Open loop when > 0: calls per second.
  double rate = 0;
  // Measured time, after `warmup` (whose calls are not recorded).
  absl::Duration duration = absl::Seconds(10);
  absl::Duration warmup = absl::Seconds(1);
  // When > 0, stop after this many calls instead (no warmup): for seeding.
  int64_t max_calls = 0;
  // Per-call deadline.
  absl::Duration deadline = absl::Seconds(10);
  // Open loop: calls allowed in flight; beyond, a scheduled call is counted
  // as a CLIENT_OVERLOAD error instead of growing memory without bound.
  int max_outstanding = 20000;
};

// Runs the load and summarizes what was recorded. Errors are counted by
// gRPC code name; a failed call's latency is not in the percentiles.
RunSummary RunLoad(const LoadOptions& options);

}  // namespace outreach::bench

#endif  // OUTREACH_TOOLS_BENCH_LOAD_GENERATOR_H_
