#include "services/events/sql_event_store.h"

#include "services/events/event_store_conformance.h"

namespace outreach::events::testing {
namespace {

std::unique_ptr<EventStore> MakeSqliteStore(const std::string& dir) {
  SqliteOptions options;
  options.path = dir + "/events.db";
  auto store = SqlEventStore::Open(options);
  EXPECT_TRUE(store.ok()) << store.status();
  return store.ok() ? std::move(*store) : nullptr;
}

INSTANTIATE_TEST_SUITE_P(Sqlite, EventStoreConformanceTest,
                         ::testing::Values(&MakeSqliteStore),
                         [](const auto&) { return std::string("Store"); });

}  // namespace
}  // namespace outreach::events::testing
