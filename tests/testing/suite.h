#ifndef OUTREACH_TESTS_TESTING_SUITE_H_
#define OUTREACH_TESTS_TESTING_SUITE_H_

// The whole suite on loopback for integration tests: a real redis-server,
// the three services on SQLite files (or on a real PostgreSQL server, when
// the test runs with OUTREACH_TEST_ENGINE=postgres: store_engine.h), and the
// gateway, each told the others' addresses (the events service asks the
// other two before it deletes an event). Stops everything when destroyed.

#include <memory>
#include <string>
#include <vector>

#include "tests/testing/redis_server.h"
#include "tests/testing/service_process.h"
#include "tests/testing/store_engine.h"

namespace outreach::testing {

struct SuiteBinaries {
  std::string events, participants, recommendations, gateway;
};

class Suite {
 public:
  // Files and logs go under `dir`. `gateway_flags` are added to the
  // gateway's.
  Suite(SuiteBinaries binaries, std::string dir,
        std::vector<std::string> gateway_flags = {});
  // Before Start: every service serves mutual TLS with its own certificate
  // from `tls_dir` (scripts/dev_tls.sh's layout) under
  // `policy_dir`/<service>.json, plus `extra` flags.
  void UseTls(const std::string& tls_dir, const std::string& policy_dir,
              const std::vector<std::string>& extra = {});
  // Starts Redis, then the services in dependency order. False, with the
  // logs in `error`, when one does not come up.
  bool Start(std::string* error);

  RedisServer& redis() { return *redis_; }
  StoreEngine& engine() { return *engine_; }
  ServiceProcess& events() { return *events_; }
  ServiceProcess& participants() { return *participants_; }
  ServiceProcess& recommendations() { return *recommendations_; }
  ServiceProcess& gateway() { return *gateway_; }
  // A new gateway process with other flags, on the same backends (the old
  // one must be stopped first).
  void ReplaceGateway(std::vector<std::string> gateway_flags);

 private:
  std::unique_ptr<ServiceProcess> MakeGateway(
      const std::vector<std::string>& extra);

  const SuiteBinaries binaries_;
  const std::string dir_;
  int gateways_ = 0;
  std::vector<std::string> gateway_security_;
  std::unique_ptr<StoreEngine> engine_;
  std::unique_ptr<RedisServer> redis_;
  std::unique_ptr<ServiceProcess> events_, participants_, recommendations_,
      gateway_;
};

}  // namespace outreach::testing

#endif  // OUTREACH_TESTS_TESTING_SUITE_H_
