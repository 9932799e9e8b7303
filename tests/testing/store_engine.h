#ifndef OUTREACH_TESTS_TESTING_STORE_ENGINE_H_
#define OUTREACH_TESTS_TESTING_STORE_ENGINE_H_

// Which engine the services of an integration test keep their records on:
// SQLite files in the test's folder (the default), or, when the test runs
// with OUTREACH_TEST_ENGINE=postgres (CTest registers the suite-level tests
// a second time so, with the prefix "postgres:"), a real PostgreSQL 15
// server started for the test, with one database per service.

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "tests/testing/postgres_server.h"

namespace outreach::testing {

class StoreEngine {
 public:
  // Files, the cluster and logs go under `dir`.
  explicit StoreEngine(std::string dir);

  // Whether this run is the PostgreSQL one.
  static bool PostgresRequested();
  bool postgres() const { return server_ != nullptr; }
  // Starts the server and makes the databases events, participants and
  // recommendations; nothing on SQLite.
  absl::Status Start();
  // The flag that places `service`'s store: --db_path=<dir>/<service>.db,
  // or --database_url=<its database>.
  std::string StoreFlag(const std::string& service) const;
  // The server, on PostgreSQL; null otherwise.
  PostgresServer* server() { return server_.get(); }

 private:
  const std::string dir_;
  std::unique_ptr<PostgresServer> server_;
};

}  // namespace outreach::testing

#endif  // OUTREACH_TESTS_TESTING_STORE_ENGINE_H_
