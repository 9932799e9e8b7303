#include "tools/bench/load_generator.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "grpcpp/client_context.h"
#include "grpcpp/completion_queue.h"
#include "grpcpp/generic/generic_stub.h"

namespace outreach::bench {
namespace {

int64_t NowNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

const char* CodeName(grpc::StatusCode code) {
  static constexpr const char* kNames[] = {
      "OK",        "CANCELLED",        "UNKNOWN",   "INVALID_ARGUMENT",
      "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
      "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
      "ABORTED",   "OUT_OF_RANGE",     "UNIMPLEMENTED", "INTERNAL",
      "UNAVAILABLE", "DATA_LOSS",      "UNAUTHENTICATED"};
  const int i = static_cast<int>(code);
  return i >= 0 && i < 17 ? kNames[i] : "UNKNOWN";
}

struct Call {
  grpc::ClientContext ctx;
  grpc::ByteBuffer response;
  grpc::Status status;
  std::unique_ptr<grpc::GenericClientAsyncResponseReader> reader;
  int64_t start_ns = 0;  // the intended send time in open loop
};

class Runner {
 public:
  explicit Runner(const LoadOptions& o) : o_(o) {
    for (const auto& ch : o_.channels) {
      stubs_.push_back(std::make_unique<grpc::GenericStub>(ch));
    }
  }

  RunSummary Run() {
    const int64_t t0 = NowNanos();
    const bool by_count = o_.max_calls > 0;
    measure_from_ = by_count ? t0 : t0 + absl::ToInt64Nanoseconds(o_.warmup);
    end_ = by_count ? INT64_MAX : measure_from_ + absl::ToInt64Nanoseconds(o_.duration);

    std::thread pacer;
    if (o_.rate > 0) {
      pacer = std::thread([this, t0] { Pace(t0); });
    } else {
      for (int i = 0; i < o_.concurrency; ++i) {
        if (!Start(NowNanos())) break;
      }
    }
    Drain();
    if (pacer.joinable()) pacer.join();
    const int64_t measured_end = by_count ? NowNanos() : end_;

    RunSummary s;
    s.name = o_.name;
    s.mode = o_.rate > 0 ? "open" : "closed";
    s.concurrency = o_.rate > 0 ? 0 : o_.concurrency;
    s.rate = o_.rate;
    s.duration_s = (measured_end - measure_from_) / 1e9;
    s.calls = static_cast<int64_t>(stats_.count()) + errors_;
    s.errors = errors_;
    s.error_codes = error_codes_;
    s.response_bytes = response_bytes_;
    s.request_bytes = request_bytes_.load();
    s.qps = s.duration_s > 0 ? stats_.count() / s.duration_s : 0;
    s.p50_ms = stats_.QuantileMs(0.50);
    s.p90_ms = stats_.QuantileMs(0.90);
    s.p99_ms = stats_.QuantileMs(0.99);
    s.p999_ms = stats_.QuantileMs(0.999);
    s.mean_ms = stats_.MeanMs();
    s.max_ms = stats_.MaxMs();
    return s;
  }

 private:
  // Starts call number next_ with the given start time; false when the run
  // is over (time or count) so no call was started.
  bool Start(int64_t start_ns) {
    const int64_t n = next_.fetch_add(1);
    if (o_.max_calls > 0 && n >= o_.max_calls) return false;
    if (o_.max_calls == 0 && start_ns >= end_) return false;
    auto* call = new Call;
    call->start_ns = start_ns;
    call->ctx.set_deadline(std::chrono::system_clock::now() +
                           absl::ToChronoNanoseconds(o_.deadline));
    const grpc::ByteBuffer request = o_.request(n);
    const auto size = static_cast<int64_t>(request.Length());
    int64_t seen = request_bytes_.load();
    while (size > seen && !request_bytes_.compare_exchange_weak(seen, size)) {
    }
    auto& stub = *stubs_[n % stubs_.size()];
    outstanding_.fetch_add(1);
    call->reader = stub.PrepareUnaryCall(&call->ctx, o_.method, request, &cq_);
    call->reader->StartCall();
    call->reader->Finish(&call->response, &call->status, call);
    return true;
  }

  // Open loop: the i-th call at t0 + i/rate. Sleeps when early; when late
  // (the client could not keep up) sends at once, still timed from the
  // intended instant.
  void Pace(int64_t t0) {
    const double interval_ns = 1e9 / o_.rate;
    for (int64_t i = 0;; ++i) {
      const int64_t intended = t0 + static_cast<int64_t>(i * interval_ns);
      if (intended >= end_) break;
      const int64_t wait = intended - NowNanos();
      if (wait > 100000) {
        std::this_thread::sleep_for(std::chrono::nanoseconds(wait));
      }
      if (outstanding_.load() >= o_.max_outstanding) {
        absl::MutexLock lock(&overload_mu_);
        if (intended >= measure_from_) ++overloaded_;
        continue;
      }
      if (!Start(intended)) break;
    }
    pacing_done_.store(true);
  }

  void Drain() {
    void* tag = nullptr;
    bool ok = false;
    for (;;) {
      const bool pacing = o_.rate > 0 && !pacing_done_.load();
      if (!pacing && outstanding_.load() == 0) break;
      const auto wait = std::chrono::system_clock::now() +
                        std::chrono::milliseconds(50);
      const auto r = cq_.AsyncNext(&tag, &ok, wait);
      if (r == grpc::CompletionQueue::SHUTDOWN) break;
      if (r == grpc::CompletionQueue::TIMEOUT) continue;
      auto* call = static_cast<Call*>(tag);
      const int64_t done = NowNanos();
      if (done >= measure_from_ && done <= end_) {
        if (call->status.ok()) {
          stats_.Record(done - call->start_ns);
          response_bytes_ = std::max<int64_t>(
              response_bytes_, static_cast<int64_t>(call->response.Length()));
        } else {
          ++errors_;
          ++error_codes_[CodeName(call->status.error_code())];
        }
      }
      delete call;
      outstanding_.fetch_sub(1);
      if (o_.rate <= 0) Start(NowNanos());
    }
    {
      absl::MutexLock lock(&overload_mu_);
      if (overloaded_ > 0) {
        errors_ += overloaded_;
        error_codes_["CLIENT_OVERLOAD"] += overloaded_;
      }
    }
    cq_.Shutdown();
    while (cq_.Next(&tag, &ok)) {
    }
  }

  const LoadOptions& o_;
  std::vector<std::unique_ptr<grpc::GenericStub>> stubs_;
  grpc::CompletionQueue cq_;
  std::atomic<int64_t> next_{0};
  std::atomic<int> outstanding_{0};
  std::atomic<bool> pacing_done_{false};
  int64_t measure_from_ = 0;
  int64_t end_ = 0;
  // Touched by the completion thread only.
  LatencyStats stats_;
  int64_t errors_ = 0;
  std::map<std::string, int64_t> error_codes_;
  int64_t response_bytes_ = 0;
  // Largest request sent; Start runs on the pacer and completion threads.
  std::atomic<int64_t> request_bytes_{0};
  absl::Mutex overload_mu_;
  int64_t overloaded_ = 0;
};

}  // namespace

RunSummary RunLoad(const LoadOptions& options) {
  Runner runner(options);
  return runner.Run();
}

}  // namespace outreach::bench
