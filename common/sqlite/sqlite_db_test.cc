#include "common/sqlite/sqlite_db.h"

#include <atomic>
#include <string>
#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/concurrency/work_budget.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace outreach {
namespace {

class SqliteDbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    path_ = dir_.path() + "/test.db";
  }
  SqliteOptions Options(std::vector<std::string> migrations) {
    SqliteOptions o;
    o.path = path_;
    o.busy_timeout = absl::Milliseconds(200);
    o.read_connections = 2;
    o.migrations = std::move(migrations);
    return o;
  }
  testing::TempDir dir_;
  std::string path_;
};

using ::outreach::testing::IsOk;
using ::outreach::testing::StatusIs;
using ::testing::HasSubstr;

// A budget that ends `after` from now.
WorkBudget EndsIn(absl::Duration after) {
  WorkBudget b;
  b.deadline = absl::Now() + after;
  return b;
}

// Holds the writer (inside a write transaction), or a reader connection,
// until released or destroyed.
class Holder {
 public:
  enum Kind { kWriter, kReader };
  Holder(SqliteDb* db, Kind kind)
      : thread_([this, db, kind] {
          auto hold = [this](SqlConnection&) {
            held_.Notify();
            release_.WaitForNotification();
            return absl::OkStatus();
          };
          result_ = kind == kWriter ? db->Write(hold) : db->Read(hold);
        }) {
    held_.WaitForNotification();
  }
  ~Holder() {
    Release();
    thread_.join();
  }
  void Release() {
    if (!release_.HasBeenNotified()) release_.Notify();
  }

 private:
  absl::Notification held_;
  absl::Notification release_;
  absl::Status result_;
  std::thread thread_;
};

absl::StatusOr<int64_t> Count(SqliteDb& db) {
  int64_t n = -1;
  absl::Status s = db.Read([&n](SqlConnection& c) {
    auto stmt = c.Prepare("SELECT COUNT(*) FROM t");
    if (!stmt.ok()) return stmt.status();
    auto row = stmt->Step();
    if (!row.ok()) return row.status();
    n = stmt->ColumnInt64(0);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return n;
}

TEST_F(SqliteDbTest, MigratesAndUsesWal) {
  auto db = SqliteDb::Open(Options({"CREATE TABLE t (x INTEGER)"}));
  ASSERT_TRUE(db.ok()) << db.status();
  EXPECT_EQ((*db)->schema_version(), 1);
  std::string mode;
  ASSERT_TRUE((*db)
                  ->Read([&mode](SqlConnection& c) {
                    auto stmt = c.Prepare("PRAGMA journal_mode");
                    if (!stmt.ok()) return stmt.status();
                    auto row = stmt->Step();
                    mode = stmt->ColumnText(0);
                    return row.status();
                  })
                  .ok());
  EXPECT_EQ(mode, "wal");
}

TEST_F(SqliteDbTest, SynchronousIsTheLevelAskedFor) {
  SqliteOptions o = Options({});
  o.synchronous = "FULL";
  auto db = SqliteDb::Open(o);
  ASSERT_TRUE(db.ok()) << db.status();
  int64_t level = -1;
  ASSERT_TRUE((*db)
                  ->Write([&level](SqlConnection& c) {
                    auto stmt = c.Prepare("PRAGMA synchronous");
                    if (!stmt.ok()) return stmt.status();
                    auto row = stmt->Step();
                    level = stmt->ColumnInt64(0);
                    return row.status();
                  })
                  .ok());
  EXPECT_EQ(level, 2);  // FULL
  o.synchronous = "OFF";
  EXPECT_EQ(SqliteDb::Open(o).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// A store has one owning process: a second Open of the same file, while
// the first is open, is refused (another process's flock conflicts the
// same way; the kernel drops it when that process ends). Once the owner
// closes, the file can be opened again.
TEST_F(SqliteDbTest, HasOneOwnerAtATime) {
  auto first = SqliteDb::Open(Options({"CREATE TABLE t (x INTEGER)"}));
  ASSERT_TRUE(first.ok()) << first.status();
  auto second = SqliteDb::Open(Options({"CREATE TABLE t (x INTEGER)"}));
  EXPECT_THAT(second.status(), StatusIs(absl::StatusCode::kFailedPrecondition,
                                        HasSubstr("in use by another process")));
  first->reset();
  EXPECT_THAT(SqliteDb::Open(Options({"CREATE TABLE t (x INTEGER)"})).status(),
              IsOk());
}

// A store has an incarnation from its creation on, kept across reopening,
// and a new one once a restore writes it (scripts/restore.sh).
TEST_F(SqliteDbTest, KeepsItsIncarnationUntilARestoreChangesIt) {
  std::string first;
  {
    auto db = SqliteDb::Open(Options({"CREATE TABLE t (x INTEGER)"}));
    ASSERT_TRUE(db.ok()) << db.status();
    first = (*db)->incarnation();
    EXPECT_EQ(first.size(), 16u);
  }
  {
    auto db = SqliteDb::Open(Options({"CREATE TABLE t (x INTEGER)"}));
    ASSERT_TRUE(db.ok());
    EXPECT_EQ((*db)->incarnation(), first);
    ASSERT_TRUE((*db)
                    ->Write([](SqlConnection& c) {
                      return c.Exec("UPDATE outreach_incarnation SET id = "
                                    "'restored'");
                    })
                    .ok());
  }
  auto db = SqliteDb::Open(Options({"CREATE TABLE t (x INTEGER)"}));
  ASSERT_TRUE(db.ok());
  EXPECT_EQ((*db)->incarnation(), "restored");
}

TEST_F(SqliteDbTest, AppliesOnlyNewMigrationsOnReopen) {
  {
    auto db = SqliteDb::Open(Options({"CREATE TABLE t (x INTEGER)"}));
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)
                    ->Write([](SqlConnection& c) {
                      return c.Exec("INSERT INTO t VALUES (1)");
                    })
                    .ok());
  }
  auto db = SqliteDb::Open(Options(
      {"CREATE TABLE t (x INTEGER)", "ALTER TABLE t ADD COLUMN y TEXT"}));
  ASSERT_TRUE(db.ok()) << db.status();
  EXPECT_EQ((*db)->schema_version(), 2);
  EXPECT_EQ(*Count(**db), 1);
}

TEST_F(SqliteDbTest, RefusesANewerSchema) {
  {
    auto db = SqliteDb::Open(
        Options({"CREATE TABLE t (x INTEGER)", "CREATE TABLE u (x INTEGER)"}));
    ASSERT_TRUE(db.ok());
  }
  auto db = SqliteDb::Open(Options({"CREATE TABLE t (x INTEGER)"}));
  EXPECT_EQ(db.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(SqliteDbTest, FailedWriteRollsBack) {
  auto db = SqliteDb::Open(Options({"CREATE TABLE t (x INTEGER)"}));
  ASSERT_TRUE(db.ok());
  absl::Status s = (*db)->Write([](SqlConnection& c) {
    if (auto e = c.Exec("INSERT INTO t VALUES (1)"); !e.ok()) return e;
    return absl::AbortedError("changed my mind");
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(*Count(**db), 0);
}

TEST_F(SqliteDbTest, BrokenMigrationFailsOpenCleanly) {
  auto db = SqliteDb::Open(Options({"CREATE TABLE t (x INTEGER)", "NOT SQL"}));
  ASSERT_FALSE(db.ok());
  EXPECT_NE(db.status().message().find("migration 2"), std::string::npos);
  // Version 1 was committed; version 2 was not.
  auto again = SqliteDb::Open(Options({"CREATE TABLE t (x INTEGER)"}));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ((*again)->schema_version(), 1);
}

TEST_F(SqliteDbTest, LockedDatabaseIsUnavailableAfterBusyTimeout) {
  auto db = SqliteDb::Open(Options({"CREATE TABLE t (x INTEGER)"}));
  ASSERT_TRUE(db.ok());
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr),
            SQLITE_OK);
  absl::Status s = (*db)->Write(
      [](SqlConnection& c) { return c.Exec("INSERT INTO t VALUES (1)"); });
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << s;
  // Readers are not blocked by the writer in WAL mode.
  EXPECT_TRUE(Count(**db).ok());
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
}

// A file another process holds until after the call's deadline: SQLite's
// own busy wait ends at that deadline, and the answer is DEADLINE_EXCEEDED,
// not a "database is locked" a fraction of a millisecond early. Deadlines
// off the millisecond grid once ended the wait early (the wait was rounded
// down), so each round uses a different fraction.
TEST_F(SqliteDbTest, AFileHeldPastTheDeadlineAnswersDeadlineExceeded) {
  auto db = SqliteDb::Open(Options({"CREATE TABLE t (x INTEGER)"}));
  ASSERT_TRUE(db.ok());
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr),
            SQLITE_OK);
  for (int round = 0; round < 50; ++round) {
    absl::Status s;
    {
      ScopedWorkBudget budget(EndsIn(absl::Milliseconds(20) +
                                     absl::Microseconds(round * 19 + 3)));
      s = (*db)->Write(
          [](SqlConnection& c) { return c.Exec("INSERT INTO t VALUES (1)"); });
    }
    EXPECT_EQ(s.code(), absl::StatusCode::kDeadlineExceeded)
        << "round " << round << ": " << s;
  }
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  EXPECT_EQ(*Count(**db), 0);
}

TEST_F(SqliteDbTest, WaitForTheWriterEndsAtTheCallsDeadline) {
  auto db = SqliteDb::Open(Options({"CREATE TABLE t (x INTEGER)"}));
  ASSERT_TRUE(db.ok());
  Holder holder(db->get(), Holder::kWriter);
  bool ran = false;
  const absl::Time start = absl::Now();
  absl::Status s;
  {
    ScopedWorkBudget budget(EndsIn(absl::Milliseconds(150)));
    s = (*db)->Write([&ran](SqlConnection&) {
      ran = true;
      return absl::OkStatus();
    });
  }
  const absl::Duration waited = absl::Now() - start;
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kDeadlineExceeded,
                          HasSubstr("writer")));
  EXPECT_FALSE(ran);
  // Gave up at its deadline, not when the writer came free.
  EXPECT_GE(waited, absl::Milliseconds(140));
  EXPECT_LT(waited, absl::Seconds(1));
}

TEST_F(SqliteDbTest, QueuedWritesAreBoundedAndTheNextIsRefusedAtOnce) {
  SqliteOptions o = Options({"CREATE TABLE t (x INTEGER)"});
  o.max_queued_writes = 1;
  auto db = SqliteDb::Open(o);
  ASSERT_TRUE(db.ok());
  auto holder = std::make_unique<Holder>(db->get(), Holder::kWriter);
  // One write queues behind the holder...
  std::atomic<bool> queued_done{false};
  absl::Status queued;
  std::thread waiter([&] {
    queued = (*db)->Write(
        [](SqlConnection& c) { return c.Exec("INSERT INTO t VALUES (1)"); });
    queued_done = true;
  });
  // ...and once it waits, the next finds the queue full.
  const absl::Time give_up = absl::Now() + absl::Seconds(5);
  while ((*db)->queued_writes() < 1 && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(1));
  }
  const absl::Time start = absl::Now();
  const absl::Status refused =
      (*db)->Write([](SqlConnection&) { return absl::OkStatus(); });
  // Refused at once, without waiting for the writer.
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(100));
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kResourceExhausted,
                                HasSubstr("waiting for the database's writer")));
  // Reads go on while writes queue.
  EXPECT_THAT(Count(**db), IsOk());
  EXPECT_FALSE(queued_done);
  holder.reset();
  waiter.join();
  EXPECT_THAT(queued, IsOk());
  EXPECT_EQ(*Count(**db), 1);
}

TEST_F(SqliteDbTest, AWriteWhoseDeadlinePassedIsRolledBackNotCommitted) {
  auto db = SqliteDb::Open(Options({"CREATE TABLE t (x INTEGER)"}));
  ASSERT_TRUE(db.ok());
  absl::Status s;
  {
    ScopedWorkBudget budget(EndsIn(absl::Milliseconds(50)));
    s = (*db)->Write([](SqlConnection& c) {
      auto e = c.Exec("INSERT INTO t VALUES (1)");
      absl::SleepFor(absl::Milliseconds(100));
      return e;
    });
  }
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kDeadlineExceeded));
  EXPECT_EQ(*Count(**db), 0);
  // The writer is usable again.
  EXPECT_THAT((*db)->Write([](SqlConnection& c) {
    return c.Exec("INSERT INTO t VALUES (2)");
  }),
              IsOk());
  EXPECT_EQ(*Count(**db), 1);
}

TEST_F(SqliteDbTest, ACancelledCallStopsItsRunningStatement) {
  auto db = SqliteDb::Open(Options({"CREATE TABLE t (x INTEGER)"}));
  ASSERT_TRUE(db.ok());
  std::atomic<bool> cancelled{false};
  std::thread canceller([&cancelled] {
    absl::SleepFor(absl::Milliseconds(100));
    cancelled = true;
  });
  WorkBudget b;
  b.cancelled = [&cancelled] { return cancelled.load(); };
  const absl::Time start = absl::Now();
  absl::Status s;
  {
    ScopedWorkBudget budget(std::move(b));
    // A statement that never ends on its own.
    s = (*db)->Read([](SqlConnection& c) {
      auto stmt = c.Prepare(
          "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) "
          "SELECT count(*) FROM n");
      if (!stmt.ok()) return stmt.status();
      return stmt->Step().status();
    });
  }
  canceller.join();
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kCancelled));
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
  // The connection is usable again, without the handler.
  EXPECT_THAT(Count(**db), IsOk());
}

TEST_F(SqliteDbTest, WaitForAReaderEndsAtTheDeadlineAndIsBounded) {
  SqliteOptions o = Options({"CREATE TABLE t (x INTEGER)"});
  o.read_connections = 1;
  o.max_queued_reads = 1;
  auto db = SqliteDb::Open(o);
  ASSERT_TRUE(db.ok());
  Holder reader(db->get(), Holder::kReader);
  std::thread queued([&] {
    ScopedWorkBudget budget(EndsIn(absl::Seconds(3)));
    (void)Count(**db);
  });
  const absl::Time give_up = absl::Now() + absl::Seconds(2);
  while ((*db)->queued_reads() < 1 && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(1));
  }
  const absl::Status s = Count(**db).status();
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kResourceExhausted,
                          HasSubstr("database connection")));
  reader.Release();
  queued.join();
  {
    // The pool is free again; a read with time left is served.
    ScopedWorkBudget budget(EndsIn(absl::Seconds(2)));
    EXPECT_THAT(Count(**db), IsOk());
  }
}

TEST_F(SqliteDbTest, AReadThatCannotGetAConnectionInTimeIsDeadlineExceeded) {
  SqliteOptions o = Options({"CREATE TABLE t (x INTEGER)"});
  o.read_connections = 1;
  auto db = SqliteDb::Open(o);
  ASSERT_TRUE(db.ok());
  Holder reader(db->get(), Holder::kReader);
  absl::Status s;
  {
    ScopedWorkBudget budget(EndsIn(absl::Milliseconds(100)));
    s = Count(**db).status();
  }
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kDeadlineExceeded,
                          HasSubstr("database connection")));
}

TEST_F(SqliteDbTest, SqlitesOwnLockWaitEndsAtTheCallsDeadline) {
  SqliteOptions o = Options({"CREATE TABLE t (x INTEGER)"});
  o.busy_timeout = absl::Seconds(10);
  auto db = SqliteDb::Open(o);
  ASSERT_TRUE(db.ok());
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr),
            SQLITE_OK);
  const absl::Time start = absl::Now();
  absl::Status s;
  {
    ScopedWorkBudget budget(EndsIn(absl::Milliseconds(200)));
    s = (*db)->Write(
        [](SqlConnection& c) { return c.Exec("INSERT INTO t VALUES (1)"); });
  }
  // Not the 10s busy timeout: the call's 200ms.
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kDeadlineExceeded));
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  EXPECT_EQ(*Count(**db), 0);
}

}  // namespace
}  // namespace outreach
