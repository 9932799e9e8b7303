#ifndef OUTREACH_TESTS_TESTING_POSTGRES_SERVER_H_
#define OUTREACH_TESTS_TESTING_POSTGRES_SERVER_H_

// A real PostgreSQL 15 server for integration tests (Debian's
// postgresql-15): a fresh cluster made with initdb in a folder under the
// test's own, listening on a free loopback port only, with its socket in
// that folder too. PostgreSQL refuses to run as root, so when the test runs
// as root the cluster is made and run as the unprivileged user `nobody`
// (setpriv). Stopped (fast shutdown) when destroyed, and killed with the
// test process if that dies first.

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tests/testing/subprocess.h"

namespace outreach::testing {

inline constexpr char kPostgresBin[] = "/usr/lib/postgresql/15/bin";

class PostgresServer {
 public:
  // The cluster goes in `dir`/postgres; `dir` must exist.
  explicit PostgresServer(const std::string& dir);
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  // initdb (once), start, and wait until it accepts connections, then
  // create the database `outreach` owned by the role `outreach`.
  absl::Status Start();
  void Stop();
  // SIGKILL, as a crash would.
  void Kill();
  // SIGSTOP, then SIGCONT, to the server and every backend: a database
  // that stops answering, with its connections left open.
  void Freeze();
  void Thaw();

  int port() const { return port_; }
  // A libpq connection URI for `database` as the role `outreach`.
  std::string url(const std::string& database = "outreach") const;
  // Runs `sql` with psql as the superuser; the output, or an error with it.
  absl::StatusOr<std::string> Psql(const std::string& sql,
                                   const std::string& database = "postgres");

 private:
  // argv run as the cluster's owner.
  std::vector<std::string> AsOwner(std::vector<std::string> argv) const;
  absl::Status RunToEnd(const std::vector<std::string>& argv,
                        const std::string& log, std::string* output);

  const std::string dir_;
  const std::string data_;
  const int port_;
  bool initialized_ = false;
  Subprocess process_;
};

}  // namespace outreach::testing

#endif  // OUTREACH_TESTS_TESTING_POSTGRES_SERVER_H_
