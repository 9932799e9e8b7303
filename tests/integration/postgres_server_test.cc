// The PostgreSQL 15 server the test command starts for itself
// (tests/testing/postgres_server.h): made with initdb as an unprivileged
// user, on a free loopback port, reachable with libpq as the role the
// services use, and keeping its data across a crash.

#include <libpq-fe.h>

#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "tests/testing/postgres_server.h"
#include "tests/testing/temp_dir.h"

namespace outreach::testing {
namespace {

struct PgDeleter {
  void operator()(PGconn* c) const { PQfinish(c); }
};
using Connection = std::unique_ptr<PGconn, PgDeleter>;

std::string One(PGconn* c, const char* sql) {
  PGresult* r = PQexec(c, sql);
  std::string value;
  if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
    value = PQgetvalue(r, 0, 0);
  } else {
    ADD_FAILURE() << sql << ": " << PQerrorMessage(c);
  }
  PQclear(r);
  return value;
}

TEST(PostgresServerTest, StartsConnectsAndKeepsDataAcrossACrash) {
  TempDir dir;
  PostgresServer pg(dir.path());
  ASSERT_TRUE(pg.Start().ok());
  {
    Connection c(PQconnectdb(pg.url().c_str()));
    ASSERT_EQ(PQstatus(c.get()), CONNECTION_OK) << PQerrorMessage(c.get());
    EXPECT_TRUE(absl::StartsWith(One(c.get(), "SHOW server_version"), "15."));
    EXPECT_EQ(One(c.get(), "SELECT current_user"), "outreach");
    PQclear(PQexec(c.get(), "CREATE TABLE t (x int); INSERT INTO t VALUES (7)"));
  }
  pg.Kill();
  ASSERT_TRUE(pg.Start().ok());
  Connection c(PQconnectdb(pg.url().c_str()));
  ASSERT_EQ(PQstatus(c.get()), CONNECTION_OK) << PQerrorMessage(c.get());
  EXPECT_EQ(One(c.get(), "SELECT x FROM t"), "7");
  // Loopback only.
  EXPECT_EQ(One(c.get(), "SHOW listen_addresses"), "127.0.0.1");
}

}  // namespace
}  // namespace outreach::testing
