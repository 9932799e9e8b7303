#include "common/postgres/pg_db.h"

#include <arpa/inet.h>
#include <poll.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include "absl/random/random.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "common/concurrency/work_budget.h"
#include "common/log/json_log.h"
#include "common/metrics/metrics.h"

namespace outreach {
namespace {

using ResultPtr = std::unique_ptr<PGresult, void (*)(PGresult*)>;

// Marks a status as a lost serialization race, which Write runs again. A
// payload, not a code: the stores answer ABORTED themselves for a stale
// etag, which must not be retried.
constexpr char kRetryPayload[] = "outreach.postgres/serialization_failure";

bool IsSerializationFailure(const absl::Status& s) {
  return s.GetPayload(kRetryPayload).has_value();
}

// Marks a unique violation (SQLSTATE 23505). The stores look a key up
// before they insert it, so a violation means another replica committed
// the key after this transaction's snapshot: a rerun sees it and answers
// as it should (a replay, the next free id, or ALREADY_EXISTS).
constexpr char kUniquePayload[] = "outreach.postgres/unique_violation";

bool IsUniqueViolation(const absl::Status& s) {
  return s.GetPayload(kUniquePayload).has_value();
}

// PostgreSQL's type OIDs (catalog/pg_type.h) that results are read as.
constexpr Oid kBoolOid = 16;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;

// Reruns of a write after a unique violation; then it is ALREADY_EXISTS.
constexpr int kUniqueReruns = 2;

// How often a wait on the server looks at the call's cancellation.
constexpr absl::Duration kPollSlice = absl::Milliseconds(50);

int64_t ReadBigEndian(const char* p, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  // Sign-extend the narrower integers.
  if (n < 8 && n > 0 && (static_cast<unsigned char>(p[0]) & 0x80) != 0) {
    v |= ~uint64_t{0} << (8 * n);
  }
  return static_cast<int64_t>(v);
}

// Waits until `fd` is ready for `events` or `until`; false on timeout.
bool WaitSocket(int fd, short events, absl::Time until) {
  const absl::Duration left = until - absl::Now();
  if (left <= absl::ZeroDuration()) return false;
  pollfd p{fd, events, 0};
  const int ms = static_cast<int>(
      std::max<int64_t>(1, absl::ToInt64Milliseconds(left)));
  return poll(&p, 1, ms) > 0;
}

std::string Sqlstate(const PGresult* r) {
  const char* s = r == nullptr ? nullptr : PQresultErrorField(r, PG_DIAG_SQLSTATE);
  return s == nullptr ? std::string() : std::string(s);
}

}  // namespace

absl::Status PgError(const PGresult* result, PGconn* conn,
                     absl::string_view context) {
  std::string detail = result != nullptr ? PQresultErrorMessage(result)
                                         : (conn != nullptr ? PQerrorMessage(conn)
                                                            : "no connection");
  const std::string message = absl::StrCat(
      context, ": ", absl::StripTrailingAsciiWhitespace(detail));
  const std::string state = Sqlstate(result);
  if (state == "40001" || state == "40P01") {
    absl::Status s = absl::AbortedError(message);
    s.SetPayload(kRetryPayload, absl::Cord("1"));
    return s;
  }
  if (state.empty() || absl::StartsWith(state, "08") || state == "57P01" ||
      state == "57P02" || state == "57P03" || state == "53300" ||
      state == "25006") {
    // No SQLSTATE: the connection failed before the server answered.
    return absl::UnavailableError(message);
  }
  if (state == "57014") return absl::DeadlineExceededError(message);
  if (state == "53100") {
    return absl::ResourceExhaustedError(
        absl::StrCat("the database's disk is full; free space, then retry (",
                     message, ")"));
  }
  if (absl::StartsWith(state, "53")) return absl::UnavailableError(message);
  if (state == "23505") {
    absl::Status s = absl::AlreadyExistsError(message);
    s.SetPayload(kUniquePayload, absl::Cord("1"));
    return s;
  }
  if (absl::StartsWith(state, "23")) return absl::AlreadyExistsError(message);
  if (absl::StartsWith(state, "22")) {
    return absl::InvalidArgumentError(
        absl::StrCat("a value cannot be stored: ", message));
  }
  return absl::InternalError(message);
}

std::pair<std::string, int> ToPostgresPlaceholders(absl::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 8);
  int highest = 0;
  char quote = 0;
  for (size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (quote != 0) {
      out.push_back(c);
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      out.push_back(c);
      continue;
    }
    if (c != '?') {
      out.push_back(c);
      continue;
    }
    size_t j = i + 1;
    int n = 0;
    while (j < sql.size() && absl::ascii_isdigit(sql[j])) {
      n = n * 10 + (sql[j] - '0');
      ++j;
    }
    if (j == i + 1) n = highest + 1;  // a bare `?` is the next one
    highest = std::max(highest, n);
    absl::StrAppend(&out, "$", n);
    i = j - 1;
  }
  return {std::move(out), highest};
}

// --- PgStatement -----------------------------------------------------------

PgStatement::PgStatement(PgConnection* connection, std::string name,
                         int params)
    : connection_(connection),
      name_(std::move(name)),
      values_(params),
      is_null_(params, 1),
      formats_(params, 0) {}

void PgStatement::Set(int index, std::string value, bool binary) {
  if (index < 1 || index > static_cast<int>(values_.size())) return;
  values_[index - 1] = std::move(value);
  is_null_[index - 1] = 0;
  formats_[index - 1] = binary ? 1 : 0;
}

void PgStatement::BindInt(int index, int64_t value) {
  Set(index, absl::StrCat(value), false);
}

void PgStatement::BindText(int index, absl::string_view text) {
  Set(index, std::string(text), false);
}

void PgStatement::BindBlob(int index, absl::string_view bytes) {
  Set(index, std::string(bytes), true);
}

void PgStatement::BindNull(int index) {
  if (index < 1 || index > static_cast<int>(values_.size())) return;
  is_null_[index - 1] = 1;
}

absl::StatusOr<bool> PgStatement::Step() {
  if (result_ == nullptr) {
    auto result = connection_->RunPrepared(name_, values_, is_null_, formats_);
    if (!result.ok()) return result.status();
    result_ = std::move(*result);
    row_ = -1;
  }
  ++row_;
  return row_ < PQntuples(result_.get());
}

int64_t PgStatement::ColumnInt64(int column) const {
  const PGresult* r = result_.get();
  if (r == nullptr || PQgetisnull(r, row_, column)) return 0;
  const char* v = PQgetvalue(r, row_, column);
  const int n = PQgetlength(r, row_, column);
  switch (PQftype(r, column)) {
    case kInt8Oid:
    case kInt4Oid:
    case kInt2Oid:
    case kBoolOid:
      return ReadBigEndian(v, n);
    default: {
      int64_t out = 0;
      return absl::SimpleAtoi(absl::string_view(v, n), &out) ? out : 0;
    }
  }
}

std::string PgStatement::ColumnText(int column) const {
  const PGresult* r = result_.get();
  if (r == nullptr || PQgetisnull(r, row_, column)) return "";
  switch (PQftype(r, column)) {
    case kInt8Oid:
    case kInt4Oid:
    case kInt2Oid:
      return absl::StrCat(ColumnInt64(column));
    default:
      return std::string(ColumnBlob(column));
  }
}

absl::string_view PgStatement::ColumnBlob(int column) const {
  const PGresult* r = result_.get();
  if (r == nullptr || PQgetisnull(r, row_, column)) return {};
  return absl::string_view(PQgetvalue(r, row_, column),
                           PQgetlength(r, row_, column));
}

bool PgStatement::ColumnIsNull(int column) const {
  return result_ == nullptr || PQgetisnull(result_.get(), row_, column);
}

void PgStatement::Reset() {
  result_.reset();
  row_ = -1;
  std::fill(is_null_.begin(), is_null_.end(), 1);
  for (auto& v : values_) v.clear();
}

// --- PgConnection ----------------------------------------------------------

PgConnection::~PgConnection() {
  statements_.clear();
  PQfinish(conn_);
}

bool PgConnection::broken() const {
  return abandoned_ || PQstatus(conn_) != CONNECTION_OK;
}

absl::StatusOr<ResultPtr> PgConnection::Await(absl::string_view context) {
  // One statement waits at most until the call's deadline, and never
  // longer than the statement bound: the server's statement_timeout cannot
  // end a statement on a server that has stopped altogether.
  const absl::Time until = std::min(deadline_, absl::Now() + statement_wait_);
  // Whether the wait is over: the call's own end (DEADLINE_EXCEEDED or
  // CANCELLED), or the statement bound (UNAVAILABLE). The connection is
  // then left mid-answer, and dropped.
  auto over = [&]() -> absl::Status {
    if (auto s = BudgetStatus(
            WorkBudget{deadline_, CurrentWorkBudget().cancelled}, context);
        !s.ok()) {
      abandoned_ = true;
      return s;
    }
    if (absl::Now() >= until) {
      abandoned_ = true;
      return absl::UnavailableError(absl::StrCat(
          context, ": the database did not answer within ",
          absl::FormatDuration(statement_wait_)));
    }
    return absl::OkStatus();
  };
  // Send what libpq still holds (a large body on a slow socket), then read
  // until the server has answered.
  while (true) {
    const int flushed = PQflush(conn_);
    if (flushed == 0) break;
    if (flushed < 0) return PgError(nullptr, conn_, context);
    if (WaitSocket(PQsocket(conn_), POLLOUT | POLLIN,
                   std::min(until, absl::Now() + kPollSlice))) {
      if (!PQconsumeInput(conn_)) return PgError(nullptr, conn_, context);
    }
    if (auto s = over(); !s.ok()) return s;
  }
  ResultPtr last(nullptr, &PQclear);
  absl::Status first_error;
  while (true) {
    if (!PQconsumeInput(conn_)) return PgError(nullptr, conn_, context);
    while (!PQisBusy(conn_)) {
      PGresult* r = PQgetResult(conn_);
      if (r == nullptr) {
        if (!first_error.ok()) return first_error;
        if (last == nullptr) return PgError(nullptr, conn_, context);
        return last;
      }
      const ExecStatusType status = PQresultStatus(r);
      if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK ||
          status == PGRES_EMPTY_QUERY) {
        last.reset(r);
      } else {
        if (first_error.ok()) first_error = PgError(r, conn_, context);
        PQclear(r);
      }
    }
    WaitSocket(PQsocket(conn_), POLLIN,
               std::min(until, absl::Now() + kPollSlice));
    if (auto s = over(); !s.ok()) return s;
  }
}

absl::Status PgConnection::Exec(absl::string_view sql) {
  if (broken()) return absl::UnavailableError("the database connection is lost");
  if (!PQsendQuery(conn_, std::string(sql).c_str())) {
    return PgError(nullptr, conn_, "send");
  }
  return Await("exec").status();
}

absl::StatusOr<Statement> PgConnection::Prepare(absl::string_view sql) {
  auto it = statements_.find(sql);
  if (it != statements_.end()) return Statement(it->second.get());
  if (broken()) return absl::UnavailableError("the database connection is lost");
  auto [text, params] = ToPostgresPlaceholders(sql);
  std::string name = absl::StrCat("s", ++next_statement_);
  if (!PQsendPrepare(conn_, name.c_str(), text.c_str(), 0, nullptr)) {
    return PgError(nullptr, conn_, "prepare");
  }
  if (auto r = Await("prepare"); !r.ok()) return r.status();
  auto owned = std::make_unique<PgStatement>(this, std::move(name), params);
  PgStatement* raw = owned.get();
  statements_.emplace(std::string(sql), std::move(owned));
  return Statement(raw);
}

absl::StatusOr<ResultPtr> PgConnection::RunPrepared(
    const std::string& name, const std::vector<std::string>& values,
    const std::vector<char>& is_null, const std::vector<int>& formats) {
  if (broken()) return absl::UnavailableError("the database connection is lost");
  std::vector<const char*> pointers(values.size());
  std::vector<int> lengths(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    pointers[i] = is_null[i] ? nullptr : values[i].data();
    lengths[i] = static_cast<int>(values[i].size());
  }
  // Results in binary: bodies arrive as they were stored, integers as
  // integers; no text escaping either way.
  if (!PQsendQueryPrepared(conn_, name.c_str(), static_cast<int>(values.size()),
                           pointers.data(), lengths.data(), formats.data(),
                           /*resultFormat=*/1)) {
    return PgError(nullptr, conn_, "execute");
  }
  return Await("execute");
}

absl::StatusOr<int64_t> PgConnection::NextRevision() {
  auto stmt = Prepare("SELECT nextval('revisions')");
  if (!stmt.ok()) return stmt.status();
  auto row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!*row) return absl::InternalError("the revision sequence is missing");
  return stmt->ColumnInt64(0);
}

absl::Status PgConnection::AdvanceCounters(int64_t revision) {
  if (revision > 0) {
    auto set = Prepare(
        "SELECT setval('revisions', GREATEST(CAST(? AS BIGINT), "
        "(SELECT CASE WHEN is_called THEN last_value ELSE 0 END "
        "FROM revisions)))");
    if (!set.ok()) return set.status();
    if (auto s = set->Bind(1, revision).Run(); !s.ok()) return s;
  }
  // Records loaded with their own seq left the identity behind them.
  auto audit = Prepare(
      "SELECT setval(pg_get_serial_sequence('audit_records', 'seq'), "
      "COALESCE(max(seq), 1), max(seq) IS NOT NULL) FROM audit_records");
  if (!audit.ok()) return audit.status();
  return audit->Run();
}

// --- PgDb ------------------------------------------------------------------

absl::StatusOr<std::unique_ptr<PgConnection>> PgDb::Connect(
    absl::Time deadline) const {
  deadline = std::min(deadline, absl::Now() + options_.connect_timeout);
  const char* keys[] = {"dbname", "application_name", "client_encoding",
                        "keepalives", "keepalives_idle", nullptr};
  const std::string app = absl::StrCat("outreach-", options_.store_name);
  const char* values[] = {options_.url.c_str(), app.c_str(), "UTF8", "1", "10",
                          nullptr};
  PGconn* raw = PQconnectStartParams(keys, values, /*expand_dbname=*/1);
  if (raw == nullptr) return absl::UnavailableError("libpq: out of memory");
  auto conn = std::make_unique<PgConnection>(raw);
  // The server's statement_timeout, plus a second for the answer to come.
  conn->set_statement_wait(options_.statement_timeout + absl::Seconds(1));
  if (PQstatus(raw) == CONNECTION_BAD) {
    return PgError(nullptr, raw, "connect");
  }
  PostgresPollingStatusType poll_status = PGRES_POLLING_WRITING;
  while (poll_status != PGRES_POLLING_OK) {
    if (poll_status == PGRES_POLLING_FAILED) {
      return PgError(nullptr, raw, "connect");
    }
    const short events = poll_status == PGRES_POLLING_READING ? POLLIN : POLLOUT;
    if (!WaitSocket(PQsocket(raw), events, deadline)) {
      return absl::UnavailableError(absl::StrCat(
          "connect: the database did not answer within ",
          absl::FormatDuration(options_.connect_timeout)));
    }
    poll_status = PQconnectPoll(raw);
  }
  if (PQsetnonblocking(raw, 1) != 0) return PgError(nullptr, raw, "connect");
  // NOTICEs ("relation already exists, skipping") are the server talking
  // to a person at a terminal; a service has nobody there.
  PQsetNoticeProcessor(raw, [](void*, const char*) {}, nullptr);
  return conn;
}

absl::StatusOr<std::unique_ptr<PgDb>> PgDb::Open(PostgresOptions options) {
  if (options.url.empty()) {
    return absl::InvalidArgumentError("the database URL is empty");
  }
  if (options.max_connections < 1) {
    return absl::InvalidArgumentError("max_connections must be at least 1");
  }
  std::unique_ptr<PgDb> db(new PgDb());
  db->options_ = std::move(options);
  if (auto s = db->Migrate(); !s.ok()) return s;
  return db;
}

PgDb::~PgDb() = default;

absl::Status PgDb::Migrate() {
  auto conn = Connect(absl::Now() + options_.connect_timeout);
  if (!conn.ok()) return conn.status();
  PgConnection& c = **conn;
  c.set_deadline(absl::Now() + options_.migration_timeout);
  auto exec = [&](absl::string_view sql) { return c.Exec(sql); };
  auto scalar = [&](absl::string_view sql,
                    absl::string_view param) -> absl::StatusOr<std::string> {
    auto stmt = c.Prepare(sql);
    if (!stmt.ok()) return stmt.status();
    if (!param.empty()) stmt->Bind(1, param);
    auto row = stmt->Step();
    if (!row.ok()) return row.status();
    return *row ? stmt->ColumnText(0) : std::string();
  };
  if (auto s = exec(absl::StrCat(
          "SET statement_timeout = ",
          absl::ToInt64Milliseconds(options_.migration_timeout)));
      !s.ok()) {
    return s;
  }
  // One migrator at a time per database: the others wait here, then find
  // the schema current. The lock is the session's, so it goes with the
  // connection if this process dies.
  const std::string lock_key = absl::StrCat("outreach:", options_.store_name);
  if (auto s = scalar("SELECT pg_advisory_lock(hashtext(?))::text", lock_key);
      !s.ok()) {
    return s.status();
  }
  absl::Status s = exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      " version INTEGER PRIMARY KEY,"
      " applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
  if (!s.ok()) return s;
  auto current_text =
      scalar("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", "");
  if (!current_text.ok()) return current_text.status();
  int current = 0;
  if (!absl::SimpleAtoi(*current_text, &current)) {
    return absl::InternalError("schema_migrations holds no version");
  }
  const int latest = static_cast<int>(options_.migrations.size());
  if (current > latest) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the ", options_.store_name, " database has schema version ", current,
        " but this binary knows only up to ", latest,
        "; run a newer binary or restore a backup"));
  }
  for (int v = current + 1; v <= latest; ++v) {
    s = exec("BEGIN");
    if (s.ok()) s = exec(options_.migrations[v - 1]);
    if (s.ok()) {
      s = exec(absl::StrCat("INSERT INTO schema_migrations (version) VALUES (",
                            v, ")"));
    }
    if (s.ok()) s = exec("COMMIT");
    if (!s.ok()) {
      exec("ROLLBACK").IgnoreError();
      return absl::Status(s.code(),
                          absl::StrCat("migration ", v, ": ", s.message()));
    }
    LogInfo("migrated the database",
            {{"store", options_.store_name}, {"version", v}});
  }
  schema_version_ = latest;
  // The incarnation, as in SQLite: made once, replaced by a restore. And
  // the cache epoch the replicas share (pg_shared_epoch.h), from a random
  // start so that keys of an earlier database are not met again.
  s = exec(
      "CREATE TABLE IF NOT EXISTS outreach_incarnation (id TEXT NOT NULL);"
      "INSERT INTO outreach_incarnation (id)"
      " SELECT substr(md5(random()::text || clock_timestamp()::text), 1, 16)"
      " WHERE NOT EXISTS (SELECT 1 FROM outreach_incarnation);"
      "CREATE TABLE IF NOT EXISTS outreach_cache_epoch (value BIGINT NOT NULL);"
      "INSERT INTO outreach_cache_epoch (value)"
      " SELECT (random() * 1e15)::bigint"
      " WHERE NOT EXISTS (SELECT 1 FROM outreach_cache_epoch)");
  if (!s.ok()) return s;
  auto incarnation = scalar("SELECT id FROM outreach_incarnation LIMIT 1", "");
  if (!incarnation.ok()) return incarnation.status();
  incarnation_ = *incarnation;
  if (auto u = scalar("SELECT pg_advisory_unlock(hashtext(?))::text", lock_key);
      !u.ok()) {
    return u.status();
  }
  if (auto r = exec("RESET statement_timeout"); !r.ok()) return r;
  absl::MutexLock lock(&mu_);
  ++open_;
  idle_.push_back(std::move(*conn));
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<PgConnection>> PgDb::Checkout(bool write) {
  const absl::Time deadline = CurrentWorkBudget().deadline;
  {
    absl::MutexLock lock(&mu_);
    auto available = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return !idle_.empty() || open_ < options_.max_connections;
    };
    if (!available()) {
      if (writes_waiting_ + reads_waiting_ >= options_.max_queued) {
        return absl::ResourceExhaustedError(absl::StrCat(
            options_.max_queued,
            " calls are already waiting for a database connection; retry "
            "later"));
      }
      int& waiting = write ? writes_waiting_ : reads_waiting_;
      ++waiting;
      const bool ready = mu_.AwaitWithDeadline(
          absl::Condition(&available), deadline);
      --waiting;
      if (!ready) {
        return absl::DeadlineExceededError(
            "the call's deadline passed while it waited for a database "
            "connection");
      }
    }
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      return c;
    }
    ++open_;  // reserved; connected below, outside the lock
  }
  auto c = Connect(deadline);
  if (!c.ok()) {
    absl::MutexLock lock(&mu_);
    --open_;
  }
  return c;
}

void PgDb::Return(std::unique_ptr<PgConnection> c) {
  absl::MutexLock lock(&mu_);
  if (c->broken()) {
    --open_;
    return;  // dropped: the next caller opens a fresh one
  }
  c->set_deadline(absl::InfiniteFuture());
  idle_.push_back(std::move(c));
}

absl::Status PgDb::RunTransaction(PgConnection& c, absl::string_view begin,
                                  const Fn& fn) {
  const WorkBudget& budget = CurrentWorkBudget();
  c.set_deadline(budget.deadline);
  absl::Duration timeout = options_.statement_timeout;
  if (budget.deadline != absl::InfiniteFuture()) {
    timeout = std::min(timeout, std::max(budget.deadline - absl::Now(),
                                         absl::Milliseconds(1)));
  }
  // One round trip begins the transaction and bounds its statements on the
  // server by what is left of the call.
  absl::Status s = c.Exec(absl::StrCat(
      begin, "; SET LOCAL statement_timeout = ",
      std::max<int64_t>(1, absl::ToInt64Milliseconds(timeout))));
  if (s.ok()) {
    s = fn(c);
    // As with SQLite: a call whose caller has gone is rolled back rather
    // than written for nobody.
    if (s.ok()) s = BudgetStatus(budget, "the transaction");
    if (s.ok() && PQtransactionStatus(c.raw()) != PQTRANS_INTRANS) {
      s = absl::InternalError("the transaction failed before its commit");
    }
    if (s.ok()) s = c.Exec("COMMIT");
  }
  if (!s.ok() && !c.broken() && PQtransactionStatus(c.raw()) != PQTRANS_IDLE) {
    c.Exec("ROLLBACK").IgnoreError();
  }
  if (!s.ok()) {
    if (absl::Status spent = BudgetStatus(budget, "the transaction");
        !spent.ok() && !IsSerializationFailure(s) && !IsUniqueViolation(s)) {
      return spent;
    }
  }
  return s;
}

absl::Status PgDb::Write(const Fn& fn) {
  const WorkBudget& budget = CurrentWorkBudget();
  if (auto s = BudgetStatus(budget, "the write"); !s.ok()) {
    return Counted("write", std::move(s));
  }
  absl::BitGen random;
  int unique_reruns = 0;
  for (int attempt = 0;; ++attempt) {
    auto c = Checkout(/*write=*/true);
    if (!c.ok()) return Counted("write", c.status());
    absl::Status s =
        RunTransaction(**c, "BEGIN ISOLATION LEVEL REPEATABLE READ", fn);
    Return(std::move(*c));
    if (IsUniqueViolation(s) && unique_reruns < kUniqueReruns) {
      // Run again at once: the rerun's snapshot holds the other key.
      ++unique_reruns;
      continue;
    }
    if (!IsSerializationFailure(s)) return Counted("write", std::move(s));
    if (attempt >= options_.serialization_retries) {
      return Counted("write", absl::UnavailableError(absl::StrCat(
                                  "the write lost ", attempt + 1,
                                  " races with concurrent writes; retry (",
                                  s.message(), ")")));
    }
    {
      absl::MutexLock lock(&mu_);
      ++retries_;
    }
    // A short random pause, growing with the attempts, so that the writers
    // that collided do not collide again in step.
    absl::SleepFor(absl::Microseconds(absl::Uniform<int64_t>(
        random, 0, 1000 * (int64_t{1} << std::min(attempt, 5)))));
    if (auto spent = BudgetStatus(budget, "the write"); !spent.ok()) {
      return Counted("write", std::move(spent));
    }
  }
}

absl::Status PgDb::Read(const Fn& fn) {
  const WorkBudget& budget = CurrentWorkBudget();
  if (auto s = BudgetStatus(budget, "the read"); !s.ok()) {
    return Counted("read", std::move(s));
  }
  auto c = Checkout(/*write=*/false);
  if (!c.ok()) return Counted("read", c.status());
  absl::Status s = RunTransaction(
      **c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", fn);
  Return(std::move(*c));
  return Counted("read", std::move(s));
}

absl::Status PgDb::Ping() {
  return Read([](SqlConnection& c) {
    auto stmt = c.Prepare("SELECT 1");
    if (!stmt.ok()) return stmt.status();
    return stmt->Step().status();
  });
}

absl::StatusOr<int64_t> PgDb::LatestRevision() {
  int64_t latest = 0;
  absl::Status s = Read([&](SqlConnection& c) -> absl::Status {
    auto stmt = c.Prepare(
        "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM revisions");
    if (!stmt.ok()) return stmt.status();
    auto row = stmt->Step();
    if (!row.ok()) return row.status();
    if (*row) latest = stmt->ColumnInt64(0);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return latest;
}

int PgDb::queued_writes() const {
  absl::MutexLock lock(&mu_);
  return writes_waiting_;
}

int PgDb::queued_reads() const {
  absl::MutexLock lock(&mu_);
  return reads_waiting_;
}

int PgDb::open_connections() const {
  absl::MutexLock lock(&mu_);
  return open_;
}

int64_t PgDb::serialization_retries() const {
  absl::MutexLock lock(&mu_);
  return retries_;
}

absl::Status PgDb::Counted(absl::string_view operation, absl::Status s) {
  if (options_.metrics != nullptr && IsStoreFault(s)) {
    options_.metrics->CountStoreError(operation,
                                      GrpcCodeName(static_cast<int>(s.code())));
  }
  return s;
}

}  // namespace outreach
