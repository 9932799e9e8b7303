#include "common/sqlite/sqlite_db.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <algorithm>
#include <filesystem>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/concurrency/work_budget.h"
#include "common/metrics/metrics.h"

namespace outreach {

absl::Status SqliteError(int code, absl::string_view context, sqlite3* db) {
  std::string message = absl::StrCat(context, ": ", sqlite3_errstr(code));
  if (db != nullptr) absl::StrAppend(&message, " (", sqlite3_errmsg(db), ")");
  switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return absl::UnavailableError(message);
    case SQLITE_FULL:
      return absl::ResourceExhaustedError(
          absl::StrCat("the disk is full; free space, then retry (", message,
                       ")"));
    case SQLITE_INTERRUPT:
      return absl::CancelledError(message);
    case SQLITE_CONSTRAINT:
      return absl::AlreadyExistsError(message);
    default:
      return absl::InternalError(message);
  }
}

SqliteStatement::~SqliteStatement() { sqlite3_finalize(stmt_); }

void SqliteStatement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

void SqliteStatement::BindInt(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
}

void SqliteStatement::BindText(int index, absl::string_view text) {
  sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()),
                    SQLITE_TRANSIENT);
}

void SqliteStatement::BindBlob(int index, absl::string_view bytes) {
  sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()),
                    SQLITE_TRANSIENT);
}

void SqliteStatement::BindNull(int index) { sqlite3_bind_null(stmt_, index); }

absl::StatusOr<bool> SqliteStatement::Step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteError(rc, "step", sqlite3_db_handle(stmt_));
}

int64_t SqliteStatement::ColumnInt64(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

std::string SqliteStatement::ColumnText(int column) const {
  const auto* text = sqlite3_column_text(stmt_, column);
  const int n = sqlite3_column_bytes(stmt_, column);
  return text == nullptr ? std::string()
                         : std::string(reinterpret_cast<const char*>(text), n);
}

absl::string_view SqliteStatement::ColumnBlob(int column) const {
  const void* blob = sqlite3_column_blob(stmt_, column);
  const int n = sqlite3_column_bytes(stmt_, column);
  return blob == nullptr ? absl::string_view()
                         : absl::string_view(static_cast<const char*>(blob), n);
}

bool SqliteStatement::ColumnIsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

absl::StatusOr<int64_t> SqliteDb::LatestRevision() {
  int64_t latest = 0;
  absl::Status s = Read([&](SqlConnection& c) -> absl::Status {
    auto stmt = c.Prepare("SELECT value FROM revision_counter WHERE id = 1");
    if (!stmt.ok()) return stmt.status();
    auto row = stmt->Step();
    if (!row.ok()) return row.status();
    if (*row) latest = stmt->ColumnInt64(0);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return latest;
}

absl::StatusOr<int64_t> SqliteConnection::NextRevision() {
  auto stmt = Prepare(
      "UPDATE revision_counter SET value = value + 1 WHERE id = 1 "
      "RETURNING value");
  if (!stmt.ok()) return stmt.status();
  auto row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!*row) return absl::InternalError("revision counter is missing");
  const int64_t value = stmt->ColumnInt64(0);
  if (auto done = stmt->Step(); !done.ok()) return done.status();
  return value;
}

absl::Status SqliteConnection::AdvanceCounters(int64_t revision) {
  auto stmt = Prepare(
      "UPDATE revision_counter SET value = max(value, ?) WHERE id = 1");
  if (!stmt.ok()) return stmt.status();
  return stmt->Bind(1, revision).Run();
}

SqliteConnection::~SqliteConnection() {
  statements_.clear();  // finalized before the connection closes
  sqlite3_close_v2(db_);
}

absl::StatusOr<Statement> SqliteConnection::Prepare(absl::string_view sql) {
  auto it = statements_.find(sql);
  if (it != statements_.end()) return Statement(it->second.get());
  sqlite3_stmt* stmt = nullptr;
  const int rc =
      sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                         SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return SqliteError(rc, "prepare", db_);
  auto owned = std::make_unique<SqliteStatement>(stmt);
  SqliteStatement* raw = owned.get();
  statements_.emplace(std::string(sql), std::move(owned));
  return Statement(raw);
}

absl::Status SqliteConnection::Exec(absl::string_view sql) {
  char* error = nullptr;
  const int rc =
      sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &error);
  if (rc == SQLITE_OK) return absl::OkStatus();
  std::string message = error ? error : "";
  sqlite3_free(error);
  return SqliteError(rc, absl::StrCat("exec: ", message));
}

namespace {

absl::StatusOr<std::unique_ptr<SqliteConnection>> OpenConnection(
    const SqliteOptions& options, bool writer) {
  sqlite3* db = nullptr;
  const int flags = (writer ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
                            : SQLITE_OPEN_READONLY) |
                    SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(options.path.c_str(), &db, flags, nullptr);
  auto conn = std::make_unique<SqliteConnection>(db);
  if (rc != SQLITE_OK) {
    return SqliteError(rc, absl::StrCat("open ", options.path), db);
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(
      db, static_cast<int>(absl::ToInt64Milliseconds(options.busy_timeout)));
  if (writer) {
    // The pragma answers the mode it ended in: a file system without the
    // shared memory WAL needs leaves the file in another mode, silently,
    // and readers would then block the writer. Refuse to serve that way.
    auto wal = conn->Prepare("PRAGMA journal_mode=WAL");
    if (!wal.ok()) return wal.status();
    auto row = wal->Step();
    if (!row.ok()) return row.status();
    const std::string mode = *row ? wal->ColumnText(0) : "";
    if (mode != "wal") {
      return absl::FailedPreconditionError(absl::StrCat(
          options.path, ": journal_mode is '", mode,
          "', not 'wal' (does its file system support shared memory?)"));
    }
    if (auto s = conn->Exec(absl::StrCat("PRAGMA synchronous=",
                                         options.synchronous));
        !s.ok()) {
      return s;
    }
  }
  if (auto s = conn->Exec("PRAGMA foreign_keys=ON"); !s.ok()) return s;
  return conn;
}

}  // namespace

absl::StatusOr<std::unique_ptr<SqliteDb>> SqliteDb::Open(
    SqliteOptions options) {
  if (options.synchronous != "NORMAL" && options.synchronous != "FULL" &&
      options.synchronous != "EXTRA") {
    return absl::InvalidArgumentError(absl::StrCat(
        "synchronous '", options.synchronous,
        "' is not NORMAL, FULL or EXTRA"));
  }
  if (options.path.empty()) {
    return absl::InvalidArgumentError("sqlite path is empty");
  }
  std::unique_ptr<SqliteDb> db(new SqliteDb());
  const std::string lock_path = options.path + "-owner";
  db->owner_lock_.fd =
      ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (db->owner_lock_.fd < 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot open ", lock_path, ": ", std::strerror(errno)));
  }
  if (::flock(db->owner_lock_.fd, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    if (error == EWOULDBLOCK) {
      return absl::FailedPreconditionError(absl::StrCat(
          options.path,
          " is in use by another process; a SQLite store has one owner "
          "(use PostgreSQL for several replicas)"));
    }
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot lock ", lock_path, ": ", std::strerror(error)));
  }
  db->options_ = std::move(options);
  auto writer = OpenConnection(db->options_, /*writer=*/true);
  if (!writer.ok()) return writer.status();
  db->writer_ = std::move(*writer);
  if (auto s = db->Migrate(); !s.ok()) return s;
  const int readers =
      db->options_.read_connections > 0 ? db->options_.read_connections : 1;
  absl::MutexLock lock(&db->read_mu_);
  for (int i = 0; i < readers; ++i) {
    auto reader = OpenConnection(db->options_, /*writer=*/false);
    if (!reader.ok()) return reader.status();
    db->idle_readers_.push_back(reader->get());
    db->readers_.push_back(std::move(*reader));
  }
  return db;
}

SqliteDb::~SqliteDb() = default;

SqliteDb::OwnerLock::~OwnerLock() {
  if (fd >= 0) ::close(fd);  // releases the flock
}

absl::Status SqliteDb::ReadIncarnation() {
  return Write([this](SqlConnection& c) -> absl::Status {
    auto read = c.Prepare("SELECT id FROM outreach_incarnation LIMIT 1");
    if (!read.ok()) return read.status();
    auto row = read->Step();
    if (!row.ok()) return row.status();
    if (!*row) return absl::InternalError("the store has no incarnation");
    incarnation_ = read->ColumnText(0);
    return absl::OkStatus();
  });
}

absl::Status SqliteDb::Migrate() {
  absl::Status s = Write([](SqlConnection& c) {
    return c.Exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY,"
        " applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)");
  });
  if (!s.ok()) return s;
  int current = 0;
  s = Write([&current](SqlConnection& c) {
    auto stmt =
        c.Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    if (!stmt.ok()) return stmt.status();
    auto row = stmt->Step();
    if (!row.ok()) return row.status();
    current = static_cast<int>(stmt->ColumnInt64(0));
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  const int latest = static_cast<int>(options_.migrations.size());
  if (current > latest) {
    return absl::FailedPreconditionError(
        absl::StrCat("database ", options_.path, " has schema version ",
                     current, " but this binary knows only up to ", latest,
                     "; run a newer binary or restore a backup"));
  }
  for (int v = current + 1; v <= latest; ++v) {
    s = Write([&](SqlConnection& c) -> absl::Status {
      if (auto e = c.Exec(options_.migrations[v - 1]); !e.ok()) {
        return absl::Status(e.code(),
                            absl::StrCat("migration ", v, ": ", e.message()));
      }
      auto stmt =
          c.Prepare("INSERT INTO schema_migrations(version) VALUES (?)");
      if (!stmt.ok()) return stmt.status();
      return stmt->Bind(1, int64_t{v}).Run();
    });
    if (!s.ok()) return s;
  }
  schema_version_ = latest;
  // The store's incarnation: made when the file is first opened, and
  // replaced by scripts/restore.sh, so that caches keyed by it never match
  // data from before a restore.
  s = Write([](SqlConnection& c) -> absl::Status {
    if (auto e = c.Exec("CREATE TABLE IF NOT EXISTS outreach_incarnation ("
                        " id TEXT NOT NULL)");
        !e.ok()) {
      return e;
    }
    return c.Exec(
        "INSERT INTO outreach_incarnation (id) SELECT lower(hex(randomblob(8)))"
        " WHERE NOT EXISTS (SELECT 1 FROM outreach_incarnation)");
  });
  if (!s.ok()) return s;
  return ReadIncarnation();
}

namespace {

// SQLite calls this every kProgressSteps virtual-machine steps of a
// statement; non-zero interrupts it (SQLITE_INTERRUPT).
constexpr int kProgressSteps = 1000;

int StopWhenSpent(void* budget) {
  return BudgetStatus(*static_cast<const WorkBudget*>(budget), "").ok() ? 0
                                                                        : 1;
}

}  // namespace

absl::Status SqliteDb::RunTransaction(SqliteConnection& c,
                                      absl::string_view begin, const Fn& fn) {
  const WorkBudget& budget = CurrentWorkBudget();
  // SQLite's own wait for a file another process holds ends at the
  // call's deadline too. The wait is in whole milliseconds, rounded up:
  // rounded down, it ended just before the deadline, and the caller got
  // "database is locked" where its deadline had in truth run out.
  absl::Duration wait = options_.busy_timeout;
  bool wait_ends_at_deadline = false;
  if (budget.deadline != absl::InfiniteFuture()) {
    const absl::Duration left =
        std::max(budget.deadline - absl::Now(), absl::Milliseconds(1));
    if (left <= wait) {
      wait = left;
      wait_ends_at_deadline = true;
    }
  }
  sqlite3_busy_timeout(
      c.raw(), static_cast<int>(absl::ToInt64Milliseconds(
                   absl::Ceil(wait, absl::Milliseconds(1)))));
  sqlite3_progress_handler(c.raw(), kProgressSteps, &StopWhenSpent,
                           const_cast<WorkBudget*>(&budget));
  absl::Status s = c.Exec(begin);
  if (s.ok()) {
    s = fn(c);
    // The last look before the commit: a call whose caller has gone (or
    // whose deadline passed) is rolled back rather than written for
    // nobody. The answer could still be lost after the commit; that is
    // what request ids are for.
    if (s.ok()) s = BudgetStatus(budget, "the transaction");
    if (s.ok()) s = c.Exec("COMMIT");
    // After a failed statement or COMMIT the transaction may still be open.
    if (!sqlite3_get_autocommit(c.raw())) c.Exec("ROLLBACK").IgnoreError();
  }
  sqlite3_progress_handler(c.raw(), 0, nullptr, nullptr);
  if (!s.ok()) {
    // An interrupted statement, or a wait cut short: say why, in the
    // call's terms.
    if (absl::Status spent = BudgetStatus(budget, "the transaction");
        !spent.ok() && (s.code() == absl::StatusCode::kCancelled ||
                        s.code() == absl::StatusCode::kUnavailable)) {
      return spent;
    }
    // A busy wait that was cut to the deadline and still found the file
    // held: the deadline is what ended it, whatever the clock says to
    // within SQLite's sleep granularity.
    // (Only SQLITE_BUSY and SQLITE_LOCKED map to UNAVAILABLE here.)
    if (wait_ends_at_deadline && s.code() == absl::StatusCode::kUnavailable) {
      return absl::DeadlineExceededError(
          "the call's deadline passed while it waited for the database "
          "file, which another process holds");
    }
  }
  return s;
}

absl::Status SqliteDb::Write(const Fn& fn) {
  const WorkBudget& budget = CurrentWorkBudget();
  if (auto s = BudgetStatus(budget, "the write"); !s.ok()) {
    return Counted("write", std::move(s));
  }
  {
    absl::MutexLock lock(&write_mu_);
    if (writer_busy_) {
      if (writes_waiting_ >= options_.max_queued_writes) {
        return Counted("write",
                       absl::ResourceExhaustedError(absl::StrCat(
                           options_.max_queued_writes,
                           " writes are already waiting for the database's "
                           "writer; retry later")));
      }
      ++writes_waiting_;
      const bool free = write_mu_.AwaitWithDeadline(
          absl::Condition(
              +[](bool* busy) { return !*busy; }, &writer_busy_),
          budget.deadline);
      --writes_waiting_;
      if (!free) {
        return Counted("write", absl::DeadlineExceededError(
                                    "the call's deadline passed while it "
                                    "waited for the database's writer"));
      }
    }
    writer_busy_ = true;
  }
  absl::Status s = RunTransaction(*writer_, "BEGIN IMMEDIATE", fn);
  {
    absl::MutexLock lock(&write_mu_);
    writer_busy_ = false;
  }
  return Counted("write", std::move(s));
}

absl::Status SqliteDb::Counted(absl::string_view operation, absl::Status s) {
  if (options_.metrics != nullptr && IsStoreFault(s)) {
    options_.metrics->CountStoreError(operation,
                                      GrpcCodeName(static_cast<int>(s.code())));
  }
  return s;
}

absl::Status SqliteDb::Read(const Fn& fn) {
  const WorkBudget& budget = CurrentWorkBudget();
  if (auto s = BudgetStatus(budget, "the read"); !s.ok()) {
    return Counted("read", std::move(s));
  }
  SqliteConnection* c = nullptr;
  {
    absl::MutexLock lock(&read_mu_);
    if (idle_readers_.empty()) {
      if (reads_waiting_ >= options_.max_queued_reads) {
        return Counted("read", absl::ResourceExhaustedError(absl::StrCat(
                                   options_.max_queued_reads,
                                   " reads are already waiting for a "
                                   "database connection; retry later")));
      }
      ++reads_waiting_;
      const bool free = read_mu_.AwaitWithDeadline(
          absl::Condition(
              +[](std::vector<SqliteConnection*>* idle) {
                return !idle->empty();
              },
              &idle_readers_),
          budget.deadline);
      --reads_waiting_;
      if (!free) {
        return Counted("read", absl::DeadlineExceededError(
                                   "the call's deadline passed while it "
                                   "waited for a database connection"));
      }
    }
    c = idle_readers_.back();
    idle_readers_.pop_back();
  }
  // A read transaction has nothing to keep; COMMIT just ends it.
  absl::Status s = RunTransaction(*c, "BEGIN", fn);
  {
    absl::MutexLock lock(&read_mu_);
    idle_readers_.push_back(c);
  }
  return Counted("read", std::move(s));
}

int SqliteDb::queued_writes() const {
  absl::MutexLock lock(&write_mu_);
  return writes_waiting_;
}

int SqliteDb::queued_reads() const {
  absl::MutexLock lock(&read_mu_);
  return reads_waiting_;
}

absl::Status SqliteDb::Ping() {
  if (options_.min_free_bytes > 0) {
    const std::string dir =
        std::filesystem::path(options_.path).parent_path().string();
    struct statvfs fs {};
    if (statvfs(dir.empty() ? "." : dir.c_str(), &fs) == 0) {
      const int64_t free_bytes = static_cast<int64_t>(fs.f_bavail) *
                                 static_cast<int64_t>(fs.f_frsize);
      if (free_bytes < options_.min_free_bytes) {
        return absl::ResourceExhaustedError(absl::StrCat(
            "the disk holding ", options_.path, " is full: ", free_bytes,
            " bytes free, under the ", options_.min_free_bytes,
            " readiness needs (--db_min_free_bytes)"));
      }
    }
  }
  return Read([](SqlConnection& c) {
    auto stmt = c.Prepare("SELECT 1");
    if (!stmt.ok()) return stmt.status();
    return stmt->Step().status();
  });
}

}  // namespace outreach
