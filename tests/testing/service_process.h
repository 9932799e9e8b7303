#ifndef OUTREACH_TESTS_TESTING_SERVICE_PROCESS_H_
#define OUTREACH_TESTS_TESTING_SERVICE_PROCESS_H_

// A real Outreach service binary on a free loopback port, for integration
// tests, with the clients tests need: a channel, health and reflection.

#include <memory>
#include <string>
#include <vector>

#include "grpcpp/channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/status.h"
#include "tests/testing/subprocess.h"

namespace outreach::testing {

class ServiceProcess {
 public:
  // `binary` is a path; `flags` are passed as given, after --port,
  // --metrics_port, --health_port (all free ports) and
  // --listen_host=127.0.0.1.
  ServiceProcess(std::string binary, std::vector<std::string> flags,
                 std::string log_path);
  ~ServiceProcess();

  // Flags added before Start, for services that need each other's
  // addresses (both are known once both are constructed).
  void AddFlags(const std::vector<std::string>& flags) {
    flags_.insert(flags_.end(), flags.begin(), flags.end());
  }
  // Starts and waits up to `timeout` for health SERVING on "", asked on
  // the plaintext health port (so TLS servers are waited for alike).
  bool Start(absl::Duration timeout = absl::Seconds(20));
  // Start in two steps, to start several processes at once: Launch starts
  // the process, WaitServing waits for it as Start does.
  bool Launch();
  bool WaitServing(absl::Duration timeout = absl::Seconds(20));
  // SIGTERM and wait; returns the exit status.
  int Stop(absl::Duration grace = absl::Seconds(20));
  Subprocess& process() { return process_; }
  int port() const { return port_; }
  int metrics_port() const { return metrics_port_; }
  int health_port() const { return health_port_; }
  std::string address() const;
  // A plaintext channel of its own (a new connection).
  std::shared_ptr<grpc::Channel> NewChannel() const;
  // The same, with `credentials`.
  std::shared_ptr<grpc::Channel> NewChannel(
      std::shared_ptr<grpc::ChannelCredentials> credentials) const;
  std::string log() const { return ReadFile(log_path_); }

 private:
  std::string binary_;
  std::vector<std::string> flags_;
  std::string log_path_;
  int port_;
  int metrics_port_;
  int health_port_;
  Subprocess process_;
};

// grpc.health.v1 Check: "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN", or the
// error code's name when the call fails.
std::string HealthStatus(const std::shared_ptr<grpc::Channel>& channel,
                         const std::string& service);

// Service names listed by server reflection; `code` (when given) receives
// how the call ended.
std::vector<std::string> ReflectedServices(
    const std::shared_ptr<grpc::Channel>& channel,
    grpc::StatusCode* code = nullptr);

// "field: description" for each google.rpc.BadRequest violation.
std::vector<std::string> ViolatedFields(const grpc::Status& status);

}  // namespace outreach::testing

#endif  // OUTREACH_TESTS_TESTING_SERVICE_PROCESS_H_
