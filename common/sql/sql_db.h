#ifndef OUTREACH_COMMON_SQL_SQL_DB_H_
#define OUTREACH_COMMON_SQL_SQL_DB_H_

// The one SQL interface every store is written against, so that each store
// is written once and runs on either engine:
//
// - SQLite (common/sqlite/sqlite_db.h), the embedded default: one process
//   per store;
// - PostgreSQL (common/postgres/pg_db.h), for deployments with several
//   replicas of a service.
//
// Stores use the SQL both engines accept: `?` or `?N` placeholders (a
// PostgreSQL connection turns them into `$N`), `INSERT ... ON CONFLICT`,
// `RETURNING`, and no engine's own functions. Only migrations (DDL) are
// written per engine.
//
// The contract both engines keep:
// - Write(fn) runs fn in one transaction that sees a consistent snapshot
//   and commits all of it or none of it. A transaction that loses a race
//   with a concurrent one (PostgreSQL's serialization failures) is run
//   again from the start, so fn must set its outputs afresh on each run.
// - Read(fn) runs fn in one consistent read-only snapshot.
// - Work is bounded by the calling RPC (common/concurrency/work_budget.h):
//   waits and statements stop at its deadline or cancellation; a write
//   whose call has ended is rolled back, never committed.
// - Error codes: UNAVAILABLE when the database cannot be reached or is busy
//   (retryable), RESOURCE_EXHAUSTED when the disk is full or too many calls
//   wait, ALREADY_EXISTS on a unique-key conflict, DEADLINE_EXCEEDED or
//   CANCELLED when the call's budget ends, INTERNAL otherwise.
// - Revisions (NextRevision) only grow, across creates, updates and
//   deletes, and never repeat: they are etags and cache versions.

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace outreach {

// An engine's prepared statement, owned by its connection's statement
// cache. Bind indexes start at 1, column indexes at 0.
class StatementImpl {
 public:
  virtual ~StatementImpl() = default;
  virtual void BindInt(int index, int64_t value) = 0;
  virtual void BindText(int index, absl::string_view text) = 0;
  virtual void BindBlob(int index, absl::string_view bytes) = 0;
  virtual void BindNull(int index) = 0;
  // true when a row is ready, false when done.
  virtual absl::StatusOr<bool> Step() = 0;
  virtual int64_t ColumnInt64(int column) const = 0;
  virtual std::string ColumnText(int column) const = 0;
  // Valid until the next Step or Reset.
  virtual absl::string_view ColumnBlob(int column) const = 0;
  virtual bool ColumnIsNull(int column) const = 0;
  // Drops bindings and results, ready for the next use.
  virtual void Reset() = 0;
};

// A statement checked out of a connection's cache for one use; reset when
// destroyed. Used by one thread, inside SqlDb::Read or SqlDb::Write.
class Statement {
 public:
  explicit Statement(StatementImpl* impl) : impl_(impl) {}
  ~Statement() {
    if (impl_ != nullptr) impl_->Reset();
  }
  Statement(Statement&& other) noexcept : impl_(other.impl_) {
    other.impl_ = nullptr;
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement& operator=(Statement&&) = delete;

  Statement& Bind(int index, int64_t value) {
    impl_->BindInt(index, value);
    return *this;
  }
  Statement& Bind(int index, absl::string_view text) {
    impl_->BindText(index, text);
    return *this;
  }
  Statement& BindBlob(int index, absl::string_view bytes) {
    impl_->BindBlob(index, bytes);
    return *this;
  }
  Statement& BindNull(int index) {
    impl_->BindNull(index);
    return *this;
  }

  // true when a row is ready, false when done.
  absl::StatusOr<bool> Step() { return impl_->Step(); }
  // Runs to completion, ignoring rows.
  absl::Status Run();

  int64_t ColumnInt64(int column) const { return impl_->ColumnInt64(column); }
  std::string ColumnText(int column) const {
    return impl_->ColumnText(column);
  }
  absl::string_view ColumnBlob(int column) const {
    return impl_->ColumnBlob(column);
  }
  bool ColumnIsNull(int column) const { return impl_->ColumnIsNull(column); }

 private:
  StatementImpl* impl_;
};

// One connection inside a transaction. Used by one thread at a time.
class SqlConnection {
 public:
  virtual ~SqlConnection() = default;
  // A statement from the connection's cache, prepared on first use.
  virtual absl::StatusOr<Statement> Prepare(absl::string_view sql) = 0;
  // Runs SQL without parameters or rows (DDL, pragmas).
  virtual absl::Status Exec(absl::string_view sql) = 0;
  // The next revision of the store, inside a write transaction.
  virtual absl::StatusOr<int64_t> NextRevision() = 0;
  // After a bulk load (common/sql/table_copy.h), inside its transaction:
  // moves the revision counter to at least `revision`, and the audit
  // trail's sequence past every stored record.
  virtual absl::Status AdvanceCounters(int64_t revision) = 0;
};

class SqlDb {
 public:
  virtual ~SqlDb() = default;

  using Fn = std::function<absl::Status(SqlConnection&)>;

  // Runs `fn` in a write transaction; commits if it returns OK, else rolls
  // back and returns its status. `fn` may run more than once (see above).
  virtual absl::Status Write(const Fn& fn) = 0;
  // Runs `fn` in a read transaction (one consistent snapshot).
  virtual absl::Status Read(const Fn& fn) = 0;
  // OK while the store can serve; for readiness.
  virtual absl::Status Ping() = 0;
  // The last revision NextRevision gave (perhaps to a transaction still
  // running): no stored revision is above it.
  virtual absl::StatusOr<int64_t> LatestRevision() = 0;
  // The schema version after migrations.
  virtual int schema_version() const = 0;
  // This store's incarnation: 16 hex digits made when the store was
  // created and made anew by a restore. Part of the service's cache keys,
  // so that nothing cached before a restore is read after it.
  virtual const std::string& incarnation() const = 0;
  // Writes and reads waiting for a connection now.
  virtual int queued_writes() const = 0;
  virtual int queued_reads() const = 0;
  // "sqlite" or "postgresql", for logs.
  virtual absl::string_view engine() const = 0;
};

// A store's schema, per engine: migration i (0-based) brings the schema to
// version i + 1. Append-only: never edit a migration that has shipped. The
// two lists need not have the same length (PostgreSQL began at SQLite's
// third version, in one migration).
struct StoreMigrations {
  std::vector<std::string> sqlite;
  std::vector<std::string> postgres;
};

// A value to bind to a statement parameter: an integer or text.
struct SqlParam {
  static SqlParam Int(int64_t v) { return {true, v, {}}; }
  static SqlParam Text(std::string v) { return {false, 0, std::move(v)}; }
  bool is_int = false;
  int64_t number = 0;
  std::string text;
};

// Binds params[i] to parameter i + 1.
void BindAll(Statement& stmt, const std::vector<SqlParam>& params);

// `s` with another message, and the same code and payloads (which carry an
// engine's marks, such as PgDb's "run this write again").
inline absl::Status Reworded(const absl::Status& s, absl::string_view message) {
  absl::Status out(s.code(), message);
  s.ForEachPayload([&out](absl::string_view url, const absl::Cord& payload) {
    out.SetPayload(url, payload);
  });
  return out;
}

// The next revision, inside a write transaction on `c`.
inline absl::StatusOr<int64_t> NextRevision(SqlConnection& c) {
  return c.NextRevision();
}

// For stores that keep each record whole: runs a SELECT whose first two
// columns are (revision, serialized body) in one read transaction, and
// parses every body into `Message`. DATA_LOSS when a body does not parse.
template <typename Message>
absl::StatusOr<std::vector<std::pair<int64_t, Message>>> SelectRecords(
    SqlDb& db, const std::string& sql, const std::vector<SqlParam>& params) {
  std::vector<std::pair<int64_t, Message>> rows;
  absl::Status s = db.Read([&](SqlConnection& c) -> absl::Status {
    rows.clear();
    auto stmt = c.Prepare(sql);
    if (!stmt.ok()) return stmt.status();
    BindAll(*stmt, params);
    while (true) {
      auto row = stmt->Step();
      if (!row.ok()) return row.status();
      if (!*row) return absl::OkStatus();
      Message m;
      const absl::string_view body = stmt->ColumnBlob(1);
      if (!m.ParseFromArray(body.data(), static_cast<int>(body.size()))) {
        return absl::DataLossError("a stored record does not parse");
      }
      rows.emplace_back(stmt->ColumnInt64(0), std::move(m));
    }
  });
  if (!s.ok()) return s;
  return rows;
}

}  // namespace outreach

#endif  // OUTREACH_COMMON_SQL_SQL_DB_H_
