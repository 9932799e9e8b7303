// The EventStore conformance suite on a real PostgreSQL 15 server, started
// once for this binary (tests/testing/postgres_server.h); each test gets a
// database of its own.

#include "common/postgres/pg_db.h"
#include "services/events/event_store_conformance.h"
#include "services/events/sql_event_store.h"
#include "tests/testing/postgres_test_database.h"

namespace outreach::events::testing {
namespace {

std::unique_ptr<EventStore> MakePostgresStore(const std::string& dir) {
  auto db = outreach::testing::OpenTestDatabase(
      dir, "events", SqlEventStore::Migrations().postgres);
  return db == nullptr ? nullptr
                       : std::make_unique<SqlEventStore>(std::move(db));
}

INSTANTIATE_TEST_SUITE_P(Postgres, EventStoreConformanceTest,
                         ::testing::Values(&MakePostgresStore),
                         [](const auto&) { return std::string("Store"); });

}  // namespace
}  // namespace outreach::events::testing
