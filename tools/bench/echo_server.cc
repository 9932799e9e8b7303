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

#include <cstdio>
#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "common/cache/redis_cache.h"
#include "common/cache/write_generation.h"
#include "common/config/env_flags.h"
#include "common/metrics/metrics.h"
#include "common/security/tls.h"
#include "common/server/server_runner.h"
#include "echo.grpc.pb.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"

ABSL_FLAG(std::string, mode, "bare",
          "bare, tls (bare over mutual TLS), runtime, or floor (runtime "
          "plus a Redis GET and a reply of --reply_bytes).");
ABSL_FLAG(std::string, tls_dir, "",
          "tls mode: folder with ca.crt, events.crt and events.key "
          "(scripts/dev_tls.sh's layout).");
ABSL_FLAG(int, port, 0, "Port on 127.0.0.1.");
ABSL_FLAG(int, metrics_port, 0, "runtime mode: /metrics port; 0 serves none.");
ABSL_FLAG(std::string, redis_address, "",
          "floor mode: the Redis whose write generation each call reads.");
ABSL_FLAG(int, reply_bytes, 0,
          "floor mode: size of each reply's payload, in bytes.");

namespace {

class EchoService final : public outreach::bench::EchoService::Service {
  grpc::Status Echo(grpc::ServerContext*, const outreach::bench::EchoMessage* in,
                    outreach::bench::EchoMessage* out) override {
    *out = *in;
    return grpc::Status::OK;
  }
};

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
int RunBare(int port, std::shared_ptr<grpc::ServerCredentials> credentials) {
  EchoService service;
  grpc::ServerBuilder builder;
  builder.AddListeningPort(absl::StrCat("127.0.0.1:", port), credentials);
  builder.RegisterService(&service);
  auto server = builder.BuildAndStart();
  if (server == nullptr) return 1;
  std::thread([&server] {
    outreach::WaitForTerminationSignal();
    server->Shutdown();
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
  if (absl::GetFlag(FLAGS_mode) == "runtime") {
    EchoService service;
    return RunRuntime(port, absl::GetFlag(FLAGS_metrics_port), &service);
  }
  if (absl::GetFlag(FLAGS_mode) == "floor") {
    auto redis = outreach::MakeRedisCache(absl::GetFlag(FLAGS_redis_address),
                                          absl::Milliseconds(100));
    if (!redis.ok() || *redis == nullptr ||
        absl::GetFlag(FLAGS_reply_bytes) < 0) {
      std::fprintf(stderr, "--mode=floor needs --redis_address (host:port) "
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
