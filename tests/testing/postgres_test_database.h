#ifndef OUTREACH_TESTS_TESTING_POSTGRES_TEST_DATABASE_H_
#define OUTREACH_TESTS_TESTING_POSTGRES_TEST_DATABASE_H_

// Store conformance suites on PostgreSQL: one server per test binary,
// started on first use and stopped at exit, and one database per test
// folder, so that a suite's "open the same folder again" sees the same
// data and no two tests share one.

#include <memory>
#include <string>
#include <vector>

#include "common/postgres/pg_db.h"
#include "tests/testing/postgres_server.h"

namespace outreach::testing {

// The binary's server (fails the test and returns null if it cannot start).
PostgresServer* SharedPostgresServer();

// A migrated PgDb on the database of `dir` (created on first use), as the
// store `store_name`; null, with a test failure, on error.
std::unique_ptr<PgDb> OpenTestDatabase(
    const std::string& dir, const std::string& store_name,
    const std::vector<std::string>& migrations);

}  // namespace outreach::testing

#endif  // OUTREACH_TESTS_TESTING_POSTGRES_TEST_DATABASE_H_
