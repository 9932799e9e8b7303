// The benchmark's baselines, one binary in two modes:
//
//   bench_echo --mode=bare    --port=P   plain gRPC: a ServerBuilder with
//                                        the synchronous API and nothing of
//                                        the project's (the practical limit)
//   bench_echo --mode=runtime --port=P   the same echo served by the
//                                        project's ServerRunner: health,
//                                        reflection, the call-log
//                                        interceptor (its sampled access
//                                        line), metrics, the thread bound
//   bench_echo --mode=chain --port=P --chain=H:P/REQ/REPLY,... --work_us=W
//              --reply_bytes=N       plain gRPC, as bare, whose handler
//                                        spends W µs of its thread's CPU,
//                                        then calls Echo on each H:P in turn
//                                        (sending REQ bytes, asking for REPLY
//                                        bytes back), then answers with N
//                                        bytes: a served call's floor with
//                                        given work and downstream calls and
//                                        nothing of the project's runtime.
//                                        Calls joined by '+' form one step
//                                        and go out together.
//   bench_echo --mode=floor --port=P --redis_address=H:P --reply_bytes=N
//                                        the runtime echo that also reads
//                                        the write generation from Redis,
//                                        as a warm gateway composite must,
//                                        and answers with N bytes: the
//                                        floor of a coherent warm read of
//                                        an N-byte composite
//
// The difference between the two is the cost of the shared runtime; the
// difference between runtime and a real scenario is the service's own work.

#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/cache/redis_cache.h"
#include "common/cache/write_generation.h"
#include "common/client/channel.h"
#include "common/config/env_flags.h"
#include "common/metrics/metrics.h"
#include "common/security/tls.h"
#include "common/server/server_runner.h"
#include "echo.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"

ABSL_FLAG(std::string, mode, "bare",
          "bare, tls (bare over mutual TLS), runtime, floor (runtime "
          "plus a Redis GET and a reply of --reply_bytes), or chain (bare "
          "plus --work_us of CPU and the --chain calls).");
ABSL_FLAG(std::string, tls_dir, "",
          "tls mode: folder with ca.crt, events.crt and events.key "
          "(scripts/dev_tls.sh's layout).");
ABSL_FLAG(int, port, 0, "Port on 127.0.0.1.");
ABSL_FLAG(int, metrics_port, 0, "runtime mode: /metrics port; 0 serves none.");
ABSL_FLAG(std::string, redis_address, "",
          "floor mode: the Redis whose write generation each call reads.");
ABSL_FLAG(int, reply_bytes, 0,
          "floor and chain modes: size of each reply's payload, in bytes.");
ABSL_FLAG(std::string, chain, "",
          "chain mode: the calls each call makes, in order, as "
          "HOST:PORT/REQUEST_BYTES/REPLY_BYTES separated by commas; each "
          "HOST:PORT is a bare echo. Calls joined by '+' form one step: "
          "they go out together, and the next step waits for all of them.");
ABSL_FLAG(std::string, chain_api, "sync",
          "chain mode: sync (blocking handler and calls) or callback "
          "(reactor and asynchronous calls).");
ABSL_FLAG(bool, chain_runtime, false,
          "chain mode, sync API: serve with the suite's ServerRunner and "
          "call over the suite's channels (MakeServiceChannel).");
ABSL_FLAG(int, work_us, 0,
          "chain mode: CPU time each call spends before its calls, in "
          "microseconds of the serving thread's CPU clock.");

namespace {

class EchoService final : public outreach::bench::EchoService::Service {
  grpc::Status Echo(grpc::ServerContext*,
                    const outreach::bench::EchoMessage* in,
                    outreach::bench::EchoMessage* out) override {
    if (in->reply_bytes() > 0) {
      out->set_payload(
          std::string(static_cast<size_t>(in->reply_bytes()), 'x'));
    } else {
      *out = *in;
    }
    return grpc::Status::OK;
  }
};

// One downstream call of a chain: where, and its sizes.
struct ChainCall {
  std::unique_ptr<outreach::bench::EchoService::Stub> stub;
  outreach::bench::EchoMessage request;
};
// Calls that go out together; a chain is a sequence of steps.
using ChainStep = std::vector<ChainCall>;

// This thread's CPU time.
absl::Duration ThreadCpu() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return absl::DurationFromTimespec(ts);
}

// Spends `work` of this thread's CPU: spins, not sleeps, since the work
// stands for CPU, and CPU is what the floor prices.
void SpendCpu(absl::Duration work) {
  const absl::Duration until = ThreadCpu() + work;
  volatile uint64_t sink = 0;
  while (ThreadCpu() < until) {
    for (int i = 0; i < 256; ++i) sink = sink + static_cast<uint64_t>(i);
  }
}

// A served call's floor: `work` of CPU (what the real handler's own code
// measured in-process), then the downstream steps one after another, as
// the real handler makes them, then a reply of `reply_bytes`. Every call
// is plain gRPC with the synchronous API, as in bare mode; a step of
// several calls is the plain-gRPC way to make them from a blocking
// handler: asynchronous calls on one completion queue that the handler's
// own thread drains.
class ChainService final : public outreach::bench::EchoService::Service {
 public:
  ChainService(std::vector<ChainStep> steps, absl::Duration work,
               int reply_bytes)
      : steps_(std::move(steps)),
        work_(work),
        reply_(static_cast<size_t>(reply_bytes), 'x') {}

  grpc::Status Echo(grpc::ServerContext* ctx,
                    const outreach::bench::EchoMessage*,
                    outreach::bench::EchoMessage* out) override {
    SpendCpu(work_);
    for (const ChainStep& step : steps_) {
      grpc::Status s = step.size() == 1 ? One(ctx, step[0]) : All(ctx, step);
      if (!s.ok()) return s;
    }
    out->set_payload(reply_);
    return grpc::Status::OK;
  }

 private:
  static grpc::Status One(grpc::ServerContext* ctx, const ChainCall& call) {
    grpc::ClientContext down;
    down.set_deadline(ctx->deadline());
    outreach::bench::EchoMessage reply;
    return call.stub->Echo(&down, call.request, &reply);
  }

  static grpc::Status All(grpc::ServerContext* ctx, const ChainStep& step) {
    struct Pending {
      grpc::ClientContext context;
      outreach::bench::EchoMessage reply;
      grpc::Status status;
      std::unique_ptr<
          grpc::ClientAsyncResponseReader<outreach::bench::EchoMessage>>
          rpc;
    };
    grpc::CompletionQueue cq;
    std::vector<Pending> pending(step.size());
    for (size_t i = 0; i < step.size(); ++i) {
      Pending& p = pending[i];
      p.context.set_deadline(ctx->deadline());
      p.rpc = step[i].stub->AsyncEcho(&p.context, step[i].request, &cq);
      p.rpc->Finish(&p.reply, &p.status, &p);
    }
    grpc::Status first = grpc::Status::OK;
    for (size_t i = 0; i < step.size(); ++i) {
      void* tag = nullptr;
      bool ok = false;
      if (!cq.Next(&tag, &ok)) break;
      auto* p = static_cast<Pending*>(tag);
      if (first.ok() && !p->status.ok()) first = p->status;
    }
    cq.Shutdown();
    void* tag = nullptr;
    bool ok = false;
    while (cq.Next(&tag, &ok)) {
    }
    return first;
  }

  const std::vector<ChainStep> steps_;
  const absl::Duration work_;
  const std::string reply_;
};

// The same floor on gRPC's callback API: the work runs on the thread that
// received the call, each downstream call is asynchronous and the next step
// starts from the completion of its predecessor's last call, so no thread
// blocks and no call is handed between threads by the handler.
class ChainCallbackService final
    : public outreach::bench::EchoService::CallbackService {
 public:
  ChainCallbackService(const std::vector<ChainStep>* steps, absl::Duration work,
                       int reply_bytes)
      : steps_(steps),
        work_(work),
        reply_(static_cast<size_t>(reply_bytes), 'x') {}

  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* ctx,
                                 const outreach::bench::EchoMessage*,
                                 outreach::bench::EchoMessage* out) override {
    SpendCpu(work_);
    grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
    auto* step = new Step;
    step->reactor = reactor;
    step->deadline = ctx->deadline();
    step->out = out;
    // Not step->reactor after this: a downstream call can complete, and the
    // last one delete the step, before Next returns.
    Next(step);
    return reactor;
  }

 private:
  // One served call's progress. `calls` and `replies` belong to the step
  // in flight; `left` counts its calls not yet completed, and the one that
  // takes it to zero moves the chain on.
  struct Step {
    grpc::ServerUnaryReactor* reactor = nullptr;
    std::chrono::system_clock::time_point deadline;
    outreach::bench::EchoMessage* out = nullptr;
    size_t next = 0;
    std::vector<std::unique_ptr<grpc::ClientContext>> calls;
    std::vector<outreach::bench::EchoMessage> replies;
    std::atomic<int> left{0};
    absl::Mutex mu;
    grpc::Status failed;
  };

  void Next(Step* step) {
    if (step->next == steps_->size() || !step->failed.ok()) {
      if (step->failed.ok()) step->out->set_payload(reply_);
      step->reactor->Finish(step->failed);
      delete step;
      return;
    }
    const ChainStep& calls = (*steps_)[step->next++];
    step->calls.clear();
    step->replies.assign(calls.size(), {});
    for (size_t i = 0; i < calls.size(); ++i) {
      step->calls.push_back(std::make_unique<grpc::ClientContext>());
      step->calls.back()->set_deadline(step->deadline);
    }
    step->left.store(static_cast<int>(calls.size()));
    for (size_t i = 0; i < calls.size(); ++i) {
      calls[i].stub->async()->Echo(step->calls[i].get(), &calls[i].request,
                                   &step->replies[i],
                                   [this, step](grpc::Status s) {
                                     if (!s.ok()) {
                                       absl::MutexLock lock(&step->mu);
                                       if (step->failed.ok()) step->failed = s;
                                     }
                                     if (step->left.fetch_sub(1) == 1)
                                       Next(step);
                                   });
    }
  }

  const std::vector<ChainStep>* const steps_;
  const absl::Duration work_;
  const std::string reply_;
};

// Parses --chain: steps separated by commas, each one or more
// HOST:PORT/REQUEST_BYTES/REPLY_BYTES joined by '+'.
// `metrics` set: the channels are the suite's (MakeServiceChannel: its
// client interceptor, service config and retries).
absl::StatusOr<std::vector<ChainStep>> ParseChain(
    absl::string_view spec, outreach::Metrics* metrics = nullptr) {
  std::vector<ChainStep> steps;
  std::map<std::string, std::shared_ptr<grpc::Channel>> channels;
  for (absl::string_view text : absl::StrSplit(spec, ',', absl::SkipEmpty())) {
    ChainStep& calls = steps.emplace_back();
    for (absl::string_view one : absl::StrSplit(text, '+')) {
      std::vector<std::string> parts = absl::StrSplit(one, '/');
      int request_bytes = 0;
      int reply_bytes = 0;
      if (parts.size() != 3 || !absl::SimpleAtoi(parts[1], &request_bytes) ||
          !absl::SimpleAtoi(parts[2], &reply_bytes) || request_bytes < 0 ||
          reply_bytes < 0) {
        return absl::InvalidArgumentError(
            absl::StrCat("--chain: \"", one, "\" is not HOST:PORT/REQ/REPLY"));
      }
      auto& channel = channels[parts[0]];
      if (channel == nullptr) {
        channel = metrics != nullptr
                      ? outreach::MakeServiceChannel(
                            parts[0],
                            outreach::bench::EchoService::service_full_name(),
                            metrics)
                      : grpc::CreateChannel(parts[0],
                                            grpc::InsecureChannelCredentials());
      }
      ChainCall call;
      call.stub = outreach::bench::EchoService::NewStub(channel);
      call.request.set_payload(
          std::string(static_cast<size_t>(request_bytes), 'x'));
      // Zero would mean "echo the request"; one byte is as good as none.
      call.request.set_reply_bytes(std::max(reply_bytes, 1));
      calls.push_back(std::move(call));
    }
  }
  return steps;
}

// The runtime echo plus what a warm, coherent composite read cannot do
// without: one GET of the write generation, and a reply of the composite's
// size. What the gateway does beyond this is its own cost.
class FloorService final : public outreach::bench::EchoService::Service {
 public:
  FloorService(outreach::Cache* redis, int reply_bytes)
      : redis_(redis), reply_(static_cast<size_t>(reply_bytes), 'x') {}
  grpc::Status Echo(grpc::ServerContext*, const outreach::bench::EchoMessage*,
                    outreach::bench::EchoMessage* out) override {
    auto generation = redis_->GetRaw(outreach::kWriteGenerationKey);
    if (!generation.ok()) {
      return grpc::Status(grpc::StatusCode::UNAVAILABLE,
                          std::string(generation.status().message()));
    }
    out->set_payload(reply_);
    return grpc::Status::OK;
  }

 private:
  outreach::Cache* const redis_;
  const std::string reply_;
};

// gRPC alone: plaintext, or mutual TLS with gRPC's own credentials (the
// baseline that prices the suite's security).
int RunBare(int port, std::shared_ptr<grpc::ServerCredentials> credentials,
            grpc::Service* chain = nullptr) {
  EchoService echo;
  grpc::Service* service = chain != nullptr ? chain : &echo;
  grpc::ServerBuilder builder;
  builder.AddListeningPort(absl::StrCat("127.0.0.1:", port), credentials);
  builder.RegisterService(service);
  auto server = builder.BuildAndStart();
  if (server == nullptr) return 1;
  std::thread([&server] {
    outreach::WaitForTerminationSignal();
    // A deadline, as the suite's own servers have: without one, Shutdown
    // waits for every call in flight however long it takes.
    server->Shutdown(std::chrono::system_clock::now() +
                     std::chrono::seconds(2));
  }).detach();
  server->Wait();
  return 0;
}

int RunRuntime(int port, int metrics_port, grpc::Service* service,
               int max_pollers = outreach::ServerOptions().max_pollers) {
  outreach::Metrics metrics;
  outreach::ServerOptions options;
  options.listen_address = absl::StrCat("127.0.0.1:", port);
  options.metrics = &metrics;
  options.metrics_port = metrics_port;
  options.max_pollers = max_pollers;
  return outreach::Serve(
      options, {{service, outreach::bench::EchoService::service_full_name()}},
      nullptr, "bench echo");
}

}  // namespace

int main(int argc, char** argv) {
  outreach::BlockTerminationSignals();
  outreach::ParseFlagsWithEnv(argc, argv, "Echo server for outreach_bench.");
  const int port = absl::GetFlag(FLAGS_port);
  if (absl::GetFlag(FLAGS_mode) == "bare") {
    return RunBare(port, grpc::InsecureServerCredentials());
  }
  if (absl::GetFlag(FLAGS_mode) == "tls") {
    const std::string dir = absl::GetFlag(FLAGS_tls_dir);
    outreach::TlsFiles files{dir + "/events.crt", dir + "/events.key",
                             dir + "/ca.crt"};
    if (auto s = outreach::CheckTlsFiles(files); !s.ok() || dir.empty()) {
      std::fprintf(stderr, "--mode=tls needs --tls_dir with the files\n");
      return 2;
    }
    return RunBare(port, outreach::MakeTlsServerCredentials(
                             files, /*client_cert_optional=*/false));
  }
  if (absl::GetFlag(FLAGS_mode) == "chain") {
    // --chain_runtime: the middle server is the suite's (ServerRunner,
    // threaded as the gateway is) and so are its channels; what the
    // gateway adds to this is its own.
    static outreach::Metrics chain_metrics;
    const bool runtime = absl::GetFlag(FLAGS_chain_runtime);
    auto calls = ParseChain(absl::GetFlag(FLAGS_chain),
                            runtime ? &chain_metrics : nullptr);
    if (!calls.ok() || absl::GetFlag(FLAGS_work_us) < 0 ||
        absl::GetFlag(FLAGS_reply_bytes) < 0) {
      std::fprintf(stderr, "--mode=chain: %s\n",
                   calls.ok() ? "--work_us and --reply_bytes must be >= 0"
                              : std::string(calls.status().message()).c_str());
      return 2;
    }
    const absl::Duration work =
        absl::Microseconds(absl::GetFlag(FLAGS_work_us));
    if (runtime) {
      ChainService service(std::move(*calls), work,
                           absl::GetFlag(FLAGS_reply_bytes));
      return RunRuntime(port, absl::GetFlag(FLAGS_metrics_port), &service,
                        /*max_pollers=*/16);
    }
    if (absl::GetFlag(FLAGS_chain_api) == "callback") {
      ChainCallbackService service(&*calls, work,
                                   absl::GetFlag(FLAGS_reply_bytes));
      return RunBare(port, grpc::InsecureServerCredentials(), &service);
    }
    ChainService service(std::move(*calls), work,
                         absl::GetFlag(FLAGS_reply_bytes));
    return RunBare(port, grpc::InsecureServerCredentials(), &service);
  }
  if (absl::GetFlag(FLAGS_mode) == "runtime") {
    EchoService service;
    return RunRuntime(port, absl::GetFlag(FLAGS_metrics_port), &service);
  }
  if (absl::GetFlag(FLAGS_mode) == "floor") {
    auto redis = outreach::MakeRedisCache(absl::GetFlag(FLAGS_redis_address),
                                          absl::Milliseconds(100));
    if (!redis.ok() || *redis == nullptr ||
        absl::GetFlag(FLAGS_reply_bytes) < 0) {
      std::fprintf(stderr,
                   "--mode=floor needs --redis_address (host:port) "
                   "and --reply_bytes >= 0\n");
      return 2;
    }
    FloorService service(redis->get(), absl::GetFlag(FLAGS_reply_bytes));
    // Threaded as the gateway is, whose calls also wait on Redis.
    return RunRuntime(port, absl::GetFlag(FLAGS_metrics_port), &service,
                      /*max_pollers=*/16);
  }
  return 2;
}
