#include "common/server/server_runner.h"

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <utility>

#include "absl/base/call_once.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/concurrency/work_budget.h"
#include "common/log/json_log.h"
#include "common/server/call_gate.h"
#include "common/server/call_log_interceptor.h"
#include "common/server/utf8_violation.h"
#include "grpc/grpc.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/resource_quota.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "grpcpp/server_context.h"

namespace outreach {
namespace {

// Sets each synchronous handler's WorkBudget from its ServerContext, on the
// handler's own thread, for exactly the handler's duration. gRPC calls
// these around every synchronous call of every server in the process.
class WorkBudgetCallbacks final : public grpc::Server::GlobalCallbacks {
 public:
  void PreSynchronousRequest(grpc::ServerContext* context) override {
    WorkBudget budget;
    const auto deadline = context->deadline();
    if (deadline != std::chrono::system_clock::time_point::max()) {
      budget.deadline = absl::FromChrono(deadline);
    }
    budget.cancelled = PollAtMostEvery(kCancellationPollInterval, [context] {
      return context->IsCancelled();
    });
    scope().emplace(std::move(budget));
  }
  void PostSynchronousRequest(grpc::ServerContext*) override {
    scope().reset();
    // Whatever the call left unclaimed must not be blamed on the next one.
    (void)TakeUtf8Violation();
  }

 private:
  static std::optional<ScopedWorkBudget>& scope() {
    thread_local std::optional<ScopedWorkBudget> s;
    return s;
  }
};

// gRPC takes one set of global callbacks per process, and keeps it for the
// process's life.
void InstallWorkBudgetCallbacks() {
  static absl::once_flag once;
  absl::call_once(once, [] {
    grpc::Server::SetGlobalCallbacks(new WorkBudgetCallbacks());
    InstallUtf8ViolationCapture();
  });
}

}  // namespace

ServerRunner::ServerRunner(ServerOptions options,
                           std::vector<ServiceRegistration> services,
                           Readiness readiness)
    : options_(std::move(options)),
      services_(std::move(services)),
      readiness_(std::move(readiness)) {}

ServerRunner::~ServerRunner() {
  Shutdown();
  Wait();
}

absl::Status ServerRunner::Start() {
  // Debian builds Abseil without NDEBUG, which turns on Mutex deadlock
  // detection: a global graph update on every lock, a measurable share of
  // a cheap call's time (docs/performance.md). Lock order is covered by
  // the tests instead.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  InstallWorkBudgetCallbacks();
  // Metrics first: a port clash there is as fatal as one on the gRPC port,
  // and is better found before clients can reach a half-started server.
  if (options_.metrics != nullptr && options_.metrics_port != 0) {
    // The gRPC address's host ("0.0.0.0", "127.0.0.1", "[::]"), so metrics
    // are exactly as reachable as the service.
    const std::string& listen = options_.listen_address;
    const std::string host = listen.substr(0, listen.rfind(':'));
    if (auto s = options_.metrics->Expose(
            absl::StrCat(host, ":", options_.metrics_port));
        !s.ok()) {
      return s;
    }
  }
  // Our own synchronous health service (health_service.h), not gRPC's.
  grpc::EnableDefaultHealthCheckService(false);
  // The plugin is process-wide: every builder after this one serves
  // reflection.
  const std::string& listen = options_.listen_address;
  if (options_.reflection) {
    grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  }

  grpc::ServerBuilder builder;
  builder.AddListeningPort(options_.listen_address,
                           options_.credentials != nullptr
                               ? options_.credentials
                               : grpc::InsecureServerCredentials(),
                           &port_);
  if (options_.health_port != 0) {
    builder.AddListeningPort(absl::StrCat(listen.substr(0, listen.rfind(':')),
                                          ":", options_.health_port),
                             grpc::InsecureServerCredentials(), &health_port_);
  }
  for (const auto& s : services_) builder.RegisterService(s.service);
  builder.RegisterService(&health_);

  grpc::ResourceQuota quota("outreach-server");
  quota.SetMaxThreads(options_.max_threads);
  if (options_.memory_quota_bytes > 0) {
    quota.Resize(static_cast<size_t>(options_.memory_quota_bytes));
  }
  builder.SetResourceQuota(quota);
  builder.SetSyncServerOption(
      grpc::ServerBuilder::SyncServerOption::MAX_POLLERS,
      std::max(1, std::min(options_.max_pollers, options_.max_threads)));
  builder.SetMaxReceiveMessageSize(options_.max_receive_message_bytes);
  builder.SetMaxSendMessageSize(options_.max_send_message_bytes);
  auto ms = [](absl::Duration d) {
    return static_cast<int>(absl::ToInt64Milliseconds(d));
  };
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS,
                             ms(options_.keepalive_time));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS,
                             ms(options_.keepalive_timeout));
  // Clients may ping as often as every 10s without being told off.
  builder.AddChannelArgument(
      GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS,
                             ms(options_.max_connection_age));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS,
                             ms(options_.max_connection_age_grace));
  if (options_.max_connection_idle > absl::ZeroDuration()) {
    builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_IDLE_MS,
                               ms(options_.max_connection_idle));
  }
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS,
                             options_.max_concurrent_streams);

  std::vector<
      std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
      interceptors;
  // Reflection is gRPC's service: its callers are checked here, not in a
  // handler of ours (call_gate.h). Always, not only when this server asked
  // for reflection: gRPC's plugin is process-wide, so any earlier builder
  // in the process that turned it on gave this server reflection too.
  interceptors.push_back(std::make_unique<ReflectionGateFactory>());
  interceptors.push_back(std::make_unique<CallLogInterceptorFactory>(
      &in_flight_, options_.after_write, options_.metrics,
      options_.access_log_every));
  builder.experimental().SetInterceptorCreators(std::move(interceptors));

  server_ = builder.BuildAndStart();
  if (server_ == nullptr || port_ == 0 ||
      (options_.health_port != 0 && health_port_ == 0)) {
    server_.reset();
    return absl::UnavailableError(absl::StrCat(
        "cannot listen on ", options_.listen_address,
        options_.health_port != 0
            ? absl::StrCat(" and health port ", options_.health_port)
            : "",
        " (in use, or not a local address?)"));
  }
  // NOT_SERVING until readiness has been checked once.
  SetServing(false);
  health_.SetServing(kLivenessService, true);
  readiness_thread_ = std::thread([this] { ReadinessLoop(); });
  LogInfo(
      "server started",
      {{"address", options_.listen_address},
       {"port", port_},
       {"health_port", health_port_},
       {"metrics_port",
        options_.metrics != nullptr ? options_.metrics->exposed_port() : 0}});
  return absl::OkStatus();
}

void ServerRunner::SetServing(bool serving) {
  health_.SetServing("", serving);
  for (const auto& s : services_) health_.SetServing(s.full_name, serving);
}

// How long one readiness check may take; below the probes' timeoutSeconds
// (5 s in deploy/k8s), so a probe reads a fresh answer.
constexpr absl::Duration kReadinessCheckTimeout = absl::Seconds(2);

void ServerRunner::ReadinessLoop() {
  bool last = false;
  bool first = true;
  do {
    absl::Status ready = absl::OkStatus();
    if (readiness_) {
      // A store that stops answering must turn readiness off, not hold
      // this loop (and shutdown, which joins it): the check gets the same
      // kind of deadline a call would.
      ScopedWorkBudget budget(
          WorkBudget{absl::Now() + kReadinessCheckTimeout, nullptr});
      ready = readiness_();
    }
    // Shutdown owns the status once it has started.
    absl::MutexLock lock(&mu_);
    if (shutdown_started_) return;
    if (first || ready.ok() != last) {
      SetServing(ready.ok());
      if (ready.ok()) {
        LogInfo("serving");
      } else {
        LogWarning("not ready", {{"error", std::string(ready.message())}});
      }
    }
    first = false;
    last = ready.ok();
  } while (
      !stopping_.WaitForNotificationWithTimeout(options_.readiness_interval));
}

void ServerRunner::Shutdown() {
  {
    absl::MutexLock lock(&mu_);
    if (shutdown_started_ || server_ == nullptr) return;
    shutdown_started_ = true;
    // Probes see NOT_SERVING at once; watchers are told too.
    SetServing(false);
    // Every name NOT_SERVING, liveness too, and watches end.
    health_.Shutdown();
  }
  stopping_.Notify();
  LogInfo("shutting down",
          {{"grace_seconds", absl::ToDoubleSeconds(options_.shutdown_grace)},
           {"in_flight", in_flight_.load()}});
  const absl::Time deadline = absl::Now() + options_.shutdown_grace;
  // Refuses new calls, waits for those in flight up to the deadline, then
  // cancels what is left. It blocks, so it runs beside the drain watch.
  shutdown_thread_ = std::thread(
      [this, deadline] { server_->Shutdown(absl::ToChronoTime(deadline)); });
  // Once nothing is in flight (seen twice, so that a call being dispatched
  // is not missed), drop the idle connections that would otherwise hold
  // Shutdown until each client hangs up after the GOAWAY.
  int idle_checks = 0;
  while (absl::Now() < deadline && idle_checks < 2) {
    idle_checks = in_flight_.load() == 0 ? idle_checks + 1 : 0;
    absl::SleepFor(absl::Milliseconds(20));
  }
  grpc_server_cancel_all_calls(server_->c_server());
  shutdown_done_.Notify();
}

void ServerRunner::Wait() {
  if (server_ == nullptr) return;
  server_->Wait();
  // The server's Wait returns once its Shutdown is done, which can be
  // before ours is: without this, the caller could destroy the runner
  // under the signal thread's last call (a crash seen at shutdown).
  shutdown_done_.WaitForNotification();
  if (shutdown_thread_.joinable()) shutdown_thread_.join();
  if (readiness_thread_.joinable()) readiness_thread_.join();
}

void BlockTerminationSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int WaitForTerminationSignal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  int sig = 0;
  while (sigwait(&set, &sig) != 0) {
  }
  return sig;
}

void ServeUntilSignal(ServerRunner& runner) {
  std::thread signal_thread([&runner] {
    const int sig = WaitForTerminationSignal();
    LogInfo("signal received",
            {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
    runner.Shutdown();
  });
  signal_thread.detach();
  runner.Wait();
}

int Serve(ServerOptions options, std::vector<ServiceRegistration> services,
          ServerRunner::Readiness readiness, absl::string_view what,
          nlohmann::json fields) {
  ServerRunner runner(std::move(options), std::move(services),
                      std::move(readiness));
  if (auto s = runner.Start(); !s.ok()) {
    LogError("cannot start", {{"error", std::string(s.message())}});
    return 1;
  }
  fields["port"] = runner.port();
  if (runner.health_port() != 0) fields["health_port"] = runner.health_port();
  LogInfo(absl::StrCat(what, " ready"), std::move(fields));
  ServeUntilSignal(runner);
  LogInfo("stopped");
  return 0;
}

}  // namespace outreach
