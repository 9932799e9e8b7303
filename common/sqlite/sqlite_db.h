#ifndef OUTREACH_COMMON_SQLITE_SQLITE_DB_H_
#define OUTREACH_COMMON_SQLITE_SQLITE_DB_H_

// SQLite as the embedded store of a service:
//
// - WAL journal, so readers never block the writer or each other;
// - a busy timeout, so a locked database waits a bounded time and then
//   answers UNAVAILABLE instead of failing at once or hanging;
// - work bounded by the call it serves (common/concurrency/work_budget.h):
//   waiting for the writer or for a reader connection, SQLite's own wait
//   on a locked file, and a running statement all stop once the call's
//   deadline passes or the call is cancelled (DEADLINE_EXCEEDED,
//   CANCELLED), and a write whose call has ended is rolled back, never
//   committed;
// - admission bounded apart for writes and reads: at most
//   `max_queued_writes` writes wait for the writer and `max_queued_reads`
//   reads for a connection, and the next is refused with
//   RESOURCE_EXHAUSTED at once, so writes queued behind a slow writer
//   cannot take the threads that reads need;
// - one writer: all writes go through one connection under a mutex, each in
//   a BEGIN IMMEDIATE transaction, which is how SQLite wants to be written;
// - a small pool of reader connections, each read in its own snapshot;
// - versioned schema migrations, applied in order at open, each in its own
//   transaction and recorded in `schema_migrations`. A database newer than
//   the binary is refused rather than misread;
// - one owning process: Open() takes an exclusive lock on `<path>-owner`
//   (flock, released by the kernel when the process ends, even by
//   SIGKILL) and fails with FAILED_PRECONDITION while another process
//   holds it. The services' caches rely on this: with one process per
//   store, every write to the store passes through that process, so it
//   can invalidate what it caches (common/cache/near_cache.h). Readers
//   outside the services (sqlite3's `.backup` in scripts/backup.sh) do not
//   take the lock and are unaffected.
//
// Prepared statements are cached per connection. Thread-safe.

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/sql/sql_db.h"

namespace outreach {

class Metrics;
class SqliteDb;

// Maps an SQLite result code to a status: BUSY and LOCKED are UNAVAILABLE
// (retryable), FULL is RESOURCE_EXHAUSTED ("the disk is full"),
// CONSTRAINT is ALREADY_EXISTS, INTERRUPT is CANCELLED, anything else
// INTERNAL.
absl::Status SqliteError(int code, absl::string_view context,
                         sqlite3* db = nullptr);

// A prepared statement of one connection, kept in its cache.
class SqliteStatement final : public StatementImpl {
 public:
  explicit SqliteStatement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~SqliteStatement() override;

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
  sqlite3_stmt* const stmt_;
};

// One connection with its statement cache. Used by one thread at a time,
// inside SqliteDb::Read or SqliteDb::Write.
class SqliteConnection final : public SqlConnection {
 public:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  ~SqliteConnection() override;
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  absl::StatusOr<Statement> Prepare(absl::string_view sql) override;
  absl::Status Exec(absl::string_view sql) override;
  // From the one-row revision_counter table (kRevisionCounterSchema).
  absl::StatusOr<int64_t> NextRevision() override;
  // The audit trail's AUTOINCREMENT follows explicit inserts by itself.
  absl::Status AdvanceCounters(int64_t revision) override;
  sqlite3* raw() const { return db_; }

 private:
  sqlite3* db_;
  absl::flat_hash_map<std::string, std::unique_ptr<SqliteStatement>>
      statements_;
};

struct SqliteOptions {
  // File path, or ":memory:"-style URIs are not supported: use a file.
  std::string path;
  // How long a statement waits on a lock before UNAVAILABLE. Default 5s.
  absl::Duration busy_timeout = absl::Seconds(5);
  // Reader connections. Default 4.
  int read_connections = 4;
  // Schema migrations; migration i (0-based) brings the schema to version
  // i + 1. Never edit a released migration; append a new one.
  std::vector<std::string> migrations;
  // Where store faults (IsStoreFault: busy, I/O, corruption) are counted;
  // not owned, may be null.
  Metrics* metrics = nullptr;
  // SQLite's `synchronous` level for the writer: "NORMAL" (default; in WAL
  // mode a committed write survives a process crash, and only a power loss
  // or OS crash can lose the last commits), "FULL" (every commit survives a
  // power loss, at an fsync per commit) or "EXTRA". "OFF" is refused: it can
  // corrupt the file on a power loss. Open() fails with INVALID_ARGUMENT
  // on another value.
  std::string synchronous = "NORMAL";
  // Writes that may wait for the writer at once (the running one not
  // counted), and reads that may wait for a reader connection. Defaults 16
  // and 16.
  int max_queued_writes = 16;
  int max_queued_reads = 16;
  // Ping() (readiness) fails with RESOURCE_EXHAUSTED while the file
  // system holding the database has less free space than this, so that a
  // full disk shows in readiness before writes fail. 0 checks nothing.
  // Default 16 MiB.
  int64_t min_free_bytes = int64_t{16} << 20;
};

// A store-wide counter of writes that only grows, across deletes too: the
// source of revisions, etags and cache versions. A store puts
// kRevisionCounterSchema in its first migration and calls NextRevision
// (common/sql/sql_db.h) once per write, inside the write transaction.
inline constexpr char kRevisionCounterSchema[] = R"sql(
CREATE TABLE revision_counter (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  value INTEGER NOT NULL
);
INSERT INTO revision_counter (id, value) VALUES (1, 0);
)sql";

class SqliteDb final : public SqlDb {
 public:
  // Opens (creating if needed) and migrates the database.
  static absl::StatusOr<std::unique_ptr<SqliteDb>> Open(SqliteOptions options);
  ~SqliteDb() override;

  // Runs `fn` in a write transaction on the single writer connection;
  // commits if it returns OK, else rolls back and returns its status. Runs
  // `fn` once: with one writer, nothing can race it.
  absl::Status Write(const Fn& fn) override;
  absl::Status Read(const Fn& fn) override;
  int queued_writes() const override;
  int queued_reads() const override;
  // OK when a trivial query succeeds and the disk has `min_free_bytes`
  // free; used for readiness.
  absl::Status Ping() override;
  absl::StatusOr<int64_t> LatestRevision() override;
  int schema_version() const override { return schema_version_; }
  // Made anew by scripts/restore.sh.
  const std::string& incarnation() const override { return incarnation_; }
  absl::string_view engine() const override { return "sqlite"; }

 private:
  SqliteDb() = default;
  absl::Status Migrate();
  absl::Status ReadIncarnation();
  // Counts `s` under `operation` when it is a store fault; returns it.
  absl::Status Counted(absl::string_view operation, absl::Status s);

  // Closed last (declared first): the connections go before the lock.
  struct OwnerLock {
    int fd = -1;
    ~OwnerLock();
  };
  OwnerLock owner_lock_;
  SqliteOptions options_;
  int schema_version_ = 0;
  std::string incarnation_;

  // Runs `fn` on `c` in a transaction begun with `begin`, bounded by this
  // thread's WorkBudget; commits only while the budget lasts.
  absl::Status RunTransaction(SqliteConnection& c, absl::string_view begin,
                              const Fn& fn);

  // The writer is used by one write at a time: the one that set
  // writer_busy_. It is not guarded by write_mu_ itself, so that waiting
  // writes can give up at their deadline instead of blocking on a lock.
  mutable absl::Mutex write_mu_;
  bool writer_busy_ ABSL_GUARDED_BY(write_mu_) = false;
  int writes_waiting_ ABSL_GUARDED_BY(write_mu_) = 0;
  std::unique_ptr<SqliteConnection> writer_;

  mutable absl::Mutex read_mu_;
  int reads_waiting_ ABSL_GUARDED_BY(read_mu_) = 0;
  std::vector<std::unique_ptr<SqliteConnection>> readers_;
  std::vector<SqliteConnection*> idle_readers_ ABSL_GUARDED_BY(read_mu_);
};

}  // namespace outreach

#endif  // OUTREACH_COMMON_SQLITE_SQLITE_DB_H_
