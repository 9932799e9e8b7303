#ifndef OUTREACH_COMMON_POSTGRES_PG_DB_H_
#define OUTREACH_COMMON_POSTGRES_PG_DB_H_

// PostgreSQL as the store of a service that runs as several replicas, on
// libpq (why libpq and not libpqxx: docs/architecture.md). It keeps the
// contract of common/sql/sql_db.h, and for replicas writing at once:
//
// - Writes run REPEATABLE READ (snapshot isolation; why not SERIALIZABLE:
//   docs/architecture.md). A transaction that loses a race with another
//   replica's on the same row (SQLSTATE 40001, or a deadlock, 40P01) is
//   rolled back and run again from the start, up to
//   `serialization_retries` times, and only then answered UNAVAILABLE; so
//   an etag check (read the revision, then update the row) holds across
//   replicas. A unique violation (23505) is run again too, twice at most:
//   the stores look a key up before inserting it, so a violation means
//   another replica committed it meanwhile, and the rerun sees that (a
//   request-id replay, the next free id, or ALREADY_EXISTS). A COMMIT
//   whose outcome is unknown (the connection broke) is never run again:
//   that is what request ids are for.
// - Reads run REPEATABLE READ, READ ONLY: one snapshot, never a
//   serialization failure.
// - Revisions come from the sequence `revisions` (kPgRevisionSchema).
// - A bounded pool: at most `max_connections` connections, opened on
//   demand; at most `max_queued` calls wait for one, and the next is
//   refused at once with RESOURCE_EXHAUSTED. A broken connection is
//   dropped and replaced.
// - Every wait ends at the call's deadline (common/concurrency/
//   work_budget.h): for a connection, for the server's answer (polled on
//   the socket, so a server that stopped answering cannot hold a thread
//   past it), and on the server, whose statement_timeout is set per
//   transaction to what is left of the deadline (at most
//   `statement_timeout`). A call without a deadline still waits at most
//   `statement_timeout` plus a second for each statement's answer.
// - Migrations run at Open under a PostgreSQL advisory lock, so replicas
//   starting together migrate exactly once; each migration commits with its
//   row in schema_migrations. A database whose schema is newer than the
//   binary is refused (FAILED_PRECONDITION).
//
// The password is never part of the options a process logs: libpq reads it
// from the URL (set from a Secret through OUTREACH_DATABASE_URL), from
// PGPASSWORD, or from PGPASSFILE.
//
// Thread-safe.

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/sql/sql_db.h"

namespace outreach {

class Metrics;

// The DDL of the revision sequence, for a store's first migration.
inline constexpr char kPgRevisionSchema[] = R"sql(
CREATE SEQUENCE revisions AS BIGINT START WITH 1;
)sql";

struct PostgresOptions {
  // A libpq connection URI or keyword/value string:
  // "postgresql://outreach@db:5432/events".
  std::string url;
  // Connections the pool may open. Default 8.
  int max_connections = 8;
  // Calls that may wait for a connection at once. Default 32.
  int max_queued = 32;
  // How long opening a connection may take. Default 5 s.
  absl::Duration connect_timeout = absl::Seconds(5);
  // The server-side limit of a transaction's statements when the call has
  // no nearer deadline. Default 30 s.
  absl::Duration statement_timeout = absl::Seconds(30);
  // How often a write that lost a serialization race is run again. Default
  // 8.
  int serialization_retries = 8;
  // How long Open waits for another replica's migration. Default 60 s.
  absl::Duration migration_timeout = absl::Seconds(60);
  // Migration i (0-based) brings the schema to version i + 1. Never edit
  // a released migration; append a new one.
  std::vector<std::string> migrations;
  // Names the store in the advisory lock and in messages: "events".
  std::string store_name = "store";
  // Where store faults are counted; not owned, may be null.
  Metrics* metrics = nullptr;
};

// Maps a failed result (or a connection's error, when `result` is null) to
// a status: UNAVAILABLE for connection failures, an unreachable or
// read-only (standby) server, and too many connections; ABORTED for
// serialization failures and deadlocks (which Write retries);
// ALREADY_EXISTS for integrity violations; DEADLINE_EXCEEDED for a
// cancelled statement (its timeout); RESOURCE_EXHAUSTED for a full disk;
// INVALID_ARGUMENT for a value the database cannot hold (a NUL byte, say);
// INTERNAL otherwise. Exposed for its test.
absl::Status PgError(const PGresult* result, PGconn* conn,
                     absl::string_view context);

class PgConnection;

// A named prepared statement of one connection.
class PgStatement final : public StatementImpl {
 public:
  PgStatement(PgConnection* connection, std::string name, int params);

  void BindInt(int index, int64_t value) override;
  void BindText(int index, absl::string_view text) override;
  void BindBlob(int index, absl::string_view bytes) override;
  void BindNull(int index) override;
  absl::StatusOr<bool> Step() override;
  int64_t ColumnInt64(int column) const override;
  std::string ColumnText(int column) const override;
  absl::string_view ColumnBlob(int column) const override;
  bool ColumnIsNull(int column) const override;
  void Reset() override;

 private:
  void Set(int index, std::string value, bool binary);

  PgConnection* const connection_;
  const std::string name_;
  std::vector<std::string> values_;
  std::vector<char> is_null_;
  std::vector<int> formats_;
  // The result of the current execution, and the row Step is on.
  std::unique_ptr<PGresult, void (*)(PGresult*)> result_{nullptr, &PQclear};
  int row_ = -1;
};

// One connection and its prepared statements.
class PgConnection final : public SqlConnection {
 public:
  explicit PgConnection(PGconn* conn) : conn_(conn) {}
  ~PgConnection() override;
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  absl::StatusOr<Statement> Prepare(absl::string_view sql) override;
  absl::Status Exec(absl::string_view sql) override;
  absl::StatusOr<int64_t> NextRevision() override;
  absl::Status AdvanceCounters(int64_t revision) override;

  // Runs a prepared statement; the result holds its rows.
  absl::StatusOr<std::unique_ptr<PGresult, void (*)(PGresult*)>> RunPrepared(
      const std::string& name, const std::vector<std::string>& values,
      const std::vector<char>& is_null, const std::vector<int>& formats);

  // The deadline of the work in progress: no wait on the server goes past
  // it.
  void set_deadline(absl::Time deadline) { deadline_ = deadline; }
  // The longest one statement may wait for the server, whatever the
  // deadline: past it the connection is dropped and the call answered
  // UNAVAILABLE.
  void set_statement_wait(absl::Duration wait) { statement_wait_ = wait; }
  // Whether the connection is unusable (lost, or abandoned in the middle of
  // an answer), and must be dropped.
  bool broken() const;
  PGconn* raw() const { return conn_; }

 private:
  // Waits for the answer to what was sent, until the deadline; the last
  // result, or the first error.
  absl::StatusOr<std::unique_ptr<PGresult, void (*)(PGresult*)>> Await(
      absl::string_view context);

  PGconn* const conn_;
  absl::Time deadline_ = absl::InfiniteFuture();
  absl::Duration statement_wait_ = absl::InfiniteDuration();
  bool abandoned_ = false;
  int next_statement_ = 0;
  absl::flat_hash_map<std::string, std::unique_ptr<PgStatement>> statements_;
};

// SQL with `?` and `?N` placeholders as PostgreSQL's `$N`, and the number
// of parameters. Quoted text and identifiers are left as they are.
std::pair<std::string, int> ToPostgresPlaceholders(absl::string_view sql);

class PgDb final : public SqlDb {
 public:
  // Connects, migrates under the advisory lock and reads the incarnation.
  // UNAVAILABLE when the server cannot be reached within connect_timeout.
  static absl::StatusOr<std::unique_ptr<PgDb>> Open(PostgresOptions options);
  ~PgDb() override;

  absl::Status Write(const Fn& fn) override;
  absl::Status Read(const Fn& fn) override;
  absl::Status Ping() override;
  absl::StatusOr<int64_t> LatestRevision() override;
  int schema_version() const override { return schema_version_; }
  const std::string& incarnation() const override { return incarnation_; }
  int queued_writes() const override;
  int queued_reads() const override;
  absl::string_view engine() const override { return "postgresql"; }

  // Connections open now (idle or in use); for tests and metrics.
  int open_connections() const;
  // Serialization failures retried since Open.
  int64_t serialization_retries() const;

  // A new connection to the same database, outside the pool (for LISTEN),
  // opened by `deadline` at the latest.
  absl::StatusOr<std::unique_ptr<PgConnection>> Connect(
      absl::Time deadline) const;

 private:
  PgDb() = default;
  absl::Status Migrate();
  // A connection from the pool, waiting until the deadline at most.
  absl::StatusOr<std::unique_ptr<PgConnection>> Checkout(bool write);
  void Return(std::unique_ptr<PgConnection> c);
  // One run of `fn` in a transaction begun with `begin`.
  absl::Status RunTransaction(PgConnection& c, absl::string_view begin,
                              const Fn& fn);
  absl::Status Counted(absl::string_view operation, absl::Status s);

  PostgresOptions options_;
  int schema_version_ = 0;
  std::string incarnation_;

  mutable absl::Mutex mu_;
  std::vector<std::unique_ptr<PgConnection>> idle_ ABSL_GUARDED_BY(mu_);
  int open_ ABSL_GUARDED_BY(mu_) = 0;
  int writes_waiting_ ABSL_GUARDED_BY(mu_) = 0;
  int reads_waiting_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t retries_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace outreach

#endif  // OUTREACH_COMMON_POSTGRES_PG_DB_H_
