#ifndef OUTREACH_COMMON_SERVER_SERVER_RUNNER_H_
#define OUTREACH_COMMON_SERVER_SERVER_RUNNER_H_

// The gRPC server every Outreach binary runs, with the behaviour Kubernetes
// and clients rely on set in one place:
//
// - grpc.health.v1 for the server ("") and for each service under its full
//   name. It reports SERVING only while `readiness` says the store is
//   usable, checked every `readiness_interval`. Optional dependencies such
//   as Redis are not part of readiness.
// - grpc.health.v1 for kLivenessService, SERVING from start to shutdown
//   whatever the store says: the target of Kubernetes liveness probes, so
//   that a store outage takes a pod out of rotation (readiness) without
//   restarting it (liveness).
// - Server reflection, unless `reflection` is off (production).
// - `credentials` on the gRPC port (common/security/server_security.h sets
//   them from flags), and `health_port`, plaintext, for Kubernetes' gRPC
//   probes, which cannot present a client certificate. Both ports belong
//   to the one server: a second gRPC server in the process, even an idle
//   one, cost a third of the TLS throughput, because its waiting threads
//   take turns at gRPC's shared poller and hand every other call across
//   (tools/bench/findings.md). On the health port a TLS server answers
//   grpc.health.v1 alone: every handler's call gate (call_gate.h) refuses
//   the rest there with UNIMPLEMENTED.
// - Every handler runs with its call's WorkBudget
//   (common/concurrency/work_budget.h) set on its thread, so that a store
//   stops waiting and working once the caller's deadline has passed or the
//   call was cancelled.
// - Bounds: threads, concurrent streams per connection, idle connections
//   and a memory quota (ServerOptions).
// - The synchronous API on a bounded thread pool (see docs/architecture.md:
//   handlers block on SQLite and Redis, which must not happen on callback
//   threads). No process of the suite uses gRPC's callback API at all: it
//   starts threads that poll the process's sockets and hand each answer
//   to the thread waiting for it, a measured cost on every call
//   (services/gateway/gateway_service.h).
// - Keepalive, maximum connection age, explicit message size limits, and
//   SO_REUSEPORT off, so a second instance on the same port fails loudly.
// - One JSON log line per call (call_log_interceptor.h), and Prometheus
//   series on a separate HTTP port (common/metrics/metrics.h).
// - Graceful shutdown: on Shutdown() health turns NOT_SERVING at once, new
//   calls are refused, and calls in flight get up to `shutdown_grace` to
//   finish before they are cancelled. Once none is left, the connections
//   clients keep open are closed at once, rather than waiting for each
//   client to hang up after gRPC's GOAWAY (seconds per idle client).

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "common/metrics/metrics.h"
#include "common/server/health_service.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "nlohmann/json.hpp"

namespace outreach {

inline constexpr char kLivenessService[] = "outreach.liveness";

struct ServerOptions {
  // Where to listen, e.g. "127.0.0.1:8081" or "0.0.0.0:8081". Port 0 picks
  // a free port (see ServerRunner::port()).
  std::string listen_address = "127.0.0.1:0";
  // Upper bound on threads serving calls. Default 32.
  int max_threads = 32;
  // Threads of the synchronous server that may wait for the next call
  // (gRPC's MAX_POLLERS). A thread that finishes a call when this many
  // already wait exits, and one is started when none waits; so when calls
  // block (on Redis, on other services) a low bound makes the server start
  // and retire a thread every few calls. A high bound costs cheap calls
  // their speed instead: every waiting poller is woken and put back to
  // sleep. Default 2 (gRPC's; 4 served cheap calls no faster, and let 64
  // maximum-size requests slow the health port past a second in
  // FaultsTest); the gateway, whose calls wait on others, takes 16.
  int max_pollers = 2;
  // Of the successful reads, one in this many gets an access line
  // (call_log_interceptor.h); failures and writes always do. Default 100.
  int access_log_every = 100;
  // Time calls in flight get to finish after shutdown starts. Default 20s.
  absl::Duration shutdown_grace = absl::Seconds(20);
  // Server-side HTTP/2 keepalive ping interval and ack timeout.
  absl::Duration keepalive_time = absl::Seconds(60);
  absl::Duration keepalive_timeout = absl::Seconds(20);
  // Connections are closed (gracefully) after this age so that clients
  // rebalance across replicas. Default 5 minutes, plus 30s grace.
  absl::Duration max_connection_age = absl::Minutes(5);
  absl::Duration max_connection_age_grace = absl::Seconds(30);
  // Connections without a call for this long are closed; zero keeps them.
  absl::Duration max_connection_idle = absl::Minutes(10);
  // Calls one connection may have open at once (HTTP/2
  // SETTINGS_MAX_CONCURRENT_STREAMS). Default 100.
  int max_concurrent_streams = 100;
  // gRPC's memory quota (grpc::ResourceQuota) for this server's
  // connections and calls; 0 leaves it unbounded. Under pressure gRPC
  // shrinks buffers and closes idle connections, so keep it below the
  // process's memory limit. Default 128 MiB.
  int64_t memory_quota_bytes = int64_t{128} << 20;
  // Largest request and response messages. Defaults 4 MiB and 16 MiB.
  int max_receive_message_bytes = 4 << 20;
  int max_send_message_bytes = 16 << 20;
  // How often readiness is re-checked. Default 5s.
  absl::Duration readiness_interval = absl::Seconds(5);
  // Runs after each successful write call, before it is acknowledged
  // (call_log_interceptor.h); services bump the write generation here.
  std::function<void()> after_write;
  // Where calls are counted (not owned; may be null), and the port of its
  // /metrics endpoint, on the host of `listen_address`; 0 serves none.
  Metrics* metrics = nullptr;
  int metrics_port = 0;
  // Credentials of the gRPC port; null serves plaintext.
  std::shared_ptr<grpc::ServerCredentials> credentials;
  // Plaintext health-only port, on the host of `listen_address`; 0 serves
  // none.
  int health_port = 0;
  bool reflection = true;
};

struct ServiceRegistration {
  grpc::Service* service;  // not owned
  std::string full_name;   // e.g. "outreach.events.v1.EventsService"
};

class ServerRunner {
 public:
  using Readiness = std::function<absl::Status()>;

  ServerRunner(ServerOptions options, std::vector<ServiceRegistration> services,
               Readiness readiness);
  ~ServerRunner();

  // Binds and starts serving. UNAVAILABLE when the address cannot be bound.
  absl::Status Start();
  // The bound port, after Start().
  int port() const { return port_; }
  // The bound health port, after Start(); 0 when none.
  int health_port() const { return health_port_; }
  // Starts a graceful shutdown; safe from any thread, idempotent.
  void Shutdown();
  // Blocks until the server has stopped.
  void Wait();

 private:
  void SetServing(bool serving);
  void ReadinessLoop();

  const ServerOptions options_;
  const std::vector<ServiceRegistration> services_;
  const Readiness readiness_;
  HealthService health_;
  // Declared before server_, so destroyed after it.
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  int health_port_ = 0;
  // Calls being served, counted by the call-log interceptor.
  std::atomic<int> in_flight_{0};
  std::thread shutdown_thread_;
  absl::Notification stopping_;
  // Notified when Shutdown() has returned from its last use of server_:
  // Wait() waits for it, so that the runner (and the server) outlive a
  // Shutdown() running on another thread (the signal thread).
  absl::Notification shutdown_done_;
  std::thread readiness_thread_;
  absl::Mutex mu_;
  bool shutdown_started_ ABSL_GUARDED_BY(mu_) = false;
};

// Blocks SIGINT and SIGTERM in the calling thread and every thread it starts
// afterwards. Call first thing in main(), before gRPC starts threads, then
// WaitForTerminationSignal() in a thread of its own.
void BlockTerminationSignals();
// Returns the signal number once SIGINT or SIGTERM arrives.
int WaitForTerminationSignal();

// Runs until SIGINT or SIGTERM, then shuts `runner` down gracefully.
void ServeUntilSignal(ServerRunner& runner);

// What main() does once its service is built: starts a ServerRunner, logs
// "`what` ready" with `fields`, serves until SIGINT or SIGTERM, drains, and
// returns the process exit code (0 after a clean stop, 1 when it could not
// start).
int Serve(ServerOptions options, std::vector<ServiceRegistration> services,
          ServerRunner::Readiness readiness, absl::string_view what,
          nlohmann::json fields = nlohmann::json::object());

}  // namespace outreach

#endif  // OUTREACH_COMMON_SERVER_SERVER_RUNNER_H_
