#include "common/sqlite/sqlite_db.h"

#include <unistd.h>

#include <cstdlib>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace outreach {
namespace {

class SqliteDbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/outreach-sqlite-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/test.db";
  }
  void TearDown() override {
    std::string cmd = "rm -rf '" + dir_ + "'";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
  }
  SqliteOptions Options(std::vector<std::string> migrations) {
    SqliteOptions o;
    o.path = path_;
    o.busy_timeout = absl::Milliseconds(200);
    o.read_connections = 2;
    o.migrations = std::move(migrations);
    return o;
  }
  std::string dir_;
  std::string path_;
};

absl::StatusOr<int64_t> Count(SqliteDb& db) {
  int64_t n = -1;
  absl::Status s = db.Read([&n](SqliteConnection& c) {
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
                  ->Read([&mode](SqliteConnection& c) {
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
                  ->Write([&level](SqliteConnection& c) {
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
                    ->Write([](SqliteConnection& c) {
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
                    ->Write([](SqliteConnection& c) {
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
  absl::Status s = (*db)->Write([](SqliteConnection& c) {
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
      [](SqliteConnection& c) { return c.Exec("INSERT INTO t VALUES (1)"); });
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << s;
  // Readers are not blocked by the writer in WAL mode.
  EXPECT_TRUE(Count(**db).ok());
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
}

}  // namespace
}  // namespace outreach
